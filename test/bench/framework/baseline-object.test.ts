/**
 * The object-per-node baseline of the cycle benchmark (bench/framework/baseline-object.js) makes
 * the real scheduler's decisions: the benchmark compares implementations, not answers. The
 * baseline runs over the helpers in src/ here (dist/ in the benchmark).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultSchedulerConfig } from '../../../src/api/config.js';
import { Scheduler } from '../../../src/framework/scheduler.js';
import { createJsKernels } from '../../../src/kernel/js-kernels.js';
import { ClusterState } from '../../../src/model/cluster-state.js';
import { makePodInfo } from '../../../src/model/pod-info.js';
import { PlacementChecksum } from '../../../src/workloads/checksum.js';
import { scheduleAndBind } from '../../../src/workloads/runner.js';
import { defaultPerfNode, defaultPerfPod } from '../../../src/workloads/scheduling-basic.js';
import { loadObjectBaseline } from '../../../bench/framework/baseline-object.js';
import { makeNode, makePod } from '../../helpers/builders.js';
import type { Node, Pod } from '../../../src/api/k8s.js';
import { REGISTRY } from '../../../src/plugins/registry.js';

/** The baseline class over src/ (module paths under src/ as the compiled ones are under dist/). */
const ObjectBaselineScheduler = await loadObjectBaseline((modulePath) => import(new URL(`../../../src/${modulePath.replace(/\.js$/, '.ts')}`, import.meta.url).href));

async function both(nodes: Node[], pods: Pod[], seed: number) {
  const state = new ClusterState();
  for (const n of nodes) state.addNode(n);
  const scheduler = new Scheduler({ registry: REGISTRY, state, config: defaultSchedulerConfig(), kernels: createJsKernels(), seed });
  const baseline = new ObjectBaselineScheduler(seed);
  for (const n of nodes) baseline.addNode(n);
  const real = new PlacementChecksum();
  const base = new PlacementChecksum();
  for (const p of pods) {
    const pod = makePodInfo(p);
    real.add(pod.key, await scheduleAndBind(scheduler, pod));
    const b = baseline.schedule(pod);
    if (b) baseline.assume(pod, b);
    base.add(pod.key, b);
  }
  return { real: real.digest(), baseline: base.digest() };
}

describe('object-per-node baseline', () => {
  it('places SchedulingBasic pods exactly like the scheduler (same checksum), including when nodes fill up', async () => {
    const nodes = Array.from({ length: 7 }, (_, i) => defaultPerfNode(i));
    const pods = Array.from({ length: 300 }, (_, i) => defaultPerfPod(i));
    const r = await both(nodes, pods, 7);
    expect(r.baseline).toBe(r.real);
  });

  it('agrees with the scheduler on random clusters and pods (taints, cordons, selectors, ports, images)', async () => {
    const nodeArb = fc.record({
      cpu: fc.integer({ min: 1, max: 8 }),
      memoryGi: fc.integer({ min: 1, max: 16 }),
      pods: fc.integer({ min: 2, max: 20 }),
      prefer: fc.integer({ min: 0, max: 2 }),
      noSchedule: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
      cordoned: fc.integer({ min: 0, max: 14 }).map((x) => x === 0),
      zone: fc.constantFrom('x', 'y'),
      image: fc.boolean(),
    });
    const podArb = fc.record({
      cpuMilli: fc.integer({ min: 0, max: 1500 }),
      memoryMi: fc.integer({ min: 0, max: 3000 }),
      image: fc.boolean(),
      selector: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
      tolerate: fc.boolean(),
      port: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(nodeArb, { minLength: 2, maxLength: 12 }), fc.array(podArb, { minLength: 1, maxLength: 60 }), fc.nat(), async (ns, ps, seed) => {
        const nodes = ns.map((n, i) => {
          const b = makeNode(`n${i}`).capacity({ cpu: n.cpu, memory: `${n.memoryGi}Gi`, pods: n.pods }).label('zone', n.zone);
          for (let t = 0; t < n.prefer; t++) b.taint({ key: `p${t}`, effect: 'PreferNoSchedule' });
          if (n.noSchedule) b.taint({ key: 'gpu', effect: 'NoSchedule' });
          if (n.cordoned) b.unschedulable();
          if (n.image) b.images([{ names: ['app:1'], sizeBytes: 600 * 1024 * 1024 }]);
          return b.build();
        });
        const pods = ps.map((p, i) => {
          const req: Record<string, string> = {};
          if (p.cpuMilli > 0) req.cpu = `${p.cpuMilli}m`;
          if (p.memoryMi > 0) req.memory = `${p.memoryMi}Mi`;
          const b = makePod(`p${i}`).req(req, p.image ? 'app:1' : undefined);
          if (p.selector) b.nodeSelector({ zone: 'x' });
          if (p.tolerate) b.toleration({ key: 'p0', operator: 'Exists', effect: 'PreferNoSchedule' }).toleration({ key: 'gpu', operator: 'Exists' });
          if (p.port) b.hostPort(8080);
          return b.build();
        });
        const r = await both(nodes, pods, seed);
        expect(r.baseline).toBe(r.real);
      }),
      { numRuns: 80 },
    );
  });

  it('agrees on taints, cordons, selectors, host ports and images', async () => {
    const nodes = [
      makeNode('a').capacity({ cpu: '2', memory: '4Gi', pods: 10 }).label('zone', 'x').taint({ key: 'spot', effect: 'PreferNoSchedule' }).build(),
      makeNode('b').capacity({ cpu: '4', memory: '8Gi', pods: 10 }).label('zone', 'y').images([{ names: ['app:1'], sizeBytes: 500 * 1024 * 1024 }]).build(),
      makeNode('c').capacity({ cpu: '4', memory: '8Gi', pods: 10 }).label('zone', 'x').taint({ key: 'gpu', effect: 'NoSchedule' }).build(),
      makeNode('d').capacity({ cpu: '8', memory: '2Gi', pods: 10 }).unschedulable().build(),
      makeNode('e').capacity({ cpu: '1', memory: '16Gi', pods: 10 }).label('zone', 'x').build(),
    ];
    const pods = Array.from({ length: 40 }, (_, i) => {
      const b = makePod(`p${i}`).req({ cpu: `${(i % 4) * 100 + 100}m`, memory: `${(i % 3) * 512 + 256}Mi` }, i % 2 ? 'app:1' : undefined);
      if (i % 5 === 0) b.nodeSelector({ zone: 'x' });
      if (i % 7 === 0) b.toleration({ key: 'gpu', operator: 'Exists' });
      if (i % 11 === 0) b.hostPort(8080);
      return b.build();
    });
    const r = await both(nodes, pods, 3);
    expect(r.baseline).toBe(r.real);
  });
});

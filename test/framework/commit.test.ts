/**
 * Scheduler.commit: with an in-memory binder (it binds synchronously) the whole commit is done on
 * return and leaves the state `assume` + `await bind` leaves (placements, confirmation, table
 * numbers); with any other binding cycle it leaves the pod assumed and finishes in `result`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultSchedulerConfig, type SchedulerConfig } from '../../src/api/config.js';
import { Scheduler, StateBinder } from '../../src/framework/scheduler.js';
import type { Binder, PluginDefinition } from '../../src/framework/interfaces.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo, type PodInfo } from '../../src/model/pod-info.js';
import { PlacementChecksum } from '../../src/workloads/checksum.js';
import { scheduleAndBind } from '../../src/workloads/runner.js';
import { makeNode, makePod } from '../helpers/builders.js';
import type { Node, Pod } from '../../src/api/k8s.js';
import { REGISTRY } from '../../src/plugins/registry.js';

/** A binder that binds like StateBinder but only asynchronously: the scheduler must await it. */
class CountingBinder implements Binder {
  binds = 0;
  private readonly inner: StateBinder;
  constructor(state: ClusterState) {
    this.inner = new StateBinder(state);
  }
  async bind(pod: PodInfo, nodeName: string): Promise<void> {
    // A turn of the event loop first, as an API call takes one.
    await Promise.resolve();
    this.binds++;
    await this.inner.bind(pod, nodeName);
  }
}

function scheduler(nodes: readonly Node[], seed: number, binder?: (s: ClusterState) => Binder): Scheduler {
  const state = new ClusterState();
  for (const n of nodes) state.addNode(n);
  return new Scheduler({ registry: REGISTRY, state, config: defaultSchedulerConfig(), kernels: createJsKernels(), seed, binder: binder?.(state) });
}

/** What a run leaves behind: placements, their confirmation, and every node's requested numbers. */
function snapshot(s: Scheduler): unknown {
  const placed = [...s.state.placedPods()].map((p) => [p.pod.key, p.node.name, p.assumed]).sort();
  const rows = s.state.nodes.map((n) => [n.name, s.state.requestedOf(n, 'cpu'), s.state.requestedOf(n, 'memory'), s.state.requestedOf(n, 'pods'), n.pods.length]);
  return { placed, rows, draws: s.prng.draws };
}

describe('Scheduler.commit', () => {
  it('leaves the state assume + await bind leaves (random clusters and pods)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ cpu: fc.constantFrom('1', '2', '4'), pods: fc.constantFrom(3, 110) }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.record({ cpu: fc.constantFrom('100m', '500m', '1'), port: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 1000 }),
        async (nodeSpecs, podSpecs, seed) => {
          const nodes = nodeSpecs.map((n, i) => makeNode(`n${i}`).capacity({ cpu: n.cpu, memory: '8Gi', pods: n.pods }).build());
          const pods: Pod[] = podSpecs.map((p, i) => {
            const b = makePod(`p${i}`).req({ cpu: p.cpu, memory: '100Mi' });
            if (p.port) b.hostPort(8080);
            return b.build();
          });
          const sync = scheduler(nodes, seed);
          let counting: CountingBinder | undefined;
          const awaited = scheduler(nodes, seed, (s) => (counting = new CountingBinder(s)));
          const a = new PlacementChecksum();
          const b = new PlacementChecksum();
          for (const p of pods) {
            const x = makePodInfo(p);
            const y = makePodInfo(p);
            a.add(x.key, await scheduleAndBind(sync, x));
            b.add(y.key, await scheduleAndBind(awaited, y));
          }
          expect(a.digest()).toBe(b.digest());
          expect(snapshot(sync)).toEqual(snapshot(awaited));
          // The other binder really went through the binding cycle, once per placed pod.
          expect(counting!.binds).toBe([...awaited.state.placedPods()].length);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('binds synchronously with the in-memory binder: confirmed (not left assumed) on return', () => {
    const s = scheduler([makeNode('n0').capacity({ cpu: '4', memory: '8Gi', pods: 10 }).build()], 1);
    const pod = makePodInfo(makePod('p').req({ cpu: '1' }).build());
    const fw = s.frameworkFor(pod)!;
    expect(fw.bindingCycleSync).toBe(true);
    expect(s.commit(fw, fw.newCycleState(), pod, 'n0')).toEqual({ kind: 'bound' });
    expect(s.state.placementOf(pod.key)).toMatchObject({ assumed: false, node: { name: 'n0' } });
  });

  it('rejects (and forgets the assumed pod) when a synchronous binder fails', () => {
    const failing: Binder = {
      bind: async () => {
        throw new Error('disk full');
      },
      bindSync: () => {
        throw new Error('disk full');
      },
    };
    const s = scheduler([makeNode('n0').capacity({ cpu: '4', memory: '8Gi', pods: 10 }).build()], 1, () => failing);
    const pod = makePodInfo(makePod('p').req({ cpu: '1' }).build());
    const fw = s.frameworkFor(pod)!;
    const r = s.commit(fw, fw.newCycleState(), pod, 'n0');
    expect(r.kind === 'rejected' && r.status.message()).toBe('disk full');
    expect(s.state.placementOf(pod.key)).toBeUndefined();
    expect(s.state.requestedOf(s.state.nodes[0]!, 'cpu')).toBe(0);
  });

  it('leaves the pod assumed and binds in `result` for a binder that binds only asynchronously, or a binding cycle with other plugins', async () => {
    const node = makeNode('n0').capacity({ cpu: '4', memory: '8Gi', pods: 10 }).build();
    const pod = makePodInfo(makePod('p').req({ cpu: '1' }).build());
    let counting: CountingBinder | undefined;
    const custom = scheduler([node], 1, (st) => (counting = new CountingBinder(st)));
    const fw = custom.frameworkFor(pod)!;
    expect(fw.bindingCycleSync).toBe(false);
    const c = custom.commit(fw, fw.newCycleState(), pod, 'n0');
    expect(c.kind).toBe('binding');
    expect(custom.state.placementOf(pod.key)).toMatchObject({ assumed: true, node: { name: 'n0' } });
    expect(c.kind === 'binding' && (await c.result)).toEqual({ kind: 'bound' });
    expect(custom.state.placementOf(pod.key)).toMatchObject({ assumed: false, node: { name: 'n0' } });
    expect(counting!.binds).toBe(1);

    // A binding cycle with one more plugin (an out-of-tree PostBind): not the in-memory cycle.
    const audit: PluginDefinition = { name: 'Audit', points: ['postBind'], implemented: true, factory: () => ({ name: 'Audit', postBind() {} }) };
    const base = defaultSchedulerConfig();
    const p0 = base.profiles[0]!;
    const config: SchedulerConfig = { ...base, profiles: [{ ...p0, plugins: { ...p0.plugins, postBind: [{ name: 'Audit', weight: 0 }] } }] };
    const state = new ClusterState();
    state.addNode(node);
    const noBinder = new Scheduler({ registry: REGISTRY, state, config, kernels: createJsKernels(), seed: 1, plugins: [audit] });
    const fw2 = noBinder.frameworkFor(pod)!;
    expect(fw2.pluginsAt('postBind')).toEqual(['Audit']);
    expect(fw2.bindingCycleSync).toBe(false);
    const c2 = noBinder.commit(fw2, fw2.newCycleState(), pod, 'n0');
    expect(c2.kind).toBe('binding');
    // StateBinder's async bind places the pod at once; the Audit PostBind still makes it a promise.
    expect(c2.kind === 'binding' && (await c2.result)).toEqual({ kind: 'bound' });
    expect(noBinder.state.placementOf(pod.key)).toMatchObject({ assumed: false });
  });
});

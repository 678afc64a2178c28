/**
 * Scheduler.scheduleRun: a run of the queue's pods of one class decided by class batching and
 * committed one after the other must leave what schedulePod then commit per pod leaves: the same
 * nodes, the same PRNG draws, pods that do not fit reported through the exact cycle it hands back
 * (`stopped`), and a caller that stops it anywhere losing nothing.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Node, Pod } from '../../src/api/k8s.js';
import { Scheduler, type ScheduleResult } from '../../src/framework/scheduler.js';
import type { CycleState } from '../../src/framework/cycle-state.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo, podClassKey, type PodInfo } from '../../src/model/pod-info.js';
import { REGISTRY } from '../../src/plugins/registry.js';
import { scheduleAndBind } from '../../src/workloads/runner.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { config as configOf } from '../helpers/random-cluster.js';

const DEFAULT = configOf('profiles: [{schedulerName: default-scheduler}]');

const nodeArb = fc.record({ zone: fc.constantFrom('z1', 'z2'), cpu: fc.constantFrom('1', '2', '4'), taint: fc.boolean() });
const templateArb = fc.record({
  cpu: fc.constantFrom('100m', '500m', '1', '3'),
  app: fc.constantFrom('a', 'b'),
  spread: fc.option(fc.constantFrom('zone', 'kubernetes.io/hostname'), { nil: undefined }),
  tolerate: fc.boolean(),
  // Required anti-affinity: placing the run's own pods moves InterPodAffinity's trait epoch mid-run.
  anti: fc.option(fc.constantFrom('zone', 'kubernetes.io/hostname'), { nil: undefined }),
});
type Template = { cpu: string; app: string; spread: string | undefined; tolerate: boolean; anti: string | undefined };

function nodeOf(i: number, n: { zone: string; cpu: string; taint: boolean }): Node {
  const b = makeNode(`n${i}`).capacity({ cpu: n.cpu, memory: '8Gi', pods: 10 }).label('zone', n.zone);
  if (n.taint) b.taint({ key: 'dedicated', value: 'x', effect: 'PreferNoSchedule' });
  return b.build();
}

function podOf(name: string, t: Template): Pod {
  const pod = makePod(name).req({ cpu: t.cpu }).label('app', t.app).build();
  if (t.spread) {
    pod.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: t.spread, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: t.app } } }];
  }
  if (t.anti) {
    pod.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: t.anti, labelSelector: { matchLabels: { app: t.app === 'a' ? 'b' : 'a' } } }] } };
  }
  if (t.tolerate) pod.spec.tolerations = [{ key: 'dedicated', operator: 'Exists' }];
  return pod;
}

/** The queue: runs of clones of the templates (each clone's class set, as cloners set it). */
function queueOf(templates: readonly Template[], runs: ReadonlyArray<{ t: number; count: number }>): PodInfo[] {
  const out: PodInfo[] = [];
  let seq = 0;
  for (const r of runs) {
    const t = templates[r.t % templates.length]!;
    for (let i = 0; i < r.count; i++) {
      const pod = makePodInfo(podOf(`p${r.t % templates.length}-${seq++}`, t));
      podClassKey(pod);
      pod.cloned = true;
      out.push(pod);
    }
  }
  return out;
}

function schedulerOn(nodes: readonly Node[]): Scheduler {
  const kernels = createJsKernels();
  const state = new ClusterState(kernels.createTableMemory());
  for (const n of nodes) state.addNode(n);
  return new Scheduler({ registry: REGISTRY, state, config: DEFAULT, kernels, seed: 11 });
}

/** Each pod through schedulePod then commit (the reference). */
function perPod(nodes: readonly Node[], queue: readonly PodInfo[]) {
  const s = schedulerOn(nodes);
  const out: Array<string | null> = [];
  for (const pod of queue) out.push(scheduleAndBind(s, pod) as string | null);
  return { out, draws: s.prng.draws };
}

/** The queue through scheduleRun as the perf executor drives it; `stops` says after which commits the caller stops a run. */
function byRuns(nodes: readonly Node[], queue: readonly PodInfo[], stops: readonly boolean[]) {
  const s = schedulerOn(nodes);
  const out: Array<string | null> = [];
  let k = 0;
  let runs = 0;
  const committed = (pod: PodInfo, node: string | null): boolean => {
    expect(pod).toBe(queue[out.length]);
    out.push(node);
    return !stops[k++ % stops.length];
  };
  const single = (pod: PodInfo, first?: { readonly result: ScheduleResult; readonly cs: CycleState }) => {
    const fw = s.frameworkFor(pod)!;
    const cs = first?.cs ?? fw.newCycleState();
    const r = first?.result ?? s.schedulePod(pod, {}, fw, cs);
    out.push(r.selectedNode !== null && s.commit(fw, cs, pod, r.selectedNode).kind === 'bound' ? r.selectedNode : null);
  };
  for (let i = 0; i < queue.length;) {
    const fw = s.frameworkFor(queue[i]!)!;
    const run = s.scheduleRun(fw, queue, i, committed);
    if (run.count > 0) runs++;
    i += run.count;
    expect(out.length).toBe(i);
    if (run.stopped !== null) single(queue[i++]!, run.stopped);
    else if (run.count === 0) single(queue[i++]!);
  }
  return { out, draws: s.prng.draws, runs, decisions: s.defaultFramework.classBatches.decisions };
}

describe('Scheduler.scheduleRun', () => {
  it('decides and commits a run of one class as schedulePod then commit per pod would', () => {
    let runs = 0;
    let stoppedOrFull = 0;
    fc.assert(
      fc.property(
        fc.array(nodeArb, { minLength: 1, maxLength: 10 }),
        fc.array(templateArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ t: fc.nat(5), count: fc.integer({ min: 1, max: 12 }) }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
        (nodeSpecs, templates, runSpecs, stops) => {
          const nodes = nodeSpecs.map((n, i) => nodeOf(i, n));
          const ref = perPod(nodes, queueOf(templates, runSpecs));
          const got = byRuns(nodes, queueOf(templates, runSpecs), stops);
          expect(got.out).toEqual(ref.out);
          expect(got.draws).toBe(ref.draws);
          runs += got.runs;
          if (ref.out.includes(null)) stoppedOrFull++;
        },
      ),
      { numRuns: 200 },
    );
    // The runs did decide pods, and clusters filled up (the exact cycle handed back for pods that do not fit).
    expect(runs).toBeGreaterThan(200);
    expect(stoppedOrFull).toBeGreaterThan(20);
  });

  it('takes nothing for a pod without a class, of another profile, or with a nominated node', () => {
    const s = schedulerOn([nodeOf(0, { zone: 'z1', cpu: '4', taint: false })]);
    const fw = s.defaultFramework;
    const plain = makePodInfo(makePod('plain').req({ cpu: '100m' }).build());
    const never = () => true;
    expect(s.scheduleRun(fw, [plain], 0, never)).toEqual({ count: 0, stopped: null });
    const nominated = makePodInfo(makePod('nom').req({ cpu: '100m' }).build());
    podClassKey(nominated);
    nominated.pod.status = { nominatedNodeName: 'n0' };
    expect(s.scheduleRun(fw, [nominated], 0, never)).toEqual({ count: 0, stopped: null });
    expect(s.prng.draws).toBe(0);
  });
});

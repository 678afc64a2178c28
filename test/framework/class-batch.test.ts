/**
 * Class batching (src/framework/class-batch.ts) decides what one full cycle per pod decides, in
 * the situations its shortcuts are about: a normalization whose maximum moves when a node fills,
 * per-node Filters that placements change (host ports), interleaved classes, a class that stops
 * fitting, and a build only on a class's second pod. The random cases are in
 * test/kernel/scheduler-parity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Node, Pod } from '../../src/api/k8s.js';
import { Scheduler } from '../../src/framework/scheduler.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo, podClassKey } from '../../src/model/pod-info.js';
import { REGISTRY } from '../../src/plugins/registry.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { config as configOf, nodeArb, nodeOf, podArb, podOf, TAINTS } from '../helpers/random-cluster.js';

/** TaintToleration (weight 1) and NodeResourcesFit MostAllocated (weight 2) only. */
const TAINT_AND_MOST = configOf(`
profiles:
- schedulerName: default-scheduler
  plugins:
    score:
      disabled: [{name: '*'}]
      enabled: [{name: TaintToleration, weight: 1}, {name: NodeResourcesFit, weight: 2}]
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
        resources: [{name: cpu, weight: 1}, {name: memory, weight: 1}]`);

interface Run {
  nodes: Array<string | null>;
  draws: number;
  classDecisions: number;
  builds: number;
}

/** Schedules `pods` in order (each placed before the next), with or without class batching. */
function run(nodes: readonly Node[], pods: readonly Pod[], classBatching: boolean, placed: ReadonlyArray<[Pod, string]> = [], config = TAINT_AND_MOST, seed = 1): Run {
  const kernels = createJsKernels();
  const state = new ClusterState(kernels.createTableMemory());
  for (const n of nodes) state.addNode(n);
  for (const [p, node] of placed) state.addPod(makePodInfo(p), node);
  const s = new Scheduler({ registry: REGISTRY, state, config, kernels, seed, classBatching });
  const out: Array<string | null> = [];
  for (const p of pods) {
    const pod = makePodInfo(p);
    // The queue knows each pod's class (as queue builders and cloners set it).
    podClassKey(pod);
    const fw = s.frameworkFor(pod)!;
    const cs = fw.newCycleState();
    const r = s.schedulePod(pod, {}, fw, cs);
    out.push(r.selectedNode);
    if (r.selectedNode) expect(s.commit(fw, cs, pod, r.selectedNode)).toEqual({ kind: 'bound' });
  }
  const fw = s.defaultFramework;
  return { nodes: out, draws: s.prng.draws, classDecisions: fw.classBatches.decisions, builds: fw.classBatches.builds };
}

const replicas = <T,>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const small = (i: number) => makePod(`p${i}`).req({ cpu: '100m', memory: '200Mi' }).build();

describe('class batching', () => {
  it('renormalizes when the node holding the maximum raw score leaves the feasible set', () => {
    // a: 2 PreferNoSchedule taints, nearly full, room for 2 pods; b: 1 taint, 40% full; c: none,
    // empty. While a is feasible TaintToleration's maximum is 2 (b scores 50, c 100) and a wins on
    // MostAllocated; once a is full the maximum is 1 and b's taint score drops to 0, so c wins.
    // Keeping the old maximum would keep choosing b.
    const nodes = [
      makeNode('a').capacity({ cpu: '10', memory: '10Gi', pods: 3 }).taint(TAINTS[1]!).taint(TAINTS[2]!).build(),
      makeNode('b').capacity({ cpu: '10', memory: '10Gi', pods: 110 }).taint(TAINTS[1]!).build(),
      makeNode('c').capacity({ cpu: '10', memory: '10Gi', pods: 110 }).build(),
    ];
    const placed: Array<[Pod, string]> = [
      [makePod('fill-a').req({ cpu: '9400m', memory: '9400Mi' }).build(), 'a'],
      [makePod('fill-b').req({ cpu: '4', memory: '4Gi' }).build(), 'b'],
    ];
    const pods = replicas(6, small);
    const general = run(nodes, pods, false, placed);
    const batched = run(nodes, pods, true, placed);
    expect(general.nodes).toEqual(['a', 'a', 'c', 'c', 'c', 'c']);
    expect(batched.nodes).toEqual(general.nodes);
    expect(batched.draws).toBe(general.draws);
    expect(batched.classDecisions).toBe(5);
    expect(batched.builds).toBe(1);
  });

  it('re-evaluates Filters that read the node\'s pods (host ports) on the node a pod lands on', () => {
    const nodes = replicas(4, (i) => makeNode(`n${i}`).capacity({ cpu: '8', memory: '8Gi', pods: 110 }).build());
    const pods = replicas(6, (i) => makePod(`web-${i}`).req({ cpu: '1', memory: '1Gi' }).hostPort(8080).build());
    const general = run(nodes, pods, false);
    const batched = run(nodes, pods, true);
    expect(batched.nodes).toEqual(general.nodes);
    // Four nodes, one port each: the last two find no node (the exact cycle reports why).
    expect(general.nodes.slice(4)).toEqual([null, null]);
    expect(new Set(general.nodes.slice(0, 4)).size).toBe(4);
    expect(batched.classDecisions).toBe(3);
    expect(batched.draws).toBe(general.draws);
  });

  it('builds on the second pod of a class, never for a one-off pod or a pod without a class key', () => {
    const nodes = replicas(5, (i) => makeNode(`n${i}`).capacity({ cpu: '8', memory: '8Gi', pods: 110 }).build());
    const oneOffs = replicas(5, (i) => makePod(`solo-${i}`).req({ cpu: `${i + 1}00m`, memory: '100Mi' }).build());
    expect(run(nodes, oneOffs, true).builds).toBe(0);
    const twins = replicas(2, small);
    const r = run(nodes, twins, true);
    expect(r.builds).toBe(1);
    expect(r.classDecisions).toBe(1);
    // Without a class key (an ad-hoc pod) nothing is built; a clone builds on its first pod.
    const kernels = createJsKernels();
    const state = new ClusterState(kernels.createTableMemory());
    for (const n of nodes) state.addNode(n);
    const s = new Scheduler({ registry: REGISTRY, state, config: TAINT_AND_MOST, kernels, seed: 1 });
    for (const p of replicas(3, small)) expect(s.schedulePod(makePodInfo(p)).selectedNode).not.toBeNull();
    expect(s.defaultFramework.classBatches.builds).toBe(0);
    const clone = makePodInfo(small(9));
    podClassKey(clone);
    clone.cloned = true;
    s.schedulePod(clone);
    expect(s.defaultFramework.classBatches).toMatchObject({ builds: 1, decisions: 1 });
  });

  it('leaves a class that stops fitting to the exact cycle, and keeps interleaved classes apart', () => {
    const nodes = replicas(3, (i) => makeNode(`n${i}`).capacity({ cpu: '2', memory: '4Gi', pods: 110 }).build());
    const big = (i: number) => makePod(`big-${i}`).req({ cpu: '900m', memory: '1Gi' }).build();
    const pods: Pod[] = [];
    for (let i = 0; i < 8; i++) pods.push(big(i), small(i));
    const general = run(nodes, pods, false);
    const batched = run(nodes, pods, true);
    expect(batched.nodes).toEqual(general.nodes);
    expect(general.nodes.filter((n) => n === null).length).toBe(4);
    expect(batched.draws).toBe(general.draws);
    expect(batched.classDecisions).toBeGreaterThan(8);
  });

  it('decides like the general path on random small clusters under pressure', () => {
    fc.assert(
      fc.property(
        fc.array(nodeArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(podArb, fc.integer({ min: 2, max: 20 })), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 100 }),
        (nodeSpecs, specs, seed) => {
          const nodes = nodeSpecs.map((n, i) => nodeOf(i, n));
          const pods = specs.flatMap(([p, n]) => Array.from({ length: n }, () => p)).map((p, i) => podOf(i, p));
          const general = run(nodes, pods, false, [], TAINT_AND_MOST, seed);
          const batched = run(nodes, pods, true, [], TAINT_AND_MOST, seed);
          expect(batched.nodes).toEqual(general.nodes);
          expect(batched.draws).toBe(general.draws);
        },
      ),
      { numRuns: 200 },
    );
  });
});

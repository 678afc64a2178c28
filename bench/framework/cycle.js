// One scheduling cycle (schedulePod + assume; the pod is then forgotten so the state stays the
// same) on SchedulingBasic clusters of several sizes, for:
//   object-per-node   a straightforward port (baseline-object.js beside this file)
//   general/js        podfit's per-plugin framework path (fused cycle off), js kernels
//   <engine> scan     the fused cycle rescoring every node every cycle (score cache off)
//   <engine>          the fused cycle with its score cache (the default)
//   <engine> class    class batching: the same pods as clones of one template (their class known)
// for engine in js, wasm-scalar, wasm-simd. Every cluster first places `nodes` pods (one per
// node on average, identical in every case) so nodes differ.
import b from 'benny';
import { dist, engines, resultsDir, usPerOp } from '../common.js';
import { loadObjectBaseline } from './baseline-object.js';

const { REGISTRY } = await dist('plugins/registry.js');
const { defaultSchedulerConfig } = await dist('api/config.js');
const { Scheduler } = await dist('framework/scheduler.js');
const { CycleState } = await dist('framework/cycle-state.js');
const { ClusterState } = await dist('model/cluster-state.js');
const { classKeyOf, makePodInfo } = await dist('model/pod-info.js');
const { defaultPerfNode, defaultPerfPod } = await dist('workloads/scheduling-basic.js');
const ObjectBaselineScheduler = await loadObjectBaseline();

/** Distinct pods of the default shape, reused round-robin by the measured cycles. */
const POOL = 512;

function cluster(kernels, n) {
  const state = new ClusterState(kernels.createTableMemory());
  for (let i = 0; i < n; i++) state.addNode(defaultPerfNode(i));
  return state;
}

/** Places `count` init pods with a scheduler; returns [podInfo, node] decisions to replay. */
function placeInit(scheduler, count) {
  const placed = [];
  const fw = scheduler.defaultFramework;
  for (let i = 0; i < count; i++) {
    const pod = makePodInfo(defaultPerfPod(i, 'init-pod'));
    const cs = new CycleState();
    const r = scheduler.schedulePod(pod, {}, fw, cs);
    if (r.selectedNode && !scheduler.assume(fw, cs, pod, r.selectedNode)) placed.push([pod, r.selectedNode]);
  }
  return placed;
}

function replay(state, placed) {
  for (const [pod, node] of placed) state.addPod(pod, node, true);
}

/** The benchmark body for a podfit scheduler: cycle + assume, then forget. */
function podfitCycle(scheduler, pods) {
  const fw = scheduler.defaultFramework;
  const state = scheduler.state;
  let i = 0;
  return () => {
    const pod = pods[i++ % pods.length];
    const cs = new CycleState();
    const r = scheduler.schedulePod(pod, {}, fw, cs);
    if (r.selectedNode && !scheduler.assume(fw, cs, pod, r.selectedNode)) state.removePod(pod.key);
  };
}

/** Runs the cycle suite for one cluster size; returns { nodes, cases: {name: µs} }. */
export async function runCycleSuite(nodes, { maxTime = 2 } = {}) {
  const config = defaultSchedulerConfig();
  const pods = Array.from({ length: POOL }, (_, i) => makePodInfo(defaultPerfPod(i, 'bench-pod')));
  // The same pods as clones of one template (their class known): class batching decides them.
  const key = classKeyOf(defaultPerfPod(0, 'clone-pod'));
  const clones = Array.from({ length: POOL }, (_, i) => Object.assign(makePodInfo(defaultPerfPod(i, 'clone-pod')), { classKey: key, cloned: true }));
  const kernelsByName = new Map(await engines());

  // The js state decides the init placement; every other state replays it.
  const jsState = cluster(kernelsByName.get('js'), nodes);
  const placed = placeInit(new Scheduler({ registry: REGISTRY, state: jsState, config, kernels: kernelsByName.get('js'), seed: 1 }), nodes);
  const states = new Map([['js', jsState]]);
  for (const name of ['wasm-scalar', 'wasm-simd']) {
    const s = cluster(kernelsByName.get(name), nodes);
    replay(s, placed);
    states.set(name, s);
  }
  const baseline = new ObjectBaselineScheduler(1);
  for (let i = 0; i < nodes; i++) baseline.addNode(defaultPerfNode(i));
  for (const [pod, node] of placed) baseline.assume(pod, node);

  const opts = { maxTime, minSamples: 5 };
  const cases = [
    b.add('object-per-node', () => {
      let i = 0;
      return () => {
        const pod = pods[i++ % pods.length];
        const node = baseline.schedule(pod);
        if (node) {
          baseline.assume(pod, node);
          baseline.forget(pod, node);
        }
      };
    }, opts),
    b.add('general/js', () => podfitCycle(new Scheduler({ registry: REGISTRY, state: states.get('js'), config, kernels: kernelsByName.get('js'), seed: 1, fusedCycle: false }), pods), opts),
  ];
  for (const name of ['js', 'wasm-scalar', 'wasm-simd']) {
    const kernels = kernelsByName.get(name);
    const state = states.get(name);
    cases.push(b.add(`${name} scan`, () => podfitCycle(new Scheduler({ registry: REGISTRY, state, config, kernels, seed: 1, scoreCache: false }), pods), opts));
    cases.push(b.add(name, () => podfitCycle(new Scheduler({ registry: REGISTRY, state, config, kernels, seed: 1 }), pods), opts));
    cases.push(b.add(`${name} class`, () => podfitCycle(new Scheduler({ registry: REGISTRY, state, config, kernels, seed: 1 }), clones), opts));
  }
  const summary = await b.suite(
    `cycle-${nodes}-nodes`,
    ...cases,
    b.cycle(),
    b.complete(),
    b.save({ file: `cycle-${nodes}`, folder: resultsDir(), details: true, format: 'json' }),
  );
  return {
    nodes,
    tableBytesPerRow: jsState.table.bytesPerRow(),
    tableBytesPerNode: Math.round((jsState.table.bytesPerRow() * jsState.table.capacity) / nodes),
    cases: Object.fromEntries(summary.results.map((r) => [r.name, { usPerCycle: usPerOp(r), samples: r.samples, rme: r.details.relativeMarginOfError }])),
  };
}

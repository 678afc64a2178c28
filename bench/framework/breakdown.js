// Where the time of a SchedulingBasic cycle goes (BENCHMARKS.md), two ways:
//  1. phases timed directly (each repeated on a warm state, best of 5): PreFilter, the fused
//     filter+score scan, PreScore, class scores + selection, assume, a whole schedulePod;
//  2. a CPU profile of the measured loop of `podfit bench` (cycle + assume + bind + checksum),
//     self time grouped by area: kernels, framework, resource plugins, label/taint plugins, other
//     plugins, commit (ClusterState, NodeTable, pod listeners), workload runner, GC, runtime.
// The profiler's own overhead inflates small JS functions, so (2) gives proportions, not times.
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { dist, resultsDir } from '../common.js';

const { REGISTRY } = await dist('plugins/registry.js');
const { createKernels } = await dist('kernel/engine.js');
const { buildWorkload, scheduleAndBind, settleHeap } = await dist('workloads/runner.js');
const { Scheduler } = await dist('framework/scheduler.js');
const { defaultSchedulerConfig } = await dist('api/config.js');
const { CycleState } = await dist('framework/cycle-state.js');

/** Areas of the self-time breakdown, first match wins. */
const AREAS = [
  ['kernels (WASM/js scans)', (url, fn) => fn.startsWith('wasm-function') || url.includes('/kernel/')],
  ['resource plugins', (url) => /plugins\/(node-resources-|shared\/resource-)/.test(url)],
  ['label/taint plugins', (url) => /plugins\/(taint-toleration|node-affinity|node-unschedulable|node-name|node-ports|image-locality|shared\/(label-selector|taints|images|class-memo|fusion|normalize-score))/.test(url)],
  ['other plugins (spread, inter-pod, binder)', (url) => url.includes('/plugins/')],
  ['framework (cycle, fused cycle, runtime)', (url) => url.includes('/framework/')],
  ['commit (ClusterState, NodeTable, listeners)', (url) => url.includes('/model/')],
  ['workload runner + checksum', (url) => url.includes('/workloads/')],
  ['garbage collector', (_url, fn) => fn === '(garbage collector)'],
];

function best(f, reps = 2000) {
  let b = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f(i);
    b = Math.min(b, ((performance.now() - t0) * 1000) / reps);
  }
  return Math.round(b * 100) / 100;
}

/** Phase timings on a warm 5,000-node state (µs). */
async function phases(engine, variant, nodes) {
  const k = await createKernels(engine, { wasmVariant: variant });
  const { state, measured } = buildWorkload({ workload: 'SchedulingBasic', nodes, initPods: 0, pods: 4000, memory: k.createTableMemory() });
  const s = new Scheduler({ registry: REGISTRY, state, config: defaultSchedulerConfig(), kernels: k, seed: 1 });
  for (const p of measured.slice(0, nodes > 2000 ? 2000 : nodes)) await scheduleAndBind(s, p);
  const fw = s.defaultFramework;
  const pods = measured.slice(2000);
  const pod = pods[0];
  const cs = new CycleState();
  fw.runPreFilter(cs, pod, state.nodes);
  fw.fused.filter(cs, pod);
  const feasible = fw.fused.feasibleNodes();
  fw.runPreScore(cs, pod, feasible);
  const keep = () => s.prng.save();
  const node = state.nodes[17].name;
  return {
    engine: k.variant,
    'PreFilter (all plugins)': best((i) => fw.runPreFilter(new CycleState(), pods[i % pods.length], state.nodes)),
    'fused filter + resource scores (class filters, score_rows on changed rows, scan_classes)': best(() => fw.fused.filter(cs, pod)),
    'PreScore (all plugins)': best(() => fw.runPreScore(cs, pod, feasible)),
    'class scores + selection (select_nth)': best(() => {
      const st = keep();
      fw.fused.scoreAndSelect(cs, pod, feasible, s.prng);
      s.prng.restore(st);
    }),
    'assume + forget (Reserve, ClusterState.addPod, Permit; removePod)': best((i) => {
      const p = pods[i % pods.length];
      const c = new CycleState();
      s.assume(fw, c, p, node);
      state.removePod(p.key);
    }),
    'schedulePod (whole cycle, fresh pods)': best((i) => {
      const st = keep();
      s.schedulePod(pods[i % pods.length], {}, fw, new CycleState());
      s.prng.restore(st);
    }),
  };
}

/** Self time of the measured loop by area (percent). */
async function profileAreas(engine, nodes, podCount) {
  const k = await createKernels(engine);
  const { state, measured } = buildWorkload({ workload: 'SchedulingBasic', nodes, initPods: 0, pods: podCount, memory: k.createTableMemory() });
  const s = new Scheduler({ registry: REGISTRY, state, config: defaultSchedulerConfig(), kernels: k, seed: 1 });
  for (const p of measured.slice(0, 500)) await scheduleAndBind(s, p);
  settleHeap();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const { PlacementChecksum } = await dist('workloads/checksum.js');
  const checksum = new PlacementChecksum();
  const t0 = performance.now();
  const rest = measured.slice(500);
  for (const p of rest) checksum.add(p.key, await scheduleAndBind(s, p));
  const dt = performance.now() - t0;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  writeFileSync(path.join(resultsDir(), `profile-${engine}-${nodes}.cpuprofile`), JSON.stringify(profile));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byArea = new Map();
  let total = 0;
  for (const n of profile.nodes) {
    const t = self.get(n.id) ?? 0;
    if (t === 0) continue;
    const fn = n.callFrame.functionName;
    const url = n.callFrame.url;
    if (fn === '(idle)' || fn === '(program)' || fn === '(root)') continue;
    total += t;
    const area = AREAS.find(([, m]) => m(url, fn))?.[0] ?? 'runtime (Node internals, microtasks)';
    byArea.set(area, (byArea.get(area) ?? 0) + t);
  }
  return {
    engine: k.variant,
    usPerCycleUnderProfiler: Math.round((dt * 1000) / rest.length * 10) / 10,
    percent: Object.fromEntries([...byArea].sort((a, b) => b[1] - a[1]).map(([a, t]) => [a, Math.round((1000 * t) / total) / 10])),
  };
}

/** Both breakdowns at one size. */
export async function runBreakdown(nodes = 5000) {
  const out = { nodes, phases: [], profile: [] };
  for (const [engine, variant] of [['js', undefined], ['wasm', 'scalar'], ['wasm', 'simd']]) out.phases.push(await phases(engine, variant, nodes));
  for (const engine of ['js', 'wasm']) out.profile.push(await profileAreas(engine, nodes, 12000));
  return out;
}

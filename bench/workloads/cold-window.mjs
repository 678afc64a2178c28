// One cold `podfit bench SchedulingBasic` window, seen from inside: the runner's loop (class runs
// through scheduleInOrder, the per-pod clock and checksum as runBench has them) in a fresh
// process, with the first pod's time, µs per pod over each 1,000 pods, the main thread's CPU time
// and page faults (/proc/thread-self) and the process's page faults. A build root other than this
// checkout's can be given (`--root`, its dist/ and build/), so two builds alternate in one loop:
//
//   for i in 1 2 3 4 5 6; do for r in /path/to/other .; do node --v8-pool-size=1 bench/workloads/cold-window.mjs --root $r; done; done
//
// Run it as the CLI runs (README "Threads"): `--v8-pool-size` = cores - 1 below 5 cores, and
// GLIBC_TUNABLES=glibc.malloc.trim_threshold=67108864 in the environment.
//
//   node bench/workloads/cold-window.mjs [--root DIR] [--nodes 5000] [--pods 10000] [--engine wasm|js]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { root: { type: 'string', default: '.' }, nodes: { type: 'string', default: '5000' }, pods: { type: 'string', default: '10000' }, engine: { type: 'string', default: 'wasm' } } });
const root = path.resolve(values.root);
const load = (m) => import(pathToFileURL(path.join(root, 'dist', m)).href);
const { buildWorkload, scheduleInOrder, settleHeap } = await load('workloads/runner.js');
const { Scheduler } = await load('framework/scheduler.js');
const { createKernels } = await load('kernel/engine.js');
const { REGISTRY } = await load('plugins/registry.js');
const { defaultSchedulerConfig } = await load('api/config.js');
const { PlacementChecksum } = await load('workloads/checksum.js');

const threadStat = () => readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
const mainFaults = () => Number(threadStat()[7]);
const mainCpuNs = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);

const kernels = await createKernels(values.engine);
const pods = Number(values.pods);
const { state, measured } = buildWorkload({ workload: 'SchedulingBasic', nodes: Number(values.nodes), pods, initPods: 0, memory: kernels.createTableMemory() });
const scheduler = new Scheduler({ state, config: defaultSchedulerConfig(), kernels, registry: REGISTRY, seed: 1 });
const checksum = new PlacementChecksum();
state.reservePlacements?.(pods);
settleHeap();

const lat = new Float64Array(pods);
const marks = [];
const f0 = mainFaults();
const pf0 = process.resourceUsage().minorPageFault;
const c0 = mainCpuNs();
const t0 = performance.now();
let last = t0;
let k = 0;
await scheduleInOrder(scheduler, measured, (p, node) => {
  const now = performance.now();
  lat[k++] = (now - last) * 1000;
  last = now;
  checksum.add(p.key, node);
  if (k === 1 || k % 1000 === 0) marks.push([k, now]);
});
const t1 = performance.now();
const cpu = (mainCpuNs() - c0) / 1e6;
const faults = mainFaults() - f0;
const processFaults = process.resourceUsage().minorPageFault - pf0;
let per = '';
for (let i = 1; i < marks.length; i++) per += ` ${((marks[i][1] - marks[i - 1][1]) * 1000 / Math.max(1, marks[i][0] - marks[i - 1][0])).toFixed(1)}`;
console.log(JSON.stringify({
  root, totalMs: +(t1 - t0).toFixed(2), podsPerSecond: Math.round(pods / ((t1 - t0) / 1000)), firstPodMs: +(marks[0][1] - t0).toFixed(2),
  usPerPodEach1000: per.trim(), mainThreadCpuMs: +cpu.toFixed(1), mainThreadPageFaults: faults, processPageFaults: processFaults, checksum: checksum.digest(),
}));

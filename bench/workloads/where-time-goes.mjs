// Where the time of one `podfit bench SchedulingBasic` run goes, pod by pod: the same loop as the
// runner (schedule, commit, checksum), each pod timed, then the slowest pods (with their index in
// the queue), the percentiles and how much of the total the slowest 100 take.
//
//   node bench/workloads/where-time-goes.mjs [--engine wasm|js] [--nodes 5000] [--pods 10000] [--init-pods 0]
import { parseArgs } from 'node:util';
import { dist } from '../common.js';

const { values } = parseArgs({ options: { engine: { type: 'string', default: 'wasm' }, nodes: { type: 'string', default: '5000' }, pods: { type: 'string', default: '10000' }, 'init-pods': { type: 'string', default: '0' } } });
const { buildWorkload, scheduleAndBind, settleHeap } = await dist('workloads/runner.js');
const { defaultSchedulerConfig } = await dist('api/config.js');
const { createKernels } = await dist('kernel/engine.js');
const { REGISTRY } = await dist('plugins/registry.js');
const { Scheduler } = await dist('framework/scheduler.js');
const { PlacementChecksum } = await dist('workloads/checksum.js');

const kernels = await createKernels(values.engine);
const pods = Number(values.pods);
const { state, init, measured } = buildWorkload({ workload: 'SchedulingBasic', nodes: Number(values.nodes), initPods: Number(values['init-pods']), pods, memory: kernels.createTableMemory() });
const s = new Scheduler({ state, config: defaultSchedulerConfig(), kernels, registry: REGISTRY, seed: 1 });
const checksum = new PlacementChecksum();
for (const p of init) {
  const r = scheduleAndBind(s, p);
  checksum.add(p.key, r instanceof Promise ? await r : r);
}
settleHeap();
const lat = new Float64Array(pods);
const t0 = performance.now();
for (let i = 0; i < pods; i++) {
  const t = performance.now();
  const r = scheduleAndBind(s, measured[i]);
  checksum.add(measured[i].key, r instanceof Promise ? await r : r);
  lat[i] = (performance.now() - t) * 1000;
}
const total = performance.now() - t0;
const slowest = [...lat.keys()].sort((a, b) => lat[b] - lat[a]);
const top = slowest.slice(0, 100).reduce((a, i) => a + lat[i], 0) / 1000;
const sorted = Float64Array.from(lat).sort();
const q = (p) => sorted[Math.min(pods - 1, Math.floor(p * pods))].toFixed(1);
console.log(`${values.engine}: ${pods} pods in ${total.toFixed(1)} ms (${Math.round(pods / (total / 1000))} pods/s), checksum ${checksum.digest()}`);
console.log(`p50 ${q(0.5)} µs, p90 ${q(0.9)} µs, p99 ${q(0.99)} µs; the slowest 100 pods take ${top.toFixed(1)} ms`);
console.log(`slowest (index:µs): ${slowest.slice(0, 20).map((i) => `${i}:${lat[i].toFixed(0)}`).join(' ')}`);

// Class batching's per-decision kernel work on one engine and the other: the bound index
// (Kernels.classIndex) updating one changed row (score_rows + class_update) and picking the k-th
// top node (tree_kth), on a 5,000-node SchedulingBasic cluster whose class batch is built.
//
//   node bench/framework/class-index.mjs [--nodes 5000]
import { parseArgs } from 'node:util';
import { dist } from '../common.js';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '5000' } } });
const { buildWorkload, scheduleAndBind } = await dist('workloads/runner.js');
const { defaultSchedulerConfig } = await dist('api/config.js');
const { createKernels } = await dist('kernel/engine.js');
const { REGISTRY } = await dist('plugins/registry.js');
const { Scheduler } = await dist('framework/scheduler.js');

const N = 300000;
for (const engine of ['js', 'wasm']) {
  const kernels = await createKernels(engine);
  const { state, measured } = buildWorkload({ workload: 'SchedulingBasic', nodes: Number(values.nodes), initPods: 0, pods: 100, memory: kernels.createTableMemory() });
  const s = new Scheduler({ state, config: defaultSchedulerConfig(), kernels, registry: REGISTRY, seed: 1 });
  for (const p of measured) await scheduleAndBind(s, p);
  // The batch's private parts are read here on purpose: this measures its kernels alone.
  const b = s.defaultFramework.classBatches.last;
  b.changed[0] = 5;
  const time = (name, f) => {
    for (let i = 0; i < 30000; i++) f(i);
    const t0 = performance.now();
    for (let i = 0; i < N; i++) f(i);
    console.log(`${engine} ${name}: ${(((performance.now() - t0) * 1000) / N).toFixed(3)} µs`);
  };
  time('update one row (score_rows + class_update)', () => b.index.update(1));
  time('k-th top node (tree_kth)', () => b.index.kth(0));
}

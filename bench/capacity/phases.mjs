// Where one `podfit capacity` run's time goes, in one process (run `npm run build` first): the
// snapshot read and decoded, the ClusterState built, then the clones placed; with the clones per
// second of the last phase. The cluster and template are bench/capacity/run.mjs's.
//
//   node bench/capacity/phases.mjs [bench/results/capacity-5000x100000.json] [--engine wasm|js]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dist } from '../common.js';
import { RESULTS } from '../extender/common.mjs';

const { loadClusterSnapshot, buildClusterState } = await dist('cluster/snapshot.js');
const { loadPodFile } = await dist('api/input-files.js');
const { createKernels } = await dist('kernel/engine.js');
const { Scheduler } = await dist('framework/scheduler.js');
const { REGISTRY } = await dist('plugins/registry.js');
const { defaultSchedulerConfig } = await dist('api/config.js');
const { makePodInfo } = await dist('model/pod-info.js');
const { capacityConfig, capacityDefaults, runCapacity } = await dist('whatif/capacity.js');

const { values, positionals } = parseArgs({ allowPositionals: true, options: { engine: { type: 'string', default: 'wasm' } } });
const file = positionals[0] ?? join(RESULTS, 'capacity-5000x100000.json');
const engine = values.engine;
const out = {};
let t = performance.now();
const lap = (what) => {
  const now = performance.now();
  out[what] = Math.round(now - t);
  t = now;
};
const snapshot = loadClusterSnapshot(file);
lap('readDecodeMs');
const kernels = await createKernels(engine);
const loaded = buildClusterState(snapshot, file, kernels.createTableMemory());
lap('buildStateMs');
const scheduler = new Scheduler({ state: loaded.state, config: capacityConfig(defaultSchedulerConfig(), false), kernels, registry: REGISTRY, seed: 1, objects: loaded.objects });
const info = makePodInfo(capacityDefaults(loadPodFile(join(RESULTS, 'capacity-web.yaml'), { validation: 'strict', warnings: [] }).pod));
lap('setupMs');
const r = runCapacity(scheduler, [{ info, source: 'capacity-web.yaml' }]);
lap('clonesMs');
const clones = r.templates[0].placed;
console.log(JSON.stringify({ file, engine, nodes: loaded.state.nodeCount, ...out, clones, clonesPerSecond: Math.round(clones / out.clonesMs * 1000) }));

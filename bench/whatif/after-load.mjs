// The work after the load, `podfit whatif` (maxReplicas) against `podfit capacity` on the same
// cluster and template: each run a fresh process that loads bench/results/capacity-5000x100000.json
// (run.mjs writes it, and the scenario files), then times only what follows, in CPU time
// (process.cpuUsage) and wall time:
//   whatif    runScenario on max-replicas.yaml and its JSON (as `whatif -o json` prints it);
//   capacity  a Scheduler on the state, runCapacity with web.yaml and its review as JSON.
// The load is the same code for both and most of either process (~10 s of ~12 s); on a shared
// machine its variance hides a difference of a few percent, which this isolates.
//
//   node bench/whatif/after-load.mjs [--runs 5]     (npm run build first; runs alternate)
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RESULTS, ROOT } from '../extender/common.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, child: { type: 'string' } } });
const DIR = join(RESULTS, 'whatif');
const cluster = join(RESULTS, 'capacity-5000x100000.json');

async function child(flow) {
  const dist = (p) => import(join(ROOT, 'dist', p));
  const { readScenario } = await dist('api/scenario-files.js');
  const { buildClusterState, loadClusterSnapshot } = await dist('cluster/snapshot.js');
  const { createKernels } = await dist('kernel/engine.js');
  const { REGISTRY } = await dist('plugins/registry.js');
  const { runScenario } = await dist('whatif/scenario.js');
  const { Scheduler } = await dist('framework/scheduler.js');
  const { capacityConfig, capacityDefaults, runCapacity } = await dist('whatif/capacity.js');
  const { capacityReview } = await dist('report/capacity.js');
  const { defaultSchedulerConfig } = await dist('api/config.js');
  const { loadPodFile } = await dist('api/input-files.js');
  const { makePodInfo } = await dist('model/pod-info.js');
  const scenario = readScenario(join(DIR, 'max-replicas.yaml'), { validation: 'strict' });
  const pod = capacityDefaults(loadPodFile(join(DIR, 'web.yaml'), { flag: '--podspec', validation: 'strict', warnings: [] }).pod);
  const kernels = await createKernels('wasm');
  const loaded = buildClusterState(loadClusterSnapshot(cluster), cluster, kernels.createTableMemory());
  globalThis.gc();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let text;
  let replicas;
  if (flow === 'whatif') {
    const r = runScenario(scenario, { engine: { kernels, registry: REGISTRY, seed: 1 }, cluster: loaded });
    text = JSON.stringify(r, null, 2);
    replicas = r.questions[0].replicas;
  } else {
    const scheduler = new Scheduler({ state: loaded.state, config: capacityConfig(defaultSchedulerConfig(), false), kernels, registry: REGISTRY, seed: 1, objects: loaded.objects });
    const o = runCapacity(scheduler, [{ info: makePodInfo(pod), source: 'web.yaml' }], { maxLimit: 0 });
    text = JSON.stringify(capacityReview(o, { maxLimit: 0 }), null, 2);
    replicas = o.templates[0].placed;
  }
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ flow, wallMs: Math.round(performance.now() - t0), cpuMs: Math.round((c.user + c.system) / 1000), jsonBytes: text.length, replicas }));
}

if (values.child) {
  await child(values.child);
} else {
  if (!existsSync(join(DIR, 'max-replicas.yaml')) || !existsSync(cluster)) throw new Error('run `node bench/whatif/run.mjs --runs 1 --only maxReplicas` once first (it writes the cluster and the scenario)');
  const rows = { whatif: [], capacity: [] };
  for (let i = 0; i < Number(values.runs); i++) {
    for (const flow of i % 2 === 0 ? ['whatif', 'capacity'] : ['capacity', 'whatif']) {
      const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', flow], { cwd: ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${flow}: exit ${r.status}\n${r.stderr}`);
      const row = JSON.parse(r.stdout.trim().split('\n').pop());
      rows[flow].push(row);
      console.error(JSON.stringify({ run: i, ...row }));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, { wallMs: median(v.map((x) => x.wallMs)), cpuMs: median(v.map((x) => x.cpuMs)) }]));
  const out = join(RESULTS, `whatif-after-load-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), summary, rows }, null, 2));
  console.log(JSON.stringify(summary));
  console.log(out);
}

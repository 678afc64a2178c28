// The steady per-pod cost of SchedulingBasic pods (5,000 nodes), A/B between checkouts: each run
// is a fresh process that places `--warm` pods, then times `--chunks` chunks of 1,000 pods (the
// scheduling cycle, assume, binding and checksum of each, as `podfit bench` runs them) and reports
// the chunks' median and best µs per pod and the pods/s of the whole measured stretch. Runs
// alternate between the checkouts so load on a shared machine hits both alike.
//
//   node bench/workloads/steady-ab.mjs [--roots DIR,DIR] [--runs 5] [--warm 1000] [--chunks 10]
//
// A root is a checkout with `npm run build` done (its dist/ and build/ are used).
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, machine } from '../common.js';

const { values } = parseArgs({
  options: {
    roots: { type: 'string', default: ROOT },
    runs: { type: 'string', default: '5' },
    warm: { type: 'string', default: '1000' },
    chunks: { type: 'string', default: '10' },
    child: { type: 'string' },
  },
});

if (values.child) {
  const root = values.child;
  const dist = (p) => import(path.join(root, 'dist', p));
  const { buildWorkload, scheduleAndBind, settleHeap } = await dist('workloads/runner.js');
  const { defaultSchedulerConfig } = await dist('api/config.js');
  const { createKernels } = await dist('kernel/engine.js');
  const { REGISTRY } = await dist('plugins/registry.js');
  const { Scheduler } = await dist('framework/scheduler.js');
  const { PlacementChecksum } = await dist('workloads/checksum.js');
  const chunk = 1000;
  const chunks = Number(values.chunks);
  const kernels = await createKernels('wasm');
  const { state, init, measured } = buildWorkload({ workload: 'SchedulingBasic', nodes: 5000, initPods: Number(values.warm), pods: chunk * chunks, memory: kernels.createTableMemory() });
  const s = new Scheduler({ state, config: defaultSchedulerConfig(), kernels, registry: REGISTRY, seed: 1 });
  const checksum = new PlacementChecksum();
  for (const p of init) checksum.add(p.key, scheduleAndBind(s, p));
  settleHeap();
  const per = [];
  const t0 = performance.now();
  for (let c = 0; c < chunks; c++) {
    const tc = performance.now();
    for (let i = c * chunk; i < (c + 1) * chunk; i++) checksum.add(measured[i].key, scheduleAndBind(s, measured[i]));
    per.push(((performance.now() - tc) * 1000) / chunk);
  }
  const total = performance.now() - t0;
  if (process.env.STEADY_AB_CHUNKS) process.stderr.write(per.map((x) => x.toFixed(1)).join(' ') + '\n');
  per.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ medianUs: per[Math.floor(per.length / 2)], bestUs: per[0], podsPerSec: (chunk * chunks) / (total / 1000), checksum: checksum.digest() }));
} else {
  const roots = values.roots.split(',');
  const out = Object.fromEntries(roots.map((r) => [r, []]));
  const self = fileURLToPath(import.meta.url);
  for (let r = 0; r < Number(values.runs); r++) {
    for (const root of roots) {
      const j = JSON.parse(execFileSync(process.execPath, [self, '--child', root, '--warm', values.warm, '--chunks', values.chunks], { encoding: 'utf8' }));
      out[root].push(j);
      console.log(`${root} run ${r + 1}: median ${j.medianUs.toFixed(2)} µs/pod, best ${j.bestUs.toFixed(2)}, ${Math.round(j.podsPerSec)} pods/s, checksum ${j.checksum}`);
    }
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(JSON.stringify(machine()));
  for (const root of roots) {
    const rs = out[root];
    console.log(`${root}: median of runs ${med(rs.map((j) => j.medianUs)).toFixed(2)} µs/pod, ${Math.round(med(rs.map((j) => j.podsPerSec)))} pods/s; checksums ${[...new Set(rs.map((j) => j.checksum))].join(' ')}`);
  }
}

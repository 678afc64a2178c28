// Batch scheduling on worker threads, end to end: `podfit bench SchedulingBasic` in fresh
// processes with `--workers 0` and with `--workers N --workers-always` (the batch path even below
// its break-even; `--auto` drops --workers-always: what the default does), alternating so load
// changes on a shared machine hit both alike. Reports every run, the medians, the speed-up, the
// checksums (which must be equal) and the main thread's time breakdown of the batch runs. Writes
// bench/results/workers-<date>.json and .md.
//
//   node bench/parallel/workers.js                      # the default sizes, 5 runs each
//   node bench/parallel/workers.js --sizes 5000x10000,50000x10000 --runs 3 --workers 2 --init 0
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../common.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = opt('sizes', '100x3000,1000x10000,5000x10000,5000x40000,20000x10000,50000x10000').split(',').map((s) => s.split('x').map(Number));
const runs = Number(opt('runs', '5'));
const workers = Number(opt('workers', '2'));
const init = Number(opt('init', '0'));
const always = !args.includes('--auto');

function runOnce(nodes, pods, w) {
  const argv = [path.join(ROOT, 'bin', 'podfit.js'), 'bench', 'SchedulingBasic', '--nodes', String(nodes), '--pods', String(pods), '--init-pods', String(init), '--workers', String(w), '-o', 'json'];
  if (w > 0 && always) argv.push('--workers-always');
  return JSON.parse(execFileSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x) => Math.round(x);

const rows = [];
for (const [nodes, pods] of sizes) {
  const seq = [];
  const par = [];
  for (let r = 0; r < runs; r++) {
    for (const w of [0, workers]) {
      const j = runOnce(nodes, pods, w);
      (w === 0 ? seq : par).push(j);
      const b = j.batch;
      process.stdout.write(`${nodes}x${pods} workers=${w} run ${r + 1}: ${j.throughput.average} pods/s, ${j.durationMs} ms, checksum ${j.placementChecksum}` +
        (b ? `, sessions ${b.workers}, speculated ${b.speculated}, main: wait ${round(b.waitMs)} decide ${round(b.decideMs)} commit ${round(b.commitMs)} cycles ${round(b.cycleMs)} ms, worker busy ${round(b.workerBusyMs)} ms, worker cycles ${b.workerCycles ?? '?'}` : '') + '\n');
    }
  }
  const tp = (rs) => Math.round(median(rs.map((j) => j.throughput.average)));
  const mb = (k) => round(median(par.map((j) => j.batch?.[k] ?? 0)));
  rows.push({
    nodes, pods, init, runs,
    sequential: { throughput: tp(seq), runs: seq.map((j) => j.throughput.average) },
    batch: {
      workers, sessions: par[0]?.batch?.workers ?? 0, throughput: tp(par), runs: par.map((j) => j.throughput.average),
      speculated: mb('speculated'), chunksByMain: mb('chunksByMain'),
      mainMs: { wait: mb('waitMs'), decide: mb('decideMs'), commit: mb('commitMs'), cycles: mb('cycleMs') }, workerBusyMs: mb('workerBusyMs'), workerCycles: mb('workerCycles'),
      durationMs: median(par.map((j) => j.durationMs)),
    },
    speedup: Math.round((tp(par) / tp(seq)) * 100) / 100,
    checksums: [...new Set([...seq, ...par].map((j) => j.placementChecksum))],
  });
}

const lines = [
  `| nodes × pods | --workers 0 (pods/s) | --workers ${workers}${always ? ' --workers-always' : ''} (pods/s) | speed-up | sessions | from summaries | main: wait / decide / commit / cycles (ms) | worker busy (ms) | checksums equal |`,
  '|---|---:|---:|---:|---:|---:|---|---:|---|',
  ...rows.map((r) => `| ${r.nodes} × ${r.pods}${r.init ? ` (+${r.init} init)` : ''} | ${r.sequential.throughput} | ${r.batch.throughput} | ${r.speedup}× | ${r.batch.sessions} | ${r.batch.speculated} | ${r.batch.mainMs.wait} / ${r.batch.mainMs.decide} / ${r.batch.mainMs.commit} / ${r.batch.mainMs.cycles} | ${r.batch.workerBusyMs} | ${r.checksums.length === 1 ? `yes (${r.checksums[0]})` : `NO: ${r.checksums.join(', ')}`} |`),
];
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const dir = path.join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, `workers-${stamp}.json`), JSON.stringify(rows, null, 2));
writeFileSync(path.join(dir, `workers-${stamp}.md`), lines.join('\n') + '\n');
process.stdout.write('\n' + lines.join('\n') + '\n');

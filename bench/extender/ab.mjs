// A/B latency of two podfit builds (say, main and a commit before a change) under the same paced
// load, alternating, so both see the same machine: this 2-core machine is shared and its load
// moves the tail by several times from minute to minute.
//
//   node bench/extender/ab.mjs --a /path/to/other/checkout [--rounds 3] [--duration 15] [--rate 500]
// Each checkout needs its own `npm run build`. B is this checkout.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeNames, pct, processTreeCpuMs, RESULTS, typicalPod, writeCluster } from './common.mjs';
import { pacedRaw } from './paced.mjs';

const { values } = parseArgs({ options: { a: { type: 'string' }, rounds: { type: 'string', default: '3' }, duration: { type: 'string', default: '15' }, rate: { type: 'string', default: '500' }, names: { type: 'string', default: '500' } } });
if (!values.a) throw new Error('--a <checkout> is required');
const rate = Number(values.rate);
const duration = Number(values.duration);
const names = Number(values.names);
mkdirSync(RESULTS, { recursive: true });
const clusterPath = join(RESULTS, 'cluster-5000x10.json');
if (!existsSync(clusterPath)) writeCluster(5000, 10);
const builds = { A: values.a, B: new URL('../..', import.meta.url).pathname };

async function serve(root, port) {
  const child = spawn(process.execPath, [join(root, 'bin', 'podfit.js'), 'serve', '--address', '127.0.0.1', '--port', String(port), '--log-level', 'warn', '--cluster', clusterPath, '--reload-interval-ms', '0'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let k = 0; k < 600; k++) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return { child, url };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${root}: podfit serve did not get ready`);
}


const requests = [];
for (let r = 0; r < 10; r++) {
  const body = JSON.stringify({ Pod: typicalPod(), Nodes: null, NodeNames: nodeNames(names, 5000, r * names) });
  requests.push({ path: '/filter', body }, { path: '/prioritize', body });
}
const runs = [];
/** Every request's latency (ms from when it was due), by build, over all rounds. */
const pooled = { A: [], B: [] };
for (let round = 0; round < Number(values.rounds); round++) {
  for (const which of round % 2 ? ['B', 'A'] : ['A', 'B']) {
    const s = await serve(builds[which], 18890);
    await pacedRaw({ url: s.url, rate, durationS: 4, requests }); // JIT warm-up
    const cpu0 = processTreeCpuMs(s.child.pid);
    const res = await pacedRaw({ url: s.url, rate, durationS: duration, requests, keepSamples: true });
    for (const x of res.samples) if (Number.isFinite(x.done)) pooled[which].push(x.done - x.due);
    delete res.samples;
    const cpuPerRequestMs = Math.round(((processTreeCpuMs(s.child.pid) - cpu0) / res.requests) * 1000) / 1000;
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
    runs.push({ build: which, round, codes: res.codes, latencyMs: res.latencyMs, cpuPerRequestMs });
    console.log(which, round, JSON.stringify(res.latencyMs), JSON.stringify(res.codes), `server CPU ${cpuPerRequestMs} ms/request`);
  }
}
const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = Object.fromEntries(['A', 'B'].map((w) => {
  const mine = runs.filter((r) => r.build === w);
  return [w, { ...Object.fromEntries(['p50', 'p90', 'p99', 'p999'].map((q) => [q, med(mine.map((r) => r.latencyMs[q]))])), cpuPerRequestMs: med(mine.map((r) => r.cpuPerRequestMs)) }];
}));
console.log('median over rounds', JSON.stringify(summary));
// All rounds' requests together: a p99 over rounds x rate x duration requests, steadier than a
// median of per-round p99s on a machine whose tail moves from minute to minute.
const r3 = (x) => Math.round(x * 1000) / 1000;
const pooledPct = Object.fromEntries(['A', 'B'].map((w) => {
  const xs = pooled[w].sort((a, b) => a - b);
  return [w, { requests: xs.length, p50: r3(pct(xs, 50)), p90: r3(pct(xs, 90)), p99: r3(pct(xs, 99)), p999: r3(pct(xs, 99.9)) }];
}));
console.log('all rounds pooled', JSON.stringify(pooledPct));
writeFileSync(join(RESULTS, 'extender-ab.json'), JSON.stringify({ date: new Date().toISOString(), builds, rate, duration, names, runs, summary, pooled: pooledPct }, null, 2));

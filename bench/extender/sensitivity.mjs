// How this machine's latency tail responds to what a server holds and does, apart from podfit:
// the paced load of latency.mjs (500 req/s, pacedRaw, latency from the time each request was due)
// against synthetic-server.mjs variants, alternating, so all see the same machine.
//
//   node bench/extender/sensitivity.mjs [--rounds 2] [--duration 15] [--variants '[[0,0,0],[300,0,0],…]']
// A variant is [heap MB held, busy µs per request, random heap objects read per request].
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeNames, RESULTS, typicalPod } from './common.mjs';
import { pacedRaw } from './paced.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2' }, duration: { type: 'string', default: '15' }, variants: { type: 'string', default: '[[0,0,0],[300,0,0],[0,300,0],[300,300,0],[300,300,3000]]' } } });
const variants = JSON.parse(values.variants);
const requests = [];
for (let r = 0; r < 10; r++) {
  const body = JSON.stringify({ Pod: typicalPod(), Nodes: null, NodeNames: nodeNames(500, 5000, r * 500) });
  requests.push({ path: '/filter', body }, { path: '/prioritize', body });
}
const runs = [];
for (let round = 0; round < Number(values.rounds); round++) {
  for (const v of round % 2 ? [...variants].reverse() : variants) {
    const child = spawn(process.execPath, ['--expose-gc', new URL('./synthetic-server.mjs', import.meta.url).pathname, '18896', ...v.map(String)], { stdio: 'inherit' });
    const url = 'http://127.0.0.1:18896';
    for (;;) {
      try {
        if ((await fetch(`${url}/readyz`)).status === 200) break;
      } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    await pacedRaw({ url, rate: 500, durationS: 3, requests });
    const res = await pacedRaw({ url, rate: 500, durationS: Number(values.duration), requests });
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const variant = { heapMB: v[0], workUs: v[1], touches: v[2] };
    runs.push({ round, ...variant, latencyMs: res.latencyMs });
    console.log(new Date().toISOString().slice(11, 19), JSON.stringify(variant), JSON.stringify(res.latencyMs));
  }
}
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'extender-sensitivity.json'), JSON.stringify({ date: new Date().toISOString(), runs }, null, 2));

// Filter + prioritize latency at a fixed request rate against `podfit serve` holding a 5,000-node
// cluster (goal: p99 <= 5 ms at 500 requests/s on this 2-core machine).
//
//   npm run build && node bench/extender/latency.mjs [--rate 500] [--duration 20] [--names 500] [--floor]
//
// The server runs as its own process (the compiled CLI); the load comes from here, on 127.0.0.1:
// the evenly paced open-loop generator of paced.mjs on raw keep-alive sockets (`pacedRaw`, the
// figure that counts), the same schedule through node:http (`paced`, a heavier client whose own
// pauses show in its figures), then autocannon at the same nominal rate for comparison (its
// per-second budget makes the load bursty).
// Bodies are what kube-scheduler sends with nodeCacheCapable: true: the pod and the names of the
// nodes that passed its own filters, 500 by default (kube's numFeasibleNodesToFind for 5,000
// nodes), taken round-robin like its nextStartNodeIndex.
import autocannon from 'autocannon';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { metric, nodeNames, pct, RESULTS, startServe, typicalPod, writeCluster } from './common.mjs';
import { paced, pacedRaw } from './paced.mjs';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '500' }, duration: { type: 'string', default: '20' }, names: { type: 'string', default: '500' }, nodes: { type: 'string', default: '5000' }, pods: { type: 'string', default: '10' }, port: { type: 'string', default: '18888' }, floor: { type: 'boolean', default: false } } });
const rate = Number(values.rate);
const duration = Number(values.duration);
const names = Number(values.names);
const total = Number(values.nodes);

mkdirSync(RESULTS, { recursive: true });

// --floor: first the same paced load against a bare node:http server (baseline-server.mjs), the
// least latency any Node server has on this machine at this moment (compare within one run).
let floor = null;
if (values.floor) {
  const { spawn } = await import('node:child_process');
  const fport = Number(values.port) + 1;
  const child = spawn(process.execPath, [new URL('./baseline-server.mjs', import.meta.url).pathname, String(fport)], { stdio: 'ignore' });
  const furl = `http://127.0.0.1:${fport}`;
  for (let k = 0; k < 100; k++) {
    try {
      if ((await fetch(`${furl}/readyz`)).ok) break;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  const body = JSON.stringify({ Pod: typicalPod(), Nodes: null, NodeNames: nodeNames(names, total) });
  const reqs = [{ path: '/filter', body }, { path: '/prioritize', body }];
  await pacedRaw({ url: furl, rate, durationS: 3, requests: reqs });
  floor = await pacedRaw({ url: furl, rate, durationS: duration, requests: reqs });
  child.kill('SIGTERM');
  console.log(`floor: ${JSON.stringify(floor.latencyMs)}`);
}
const clusterPath = join(RESULTS, `cluster-${total}x${values.pods}.json`);
if (!existsSync(clusterPath)) writeCluster(total, Number(values.pods));
const t0 = Date.now();
const server = await startServe(['--cluster', clusterPath, '--reload-interval-ms', '0'], Number(values.port));
console.log(`server ready in ${Date.now() - t0} ms (${total} nodes)`);

const pod = typicalPod();
const requests = [];
for (let r = 0; r < 10; r++) {
  const body = JSON.stringify({ Pod: pod, Nodes: null, NodeNames: nodeNames(names, total, r * names) });
  requests.push({ method: 'POST', path: '/filter', headers: { 'content-type': 'application/json' }, body });
  requests.push({ method: 'POST', path: '/prioritize', headers: { 'content-type': 'application/json' }, body });
}

// Warm-up (JIT), then the measured runs.
await autocannon({ url: server.url, connections: 4, amount: 2000, requests });
const pacedRawResult = await pacedRaw({ url: server.url, rate, durationS: duration, requests });
const pacedResult = await paced({ url: server.url, rate, durationS: duration, requests });
const lat = [];
const codes = new Map();
const inst = autocannon({ url: server.url, connections: 16, overallRate: rate, duration, requests });
inst.on('response', (_c, status, _b, ms) => {
  lat.push(ms);
  codes.set(status, (codes.get(status) ?? 0) + 1);
});
const res = await inst;
lat.sort((a, b) => a - b);
const m = await (await fetch(`${server.url}/metrics`)).text();
const exit = await server.stop();
const r3 = (x) => Math.round(x * 1000) / 1000;
const out = {
  date: new Date().toISOString(), nodes: total, podsPerNode: Number(values.pods), namesPerRequest: names, targetRate: rate, durationS: duration,
  floor,
  pacedRaw: pacedRawResult,
  paced: pacedResult,
  autocannon: {
    requests: lat.length, errors: res.errors, timeouts: res.timeouts, non2xx: res.non2xx, codes: Object.fromEntries(codes),
    latencyMs: { p50: r3(pct(lat, 50)), p90: r3(pct(lat, 90)), p99: r3(pct(lat, 99)), p999: r3(pct(lat, 99.9)), max: r3(lat[lat.length - 1]) },
  },
  serverCycleMsMean: {
    filter: r3((1000 * metric(m, 'podfit_extender_scheduling_duration_seconds_sum{verb="filter"}')) / metric(m, 'podfit_extender_scheduling_duration_seconds_count{verb="filter"}')),
    prioritize: r3((1000 * metric(m, 'podfit_extender_scheduling_duration_seconds_sum{verb="prioritize"}')) / metric(m, 'podfit_extender_scheduling_duration_seconds_count{verb="prioritize"}')),
  },
  serverExit: exit,
};
console.log(JSON.stringify(out, null, 2));
writeFileSync(join(RESULTS, `extender-latency-${names}.json`), JSON.stringify(out, null, 2));

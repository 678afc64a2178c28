// Cost of a filter request carrying 5,000 full Node objects (nodeCacheCapable: false), against a
// bare JSON.parse of the same body (goal: <= 1.5x), plus /healthz latency while it is processed.
//
//   npm run build && node bench/extender/nodelist.mjs [--runs 7] [--parse-threads 2]
//
// The body is what kube-scheduler sends: ExtenderArgs with Nodes = the NodeList of the candidate
// nodes (here all 5,000, about 40 MB of realistic Node JSON) and NodeNames null. podfit's cost is
// read from its Server-Timing header: parse (JSON.parse in the parse worker, or inline) + cycle
// (decode, filters over 5,000 nodes, and the answer: the surviving items copied as bytes). The
// baseline is JSON.parse(body.toString()) in this process, the least any JS server must do.
import http from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileSync, readFileSync } from 'node:fs';
import { metric, pct, RESULTS, startServe, typicalPod, writeCluster } from './common.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, 'parse-threads': { type: 'string', default: '2' }, port: { type: 'string', default: '18887' } } });
const runs = Number(values.runs);
const clusterPath = join(RESULTS, 'cluster-5000x10.json');
if (!existsSync(clusterPath)) writeCluster(5000, 10);
const cluster = JSON.parse(readFileSync(clusterPath, 'utf8'));
const nodes = cluster.items.filter((o) => o.kind === 'Node').map(({ apiVersion, kind, ...n }) => n);
const body = Buffer.from(JSON.stringify({ Pod: typicalPod(), Nodes: { metadata: {}, items: nodes }, NodeNames: null }));
console.log(`body ${(body.length / 1e6).toFixed(1)} MB, ${nodes.length} nodes`);

const server = await startServe(['--cluster', clusterPath, '--reload-interval-ms', '0', '--parse-threads', values['parse-threads']], Number(values.port));
const agent = new http.Agent({ keepAlive: true });
function post() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(`${server.url}/filter`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      let n = 0;
      res.on('data', (c) => (n += c.length));
      res.on('end', () => {
        const st = Object.fromEntries(String(res.headers['server-timing']).split(', ').map((p) => { const [k, d] = p.split(';dur='); return [k, Number(d)]; }));
        resolve({ status: res.statusCode, totalMs: performance.now() - t0, answerBytes: n, ...st });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
async function healthzDuring(promise) {
  const lat = [];
  let done = false;
  promise.then(() => (done = true));
  while (!done) {
    const t0 = performance.now();
    await fetch(`${server.url}/healthz`).then((r) => r.text());
    lat.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  return lat;
}

const baseline = [];
const rows = [];
const healthz = [];
const loopLagMaxMs = [];
const scrape = async () => (await fetch(`${server.url}/metrics`)).text();
await post(); // warm-up
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  JSON.parse(body.toString('utf8'));
  baseline.push(performance.now() - t0);
  await scrape(); // resets the server's event-loop delay histogram
  const p = post();
  healthz.push(...(await healthzDuring(p)));
  rows.push(await p);
  loopLagMaxMs.push(1000 * metric(await scrape(), 'podfit_nodejs_eventloop_lag_max_seconds'));
}
await server.stop();
const med = (a) => pct([...a].sort((x, y) => x - y), 50);
const r1 = (x) => Math.round(x * 10) / 10;
const out = {
  date: new Date().toISOString(), bodyMB: r1(body.length / 1e6), nodes: nodes.length, runs, parseThreads: Number(values['parse-threads']),
  baselineJsonParseMs: r1(med(baseline)),
  podfitMs: { read: r1(med(rows.map((r) => r.read))), parse: r1(med(rows.map((r) => r.parse))), cycle: r1(med(rows.map((r) => r.cycle))), parsePlusCycle: r1(med(rows.map((r) => r.parse + r.cycle))), clientTotal: r1(med(rows.map((r) => r.totalMs))) },
  ratio: Math.round((med(rows.map((r) => r.parse + r.cycle)) / med(baseline)) * 100) / 100,
  answerMB: r1(rows[0].answerBytes / 1e6),
  healthzDuringMs: { p50: r1(pct(healthz.sort((a, b) => a - b), 50)), max: r1(healthz[healthz.length - 1]), samples: healthz.length },
  // The server's own event-loop delay while the request was processed (perf_hooks, via /metrics).
  serverEventLoopDelayMaxMs: r1(Math.max(...loopLagMaxMs)),
};
console.log(JSON.stringify(out, null, 2));
writeFileSync(join(RESULTS, `extender-nodelist-t${values['parse-threads']}.json`), JSON.stringify(out, null, 2));

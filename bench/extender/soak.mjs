// Soak: 60 s of good and bad requests mixed, at a steady rate. Goal: zero 5xx, zero crashes, no
// memory growth.
//
//   npm run build && node bench/extender/soak.mjs [--duration 60] [--rate 300]
//
// The mix (per cycle of 20 requests): filter and prioritize (NodeNames, kube's 500 candidates),
// preempt, bind (200 with an Error after the first: already bound), and bad ones: malformed JSON,
// wrong shapes, unknown node names, an oversized body (413, --max-body-bytes 1 MiB), a compressed
// body (415), a GET on a verb (405), an unknown path (404), a missing bearer token (401) and a
// wrong one (403). Memory comes from the server's own /metrics (RSS and V8 heap), sampled every 5 s.
import { existsSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { metric, nodeNames, realisticPod, RESULTS, startServe, typicalPod, writeCluster } from './common.mjs';
import { paced } from './paced.mjs';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '60' }, rate: { type: 'string', default: '300' }, port: { type: 'string', default: '18886' } } });
const durationS = Number(values.duration);
const clusterPath = join(RESULTS, 'cluster-5000x10.json');
if (!existsSync(clusterPath)) writeCluster(5000, 10);
const token = 'soak-token';
process.env.PODFIT_BEARER_TOKEN = token;
const server = await startServe(['--cluster', clusterPath, '--reload-interval-ms', '0', '--max-body-bytes', String(1 << 20)], Number(values.port));
delete process.env.PODFIT_BEARER_TOKEN;
const auth = { authorization: `Bearer ${token}` };
const names = nodeNames(500, 5000);
const good = JSON.stringify({ Pod: typicalPod(), Nodes: null, NodeNames: names });
const preemptor = { ...realisticPod('urgent-0', 'prod', '8', '1Gi'), spec: { ...realisticPod('urgent-0', 'prod', '8', '1Gi').spec, priority: 1000 } };
const preempt = JSON.stringify({ Pod: preemptor, NodeNameToVictims: null, NodeNameToMetaVictims: { 'node-00000': { Pods: [{ UID: 'uid-team-0-svc0-0-0' }, { UID: 'uid-team-1-svc1-0-1' }], NumPDBViolations: 0 } } });
const bind = JSON.stringify({ PodName: 'web-7d4f9-x2k8p', PodNamespace: 'shop', PodUID: 'uid-shop-web-7d4f9-x2k8p', Node: 'node-00001' });
const requests = [
  { path: '/filter', body: good, headers: auth },
  { path: '/prioritize', body: good, headers: auth },
  { path: '/filter', body: good, headers: auth },
  { path: '/prioritize', body: good, headers: auth },
  { path: '/preempt', body: preempt, headers: auth },
  { path: '/bind', body: bind, headers: auth },
  { path: '/filter', body: '{"Pod": {"metadata":', headers: auth },
  { path: '/filter', body: '[1,2,3]', headers: auth },
  { path: '/prioritize', body: JSON.stringify({ Pod: { metadata: {}, spec: { containers: 'no' } }, NodeNames: ['node-00001'] }), headers: auth },
  { path: '/filter', body: JSON.stringify({ Pod: typicalPod(), NodeNames: ['node-00001', 'ghost-1', 'ghost-2'] }), headers: auth },
  { path: '/filter', body: JSON.stringify({ Pod: typicalPod(), NodeNames: names, pad: 'x'.repeat(1 << 20) }), headers: auth },
  { path: '/filter', body: good, headers: { ...auth, 'content-encoding': 'gzip' } },
  { path: '/filter', method: 'GET', body: '', headers: auth },
  { path: '/nope', body: good, headers: auth },
  { path: '/filter', body: good },
  { path: '/filter', body: good, headers: { authorization: 'Bearer wrong' } },
  { path: '/preempt', body: JSON.stringify({ Pod: preemptor, NodeNameToMetaVictims: { ghost: { Pods: [] } } }), headers: auth },
  { path: '/bind', body: '{"PodName":""}', headers: auth },
  { path: '/filter', body: good, headers: auth },
  { path: '/prioritize', body: good, headers: auth },
];
const samples = [];
const sample = async (t) => {
  const m = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
  samples.push({ t, rssMB: Math.round(metric(m, 'podfit_process_resident_memory_bytes') / 1e5) / 10, heapUsedMB: Math.round(metric(m, 'podfit_nodejs_heap_size_used_bytes') / 1e5) / 10 });
};
await sample(0);
const t0 = Date.now();
const timer = setInterval(() => void sample(Math.round((Date.now() - t0) / 1000)), 5000);
const result = await paced({ url: server.url, rate: Number(values.rate), durationS, requests, connections: 16 });
clearInterval(timer);
await sample(durationS);
const alive = server.child.exitCode === null;
const m = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
const exit = await server.stop();
const fivexx = Object.entries(result.codes).filter(([c]) => Number(c) >= 500).reduce((a, [, n]) => a + n, 0);
const warm = samples.filter((s) => s.t >= 10);
const out = {
  date: new Date().toISOString(), durationS, rate: Number(values.rate), requests: result.requests, codes: result.codes, clientErrors: result.errors,
  fivexx, serverAliveAtEnd: alive, serverExit: exit, latencyMs: result.latencyMs,
  authFailures: metric(m, 'podfit_extender_auth_failures_total{reason="token_missing"}') + metric(m, 'podfit_extender_auth_failures_total{reason="token_rejected"}'),
  memory: { samples, heapUsedMBFirstWarm: warm[0]?.heapUsedMB, heapUsedMBLast: warm[warm.length - 1]?.heapUsedMB, heapUsedMBMax: Math.max(...warm.map((s) => s.heapUsedMB)), rssMBFirstWarm: warm[0]?.rssMB, rssMBLast: warm[warm.length - 1]?.rssMB },
};
console.log(JSON.stringify(out, null, 2));
writeFileSync(join(RESULTS, 'extender-soak.json'), JSON.stringify(out, null, 2));
if (fivexx > 0 || !alive || exit !== 0) process.exitCode = 1;

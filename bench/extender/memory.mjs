// Memory under the soak mix, after forced garbage collections: the server runs in this process
// (so it can be collected between rounds; --expose-gc), the load comes from a worker thread with
// the paced generator, 300 requests/s of the soak's good and bad requests. "No memory growth"
// means the heap left after GC stays flat from round to round.
//
//   npm run build && node --expose-gc bench/extender/memory.mjs [rounds]
import { SnapshotSource } from '../../dist/cluster/snapshot-source.js';
import { Extender } from '../../dist/extender/extender.js';
import { defaultExtenderConfig } from '../../dist/extender/default-config.js';
import { createKernels } from '../../dist/kernel/engine.js';
import { ExtenderServer } from '../../dist/extender/server.js';
import { ExtenderMetrics } from '../../dist/extender/metrics.js';
import { createLogger } from '../../dist/extender/logger.js';
import { REGISTRY } from '../../dist/plugins/registry.js';
import { RESULTS, writeCluster } from './common.mjs';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
const clusterPath = join(RESULTS, 'cluster-5000x10.json');
if (!existsSync(clusterPath)) writeCluster(5000, 10);
const rounds = Number(process.argv[2] ?? 6);
const kernels = await createKernels('wasm');
const src = new SnapshotSource(clusterPath, { pollIntervalMs: 0, tableMemory: () => kernels.createTableMemory() });
const ext = new Extender(src, defaultExtenderConfig(), kernels, REGISTRY);
const metrics = new ExtenderMetrics(() => src);
const server = new ExtenderServer(ext, { port: 0, address: '127.0.0.1', pathPrefix: '', verbs: { filter: 'filter', prioritize: 'prioritize', preempt: 'preempt', bind: 'bind' }, bearerToken: 'soak-token', bodyBytesMax: 1 << 20, headerBytesMax: 16384, headersTimeoutMs: 1e4, requestTimeoutMs: 3e4, keepAliveTimeoutMs: 12e4, inFlightMax: 64, queuedMax: 1024, drainTimeoutMs: 1000, parsePool: { threads: 2, inlineBelowBytes: 1 << 20 } }, createLogger('silent'), metrics, { version: 'x' });
const { url } = await server.listen();
const w = new Worker(`
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.paced).then(async ({ paced }) => {
  const { nodeNames, typicalPod, realisticPod } = await import(workerData.common);
  const auth = { authorization: 'Bearer soak-token' };
  const names = nodeNames(500, 5000);
  const good = JSON.stringify({ Pod: typicalPod(), Nodes: null, NodeNames: names });
  const pre = realisticPod('urgent-0', 'prod', '8', '1Gi'); pre.spec.priority = 1000;
  const requests = [
    { path: '/filter', body: good, headers: auth }, { path: '/prioritize', body: good, headers: auth },
    { path: '/preempt', body: JSON.stringify({ Pod: pre, NodeNameToMetaVictims: { 'node-00000': { Pods: [{ UID: 'uid-team-0-svc0-0-0' }] } } }), headers: auth },
    { path: '/bind', body: JSON.stringify({ PodName: 'web-7d4f9-x2k8p', PodNamespace: 'shop', PodUID: 'uid-shop-web-7d4f9-x2k8p', Node: 'node-00001' }), headers: auth },
    { path: '/filter', body: '{"Pod": {"metadata":', headers: auth },
    { path: '/filter', body: JSON.stringify({ Pod: typicalPod(), NodeNames: ['node-00001', 'ghost-1'] }), headers: auth },
    { path: '/filter', body: JSON.stringify({ Pod: typicalPod(), NodeNames: names, pad: 'x'.repeat(1 << 20) }), headers: auth },
    { path: '/filter', body: good },
    { path: '/filter', body: good, headers: { authorization: 'Bearer wrong' } },
    { path: '/filter', method: 'GET', body: '', headers: auth },
  ];
  parentPort.on('message', async (n) => { const r = await paced({ url: workerData.url, rate: 300, durationS: n, requests }); parentPort.postMessage(r.codes); });
  parentPort.postMessage('ready');
});`, { eval: true, workerData: { url, paced: new URL('./paced.mjs', import.meta.url).href, common: new URL('./common.mjs', import.meta.url).href } });
await new Promise((r) => w.once('message', r));
const run = (s) => new Promise((r) => { w.once('message', r); w.postMessage(s); });
const heap = () => { globalThis.gc(); globalThis.gc(); return Math.round(process.memoryUsage().heapUsed / 1e5) / 10; };
await run(5); // warm-up: caches of names and entries fill, JIT settles
const h = [heap()];
let codes;
for (let i = 0; i < rounds; i++) {
  codes = await run(8);
  h.push(heap());
}
const out = { date: new Date().toISOString(), rounds, secondsPerRound: 8, rate: 300, codesLastRound: codes, heapAfterGcMB: h, growthMB: Math.round((h[h.length - 1] - h[0]) * 10) / 10 };
console.log(JSON.stringify(out, null, 2));
writeFileSync(join(RESULTS, 'extender-memory.json'), JSON.stringify(out, null, 2));
await w.terminate();
await server.shutdown();

// Heap garbage per extender call, by allocation site: the young-generation collections it causes
// are what sets `podfit serve`'s latency tail (BENCHMARKS.md "Extender"). In process, no HTTP:
// the general path (JSON.parse, decode, verb, encode) and the byte-level fast path that serve
// takes for NodeNames bodies, on the 5,000-node benchmark cluster with 500 names per request.
// V8's sampling heap profiler, counting objects collected by young and full collections alike.
//
//   npm run build && node bench/extender/garbage.mjs [--calls 2000] [--top 8]
import { existsSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeExtenderArgs, encodeFilterResult, encodeHostPriorityList, encodeHostPriorityListById } from '../../dist/api/extender.js';
import { SnapshotSource } from '../../dist/cluster/snapshot-source.js';
import { defaultExtenderConfig } from '../../dist/extender/default-config.js';
import { Extender, filterResultOut } from '../../dist/extender/extender.js';
import { createKernels } from '../../dist/kernel/engine.js';
import { parseJsonProjected } from '../../dist/parallel/json-parse-pool.js';
import { REGISTRY } from '../../dist/plugins/registry.js';
import { nodeNames, RESULTS, typicalPod, writeCluster } from './common.mjs';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '2000' }, top: { type: 'string', default: '8' } } });
const calls = Number(values.calls);
const clusterPath = join(RESULTS, 'cluster-5000x10.json');
if (!existsSync(clusterPath)) writeCluster(5000, 10);
const kernels = await createKernels('wasm');
const source = new SnapshotSource(clusterPath, { pollIntervalMs: 0, tableMemory: () => kernels.createTableMemory() });
const ext = new Extender(source, defaultExtenderConfig(), kernels, REGISTRY);
const body = Buffer.from(JSON.stringify({ Pod: typicalPod(), Nodes: null, NodeNames: nodeNames(500, 5000) }));

const cases = {
  'general filter': () => {
    const args = decodeExtenderArgs(parseJsonProjected(body).value);
    const o = ext.filter(args, null);
    return encodeFilterResult(filterResultOut(o, { nodeItems: null, nodeNames: args.nodeNames }));
  },
  'general prioritize': () => {
    const args = decodeExtenderArgs(parseJsonProjected(body).value);
    const o = ext.prioritize(args, null);
    return encodeHostPriorityList(o.hosts, o.scores);
  },
  'fast filter': () => {
    const r = ext.filterBytes(body);
    return encodeFilterResult(filterResultOut(r.outcome, { nodeItems: null, nodeNames: null, namesById: r.names }));
  },
  'fast prioritize': () => {
    const r = ext.prioritizeBytes(body);
    return encodeHostPriorityListById(r.names, r.scores);
  },
};

const session = new Session();
session.connect();
const out = { date: new Date().toISOString(), calls, bodyBytes: body.length, bytesPerCall: {}, topSites: {} };
for (const [name, fn] of Object.entries(cases)) {
  if (name.startsWith('fast') && typeof ext.filterBytes !== 'function') continue; // a build before the fast path
  for (let i = 0; i < 3000; i++) fn(); // JIT warm-up
  await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (let i = 0; i < calls; i++) fn();
  const { profile } = await session.post('HeapProfiler.stopSampling');
  const sites = new Map();
  const walk = (node, parent) => {
    const f = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
    if (node.selfSize) {
      const k = parent ? `${f} < ${parent}` : f;
      sites.set(k, (sites.get(k) ?? 0) + node.selfSize);
    }
    for (const c of node.children) walk(c, f);
  };
  walk(profile.head, '');
  const total = [...sites.values()].reduce((a, b) => a + b, 0);
  out.bytesPerCall[name] = Math.round(total / calls);
  out.topSites[name] = [...sites].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)).map(([k, v]) => [Math.round(v / calls), k]);
  console.log(`${name}: ${out.bytesPerCall[name]} bytes per call`);
  for (const [b, k] of out.topSites[name]) console.log(`  ${String(b).padStart(6)}  ${k}`);
}
writeFileSync(join(RESULTS, 'extender-garbage.json'), JSON.stringify(out, null, 2));
await source.stop();

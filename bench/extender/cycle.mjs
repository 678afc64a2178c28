// podfit's own cost per extender call, without HTTP: body parse, decode, and the filter /
// prioritize verbs on a 5,000-node state, for 500 names (kube-scheduler's sample for 5,000 nodes)
// and for all 5,000, then the byte-level fast path podfit serve takes for these bodies (verb and
// answer encoding together). Median of repeated calls, in microseconds.
//
//   npm run build && node bench/extender/cycle.mjs [--engine wasm|js]
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeExtenderArgs, encodeFilterResult, encodeHostPriorityList, encodeHostPriorityListById } from '../../dist/api/extender.js';
import { SnapshotSource } from '../../dist/cluster/snapshot-source.js';
import { defaultExtenderConfig } from '../../dist/extender/default-config.js';
import { Extender, filterResultOut } from '../../dist/extender/extender.js';
import { createKernels } from '../../dist/kernel/engine.js';
import { parseJsonProjected } from '../../dist/parallel/json-parse-pool.js';
import { REGISTRY } from '../../dist/plugins/registry.js';
import { nodeNames, pct, RESULTS, typicalPod, writeCluster } from './common.mjs';

const { values } = parseArgs({ options: { engine: { type: 'string', default: 'wasm' } } });
const clusterPath = join(RESULTS, 'cluster-5000x10.json');
if (!existsSync(clusterPath)) writeCluster(5000, 10);
const kernels = await createKernels(values.engine);
const source = new SnapshotSource(clusterPath, { pollIntervalMs: 0, tableMemory: () => kernels.createTableMemory() });
const ext = new Extender(source, defaultExtenderConfig(), kernels, REGISTRY);

function time(fn, n) {
  for (let i = 0; i < Math.min(200, n); i++) fn();
  const t = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { medianUs: Math.round(pct(t, 50) * 1000), p99Us: Math.round(pct(t, 99) * 1000) };
}
const out = { date: new Date().toISOString(), engine: kernels.variant, nodes: source.state.nodeCount };
for (const names of [500, 5000]) {
  const body = Buffer.from(JSON.stringify({ Pod: typicalPod(), Nodes: null, NodeNames: nodeNames(names, 5000) }));
  const value = parseJsonProjected(body).value;
  const args = decodeExtenderArgs(value);
  const n = names === 500 ? 3000 : 400;
  out[`names${names}`] = {
    bodyBytes: body.length,
    parse: time(() => parseJsonProjected(body), n),
    decode: time(() => decodeExtenderArgs(value), n),
    filter: time(() => ext.filter(args, null), n),
    prioritize: time(() => ext.prioritize(args, null), n),
    // What `podfit serve` runs for this body: the byte-level fast path (no parse, no decode),
    // the answer encoded as bytes.
    fastFilter: time(() => {
      const r = ext.filterBytes(body);
      return encodeFilterResult(filterResultOut(r.outcome, { nodeItems: null, nodeNames: null, namesById: r.names }));
    }, n),
    fastPrioritize: time(() => {
      const r = ext.prioritizeBytes(body);
      return encodeHostPriorityListById(r.names, r.scores);
    }, n),
    passed: ext.filter(args, null).passed.length,
  };
}
console.log(JSON.stringify(out, null, 2));
writeFileSync(join(RESULTS, 'extender-cycle.json'), JSON.stringify(out, null, 2));
await source.stop();

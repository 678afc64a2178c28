// Where a large snapshot load goes, in one process: reading the file into decoded objects, then
// building the ClusterState, with the heap and peak RSS after each (run `npm run build` first).
//
//   node --expose-gc bench/cluster/breakdown.mjs bench/results/snapshot-20000x200000.yaml
import { dist } from '../common.js';

const { loadClusterSnapshot, buildClusterState } = await dist('cluster/snapshot.js');
const file = process.argv[2];
if (!file) throw new Error('usage: node --expose-gc bench/cluster/breakdown.mjs <snapshot file>');
let t = performance.now();
const lap = (what) => {
  const now = performance.now();
  const m = process.memoryUsage();
  console.log(`${what.padEnd(6)} ${(now - t).toFixed(0).padStart(6)} ms  rss ${(m.rss / 2 ** 20).toFixed(0)} MB  heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MB`);
  t = now;
};
const snapshot = loadClusterSnapshot(file);
lap('read');
const loaded = buildClusterState(snapshot, file);
lap('build');
globalThis.gc?.();
lap('gc');
console.log(`${loaded.state.nodeCount} nodes, ${loaded.pending.length} pending pods; peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

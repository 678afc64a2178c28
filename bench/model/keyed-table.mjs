// A miss-then-insert of a pod key into the placed-pod table, as ClusterState.addPod does per
// scheduled pod, with the caches disturbed between operations as a scheduling cycle disturbs them
// (64 reads scattered over 4 MB): a JS Map keyed by the key string, a Map keyed by a 30-bit hash,
// and KeyedTable (src/model/keyed-table.ts). 20,000 keys first, then 70,000 timed; ns per key,
// best and median of 9 rounds, the "none" row being the disturbance alone.
//
//   node bench/model/keyed-table.mjs
import { dist, machine } from '../common.js';

const { KeyedTable, keyHash } = await dist('model/keyed-table.js');
const N = 90000;
const W = 20000;
const keys = Array.from({ length: N }, (_, i) => `sched-test/pod-${i}`);
const warm = new Set(['']);
for (const k of keys) warm.has(k); // every key's string hash computed, as a decoded pod's would be
const hashes = keys.map(keyHash);
const vals = keys.map((k) => ({ k }));
const junk = new Float64Array(1 << 19);
let sink = 0;
function disturb(i) {
  let s = 0;
  for (let j = 0; j < 64; j++) s += junk[(i * 7919 + j * 104729) & ((1 << 19) - 1)];
  sink += s;
}
function round(mode) {
  const m = new Map();
  const t = new KeyedTable((v) => v.k);
  for (let i = 0; i < W; i++) {
    if (mode === 'table') t.set(vals[i], hashes[i]);
    else m.set(mode === 'map-string' ? keys[i] : hashes[i], vals[i]);
  }
  const t0 = performance.now();
  for (let i = W; i < N; i++) {
    disturb(i);
    if (mode === 'map-string') {
      if (m.has(keys[i])) sink++;
      m.set(keys[i], vals[i]);
    } else if (mode === 'map-hash') {
      if (m.has(hashes[i])) sink++;
      m.set(hashes[i], vals[i]);
    } else if (mode === 'table') {
      if (t.get(keys[i], hashes[i]) !== undefined) sink++;
      t.set(vals[i], hashes[i]);
    }
  }
  return ((performance.now() - t0) * 1e6) / (N - W);
}
const modes = ['none', 'map-string', 'map-hash', 'table'];
const r = Object.fromEntries(modes.map((m) => [m, []]));
for (let i = 0; i < 9; i++) for (const m of modes) r[m].push(round(m));
console.log(JSON.stringify(machine()));
for (const m of modes) {
  const s = r[m].sort((a, b) => a - b);
  console.log(`${m.padEnd(11)} best ${s[0].toFixed(0).padStart(5)} ns, median ${s[4].toFixed(0).padStart(5)} ns per key`);
}
if (sink === -1) console.log(sink);

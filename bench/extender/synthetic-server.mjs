// A synthetic extender-shaped server for sensitivity runs (sensitivity.mjs): the bare node:http
// server of baseline-server.mjs plus, optionally, a live heap it holds but does not touch, busy
// work per request, and reads of random objects of that heap per request. It answers `[]`.
//
//   node --expose-gc bench/extender/synthetic-server.mjs PORT [HEAP_MB] [WORK_US] [TOUCHES]
import http from 'node:http';

const port = Number(process.argv[2]);
const heapMB = Number(process.argv[3] ?? 0);
const workUs = Number(process.argv[4] ?? 0);
const touches = Number(process.argv[5] ?? 0);
// ~400 bytes of small objects per entry.
const heap = [];
for (let i = 0; i < (heapMB * 1024 * 1024) / 400; i++) heap.push({ a: i, b: `x${i}`, c: [i, i + 1, i + 2], d: { e: i } });
globalThis.gc?.();
let k = 0;
const srv = http.createServer((req, res) => {
  if (req.url === '/readyz') return res.end('ok');
  req.resume();
  req.on('end', () => {
    const t0 = performance.now();
    let sum = 0;
    for (let j = 0; j < touches; j++) sum += heap[(k = (k + 7919) % heap.length)].a;
    while ((performance.now() - t0) * 1000 < workUs) sum++;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
    res.end(sum >= 0 ? '[]' : '[]');
  });
});
srv.keepAliveTimeout = 120_000;
srv.listen(port, '127.0.0.1');
process.on('SIGTERM', () => srv.close(() => process.exit(0)));

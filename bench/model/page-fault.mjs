// What the first touch of a page costs on this machine: 1,000 fresh pages of an ArrayBuffer, a
// SharedArrayBuffer and a shared WebAssembly.Memory, one byte each, timed, with the main thread's
// page faults (/proc/thread-self/stat). On this project's Firecracker VMs a fault costs 12-16 µs,
// which is why WasmMemory.alloc clears only reused memory and the CLI keeps freed malloc memory
// (README "Threads").
//
//   node bench/model/page-fault.mjs
import { readFileSync } from 'node:fs';

const faults = () => Number(readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ')[7]);
const pages = 1000;
for (const kind of ['ArrayBuffer', 'SharedArrayBuffer', 'WebAssembly.Memory']) {
  const bytes = 4096 * pages;
  let buf;
  if (kind === 'ArrayBuffer') buf = new ArrayBuffer(bytes);
  else if (kind === 'SharedArrayBuffer') buf = new SharedArrayBuffer(bytes);
  else {
    const m = new WebAssembly.Memory({ initial: 16, maximum: 16384, shared: true });
    m.grow(Math.ceil(bytes / 65536));
    buf = m.buffer;
  }
  const a = new Uint8Array(buf);
  const f0 = faults();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < bytes; i += 4096) a[i] = 1;
  const t1 = process.hrtime.bigint();
  const n = faults() - f0;
  console.log(`${kind}: ${n} page faults, ${(Number(t1 - t0) / 1000 / Math.max(1, n)).toFixed(2)} µs each`);
}

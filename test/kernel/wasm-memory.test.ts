import { describe, expect, it } from 'vitest';
import { LAYOUT } from '../../src/kernel/layout.js';
import { WasmMemory } from '../../src/kernel/wasm-memory.js';
import { NodeTable } from '../../src/model/node-table.js';

function header(m: WasmMemory): Int32Array {
  return new Int32Array(m.memory.buffer, LAYOUT.HEADER_BASE, LAYOUT.HEADER_BYTES / 4);
}

describe('WasmMemory (arena and header)', () => {
  it('writes the header magic and version the module checks', () => {
    const m = new WasmMemory(1, 64);
    const h = header(m);
    expect(h[LAYOUT.H_MAGIC / 4]).toBe(LAYOUT.LAYOUT_MAGIC);
    expect(h[LAYOUT.H_VERSION / 4]).toBe(LAYOUT.LAYOUT_VERSION);
  });

  it('free gives an allocI32/allocF64 view back at once, once, and ignores views it did not hand out', () => {
    const m = new WasmMemory(1, 64);
    const keep = m.allocF64(8);
    const a = m.allocI32(100);
    const b = m.allocF64(50);
    a.fill(3);
    m.free(a);
    m.free(a); // twice: nothing more
    m.free(new Int32Array(100)); // not this memory's
    const c = m.allocI32(100); // a's region again, zeroed
    expect(c.byteOffset).toBe(a.byteOffset);
    expect([...c].every((v) => v === 0)).toBe(true);
    m.free(b);
    m.free(c);
    // keep is untouched and still live: the arena ends after it or after b's coalesced space only.
    keep.fill(1.5);
    expect(m.allocF64(8).byteOffset).not.toBe(keep.byteOffset);
    expect([...keep].every((v) => v === 1.5)).toBe(true);
  });

  it('hands out aligned, zeroed, disjoint regions and reuses released ones (coalesced)', () => {
    const m = new WasmMemory(1, 64);
    const a = m.alloc(10);
    const b = m.alloc(100);
    const c = m.alloc(1000);
    for (const p of [a, b, c]) expect(p % LAYOUT.ARENA_ALIGN).toBe(0);
    expect(a).toBeGreaterThanOrEqual(LAYOUT.ARENA_BASE);
    expect(b).toBeGreaterThanOrEqual(a + 16);
    expect(c).toBeGreaterThanOrEqual(b + 112);
    new Uint8Array(m.memory.buffer, b, 100).fill(7);
    m.release(a);
    m.release(b);
    // a and b coalesce into one block that fits 112 bytes again, zeroed.
    const d = m.alloc(112);
    expect(d).toBe(a);
    expect(Array.from(new Uint8Array(m.memory.buffer, d, 112)).every((x) => x === 0)).toBe(true);
    m.release(c);
    m.release(d);
    expect(m.arenaBytes).toBe(0);
  });

  it('zeroes a region again when it reuses memory handed out before, even after the arena shrank', () => {
    const m = new WasmMemory(1, 64);
    const a = m.alloc(4096);
    new Uint8Array(m.memory.buffer, a, 4096).fill(9);
    m.release(a); // the top block: the arena shrinks back
    expect(m.arenaBytes).toBe(0);
    // Partly over the used bytes, partly fresh: all of it zero.
    const b = m.alloc(8192);
    expect(b).toBe(a);
    expect(Array.from(new Uint8Array(m.memory.buffer, b, 8192)).every((x) => x === 0)).toBe(true);
    new Uint8Array(m.memory.buffer, b, 8192).fill(5);
    m.release(b);
    const c = m.alloc(16);
    const d = m.alloc(6000);
    expect(Array.from(new Uint8Array(m.memory.buffer, c, 16)).every((x) => x === 0)).toBe(true);
    expect(Array.from(new Uint8Array(m.memory.buffer, d, 6000)).every((x) => x === 0)).toBe(true);
  });

  it('grows the memory and still recognises views made before the growth', () => {
    const m = new WasmMemory(1, 64);
    const early = m.allocF64(8);
    const big = m.allocF64(200_000); // 1.6 MB: beyond the first page
    expect(m.memory.buffer.byteLength).toBeGreaterThanOrEqual(1_600_000);
    expect(m.owns(early)).toBe(true);
    expect(m.owns(big)).toBe(true);
    expect(m.owns(new Float64Array(8))).toBe(false);
    expect(m.owns(new Float64Array(new SharedArrayBuffer(64)))).toBe(false);
  });

  it('describes the newest NodeTable in the header, following its re-layouts', () => {
    const m = new WasmMemory(1, 64);
    const first = new NodeTable(m.createTableMemory(), 4);
    const tm = m.createTableMemory();
    const t = new NodeTable(tm, 4);
    const h = header(m);
    expect(h[LAYOUT.H_TABLE_BASE / 4]).toBe(tm.ptr);
    expect(h[LAYOUT.H_TABLE_CAPACITY / 4]).toBe(4);
    expect(h[LAYOUT.H_TABLE_SLOTS / 4]).toBe(4);
    expect(h[LAYOUT.H_TABLE_COLUMNS / 4]).toBe(2 * 4 + LAYOUT.EXTRA_COLUMNS);
    t.setAllocatable(0, 3, 4000);
    t.slotFor('example.com/gpu');
    t.ensure(100);
    expect(h[LAYOUT.H_TABLE_BASE / 4]).toBe(tm.ptr);
    expect(h[LAYOUT.H_TABLE_CAPACITY / 4]).toBe(128);
    expect(h[LAYOUT.H_TABLE_SLOTS / 4]).toBe(5);
    expect(t.getAllocatable(0, 3)).toBe(4000);
    // The region is the table's own: the first table's writes do not show up in it.
    first.setAllocatable(0, 3, 1);
    expect(t.getAllocatable(0, 3)).toBe(4000);
    expect(new Float64Array(m.memory.buffer, tm.ptr, 128)[3]).toBe(4000);
  });
});

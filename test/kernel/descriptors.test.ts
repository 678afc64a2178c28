/**
 * The kernel argument records (src/kernel/descriptors.ts): the derived WASM layout, the compiled
 * operations against their definitions (round trips on random records, every field matters to
 * equality), withFields, definition checks, and the start-up check against a drifted module.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeRecord,
  decodeShape,
  defineRecord,
  encodeRecord,
  encodeShape,
  F64,
  f64Array,
  FIT,
  I32,
  i32Array,
  layoutConstants,
  recordWords,
  sameRecord,
  SCORER,
  shapeWords,
  wasmRecordBytes,
  withFields,
  writeWasmRecord,
  type FitArgs,
  type ScorerArgs,
} from '../../src/kernel/descriptors.js';
import { checkLayout, DESCRIPTOR_LAYOUT, LAYOUT } from '../../src/kernel/layout.js';

const i32s = (n: number) => fc.array(fc.integer({ min: -1, max: 1000 }), { minLength: n, maxLength: n }).map((a) => Int32Array.from(a));
const f64s = (n: number) => fc.array(fc.double({ noNaN: true }), { minLength: n, maxLength: n }).map((a) => Float64Array.from(a));

/** Random scorer records; arrays may be longer than their length field (the rest is not part of the record). */
const scorer: fc.Arbitrary<ScorerArgs> = fc
  .record({ rc: fc.nat(5), sc: fc.nat(4), extra: fc.nat(2) })
  .chain(({ rc, sc, extra }) =>
    fc.record({
      strategy: fc.integer({ min: 0, max: 3 }),
      resourceCount: fc.constant(rc),
      useNonZero: fc.integer({ min: 0, max: 1 }),
      shapeCount: fc.constant(sc),
      slots: i32s(rc + extra),
      weights: f64s(rc),
      podRequests: f64s(rc + extra),
      shapeUtilization: f64s(sc),
      shapeScore: f64s(sc + extra),
      pluginWeight: fc.integer({ min: 1, max: 100 }),
    }),
  );

const fit: fc.Arbitrary<FitArgs> = fc.nat(6).chain((n) => fc.record({ count: fc.constant(n), slots: i32s(n), amounts: f64s(n) }));

/** A record's numbers as plain data, arrays cut to their length fields. */
function plain(d: typeof SCORER | typeof FIT, rec: object): Record<string, unknown> {
  const r = rec as Record<string, number | Int32Array | Float64Array>;
  return Object.fromEntries(d.layout.map((f) => [f.name, f.array ? Array.from((r[f.name] as Int32Array).subarray(0, r[f.length] as number)) : r[f.name]]));
}

describe('layout', () => {
  it('derives the offsets assembly/layout.ts defines (fields in order, f64 8-aligned, size a multiple of 8)', () => {
    expect(layoutConstants(SCORER)).toEqual({
      SD_STRATEGY: 0, SD_RESOURCE_COUNT: 4, SD_USE_NON_ZERO: 8, SD_SHAPE_COUNT: 12, SD_SLOTS: 16, SD_WEIGHTS: 20,
      SD_POD_REQUESTS: 24, SD_SHAPE_UTILIZATION: 28, SD_SHAPE_SCORE: 32, SD_PLUGIN_WEIGHT: 40, SD_BYTES: 48,
    });
    expect(layoutConstants(FIT)).toEqual({ FD_COUNT: 0, FD_SLOTS: 4, FD_AMOUNTS: 8, FD_BYTES: 16 });
  });

  it('writes a record where the layout says, arrays after it (8-aligned) holding exactly the counted elements', () => {
    fc.assert(
      fc.property(scorer, (a) => {
        const buf = new ArrayBuffer(4096);
        const i32 = new Int32Array(buf);
        const f64 = new Float64Array(buf);
        const at = 64;
        const end = writeWasmRecord(SCORER, a, i32, f64, at, at + SCORER.bytes);
        expect(end - at).toBe(wasmRecordBytes(SCORER, a));
        const c = layoutConstants(SCORER);
        const ptr = (name: string) => i32[(at + c[name]!) >> 2]!;
        expect(i32[(at + c.SD_STRATEGY!) >> 2]).toBe(a.strategy);
        expect(i32[(at + c.SD_RESOURCE_COUNT!) >> 2]).toBe(a.resourceCount);
        expect(f64[(at + c.SD_PLUGIN_WEIGHT!) >> 3]).toBe(a.pluginWeight);
        expect(Array.from(i32.subarray(ptr('SD_SLOTS') >> 2, (ptr('SD_SLOTS') >> 2) + a.resourceCount))).toEqual(Array.from(a.slots.subarray(0, a.resourceCount)));
        expect(Array.from(f64.subarray(ptr('SD_POD_REQUESTS') >> 3, (ptr('SD_POD_REQUESTS') >> 3) + a.resourceCount))).toEqual(Array.from(a.podRequests.subarray(0, a.resourceCount)));
        expect(Array.from(f64.subarray(ptr('SD_SHAPE_SCORE') >> 3, (ptr('SD_SHAPE_SCORE') >> 3) + a.shapeCount))).toEqual(Array.from(a.shapeScore.subarray(0, a.shapeCount)));
        for (const f of SCORER.arrays) expect(ptr(`SD_${f.name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`) % 8).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('the start-up check names a drifted offset and a descriptor field the host does not know', () => {
    const globals = (values: Record<string, number>) =>
      Object.fromEntries(Object.entries(values).map(([k, v]) => [k, new WebAssembly.Global({ value: 'i32', mutable: false }, v)]));
    const good: Record<string, number> = { ...LAYOUT, ...DESCRIPTOR_LAYOUT };
    expect(() => checkLayout(globals(good), 'm')).not.toThrow();
    expect(() => checkLayout(globals({ ...good, SD_WEIGHTS: 24 }), 'm')).toThrow(/SD_WEIGHTS: host 20, module 24/);
    expect(() => checkLayout(globals({ ...good, FD_EXTRA: 16 }), 'm')).toThrow(/FD_EXTRA: module only/);
    const { SD_PLUGIN_WEIGHT: _, ...missing } = good;
    expect(() => checkLayout(globals(missing), 'm')).toThrow(/SD_PLUGIN_WEIGHT: host 40, module missing/);
  });
});

describe('encoding', () => {
  it('decode(encode(r)) is r (arrays cut to their lengths) and takes recordWords words', () => {
    fc.assert(
      fc.property(scorer, fit, fc.nat(8), (a, q, at) => {
        const out = new Float64Array(at + recordWords(SCORER, a) + recordWords(FIT, q));
        const mid = encodeRecord(SCORER, a, out, at);
        expect(mid - at).toBe(recordWords(SCORER, a));
        expect(encodeRecord(FIT, q, out, mid)).toBe(out.length);
        expect(plain(SCORER, decodeRecord(SCORER, out, at))).toEqual(plain(SCORER, a));
        expect(plain(FIT, decodeRecord(FIT, out, mid))).toEqual(plain(FIT, q));
      }),
      { numRuns: 300 },
    );
  });

  it('a pod shape (fit request + scorers) round-trips, and equal shapes have equal encodings', () => {
    fc.assert(
      fc.property(fit, fc.array(scorer, { maxLength: 3 }), (q, scorers) => {
        const out = new Float64Array(shapeWords(q, scorers) + 1);
        out[out.length - 1] = 42;
        expect(encodeShape(q, scorers, out, 0)).toBe(out.length - 1);
        const back = decodeShape(out, 0);
        expect(back.next).toBe(out.length - 1);
        expect(plain(FIT, back.fit)).toEqual(plain(FIT, q));
        expect(back.scorers.map((s) => plain(SCORER, s))).toEqual(scorers.map((s) => plain(SCORER, s)));
        const again = new Float64Array(out.length - 1);
        encodeShape(back.fit, back.scorers, again, 0);
        expect(Array.from(again)).toEqual(Array.from(out.subarray(0, out.length - 1)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('sameRecord and withFields', () => {
  const base: ScorerArgs = {
    strategy: 0, resourceCount: 2, useNonZero: 1, shapeCount: 1, slots: Int32Array.of(0, 1, 7), weights: Float64Array.of(1, 2),
    podRequests: Float64Array.of(100, 200, 9), shapeUtilization: Float64Array.of(50), shapeScore: Float64Array.of(30), pluginWeight: 1,
  };
  const copy = (): ScorerArgs => withFields(SCORER, base, {});

  it('equal numbers are equal, whatever the objects and the elements past the lengths', () => {
    expect(sameRecord(SCORER, base, base)).toBe(true);
    expect(sameRecord(SCORER, base, copy())).toBe(true);
    expect(sameRecord(SCORER, base, withFields(SCORER, base, { slots: Int32Array.of(0, 1), podRequests: Float64Array.of(100, 200, 0) }))).toBe(true);
  });

  it.each(SCORER.layout.map((f) => [f.name, f]))('a change in %s makes them differ', (_, f) => {
    const changed = f.array
      ? { [f.name]: (base[f.name as keyof ScorerArgs] as Int32Array).map((v, j) => (j === 0 ? v + 1 : v)) }
      : { [f.name]: (base[f.name as keyof ScorerArgs] as number) + 1 };
    // The changed field replaces base's at run time; the type system cannot follow a field chosen by name.
    expect(sameRecord(SCORER, base, withFields(SCORER, base, changed as Pick<ScorerArgs, never>))).toBe(false);
  });

  it('withFields replaces the given fields, shares the arrays and lists fields in definition order', () => {
    const w = withFields(SCORER, base, { pluginWeight: 3 });
    expect(w.pluginWeight).toBe(3);
    expect(w.slots).toBe(base.slots);
    expect(Object.keys(w)).toEqual(SCORER.layout.map((f) => f.name));
    expect(Object.keys(withFields(FIT, { amounts: Float64Array.of(1), slots: Int32Array.of(0) }, { count: 1 }))).toEqual(['count', 'slots', 'amounts']);
  });
});

describe('defineRecord', () => {
  it('rejects an array whose length field is missing or not an i32 scalar, and names that are not identifiers', () => {
    expect(() => defineRecord('r', 'R', { n: F64, a: f64Array('n') })).toThrow(/r\.a: length field n is not an i32 scalar/);
    expect(() => defineRecord('r', 'R', { a: i32Array('n') })).toThrow(/length field n/);
    expect(() => defineRecord('r', 'R', { 'n-1': I32 })).toThrow(/not an identifier/);
    expect(layoutConstants(defineRecord('r', 'R', { n: I32, w: F64, a: i32Array('n') }))).toEqual({ R_N: 0, R_W: 8, R_A: 16, R_BYTES: 24 });
  });
});

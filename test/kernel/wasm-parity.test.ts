/**
 * Parity of the engines: the WASM kernels (SIMD and scalar builds) must give exactly the js
 * reference's masks, scores, feasible lists and selections on random tables, including zero
 * allocatable, quantities near 2^53 (where `(alloc - req) * 100` is no longer exact in f64),
 * absent slots, resources a pod does not request, and RequestedToCapacityRatio shapes. Tables are
 * tried both in WASM memory (read in place) and in JS memory (copied through the scratch).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import type { FitArgs, Kernels, ScorerArgs } from '../../src/kernel/kernels.js';
import {
  fitMaskWords,
  SLOT_ABSENT,
  STRATEGY_BALANCED_ALLOCATION,
  STRATEGY_LEAST_ALLOCATED,
  STRATEGY_MOST_ALLOCATED,
  STRATEGY_REQUESTED_TO_CAPACITY_RATIO,
} from '../../src/kernel/kernels.js';
import { NodeTable, type TableMemory } from '../../src/model/node-table.js';
import type { WasmKernels } from '../../src/kernel/wasm-kernels.js';
import { loadWasmKernels } from './wasm-helper.js';

const js = createJsKernels();
let simd: WasmKernels;
let scalar: WasmKernels;

beforeAll(async () => {
  simd = await loadWasmKernels('simd');
  scalar = await loadWasmKernels('scalar');
});

const TWO_53 = 2 ** 53;

/** Integer quantities as the table holds them: zero, small, typical, huge, and near 2^53. */
const quantity = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 5000 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 64 }).map((g) => g * 1024 ** 3) },
  { weight: 2, arbitrary: fc.maxSafeNat() },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 4096 }).map((k) => TWO_53 - k) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100 }).map((k) => Math.floor(TWO_53 / (k + 1))) },
);

interface TableSpec {
  extraSlots: number;
  rows: Array<{ alloc: number[]; req: number[]; nzCpu: number; nzMem: number }>;
}

const SLOTS_MAX = 7;
const tableSpec: fc.Arbitrary<TableSpec> = fc.integer({ min: 0, max: SLOTS_MAX - 4 }).chain((extraSlots) =>
  fc.record({
    extraSlots: fc.constant(extraSlots),
    rows: fc.array(
      fc.record({
        alloc: fc.array(quantity, { minLength: 4 + extraSlots, maxLength: 4 + extraSlots }),
        req: fc.array(quantity, { minLength: 4 + extraSlots, maxLength: 4 + extraSlots }),
        nzCpu: quantity,
        nzMem: quantity,
      }),
      { minLength: 1, maxLength: 24 },
    ),
  }),
);

function buildTable(spec: TableSpec, memory: TableMemory): NodeTable {
  const t = new NodeTable(memory, 4);
  for (let s = 0; s < spec.extraSlots; s++) t.slotFor(`example.com/r${s}`);
  t.ensure(spec.rows.length);
  spec.rows.forEach((row, r) => {
    row.alloc.forEach((v, s) => (t.allocatable(s)[r] = v));
    row.req.forEach((v, s) => (t.requested(s)[r] = v));
    t.nonZeroCpu()[r] = row.nzCpu;
    t.nonZeroMemory()[r] = row.nzMem;
  });
  return t;
}

/** Every engine with its table: js (JS memory), both WASM builds in WASM memory and in JS memory. */
function engines(spec: TableSpec): Array<{ name: string; k: Kernels; t: NodeTable }> {
  return [
    { name: 'js', k: js, t: buildTable(spec, js.createTableMemory()) },
    { name: 'wasm-simd', k: simd, t: buildTable(spec, simd.createTableMemory()) },
    { name: 'wasm-scalar', k: scalar, t: buildTable(spec, scalar.createTableMemory()) },
    { name: 'wasm-simd/js-memory', k: simd, t: buildTable(spec, js.createTableMemory()) },
    { name: 'wasm-scalar/js-memory', k: scalar, t: buildTable(spec, js.createTableMemory()) },
  ];
}

/** A random subset of rows, in a random order (rows need not be contiguous). */
function rowsOf(n: number) {
  return fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: n }).map((a) => Int32Array.from(a));
}

const slotOf = fc.oneof({ weight: 1, arbitrary: fc.constant(SLOT_ABSENT) }, { weight: 6, arbitrary: fc.integer({ min: 0, max: SLOTS_MAX - 1 }) });

/** A RequestedToCapacityRatio shape: utilization strictly increasing in [0, 100], scores scaled to [0, 100]. */
const shape = fc
  .uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 })
  .chain((us) => fc.array(fc.integer({ min: 0, max: 10 }), { minLength: us.length, maxLength: us.length }).map((ss) => ({ u: us.sort((a, b) => a - b), s: ss.map((x) => x * 10) })));

interface ScoreArgs {
  strategy: number;
  resources: Array<{ slot: number; weight: number; pod: number }>;
  useNonZero: number;
  shape: { u: number[]; s: number[] };
}

const resource = fc.record({ slot: slotOf, weight: fc.integer({ min: 1, max: 100 }), pod: quantity });
const scoreArgs: fc.Arbitrary<ScoreArgs> = fc.record({
  strategy: fc.constantFrom(STRATEGY_LEAST_ALLOCATED, STRATEGY_MOST_ALLOCATED, STRATEGY_REQUESTED_TO_CAPACITY_RATIO, STRATEGY_BALANCED_ALLOCATION),
  resources: fc.oneof(
    fc.array(resource, { minLength: 1, maxLength: 5 }),
    // cpu + memory, both present: the SIMD two-lane path.
    fc.tuple(resource, resource).map(([a, b]) => [{ ...a, slot: 0 }, { ...b, slot: 1 }]),
  ),
  useNonZero: fc.constantFrom(0, 1),
  shape,
});

function clampSlots(resources: ScoreArgs['resources'], slotCount: number): Int32Array {
  return Int32Array.from(resources.map((r) => (r.slot >= slotCount ? SLOT_ABSENT : r.slot)));
}

/** The kernels' scorer record for generated arguments on a table with `slotCount` slots. */
function scorerOf(a: ScoreArgs, slotCount: number, pluginWeight: number): ScorerArgs {
  return {
    strategy: a.strategy, resourceCount: a.resources.length, useNonZero: a.useNonZero, shapeCount: a.shape.u.length,
    slots: clampSlots(a.resources, slotCount), weights: Float64Array.from(a.resources.map((r) => r.weight)),
    podRequests: Float64Array.from(a.resources.map((r) => r.pod)), shapeUtilization: Float64Array.from(a.shape.u),
    shapeScore: Float64Array.from(a.shape.s), pluginWeight,
  };
}

/** The kernels' fit record for generated requests on a table with `slotCount` slots. */
function fitOf(requests: Array<{ slot: number; amount: number }>, slotCount: number): FitArgs {
  return {
    count: requests.length,
    slots: clampSlots(requests.map((r) => ({ ...r, weight: 1, pod: 0 })), slotCount),
    amounts: Float64Array.from(requests.map((r) => r.amount)),
  };
}

function scoreWith(k: Kernels, t: NodeTable, rows: Int32Array, a: ScoreArgs): number[] {
  const out = new Float64Array(rows.length);
  k.resourceScoreBatch(t.region, t.capacity, t.slotCount, rows, rows.length, scorerOf(a, t.slotCount, 1), out);
  return Array.from(out);
}

const RUNS = { numRuns: 300 };

describe('wasm kernels vs js reference', () => {
  it('resourceScoreBatch: identical scores for every strategy', () => {
    fc.assert(
      fc.property(tableSpec.chain((spec) => fc.tuple(fc.constant(spec), rowsOf(spec.rows.length), scoreArgs)), ([spec, rows, args]) => {
        const [ref, ...rest] = engines(spec).map((e) => ({ name: e.name, scores: scoreWith(e.k, e.t, rows, args) }));
        for (const r of rest) expect(r.scores, r.name).toEqual(ref!.scores);
        for (const s of ref!.scores) expect(Number.isInteger(s) && s >= 0 && s <= 100).toBe(true);
      }),
      RUNS,
    );
  });

  it('fitBatch: identical masks', () => {
    const requests = fc.array(fc.record({ slot: slotOf, amount: quantity }), { minLength: 0, maxLength: 40 });
    fc.assert(
      fc.property(tableSpec.chain((spec) => fc.tuple(fc.constant(spec), rowsOf(spec.rows.length), requests)), ([spec, rows, reqs]) => {
        const words = fitMaskWords(reqs.length);
        const results = engines(spec).map(({ name, k, t }) => {
          const out = new Uint32Array(rows.length * words).fill(0xdeadbeef);
          k.fitBatch(t.region, t.capacity, rows, rows.length, fitOf(reqs, t.slotCount), out);
          return { name, out: Array.from(out) };
        });
        for (const r of results.slice(1)) expect(r.out, r.name).toEqual(results[0]!.out);
      }),
      RUNS,
    );
  });

  it('fused cycle: scoreRows (all rows, then changed rows), scanClasses, selectNth, gatherFeasible, scoreAdd, selectTop, selectKth agree', () => {
    const cycle = tableSpec.chain((spec) => {
      const n = spec.rows.length;
      return fc.record({
        spec: fc.constant(spec),
        // Node index -> row: a permutation of the rows (node order need not be row order), or identity.
        rows: fc.oneof(fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }), fc.constant([...Array(n).keys()])).map((a) => Array.from(a)),
        classes: fc.oneof(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }), fc.constant(Array<number>(n).fill(2))).map((a) => Array.from(a)),
        classPass: fc.array(fc.constantFrom(0, 1, 1, 1), { minLength: 4, maxLength: 4 }),
        classScore: fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 4, maxLength: 4 }),
        requests: fc.array(fc.record({ slot: slotOf, amount: quantity }), { minLength: 0, maxLength: 3 }),
        scorers: fc.oneof(
          fc.array(fc.tuple(scoreArgs, fc.integer({ min: 1, max: 5 })), { minLength: 0, maxLength: 3 }),
          // The default profile's pair (Fit LeastAllocated on non-zero requests + BalancedAllocation
          // on the same two resources): score_rows' dedicated path.
          fc.tuple(resource, resource, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.constantFrom([0, 1], [1, 0], [0, 2], [4, 1])).map(
            ([r0, r1, wl, wb, [s0, s1]]): Array<[ScoreArgs, number]> => [
              [{ strategy: STRATEGY_LEAST_ALLOCATED, resources: [{ ...r0, slot: s0! }, { ...r1, slot: s1! }], useNonZero: 1, shape: { u: [0], s: [0] } }, wl],
              [{ strategy: STRATEGY_BALANCED_ALLOCATION, resources: [{ ...r0, slot: s0!, weight: 1 }, { ...r1, slot: s1!, weight: 1 }], useNonZero: 0, shape: { u: [0], s: [0] } }, wb],
            ],
          ),
        ),
        // Rows changed between the first and the second scoring.
        changed: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), quantity), { maxLength: 6 }),
        k: fc.nat(),
      });
    });
    fc.assert(
      fc.property(cycle, (c) => {
        const n = c.spec.rows.length;
        const identity = c.rows.every((r, i) => r === i);
        const single = c.classes.every((x) => x === c.classes[0]) ? c.classes[0]! : -1;
        const results = engines(c.spec).map(({ name, k, t }) => {
          const i32 = (xs: number[]) => {
            const a = k.allocI32(Math.max(1, xs.length));
            a.set(xs);
            return a;
          };
          const rows = i32(c.rows);
          const classes = i32(c.classes);
          const classPass = i32(c.classPass);
          const classScore = k.allocF64(4);
          classScore.set(c.classScore);
          const fit = fitOf(c.requests, t.slotCount);
          const scorers = c.scorers.map(([a, w]) => scorerOf(a, t.slotCount, w));
          const rowTotals = k.allocF64(t.capacity);
          // All rows, then a change and only the changed rows rescored (what the score cache does).
          k.scoreRows(t.region, t.capacity, t.slotCount, rows, n, fit, scorers, rowTotals);
          const epoch = t.epoch;
          for (const [r, s, v] of c.changed) {
            const row = r % n;
            t.region[(2 * (s % t.slotCount) + 1) * t.capacity + row] = v;
            t.touch(row);
          }
          const dirty = k.allocI32(64);
          const changed = t.touchedSince(epoch, dirty);
          k.scoreRows(t.region, t.capacity, t.slotCount, dirty, changed, fit, scorers, rowTotals);
          // The same from scratch must match the incremental totals.
          const fresh = k.allocF64(t.capacity);
          k.scoreRows(t.region, t.capacity, t.slotCount, rows, n, fit, scorers, fresh);
          const byRow = (a: Float64Array) => c.rows.map((r) => a[r]!);
          const scans = [[rows, classes, -1], [identity ? null : rows, classes, single]] as const;
          const out = scans.map(([rs, cl, sc]) => {
            const classFeasible = k.allocI32(4);
            const classMax = k.allocF64(4);
            const classTies = k.allocI32(4);
            const set = { rowTotals, rows: rs, classes: cl, singleClass: sc, n, classPass };
            const count = k.scanClasses(set, classFeasible, classMax, classTies);
            const feasible = k.allocI32(n);
            const totals = k.allocF64(n);
            const gathered = k.gatherFeasible(set, feasible, totals);
            let max = -Infinity;
            let ties = 0;
            for (let x = 0; x < 4; x++) {
              if (!classFeasible[x]) continue;
              const v = classMax[x]! + classScore[x]!;
              if (v > max) [max, ties] = [v, classTies[x]!];
              else if (v === max) ties += classTies[x]!;
            }
            const nth = count > 0 ? k.selectNth(set, classScore, max, c.k % ties) : null;
            return {
              count, gathered,
              feasible: Array.from(feasible.subarray(0, count)),
              totals: Array.from(totals.subarray(0, count)),
              classMax: Array.from(classMax).map((m, x) => (classFeasible[x] ? m : null)),
              classTies: Array.from(classTies).map((m, x) => (classFeasible[x] ? m : null)),
              max, nth,
            };
          });
          // The multi-pass path over the gathered list.
          const { feasible: fl, count } = out[0]!;
          const feasible = i32(fl);
          const totals = k.allocF64(Math.max(1, count));
          k.zeroF64(totals, count);
          for (const a of scorers) k.scoreAdd(t.region, t.capacity, t.slotCount, rows, feasible, count, a, totals);
          const multi = Array.from(totals.subarray(0, count));
          const ties = count > 0 ? k.selectTop(classes, feasible, count, classScore, totals) : 0;
          const max = count > 0 ? k.topTotal() : null;
          const kth = count > 0 ? k.selectKth(totals, count, max!, c.k % ties) : null;
          return { name, incremental: byRow(rowTotals), fresh: byRow(fresh), out, multi, ties, max, kth };
        });
        const ref = results[0]!;
        for (const r of results.slice(1)) expect({ ...r, name: ref.name }, r.name).toEqual(ref);
        // The reference against itself: incremental = from scratch; single-class/identity scan =
        // general scan; score_add + class scores pick the same top node as select_nth.
        expect(ref.incremental).toEqual(ref.fresh);
        expect(ref.out[1]).toEqual(ref.out[0]);
        const o = ref.out[0]!;
        expect(o.gathered).toBe(o.count);
        const withClass = ref.multi.map((v, p) => v + c.classScore[c.classes[o.feasible[p]!]!]!);
        expect(withClass).toEqual(o.totals.map((v, p) => v + c.classScore[c.classes[o.feasible[p]!]!]!));
        if (ref.kth !== null) {
          expect(ref.max).toBe(o.max);
          expect(o.feasible[ref.kth]).toBe(o.nth);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('exercises the exact (i64 / limb) path: (alloc - req) * 100 beyond 2^53', () => {
    const alloc = TWO_53 - 2;
    const spec: TableSpec = { extraSlots: 0, rows: [{ alloc: [alloc, alloc, alloc, 110], req: [1, 1, 7, 0], nzCpu: 1, nzMem: 1 }] };
    for (const strategy of [STRATEGY_LEAST_ALLOCATED, STRATEGY_MOST_ALLOCATED]) {
      const args: ScoreArgs = { strategy, resources: [{ slot: 0, weight: 1, pod: 0 }, { slot: 1, weight: 1, pod: 0 }], useNonZero: 1, shape: { u: [0], s: [0] } };
      const all = engines(spec).map((e) => scoreWith(e.k, e.t, Int32Array.of(0), args));
      // (2^53 - 3) * 100 / (2^53 - 2) = 99.99...: 99 exactly (f64 product and division give 100).
      expect(Math.trunc(((alloc - 1) * 100) / alloc)).toBe(100);
      expect(all[0]).toEqual([strategy === STRATEGY_LEAST_ALLOCATED ? 99 : 0]);
      for (const s of all) expect(s).toEqual(all[0]);
    }
  });

  it('truncates the weighted average exactly when 1/sum(weights) rounds down (weights 24 + 25)', () => {
    // 4900 * fl(1/49) < 100: a multiply-only average would give 99 for two full scores of 100.
    expect(Math.trunc(4900 * (1 / 49))).toBe(99);
    const rows = 5; // pairs and a lone row
    const spec: TableSpec = { extraSlots: 0, rows: Array.from({ length: rows }, () => ({ alloc: [4000, 8 * 1024 ** 3, 0, 110], req: [0, 0, 0, 0], nzCpu: 0, nzMem: 0 })) };
    for (const { name, k, t } of engines(spec)) {
      const slots = Int32Array.of(0, 1);
      const pod = Float64Array.of(0, 0);
      const empty = new Float64Array(0);
      const scorers = [
        { strategy: STRATEGY_LEAST_ALLOCATED, slots, weights: Float64Array.of(24, 25), podRequests: pod, resourceCount: 2, useNonZero: 1, shapeUtilization: empty, shapeScore: empty, shapeCount: 0, pluginWeight: 1 },
        { strategy: STRATEGY_BALANCED_ALLOCATION, slots, weights: Float64Array.of(1, 1), podRequests: pod, resourceCount: 2, useNonZero: 0, shapeUtilization: empty, shapeScore: empty, shapeCount: 0, pluginWeight: 1 },
      ];
      const out = k.allocF64(t.capacity);
      const allRows = k.allocI32(rows);
      allRows.set([0, 1, 2, 3, 4]);
      k.scoreRows(t.region, t.capacity, t.slotCount, allRows, rows, { count: 1, slots: Int32Array.of(0), amounts: Float64Array.of(100) }, scorers, out);
      expect(Array.from(out.subarray(0, rows)), name).toEqual([200, 200, 200, 200, 200]);
    }
  });

  it('reports its build variant', () => {
    expect(simd.variant).toBe('wasm-simd');
    expect(scalar.variant).toBe('wasm-scalar');
  });
});

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  brokenLinear,
  compareProducts,
  createJsKernels,
  goRound,
  leastRequestedScore,
  mostRequestedScore,
  mulDivTrunc,
  rtcrUtilization,
} from '../../src/kernel/js-kernels.js';
import {
  FIT_TOO_MANY_PODS,
  fitMaskWords,
  SLOT_ABSENT,
  STRATEGY_BALANCED_ALLOCATION,
  STRATEGY_LEAST_ALLOCATED,
  STRATEGY_MOST_ALLOCATED,
  STRATEGY_REQUESTED_TO_CAPACITY_RATIO,
} from '../../src/kernel/kernels.js';
import { CPU_SLOT, EPHEMERAL_SLOT, MEMORY_SLOT, NodeTable, PODS_SLOT } from '../../src/model/node-table.js';

const kernels = createJsKernels();
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Go's truncating int64 division on exact integers. */
const bigTruncDiv = (x: bigint, m: bigint, a: bigint): number => Number((x * m) / a);

interface RowSpec {
  alloc?: Record<number, number>;
  req?: Record<number, number>;
  nzCpu?: number;
  nzMem?: number;
}

/** Row count of each table built by tableOf (its capacity may be larger). */
const rowCounts = new WeakMap<NodeTable, number>();

/** A NodeTable with `extraSlots` scalar slots and the given rows. */
function tableOf(rows: RowSpec[], extraSlots = 0): NodeTable {
  const t = new NodeTable(undefined, 4);
  rowCounts.set(t, rows.length);
  for (let s = 0; s < extraSlots; s++) t.slotFor(`example.com/r${s}`);
  t.ensure(rows.length);
  rows.forEach((spec, r) => {
    for (const [s, v] of Object.entries(spec.alloc ?? {})) t.allocatable(Number(s))[r] = v;
    for (const [s, v] of Object.entries(spec.req ?? {})) t.requested(Number(s))[r] = v;
    t.nonZeroCpu()[r] = spec.nzCpu ?? 0;
    t.nonZeroMemory()[r] = spec.nzMem ?? 0;
  });
  return t;
}

const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

function score(
  t: NodeTable,
  strategy: number,
  res: Array<{ slot: number; weight?: number; pod?: number }>,
  opts: { useNonZero?: boolean; shape?: Array<[number, number]>; rows?: Int32Array } = {},
): number[] {
  const rows = opts.rows ?? allRows(rowCounts.get(t)!);
  const out = new Float64Array(rows.length);
  const shape = opts.shape ?? [];
  kernels.resourceScoreBatch(t.region, t.capacity, t.slotCount, rows, rows.length, {
    strategy,
    resourceCount: res.length,
    useNonZero: opts.useNonZero ? 1 : 0,
    shapeCount: shape.length,
    slots: Int32Array.from(res.map((r) => r.slot)),
    weights: Float64Array.from(res.map((r) => r.weight ?? 1)),
    podRequests: Float64Array.from(res.map((r) => r.pod ?? 0)),
    shapeUtilization: Float64Array.from(shape.map((p) => p[0])),
    shapeScore: Float64Array.from(shape.map((p) => p[1])),
    pluginWeight: 1,
  }, out);
  return Array.from(out);
}

describe('mulDivTrunc (Go int64 x*m/a)', () => {
  it('truncates toward zero like Go', () => {
    expect(mulDivTrunc(1, 100, 3)).toBe(33);
    expect(mulDivTrunc(2, 100, 3)).toBe(66);
    expect(mulDivTrunc(-2, 100, 3)).toBe(-66);
    expect(mulDivTrunc(3000, 100, 4000)).toBe(75);
  });

  it('is exact past 2^53 where a double product is not (~90 TB ephemeral-storage)', () => {
    // 100 * 1079697738729896 / 1564779331492603 = 68.99999999999999980..: Go says 68, a
    // double product rounds up to 69.
    expect(mulDivTrunc(1079697738729896, 100, 1564779331492603)).toBe(68);
    expect(Math.trunc((1079697738729896 * 100) / 1564779331492603)).toBe(69);
    expect(mulDivTrunc(5271118863997984, 100, 6757844697433313)).toBe(77);
    const a = Number.MAX_SAFE_INTEGER;
    expect(mulDivTrunc(a - 1, 100, a)).toBe(99);
    expect(mulDivTrunc(a, 100, a)).toBe(100);
    expect(mulDivTrunc(0, 100, a)).toBe(0);
  });

  it('matches BigInt on random operands 0 <= x <= a <= 2^53', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_SAFE }), fc.bigInt({ min: 0n, max: MAX_SAFE }), fc.integer({ min: 0, max: 100 }), (a, xr, m) => {
        const x = xr % (a + 1n);
        expect(mulDivTrunc(Number(x), m, Number(a))).toBe(bigTruncDiv(x, BigInt(m), a));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches BigInt near integer boundaries (x = k*a/100 +- 1)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 10n ** 12n, max: MAX_SAFE }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: -2, max: 2 }), (a, k, d) => {
        let x = (a * BigInt(k)) / 100n + BigInt(d);
        if (x < 0n) x = 0n;
        if (x > a) x = a;
        expect(mulDivTrunc(Number(x), 100, Number(a))).toBe(bigTruncDiv(x, 100n, a));
      }),
      { numRuns: 2000 },
    );
  });

  it('compareProducts is the exact sign of m*x - q*a', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_SAFE }), fc.bigInt({ min: 0n, max: MAX_SAFE }), fc.integer({ min: 0, max: 128 }), fc.integer({ min: 0, max: 128 }), (x, a, m, q) => {
        const d = BigInt(m) * x - BigInt(q) * a;
        expect(compareProducts(m, Number(x), q, Number(a))).toBe(d > 0n ? 1 : d < 0n ? -1 : 0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('goRound (Go math.Round, half away from zero)', () => {
  it.each([
    [0.5, 1], [1.5, 2], [2.5, 3], [-2.5, -3], [-0.5, -1], [37.5, 38], [3.875, 4], [3.125, 3],
    [0.49999999999999994, 0], [-0.49999999999999994, -0], [7, 7], [0, 0],
  ])('goRound(%d) = %d', (x, want) => {
    expect(goRound(x)).toBe(want);
  });
  it('differs from JS Math.round on negative halves', () => {
    expect(Math.round(-2.5)).toBe(-2);
    expect(goRound(-2.5)).toBe(-3);
  });
});

describe('brokenLinear (kube TestBrokenLinearFunction)', () => {
  const cases: Array<{ points: Array<[number, number]>; asserts: Array<[number, number]> }> = [
    {
      points: [[10, 1], [90, 9]],
      asserts: [[-10, 1], [0, 1], [9, 1], [10, 1], [15, 1], [19, 1], [20, 2], [89, 8], [90, 9], [99, 9], [100, 9], [110, 9]],
    },
    {
      points: [[0, 2], [40, 10], [100, 0]],
      asserts: [[-10, 2], [0, 2], [20, 6], [30, 8], [40, 10], [70, 5], [100, 0], [110, 0]],
    },
    {
      points: [[0, 2], [40, 2], [100, 2]],
      asserts: [[-10, 2], [0, 2], [20, 2], [30, 2], [40, 2], [70, 2], [100, 2], [110, 2]],
    },
  ];
  cases.forEach((c, i) => {
    it(`case_${i}`, () => {
      const u = Float64Array.from(c.points.map((p) => p[0]));
      const s = Float64Array.from(c.points.map((p) => p[1]));
      for (const [p, want] of c.asserts) expect(brokenLinear(p, u, s, u.length), `p=${p}`).toBe(want);
    });
  });
  it('truncates toward zero on a falling segment', () => {
    // 100 + trunc(-100 * 33 / 30) = 100 - 110 = -10 with truncation (floor would give -11)
    const u = Float64Array.from([0, 30]);
    const s = Float64Array.from([100, 0]);
    expect(brokenLinear(29, u, s, 2)).toBe(100 + Math.trunc((-100 * 29) / 30));
    expect(brokenLinear(29, u, s, 2)).toBe(4);
  });
});

describe('per-resource formulas', () => {
  it('least / most / rtcr utilization', () => {
    expect(leastRequestedScore(3000, 4000)).toBe(25);
    expect(leastRequestedScore(5000, 4000)).toBe(0);
    expect(leastRequestedScore(0, 0)).toBe(0);
    expect(mostRequestedScore(3000, 4000)).toBe(75);
    expect(mostRequestedScore(5000, 4000)).toBe(100);
    expect(rtcrUtilization(5000, 4000)).toBe(100);
    expect(rtcrUtilization(1, 3)).toBe(33);
    expect(rtcrUtilization(1, 0)).toBe(100);
  });
});

describe('fitBatch', () => {
  const t = tableOf([
    { alloc: { [CPU_SLOT]: 10, [MEMORY_SLOT]: 20, [PODS_SLOT]: 32, 4: 5 }, req: { [CPU_SLOT]: 5, [MEMORY_SLOT]: 19 } },
    { alloc: { [CPU_SLOT]: 10, [MEMORY_SLOT]: 20, [PODS_SLOT]: 1 }, req: { [PODS_SLOT]: 1 } },
    { alloc: { [CPU_SLOT]: 4, [MEMORY_SLOT]: 20, [PODS_SLOT]: 10 }, req: { [CPU_SLOT]: 8 } },
    { alloc: {} },
  ], 1);

  function fit(slots: number[], amounts: number[], rows = allRows(4)): number[][] {
    const words = fitMaskWords(slots.length);
    const out = new Uint32Array(rows.length * words).fill(0xdeadbeef);
    kernels.fitBatch(t.region, t.capacity, rows, rows.length, { count: slots.length, slots: Int32Array.from(slots), amounts: Float64Array.from(amounts) }, out);
    return Array.from({ length: rows.length }, (_, i) => Array.from(out.subarray(i * words, (i + 1) * words)));
  }

  it('checks pods first, then each request; equal fits', () => {
    expect(fit([CPU_SLOT, MEMORY_SLOT], [5, 1])).toEqual([[0], [FIT_TOO_MANY_PODS], [0b010], [FIT_TOO_MANY_PODS | 0b110]]);
    expect(fit([CPU_SLOT, MEMORY_SLOT], [6, 2])).toEqual([[0b110], [FIT_TOO_MANY_PODS], [0b010], [FIT_TOO_MANY_PODS | 0b110]]);
  });

  it('best-effort (no requests) only checks the pod count', () => {
    expect(fit([], [])).toEqual([[0], [1], [0], [1]]);
  });

  it('zero or negative amounts never fail, even on an over-committed node', () => {
    expect(fit([CPU_SLOT], [0], Int32Array.from([2]))).toEqual([[0]]);
  });

  it('an absent slot fails on every row (allocatable 0 everywhere)', () => {
    expect(fit([SLOT_ABSENT, 4], [1, 5])).toEqual([[0b010], [1 | 0b110], [0b110], [1 | 0b110]]);
  });

  it('gathers only the given rows, in the given order', () => {
    expect(fit([CPU_SLOT], [1], Int32Array.from([3, 0]))).toEqual([[FIT_TOO_MANY_PODS | 0b10], [0]]);
  });

  it('spills bits past 31 requests into further words', () => {
    const slots = Array.from({ length: 40 }, () => EPHEMERAL_SLOT);
    const amounts = Array.from({ length: 40 }, (_, j) => (j === 30 || j === 31 || j === 39 ? 1 : 0));
    const rows = fit(slots, amounts, Int32Array.from([0]));
    expect(fitMaskWords(40)).toBe(2);
    expect(rows[0]).toEqual([0x80000000, (1 << 0) | (1 << 8)]);
  });
});

describe('resourceScoreBatch', () => {
  it('LeastAllocated: weighted truncating average over resources with allocatable', () => {
    const t = tableOf([
      { alloc: { [CPU_SLOT]: 4000, [MEMORY_SLOT]: 10000 } },
      { alloc: { [CPU_SLOT]: 6000, [MEMORY_SLOT]: 10000 } },
      { alloc: {} },
    ]);
    const res = [{ slot: MEMORY_SLOT, weight: 2, pod: 5000 }, { slot: CPU_SLOT, weight: 1, pod: 3000 }];
    expect(score(t, STRATEGY_LEAST_ALLOCATED, res)).toEqual([41, 50, 0]);
    expect(score(t, STRATEGY_MOST_ALLOCATED, res)).toEqual([58, 50, 0]);
  });

  it('uses nonZeroRequested for cpu/memory only when asked', () => {
    const t = tableOf([{ alloc: { [CPU_SLOT]: 1000, [MEMORY_SLOT]: 1000 }, req: { [CPU_SLOT]: 0, [MEMORY_SLOT]: 0 }, nzCpu: 500, nzMem: 500 }]);
    const res = [{ slot: CPU_SLOT }, { slot: MEMORY_SLOT }];
    expect(score(t, STRATEGY_MOST_ALLOCATED, res, { useNonZero: true })).toEqual([50]);
    expect(score(t, STRATEGY_MOST_ALLOCATED, res)).toEqual([0]);
  });

  it('ephemeral-storage never uses non-zero columns', () => {
    const t = tableOf([{ alloc: { [EPHEMERAL_SLOT]: 100 }, req: { [EPHEMERAL_SLOT]: 30 }, nzCpu: 90, nzMem: 90 }]);
    expect(score(t, STRATEGY_MOST_ALLOCATED, [{ slot: EPHEMERAL_SLOT, pod: 10 }], { useNonZero: true })).toEqual([40]);
  });

  it('absent slots are excluded from the weight sum', () => {
    const t = tableOf([{ alloc: { [CPU_SLOT]: 100 } }]);
    expect(score(t, STRATEGY_LEAST_ALLOCATED, [{ slot: CPU_SLOT, pod: 50 }, { slot: SLOT_ABSENT, weight: 5, pod: 1 }])).toEqual([50]);
  });

  it('RequestedToCapacityRatio rounds half away from zero and skips zero shape scores', () => {
    const t = tableOf([{ alloc: { [CPU_SLOT]: 4000, [MEMORY_SLOT]: 10000 } }, { alloc: { [CPU_SLOT]: 8, [MEMORY_SLOT]: 4 } }]);
    const falling: Array<[number, number]> = [[0, 100], [100, 0]];
    // cpu util 75 -> 25, memory util 50 -> 50: round(37.5) = 38
    expect(score(t, STRATEGY_REQUESTED_TO_CAPACITY_RATIO, [{ slot: CPU_SLOT, pod: 3000 }, { slot: MEMORY_SLOT, pod: 5000 }], { shape: falling, rows: Int32Array.from([0]) })).toEqual([38]);
    // row 1: cpu 2/8 -> util 25 -> 2, memory 2/4 -> 50 -> 5 with shape 0..10; weights 3 and 5: round(31/8) = 4
    const rising: Array<[number, number]> = [[0, 0], [100, 10]];
    expect(score(t, STRATEGY_REQUESTED_TO_CAPACITY_RATIO, [{ slot: CPU_SLOT, weight: 3, pod: 2 }, { slot: MEMORY_SLOT, weight: 5, pod: 2 }], { shape: rising, rows: Int32Array.from([1]) })).toEqual([4]);
    // util 0 everywhere with a rising shape: every resource scores 0 and is skipped -> 0
    expect(score(t, STRATEGY_REQUESTED_TO_CAPACITY_RATIO, [{ slot: CPU_SLOT }, { slot: MEMORY_SLOT }], { shape: rising })).toEqual([0, 0]);
  });

  it('BalancedAllocation: |f1-f2|/2 for two, population std for three, 100 for none', () => {
    const t = tableOf([
      { alloc: { [CPU_SLOT]: 4000, [MEMORY_SLOT]: 10000 } },
      { alloc: { [CPU_SLOT]: 3500, [MEMORY_SLOT]: 40000, 4: 8 }, req: { [CPU_SLOT]: 3000, [MEMORY_SLOT]: 5000, 4: 3 } },
      { alloc: {} },
    ], 1);
    expect(score(t, STRATEGY_BALANCED_ALLOCATION, [{ slot: CPU_SLOT, pod: 3000 }, { slot: MEMORY_SLOT, pod: 5000 }], { rows: Int32Array.from([0]) })).toEqual([87]);
    expect(score(t, STRATEGY_BALANCED_ALLOCATION, [{ slot: CPU_SLOT }, { slot: MEMORY_SLOT }, { slot: 4, pod: 1 }], { rows: Int32Array.from([1]) })).toEqual([70]);
    expect(score(t, STRATEGY_BALANCED_ALLOCATION, [{ slot: CPU_SLOT }, { slot: MEMORY_SLOT }], { rows: Int32Array.from([2]) })).toEqual([100]);
  });

  it('is exact for huge ephemeral-storage values', () => {
    const a = 2 ** 53 - 1;
    const t = tableOf([{ alloc: { [EPHEMERAL_SLOT]: a }, req: { [EPHEMERAL_SLOT]: 0 } }]);
    expect(score(t, STRATEGY_LEAST_ALLOCATED, [{ slot: EPHEMERAL_SLOT, pod: 1 }])).toEqual([99]);
    expect(score(t, STRATEGY_MOST_ALLOCATED, [{ slot: EPHEMERAL_SLOT, pod: a - 1 }])).toEqual([99]);
    // ~1.5 PB node, ~1.08 PB requested: Go's integer result 68, not the double's 69.
    const big = tableOf([{ alloc: { [EPHEMERAL_SLOT]: 1564779331492603 }, req: { [EPHEMERAL_SLOT]: 79697738729896 } }]);
    expect(score(big, STRATEGY_MOST_ALLOCATED, [{ slot: EPHEMERAL_SLOT, pod: 1e15 }])).toEqual([68]);
    expect(score(big, STRATEGY_LEAST_ALLOCATED, [{ slot: EPHEMERAL_SLOT, pod: 1e15 }])).toEqual([31]);
  });
});

describe('resourceScoreBatch properties', () => {
  const strategies = [STRATEGY_LEAST_ALLOCATED, STRATEGY_MOST_ALLOCATED, STRATEGY_REQUESTED_TO_CAPACITY_RATIO, STRATEGY_BALANCED_ALLOCATION];
  const shapeArb = fc
    .uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 })
    .chain((us) => fc.tuple(fc.constant([...us].sort((x, y) => x - y)), fc.array(fc.integer({ min: 0, max: 10 }), { minLength: us.length, maxLength: us.length })))
    .map(([us, ss]) => us.map((u, k): [number, number] => [u, ss[k]! * 10]));
  const amount = fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

  it('every score is an integer in [0, 100]', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...strategies), shapeArb,
        fc.array(fc.record({ alloc: amount, req: amount, pod: amount, weight: fc.integer({ min: 1, max: 100 }) }), { minLength: 1, maxLength: 4 }),
        (strategy, shape, res) => {
          const t = tableOf([{ alloc: Object.fromEntries(res.map((r, j) => [4 + j, r.alloc])), req: Object.fromEntries(res.map((r, j) => [4 + j, r.req])) }], res.length);
          const [s] = score(t, strategy, res.map((r, j) => ({ slot: 4 + j, weight: r.weight, pod: r.pod })), { shape, rows: Int32Array.from([0]) });
          expect(Number.isInteger(s)).toBe(true);
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(100);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('LeastAllocated never rises and MostAllocated never falls as the node fills up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 2_000_000 }), (alloc, r1, r2) => {
        const [lo, hi] = r1 <= r2 ? [r1, r2] : [r2, r1];
        const t = tableOf([{ alloc: { [CPU_SLOT]: alloc }, req: { [CPU_SLOT]: lo } }, { alloc: { [CPU_SLOT]: alloc }, req: { [CPU_SLOT]: hi } }]);
        const res = [{ slot: CPU_SLOT, pod: 0 }];
        const [l0, l1] = score(t, STRATEGY_LEAST_ALLOCATED, res);
        const [m0, m1] = score(t, STRATEGY_MOST_ALLOCATED, res);
        expect(l1!).toBeLessThanOrEqual(l0!);
        expect(m1!).toBeGreaterThanOrEqual(m0!);
      }),
      { numRuns: 500 },
    );
  });

  it('BalancedAllocation of two equally loaded resources is 100', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 100 }), (alloc, pct) => {
        const used = Math.floor((alloc * pct) / 100);
        const t = tableOf([{ alloc: { [CPU_SLOT]: alloc, [MEMORY_SLOT]: alloc }, req: { [CPU_SLOT]: used, [MEMORY_SLOT]: used } }]);
        expect(score(t, STRATEGY_BALANCED_ALLOCATION, [{ slot: CPU_SLOT }, { slot: MEMORY_SLOT }], { rows: Int32Array.from([0]) })).toEqual([100]);
      }),
      { numRuns: 200 },
    );
  });
});

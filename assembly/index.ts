// podfit WASM kernels (AssemblyScript). The host owns the memory (assembly/layout.ts); exports take
// numbers only (byte offsets, counts, enums) and never allocate. Each export is the 1:1
// counterpart of a method of the `Kernels` interface (src/kernel/kernels.ts) and of its readable
// reference in src/kernel/js-kernels.ts: same checks, same order of float operations, so the two
// engines give bit-identical results (test/kernel/wasm-parity.test.ts).
//
// Integer rules (K8S-FACTS.md §5, §10 gotcha 6): Go int64 `/` truncates; a product that passes
// 2^53 is no longer exact as an f64, so mulDivTrunc switches to i64 there (values are integers
// exact to 2^53, so every product fits an i64); RequestedToCapacityRatio rounds half away from
// zero; BalancedAllocation truncates an f64.
//
// Built twice (scripts/build-wasm.js): build/podfit.wasm with SIMD (v128) and
// build/podfit-scalar.wasm without; ASC_FEATURE_SIMD selects the code path at compile time.

import {
  CPU_SLOT,
  FIT_TOO_MANY_PODS,
  HEADER_BASE,
  H_MAGIC,
  H_RESULT_MAX,
  H_VERSION,
  LAYOUT_MAGIC,
  LAYOUT_VERSION,
  MEMORY_SLOT,
  PODS_SLOT,
  STRATEGY_BALANCED_ALLOCATION,
  STRATEGY_LEAST_ALLOCATED,
  STRATEGY_MOST_ALLOCATED,
  STRATEGY_REQUESTED_TO_CAPACITY_RATIO,
} from './layout';

export * from './layout';

/** 2^53 - 1: the largest product an f64 holds exactly. */
const MAX_SAFE: f64 = 9007199254740991.0;
/** kube's MaxNodeScore. */
const MAX_NODE_SCORE: f64 = 100.0;
/** kube's maxUtilization (RequestedToCapacityRatio). */
const MAX_UTILIZATION: f64 = 100.0;

/** Returns the kernel ABI version (LAYOUT_VERSION); called once at load. */
export function abi_version(): i32 {
  return LAYOUT_VERSION;
}

/** 1 when this build uses v128 SIMD. */
export function simd_enabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}

/**
 * The module's side of the start-up check, called once after the host wrote the header:
 * 0 = OK; 1 = static data overlaps the header; 2 = header magic/version differ from this build.
 */
export function layout_check(): i32 {
  if (<i32>__heap_base > HEADER_BASE) return 1;
  if (load<i32>(HEADER_BASE + H_MAGIC) != LAYOUT_MAGIC) return 2;
  if (load<i32>(HEADER_BASE + H_VERSION) != LAYOUT_VERSION) return 2;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Exact integer helpers (js-kernels.ts has the same functions).

/** Go's `x * m / a` on int64 for integers 0 <= x <= a (exact beyond 2^53 through i64). */
// @ts-ignore: decorator
@inline
function mulDivTrunc(x: f64, m: f64, a: f64): f64 {
  const p = x * m;
  if (p <= MAX_SAFE && p >= -MAX_SAFE) return Math.trunc(p / a);
  return <f64>((<i64>x * <i64>m) / <i64>a);
}

/** Go's math.Round: half away from zero. */
// @ts-ignore: decorator
@inline
function goRound(x: f64): f64 {
  const t = Math.trunc(x);
  const frac = x - t;
  if (frac >= 0.5) return t + 1;
  if (frac <= -0.5) return t - 1;
  return t;
}

/** kube's helper.BuildBrokenLinearFunction evaluated at p (shape arrays of f64). */
function brokenLinear(p: f64, shapeU: usize, shapeS: usize, count: i32): f64 {
  for (let k = 0; k < count; k++) {
    const u = load<f64>(shapeU + (<usize>k << 3));
    if (p <= u) {
      if (k == 0) return load<f64>(shapeS);
      const u0 = load<f64>(shapeU + (<usize>(k - 1) << 3));
      const s0 = load<f64>(shapeS + (<usize>(k - 1) << 3));
      const s1 = load<f64>(shapeS + (<usize>k << 3));
      return s0 + Math.trunc(((s1 - s0) * (p - u0)) / (u - u0));
    }
  }
  return count > 0 ? load<f64>(shapeS + (<usize>(count - 1) << 3)) : 0;
}

// @ts-ignore: decorator
@inline
function leastRequestedScore(requested: f64, allocatable: f64): f64 {
  if (allocatable == 0) return 0;
  if (requested > allocatable) return 0;
  return mulDivTrunc(allocatable - requested, MAX_NODE_SCORE, allocatable);
}

// @ts-ignore: decorator
@inline
function mostRequestedScore(requested: f64, allocatable: f64): f64 {
  if (allocatable == 0) return 0;
  const used = requested > allocatable ? allocatable : requested;
  return mulDivTrunc(used, MAX_NODE_SCORE, allocatable);
}

// @ts-ignore: decorator
@inline
function rtcrUtilization(requested: f64, allocatable: f64): f64 {
  if (allocatable == 0 || requested > allocatable) return MAX_UTILIZATION;
  return mulDivTrunc(requested, MAX_UTILIZATION, allocatable);
}

// @ts-ignore: decorator
@inline
function balancedFraction(requested: f64, allocatable: f64): f64 {
  const f = requested / allocatable;
  return f > 1 ? 1 : f;
}

// ---------------------------------------------------------------------------------------------
// Table addressing.

// @ts-ignore: decorator
@inline
function cell(table: usize, capacity: i32, column: i32, row: i32): f64 {
  return load<f64>(table + ((<usize>column * <usize>capacity + <usize>row) << 3));
}

/** Column holding the "requested" side of slot for scoring (non-zero columns for cpu/memory when asked). */
// @ts-ignore: decorator
@inline
function requestedColumn(slot: i32, slotCount: i32, useNonZero: i32): i32 {
  if (useNonZero != 0) {
    if (slot == CPU_SLOT) return 2 * slotCount;
    if (slot == MEMORY_SLOT) return 2 * slotCount + 1;
  }
  return 2 * slot + 1;
}

// ---------------------------------------------------------------------------------------------
// fit_batch

/**
 * NodeResourcesFit's Filter over `rowCount` rows (Kernels.fitBatch): for row i = rows[i] writes
 * fitMaskWords(requestCount) u32 words at out + 4 * i * words; bit 0 = too many pods, bit j+1 =
 * request j does not fit. `slots` i32, `amounts` f64, parallel, length requestCount.
 * Called once per NodeResourcesFit Filter call (general path).
 */
export function fit_batch(
  table: usize, capacity: i32, rows: usize, rowCount: i32,
  slots: usize, amounts: usize, requestCount: i32, out: usize,
): void {
  const words = (requestCount + 32) >>> 5;
  const podsAllocCol = 2 * PODS_SLOT;
  for (let i = 0; i < rowCount; i++) {
    const r = load<i32>(rows + (<usize>i << 2));
    const base = out + (<usize>(i * words) << 2);
    store<u32>(base, cell(table, capacity, podsAllocCol + 1, r) + 1 > cell(table, capacity, podsAllocCol, r) ? FIT_TOO_MANY_PODS : 0);
    for (let w = 1; w < words; w++) store<u32>(base + (<usize>w << 2), 0);
  }
  for (let j = 0; j < requestCount; j++) {
    const amount = load<f64>(amounts + (<usize>j << 3));
    if (!(amount > 0)) continue;
    const slot = load<i32>(slots + (<usize>j << 2));
    const bit = j + 1;
    const word = <usize>(bit >>> 5);
    const mask: u32 = 1 << (bit & 31);
    if (slot < 0) {
      for (let i = 0; i < rowCount; i++) {
        const p = out + ((<usize>(i * words) + word) << 2);
        store<u32>(p, load<u32>(p) | mask);
      }
      continue;
    }
    const allocCol = 2 * slot;
    for (let i = 0; i < rowCount; i++) {
      const r = load<i32>(rows + (<usize>i << 2));
      if (amount > cell(table, capacity, allocCol, r) - cell(table, capacity, allocCol + 1, r)) {
        const p = out + ((<usize>(i * words) + word) << 2);
        store<u32>(p, load<u32>(p) | mask);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Resource scores

/** Score of one row under a strategy, over the configured resources (the scalar reference path). */
function scoreRow(
  table: usize, capacity: i32, slotCount: i32, r: i32, strategy: i32,
  slots: usize, weights: usize, podRequests: usize, resourceCount: i32, useNonZero: i32,
  shapeU: usize, shapeS: usize, shapeCount: i32,
): f64 {
  if (strategy == STRATEGY_BALANCED_ALLOCATION) {
    let n = 0;
    let total: f64 = 0;
    let f0: f64 = 0;
    let f1: f64 = 0;
    for (let j = 0; j < resourceCount; j++) {
      const slot = load<i32>(slots + (<usize>j << 2));
      if (slot < 0) continue;
      const alloc = cell(table, capacity, 2 * slot, r);
      if (alloc == 0) continue;
      const req = cell(table, capacity, requestedColumn(slot, slotCount, useNonZero), r) + load<f64>(podRequests + (<usize>j << 3));
      const f = balancedFraction(req, alloc);
      if (n == 0) f0 = f;
      else if (n == 1) f1 = f;
      total += f;
      n++;
    }
    let std: f64 = 0;
    if (n == 2) {
      std = Math.abs((f0 - f1) / 2);
    } else if (n > 2) {
      const mean = total / n;
      let sum: f64 = 0;
      for (let j = 0; j < resourceCount; j++) {
        const slot = load<i32>(slots + (<usize>j << 2));
        if (slot < 0) continue;
        const alloc = cell(table, capacity, 2 * slot, r);
        if (alloc == 0) continue;
        const req = cell(table, capacity, requestedColumn(slot, slotCount, useNonZero), r) + load<f64>(podRequests + (<usize>j << 3));
        const f = balancedFraction(req, alloc);
        sum += (f - mean) * (f - mean);
      }
      std = Math.sqrt(sum / n);
    }
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }
  let nodeScore: f64 = 0;
  let weightSum: f64 = 0;
  for (let j = 0; j < resourceCount; j++) {
    const slot = load<i32>(slots + (<usize>j << 2));
    if (slot < 0) continue;
    const alloc = cell(table, capacity, 2 * slot, r);
    if (alloc == 0) continue;
    const req = cell(table, capacity, requestedColumn(slot, slotCount, useNonZero), r) + load<f64>(podRequests + (<usize>j << 3));
    const w = load<f64>(weights + (<usize>j << 3));
    if (strategy == STRATEGY_LEAST_ALLOCATED) {
      nodeScore += leastRequestedScore(req, alloc) * w;
      weightSum += w;
    } else if (strategy == STRATEGY_MOST_ALLOCATED) {
      nodeScore += mostRequestedScore(req, alloc) * w;
      weightSum += w;
    } else if (strategy == STRATEGY_REQUESTED_TO_CAPACITY_RATIO) {
      const s = brokenLinear(rtcrUtilization(req, alloc), shapeU, shapeS, shapeCount);
      if (s > 0) {
        nodeScore += s * w;
        weightSum += w;
      }
    }
  }
  if (weightSum == 0) return 0;
  if (strategy == STRATEGY_REQUESTED_TO_CAPACITY_RATIO) return goRound(nodeScore / weightSum);
  return Math.trunc(nodeScore / weightSum);
}

/**
 * The common two-resource case (cpu + memory, both slots present) of Least/Most/Balanced with
 * the two resources in the lanes of one f64x2: one vector division per row instead of two.
 * Rows where a lane is excluded (allocatable 0) or a product passes 2^53 take scoreRow, so the
 * result is always scoreRow's. `feasible` 0 = rows are taken in order.
 */
function scoreTwoSimd(
  table: usize, capacity: i32, slotCount: i32, rows: usize, feasible: usize, count: i32,
  strategy: i32, slots: usize, weights: usize, podRequests: usize, useNonZero: i32,
  out: usize, accumulate: i32, pluginWeight: f64,
): void {
  const slot0 = load<i32>(slots);
  const slot1 = load<i32>(slots, 4);
  const w0 = load<f64>(weights);
  const w1 = load<f64>(weights, 8);
  const weightSum = w0 + w1;
  const cap = <usize>capacity << 3;
  const alloc0 = table + <usize>(2 * slot0) * cap;
  const alloc1 = table + <usize>(2 * slot1) * cap;
  const req0 = table + <usize>requestedColumn(slot0, slotCount, useNonZero) * cap;
  const req1 = table + <usize>requestedColumn(slot1, slotCount, useNonZero) * cap;
  const pod = v128.load(podRequests);
  const hundred = f64x2.splat(MAX_NODE_SCORE);
  const maxSafe = f64x2.splat(MAX_SAFE);
  const one = f64x2.splat(1);
  for (let k = 0; k < count; k++) {
    const r = feasible == 0 ? load<i32>(rows + (<usize>k << 2)) : load<i32>(rows + (<usize>load<i32>(feasible + (<usize>k << 2)) << 2));
    const ro = <usize>r << 3;
    const a = f64x2.replace_lane(f64x2.splat(load<f64>(alloc0 + ro)), 1, load<f64>(alloc1 + ro));
    const q = f64x2.add(f64x2.replace_lane(f64x2.splat(load<f64>(req0 + ro)), 1, load<f64>(req1 + ro)), pod);
    let s: f64;
    if (f64x2.extract_lane(a, 0) == 0 || f64x2.extract_lane(a, 1) == 0) {
      s = scoreRow(table, capacity, slotCount, r, strategy, slots, weights, podRequests, 2, useNonZero, 0, 0, 0);
    } else if (strategy == STRATEGY_BALANCED_ALLOCATION) {
      const f = f64x2.min(f64x2.div(q, a), one);
      const std = Math.abs((f64x2.extract_lane(f, 0) - f64x2.extract_lane(f, 1)) / 2);
      s = Math.trunc((1 - std) * MAX_NODE_SCORE);
    } else {
      // Least: x = a - q, 0 where q > a. Most: x = min(q, a).
      const over = f64x2.gt(q, a);
      const x = strategy == STRATEGY_LEAST_ALLOCATED ? f64x2.sub(a, q) : f64x2.min(q, a);
      const p = f64x2.mul(x, hundred);
      const big = strategy == STRATEGY_LEAST_ALLOCATED ? v128.andnot(f64x2.gt(p, maxSafe), over) : f64x2.gt(p, maxSafe);
      if (v128.any_true(big)) {
        s = scoreRow(table, capacity, slotCount, r, strategy, slots, weights, podRequests, 2, useNonZero, 0, 0, 0);
      } else {
        let v = f64x2.trunc(f64x2.div(p, a));
        if (strategy == STRATEGY_LEAST_ALLOCATED) v = v128.andnot(v, over);
        let nodeScore: f64 = 0;
        nodeScore += f64x2.extract_lane(v, 0) * w0;
        nodeScore += f64x2.extract_lane(v, 1) * w1;
        s = Math.trunc(nodeScore / weightSum);
      }
    }
    const o = out + (<usize>k << 3);
    if (accumulate != 0) store<f64>(o, load<f64>(o) + s * pluginWeight);
    else store<f64>(o, s);
  }
}

/** Shared body of score_resources and score_add. */
function scoreInto(
  table: usize, capacity: i32, slotCount: i32, rows: usize, feasible: usize, count: i32, strategy: i32,
  slots: usize, weights: usize, podRequests: usize, resourceCount: i32, useNonZero: i32,
  shapeU: usize, shapeS: usize, shapeCount: i32, out: usize, accumulate: i32, pluginWeight: f64,
): void {
  if (
    ASC_FEATURE_SIMD && resourceCount == 2 && strategy != STRATEGY_REQUESTED_TO_CAPACITY_RATIO &&
    load<i32>(slots) >= 0 && load<i32>(slots, 4) >= 0
  ) {
    scoreTwoSimd(table, capacity, slotCount, rows, feasible, count, strategy, slots, weights, podRequests, useNonZero, out, accumulate, pluginWeight);
    return;
  }
  for (let k = 0; k < count; k++) {
    const r = feasible == 0 ? load<i32>(rows + (<usize>k << 2)) : load<i32>(rows + (<usize>load<i32>(feasible + (<usize>k << 2)) << 2));
    const s = scoreRow(table, capacity, slotCount, r, strategy, slots, weights, podRequests, resourceCount, useNonZero, shapeU, shapeS, shapeCount);
    const o = out + (<usize>k << 3);
    if (accumulate != 0) store<f64>(o, load<f64>(o) + s * pluginWeight);
    else store<f64>(o, s);
  }
}

/**
 * Resource-allocation scores of `rowCount` rows into out[0..rowCount) as f64 (Kernels.resourceScoreBatch).
 * `slots` i32, `weights`/`podRequests` f64 (resourceCount each), shape f64 arrays (shapeCount).
 * Called once per resource Score call (general path).
 */
export function score_resources(
  table: usize, capacity: i32, slotCount: i32, rows: usize, rowCount: i32, strategy: i32,
  slots: usize, weights: usize, podRequests: usize, resourceCount: i32, useNonZero: i32,
  shapeU: usize, shapeS: usize, shapeCount: i32, out: usize,
): void {
  scoreInto(table, capacity, slotCount, rows, 0, rowCount, strategy, slots, weights, podRequests, resourceCount, useNonZero, shapeU, shapeS, shapeCount, out, 0, 1);
}

/**
 * Fused cycle, scoring (Kernels.scoreAdd): totals[k] += pluginWeight * score(rows[feasible[k]])
 * for k < count. Called once per resource Score plugin per fused cycle.
 */
export function score_add(
  table: usize, capacity: i32, slotCount: i32, rows: usize, feasible: usize, count: i32, strategy: i32,
  slots: usize, weights: usize, podRequests: usize, resourceCount: i32, useNonZero: i32,
  shapeU: usize, shapeS: usize, shapeCount: i32, pluginWeight: f64, totals: usize,
): void {
  scoreInto(table, capacity, slotCount, rows, feasible, count, strategy, slots, weights, podRequests, resourceCount, useNonZero, shapeU, shapeS, shapeCount, totals, 1, pluginWeight);
}

// ---------------------------------------------------------------------------------------------
// Fused cycle: filter and select

/**
 * Fused cycle, filtering (Kernels.filterNodes): node index i < n (row rows[i], class classes[i])
 * is feasible when classPass[class] != 0, one more pod fits and every request fits (fit_batch's
 * checks). Writes feasible indices in order to `feasible` (i32), sets classFeasible[class] = 1
 * (i32; the caller zeroes it) and returns the count. Called once per fused cycle.
 */
export function filter_nodes(
  table: usize, capacity: i32, rows: usize, classes: usize, n: i32, classPass: usize,
  slots: usize, amounts: usize, requestCount: i32, feasible: usize, classFeasible: usize,
): i32 {
  const cap = <usize>capacity << 3;
  const podsAlloc = table + <usize>(2 * PODS_SLOT) * cap;
  const podsReq = podsAlloc + cap;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = load<i32>(classes + (<usize>i << 2));
    if (load<i32>(classPass + (<usize>c << 2)) == 0) continue;
    const ro = <usize>load<i32>(rows + (<usize>i << 2)) << 3;
    if (load<f64>(podsReq + ro) + 1 > load<f64>(podsAlloc + ro)) continue;
    let fits = true;
    for (let j = 0; j < requestCount; j++) {
      const amount = load<f64>(amounts + (<usize>j << 3));
      if (!(amount > 0)) continue;
      const slot = load<i32>(slots + (<usize>j << 2));
      if (slot < 0) {
        fits = false;
        break;
      }
      const alloc = table + <usize>(2 * slot) * cap;
      if (amount > load<f64>(alloc + ro) - load<f64>(alloc + cap + ro)) {
        fits = false;
        break;
      }
    }
    if (!fits) continue;
    store<i32>(feasible + (<usize>count << 2), i);
    store<i32>(classFeasible + (<usize>c << 2), 1);
    count++;
  }
  return count;
}

/**
 * Fused cycle, the top (Kernels.selectTop): totals[k] += classScore[classes[feasible[k]]], then
 * the maximum total (stored as f64 at HEADER_BASE + H_RESULT_MAX) and how many totals equal it
 * (returned). Called once per fused cycle.
 */
export function select_top(classes: usize, feasible: usize, count: i32, classScore: usize, totals: usize): i32 {
  let max: f64 = -Infinity;
  let ties = 0;
  for (let k = 0; k < count; k++) {
    const c = load<i32>(classes + (<usize>load<i32>(feasible + (<usize>k << 2)) << 2));
    const o = totals + (<usize>k << 3);
    const v = load<f64>(o) + load<f64>(classScore + (<usize>c << 3));
    store<f64>(o, v);
    if (v > max) {
      max = v;
      ties = 1;
    } else if (v == max) {
      ties++;
    }
  }
  store<f64>(HEADER_BASE + H_RESULT_MAX, max);
  return ties;
}

/** Position of the k-th (0-based) total equal to `max`, or -1 (Kernels.selectKth). Once per fused cycle. */
export function select_kth(totals: usize, count: i32, max: f64, k: i32): i32 {
  for (let i = 0; i < count; i++) {
    if (load<f64>(totals + (<usize>i << 3)) == max) {
      if (k == 0) return i;
      k--;
    }
  }
  return -1;
}

/** Sets n f64 values at ptr to 0 (Kernels.zeroF64). */
export function zero_f64(ptr: usize, n: i32): void {
  memory.fill(ptr, 0, <usize>n << 3);
}

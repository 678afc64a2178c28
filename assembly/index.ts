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
  SD_BYTES,
  SD_PLUGIN_WEIGHT,
  SD_REQUESTS,
  SD_RESOURCE_COUNT,
  SD_SHAPE_COUNT,
  SD_SHAPE_S,
  SD_SHAPE_U,
  SD_SLOTS,
  SD_STRATEGY,
  SD_USE_NON_ZERO,
  SD_WEIGHTS,
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

/** Go's `ns / w` truncated, for integers 0 <= ns <= 100 * w: a multiply and an exact fix-up, no division. */
// @ts-ignore: decorator
@inline
function truncDivSmall(ns: f64, w: f64, invW: f64): f64 {
  let q = Math.trunc(ns * invW);
  if ((q + 1) * w <= ns) q += 1;
  else if (q * w > ns) q -= 1;
  return q;
}

/**
 * One two-resource scorer on one row (both slots present, not RequestedToCapacityRatio): the
 * resources in the lanes of an f64x2 (or two scalars in the scalar build). Returns -1 when the
 * row needs scoreRow (a resource with allocatable 0, or a product beyond 2^53).
 */
// @ts-ignore: decorator
@inline
function scoreTwoRow(
  strategy: i32, a0: f64, a1: f64, q0: f64, q1: f64, w0: f64, w1: f64, weightSum: f64, invW: f64,
): f64 {
  if (a0 == 0 || a1 == 0) return -1;
  if (ASC_FEATURE_SIMD) {
    const a = f64x2.replace_lane(f64x2.splat(a0), 1, a1);
    const q = f64x2.replace_lane(f64x2.splat(q0), 1, q1);
    if (strategy == STRATEGY_BALANCED_ALLOCATION) {
      const f = f64x2.min(f64x2.div(q, a), f64x2.splat(1));
      const std = Math.abs((f64x2.extract_lane(f, 0) - f64x2.extract_lane(f, 1)) / 2);
      return Math.trunc((1 - std) * MAX_NODE_SCORE);
    }
    const over = f64x2.gt(q, a);
    const x = strategy == STRATEGY_LEAST_ALLOCATED ? f64x2.sub(a, q) : f64x2.min(q, a);
    const p = f64x2.mul(x, f64x2.splat(MAX_NODE_SCORE));
    const tooBig = f64x2.gt(p, f64x2.splat(MAX_SAFE));
    if (v128.any_true(strategy == STRATEGY_LEAST_ALLOCATED ? v128.andnot(tooBig, over) : tooBig)) return -1;
    let v = f64x2.trunc(f64x2.div(p, a));
    if (strategy == STRATEGY_LEAST_ALLOCATED) v = v128.andnot(v, over);
    let nodeScore: f64 = 0;
    nodeScore += f64x2.extract_lane(v, 0) * w0;
    nodeScore += f64x2.extract_lane(v, 1) * w1;
    return truncDivSmall(nodeScore, weightSum, invW);
  } else {
    if (strategy == STRATEGY_BALANCED_ALLOCATION) {
      const f0 = balancedFraction(q0, a0);
      const f1 = balancedFraction(q1, a1);
      return Math.trunc((1 - Math.abs((f0 - f1) / 2)) * MAX_NODE_SCORE);
    }
    let x0: f64;
    let x1: f64;
    if (strategy == STRATEGY_LEAST_ALLOCATED) {
      x0 = q0 > a0 ? -1 : a0 - q0;
      x1 = q1 > a1 ? -1 : a1 - q1;
    } else {
      x0 = q0 > a0 ? a0 : q0;
      x1 = q1 > a1 ? a1 : q1;
    }
    const p0 = x0 * MAX_NODE_SCORE;
    const p1 = x1 * MAX_NODE_SCORE;
    if (p0 > MAX_SAFE || p1 > MAX_SAFE) return -1;
    let nodeScore: f64 = 0;
    nodeScore += (x0 < 0 ? 0 : Math.trunc(p0 / a0)) * w0;
    nodeScore += (x1 < 0 ? 0 : Math.trunc(p1 / a1)) * w1;
    return truncDivSmall(nodeScore, weightSum, invW);
  }
}

/** Whether a scorer descriptor can take scoreTwoRow. */
// @ts-ignore: decorator
@inline
function isTwoResource(d: usize): bool {
  if (load<i32>(d + SD_RESOURCE_COUNT) != 2) return false;
  if (load<i32>(d + SD_STRATEGY) == STRATEGY_REQUESTED_TO_CAPACITY_RATIO) return false;
  const slots = <usize>load<i32>(d + SD_SLOTS);
  return load<i32>(slots) >= 0 && load<i32>(slots, 4) >= 0;
}

/** A scorer's score of row r through its descriptor (the general per-row path). */
function scoreDescriptor(table: usize, capacity: i32, slotCount: i32, r: i32, d: usize): f64 {
  return scoreRow(
    table, capacity, slotCount, r, load<i32>(d + SD_STRATEGY),
    <usize>load<i32>(d + SD_SLOTS), <usize>load<i32>(d + SD_WEIGHTS), <usize>load<i32>(d + SD_REQUESTS),
    load<i32>(d + SD_RESOURCE_COUNT), load<i32>(d + SD_USE_NON_ZERO),
    <usize>load<i32>(d + SD_SHAPE_U), <usize>load<i32>(d + SD_SHAPE_S), load<i32>(d + SD_SHAPE_COUNT),
  );
}

/** Sum of pluginWeight * score over all scorers on row r (the cache-miss path for any profile). */
function totalOfRow(table: usize, capacity: i32, slotCount: i32, r: i32, scorers: usize, scorerCount: i32): f64 {
  let total: f64 = 0;
  for (let s = 0; s < scorerCount; s++) {
    const d = scorers + <usize>(s * SD_BYTES);
    total += scoreDescriptor(table, capacity, slotCount, r, d) * load<f64>(d + SD_PLUGIN_WEIGHT);
  }
  return total;
}

/** Whether the pod fits row r (fit_batch's checks; the request lists are f64 amounts and i32 slots). */
// @ts-ignore: decorator
@inline
function fitsRow(table: usize, cap: usize, ro: usize, fitSlots: usize, fitAmounts: usize, fitCount: i32): bool {
  const podsAlloc = table + <usize>(2 * PODS_SLOT) * cap;
  if (load<f64>(podsAlloc + cap + ro) + 1 > load<f64>(podsAlloc + ro)) return false;
  for (let j = 0; j < fitCount; j++) {
    const amount = load<f64>(fitAmounts + (<usize>j << 3));
    if (!(amount > 0)) continue;
    const slot = load<i32>(fitSlots + (<usize>j << 2));
    if (slot < 0) return false;
    const alloc = table + <usize>(2 * slot) * cap;
    if (amount > load<f64>(alloc + ro) - load<f64>(alloc + cap + ro)) return false;
  }
  return true;
}

/**
 * The default profile's pair: NodeResourcesFit LeastAllocated (non-zero requests) and
 * BalancedAllocation (requests) on the same two present resources.
 */
function isDefaultPair(scorers: usize, scorerCount: i32): bool {
  if (scorerCount != 2) return false;
  const d0 = scorers;
  const d1 = scorers + <usize>SD_BYTES;
  if (!isTwoResource(d0) || !isTwoResource(d1)) return false;
  if (load<i32>(d0 + SD_STRATEGY) != STRATEGY_LEAST_ALLOCATED || load<i32>(d1 + SD_STRATEGY) != STRATEGY_BALANCED_ALLOCATION) return false;
  const s0 = <usize>load<i32>(d0 + SD_SLOTS);
  const s1 = <usize>load<i32>(d1 + SD_SLOTS);
  return load<i32>(s0) == load<i32>(s1) && load<i32>(s0, 4) == load<i32>(s1, 4);
}

/**
 * score_rows for the default pair and at most two fit requests, everything in locals: per row
 * one fit check and two divisions of [resource 0, resource 1] lanes by the allocatable lanes
 * (Least's `x * 100 / a` and Balanced's `req / a`). Same results as the general path (the
 * parity tests run both); rows it cannot do exactly (allocatable 0, products beyond 2^53) take
 * scoreDescriptor.
 */
function scoreRowsDefault(
  table: usize, capacity: i32, slotCount: i32, rows: usize, rowCount: i32,
  fitSlots: usize, fitAmounts: usize, fitCount: i32, scorers: usize, out: usize,
): void {
  const cap = <usize>capacity << 3;
  const dL = scorers;
  const dB = scorers + <usize>SD_BYTES;
  const sl = <usize>load<i32>(dL + SD_SLOTS);
  const slot0 = load<i32>(sl);
  const slot1 = load<i32>(sl, 4);
  const a0c = table + <usize>(2 * slot0) * cap;
  const a1c = table + <usize>(2 * slot1) * cap;
  const nzL = load<i32>(dL + SD_USE_NON_ZERO);
  const nzB = load<i32>(dB + SD_USE_NON_ZERO);
  const qL0c = table + <usize>requestedColumn(slot0, slotCount, nzL) * cap;
  const qL1c = table + <usize>requestedColumn(slot1, slotCount, nzL) * cap;
  const qB0c = table + <usize>requestedColumn(slot0, slotCount, nzB) * cap;
  const qB1c = table + <usize>requestedColumn(slot1, slotCount, nzB) * cap;
  const wl = <usize>load<i32>(dL + SD_WEIGHTS);
  const w0 = load<f64>(wl);
  const w1 = load<f64>(wl, 8);
  const weightSum = w0 + w1;
  const invW = 1 / weightSum;
  const pl = <usize>load<i32>(dL + SD_REQUESTS);
  const pb = <usize>load<i32>(dB + SD_REQUESTS);
  const pwL = load<f64>(dL + SD_PLUGIN_WEIGHT);
  const pwB = load<f64>(dB + SD_PLUGIN_WEIGHT);
  const podsA = table + <usize>(2 * PODS_SLOT) * cap;
  const podsQ = podsA + cap;
  // Fit requests in locals (an absent slot or no request: never fails / always fails as kube).
  let f0a: usize = 0, f1a: usize = 0;
  let f0: f64 = 0, f1: f64 = 0;
  let fitNever = false;
  if (fitCount > 0) {
    f0 = load<f64>(fitAmounts);
    const s = load<i32>(fitSlots);
    if (f0 > 0 && s < 0) fitNever = true;
    f0a = table + <usize>(2 * max(s, 0)) * cap;
    if (!(f0 > 0)) f0 = -Infinity;
  } else f0 = -Infinity;
  if (fitCount > 1) {
    f1 = load<f64>(fitAmounts, 8);
    const s = load<i32>(fitSlots, 4);
    if (f1 > 0 && s < 0) fitNever = true;
    f1a = table + <usize>(2 * max(s, 0)) * cap;
    if (!(f1 > 0)) f1 = -Infinity;
  } else f1 = -Infinity;
  if (ASC_FEATURE_SIMD) {
    // Two consecutive rows per step, in the lanes of f64x2 (each column is contiguous by row, so
    // one v128.load per column); a lone or non-consecutive row takes the one-row path.
    const pL0v = f64x2.splat(load<f64>(pl));
    const pL1v = f64x2.splat(load<f64>(pl, 8));
    const pB0v = f64x2.splat(load<f64>(pb));
    const pB1v = f64x2.splat(load<f64>(pb, 8));
    const f0v = f64x2.splat(f0);
    const f1v = f64x2.splat(f1);
    const w0v = f64x2.splat(w0);
    const w1v = f64x2.splat(w1);
    const wsv = f64x2.splat(weightSum);
    const invWv = f64x2.splat(invW);
    const pwLv = f64x2.splat(pwL);
    const pwBv = f64x2.splat(pwB);
    const hundred = f64x2.splat(MAX_NODE_SCORE);
    const maxSafe = f64x2.splat(MAX_SAFE);
    const one = f64x2.splat(1);
    const half = f64x2.splat(0.5);
    const zero = f64x2.splat(0);
    const minusOne = f64x2.splat(-1);
    let k = 0;
    while (k < rowCount) {
      const r = load<i32>(rows + (<usize>k << 2));
      const ro = <usize>r << 3;
      if (k + 1 < rowCount && load<i32>(rows + (<usize>(k + 1) << 2)) == r + 1 && !fitNever) {
        const ok = v128.andnot(
          v128.andnot(
            f64x2.le(f64x2.add(v128.load(podsQ + ro), one), v128.load(podsA + ro)),
            f64x2.gt(f0v, f64x2.sub(v128.load(f0a + ro), v128.load(f0a + cap + ro))),
          ),
          f64x2.gt(f1v, f64x2.sub(v128.load(f1a + ro), v128.load(f1a + cap + ro))),
        );
        if (!v128.any_true(ok)) {
          v128.store(out + ro, minusOne);
          k += 2;
          continue;
        }
        const a0 = v128.load(a0c + ro);
        const a1 = v128.load(a1c + ro);
        const qL0 = f64x2.add(v128.load(qL0c + ro), pL0v);
        const qL1 = f64x2.add(v128.load(qL1c + ro), pL1v);
        const over0 = f64x2.gt(qL0, a0);
        const over1 = f64x2.gt(qL1, a1);
        const p0 = f64x2.mul(f64x2.sub(a0, qL0), hundred);
        const p1 = f64x2.mul(f64x2.sub(a1, qL1), hundred);
        const exact = v128.or(
          v128.or(f64x2.eq(a0, zero), f64x2.eq(a1, zero)),
          v128.or(v128.andnot(f64x2.gt(p0, maxSafe), over0), v128.andnot(f64x2.gt(p1, maxSafe), over1)),
        );
        if (!v128.any_true(v128.and(exact, ok))) {
          const v0 = v128.andnot(f64x2.trunc(f64x2.div(p0, a0)), over0);
          const v1 = v128.andnot(f64x2.trunc(f64x2.div(p1, a1)), over1);
          // Go's truncating (v0*w0 + v1*w1) / (w0 + w1) without a division: estimate, then fix.
          const ns = f64x2.add(f64x2.mul(v0, w0v), f64x2.mul(v1, w1v));
          let q = f64x2.trunc(f64x2.mul(ns, invWv));
          q = v128.bitselect(f64x2.add(q, one), q, f64x2.le(f64x2.mul(f64x2.add(q, one), wsv), ns));
          q = v128.bitselect(f64x2.sub(q, one), q, f64x2.gt(f64x2.mul(q, wsv), ns));
          const fb0 = f64x2.min(f64x2.div(f64x2.add(v128.load(qB0c + ro), pB0v), a0), one);
          const fb1 = f64x2.min(f64x2.div(f64x2.add(v128.load(qB1c + ro), pB1v), a1), one);
          // (f0 - f1) / 2 and (f0 - f1) * 0.5 are the same correctly rounded value.
          const std = f64x2.abs(f64x2.mul(f64x2.sub(fb0, fb1), half));
          const balanced = f64x2.trunc(f64x2.mul(f64x2.sub(one, std), hundred));
          const t = f64x2.add(f64x2.mul(q, pwLv), f64x2.mul(balanced, pwBv));
          v128.store(out + ro, v128.bitselect(t, minusOne, ok));
          k += 2;
          continue;
        }
      }
      // One row: the resources in the lanes.
      let t: f64 = -1;
      if (
        !fitNever && load<f64>(podsQ + ro) + 1 <= load<f64>(podsA + ro) &&
        !(f0 > load<f64>(f0a + ro) - load<f64>(f0a + cap + ro)) && !(f1 > load<f64>(f1a + ro) - load<f64>(f1a + cap + ro))
      ) {
        const a0 = load<f64>(a0c + ro);
        const a1 = load<f64>(a1c + ro);
        const qL0 = load<f64>(qL0c + ro) + f64x2.extract_lane(pL0v, 0);
        const qL1 = load<f64>(qL1c + ro) + f64x2.extract_lane(pL1v, 0);
        const p0 = (a0 - qL0) * MAX_NODE_SCORE;
        const p1 = (a1 - qL1) * MAX_NODE_SCORE;
        if (a0 == 0 || a1 == 0 || (qL0 <= a0 && p0 > MAX_SAFE) || (qL1 <= a1 && p1 > MAX_SAFE)) {
          t = scoreDescriptor(table, capacity, slotCount, r, dL) * pwL + scoreDescriptor(table, capacity, slotCount, r, dB) * pwB;
        } else {
          let nodeScore: f64 = 0;
          nodeScore += (qL0 > a0 ? 0 : Math.trunc(p0 / a0)) * w0;
          nodeScore += (qL1 > a1 ? 0 : Math.trunc(p1 / a1)) * w1;
          const least = truncDivSmall(nodeScore, weightSum, invW);
          const b0 = balancedFraction(load<f64>(qB0c + ro) + f64x2.extract_lane(pB0v, 0), a0);
          const b1 = balancedFraction(load<f64>(qB1c + ro) + f64x2.extract_lane(pB1v, 0), a1);
          const balanced = Math.trunc((1 - Math.abs((b0 - b1) / 2)) * MAX_NODE_SCORE);
          t = 0;
          t += least * pwL;
          t += balanced * pwB;
        }
      }
      store<f64>(out + ro, t);
      k++;
    }
    return;
  }
  const pL0 = load<f64>(pl);
  const pL1 = load<f64>(pl, 8);
  const pB0 = load<f64>(pb);
  const pB1 = load<f64>(pb, 8);
  for (let k = 0; k < rowCount; k++) {
    const r = load<i32>(rows + (<usize>k << 2));
    const ro = <usize>r << 3;
    let t: f64 = -1;
    if (
      !fitNever && load<f64>(podsQ + ro) + 1 <= load<f64>(podsA + ro) &&
      !(f0 > load<f64>(f0a + ro) - load<f64>(f0a + cap + ro)) && !(f1 > load<f64>(f1a + ro) - load<f64>(f1a + cap + ro))
    ) {
      const a0 = load<f64>(a0c + ro);
      const a1 = load<f64>(a1c + ro);
      const qL0 = load<f64>(qL0c + ro) + pL0;
      const qL1 = load<f64>(qL1c + ro) + pL1;
      const p0 = (a0 - qL0) * MAX_NODE_SCORE;
      const p1 = (a1 - qL1) * MAX_NODE_SCORE;
      if (a0 == 0 || a1 == 0 || (qL0 <= a0 && p0 > MAX_SAFE) || (qL1 <= a1 && p1 > MAX_SAFE)) {
        t = scoreDescriptor(table, capacity, slotCount, r, dL) * pwL + scoreDescriptor(table, capacity, slotCount, r, dB) * pwB;
      } else {
        let nodeScore: f64 = 0;
        nodeScore += (qL0 > a0 ? 0 : Math.trunc(p0 / a0)) * w0;
        nodeScore += (qL1 > a1 ? 0 : Math.trunc(p1 / a1)) * w1;
        const least = truncDivSmall(nodeScore, weightSum, invW);
        const b0 = balancedFraction(load<f64>(qB0c + ro) + pB0, a0);
        const b1 = balancedFraction(load<f64>(qB1c + ro) + pB1, a1);
        const balanced = Math.trunc((1 - Math.abs((b0 - b1) / 2)) * MAX_NODE_SCORE);
        t = 0;
        t += least * pwL;
        t += balanced * pwB;
      }
    }
    store<f64>(out + ro, t);
  }
}

/**
 * The fused cycle's scoring (Kernels.scoreRows): for each row r = rows[k], k < rowCount, writes
 * into out[r] (f64, indexed by row) -1 when the pod does not fit (fit_batch's checks) and
 * otherwise the sum over the scorer descriptors of pluginWeight * score (score_resources'
 * scores). Called with every node's row when a pod shape is new, and with the rows changed
 * since the last call otherwise (the score cache), so most cycles score one or two rows.
 */
export function score_rows(
  table: usize, capacity: i32, slotCount: i32, rows: usize, rowCount: i32,
  fitSlots: usize, fitAmounts: usize, fitCount: i32, scorers: usize, scorerCount: i32, out: usize,
): void {
  const cap = <usize>capacity << 3;
  if (isDefaultPair(scorers, scorerCount) && fitCount <= 2) {
    scoreRowsDefault(table, capacity, slotCount, rows, rowCount, fitSlots, fitAmounts, fitCount, scorers, out);
    return;
  }
  // Up to two two-resource scorers run inline with their columns and weights in locals.
  let fast = scorerCount <= 2;
  for (let s = 0; s < scorerCount && fast; s++) fast = isTwoResource(scorers + <usize>(s * SD_BYTES));
  const d0 = scorers;
  const d1 = scorers + <usize>SD_BYTES;
  const has0 = scorerCount > 0;
  const has1 = scorerCount > 1;
  let st0 = 0, st1 = 0;
  let a00: usize = 0, a01: usize = 0, q00: usize = 0, q01: usize = 0, a10: usize = 0, a11: usize = 0, q10: usize = 0, q11: usize = 0;
  let w00: f64 = 0, w01: f64 = 0, w10: f64 = 0, w11: f64 = 0, p00: f64 = 0, p01: f64 = 0, p10: f64 = 0, p11: f64 = 0;
  let pw0: f64 = 0, pw1: f64 = 0;
  if (fast && has0) {
    st0 = load<i32>(d0 + SD_STRATEGY);
    const sl = <usize>load<i32>(d0 + SD_SLOTS);
    const nz = load<i32>(d0 + SD_USE_NON_ZERO);
    a00 = table + <usize>(2 * load<i32>(sl)) * cap;
    a01 = table + <usize>(2 * load<i32>(sl, 4)) * cap;
    q00 = table + <usize>requestedColumn(load<i32>(sl), slotCount, nz) * cap;
    q01 = table + <usize>requestedColumn(load<i32>(sl, 4), slotCount, nz) * cap;
    const w = <usize>load<i32>(d0 + SD_WEIGHTS);
    w00 = load<f64>(w);
    w01 = load<f64>(w, 8);
    const p = <usize>load<i32>(d0 + SD_REQUESTS);
    p00 = load<f64>(p);
    p01 = load<f64>(p, 8);
    pw0 = load<f64>(d0 + SD_PLUGIN_WEIGHT);
  }
  if (fast && has1) {
    st1 = load<i32>(d1 + SD_STRATEGY);
    const sl = <usize>load<i32>(d1 + SD_SLOTS);
    const nz = load<i32>(d1 + SD_USE_NON_ZERO);
    a10 = table + <usize>(2 * load<i32>(sl)) * cap;
    a11 = table + <usize>(2 * load<i32>(sl, 4)) * cap;
    q10 = table + <usize>requestedColumn(load<i32>(sl), slotCount, nz) * cap;
    q11 = table + <usize>requestedColumn(load<i32>(sl, 4), slotCount, nz) * cap;
    const w = <usize>load<i32>(d1 + SD_WEIGHTS);
    w10 = load<f64>(w);
    w11 = load<f64>(w, 8);
    const p = <usize>load<i32>(d1 + SD_REQUESTS);
    p10 = load<f64>(p);
    p11 = load<f64>(p, 8);
    pw1 = load<f64>(d1 + SD_PLUGIN_WEIGHT);
  }
  const ws0 = w00 + w01;
  const ws1 = w10 + w11;
  const inv0: f64 = ws0 > 0 ? 1 / ws0 : 0;
  const inv1: f64 = ws1 > 0 ? 1 / ws1 : 0;
  for (let k = 0; k < rowCount; k++) {
    const r = load<i32>(rows + (<usize>k << 2));
    const ro = <usize>r << 3;
    let t: f64;
    if (!fitsRow(table, cap, ro, fitSlots, fitAmounts, fitCount)) {
      t = -1;
    } else if (fast) {
      t = 0;
      if (has0) {
        let s = scoreTwoRow(st0, load<f64>(a00 + ro), load<f64>(a01 + ro), load<f64>(q00 + ro) + p00, load<f64>(q01 + ro) + p01, w00, w01, ws0, inv0);
        if (s < 0) s = scoreDescriptor(table, capacity, slotCount, r, d0);
        t += s * pw0;
      }
      if (has1) {
        let s = scoreTwoRow(st1, load<f64>(a10 + ro), load<f64>(a11 + ro), load<f64>(q10 + ro) + p10, load<f64>(q11 + ro) + p11, w10, w11, ws1, inv1);
        if (s < 0) s = scoreDescriptor(table, capacity, slotCount, r, d1);
        t += s * pw1;
      }
    } else {
      t = totalOfRow(table, capacity, slotCount, r, scorers, scorerCount);
    }
    store<f64>(out + ro, t);
  }
}

/**
 * The fused cycle's top (Kernels.scanClasses): over node indices i < n (row rows[i], class
 * classes[i]) whose class passed (classPass[class] != 0) and whose total (rowTotals[row], f64 by
 * row; -1 = does not fit) is >= 0: per class classFeasible = 1, classMax = the top total,
 * classTies = how many have it (classFeasible zeroed by the caller). `rows` 0 = rows are the node
 * indices; `singleClass` >= 0 = every node is in that class (classes unread). Returns the
 * feasible count. Once per fused cycle.
 */
export function scan_classes(
  rowTotals: usize, rows: usize, classes: usize, singleClass: i32, n: i32, classPass: usize,
  classFeasible: usize, classMax: usize, classTies: usize,
): i32 {
  let count = 0;
  if (singleClass >= 0) {
    const c = <usize>singleClass;
    if (load<i32>(classPass + (c << 2)) == 0) return 0;
    let max: f64 = -1;
    let ties = 0;
    if (rows == 0) {
      let i = 0;
      if (ASC_FEATURE_SIMD) {
        // Two totals per step: max and its count in lanes, merged at the end.
        let vmax = f64x2.splat(-1);
        let vties = i64x2.splat(0);
        let vcount = i64x2.splat(0);
        const zero = f64x2.splat(0);
        for (; i + 1 < n; i += 2) {
          const v = v128.load(rowTotals + (<usize>i << 3));
          const feasible = f64x2.ge(v, zero);
          vcount = i64x2.sub(vcount, feasible);
          const gt = f64x2.gt(v, vmax);
          const eq = v128.and(f64x2.eq(v, vmax), feasible);
          vmax = v128.bitselect(v, vmax, gt);
          // ties: reset to 1 where a new max, +1 where equal.
          vties = v128.bitselect(i64x2.splat(1), i64x2.sub(vties, eq), gt);
        }
        const m0 = f64x2.extract_lane(vmax, 0);
        const m1 = f64x2.extract_lane(vmax, 1);
        const t0 = <i32>i64x2.extract_lane(vties, 0);
        const t1 = <i32>i64x2.extract_lane(vties, 1);
        count = <i32>(i64x2.extract_lane(vcount, 0) + i64x2.extract_lane(vcount, 1));
        if (m0 > m1) {
          max = m0;
          ties = t0;
        } else if (m1 > m0) {
          max = m1;
          ties = t1;
        } else {
          max = m0;
          ties = t0 + t1;
        }
      }
      for (; i < n; i++) {
        const t = load<f64>(rowTotals + (<usize>i << 3));
        if (t < 0) continue;
        count++;
        if (t > max) {
          max = t;
          ties = 1;
        } else if (t == max) {
          ties++;
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        const t = load<f64>(rowTotals + (<usize>load<i32>(rows + (<usize>i << 2)) << 3));
        if (t < 0) continue;
        count++;
        if (t > max) {
          max = t;
          ties = 1;
        } else if (t == max) {
          ties++;
        }
      }
    }
    if (count > 0) {
      store<i32>(classFeasible + (c << 2), 1);
      store<f64>(classMax + (c << 3), max);
      store<i32>(classTies + (c << 2), ties);
    }
    return count;
  }
  for (let i = 0; i < n; i++) {
    const c = <usize>load<i32>(classes + (<usize>i << 2));
    if (load<i32>(classPass + (c << 2)) == 0) continue;
    const r = rows == 0 ? i : load<i32>(rows + (<usize>i << 2));
    const t = load<f64>(rowTotals + (<usize>r << 3));
    if (t < 0) continue;
    count++;
    const cf = classFeasible + (c << 2);
    const cm = classMax + (c << 3);
    const ct = classTies + (c << 2);
    if (load<i32>(cf) == 0) {
      store<i32>(cf, 1);
      store<f64>(cm, t);
      store<i32>(ct, 1);
    } else {
      const m = load<f64>(cm);
      if (t > m) {
        store<f64>(cm, t);
        store<i32>(ct, 1);
      } else if (t == m) {
        store<i32>(ct, load<i32>(ct) + 1);
      }
    }
  }
  return count;
}

/**
 * The node index of the k-th (0-based, node order) feasible node whose total plus its class
 * score equals `max`, or -1 (Kernels.selectNth): the selection after scan_classes.
 */
export function select_nth(
  rowTotals: usize, rows: usize, classes: usize, singleClass: i32, n: i32, classPass: usize,
  classScore: usize, max: f64, k: i32,
): i32 {
  if (singleClass >= 0 && rows == 0) {
    // One class, rows in node order: find the k-th total equal to max - classScore (exact:
    // integers), two totals per step with SIMD.
    const c = <usize>singleClass;
    if (load<i32>(classPass + (c << 2)) == 0) return -1;
    const target = max - load<f64>(classScore + (c << 3));
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const vt = f64x2.splat(target);
      for (; i + 1 < n; i += 2) {
        const m = i64x2.bitmask(f64x2.eq(v128.load(rowTotals + (<usize>i << 3)), vt));
        if (m == 0) continue;
        const hits = <i32>popcnt(m);
        if (k >= hits) {
          k -= hits;
          continue;
        }
        return (m & 1) != 0 && k == 0 ? i : i + 1;
      }
    }
    for (; i < n; i++) {
      if (load<f64>(rowTotals + (<usize>i << 3)) == target) {
        if (k == 0) return i;
        k--;
      }
    }
    return -1;
  }
  for (let i = 0; i < n; i++) {
    const c = <usize>(singleClass >= 0 ? singleClass : load<i32>(classes + (<usize>i << 2)));
    if (load<i32>(classPass + (c << 2)) == 0) continue;
    const r = rows == 0 ? i : load<i32>(rows + (<usize>i << 2));
    const t = load<f64>(rowTotals + (<usize>r << 3));
    if (t < 0) continue;
    if (t + load<f64>(classScore + (c << 3)) == max) {
      if (k == 0) return i;
      k--;
    }
  }
  return -1;
}

/**
 * The feasible node indices in order and their totals (Kernels.gatherFeasible): for the paths
 * that need the list (PreScore's node list when not every node is feasible, per-node Score
 * plugins). Returns the count.
 */
export function gather_feasible(
  rowTotals: usize, rows: usize, classes: usize, singleClass: i32, n: i32, classPass: usize,
  feasible: usize, totals: usize,
): i32 {
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = <usize>(singleClass >= 0 ? singleClass : load<i32>(classes + (<usize>i << 2)));
    if (load<i32>(classPass + (c << 2)) == 0) continue;
    const r = rows == 0 ? i : load<i32>(rows + (<usize>i << 2));
    const t = load<f64>(rowTotals + (<usize>r << 3));
    if (t < 0) continue;
    store<i32>(feasible + (<usize>count << 2), i);
    store<f64>(totals + (<usize>count << 3), t);
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

export * from './tree';
export * from './class';

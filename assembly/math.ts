// Exact integer helpers and kube's per-resource scores (src/kernel/js-kernels.ts has the same
// functions). Integer rules (K8S-FACTS.md §5, §10 gotcha 6): Go int64 `/` truncates; a product that
// passes 2^53 is no longer exact as an f64, so mulDivTrunc switches to i64 there (values are
// integers exact to 2^53, so every product fits an i64); RequestedToCapacityRatio rounds half away
// from zero; BalancedAllocation truncates an f64. Not exported from the module.

/** 2^53 - 1: the largest product an f64 holds exactly. */
export const MAX_SAFE: f64 = 9007199254740991.0;
/** kube's MaxNodeScore. */
export const MAX_NODE_SCORE: f64 = 100.0;
/** kube's maxUtilization (RequestedToCapacityRatio). */
export const MAX_UTILIZATION: f64 = 100.0;

/** Go's `x * m / a` on int64 for integers 0 <= x <= a (exact beyond 2^53 through i64). */
// @ts-ignore: decorator
@inline
export function mulDivTrunc(x: f64, m: f64, a: f64): f64 {
  const p = x * m;
  if (p <= MAX_SAFE && p >= -MAX_SAFE) return Math.trunc(p / a);
  return <f64>((<i64>x * <i64>m) / <i64>a);
}

/** Go's math.Round: half away from zero. */
// @ts-ignore: decorator
@inline
export function goRound(x: f64): f64 {
  const t = Math.trunc(x);
  const frac = x - t;
  if (frac >= 0.5) return t + 1;
  if (frac <= -0.5) return t - 1;
  return t;
}

/** Go's `ns / w` truncated, for integers 0 <= ns <= 100 * w: a multiply and an exact fix-up, no division. */
// @ts-ignore: decorator
@inline
export function truncDivSmall(ns: f64, w: f64, invW: f64): f64 {
  let q = Math.trunc(ns * invW);
  if ((q + 1) * w <= ns) q += 1;
  else if (q * w > ns) q -= 1;
  return q;
}

/**
 * 1 / w for a per-call constant used only inside a row loop (truncDivSmall's invW); 0 when w <= 0,
 * which callers rule out. The comparison is not for callers: V8 schedules a pure value next to its
 * only use, so a bare `1 / w` computed before a loop is computed again every iteration (measured:
 * +10% on score_rows), while a float select becomes a branch whose result stays before the loop.
 */
// @ts-ignore: decorator
@inline
export function reciprocalBeforeLoop(w: f64): f64 {
  return w > 0 ? 1 / w : 0;
}

/** kube's helper.BuildBrokenLinearFunction evaluated at p (shape arrays of f64). */
export function brokenLinear(p: f64, shapeU: usize, shapeS: usize, count: i32): f64 {
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

/** LeastAllocated per resource (least_allocated.go): `(alloc - req) * 100 / alloc`, 0 when over. */
// @ts-ignore: decorator
@inline
export function leastRequestedScore(requested: f64, allocatable: f64): f64 {
  if (allocatable == 0) return 0;
  if (requested > allocatable) return 0;
  return mulDivTrunc(allocatable - requested, MAX_NODE_SCORE, allocatable);
}

/** MostAllocated per resource (most_allocated.go): `min(req, alloc) * 100 / alloc`. */
// @ts-ignore: decorator
@inline
export function mostRequestedScore(requested: f64, allocatable: f64): f64 {
  if (allocatable == 0) return 0;
  const used = requested > allocatable ? allocatable : requested;
  return mulDivTrunc(used, MAX_NODE_SCORE, allocatable);
}

/** RequestedToCapacityRatio utilization: 100 when over capacity (or none), else `req * 100 / alloc`. */
// @ts-ignore: decorator
@inline
export function rtcrUtilization(requested: f64, allocatable: f64): f64 {
  if (allocatable == 0 || requested > allocatable) return MAX_UTILIZATION;
  return mulDivTrunc(requested, MAX_UTILIZATION, allocatable);
}

/** BalancedAllocation's fraction: `min(req / alloc, 1)`. */
// @ts-ignore: decorator
@inline
export function balancedFraction(requested: f64, allocatable: f64): f64 {
  const f = requested / allocatable;
  return f > 1 ? 1 : f;
}

/** BalancedAllocation's final step: `int64((1 - std) * MaxNodeScore)`. */
// @ts-ignore: decorator
@inline
export function balancedScoreFromStd(std: f64): f64 {
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

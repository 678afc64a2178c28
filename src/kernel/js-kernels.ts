/**
 * The `js` engine: plain typed-array loops over the NodeTable region. It is also the reference
 * the WASM engine is parity-tested against, so the formulas are small pure functions over
 * primitives that reproduce kube-scheduler v1.32's integer arithmetic exactly
 * (K8S-FACTS.md §5.1-5.3, §6.1, gotcha 6 in §10):
 * - Go int64 `/` truncates toward zero: Math.trunc, never Math.floor or `|0`;
 * - products such as `(alloc - req) * 100` can pass 2^53 (ephemeral-storage beyond ~90 TB),
 *   where a double product is no longer exact: `mulDivTrunc` switches to an exact path there;
 * - RequestedToCapacityRatio rounds with Go's math.Round (half away from zero): `goRound`,
 *   not JS Math.round (which rounds -2.5 to -2);
 * - BalancedAllocation truncates a float64 (`int64((1 - std) * 100)`).
 */
import {
  FIT_TOO_MANY_PODS,
  fitMaskWords,
  STRATEGY_BALANCED_ALLOCATION,
  STRATEGY_LEAST_ALLOCATED,
  STRATEGY_MOST_ALLOCATED,
  STRATEGY_REQUESTED_TO_CAPACITY_RATIO,
  type FitArgs,
  bindClassIndex,
  type Kernels,
  type ScorerArgs,
} from './kernels.js';
import { CPU_SLOT, JsTableMemory, MEMORY_SLOT, PODS_SLOT } from '../model/node-table.js';
import { MAX_NODE_SCORE } from '../model/limits.js';

/** kube's maxUtilization in requested_to_capacity_ratio.go. */
const MAX_UTILIZATION = 100;

/** 2^26: limb size for the exact product comparison (limb products stay far below 2^53). */
const LIMB = 67108864;

/**
 * Sign of `m*x - q*a` computed exactly, for integer-valued doubles 0 <= x, a < 2^72 and
 * integers 0 <= m, q <= 128. Each operand is split into 26-bit limbs so every partial product
 * is an exact double; this is the slow path of mulDivTrunc.
 */
export function compareProducts(m: number, x: number, q: number, a: number): number {
  const xh = Math.floor(x / LIMB);
  const xl = x - xh * LIMB;
  const ah = Math.floor(a / LIMB);
  const al = a - ah * LIMB;
  const hi = m * xh - q * ah;
  const lo = m * xl - q * al;
  if (hi === 0) return Math.sign(lo);
  // |lo| < 128 * 2^26, so a high limb of magnitude >= 128 decides the sign alone.
  if (hi >= 128 || hi <= -128) return Math.sign(hi);
  return Math.sign(hi * LIMB + lo);
}

/**
 * Go's `x * m / a` on int64 (truncating), exact for integers |x * m| <= 2^53 and, beyond that,
 * for 0 <= x <= a (every use here: the result is then in [0, m]) with m <= 100.
 * Fast path: when |x*m| <= 2^53 both operands are exact and the correctly rounded quotient
 * never crosses an integer boundary, so truncating it is exact.
 */
export function mulDivTrunc(x: number, m: number, a: number): number {
  const p = x * m;
  if (p <= Number.MAX_SAFE_INTEGER && p >= -Number.MAX_SAFE_INTEGER) return Math.trunc(p / a);
  let q = Math.trunc((x / a) * m);
  if (q > m) q = m;
  if (q < 0) q = 0;
  while (q < m && compareProducts(m, x, q + 1, a) >= 0) q++;
  while (q > 0 && compareProducts(m, x, q, a) < 0) q--;
  return q;
}

/** Go's math.Round: half away from zero (x - trunc(x) is exact for every double). */
export function goRound(x: number): number {
  const t = Math.trunc(x);
  const frac = x - t;
  if (frac >= 0.5) return t + 1;
  if (frac <= -0.5) return t - 1;
  return t;
}

/** LeastAllocated per resource (least_allocated.go): `(alloc - req) * 100 / alloc`, 0 when over. */
export function leastRequestedScore(requested: number, allocatable: number): number {
  if (allocatable === 0) return 0;
  if (requested > allocatable) return 0;
  return mulDivTrunc(allocatable - requested, MAX_NODE_SCORE, allocatable);
}

/** MostAllocated per resource (most_allocated.go): `min(req, alloc) * 100 / alloc`. */
export function mostRequestedScore(requested: number, allocatable: number): number {
  if (allocatable === 0) return 0;
  const used = requested > allocatable ? allocatable : requested;
  return mulDivTrunc(used, MAX_NODE_SCORE, allocatable);
}

/** RequestedToCapacityRatio utilization: 100 when over capacity (or none), else `req * 100 / alloc`. */
export function rtcrUtilization(requested: number, allocatable: number): number {
  if (allocatable === 0 || requested > allocatable) return MAX_UTILIZATION;
  return mulDivTrunc(requested, MAX_UTILIZATION, allocatable);
}

/**
 * kube's helper.BuildBrokenLinearFunction evaluated at p: the first point's score at or below
 * it, integer (truncating) interpolation between points, the last score beyond the last point.
 */
export function brokenLinear(
  p: number,
  utilization: Float64Array,
  score: Float64Array,
  count: number,
): number {
  for (let k = 0; k < count; k++) {
    const u = utilization[k]!;
    if (p <= u) {
      if (k === 0) return score[0]!;
      const u0 = utilization[k - 1]!;
      const s0 = score[k - 1]!;
      return s0 + Math.trunc(((score[k]! - s0) * (p - u0)) / (u - u0));
    }
  }
  return count > 0 ? score[count - 1]! : 0;
}

/** BalancedAllocation's fraction: `min(req / alloc, 1)` in float64. */
export function balancedFraction(requested: number, allocatable: number): number {
  const f = requested / allocatable;
  return f > 1 ? 1 : f;
}

/** BalancedAllocation's final step: `int64((1 - std) * MaxNodeScore)`. */
export function balancedScoreFromStd(std: number): number {
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** Column of the "requested" side of a slot for scoring: the non-zero columns for cpu/memory when asked. */
function requestedColumn(slot: number, slotCount: number, useNonZero: number): number {
  if (useNonZero !== 0) {
    if (slot === CPU_SLOT) return 2 * slotCount;
    if (slot === MEMORY_SLOT) return 2 * slotCount + 1;
  }
  return 2 * slot + 1;
}

function fitBatch(region: Float64Array, capacity: number, rows: Int32Array, rowCount: number, fit: FitArgs, out: Uint32Array): void {
  const { slots, amounts, count } = fit;
  const words = fitMaskWords(count);
  const podsAllocOff = 2 * PODS_SLOT * capacity;
  const podsReqOff = podsAllocOff + capacity;
  // Column-major: one pass per check keeps each pass on two columns (what SIMD does too).
  for (let i = 0; i < rowCount; i++) {
    const r = rows[i]!;
    const base = i * words;
    out[base] = region[podsReqOff + r]! + 1 > region[podsAllocOff + r]! ? FIT_TOO_MANY_PODS : 0;
    for (let w = 1; w < words; w++) out[base + w] = 0;
  }
  for (let j = 0; j < count; j++) {
    const amount = amounts[j]!;
    if (!(amount > 0)) continue;
    const slot = slots[j]!;
    const bit = j + 1;
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    if (slot < 0) {
      // No node declares this resource: allocatable is 0 everywhere, the request never fits.
      for (let i = 0; i < rowCount; i++) out[i * words + word]! |= mask;
      continue;
    }
    const allocOff = 2 * slot * capacity;
    const reqOff = allocOff + capacity;
    for (let i = 0; i < rowCount; i++) {
      const r = rows[i]!;
      if (amount > region[allocOff + r]! - region[reqOff + r]!) out[i * words + word]! |= mask;
    }
  }
}

/**
 * BalancedAllocation's fraction of resource j on row r (requested plus the pod's request over
 * allocatable), or -1 when the resource is excluded (absent, allocatable 0).
 */
function fractionOf(region: Float64Array, capacity: number, slotCount: number, r: number, a: ScorerArgs, j: number): number {
  const slot = a.slots[j]!;
  if (slot < 0) return -1;
  const alloc = region[2 * slot * capacity + r]!;
  if (alloc === 0) return -1;
  return balancedFraction(region[requestedColumn(slot, slotCount, a.useNonZero) * capacity + r]! + a.podRequests[j]!, alloc);
}

/**
 * balanced_allocation.go: fractions over resources with allocatable != 0, then the std of those
 * fractions (|f1 - f2| / 2 for two, population std for more, 0 otherwise).
 */
function balancedScore(region: Float64Array, capacity: number, slotCount: number, r: number, a: ScorerArgs): number {
  let n = 0;
  let total = 0;
  let f0 = 0;
  let f1 = 0;
  for (let j = 0; j < a.resourceCount; j++) {
    const f = fractionOf(region, capacity, slotCount, r, a, j);
    if (f < 0) continue;
    if (n === 0) f0 = f;
    else if (n === 1) f1 = f;
    total += f;
    n++;
  }
  let std = 0;
  if (n === 2) {
    std = Math.abs((f0 - f1) / 2);
  } else if (n > 2) {
    const mean = total / n;
    let sum = 0;
    for (let j = 0; j < a.resourceCount; j++) {
      const f = fractionOf(region, capacity, slotCount, r, a, j);
      if (f < 0) continue;
      sum += (f - mean) * (f - mean);
    }
    std = Math.sqrt(sum / n);
  }
  return balancedScoreFromStd(std);
}

/** Score of row r under a scorer's strategy over its configured resources (one node of resourceScoreBatch). */
function scoreRow(region: Float64Array, capacity: number, slotCount: number, r: number, a: ScorerArgs): number {
  const strategy = a.strategy;
  if (strategy === STRATEGY_BALANCED_ALLOCATION) return balancedScore(region, capacity, slotCount, r, a);
  let nodeScore = 0;
  let weightSum = 0;
  for (let j = 0; j < a.resourceCount; j++) {
    const slot = a.slots[j]!;
    if (slot < 0) continue;
    const alloc = region[2 * slot * capacity + r]!;
    if (alloc === 0) continue;
    const req = region[requestedColumn(slot, slotCount, a.useNonZero) * capacity + r]! + a.podRequests[j]!;
    const w = a.weights[j]!;
    if (strategy === STRATEGY_LEAST_ALLOCATED) {
      nodeScore += leastRequestedScore(req, alloc) * w;
      weightSum += w;
    } else if (strategy === STRATEGY_MOST_ALLOCATED) {
      nodeScore += mostRequestedScore(req, alloc) * w;
      weightSum += w;
    } else if (strategy === STRATEGY_REQUESTED_TO_CAPACITY_RATIO) {
      // RequestedToCapacityRatio: only resources whose shape score is > 0 count at all.
      const s = brokenLinear(rtcrUtilization(req, alloc), a.shapeUtilization, a.shapeScore, a.shapeCount);
      if (s > 0) {
        nodeScore += s * w;
        weightSum += w;
      }
    }
  }
  if (weightSum === 0) return 0;
  if (strategy === STRATEGY_REQUESTED_TO_CAPACITY_RATIO) return goRound(nodeScore / weightSum);
  return Math.trunc(nodeScore / weightSum);
}

function resourceScoreBatch(
  region: Float64Array, capacity: number, slotCount: number, rows: Int32Array, rowCount: number, scorer: ScorerArgs, out: Float64Array,
): void {
  for (let i = 0; i < rowCount; i++) out[i] = scoreRow(region, capacity, slotCount, rows[i]!, scorer);
}

function scoreAdd(
  region: Float64Array, capacity: number, slotCount: number, rows: Int32Array, feasible: Int32Array, count: number,
  scorer: ScorerArgs, totals: Float64Array,
): void {
  for (let k = 0; k < count; k++) totals[k]! += scoreRow(region, capacity, slotCount, rows[feasible[k]!]!, scorer) * scorer.pluginWeight;
}

/** Whether the pod fits row r: fitBatch's checks, all of them at once. */
function fitsRow(region: Float64Array, capacity: number, r: number, fit: FitArgs): boolean {
  const podsAllocOff = 2 * PODS_SLOT * capacity;
  if (region[podsAllocOff + capacity + r]! + 1 > region[podsAllocOff + r]!) return false;
  for (let j = 0; j < fit.count; j++) {
    const amount = fit.amounts[j]!;
    if (!(amount > 0)) continue;
    const slot = fit.slots[j]!;
    if (slot < 0) return false;
    const allocOff = 2 * slot * capacity;
    if (amount > region[allocOff + r]! - region[allocOff + capacity + r]!) return false;
  }
  return true;
}

function scoreRows(
  region: Float64Array, capacity: number, slotCount: number, rows: Int32Array, rowCount: number,
  fit: FitArgs, scorers: readonly ScorerArgs[], out: Float64Array,
): void {
  for (let k = 0; k < rowCount; k++) {
    const r = rows[k]!;
    // -1: the pod does not fit; else the weighted sum of the resource scores.
    let total = -1;
    if (fitsRow(region, capacity, r, fit)) {
      total = 0;
      for (const a of scorers) total += scoreRow(region, capacity, slotCount, r, a) * a.pluginWeight;
    }
    out[r] = total;
  }
}

// The selection kernels take their parameter types from the Kernels interface. Each repeats the
// feasibility check inline: a shared helper would share V8's type feedback between the three
// (rows null in one, an array in another) and slow all of them (measured +10-40%).

const scanClasses: Kernels['scanClasses'] = (set, classFeasible, classMax, classTies) => {
  const { rowTotals, rows, classes, singleClass, n, classPass } = set;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = singleClass >= 0 ? singleClass : classes[i]!;
    if (classPass[c] === 0) continue;
    const t = rowTotals[rows === null ? i : rows[i]!]!;
    if (t < 0) continue;
    count++;
    if (classFeasible[c] === 0) {
      classFeasible[c] = 1;
      classMax[c] = t;
      classTies[c] = 1;
    } else if (t > classMax[c]!) {
      classMax[c] = t;
      classTies[c] = 1;
    } else if (t === classMax[c]) {
      classTies[c]!++;
    }
  }
  return count;
};

const selectNth: Kernels['selectNth'] = (set, classScore, max, k) => {
  const { rowTotals, rows, classes, singleClass, n, classPass } = set;
  for (let i = 0; i < n; i++) {
    const c = singleClass >= 0 ? singleClass : classes[i]!;
    if (classPass[c] === 0) continue;
    const t = rowTotals[rows === null ? i : rows[i]!]!;
    if (t < 0) continue;
    if (t + classScore[c]! === max) {
      if (k === 0) return i;
      k--;
    }
  }
  return -1;
};

const gatherFeasible: Kernels['gatherFeasible'] = (set, feasible, totals) => {
  const { rowTotals, rows, classes, singleClass, n, classPass } = set;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (classPass[singleClass >= 0 ? singleClass : classes[i]!] === 0) continue;
    const t = rowTotals[rows === null ? i : rows[i]!]!;
    if (t < 0) continue;
    feasible[count] = i;
    totals[count] = t;
    count++;
  }
  return count;
};

/** Tree node j of a class-batching index from its children (tree_pull in assembly/tree.ts). */
function treePull(max: Float64Array, count: Int32Array, j: number): void {
  const l = 2 * j;
  const ml = max[l]!;
  const mr = max[l + 1]!;
  if (ml > mr) {
    max[j] = ml;
    count[j] = count[l]!;
  } else if (mr > ml) {
    max[j] = mr;
    count[j] = count[l + 1]!;
  } else {
    max[j] = ml;
    count[j] = count[l]! + count[l + 1]!;
  }
}

function treeBuild(max: Float64Array, count: Int32Array, size: number): void {
  count.fill(1, size, 2 * size);
  for (let j = size - 1; j >= 1; j--) treePull(max, count, j);
}

/** assembly/tree.ts tree_build_prefix: the inner nodes over the first n leaves only. */
function treeBuildPrefix(max: Float64Array, count: Int32Array, size: number, n: number): void {
  let lo = size;
  let hi = size + n;
  while (lo > 1) {
    lo >>= 1;
    hi = (hi + 1) >> 1;
    for (let j = lo; j < hi; j++) treePull(max, count, j);
  }
}

function treeSet(max: Float64Array, count: Int32Array, size: number, i: number, value: number): void {
  let j = size + i;
  max[j] = value;
  for (j >>= 1; j >= 1; j >>= 1) treePull(max, count, j);
}

function treeKth(max: Float64Array, count: Int32Array, size: number, k: number): number {
  const top = max[1]!;
  let j = 1;
  while (j < size) {
    const l = 2 * j;
    if (max[l] === top) {
      const cl = count[l]!;
      if (k < cl) {
        j = l;
        continue;
      }
      k -= cl;
    }
    j = l + 1;
  }
  return j - size;
}

/** Node i's class-batching leaf (assembly/class.ts leafOf). */
function classLeaf(
  i: number, row: number, cls: number, kernelTotal: Float64Array, useKernel: number, classBase: Float64Array, nodeBase: Float64Array,
  groups: Int32Array, groupBase: Float64Array,
): number {
  const cb = classBase[cls]!;
  const nb = nodeBase[i]!;
  if (cb === -Infinity || nb === -Infinity) return -Infinity;
  const gb = groupBase[groups[i]!]!;
  if (useKernel === 0) return cb + nb + gb;
  const t = kernelTotal[row]!;
  return t < 0 ? -Infinity : t + cb + nb + gb;
}

function classLeaves(
  rows: Int32Array, classes: Int32Array, n: number, kernelTotal: Float64Array, useKernel: number, classBase: Float64Array,
  nodeBase: Float64Array, groups: Int32Array, groupBase: Float64Array, feasible: Int32Array, classFeasible: Int32Array, classCount: number,
  max: Float64Array, count: Int32Array, size: number, full: number,
): number {
  classFeasible.fill(0, 0, classCount);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const cls = classes[i]!;
    const v = classLeaf(i, rows[i]!, cls, kernelTotal, useKernel, classBase, nodeBase, groups, groupBase);
    max[size + i] = v;
    const f = v === -Infinity ? 0 : 1;
    feasible[i] = f;
    if (f) {
      classFeasible[cls]!++;
      total++;
    }
  }
  if (full === 0) {
    treeBuildPrefix(max, count, size, n);
    return total;
  }
  max.fill(-Infinity, size + n, 2 * size);
  treeBuild(max, count, size);
  return total;
}

function classUpdate(
  changedRows: Int32Array, changedCount: number, nodeOfRow: Int32Array, classes: Int32Array, kernelTotal: Float64Array, useKernel: number,
  classBase: Float64Array, nodeBase: Float64Array, groups: Int32Array, groupBase: Float64Array, feasible: Int32Array, classFeasible: Int32Array,
  max: Float64Array, count: Int32Array, size: number, flips: Int32Array,
): number {
  let k = 0;
  for (let q = 0; q < changedCount; q++) {
    const row = changedRows[q]!;
    const i = nodeOfRow[row]!;
    if (i < 0) continue;
    const cls = classes[i]!;
    const v = classLeaf(i, row, cls, kernelTotal, useKernel, classBase, nodeBase, groups, groupBase);
    const now = v === -Infinity ? 0 : 1;
    if (now !== feasible[i]) {
      feasible[i] = now;
      classFeasible[cls]! += now ? 1 : -1;
      flips[k++] = now ? i : ~i;
    }
    treeSet(max, count, size, i, v);
  }
  return k;
}

/** Builds the `js` engine. */
export function createJsKernels(): Kernels {
  let top = -Infinity;
  return {
    engine: 'js',
    variant: 'js',
    fitBatch,
    resourceScoreBatch,
    createTableMemory: () => new JsTableMemory(),
    allocI32: (length) => new Int32Array(length),
    allocF64: (length) => new Float64Array(length),
    free: () => {},
    scoreRows,
    scanClasses,
    selectNth,
    gatherFeasible,
    scoreAdd,
    selectTop(classes, feasible, count, classScore, totals) {
      let max = -Infinity;
      let ties = 0;
      for (let k = 0; k < count; k++) {
        const v = totals[k]! + classScore[classes[feasible[k]!]!]!;
        totals[k] = v;
        if (v > max) {
          max = v;
          ties = 1;
        } else if (v === max) ties++;
      }
      top = max;
      return ties;
    },
    topTotal: () => top,
    selectKth(totals, count, max, k) {
      for (let i = 0; i < count; i++) {
        if (totals[i] === max) {
          if (k === 0) return i;
          k--;
        }
      }
      return -1;
    },
    zeroF64: (arr, n) => {
      arr.fill(0, 0, n);
    },
    treeBuild,
    treeSet,
    treeKth,
    classLeaves,
    classUpdate,
    classIndex(a) {
      return bindClassIndex(this, a);
    },
  };
}

// One scorer on one row: the general path (scoreRow, every faster path's fallback) and the
// two-resource path (scoreTwoRow). A scorer is a scorer descriptor (SD_*, src/kernel/descriptors.ts
// SCORER); same checks and the same order of float operations as src/kernel/js-kernels.ts, so both
// engines give bit-identical results. Not exported from the module.

import {
  SD_POD_REQUESTS,
  SD_RESOURCE_COUNT,
  SD_SHAPE_COUNT,
  SD_SHAPE_SCORE,
  SD_SHAPE_UTILIZATION,
  SD_SLOTS,
  SD_STRATEGY,
  SD_USE_NON_ZERO,
  SD_WEIGHTS,
  STRATEGY_BALANCED_ALLOCATION,
  STRATEGY_LEAST_ALLOCATED,
  STRATEGY_MOST_ALLOCATED,
  STRATEGY_REQUESTED_TO_CAPACITY_RATIO,
} from './layout';
import {
  MAX_NODE_SCORE,
  MAX_SAFE,
  balancedFraction,
  balancedScoreFromStd,
  brokenLinear,
  goRound,
  leastRequestedScore,
  mostRequestedScore,
  rtcrUtilization,
  truncDivSmall,
} from './math';
import { cell, requestedColumn } from './table';

// ---------------------------------------------------------------------------------------------
// One row, the general path.

/** Byte offset of array field `field` of scorer descriptor d. */
// @ts-ignore: decorator
@inline
export function scorerArray(d: usize, field: i32): usize {
  return <usize>load<i32>(d + field);
}

/** Element j of scorer d's f64 array field `field` (weights, pod requests). */
// @ts-ignore: decorator
@inline
export function scorerF64(d: usize, field: i32, j: i32): f64 {
  return load<f64>(scorerArray(d, field) + (<usize>j << 3));
}

/** Slot of scorer d's resource j. */
// @ts-ignore: decorator
@inline
export function scorerSlot(d: usize, j: i32): i32 {
  return load<i32>(scorerArray(d, SD_SLOTS) + (<usize>j << 2));
}

/** Requested amount of scorer d's resource j (slot `slot`) on row r, with the pod's request added. */
// @ts-ignore: decorator
@inline
function requestedAt(table: usize, capacity: i32, slotCount: i32, r: i32, d: usize, slot: i32, j: i32): f64 {
  return cell(table, capacity, requestedColumn(slot, slotCount, load<i32>(d + SD_USE_NON_ZERO)), r) + scorerF64(d, SD_POD_REQUESTS, j);
}

/** BalancedAllocation's fraction of scorer d's resource j on row r, or -1 when it is excluded (absent, allocatable 0). */
// @ts-ignore: decorator
@inline
function fractionAt(table: usize, capacity: i32, slotCount: i32, r: i32, d: usize, j: i32): f64 {
  const slot = scorerSlot(d, j);
  if (slot < 0) return -1;
  const alloc = cell(table, capacity, 2 * slot, r);
  if (alloc == 0) return -1;
  return balancedFraction(requestedAt(table, capacity, slotCount, r, d, slot, j), alloc);
}

/** BalancedAllocation on row r: the std of the fractions (|f1 - f2| / 2 for two, population std for more). */
function balancedScore(table: usize, capacity: i32, slotCount: i32, r: i32, d: usize): f64 {
  const resourceCount = load<i32>(d + SD_RESOURCE_COUNT);
  let n = 0;
  let total: f64 = 0;
  let f0: f64 = 0;
  let f1: f64 = 0;
  for (let j = 0; j < resourceCount; j++) {
    const f = fractionAt(table, capacity, slotCount, r, d, j);
    if (f < 0) continue;
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
      const f = fractionAt(table, capacity, slotCount, r, d, j);
      if (f < 0) continue;
      sum += (f - mean) * (f - mean);
    }
    std = Math.sqrt(sum / n);
  }
  return balancedScoreFromStd(std);
}

/** Least/Most/RequestedToCapacityRatio on row r: the weighted average over resources with allocatable. */
function allocatedScore(table: usize, capacity: i32, slotCount: i32, r: i32, d: usize): f64 {
  const strategy = load<i32>(d + SD_STRATEGY);
  const resourceCount = load<i32>(d + SD_RESOURCE_COUNT);
  let nodeScore: f64 = 0;
  let weightSum: f64 = 0;
  for (let j = 0; j < resourceCount; j++) {
    const slot = scorerSlot(d, j);
    if (slot < 0) continue;
    const alloc = cell(table, capacity, 2 * slot, r);
    if (alloc == 0) continue;
    const req = requestedAt(table, capacity, slotCount, r, d, slot, j);
    const w = scorerF64(d, SD_WEIGHTS, j);
    if (strategy == STRATEGY_LEAST_ALLOCATED) {
      nodeScore += leastRequestedScore(req, alloc) * w;
      weightSum += w;
    } else if (strategy == STRATEGY_MOST_ALLOCATED) {
      nodeScore += mostRequestedScore(req, alloc) * w;
      weightSum += w;
    } else if (strategy == STRATEGY_REQUESTED_TO_CAPACITY_RATIO) {
      const s = brokenLinear(
        rtcrUtilization(req, alloc), scorerArray(d, SD_SHAPE_UTILIZATION), scorerArray(d, SD_SHAPE_SCORE), load<i32>(d + SD_SHAPE_COUNT),
      );
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

/** Scorer d's score of row r (the general per-row path every faster path falls back to). */
export function scoreRow(table: usize, capacity: i32, slotCount: i32, r: i32, d: usize): f64 {
  if (load<i32>(d + SD_STRATEGY) == STRATEGY_BALANCED_ALLOCATION) return balancedScore(table, capacity, slotCount, r, d);
  return allocatedScore(table, capacity, slotCount, r, d);
}

// ---------------------------------------------------------------------------------------------
// One row, two resources.

/**
 * Whether scorer d can take scoreTwoRow: two present resources, not RequestedToCapacityRatio, a
 * positive weight sum (kube's weights are at least 1; scoreTwoRow divides by the sum).
 */
// @ts-ignore: decorator
@inline
export function isTwoResource(d: usize): bool {
  if (load<i32>(d + SD_RESOURCE_COUNT) != 2) return false;
  if (load<i32>(d + SD_STRATEGY) == STRATEGY_REQUESTED_TO_CAPACITY_RATIO) return false;
  if (!(scorerF64(d, SD_WEIGHTS, 0) + scorerF64(d, SD_WEIGHTS, 1) > 0)) return false;
  return scorerSlot(d, 0) >= 0 && scorerSlot(d, 1) >= 0;
}

/**
 * One two-resource scorer on one row (isTwoResource): allocatable a0, a1 and requested q0, q1
 * (pod included) in the lanes of an f64x2 (or two scalars in the scalar build). Returns -1 when
 * the row needs scoreRow (a resource with allocatable 0, or a product beyond 2^53).
 */
// @ts-ignore: decorator
@inline
export function scoreTwoRow(
  strategy: i32, a0: f64, a1: f64, q0: f64, q1: f64, w0: f64, w1: f64, weightSum: f64, invW: f64,
): f64 {
  if (a0 == 0 || a1 == 0) return -1;
  if (strategy == STRATEGY_BALANCED_ALLOCATION) {
    return balancedScoreFromStd(Math.abs((balancedFraction(q0, a0) - balancedFraction(q1, a1)) / 2));
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


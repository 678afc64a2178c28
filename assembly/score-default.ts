// score_rows for the default profile's pair: NodeResourcesFit LeastAllocated (non-zero requests)
// and BalancedAllocation (requests) on the same two present resources, with at most two fit
// requests (a pod that asks for cpu and memory). Every full scan of the default profile runs here.
// Not exported from the module.

import {
  PODS_SLOT,
  SD_BYTES,
  SD_PLUGIN_WEIGHT,
  SD_POD_REQUESTS,
  SD_STRATEGY,
  SD_USE_NON_ZERO,
  SD_WEIGHTS,
  STRATEGY_BALANCED_ALLOCATION,
  STRATEGY_LEAST_ALLOCATED,
} from './layout';
import { MAX_NODE_SCORE, MAX_SAFE, balancedFraction, balancedScoreFromStd, reciprocalBeforeLoop, truncDivSmall } from './math';
import { columnAt, requestedColumn } from './table';
import { fitAmounts, fitCount, fitSlots } from './fit';
import { isTwoResource, scoreRow, scorerF64, scorerSlot } from './scorer';

/** Whether score_rows' scorers are the default pair (see the file comment). */
export function isDefaultPair(scorers: usize, scorerCount: i32): bool {
  if (scorerCount != 2) return false;
  const dL = scorers;
  const dB = scorers + <usize>SD_BYTES;
  if (!isTwoResource(dL) || !isTwoResource(dB)) return false;
  if (load<i32>(dL + SD_STRATEGY) != STRATEGY_LEAST_ALLOCATED || load<i32>(dB + SD_STRATEGY) != STRATEGY_BALANCED_ALLOCATION) return false;
  return scorerSlot(dL, 0) == scorerSlot(dB, 0) && scorerSlot(dL, 1) == scorerSlot(dB, 1);
}

/**
 * Fit request j (< 2) as a bound on a row's free capacity, `amount > free` failing: -Infinity
 * never fails (no such request, or an amount <= 0), +Infinity always does (a positive amount of a
 * resource no node declares), as fit_batch decides.
 */
// @ts-ignore: decorator
@inline
function fitLimit(fit: usize, j: i32): f64 {
  if (j >= fitCount(fit)) return -Infinity;
  const amount = load<f64>(fitAmounts(fit) + (<usize>j << 3));
  if (!(amount > 0)) return -Infinity;
  return load<i32>(fitSlots(fit) + (<usize>j << 2)) < 0 ? Infinity : amount;
}

/** The allocatable column fit request j is checked on (its requested column follows); any column when fitLimit is infinite. */
// @ts-ignore: decorator
@inline
function fitColumn(table: usize, cap: usize, fit: usize, j: i32): usize {
  if (j >= fitCount(fit)) return table;
  return columnAt(table, cap, 2 * max(load<i32>(fitSlots(fit) + (<usize>j << 2)), 0));
}

/** The pair's total on row r through scoreRow (rows with allocatable 0 or a product beyond 2^53). */
function exactTotal(table: usize, capacity: i32, slotCount: i32, r: i32, scorers: usize): f64 {
  const dB = scorers + <usize>SD_BYTES;
  return scoreRow(table, capacity, slotCount, r, scorers) * load<f64>(scorers + SD_PLUGIN_WEIGHT) +
    scoreRow(table, capacity, slotCount, r, dB) * load<f64>(dB + SD_PLUGIN_WEIGHT);
}

/**
 * score_rows for the default pair (isDefaultPair) and at most two fit requests: per row one fit
 * check and two divisions of [resource 0, resource 1] by the allocatable (Least's `x * 100 / a`
 * and Balanced's `req / a`). Same results as the general path (the parity tests run both); rows
 * it cannot do exactly take exactTotal. One function on purpose: its two dozen per-call
 * constants (columns, requests, weights) stay in locals across the loop, where a split would pass
 * them all as parameters or reload them per row.
 */
export function scoreRowsDefault(
  table: usize, capacity: i32, slotCount: i32, rows: usize, rowCount: i32, fit: usize, scorers: usize, out: usize,
): void {
  const cap = <usize>capacity << 3;
  const dL = scorers;
  const dB = scorers + <usize>SD_BYTES;
  const slot0 = scorerSlot(dL, 0);
  const slot1 = scorerSlot(dL, 1);
  const nzL = load<i32>(dL + SD_USE_NON_ZERO);
  const nzB = load<i32>(dB + SD_USE_NON_ZERO);
  const a0c = columnAt(table, cap, 2 * slot0);
  const a1c = columnAt(table, cap, 2 * slot1);
  const qL0c = columnAt(table, cap, requestedColumn(slot0, slotCount, nzL));
  const qL1c = columnAt(table, cap, requestedColumn(slot1, slotCount, nzL));
  const qB0c = columnAt(table, cap, requestedColumn(slot0, slotCount, nzB));
  const qB1c = columnAt(table, cap, requestedColumn(slot1, slotCount, nzB));
  const podsA = columnAt(table, cap, 2 * PODS_SLOT);
  const f0a = fitColumn(table, cap, fit, 0);
  const f1a = fitColumn(table, cap, fit, 1);
  const f0 = fitLimit(fit, 0);
  const f1 = fitLimit(fit, 1);
  const w0 = scorerF64(dL, SD_WEIGHTS, 0), w1 = scorerF64(dL, SD_WEIGHTS, 1);
  const weightSum = w0 + w1;
  const invW = reciprocalBeforeLoop(weightSum);
  const pL0 = scorerF64(dL, SD_POD_REQUESTS, 0), pL1 = scorerF64(dL, SD_POD_REQUESTS, 1);
  const pB0 = scorerF64(dB, SD_POD_REQUESTS, 0), pB1 = scorerF64(dB, SD_POD_REQUESTS, 1);
  const pwL = load<f64>(dL + SD_PLUGIN_WEIGHT), pwB = load<f64>(dB + SD_PLUGIN_WEIGHT);
  if (ASC_FEATURE_SIMD) {
    // Two rows per step in the lanes of f64x2 (each column is contiguous by row: one v128.load
    // per column): rows r and r + 1 when both come next, else r alone in lane 0. A lone row's
    // lane 1 reads row r + 1, or row 0 of the next column (never the last, the version column),
    // so it stays inside the table; it is masked out of `ok` and never stored.
    const one = f64x2.splat(1);
    const minusOne = f64x2.splat(-1);
    const hundred = f64x2.splat(MAX_NODE_SCORE);
    const maxSafe = f64x2.splat(MAX_SAFE);
    const zero = f64x2.splat(0);
    const half = f64x2.splat(0.5);
    const lone = i64x2.replace_lane(i64x2.splat(-1), 1, 0);
    const f0v = f64x2.splat(f0), f1v = f64x2.splat(f1);
    const pL0v = f64x2.splat(pL0), pL1v = f64x2.splat(pL1);
    const pB0v = f64x2.splat(pB0), pB1v = f64x2.splat(pB1);
    const w0v = f64x2.splat(w0), w1v = f64x2.splat(w1);
    const wsv = f64x2.splat(weightSum), invWv = f64x2.splat(invW);
    const pwLv = f64x2.splat(pwL), pwBv = f64x2.splat(pwB);
    let k = 0;
    while (k < rowCount) {
      const r = load<i32>(rows + (<usize>k << 2));
      const ro = <usize>r << 3;
      const pair = k + 1 < rowCount && load<i32>(rows + (<usize>(k + 1) << 2)) == r + 1;
      let ok = v128.andnot(
        v128.andnot(
          f64x2.le(f64x2.add(v128.load(podsA + cap + ro), one), v128.load(podsA + ro)),
          f64x2.gt(f0v, f64x2.sub(v128.load(f0a + ro), v128.load(f0a + cap + ro))),
        ),
        f64x2.gt(f1v, f64x2.sub(v128.load(f1a + ro), v128.load(f1a + cap + ro))),
      );
      if (!pair) ok = v128.and(ok, lone);
      if (!v128.any_true(ok)) {
        // No row fits: nothing to score.
        if (pair) v128.store(out + ro, minusOne);
        else store<f64>(out + ro, -1);
        k += pair ? 2 : 1;
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
      const exact = v128.and(ok, v128.or(
        v128.or(f64x2.eq(a0, zero), f64x2.eq(a1, zero)),
        v128.or(v128.andnot(f64x2.gt(p0, maxSafe), over0), v128.andnot(f64x2.gt(p1, maxSafe), over1)),
      ));
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
      let t = v128.bitselect(f64x2.add(f64x2.mul(q, pwLv), f64x2.mul(balanced, pwBv)), minusOne, ok);
      if (v128.any_true(exact)) {
        // Rare: a row with allocatable 0 or a product beyond 2^53.
        if (i64x2.extract_lane(exact, 0) != 0) t = f64x2.replace_lane(t, 0, exactTotal(table, capacity, slotCount, r, scorers));
        if (i64x2.extract_lane(exact, 1) != 0) t = f64x2.replace_lane(t, 1, exactTotal(table, capacity, slotCount, r + 1, scorers));
      }
      if (pair) {
        v128.store(out + ro, t);
        k += 2;
      } else {
        store<f64>(out + ro, f64x2.extract_lane(t, 0));
        k++;
      }
    }
    return;
  }
  for (let k = 0; k < rowCount; k++) {
    const r = load<i32>(rows + (<usize>k << 2));
    const ro = <usize>r << 3;
    let t: f64 = -1;
    if (
      load<f64>(podsA + cap + ro) + 1 <= load<f64>(podsA + ro) &&
      !(f0 > load<f64>(f0a + ro) - load<f64>(f0a + cap + ro)) && !(f1 > load<f64>(f1a + ro) - load<f64>(f1a + cap + ro))
    ) {
      const a0 = load<f64>(a0c + ro);
      const a1 = load<f64>(a1c + ro);
      const qL0 = load<f64>(qL0c + ro) + pL0;
      const qL1 = load<f64>(qL1c + ro) + pL1;
      const p0 = (a0 - qL0) * MAX_NODE_SCORE;
      const p1 = (a1 - qL1) * MAX_NODE_SCORE;
      if (a0 == 0 || a1 == 0 || (qL0 <= a0 && p0 > MAX_SAFE) || (qL1 <= a1 && p1 > MAX_SAFE)) {
        t = exactTotal(table, capacity, slotCount, r, scorers);
      } else {
        let nodeScore: f64 = 0;
        nodeScore += (qL0 > a0 ? 0 : Math.trunc(p0 / a0)) * w0;
        nodeScore += (qL1 > a1 ? 0 : Math.trunc(p1 / a1)) * w1;
        const b0 = balancedFraction(load<f64>(qB0c + ro) + pB0, a0);
        const b1 = balancedFraction(load<f64>(qB1c + ro) + pB1, a1);
        t = 0;
        t += truncDivSmall(nodeScore, weightSum, invW) * pwL;
        t += balancedScoreFromStd(Math.abs((b0 - b1) / 2)) * pwB;
      }
    }
    store<f64>(out + ro, t);
  }
}

// Resource-allocation scores over rows (K8S-FACTS.md §5.1-5.3): score_resources (the general
// path's resource Score plugins), score_add and score_rows (the fused cycle). Scorers are scorer
// descriptors (SD_*); one scorer on one row is scorer.ts, the default profile's pair in score_rows
// is score-default.ts.

import { SD_BYTES, SD_PLUGIN_WEIGHT, SD_POD_REQUESTS, SD_STRATEGY, SD_USE_NON_ZERO, SD_WEIGHTS } from './layout';
import { reciprocalBeforeLoop } from './math';
import { columnAt, requestedColumn, rowAt } from './table';
import { fitAmounts, fitCount, fitSlots, fitsRow } from './fit';
import { isTwoResource, scoreRow, scorerF64, scorerSlot, scoreTwoRow } from './scorer';
import { isDefaultPair, scoreRowsDefault } from './score-default';

// ---------------------------------------------------------------------------------------------
// Passes over rows: score_resources and score_add.

/** score_resources: out[k] = score. */
const SET_AT_POSITION = 0;
/** score_add: out[k] += pluginWeight * score. */
const ADD_AT_POSITION = 1;

/** Writes position k's score in `mode` (a constant at every call site, so each pass is specialised). */
// @ts-ignore: decorator
@inline
function emit(out: usize, k: i32, s: f64, pluginWeight: f64, mode: i32): void {
  const o = out + (<usize>k << 3);
  if (mode == SET_AT_POSITION) store<f64>(o, s);
  else store<f64>(o, load<f64>(o) + s * pluginWeight);
}

/** Byte address of the allocatable column of scorer d's resource `lane` (0 or 1). */
// @ts-ignore: decorator
@inline
function allocColumnOf(table: usize, cap: usize, d: usize, lane: i32): usize {
  return columnAt(table, cap, 2 * scorerSlot(d, lane));
}

/** Byte address of the column scorer d reads as resource `lane`'s requested (requestedColumn). */
// @ts-ignore: decorator
@inline
function requestedColumnOf(table: usize, cap: usize, slotCount: i32, d: usize, lane: i32): usize {
  return columnAt(table, cap, requestedColumn(scorerSlot(d, lane), slotCount, load<i32>(d + SD_USE_NON_ZERO)));
}

/** A two-resource scorer over positions k < count: both columns, weights and requests in locals. */
// @ts-ignore: decorator
@inline
function twoResourcePass(
  table: usize, capacity: i32, slotCount: i32, rows: usize, feasible: usize, count: i32, d: usize, out: usize, mode: i32,
): void {
  const cap = <usize>capacity << 3;
  const strategy = load<i32>(d + SD_STRATEGY);
  const a0c = allocColumnOf(table, cap, d, 0), a1c = allocColumnOf(table, cap, d, 1);
  const q0c = requestedColumnOf(table, cap, slotCount, d, 0), q1c = requestedColumnOf(table, cap, slotCount, d, 1);
  const w0 = scorerF64(d, SD_WEIGHTS, 0), w1 = scorerF64(d, SD_WEIGHTS, 1);
  const p0 = scorerF64(d, SD_POD_REQUESTS, 0), p1 = scorerF64(d, SD_POD_REQUESTS, 1);
  const weightSum = w0 + w1;
  const invW = reciprocalBeforeLoop(weightSum);
  const pluginWeight = load<f64>(d + SD_PLUGIN_WEIGHT);
  for (let k = 0; k < count; k++) {
    const r = rowAt(rows, feasible, k);
    const ro = <usize>r << 3;
    let s = scoreTwoRow(strategy, load<f64>(a0c + ro), load<f64>(a1c + ro), load<f64>(q0c + ro) + p0, load<f64>(q1c + ro) + p1, w0, w1, weightSum, invW);
    if (s < 0) s = scoreRow(table, capacity, slotCount, r, d);
    emit(out, k, s, pluginWeight, mode);
  }
}

/** Scorer d over positions k < count (row rowAt(rows, feasible, k)), written in `mode`. */
// @ts-ignore: decorator
@inline
function scorePass(
  table: usize, capacity: i32, slotCount: i32, rows: usize, feasible: usize, count: i32, d: usize, out: usize, mode: i32,
): void {
  if (isTwoResource(d)) {
    twoResourcePass(table, capacity, slotCount, rows, feasible, count, d, out, mode);
    return;
  }
  const pluginWeight = load<f64>(d + SD_PLUGIN_WEIGHT);
  for (let k = 0; k < count; k++) emit(out, k, scoreRow(table, capacity, slotCount, rowAt(rows, feasible, k), d), pluginWeight, mode);
}

/**
 * Resource-allocation scores of `rowCount` rows into out[0..rowCount) as f64
 * (Kernels.resourceScoreBatch); `scorer` is a scorer descriptor, its plugin weight not applied.
 * Called once per resource Score call (general path).
 */
export function score_resources(table: usize, capacity: i32, slotCount: i32, rows: usize, rowCount: i32, scorer: usize, out: usize): void {
  scorePass(table, capacity, slotCount, rows, 0, rowCount, scorer, out, SET_AT_POSITION);
}

/**
 * Fused cycle, scoring (Kernels.scoreAdd): totals[k] += pluginWeight * score(rows[feasible[k]])
 * for k < count, `scorer` a scorer descriptor. Called once per resource Score plugin per fused
 * cycle that scores per node.
 */
export function score_add(
  table: usize, capacity: i32, slotCount: i32, rows: usize, feasible: usize, count: i32, scorer: usize, totals: usize,
): void {
  scorePass(table, capacity, slotCount, rows, feasible, count, scorer, totals, ADD_AT_POSITION);
}

// ---------------------------------------------------------------------------------------------
// score_rows

/**
 * score_rows for one or two two-resource scorers (isTwoResource), their columns, weights and
 * requests in locals. With one scorer, d1 repeats d0 (valid memory) and is not scored.
 */
function scoreRowsTwo(
  table: usize, capacity: i32, slotCount: i32, rows: usize, rowCount: i32, fit: usize, scorers: usize, scorerCount: i32, out: usize,
): void {
  const cap = <usize>capacity << 3;
  const slots = fitSlots(fit);
  const amounts = fitAmounts(fit);
  const requests = fitCount(fit);
  const has1 = scorerCount > 1;
  const d0 = scorers;
  const d1 = has1 ? scorers + <usize>SD_BYTES : scorers;
  const st0 = load<i32>(d0 + SD_STRATEGY), st1 = load<i32>(d1 + SD_STRATEGY);
  const a00 = allocColumnOf(table, cap, d0, 0), a01 = allocColumnOf(table, cap, d0, 1);
  const a10 = allocColumnOf(table, cap, d1, 0), a11 = allocColumnOf(table, cap, d1, 1);
  const q00 = requestedColumnOf(table, cap, slotCount, d0, 0), q01 = requestedColumnOf(table, cap, slotCount, d0, 1);
  const q10 = requestedColumnOf(table, cap, slotCount, d1, 0), q11 = requestedColumnOf(table, cap, slotCount, d1, 1);
  const w00 = scorerF64(d0, SD_WEIGHTS, 0), w01 = scorerF64(d0, SD_WEIGHTS, 1);
  const w10 = scorerF64(d1, SD_WEIGHTS, 0), w11 = scorerF64(d1, SD_WEIGHTS, 1);
  const p00 = scorerF64(d0, SD_POD_REQUESTS, 0), p01 = scorerF64(d0, SD_POD_REQUESTS, 1);
  const p10 = scorerF64(d1, SD_POD_REQUESTS, 0), p11 = scorerF64(d1, SD_POD_REQUESTS, 1);
  const pw0 = load<f64>(d0 + SD_PLUGIN_WEIGHT), pw1 = load<f64>(d1 + SD_PLUGIN_WEIGHT);
  const ws0 = w00 + w01, ws1 = w10 + w11;
  const inv0 = reciprocalBeforeLoop(ws0), inv1 = reciprocalBeforeLoop(ws1);
  for (let k = 0; k < rowCount; k++) {
    const r = load<i32>(rows + (<usize>k << 2));
    const ro = <usize>r << 3;
    // The row's numbers are read before the fit check: V8 keeps the column addresses (pure
    // values) out of the loop only when every iteration uses them.
    const x00 = load<f64>(a00 + ro), x01 = load<f64>(a01 + ro), y00 = load<f64>(q00 + ro) + p00, y01 = load<f64>(q01 + ro) + p01;
    const x10 = load<f64>(a10 + ro), x11 = load<f64>(a11 + ro), y10 = load<f64>(q10 + ro) + p10, y11 = load<f64>(q11 + ro) + p11;
    let t: f64 = -1;
    if (fitsRow(table, cap, ro, slots, amounts, requests)) {
      let s0 = scoreTwoRow(st0, x00, x01, y00, y01, w00, w01, ws0, inv0);
      if (s0 < 0) s0 = scoreRow(table, capacity, slotCount, r, d0);
      t = 0;
      t += s0 * pw0;
      if (has1) {
        let s1 = scoreTwoRow(st1, x10, x11, y10, y11, w10, w11, ws1, inv1);
        if (s1 < 0) s1 = scoreRow(table, capacity, slotCount, r, d1);
        t += s1 * pw1;
      }
    }
    store<f64>(out + ro, t);
  }
}

/** Row r's total for score_rows over any scorers: -1 when the pod does not fit, else the weighted scoreRow sum. */
function totalOfRow(table: usize, capacity: i32, slotCount: i32, r: i32, fit: usize, scorers: usize, scorerCount: i32): f64 {
  if (!fitsRow(table, <usize>capacity << 3, <usize>r << 3, fitSlots(fit), fitAmounts(fit), fitCount(fit))) return -1;
  let total: f64 = 0;
  for (let s = 0; s < scorerCount; s++) {
    const d = scorers + <usize>(s * SD_BYTES);
    total += scoreRow(table, capacity, slotCount, r, d) * load<f64>(d + SD_PLUGIN_WEIGHT);
  }
  return total;
}

/**
 * The fused cycle's scoring (Kernels.scoreRows): for each row r = rows[k], k < rowCount, writes
 * into out[r] (f64, indexed by row) -1 when the pod does not fit (fit_batch's checks for the fit
 * descriptor `fit`) and otherwise the sum over the `scorerCount` scorer descriptors at `scorers`
 * (SD_BYTES apart) of pluginWeight * score (score_resources' scores). Called with every node's
 * row when a pod shape is new, and with the rows changed since the last call otherwise (the score
 * cache), so most cycles score one or two rows. Rows may repeat (a dirty log): each is computed
 * from scratch.
 */
export function score_rows(
  table: usize, capacity: i32, slotCount: i32, rows: usize, rowCount: i32, fit: usize, scorers: usize, scorerCount: i32, out: usize,
): void {
  if (isDefaultPair(scorers, scorerCount) && fitCount(fit) <= 2) {
    scoreRowsDefault(table, capacity, slotCount, rows, rowCount, fit, scorers, out);
  } else if (
    (scorerCount == 1 || scorerCount == 2) && isTwoResource(scorers) && (scorerCount == 1 || isTwoResource(scorers + <usize>SD_BYTES))
  ) {
    scoreRowsTwo(table, capacity, slotCount, rows, rowCount, fit, scorers, scorerCount, out);
  } else {
    for (let k = 0; k < rowCount; k++) {
      const r = load<i32>(rows + (<usize>k << 2));
      store<f64>(out + (<usize>r << 3), totalOfRow(table, capacity, slotCount, r, fit, scorers, scorerCount));
    }
  }
}

// Resource-allocation scores over rows (K8S-FACTS.md §5.1-5.3): score_resources (the general
// path's resource Score plugins), score_add and score_rows (the fused cycle). Scorers are scorer
// descriptors (SD_*); one scorer on one row is scorer.ts, the default profile's pair in score_rows
// is score-default.ts.

import { SD_BYTES, SD_PLUGIN_WEIGHT, SD_POD_REQUESTS, SD_STRATEGY, SD_USE_NON_ZERO, SD_WEIGHTS } from './layout';
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

/** A two-resource scorer over positions k < count: both columns, weights and requests in locals. */
// @ts-ignore: decorator
@inline
function twoResourcePass(
  table: usize, capacity: i32, slotCount: i32, rows: usize, feasible: usize, count: i32, d: usize, out: usize, mode: i32,
): void {
  const cap = <usize>capacity << 3;
  const strategy = load<i32>(d + SD_STRATEGY);
  const nz = load<i32>(d + SD_USE_NON_ZERO);
  const slot0 = scorerSlot(d, 0);
  const slot1 = scorerSlot(d, 1);
  const a0c = columnAt(table, cap, 2 * slot0);
  const a1c = columnAt(table, cap, 2 * slot1);
  const q0c = columnAt(table, cap, requestedColumn(slot0, slotCount, nz));
  const q1c = columnAt(table, cap, requestedColumn(slot1, slotCount, nz));
  const w0 = scorerF64(d, SD_WEIGHTS, 0);
  const w1 = scorerF64(d, SD_WEIGHTS, 1);
  const weightSum = w0 + w1;
  const invW = 1 / weightSum;
  const p0 = scorerF64(d, SD_POD_REQUESTS, 0);
  const p1 = scorerF64(d, SD_POD_REQUESTS, 1);
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

/** Scorer d's score of row r (at byte offset ro): scoreTwoRow when it applies, else scoreRow. */
// @ts-ignore: decorator
@inline
function scoreOne(table: usize, capacity: i32, slotCount: i32, r: i32, ro: usize, d: usize, two: bool): f64 {
  if (two) {
    const cap = <usize>capacity << 3;
    const nz = load<i32>(d + SD_USE_NON_ZERO);
    const slot0 = scorerSlot(d, 0);
    const slot1 = scorerSlot(d, 1);
    const w0 = scorerF64(d, SD_WEIGHTS, 0);
    const w1 = scorerF64(d, SD_WEIGHTS, 1);
    const s = scoreTwoRow(
      load<i32>(d + SD_STRATEGY),
      load<f64>(columnAt(table, cap, 2 * slot0) + ro), load<f64>(columnAt(table, cap, 2 * slot1) + ro),
      load<f64>(columnAt(table, cap, requestedColumn(slot0, slotCount, nz)) + ro) + scorerF64(d, SD_POD_REQUESTS, 0),
      load<f64>(columnAt(table, cap, requestedColumn(slot1, slotCount, nz)) + ro) + scorerF64(d, SD_POD_REQUESTS, 1),
      w0, w1, w0 + w1, 1 / (w0 + w1),
    );
    if (s >= 0) return s;
  }
  return scoreRow(table, capacity, slotCount, r, d);
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
    return;
  }
  const cap = <usize>capacity << 3;
  const slots = fitSlots(fit);
  const amounts = fitAmounts(fit);
  const requests = fitCount(fit);
  // Bit s: scorer s takes scoreTwoRow (decided once per call; scorers past 32 never do).
  let two: u32 = 0;
  for (let s = 0; s < scorerCount && s < 32; s++) if (isTwoResource(scorers + <usize>(s * SD_BYTES))) two |= (<u32>1) << s;
  for (let k = 0; k < rowCount; k++) {
    const r = load<i32>(rows + (<usize>k << 2));
    const ro = <usize>r << 3;
    let t: f64 = -1;
    if (fitsRow(table, cap, ro, slots, amounts, requests)) {
      t = 0;
      for (let s = 0; s < scorerCount; s++) {
        const d = scorers + <usize>(s * SD_BYTES);
        t += scoreOne(table, capacity, slotCount, r, ro, d, s < 32 && ((two >>> s) & 1) != 0) * load<f64>(d + SD_PLUGIN_WEIGHT);
      }
    }
    store<f64>(out + ro, t);
  }
}

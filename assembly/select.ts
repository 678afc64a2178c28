// The fused cycle's selection over per-row totals (f64 by row; -1 = does not fit): scan_classes,
// select_nth and gather_feasible over node indices, select_top and select_kth over a gathered
// feasible list, zero_f64. Node index i has row rows[i] (rows 0: the row is i) and class
// classes[i] (singleClass >= 0: every node is in that class, classes unread).

import { HEADER_BASE, H_RESULT_MAX } from './layout';

/** Row of node index i (`rows` 0: i itself). */
// @ts-ignore: decorator
@inline
function rowOf(rows: usize, i: i32): i32 {
  return rows == 0 ? i : load<i32>(rows + (<usize>i << 2));
}

/** Class of node index i. */
// @ts-ignore: decorator
@inline
function classOf(classes: usize, singleClass: i32, i: i32): usize {
  return <usize>(singleClass >= 0 ? singleClass : load<i32>(classes + (<usize>i << 2)));
}

/** Node index i's total when it is feasible (its class `c` passed and its total is >= 0), else -1. */
// @ts-ignore: decorator
@inline
function feasibleTotal(rowTotals: usize, rows: usize, classPass: usize, c: usize, i: i32): f64 {
  if (load<i32>(classPass + (c << 2)) == 0) return -1;
  const t = load<f64>(rowTotals + (<usize>rowOf(rows, i) << 3));
  return t < 0 ? -1 : t;
}

/**
 * scan_classes when every node is in class c (which passed): the top total, its ties and the
 * feasible count, two totals per step with SIMD when rows are the node indices.
 */
function scanOneClass(rowTotals: usize, rows: usize, c: usize, n: i32, classFeasible: usize, classMax: usize, classTies: usize): i32 {
  let count = 0;
  let max: f64 = -1;
  let ties = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD && rows == 0) {
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
    max = m1 > m0 ? m1 : m0;
    ties = m0 > m1 ? t0 : m1 > m0 ? t1 : t0 + t1;
  }
  for (; i < n; i++) {
    const t = load<f64>(rowTotals + (<usize>rowOf(rows, i) << 3));
    if (t < 0) continue;
    count++;
    if (t > max) {
      max = t;
      ties = 1;
    } else if (t == max) {
      ties++;
    }
  }
  if (count > 0) {
    store<i32>(classFeasible + (c << 2), 1);
    store<f64>(classMax + (c << 3), max);
    store<i32>(classTies + (c << 2), ties);
  }
  return count;
}

/**
 * The fused cycle's top (Kernels.scanClasses): over node indices i < n whose class passed
 * (classPass[class] != 0) and whose total is >= 0: per class classFeasible = 1, classMax = the top
 * total, classTies = how many have it (classFeasible zeroed by the caller). Returns the feasible
 * count. Once per fused cycle.
 */
export function scan_classes(
  rowTotals: usize, rows: usize, classes: usize, singleClass: i32, n: i32, classPass: usize,
  classFeasible: usize, classMax: usize, classTies: usize,
): i32 {
  if (singleClass >= 0) {
    const c = <usize>singleClass;
    if (load<i32>(classPass + (c << 2)) == 0) return 0;
    return scanOneClass(rowTotals, rows, c, n, classFeasible, classMax, classTies);
  }
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = classOf(classes, singleClass, i);
    const t = feasibleTotal(rowTotals, rows, classPass, c, i);
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
 * select_nth for one class with rows in node order: the k-th total equal to `target` (exact:
 * integers), two totals per step with SIMD.
 */
function selectNthInOrder(rowTotals: usize, n: i32, target: f64, k: i32): i32 {
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

/**
 * The node index of the k-th (0-based, node order) feasible node whose total plus its class
 * score equals `max`, or -1 (Kernels.selectNth): the selection after scan_classes.
 */
export function select_nth(
  rowTotals: usize, rows: usize, classes: usize, singleClass: i32, n: i32, classPass: usize,
  classScore: usize, max: f64, k: i32,
): i32 {
  if (singleClass >= 0 && rows == 0) {
    const c = <usize>singleClass;
    if (load<i32>(classPass + (c << 2)) == 0) return -1;
    return selectNthInOrder(rowTotals, n, max - load<f64>(classScore + (c << 3)), k);
  }
  for (let i = 0; i < n; i++) {
    const c = classOf(classes, singleClass, i);
    const t = feasibleTotal(rowTotals, rows, classPass, c, i);
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
    const t = feasibleTotal(rowTotals, rows, classPass, classOf(classes, singleClass, i), i);
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

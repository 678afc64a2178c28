// NodeTable addressing (assembly/layout.ts has the layout): column c of row r is the f64 at
// `table + 8 * (c * capacity + r)`. Not exported from the module.

import { CPU_SLOT, MEMORY_SLOT } from './layout';

/** The f64 in column `column` of row `row`. */
// @ts-ignore: decorator
@inline
export function cell(table: usize, capacity: i32, column: i32, row: i32): f64 {
  return load<f64>(table + ((<usize>column * <usize>capacity + <usize>row) << 3));
}

/** Byte address of column `column`'s first row; `cap` is the capacity in bytes (8 * capacity). */
// @ts-ignore: decorator
@inline
export function columnAt(table: usize, cap: usize, column: i32): usize {
  return table + <usize>column * cap;
}

/** Column holding the "requested" side of slot for scoring (non-zero columns for cpu/memory when asked). */
// @ts-ignore: decorator
@inline
export function requestedColumn(slot: i32, slotCount: i32, useNonZero: i32): i32 {
  if (useNonZero != 0) {
    if (slot == CPU_SLOT) return 2 * slotCount;
    if (slot == MEMORY_SLOT) return 2 * slotCount + 1;
  }
  return 2 * slot + 1;
}

/** Row of position k: rows[k], or rows[feasible[k]] when `feasible` is not 0 (i32 arrays). */
// @ts-ignore: decorator
@inline
export function rowAt(rows: usize, feasible: usize, k: i32): i32 {
  const i = feasible == 0 ? k : load<i32>(feasible + (<usize>k << 2));
  return load<i32>(rows + (<usize>i << 2));
}

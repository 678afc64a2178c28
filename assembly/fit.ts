// NodeResourcesFit's checks (K8S-FACTS.md §6.1): the general path's fit_batch and the fused
// cycle's per-row fitsRow. The request is a fit descriptor (FD_*, src/kernel/descriptors.ts FIT).

import { FD_AMOUNTS, FD_COUNT, FD_SLOTS, FIT_TOO_MANY_PODS, PODS_SLOT } from './layout';
import { cell } from './table';

/** Requests in a fit descriptor. */
// @ts-ignore: decorator
@inline
export function fitCount(fit: usize): i32 {
  return load<i32>(fit + FD_COUNT);
}

/** Byte offset of a fit descriptor's slots (i32 per request). */
// @ts-ignore: decorator
@inline
export function fitSlots(fit: usize): usize {
  return <usize>load<i32>(fit + FD_SLOTS);
}

/** Byte offset of a fit descriptor's amounts (f64 per request). */
// @ts-ignore: decorator
@inline
export function fitAmounts(fit: usize): usize {
  return <usize>load<i32>(fit + FD_AMOUNTS);
}

/**
 * NodeResourcesFit's Filter over `rowCount` rows (Kernels.fitBatch): for row i = rows[i] writes
 * fitMaskWords(count) u32 words at out + 4 * i * words; bit 0 = too many pods, bit j+1 =
 * request j does not fit. `fit` is a fit descriptor. Called once per NodeResourcesFit Filter call
 * (general path).
 */
export function fit_batch(table: usize, capacity: i32, rows: usize, rowCount: i32, fit: usize, out: usize): void {
  const requestCount = fitCount(fit);
  const slots = fitSlots(fit);
  const amounts = fitAmounts(fit);
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
      // No node declares this resource: allocatable 0 everywhere, the request never fits.
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

/**
 * Whether the pod fits the row at byte offset `ro` (fit_batch's checks, all at once); `cap` is
 * the capacity in bytes, the request the (count, slots, amounts) of a fit descriptor.
 */
// @ts-ignore: decorator
@inline
export function fitsRow(table: usize, cap: usize, ro: usize, slots: usize, amounts: usize, count: i32): bool {
  const podsAlloc = table + <usize>(2 * PODS_SLOT) * cap;
  if (load<f64>(podsAlloc + cap + ro) + 1 > load<f64>(podsAlloc + ro)) return false;
  for (let j = 0; j < count; j++) {
    const amount = load<f64>(amounts + (<usize>j << 3));
    if (!(amount > 0)) continue;
    const slot = load<i32>(slots + (<usize>j << 2));
    if (slot < 0) return false;
    const alloc = table + <usize>(2 * slot) * cap;
    if (amount > load<f64>(alloc + ro) - load<f64>(alloc + cap + ro)) return false;
  }
  return true;
}

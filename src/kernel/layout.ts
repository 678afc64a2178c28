/**
 * The host's mirror of the WASM memory layout and kernel enums. assembly/layout.ts defines them
 * once; every value here is checked against the module's exported globals when a module is
 * loaded (`checkLayout`), so a drift between the two sides fails at start-up, not in a kernel.
 * The enums the host already defines elsewhere (resource slots in model/node-table.ts, strategies
 * and the fit bit in kernel/kernels.ts) are taken from there, so they are checked too.
 */
import { CPU_SLOT, EPHEMERAL_SLOT, EXTRA_COLUMNS, FIXED_SLOTS, MEMORY_SLOT, PODS_SLOT, VERSION_COLUMN_OFFSET } from '../model/node-table.js';
import {
  FIT_TOO_MANY_PODS,
  STRATEGY_BALANCED_ALLOCATION,
  STRATEGY_LEAST_ALLOCATED,
  STRATEGY_MOST_ALLOCATED,
  STRATEGY_REQUESTED_TO_CAPACITY_RATIO,
} from './kernels.js';

/** Every constant of assembly/layout.ts, by its export name. */
export const LAYOUT = {
  LAYOUT_MAGIC: 0x50444654,
  LAYOUT_VERSION: 2,
  HEADER_BASE: 1024,
  HEADER_BYTES: 128,
  ARENA_BASE: 1152,
  ARENA_ALIGN: 16,
  H_MAGIC: 0,
  H_VERSION: 4,
  H_ARENA_END: 8,
  H_TABLE_BASE: 12,
  H_TABLE_CAPACITY: 16,
  H_TABLE_SLOTS: 20,
  H_TABLE_COLUMNS: 24,
  H_EPOCH: 28,
  H_RESULT_MAX: 32,
  CPU_SLOT,
  MEMORY_SLOT,
  EPHEMERAL_SLOT,
  PODS_SLOT,
  FIXED_SLOTS,
  EXTRA_COLUMNS,
  VERSION_COLUMN_OFFSET,
  SD_STRATEGY: 0,
  SD_RESOURCE_COUNT: 4,
  SD_USE_NON_ZERO: 8,
  SD_SHAPE_COUNT: 12,
  SD_SLOTS: 16,
  SD_WEIGHTS: 20,
  SD_REQUESTS: 24,
  SD_SHAPE_U: 28,
  SD_SHAPE_S: 32,
  SD_PLUGIN_WEIGHT: 40,
  SD_BYTES: 48,
  FIT_TOO_MANY_PODS,
  STRATEGY_LEAST_ALLOCATED,
  STRATEGY_MOST_ALLOCATED,
  STRATEGY_REQUESTED_TO_CAPACITY_RATIO,
  STRATEGY_BALANCED_ALLOCATION,
} as const;

/** Names of the layout constants. */
export type LayoutName = keyof typeof LAYOUT;

/**
 * Compares every LAYOUT value with the module's exported global of the same name; throws
 * PODFIT_ERR_KERNEL_LAYOUT naming each mismatch (or missing export).
 */
export function checkLayout(exports: WebAssembly.Exports, moduleName: string): void {
  const bad: string[] = [];
  for (const [name, want] of Object.entries(LAYOUT)) {
    const g = exports[name];
    const got = g instanceof WebAssembly.Global ? (g.value as number) : undefined;
    if (got !== want) bad.push(`${name}: host ${want}, module ${got === undefined ? 'missing' : got}`);
  }
  if (bad.length > 0) {
    throw new Error(`PODFIT_ERR_KERNEL_LAYOUT: ${moduleName} does not match src/kernel/layout.ts (rebuild with npm run build): ${bad.join('; ')}`);
  }
}

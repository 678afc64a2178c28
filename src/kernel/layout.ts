/**
 * The host's mirror of the WASM memory layout and kernel enums. assembly/layout.ts defines them
 * once; every value here is checked against the module's exported globals when a module is
 * loaded (`checkLayout`), so a drift between the two sides fails at start-up, not in a kernel.
 * The enums the host already defines elsewhere (resource slots in model/node-table.ts, strategies
 * and the fit bit in kernel/kernels.ts) are taken from there, so they are checked too; so are the
 * argument descriptors' offsets (SD_* for the scorer record, FD_* for the fit request, CX_* for the class index), which the
 * host derives from the records' one definition in kernel/descriptors.ts.
 */
import { CPU_SLOT, EPHEMERAL_SLOT, EXTRA_COLUMNS, FIXED_SLOTS, MEMORY_SLOT, PODS_SLOT, VERSION_COLUMN_OFFSET } from '../model/node-table.js';
import {
  FIT_TOO_MANY_PODS,
  STRATEGY_BALANCED_ALLOCATION,
  STRATEGY_LEAST_ALLOCATED,
  STRATEGY_MOST_ALLOCATED,
  STRATEGY_REQUESTED_TO_CAPACITY_RATIO,
} from './kernels.js';
import { CLASS_INDEX, FIT, layoutConstants, SCORER } from './descriptors.js';
import { PodfitError } from '../model/error-codes.js';

/** The argument records whose WASM descriptors the kernels read. */
const RECORDS = [SCORER, FIT, CLASS_INDEX];

/** Every constant of assembly/layout.ts but the descriptor offsets (DESCRIPTOR_LAYOUT), by its export name. */
export const LAYOUT = {
  LAYOUT_MAGIC: 0x50444654,
  LAYOUT_VERSION: 3,
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
  FIT_TOO_MANY_PODS,
  STRATEGY_LEAST_ALLOCATED,
  STRATEGY_MOST_ALLOCATED,
  STRATEGY_REQUESTED_TO_CAPACITY_RATIO,
  STRATEGY_BALANCED_ALLOCATION,
} as const;

/** The descriptors' offsets, derived (SD_STRATEGY, ..., SD_BYTES, FD_COUNT, ..., FD_BYTES). */
export const DESCRIPTOR_LAYOUT: Readonly<Record<string, number>> = Object.assign({}, ...RECORDS.map((d) => layoutConstants(d)));

/** Export-name prefixes of the descriptors' constants (`SD_`, `FD_`): the module must not define one the host does not. */
const DESCRIPTOR_PREFIXES = RECORDS.map((d) => `${d.prefix}_`);

/**
 * Compares every LAYOUT and DESCRIPTOR_LAYOUT value with the module's exported global of the same
 * name, and checks the module has no descriptor field the host does not write; throws
 * PODFIT_ERR_KERNEL_LAYOUT naming each mismatch (or missing / unknown export).
 */
export function checkLayout(exports: WebAssembly.Exports, moduleName: string): void {
  const bad: string[] = [];
  for (const [name, want] of [...Object.entries(LAYOUT), ...Object.entries(DESCRIPTOR_LAYOUT)]) {
    const g = exports[name];
    const got = g instanceof WebAssembly.Global ? (g.value as number) : undefined;
    if (got !== want) bad.push(`${name}: host ${want}, module ${got === undefined ? 'missing' : got}`);
  }
  for (const name of Object.keys(exports)) {
    if (DESCRIPTOR_PREFIXES.some((p) => name.startsWith(p)) && !(name in DESCRIPTOR_LAYOUT)) bad.push(`${name}: module only (not in kernel/descriptors.ts)`);
  }
  if (bad.length > 0) {
    throw new PodfitError('PODFIT_ERR_KERNEL_LAYOUT', `${moduleName} does not match src/kernel/layout.ts (rebuild with npm run build): ${bad.join('; ')}`);
  }
}

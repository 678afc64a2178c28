// podfit WASM kernels (AssemblyScript): the module's entry, which only names what it exports. The
// host owns the memory (assembly/layout.ts); exports take numbers only (byte offsets, counts,
// enums) and never allocate. Each kernel export is the 1:1 counterpart of a method of the
// `Kernels` interface (src/kernel/kernels.ts) and of its readable reference in
// src/kernel/js-kernels.ts: same checks, same order of float operations, so the two engines give
// bit-identical results (test/kernel/wasm-parity.test.ts). Argument records (a pod's fit request,
// a resource scorer) arrive as descriptors whose layout src/kernel/descriptors.ts defines
// (FD_*, SD_* in layout.ts, checked at load).
//
// Files by job: math.ts (exact integer helpers, per-resource scores), table.ts (NodeTable
// addressing), fit.ts (fit_batch), scorer.ts (one scorer on one row), score.ts (score_resources,
// score_add, score_rows), score-default.ts (score_rows for the default profile's pair), select.ts
// (scan_classes, select_nth, gather_feasible, select_top, select_kth, zero_f64). The kernels are
// re-exported by name, so the helpers those files share never become module exports.
//
// Built twice (scripts/build-wasm.js): build/podfit.wasm with SIMD (v128) and
// build/podfit-scalar.wasm without; ASC_FEATURE_SIMD selects the code path at compile time.

import { HEADER_BASE, H_MAGIC, H_VERSION, LAYOUT_MAGIC, LAYOUT_VERSION } from './layout';

export * from './layout';
export { fit_batch } from './fit';
export { score_add, score_resources, score_rows } from './score';
export { gather_feasible, scan_classes, select_kth, select_nth, select_top, zero_f64 } from './select';
export { tree_build, tree_kth, tree_set } from './tree';
export { class_kth, class_leaves, class_step, class_update } from './class';

/** Returns the kernel ABI version (LAYOUT_VERSION); called once at load. */
export function abi_version(): i32 {
  return LAYOUT_VERSION;
}

/** 1 when this build uses v128 SIMD. */
export function simd_enabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}

/**
 * The module's side of the start-up check, called once after the host wrote the header:
 * 0 = OK; 1 = static data overlaps the header; 2 = header magic/version differ from this build.
 */
export function layout_check(): i32 {
  if (<i32>__heap_base > HEADER_BASE) return 1;
  if (load<i32>(HEADER_BASE + H_MAGIC) != LAYOUT_MAGIC) return 2;
  if (load<i32>(HEADER_BASE + H_VERSION) != LAYOUT_VERSION) return 2;
  return 0;
}

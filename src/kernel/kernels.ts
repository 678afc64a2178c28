/**
 * The numeric kernels behind the resource plugins, one interface for both engines:
 * `js` (typed-array loops, the readable reference) and `wasm` (AssemblyScript, SIMD).
 * Kernels take the NodeTable plus row lists and write results into caller-owned arrays;
 * they never allocate per call.
 */
export type EngineName = 'js' | 'wasm';

/** Numeric kernels of one engine. Methods are added by the resource plugins' work. */
export interface Kernels {
  readonly engine: EngineName;
}

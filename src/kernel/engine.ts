/** Engine selection: the `--engine js|wasm` flag maps here. */
import type { EngineName, Kernels } from './kernels.js';
import { createJsKernels } from './js-kernels.js';
import { createWasmKernels, type WasmVariant } from './wasm-kernels.js';
import { PodfitError } from '../model/error-codes.js';

/** Engines podfit can run. */
export const ENGINES: readonly EngineName[] = ['js', 'wasm'];

/**
 * The engine used when none is asked for: the WASM kernels, parity-tested against `js`
 * (test/kernel/wasm-parity.test.ts, test/kernel/scheduler-parity.test.ts).
 */
export const DEFAULT_ENGINE: EngineName = 'wasm';

/** Options of createKernels. */
export interface KernelOptions {
  /** wasm only: the build variant (default `simd`, falling back to `scalar` without SIMD support). */
  readonly wasmVariant?: WasmVariant;
}

/** Creates (or, for wasm, returns the process's one instance of) the kernels of an engine. */
export async function createKernels(engine: EngineName = DEFAULT_ENGINE, opts: KernelOptions = {}): Promise<Kernels> {
  switch (engine) {
    case 'js':
      return createJsKernels();
    case 'wasm':
      return createWasmKernels(opts.wasmVariant ?? 'simd');
    default:
      throw new PodfitError('PODFIT_ERR_KERNEL_UNKNOWN_ENGINE', `${String(engine)}`);
  }
}

/** Engine selection: the `--engine js|wasm` flag maps here. */
import type { EngineName, Kernels } from './kernels.js';
import { createJsKernels } from './js-kernels.js';

/** Engines podfit can run. */
export const ENGINES: readonly EngineName[] = ['js'];

/** Creates the kernels of an engine. */
export async function createKernels(engine: EngineName = 'js'): Promise<Kernels> {
  switch (engine) {
    case 'js':
      return createJsKernels();
    default:
      throw new Error(`PODFIT_ERR_KERNEL_UNKNOWN_ENGINE: ${String(engine)}`);
  }
}

/**
 * Loads the WASM kernels for tests. `npm ci` / `npm run build` produce build/podfit*.wasm (the
 * `prepare` script); when a checkout has not been built, the modules are compiled here once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createWasmKernels, wasmModuleUrl, type WasmKernels, type WasmVariant } from '../../src/kernel/wasm-kernels.js';

let built = false;

/** Builds the WASM modules if a file is missing. */
export function ensureWasmBuilt(): void {
  if (built) return;
  if (!existsSync(fileURLToPath(wasmModuleUrl('simd'))) || !existsSync(fileURLToPath(wasmModuleUrl('scalar')))) {
    execFileSync(process.execPath, ['scripts/build-wasm.js'], { stdio: 'inherit' });
  }
  built = true;
}

/** The process's kernels of a WASM build variant. */
export async function loadWasmKernels(variant: WasmVariant): Promise<WasmKernels> {
  ensureWasmBuilt();
  return createWasmKernels(variant);
}

// Shared helpers for podfit's benny benchmarks (bench/run.js). Benchmarks import the compiled
// sources from dist/ (`npm run build` first) and the WASM modules from build/.
import { existsSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where results go (gitignored). */
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

/** Imports a compiled module from dist/, failing with a hint when the build is missing. */
export async function dist(modulePath) {
  const file = path.join(ROOT, 'dist', modulePath);
  if (!existsSync(file)) throw new Error(`${file} missing: run \`npm run build\` before \`npm run bench\``);
  return import(file);
}

/** The machine, as BENCHMARKS.md records it. */
export function machine() {
  return { cpuModel: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` };
}

/** Ensures bench/results exists. */
export function resultsDir() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return RESULTS_DIR;
}

/** Microseconds per operation of a benny case (the median sample). */
export function usPerOp(result) {
  return result.details.median * 1e6;
}

/** The engines measured: js, wasm scalar, wasm SIMD. */
export async function engines() {
  const { createKernels } = await dist('kernel/engine.js');
  return [
    ['js', await createKernels('js')],
    ['wasm-scalar', await createKernels('wasm', { wasmVariant: 'scalar' })],
    ['wasm-simd', await createKernels('wasm', { wasmVariant: 'simd' })],
  ];
}

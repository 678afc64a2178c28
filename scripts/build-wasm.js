// Compiles assembly/ with the pinned AssemblyScript (asconfig.json) into two modules with the same
// exports: build/podfit.wasm (v128 SIMD, the `wasm` engine) and build/podfit-scalar.wasm (no SIMD,
// for benchmarks and for hosts without SIMD).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const asc = path.join(path.dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
mkdirSync('build', { recursive: true });
for (const target of ['release', 'scalar']) {
  execFileSync(process.execPath, [asc, 'assembly/index.ts', '--config', 'asconfig.json', '--target', target], { stdio: 'inherit' });
}

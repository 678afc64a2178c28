// Compiles assembly/ to build/podfit.wasm with the pinned AssemblyScript (asconfig.json).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const asc = path.join(path.dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
mkdirSync('build', { recursive: true });
execFileSync(process.execPath, [asc, 'assembly/index.ts', '--config', 'asconfig.json', '--target', 'release'], { stdio: 'inherit' });

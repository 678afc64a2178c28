// The pool's worker entry when podfit runs from its TypeScript sources (vitest): registers the
// transpiling hooks of ts-hooks.mjs in this worker, then loads worker.ts. The compiled CLI points
// piscina at dist/parallel/worker.js instead (see pool.ts).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
const { default: run } = await import('./worker.ts');

export default run;

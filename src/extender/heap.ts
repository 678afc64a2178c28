/**
 * A full garbage collection on demand, for the moments the server has just built its cluster
 * state (snapshot loaded or reloaded, live cluster listed). Loading leaves about as much garbage
 * as state in V8's old generation (the file's text, parse results, list pages): ~180 MB beside
 * ~180 MB of state for 5,000 nodes and 50,000 pods. V8 would keep it until the old generation
 * grows to its next limit, which under the extender's small per-request garbage can take hours;
 * meanwhile the process holds twice the memory it needs, and on this machine the kernel's memory
 * scanner (DAMON, kdamond) stalls a process in proportion to the memory it maps (BENCHMARKS.md
 * "Extender"). Collecting once, off the request path, costs a few hundred milliseconds.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Runs full, compacting collections now (synchronously). Two: the second one releases the pages
 * the first one emptied (measured on the 5,000-node snapshot: resident 447 MB after loading,
 * 348 MB after one collection, 315 MB after two; a third changes nothing).
 */
export function collectGarbage(): void {
  if (!gc) {
    // --expose-gc set at run time makes `gc` available to contexts created afterwards.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

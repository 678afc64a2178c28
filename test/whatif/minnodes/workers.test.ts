/**
 * `--workers` for minNodes (src/whatif/minnodes/jobs.ts): the heuristic portfolio spread over the
 * worker pool gives the same packing as workers 0, item for item.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeWorkerPool, workerPool } from '../../../src/parallel/pool.js';
import { plainModel, solveNumeric, solveNumericParallel } from '../../../src/whatif/minnodes/solve.js';

afterAll(() => closeWorkerPool());

describe('minNodes --workers', () => {
  it('equals workers 0 (two templates, cost objective, search on)', async () => {
    let x = 7;
    const rnd = (k: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % k);
    const items = Array.from({ length: 150 }, () => [1 + rnd(40), 1 + rnd(60), 1]);
    const m = plainModel(['cpu', 'memory', 'pods'], [{ name: 'a', capacity: [100, 100, 30], price: 1 }, { name: 'b', capacity: [160, 220, 30], price: 1.9 }], items);
    const opts = { objective: 'cost' as const, seed: 4, effortMax: 1_000_000 };
    const seq = solveNumeric(m, opts);
    const failures: string[] = [];
    const pool = await workerPool(2, (line) => failures.push(line));
    const par = await solveNumericParallel(m, pool, opts);
    expect(par.heuristic).toBe(seq.heuristic);
    expect(Array.from(par.snapshot.itemBin)).toEqual(Array.from(seq.snapshot.itemBin));
    expect(Array.from(par.snapshot.binTemplate)).toEqual(Array.from(seq.snapshot.binTemplate));
    expect(par.objective).toBe(seq.objective);
    expect(failures).toEqual([]); // ran on the workers, no fallback to this thread
  }, 120_000);
});

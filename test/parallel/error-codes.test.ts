/**
 * Error codes across the worker thread boundary: structured clone (piscina's postMessage) keeps an
 * Error's message and cause but drops its class and `code`, so a PodfitError thrown in a worker
 * arrives as a plain Error. Its code is still the message's prefix, and errorCode() reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { jobTask } from '../../src/parallel/messages.js';
import { WorkerPool } from '../../src/parallel/pool.js';
import { errorCode, PodfitError } from '../../src/model/error-codes.js';

let pool: WorkerPool;
let dir: string;
let moduleUrl: string;
beforeAll(() => {
  pool = new WorkerPool({ threads: 1, log: () => {} });
  dir = mkdtempSync(path.join(tmpdir(), 'podfit-errcodes-'));
  const file = path.join(dir, 'jobs.mjs');
  const catalogue = pathToFileURL(path.resolve('src/model/error-codes.ts')).href;
  writeFileSync(file, [
    `import { PodfitError } from ${JSON.stringify(catalogue)};`,
    `export function fail(args) { throw new PodfitError('PODFIT_ERR_PARALLEL_INVARIANT', 'job ' + args.n, { cause: new Error('the cause') }); }`,
  ].join('\n'));
  moduleUrl = pathToFileURL(file).href;
});
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('error codes across the worker thread boundary', () => {
  it('a PodfitError thrown by a job keeps its message and cause; its code is read back from the message', async () => {
    const e = await rejection(pool.run(jobTask({ moduleUrl, exportName: 'fail', run: async () => 0 }, { n: 7 })));
    expect(e.message).toBe('PODFIT_ERR_PARALLEL_INVARIANT: job 7');
    expect((e.cause as Error).message).toBe('the cause');
    expect(errorCode(e)).toBe('PODFIT_ERR_PARALLEL_INVARIANT');
    // What the boundary drops (if these start failing, the pool restores PodfitErrors: good news,
    // and errorCode's message fallback can go).
    expect(e).not.toBeInstanceOf(PodfitError);
    expect((e as { code?: unknown }).code).toBeUndefined();
  });

  it('so does the worker\'s own PODFIT_ERR_PARALLEL_JOB', async () => {
    const e = await rejection(pool.run(jobTask({ moduleUrl, exportName: 'missing', run: async () => 0 }, {})));
    expect(e.message).toMatch(/^PODFIT_ERR_PARALLEL_JOB: .*jobs\.mjs exports no function "missing"$/);
    expect(errorCode(e)).toBe('PODFIT_ERR_PARALLEL_JOB');
  });

  it('errors made on this side of the pool keep their class and code', async () => {
    const p = new WorkerPool({ threads: 1 });
    await p.close();
    const e = await rejection(p.run({ kind: 'probe' }));
    expect(e).toBeInstanceOf(PodfitError);
    expect((e as PodfitError).code).toBe('PODFIT_ERR_PARALLEL_CLOSED');
  });
});

/**
 * The batch pool: independent tasks one per worker, faults (a worker that dies or throws is
 * replaced, its task retried and then run on the calling thread, the cause logged), jobs defined
 * outside parallel/ (imported by module URL), clean shutdown (no handle keeps the process alive;
 * SIGTERM closes the pool and exits).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { jobTask, type Job, type WorkerTask } from '../../src/parallel/messages.js';
import { describeError, WorkerPool } from '../../src/parallel/pool.js';

let pool: WorkerPool;
const logs: string[] = [];
beforeAll(() => {
  pool = new WorkerPool({ threads: 2, log: (l) => logs.push(l) });
});
afterAll(async () => {
  await pool.close();
});

const inThread = async (t: WorkerTask) => (t.kind === 'probe' ? -1 : -2);

describe('worker pool', () => {
  it('runs independent tasks on separate worker threads, results in order', async () => {
    const ids = await pool.runEach(
      [{ kind: 'probe', delayMs: 150 }, { kind: 'probe', delayMs: 150 }, { kind: 'probe' }],
      inThread,
    );
    expect(ids).toHaveLength(3);
    // Two tasks ran at once: on two different threads, neither the main thread (0).
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids.every((id) => id > 0)).toBe(true);
  });

  it('replaces a worker that dies and retries its task there; a task that keeps failing runs in this thread', async () => {
    logs.length = 0;
    const before = pool.failures;
    const [died, ok] = await pool.runEach([{ kind: 'probe', exit: true }, { kind: 'probe' }], inThread);
    // The exiting probe exits on every attempt: after two worker attempts it runs here.
    expect(died).toBe(-1);
    expect(ok).toBeGreaterThan(0);
    expect(pool.failures - before).toBe(2);
    expect(logs.join('\n')).toMatch(/probe task failed on a worker \(attempt 1\), retrying on a worker: .*exited with code: 1/);
    expect(logs.join('\n')).toMatch(/attempt 2\), running it on the main thread/);
    // The pool is whole again.
    const ids = await pool.runEach([{ kind: 'probe', delayMs: 100 }, { kind: 'probe', delayMs: 100 }], inThread);
    expect(ids.every((id) => id > 0)).toBe(true);
  });

  it('logs a thrown error with its cause', async () => {
    logs.length = 0;
    const [r] = await pool.runEach([{ kind: 'probe', throwMessage: 'boom' }], inThread);
    expect(r).toBe(-1);
    expect(logs[0]).toMatch(/probe task failed on a worker \(attempt 1\).*: boom \(cause: ProbeTask\.throwMessage\)/);
  });

  it('describes errors with their chain of causes', () => {
    expect(describeError(new Error('a', { cause: new Error('b', { cause: 'c' }) }))).toBe('a (cause: b (cause: c))');
    expect(describeError('plain')).toBe('plain');
  });

  it('refuses tasks once closed (close is idempotent)', async () => {
    const p = new WorkerPool({ threads: 1 });
    expect(await p.run<number>({ kind: 'probe' })).toBeGreaterThan(0);
    await p.close();
    await p.close();
    await expect(p.run({ kind: 'probe' })).rejects.toThrow(/PODFIT_ERR_PARALLEL_CLOSED/);
    expect(() => new WorkerPool({ threads: 0 })).toThrow(/PODFIT_ERR_PARALLEL_THREADS/);
  });
});

describe('worker pool jobs (functions defined outside parallel/)', () => {
  let dir: string;
  let moduleUrl: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'podfit-jobs-'));
    const file = path.join(dir, 'jobs.mjs');
    writeFileSync(file, [
      `import { threadId } from 'node:worker_threads';`,
      `export async function double(args) { return { threadId, doubled: args.n * 2 }; }`,
      `export function fail(args) { throw new Error('job failed: ' + args.n, { cause: new Error('the cause') }); }`,
      `export const notAFunction = 1;`,
    ].join('\n'));
    moduleUrl = pathToFileURL(file).href;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  type Out = { threadId: number; doubled: number };
  const job = (exportName: string, run: (a: { n: number }) => Promise<Out>): Job<{ n: number }, Out> => ({ moduleUrl, exportName, run });

  it('imports the job module in the workers and calls the export with the args, results in order', async () => {
    const out = await pool.runJobs(job('double', async () => ({ threadId: 0, doubled: -1 })), [{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(out.map((o) => o.doubled)).toEqual([2, 4, 6]);
    expect(out.every((o) => o.threadId > 0)).toBe(true);
  });

  it('a job that throws is logged with its cause, retried, then run on the calling thread', async () => {
    logs.length = 0;
    const before = pool.failures;
    const [r] = await pool.runJobs(job('fail', async (a) => ({ threadId: 0, doubled: a.n * 2 })), [{ n: 21 }]);
    expect(r).toEqual({ threadId: 0, doubled: 42 });
    expect(pool.failures - before).toBe(2);
    expect(logs[0]).toMatch(/job fail task failed on a worker \(attempt 1\), retrying on a worker: job failed: 21 \(cause: the cause\)/);
  });

  it('fails with PODFIT_ERR_PARALLEL_JOB when the module or the export is missing', async () => {
    await expect(pool.run(jobTask(job('notAFunction', async () => ({ threadId: 0, doubled: 0 })), { n: 1 }))).rejects.toThrow(/PODFIT_ERR_PARALLEL_JOB: .*jobs\.mjs exports no function "notAFunction"/);
    const missing = { moduleUrl: pathToFileURL(path.join(dir, 'nope.mjs')).href, exportName: 'double', run: async () => 0 };
    await expect(pool.run(jobTask(missing, {}))).rejects.toThrow(/PODFIT_ERR_PARALLEL_JOB: cannot load the job module .*nope\.mjs/);
  });
});

describe('worker pool shutdown (separate processes)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'podfit-pool-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs a script that imports the pool from the TypeScript sources; resolves to its exit code. */
  function runScript(body: string, signalAfterMs?: number): Promise<{ code: number | null; signal: string | null; out: string; ms: number }> {
    const hooks = pathToFileURL(path.resolve('src/parallel/ts-hooks.mjs')).href;
    const poolUrl = pathToFileURL(path.resolve('src/parallel/pool.ts')).href;
    const file = path.join(dir, `s${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(file, `import { WorkerPool } from ${JSON.stringify(poolUrl)};\n${body}\n`);
    const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(hooks)});`;
    return new Promise((resolve) => {
      const t0 = Date.now();
      const child = spawn(process.execPath, ['--import', register, file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (signalAfterMs !== undefined && out.includes('started')) setTimeout(() => child.kill('SIGTERM'), signalAfterMs);
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code, signal) => resolve({ code, signal, out, ms: Date.now() - t0 }));
    });
  }

  it('lets the process exit once work is done and the pool closed', async () => {
    const r = await runScript(`const p = new WorkerPool({ threads: 2 }); console.log(await p.run({ kind: 'probe' }) > 0); await p.close();`);
    expect(r.out.trim()).toBe('true');
    expect(r.code).toBe(0);
  });

  it('an idle pool does not keep the process alive', async () => {
    const r = await runScript(`const p = new WorkerPool({ threads: 2 }); console.log(await p.run({ kind: 'probe' }) > 0);`);
    expect(r.code).toBe(0);
  });

  it('closes the pool and exits 143 on SIGTERM, even with a task running', async () => {
    const r = await runScript(`const p = new WorkerPool({ threads: 1 }); await p.run({ kind: 'probe' }); console.log('started'); await p.run({ kind: 'probe', delayMs: 60000 });`, 50);
    expect(r.code).toBe(143);
    expect(r.ms).toBeLessThan(30_000);
  });
});

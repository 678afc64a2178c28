/**
 * The batch pool: one piscina pool per process whose workers run batch sessions (speculative
 * scheduling over the shared WASM memory, batch.ts) and independent tasks, through `run`,
 * `runEach` and `runJobs`. Independent work is a Job (messages.ts) defined where it belongs
 * (benchmark repetitions in workloads/ now; what-if scenarios and profile comparisons later):
 * the worker imports the job's module by URL, so the pool knows no workload.
 *
 * Faults: piscina replaces a worker that exits; a task that throws or whose worker dies is
 * reported through `log` with its cause, retried once on a (fresh) worker and then run on the
 * calling thread, so no task is lost (batch sessions have their own recovery, batch.ts). The pool
 * closes on `close()`; SIGTERM/SIGINT while it is open end the process with the signal's code
 * (the runtime terminates the workers); idle workers never keep the process alive.
 *
 * Worker code: piscina needs a JavaScript file. The compiled CLI uses dist/parallel/worker.js; run
 * from the TypeScript sources (vitest) the pool starts ts-worker.mjs, which registers a
 * transpiling loader in the worker and loads worker.ts; the same loader then serves the .ts
 * modules jobs name (a job's module URL is its own `import.meta.url`, .ts there, .js in dist/).
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { jobTask, type Job, type WorkerTask } from './messages.js';
import { PodfitError } from '../model/error-codes.js';

/** Pool settings. */
export interface WorkerPoolOptions {
  /** Worker threads (>= 1). */
  readonly threads: number;
  /** Where failures are reported, one line each with the cause. */
  readonly log?: (line: string) => void;
}

/** The default for `--workers`: one worker per core. */
export function defaultWorkerCount(): number {
  return availableParallelism();
}

/** The worker script for this build (compiled JS, or the TypeScript shim under vitest). */
export function workerFilename(): string {
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? './ts-worker.mjs' : './worker.js', here).href;
}

/** An error's message with its chain of causes. */
export function describeError(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    parts.push(cur instanceof Error ? cur.message : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(' (cause: ') + ')'.repeat(parts.length - 1);
}

/** Attempts of an independent task on workers before it runs on the calling thread. */
const WORKER_ATTEMPTS = 2;

/** A fixed set of worker threads. */
export class WorkerPool {
  readonly threads: number;
  private readonly piscina: Piscina;
  private readonly log: (line: string) => void;
  private closed = false;
  /**
   * SIGTERM/SIGINT while the pool is open: exit at once with the signal's code. Exiting
   * terminates the worker threads (no task outlives the process, nothing is left running), and
   * doing it before the tasks' promises reject keeps a caller from reporting them as failures.
   */
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.closed = true;
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  /** Tasks that failed on a worker (thrown or worker died). */
  failures = 0;

  constructor(opts: WorkerPoolOptions) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) throw new PodfitError('PODFIT_ERR_PARALLEL_THREADS', `a pool needs at least one thread, got ${opts.threads}`);
    this.threads = opts.threads;
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.piscina = new Piscina({
      filename: workerFilename(),
      minThreads: opts.threads,
      maxThreads: opts.threads,
      // Workers stay for the life of the pool (each holds a batch replica while it runs).
      idleTimeout: 2 ** 31 - 1,
      concurrentTasksPerWorker: 1,
    });
    this.piscina.on('error', (e: unknown) => this.report('a worker failed outside a task', e));
    process.on('SIGTERM', this.onSignal);
    process.on('SIGINT', this.onSignal);
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Logs a failure with its cause. */
  report(what: string, e: unknown): void {
    this.log(`podfit: ${what}: ${describeError(e)}`);
  }

  /** Runs one task on a worker (no retry: the caller decides). */
  run<R>(task: WorkerTask): Promise<R> {
    if (this.closed) return Promise.reject(new PodfitError('PODFIT_ERR_PARALLEL_CLOSED', 'the worker pool is closed'));
    return this.piscina.run(task) as Promise<R>;
  }

  /**
   * Independent tasks, spread over the workers (one task per worker at a time), results in
   * input order. A task that fails is reported, retried on a worker, then run by `inThread`.
   */
  runEach<R>(tasks: readonly WorkerTask[], inThread: (task: WorkerTask) => Promise<R>): Promise<R[]> {
    return Promise.all(tasks.map((t) => this.runOne(t, inThread)));
  }

  /**
   * Runs `job` once per element of `argsList`, spread over the workers like runEach, results in
   * input order; a task that keeps failing on workers runs `job.run` on the calling thread.
   */
  runJobs<A, R>(job: Job<A, R>, argsList: readonly A[]): Promise<R[]> {
    return Promise.all(argsList.map((args) => this.runOne(jobTask(job, args), () => job.run(args))));
  }

  private async runOne<R>(task: WorkerTask, inThread: (task: WorkerTask) => Promise<R>): Promise<R> {
    for (let attempt = 1; attempt <= WORKER_ATTEMPTS && !this.closed; attempt++) {
      try {
        return await this.run<R>(task);
      } catch (e) {
        this.failures++;
        const next = attempt < WORKER_ATTEMPTS ? 'retrying on a worker' : 'running it on the main thread';
        this.report(`${taskName(task)} task failed on a worker (attempt ${attempt}), ${next}`, e);
      }
    }
    return inThread(task);
  }

  /** Stops the workers (tasks still running fail); idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    process.off('SIGTERM', this.onSignal);
    process.off('SIGINT', this.onSignal);
    await this.piscina.destroy();
  }
}

/** How a task is named in failure reports: its kind, and a job's export. */
function taskName(task: WorkerTask): string {
  return task.kind === 'job' ? `job ${task.exportName}` : task.kind;
}

let shared: WorkerPool | undefined;

/** The process's pool with `threads` workers (an existing pool of another size is closed first). */
export async function workerPool(threads: number, log?: (line: string) => void): Promise<WorkerPool> {
  if (shared && !shared.isClosed && shared.threads === threads) return shared;
  if (shared) await shared.close();
  shared = new WorkerPool({ threads, log });
  return shared;
}

/** Closes the process's pool, if any. */
export async function closeWorkerPool(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.close();
}

/**
 * V8 compiles hot functions (TurboFan) and runs parts of the garbage collector on a pool of
 * background threads: four by default, whatever the machine. podfit schedules on one thread (the
 * main thread; worker threads only when `--workers` pays), so on a machine with few cores those
 * four threads take turns on the core the scheduling thread needs, exactly while its code is being
 * optimized: on this 2-core machine a cold `podfit bench SchedulingBasic/5000Nodes` spent about 20
 * of its ~55 ms window off the CPU (BENCHMARKS.md, "One engine", session 7). With one background
 * thread per core left over (`--v8-pool-size`, cores - 1, at least 1) the scheduling thread keeps its
 * core and compilation still runs beside it.
 *
 * The pool size is a Node option that only takes effect at start-up (NODE_OPTIONS allows it too), so
 * the CLI runs itself once more with it when it was started without one on a machine where the
 * default oversubscribes: the child inherits stdin, stdout, stderr and the environment, hears the
 * signals the parent gets (FORWARDED), and its exit code (or signal) becomes the parent's.
 * `PODFIT_V8_POOL_SIZE=default` keeps V8's default and the single process; `PODFIT_V8_POOL_SIZE=N`
 * asks for N threads.
 *
 * The child also keeps the memory glibc's malloc frees (GLIBC_TUNABLES, MALLOC_TRIM_THRESHOLD):
 * by default freed memory at the top of a heap is given back to the kernel, and TurboFan, which
 * mallocs and frees megabytes of zone memory per function it optimizes, then takes a page fault
 * for every page of the next function's zones. A page fault costs 12-16 µs on this project's VMs
 * (Firecracker): a cold SchedulingBasic window's compile thread took 400-900 of them, and the
 * scheduling thread waits for that thread's code (BENCHMARKS.md, "One engine", session 8).
 * A trim threshold given in GLIBC_TUNABLES is kept; other C libraries ignore the variable.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Node's default --v8-pool-size. */
const NODE_DEFAULT_POOL = 4;
/**
 * Signals the parent hears while the child runs, passed on. A signal sent to the whole process
 * group (Ctrl-C in a terminal, `timeout`, a service manager) reaches the child twice, directly and
 * from here: `podfit serve` and `podfit scheduler` take a repeat within a second as the same
 * request (onStopSignal); every other command ends on the first either way.
 */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP'];

/** The pool size podfit runs with on `cores` cores, or null for V8's default. */
export function v8PoolSize(cores: number): number | null {
  const size = Math.max(1, cores - 1);
  return size >= NODE_DEFAULT_POOL ? null : size;
}

/** Freed heap memory glibc keeps before giving any back (its default is 128 KiB). */
export const MALLOC_TRIM_THRESHOLD = 64 * 1024 * 1024;

/** GLIBC_TUNABLES for the child: the given ones, with malloc's trim threshold unless they set it. */
export function childTunables(given: string | undefined): string {
  const setting = `glibc.malloc.trim_threshold=${MALLOC_TRIM_THRESHOLD}`;
  if (given === undefined || given === '') return setting;
  if (given.split(':').some((t) => t.startsWith('glibc.malloc.trim_threshold='))) return given;
  return `${given}:${setting}`;
}

/** Whether Node was started with a pool size already (on the command line or in NODE_OPTIONS). */
function poolSizeGiven(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  const given = (a: string) => a === '--v8-pool-size' || a.startsWith('--v8-pool-size=');
  return execArgv.some(given) || (nodeOptions ?? '').split(/\s+/).some(given);
}

/**
 * What PODFIT_V8_POOL_SIZE asks for: nothing (unset or empty), V8's default (`default`), or a
 * pool of that many threads (a positive integer). Anything else throws a message naming it.
 */
export function requestedPoolSize(value: string | undefined): number | 'default' | null {
  if (value === undefined || value === '') return null;
  if (value === 'default') return 'default';
  if (/^[1-9][0-9]{0,3}$/.test(value)) return Number(value);
  throw new Error(`PODFIT_V8_POOL_SIZE: expected "default" or a positive integer, got ${JSON.stringify(value)}`);
}

/**
 * Runs `script` again in a child Node with the pool size for this machine (or PODFIT_V8_POOL_SIZE's)
 * and returns its exit code, or returns null when this process should run the CLI itself (a size
 * was given to Node, the default fits the machine, or PODFIT_V8_POOL_SIZE=default). A bad
 * PODFIT_V8_POOL_SIZE is reported on stderr with exit code 2.
 */
export async function relaunch(script: string): Promise<number | null> {
  let requested: number | 'default' | null;
  try {
    requested = requestedPoolSize(process.env.PODFIT_V8_POOL_SIZE);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 2;
  }
  if (requested === 'default') return null;
  const size = requested ?? v8PoolSize(availableParallelism());
  if (size === null || poolSizeGiven(process.execArgv, process.env.NODE_OPTIONS)) return null;
  const env = { ...process.env, GLIBC_TUNABLES: childTunables(process.env.GLIBC_TUNABLES) };
  const child = spawn(process.execPath, [`--v8-pool-size=${size}`, ...process.execArgv, script, ...process.argv.slice(2)], { stdio: 'inherit', env });
  const forward = (sig: NodeJS.Signals) => {
    child.kill(sig);
  };
  for (const sig of FORWARDED) process.on(sig, forward);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve({ code: c, signal: s }));
  });
  for (const sig of FORWARDED) process.off(sig, forward);
  if (signal !== null) {
    // End the way the child ended (a shell then sees 128 + the signal's number).
    process.kill(process.pid, signal);
    return 128;
  }
  return code ?? 1;
}

/**
 * The worker of the batch pool (pool.ts): piscina calls the default export with one WorkerTask
 * (messages.ts). A batch session claims chunks of a queue until the batch ends (speculate.ts);
 * a job runs a function defined outside parallel/ (a `podfit bench` repetition, say), imported
 * by module URL; a probe answers pool tests. Errors keep their message and cause across the
 * thread boundary.
 */
import { threadId } from 'node:worker_threads';
import type { JobTask, ProbeTask, SessionTask, WorkerTask } from './messages.js';
import { runSession } from './speculate.js';
// The worker is an entry point: it wires the built-in plugins as the CLI does.
import { REGISTRY } from '../plugins/registry.js';
import { PodfitError } from '../model/error-codes.js';

/** Runs one task. */
export default async function run(task: WorkerTask): Promise<unknown> {
  switch (task.kind) {
    case 'session':
      return runSession(task satisfies SessionTask, REGISTRY);
    case 'job':
      return runJob(task);
    case 'probe':
      return probe(task);
  }
}

/**
 * A job: its module is imported once per worker (the import cache keeps it), then its export is
 * called with the task's arguments in this worker's own thread.
 */
async function runJob(task: JobTask): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(task.moduleUrl)) as Record<string, unknown>;
  } catch (e) {
    throw new PodfitError('PODFIT_ERR_PARALLEL_JOB', `cannot load the job module ${task.moduleUrl}`, { cause: e });
  }
  const fn = mod[task.exportName];
  if (typeof fn !== 'function') throw new PodfitError('PODFIT_ERR_PARALLEL_JOB', `${task.moduleUrl} exports no function "${task.exportName}"`);
  return (fn as (args: unknown) => unknown)(task.args);
}

/** Pool self-test: the thread id, after an optional delay, or the failure asked for. */
async function probe(task: ProbeTask): Promise<number> {
  if (task.delayMs) await new Promise((r) => setTimeout(r, task.delayMs));
  if (task.exit) process.exit(1);
  if (task.throwMessage !== undefined) throw new Error(task.throwMessage, { cause: new Error('ProbeTask.throwMessage') });
  return threadId;
}

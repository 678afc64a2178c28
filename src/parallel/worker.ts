/**
 * The worker of the batch pool (pool.ts): piscina calls the default export with one WorkerTask
 * (messages.ts). A batch session claims chunks of a queue until the batch ends (speculate.ts);
 * a bench task is one independent `podfit bench` repetition with its own kernels and state;
 * a probe answers pool tests. Errors keep their message and cause across the thread boundary.
 */
import { threadId } from 'node:worker_threads';
import { createKernels } from '../kernel/engine.js';
import { runBench, type BenchResult } from '../workloads/runner.js';
import type { BenchTask, ProbeTask, SessionResult, SessionTask, WorkerTask } from './messages.js';
import { runSession } from './speculate.js';
// The worker is an entry point: it wires the built-in plugins as the CLI does.
import { REGISTRY } from '../plugins/registry.js';

/** Runs one task. */
export default async function run(task: WorkerTask): Promise<SessionResult | BenchResult | number> {
  switch (task.kind) {
    case 'session':
      return runSession(task satisfies SessionTask, REGISTRY);
    case 'bench':
      return runBenchTask(task);
    case 'probe':
      return probe(task);
  }
}

/** One benchmark repetition, scheduled in this worker's own thread. */
async function runBenchTask(task: BenchTask): Promise<BenchResult> {
  const kernels = await createKernels(task.engine);
  return runBench({
    workload: task.workload, nodes: task.nodes, initPods: task.initPods, pods: task.pods, seed: task.seed,
    config: task.config, kernels, registry: REGISTRY, workers: 0,
  });
}

/** Pool self-test: the thread id, after an optional delay, or the failure asked for. */
async function probe(task: ProbeTask): Promise<number> {
  if (task.delayMs) await new Promise((r) => setTimeout(r, task.delayMs));
  if (task.exit) process.exit(1);
  if (task.throwMessage !== undefined) throw new Error(task.throwMessage, { cause: new Error('ProbeTask.throwMessage') });
  return threadId;
}

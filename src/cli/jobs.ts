/**
 * Pool jobs the CLI defines: a worker thread imports this module by its URL and calls the export
 * (src/parallel/pool.ts runJobs). They wire the built-in plugins as the commands do, so nothing
 * below the CLI imports the plugin registry.
 */
import type { Job } from '../parallel/messages.js';
import { REGISTRY } from '../plugins/registry.js';
import { runBenchRepetition, type BenchRepetition, type BenchResult } from '../workloads/runner.js';

/** One `podfit bench --repeat` repetition, in the calling thread. */
export function benchRepetition(rep: BenchRepetition): Promise<BenchResult> {
  return runBenchRepetition(rep, REGISTRY);
}

/** Repetitions as pool jobs (one per worker thread). */
export const BENCH_REPETITION_JOB: Job<BenchRepetition, BenchResult> = {
  moduleUrl: import.meta.url,
  exportName: 'benchRepetition',
  run: benchRepetition,
};

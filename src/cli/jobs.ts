/**
 * Pool jobs the CLI defines: a worker thread imports this module by its URL and calls the export
 * (src/parallel/pool.ts runJobs). They wire the built-in plugins as the commands do, so nothing
 * below the CLI imports the plugin registry.
 */
import { InputError } from '../api/errors.js';
import type { FieldValidation } from '../api/known-fields.js';
import { readScenario, type Scenario } from '../api/scenario-files.js';
import { buildClusterState, loadClusterSnapshot, type LoadedCluster, type LoadProgress } from '../cluster/snapshot.js';
import { createKernels } from '../kernel/engine.js';
import type { EngineName, Kernels } from '../kernel/kernels.js';
import type { Job } from '../parallel/messages.js';
import { REGISTRY } from '../plugins/registry.js';
import type { ScenarioSummary } from '../whatif/result.js';
import { ScenarioRun, withTimeLimit, type QuestionPart } from '../whatif/scenario.js';
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

/** What a worker needs to answer some parts of a scenario: it reads the files itself. */
export interface WhatifPartsArgs {
  /** The scenario file (not standard input: a worker reads it again). */
  readonly scenario: string;
  readonly validation: FieldValidation;
  readonly seed: number;
  readonly engine: EngineName;
  readonly parts: readonly QuestionPart[];
  /** `--time-limit`: minNodes questions' time limit over the scenario's. */
  readonly timeLimitSeconds?: number;
  /** Also return the run's summary (one worker does). */
  readonly summary: boolean;
}

/**
 * The answers of a worker: the parts' values in the order asked, and the summary if asked; or the
 * scenario's InputError as data (an error loses its class between threads, and bad input is no
 * worker failure to retry).
 */
export interface WhatifPartsAnswer {
  readonly summary?: ScenarioSummary;
  readonly answers: unknown[];
  readonly inputError?: { readonly message: string; readonly field?: string };
}

/** Loads a scenario's cluster on the engine's memory (or null for an empty cluster). */
export function loadScenarioCluster(scenario: Scenario, kernels: Kernels, onLoad?: LoadProgress): LoadedCluster | null {
  return scenario.cluster !== null ? buildClusterState(loadClusterSnapshot(scenario.cluster, onLoad), scenario.cluster, kernels.createTableMemory(), onLoad) : null;
}

/** Some parts of a scenario's questions, in the calling thread: the files read, the steps run, the parts answered. */
export async function whatifParts(args: WhatifPartsArgs): Promise<WhatifPartsAnswer> {
  try {
    const scenario = withTimeLimit(readScenario(args.scenario, { validation: args.validation }), args.timeLimitSeconds);
    const kernels = await createKernels(args.engine);
    const run = new ScenarioRun(scenario, { engine: { kernels, registry: REGISTRY, seed: args.seed }, cluster: loadScenarioCluster(scenario, kernels) });
    // The summary first: the last part works on the cluster after the steps itself (no copy).
    const summary = args.summary ? { summary: run.summary } : {};
    return { ...summary, answers: args.parts.map((p, i) => run.answer(p, i === args.parts.length - 1)) };
  } catch (e) {
    if (e instanceof InputError) return { answers: [], inputError: { message: e.message, ...(e.field !== undefined ? { field: e.field } : {}) } };
    throw e;
  }
}

/** Parts of a scenario as pool jobs (`podfit whatif --workers`). */
export const WHATIF_PARTS_JOB: Job<WhatifPartsArgs, WhatifPartsAnswer> = {
  moduleUrl: import.meta.url,
  exportName: 'whatifParts',
  run: whatifParts,
};

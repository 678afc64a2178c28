/**
 * What a question runner gets: copies of the cluster after the steps (its own, so questions never
 * see each other's changes), the scenario's shapes, and where it is in the file for messages.
 * One file per question type beside this one, and one line in index.ts's table.
 */
import type { SchedulerConfig } from '../../api/config.js';
import type { QuestionType } from '../../api/scenario.js';
import type { ScenarioQuestion } from '../../api/scenario-files.js';
import type { PodInfo } from '../../model/pod-info.js';
import type { JobRunner } from '../minnodes/jobs.js';
import type { OnPlaced } from '../place.js';
import type { QuestionResult } from '../result.js';
import type { StepContext } from '../steps.js';
import type { WhatifWorld } from '../world.js';

/** What every question reads. */
export interface QuestionContext {
  /** The scenario file, for messages. */
  readonly file: string;
  /**
   * A copy of the cluster after the steps, scheduling with `config` (default: the scenario's).
   * A part takes one world (afterSteps or stepsUnder, once): the run's last part gets the cluster
   * itself rather than a copy (scenario.ts ScenarioRun.answer), and a second call throws.
   */
  readonly afterSteps: (config?: SchedulerConfig) => WhatifWorld;
  /**
   * The cluster after the steps as `config` would leave it: the steps run again under it when one
   * of them schedules (schedule, drain), else a copy of the cluster after the steps.
   */
  readonly stepsUnder: (config: SchedulerConfig) => WhatifWorld;
  /** The scenario's pod templates (maxReplicas questions), defaulted and decoded: shapes for fragmentation. */
  readonly templates: readonly PodInfo[];
  /** For step-like messages (`targetNodes`). */
  readonly stepContext: StepContext;
  readonly onPlaced?: OnPlaced;
}

/** A question of type T, its files read. */
export type QuestionOf<T extends QuestionType> = Extract<ScenarioQuestion, { type: T }>;

/** Answers one question. */
export type QuestionRunner<T extends QuestionType> = (q: QuestionOf<T>, ctx: QuestionContext) => QuestionResult;

/**
 * A question type: its answer in independent parts (each on its own copy of the cluster, so
 * `--workers` may run them on other threads: a compare's profiles), and how the parts join. Parts
 * are plain data (they cross threads).
 */
export interface QuestionDef<T extends QuestionType> {
  /** How many independent parts the question has (1 for most). */
  readonly parts: (q: QuestionOf<T>) => number;
  readonly runPart: (q: QuestionOf<T>, part: number, ctx: QuestionContext) => unknown;
  readonly join: (q: QuestionOf<T>, parts: readonly unknown[]) => QuestionResult;
  /**
   * A part with its own work on a worker pool (`--workers` when the command runs the questions
   * here: minNodes' heuristic portfolio); the same value as runPart. Absent: runPart.
   */
  readonly runPartOn?: (q: QuestionOf<T>, part: number, ctx: QuestionContext, runner: JobRunner) => Promise<unknown>;
}

/** A question answered in one part. */
export function singlePart<T extends QuestionType>(run: QuestionRunner<T>): QuestionDef<T> {
  return { parts: () => 1, runPart: (q, _i, ctx) => run(q, ctx), join: (_q, parts) => parts[0] as QuestionResult };
}

/**
 * What a question runner gets: copies of the cluster after the steps (its own, so questions never
 * see each other's changes), the scenario's shapes, and where it is in the file for messages.
 * One file per question type beside this one, and one line in index.ts's table.
 */
import type { SchedulerConfig } from '../../api/config.js';
import type { QuestionType } from '../../api/scenario.js';
import type { ScenarioQuestion } from '../../api/scenario-files.js';
import type { PodInfo } from '../../model/pod-info.js';
import type { OnPlaced } from '../place.js';
import type { QuestionResult } from '../result.js';
import type { StepContext } from '../steps.js';
import type { WhatifWorld } from '../world.js';

/** What every question reads. */
export interface QuestionContext {
  /** The scenario file, for messages. */
  readonly file: string;
  /** A copy of the cluster after the steps, scheduling with `config` (default: the scenario's). */
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

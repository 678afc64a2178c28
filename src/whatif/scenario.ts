/**
 * Running a `podfit whatif` scenario (its files read by api/scenario-files.ts): the steps in order
 * on the cluster, then each question on its own copy of the cluster after the steps (the last
 * part on that cluster itself, which nothing reads after it: the same answer, no copy). The same
 * scenario, cluster and seed give the same result, byte for byte: pods are named and timed from
 * the scenario, never from the clock, and every scheduler (one per copy) starts from the seed.
 *
 * A question's answer comes in parts (questions/types.ts QuestionDef: a compare's profiles), each
 * on its own copy, so the parts can run anywhere: `runScenario` answers them in order here;
 * `--workers` hands them to worker threads, each of which builds the same run (ScenarioRun) and
 * answers the parts it was given, and joins them (scenarioResult): the same result.
 */
import type { SchedulerConfig } from '../api/config.js';
import type { Scenario } from '../api/scenario-files.js';
import type { LoadedCluster } from '../cluster/snapshot.js';
import { ClusterObjects } from '../model/cluster-objects.js';
import { ClusterState } from '../model/cluster-state.js';
import type { PodInfo } from '../model/pod-info.js';
import type { JobRunner } from './minnodes/jobs.js';
import type { OnPlaced } from './place.js';
import { questionDef } from './questions/index.js';
import { maxReplicasTemplate } from './questions/max-replicas.js';
import type { QuestionContext } from './questions/types.js';
import type { ScenarioSummary, WhatifResult } from './result.js';
import { runStep, stepSchedules, type StepContext } from './steps.js';
import { clusterUsage } from './usage.js';
import { WhatifWorld, type WhatifEngine } from './world.js';

/** Where a run is, for a progress bar: the stage, and pods decided of the stage's. */
export type ScenarioProgress = (stage: string, done: number, total: number) => void;

/** How a scenario runs. */
export interface ScenarioRunOptions {
  readonly engine: WhatifEngine;
  /**
   * The cluster (cluster/snapshot.ts buildClusterState on the engine's memory), or null for an
   * empty one. The run changes it: the steps apply to it, and the last question part works on it.
   */
  readonly cluster: LoadedCluster | null;
  readonly onProgress?: ScenarioProgress;
}

/** One part of one question's answer: questions[question], part `part` of its QuestionDef. */
export interface QuestionPart {
  readonly question: number;
  readonly part: number;
}

/** The time base when the cluster has no pods (pods the scenario makes are timed from it). */
const EMPTY_CLUSTER_TIME_MS = Date.UTC(2025, 0, 1);

/**
 * The creation time of what step i makes: one second per step after the newest pod of the cluster,
 * so at equal priority the queue takes the cluster's pending pods first, then each step's in order.
 */
function timeBase(cluster: LoadedCluster | null): (index: number) => string {
  let newest = EMPTY_CLUSTER_TIME_MS;
  if (cluster) {
    for (const n of cluster.state.nodes) for (const p of n.pods) if (p.creationMs > newest) newest = p.creationMs;
    for (const p of cluster.pending) if (p.creationMs > newest) newest = p.creationMs;
  }
  const base = Math.ceil(newest / 1000) * 1000;
  return (index) => new Date(base + (index + 1) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The world the scenario starts from. */
function initialWorld(s: Scenario, opts: ScenarioRunOptions): WhatifWorld {
  const c = opts.cluster;
  const state = c?.state ?? new ClusterState(opts.engine.kernels.createTableMemory());
  const objects = c?.objects ?? new ClusterObjects();
  const daemonSets = c?.snapshot.others.get('DaemonSet') ?? [];
  return WhatifWorld.create(opts.engine, s.config.config, state, objects, c?.pending ?? [], daemonSets);
}

/** A scenario with its steps applied: the summary, and the questions' parts to answer. */
export class ScenarioRun {
  readonly summary: ScenarioSummary;
  private readonly world: WhatifWorld;
  private readonly start: WhatifWorld | undefined;
  private readonly templates: PodInfo[];
  private readonly timeOf: (index: number) => string;

  /** Applies the steps (throws InputError when one cannot apply). */
  constructor(readonly scenario: Scenario, private readonly opts: ScenarioRunOptions) {
    const s = scenario;
    const warnings: string[] = [...s.warnings, ...(opts.cluster?.warnings ?? [])];
    this.world = initialWorld(s, opts);
    for (const w of this.world.scheduler.warnings) if (!warnings.includes(w)) warnings.push(w);
    this.timeOf = timeBase(opts.cluster);
    // The start, kept for compare questions whose profiles must run the scheduling steps themselves.
    const replays = s.steps.some(stepSchedules) && s.questions.some((q) => q.type === 'compare');
    this.start = replays ? this.world.clone() : undefined;
    const before = clusterUsage(this.world.state);
    const steps = s.steps.map((step, i) => runStep(this.world, step, i, this.stepContext('steps', warnings)));
    this.summary = {
      file: s.file,
      cluster: s.cluster,
      config: s.config.name === 'default' ? null : s.config.name,
      seed: opts.engine.seed,
      before,
      after: clusterUsage(this.world.state),
      steps,
      warnings,
    };
    this.templates = s.questions.flatMap((q) => (q.type === 'maxReplicas' ? [maxReplicasTemplate(q, s.file)] : []));
  }

  private stepContext(stage: string, warnings: string[]): StepContext {
    const p = this.opts.onProgress;
    const onPlaced: OnPlaced | undefined = p ? (done, total) => p(stage, done, total) : undefined;
    return { file: this.scenario.file, timeOf: this.timeOf, warnings, ...(onPlaced ? { onPlaced } : {}) };
  }

  /** Every part of every question, in order. */
  parts(): QuestionPart[] {
    return scenarioParts(this.scenario);
  }

  /**
   * Answers one part, on copies of the cluster after the steps (this run is not changed). With
   * `last`, the part is the last this run answers: it works on the cluster after the steps itself
   * (WhatifWorld.handOver), the same answer without the copy, and the run answers nothing after it.
   */
  answer(p: QuestionPart, last = false): unknown {
    const q = this.scenario.questions[p.question]!;
    return questionDef(q).runPart(q, p.part, this.questionContext(p, last));
  }

  /** Answers one part with the help of a worker pool when its question has a use for one; the same value as answer(). */
  async answerOn(p: QuestionPart, runner: JobRunner, last = false): Promise<unknown> {
    const q = this.scenario.questions[p.question]!;
    const def = questionDef(q);
    const ctx = this.questionContext(p, last);
    return def.runPartOn ? def.runPartOn(q, p.part, ctx, runner) : def.runPart(q, p.part, ctx);
  }

  /**
   * The parts' view of the cluster after the steps: copies, or for the last part the worlds
   * themselves (a part takes one world, so the handover happens once; questions/types.ts).
   */
  private questionContext(p: QuestionPart, last: boolean): QuestionContext {
    const q = this.scenario.questions[p.question]!;
    const steps = this.stepContext(q.name, this.summary.warnings as string[]);
    const take = (w: WhatifWorld, config?: SchedulerConfig) => (last ? w.handOver(config) : w.clone(config));
    const ctx: QuestionContext = {
      file: this.scenario.file,
      afterSteps: (config?: SchedulerConfig) => take(this.world, config),
      stepsUnder: (config: SchedulerConfig) => {
        if (!this.start) return take(this.world, config);
        const w = take(this.start, config);
        this.scenario.steps.forEach((step, i) => runStep(w, step, i, { ...steps, warnings: [] }));
        return w;
      },
      templates: this.templates,
      stepContext: steps,
      ...(steps.onPlaced ? { onPlaced: steps.onPlaced } : {}),
    };
    return ctx;
  }
}

/** Every part of every question of a scenario, in order (known before anything runs). */
export function scenarioParts(s: Scenario): QuestionPart[] {
  return s.questions.flatMap((q, question) => Array.from({ length: questionDef(q).parts(q) }, (_, part) => ({ question, part })));
}

/** The result of a run from its summary and the answers to its parts (in `parts()` order). */
export function scenarioResult(s: Scenario, summary: ScenarioSummary, answers: readonly unknown[]): WhatifResult {
  let k = 0;
  const questions = s.questions.map((q) => {
    const def = questionDef(q);
    const n = def.parts(q);
    const parts = answers.slice(k, k + n);
    k += n;
    return def.join(q, parts);
  });
  return { scenario: summary, questions };
}

/** Whether a scenario has a question that runs its own work on a worker pool (runPartOn: minNodes). */
export function usesPool(s: Scenario): boolean {
  return s.questions.some((q) => questionDef(q).runPartOn !== undefined);
}

/** runScenario with the questions that can use it (usesPool) on a worker pool: the same result. */
export async function runScenarioOn(s: Scenario, opts: ScenarioRunOptions, runner: JobRunner): Promise<WhatifResult> {
  const run = new ScenarioRun(s, opts);
  const parts = run.parts();
  const answers: unknown[] = [];
  for (const [i, p] of parts.entries()) answers.push(await run.answerOn(p, runner, i === parts.length - 1));
  return scenarioResult(s, run.summary, answers);
}

/**
 * The scenario with every minNodes question's time limit set to `seconds` (`--time-limit`
 * overrides the file's `timeLimit`).
 */
export function withTimeLimit(s: Scenario, seconds: number | undefined): Scenario {
  if (seconds === undefined) return s;
  return { ...s, questions: s.questions.map((q) => (q.type === 'minNodes' ? { ...q, timeLimitSeconds: seconds } : q)) };
}

/** Runs a scenario here: the steps, then every question. Throws InputError when a step or question cannot apply. */
export function runScenario(s: Scenario, opts: ScenarioRunOptions): WhatifResult {
  const run = new ScenarioRun(s, opts);
  const parts = run.parts();
  return scenarioResult(s, run.summary, parts.map((p, i) => run.answer(p, i === parts.length - 1)));
}

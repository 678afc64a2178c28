/**
 * Running a `podfit whatif` scenario (its files read by api/scenario-files.ts): the steps in order
 * on the cluster, then each question on its own copy of the cluster after the steps. The same
 * scenario, cluster and seed give the same result, byte for byte: pods are named and timed from
 * the scenario, never from the clock, and every scheduler (one per copy) starts from the seed.
 */
import type { SchedulerConfig } from '../api/config.js';
import type { Scenario } from '../api/scenario-files.js';
import type { LoadedCluster } from '../cluster/snapshot.js';
import { ClusterObjects } from '../model/cluster-objects.js';
import { ClusterState } from '../model/cluster-state.js';
import type { PodInfo } from '../model/pod-info.js';
import type { OnPlaced } from './place.js';
import { runQuestion } from './questions/index.js';
import { maxReplicasTemplate } from './questions/max-replicas.js';
import type { QuestionContext } from './questions/types.js';
import type { QuestionResult, StepResult, WhatifResult } from './result.js';
import { runStep, stepSchedules, type StepContext } from './steps.js';
import { clusterUsage } from './usage.js';
import { WhatifWorld, type WhatifEngine } from './world.js';

/** Where a run is, for a progress bar: the stage, and pods decided of the stage's. */
export type ScenarioProgress = (stage: string, done: number, total: number) => void;

/** How a scenario runs. */
export interface ScenarioRunOptions {
  readonly engine: WhatifEngine;
  /** The cluster (cluster/snapshot.ts buildClusterState on the engine's memory), or null for an empty one. */
  readonly cluster: LoadedCluster | null;
  readonly onProgress?: ScenarioProgress;
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

/** Runs the steps on `world` (changing it); their results. */
function runSteps(s: Scenario, world: WhatifWorld, ctx: StepContext): StepResult[] {
  return s.steps.map((step, i) => runStep(world, step, i, ctx));
}

/** Runs a scenario: the steps, then the questions. Throws InputError when a step or question cannot apply. */
export function runScenario(s: Scenario, opts: ScenarioRunOptions): WhatifResult {
  const warnings: string[] = [...s.warnings, ...(opts.cluster?.warnings ?? [])];
  const world = initialWorld(s, opts);
  for (const w of world.scheduler.warnings) if (!warnings.includes(w)) warnings.push(w);
  const progress = (stage: string): OnPlaced | undefined => (opts.onProgress ? (done, total) => opts.onProgress!(stage, done, total) : undefined);
  const timeOf = timeBase(opts.cluster);
  const stepCtx = (stage: string, sink: string[]): StepContext => ({ file: s.file, timeOf, warnings: sink, onPlaced: progress(stage) });

  // The start, kept for compare questions whose profiles must run the scheduling steps themselves.
  const replays = s.steps.some(stepSchedules) && s.questions.some((q) => q.type === 'compare');
  const start = replays ? world.clone() : undefined;
  const before = clusterUsage(world.state);
  const steps = runSteps(s, world, stepCtx('steps', warnings));
  const after = clusterUsage(world.state);

  const templates: PodInfo[] = s.questions.flatMap((q) => (q.type === 'maxReplicas' ? [maxReplicasTemplate(q, s.file)] : []));
  const questions: QuestionResult[] = s.questions.map((q) => {
    const ctx: QuestionContext = {
      file: s.file,
      afterSteps: (config?: SchedulerConfig) => world.clone(config),
      stepsUnder: (config: SchedulerConfig) => {
        if (!start) return world.clone(config);
        const w = start.clone(config);
        runSteps(s, w, stepCtx(`${q.name}: steps`, []));
        return w;
      },
      templates,
      stepContext: stepCtx(q.name, warnings),
      onPlaced: progress(q.name),
    };
    return runQuestion(q, ctx);
  });
  return {
    scenario: {
      file: s.file,
      cluster: s.cluster,
      config: s.config.name === 'default' ? null : s.config.name,
      seed: opts.engine.seed,
      before,
      after,
      steps,
      warnings,
    },
    questions,
  };
}

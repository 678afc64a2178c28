/**
 * `podfit bench` for scheduler_perf workloads (a performance-config.yaml, or podfit's built-in
 * ones in bench/workloads/perf/): one resolved workload run on a fresh cluster, reported as
 * scheduler_perf reports it (SchedulingThroughput, per-pod latency percentiles, the threshold
 * check) plus podfit's own figures (placement checksum, nodes used, utilisation).
 */
import { fileURLToPath } from 'node:url';
import type { SchedulerConfig } from '../../api/config.js';
import type { PerfPlan } from '../../api/perf-plan.js';
import type { PluginRegistry } from '../../framework/interfaces.js';
import { Scheduler } from '../../framework/scheduler.js';
import type { Kernels } from '../../kernel/kernels.js';
import { ClusterObjects } from '../../model/cluster-objects.js';
import { ClusterState } from '../../model/cluster-state.js';
import { PodfitError } from '../../model/error-codes.js';
import { settleHeap } from '../runner.js';
import { PerfExecutor, type PerfWindow } from './executor.js';
import type { PercentileSummary } from './metrics.js';

/** podfit's built-in workloads: a performance-config.yaml of its own, in the same format. */
export const BUILTIN_PERF_CONFIG = fileURLToPath(new URL('../../../bench/workloads/perf/performance-config.yaml', import.meta.url));

/** What one run of a scheduler_perf workload reports (`podfit bench -o json`). */
export interface PerfBenchResult {
  workload: string;
  /** `ok`: ran; `failed`: a wait could not complete (scheduler_perf would fail it); `skipped`: not run, see reason. */
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  labels: readonly string[];
  params: Readonly<Record<string, number | string | boolean>>;
  featureGates: Readonly<Record<string, boolean>>;
  engine: string;
  kernels: string;
  seed: number;
  nodes: number;
  pods: { created: number; scheduled: number; unschedulable: number; gated: number; deleted: number; preempted: number };
  /** Pods scheduled in the measured window, and its length. */
  measuredPods: number;
  windowMs: number;
  /** The ticker interval; shortened (not scheduler_perf's 1 s) for windows under 20 s, rates scaled to pods/s. */
  sampleIntervalMs: number;
  sampleIntervalShortened: boolean;
  samples: number;
  /** SchedulingThroughput (pods/s) of the first measured window; null when no sample was taken. */
  throughput: PercentileSummary | null;
  /** Per-pod scheduling attempt latency (µs) in that window. */
  latencyUs: PercentileSummary | null;
  /** kube's threshold (pods/s) for this workload, null when it has none; ratio = average / threshold. */
  threshold: number | null;
  thresholdRatio: number | null;
  /** average > threshold (scheduler_perf's check); null without a threshold or a value. */
  thresholdMet: boolean | null;
  placementChecksum: string;
  nodesUsed: number;
  /** Requested / allocatable over all nodes, per resource (extended resources summed as `extended`). */
  utilisation: Record<string, number>;
  /** Every measured window, when there is more than one. */
  windows?: PerfWindow[];
  durationMs: number;
}

/** What to run. */
export interface PerfBenchSpec {
  readonly plan: PerfPlan;
  readonly config: SchedulerConfig;
  readonly kernels: Kernels;
  readonly registry: PluginRegistry;
  readonly seed: number;
  readonly onProgress?: (done: number, total: number) => void;
}

const BASIC_RESOURCES = ['cpu', 'memory', 'ephemeral-storage', 'pods'];

function utilisation(state: ClusterState): Record<string, number> {
  const out: Record<string, number> = {};
  const sums = new Map<string, [number, number]>();
  for (const resource of state.table.slots.names) {
    const key = BASIC_RESOURCES.includes(resource) ? resource : 'extended';
    const acc = sums.get(key) ?? [0, 0];
    for (const n of state.nodes) {
      acc[0] += state.requestedOf(n, resource);
      acc[1] += state.allocatableOf(n, resource);
    }
    sums.set(key, acc);
  }
  for (const [k, [req, alloc]] of sums) if (alloc > 0) out[k] = Math.round((req / alloc) * 10000) / 10000;
  return out;
}

/** A result for a workload that was not run. */
export function skippedResult(plan: Pick<PerfPlan, 'id'> & { entry: PerfPlan['entry'] }, reason: string, kernels: Kernels, seed: number): PerfBenchResult {
  const e = plan.entry;
  return {
    workload: plan.id, status: 'skipped', reason, labels: e.labels, params: e.params, featureGates: e.featureGates,
    engine: kernels.engine, kernels: kernels.variant, seed, nodes: 0,
    pods: { created: 0, scheduled: 0, unschedulable: 0, gated: 0, deleted: 0, preempted: 0 },
    measuredPods: 0, windowMs: 0, sampleIntervalMs: 0, sampleIntervalShortened: false, samples: 0,
    throughput: null, latencyUs: null, threshold: e.threshold > 0 ? e.threshold : null, thresholdRatio: null, thresholdMet: null,
    placementChecksum: '', nodesUsed: 0, utilisation: {}, durationMs: 0,
  };
}

/** Runs one workload on a fresh cluster. */
export async function runPerfBench(spec: PerfBenchSpec): Promise<PerfBenchResult> {
  const state = new ClusterState(spec.kernels.createTableMemory());
  const objects = new ClusterObjects();
  const scheduler = new Scheduler({ state, config: spec.config, kernels: spec.kernels, registry: spec.registry, seed: spec.seed, objects });
  const exec = new PerfExecutor({ plan: spec.plan, scheduler, objects, settle: settleHeap, ...(spec.onProgress ? { onProgress: spec.onProgress } : {}) });
  let run;
  try {
    run = await exec.run();
  } catch (e) {
    if (e instanceof PodfitError && e.code === 'PODFIT_ERR_STATE_TOO_MANY_RESOURCES') {
      return skippedResult(spec.plan, `${e.message}: the workload needs more distinct resource names than podfit's NodeTable holds`, spec.kernels, spec.seed);
    }
    throw e;
  }
  const w = run.windows[0];
  const e = spec.plan.entry;
  const threshold = e.threshold > 0 ? e.threshold : null;
  const avg = w?.throughput?.average;
  return {
    workload: spec.plan.id,
    status: run.failure ? 'failed' : 'ok',
    ...(run.failure ? { reason: run.failure } : {}),
    labels: e.labels, params: e.params, featureGates: e.featureGates,
    engine: spec.kernels.engine, kernels: spec.kernels.variant, seed: spec.seed,
    nodes: state.nodes.length,
    pods: { created: run.created, scheduled: run.scheduled, unschedulable: run.unschedulable, gated: run.gated, deleted: run.deleted, preempted: run.preempted },
    measuredPods: w?.pods ?? 0, windowMs: w?.durationMs ?? 0,
    sampleIntervalMs: w?.sampleIntervalMs ?? 0, sampleIntervalShortened: w?.sampleIntervalShortened ?? false, samples: w?.samples ?? 0,
    throughput: w?.throughput ?? null, latencyUs: w?.latencyUs ?? null,
    threshold,
    thresholdRatio: threshold !== null && avg !== undefined ? Math.round((avg / threshold) * 100) / 100 : null,
    thresholdMet: threshold !== null && avg !== undefined ? avg > threshold : null,
    placementChecksum: run.placementChecksum,
    nodesUsed: state.nodes.reduce((k, n) => k + (n.pods.length > 0 ? 1 : 0), 0),
    utilisation: utilisation(state),
    ...(run.windows.length > 1 ? { windows: run.windows } : {}),
    durationMs: Math.round(run.durationMs * 1000) / 1000,
  };
}

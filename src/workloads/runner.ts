/**
 * Runs a benchmark workload through the real Scheduler: every measured pod goes through a full
 * scheduling cycle, assume (Reserve + state update + Permit) and the binding cycle, in queue
 * order, and every decision is folded into a placement checksum.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SchedulerConfig } from '../api/config.js';
import { Scheduler, type CommitOutcome } from '../framework/scheduler.js';
import type { PluginRegistry } from '../framework/interfaces.js';
import { createKernels } from '../kernel/engine.js';
import type { EngineName, Kernels } from '../kernel/kernels.js';
import { ClusterState } from '../model/cluster-state.js';
import type { TableMemory } from '../model/node-table.js';
import type { PodInfo } from '../model/pod-info.js';
import { nodeFromTemplate, podInfosFromTemplate } from '../model/templates.js';
import type { BatchStats } from '../parallel/batch.js';
import type { ReplicaCluster, ReplicaPods, SessionFaults } from '../parallel/messages.js';
import type { WorkerPool } from '../parallel/pool.js';
import { batchPays, measureBatch } from './batch.js';
import { PlacementChecksum } from './checksum.js';
import { PERF_NODE_PREFIX, PERF_NODE_TEMPLATE, PERF_POD_TEMPLATE } from './scheduling-basic.js';

/** Workloads `podfit bench` knows. */
export const WORKLOADS = ['SchedulingBasic'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** What to run. */
export interface BenchSpec {
  readonly workload: WorkloadName;
  readonly nodes: number;
  /** Pods placed before measuring (scheduler_perf's initPods). */
  readonly initPods: number;
  /** Measured pods. */
  readonly pods: number;
  readonly seed: number;
  readonly config: SchedulerConfig;
  readonly kernels: Kernels;
  /** The plugins profiles are built from (handed in by whoever wires podfit). */
  readonly registry: PluginRegistry;
  readonly memory?: TableMemory;
  /** Worker threads for the measured pods (src/parallel/batch.ts); 0 or absent: this thread only. */
  readonly workers?: number;
  /** The pool those workers come from (required when workers > 0). */
  readonly pool?: WorkerPool | null;
  /** Use the workers whatever the size (tests; by default small runs stay in this thread, batchPays). */
  readonly forceBatch?: boolean;
  /** Batch tuning and test hooks. */
  readonly batch?: {
    readonly chunkPods?: number;
    readonly windowChunks?: number;
    readonly faults?: SessionFaults;
    readonly adaptive?: boolean;
    readonly maxSessions?: number;
  };
}

/** What `podfit bench -o json` prints. */
export interface BenchResult {
  workload: WorkloadName;
  engine: string;
  /** Kernel build: js, wasm-simd or wasm-scalar. */
  kernels: string;
  nodes: number;
  initPods: number;
  pods: number;
  scheduled: number;
  unschedulable: number;
  durationMs: number;
  throughput: { average: number };
  latencyUs: { p50: number; p90: number; p99: number; max: number };
  placementChecksum: string;
  /** Worker threads that scheduled with the main thread (0: the main thread alone). */
  workers: number;
  /** Batch counters when workers took part (or why they could not). */
  batch?: BatchStats;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

/**
 * A workload's nodes and queue as templates (init pods first, then the measured ones): what
 * buildWorkload builds, and what a batch's workers rebuild their replica from.
 */
export function workloadTemplates(spec: Pick<BenchSpec, 'workload' | 'nodes' | 'initPods' | 'pods'>): {
  cluster: ReplicaCluster & { kind: 'template' };
  pods: ReplicaPods & { kind: 'template' };
} {
  return {
    cluster: { kind: 'template', template: PERF_NODE_TEMPLATE, namePrefix: PERF_NODE_PREFIX, count: spec.nodes },
    pods: { kind: 'template', template: PERF_POD_TEMPLATE, runs: [{ namePrefix: 'init-pod-', count: spec.initPods }, { namePrefix: 'pod-', count: spec.pods }] },
  };
}

/** Builds the cluster and pods of a workload. */
export function buildWorkload(spec: Pick<BenchSpec, 'workload' | 'nodes' | 'initPods' | 'pods' | 'memory'>): { state: ClusterState; init: PodInfo[]; measured: PodInfo[] } {
  const { cluster, pods } = workloadTemplates(spec);
  const state = new ClusterState(spec.memory);
  for (let i = 0; i < cluster.count; i++) state.addNode(nodeFromTemplate(cluster.template, cluster.namePrefix, i));
  // Clones of one template are one pod class (model/pod-info.ts podClassKey).
  const [init = [], measured = []] = pods.runs.map((run) => podInfosFromTemplate(pods.template, run.namePrefix, run.count));
  return { state, init, measured };
}

/**
 * A full garbage collection before the measured phase, so collecting the workload's setup (tens
 * of MB of freshly built nodes and pods) is not billed to the first measured pods. Benchmark
 * harnesses do the same; the collections caused by the measured pods themselves stay measured.
 */
export function settleHeap(): void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (() => void) | undefined;
    gc?.();
  } catch {
    // Without a collector hook the measurement simply includes that collection.
  }
}

/**
 * Schedules one pod end to end (the cycle, then Scheduler.commit); returns the chosen node or
 * null, synchronously when the binding cycle is (an in-memory binder), else as a promise.
 */
export function scheduleAndBind(scheduler: Scheduler, pod: PodInfo): string | null | Promise<string | null> {
  const fw = scheduler.frameworkFor(pod);
  if (!fw) return null;
  const cs = fw.newCycleState();
  const r = scheduler.schedulePod(pod, {}, fw, cs);
  const node = r.selectedNode;
  if (!node) return null;
  return nodeOf(scheduler.commit(fw, cs, pod, node), node);
}

function nodeOf(c: CommitOutcome, node: string): string | null | Promise<string | null> {
  switch (c.kind) {
    case 'bound':
      return node;
    case 'rejected':
      return null;
    case 'binding':
      return c.result.then((done) => nodeOf(done, node));
  }
}

/**
 * Schedules and binds `pods` in order, as scheduleAndBind one after the other would: runs of one
 * class go through Scheduler.scheduleRun (class batching's decisions committed in one loop), the
 * rest pod by pod. `decided` hears of every pod in order with its node or null.
 */
export async function scheduleInOrder(scheduler: Scheduler, pods: readonly PodInfo[], decided: (pod: PodInfo, node: string | null) => void): Promise<void> {
  const committed = (pod: PodInfo, node: string | null): boolean => {
    decided(pod, node);
    return true;
  };
  for (let i = 0; i < pods.length;) {
    const p = pods[i]!;
    const fw = p.classKey !== undefined ? scheduler.frameworkFor(p) : undefined;
    if (fw !== undefined) {
      const run = scheduler.scheduleRun(fw, pods, i, committed);
      i += run.count;
      if (run.stopped !== null) {
        const { result, cs } = run.stopped;
        const r = result.selectedNode === null ? null : nodeOf(scheduler.commit(fw, cs, pods[i]!, result.selectedNode), result.selectedNode);
        decided(pods[i++]!, r instanceof Promise ? await r : r);
        continue;
      }
      if (run.count > 0) continue;
    }
    const r = scheduleAndBind(scheduler, p);
    decided(p, r instanceof Promise ? await r : r);
    i++;
  }
}

/** Runs a workload and measures it. */
export async function runBench(spec: BenchSpec): Promise<BenchResult> {
  // The NodeTable lives in the engine's memory (WASM linear memory for wasm): kernels read it in place.
  const { state, init, measured } = buildWorkload({ ...spec, memory: spec.memory ?? spec.kernels.createTableMemory() });
  const scheduler = new Scheduler({ state, config: spec.config, kernels: spec.kernels, registry: spec.registry, seed: spec.seed });
  const checksum = new PlacementChecksum();
  const lat = new Float64Array(measured.length);
  let scheduled = 0;
  let durationMs: number;
  let batch: BatchStats | undefined;
  const workers = spec.workers ?? 0;
  if (workers > 0 && spec.pool && (spec.forceBatch || batchPays(spec.nodes, measured.length, 0))) {
    // Init pods go through the same path (workers warm up on them as the main thread does in
    // the sequential loop); the clock starts when the last one is committed.
    const source = { ...workloadTemplates(spec), ...spec.batch };
    const m = await measureBatch(scheduler, init, measured, spec.pool, workers, source, checksum, lat, settleHeap);
    durationMs = m.durationMs;
    scheduled = m.scheduled;
    batch = m.stats;
  } else {
    // Room for every placement now, not by rehashes of the placement table while pods are scheduled.
    state.reservePlacements(init.length + measured.length);
    await scheduleInOrder(scheduler, init, (p, node) => checksum.add(p.key, node));
    settleHeap();
    const t0 = performance.now();
    let k = 0;
    let last = t0;
    await scheduleInOrder(scheduler, measured, (p, node) => {
      // A pod's attempt begins when the one before it ended (runs of one class have no gap between).
      const now = performance.now();
      lat[k++] = (now - last) * 1000;
      last = now;
      if (node) scheduled++;
      checksum.add(p.key, node);
    });
    durationMs = performance.now() - t0;
  }
  lat.sort();
  return {
    workload: spec.workload,
    engine: spec.kernels.engine,
    kernels: spec.kernels.variant,
    nodes: spec.nodes,
    initPods: spec.initPods,
    pods: measured.length,
    scheduled,
    unschedulable: measured.length - scheduled,
    durationMs: Math.round(durationMs * 1000) / 1000,
    throughput: { average: Math.round((measured.length / (durationMs / 1000)) * 10) / 10 },
    latencyUs: {
      p50: Math.round(percentile(lat, 0.5) * 10) / 10,
      p90: Math.round(percentile(lat, 0.9) * 10) / 10,
      p99: Math.round(percentile(lat, 0.99) * 10) / 10,
      max: Math.round(percentile(lat, 1) * 10) / 10,
    },
    placementChecksum: checksum.digest(),
    workers: batch?.workers ?? 0,
    ...(batch ? { batch } : {}),
  };
}

/** One `podfit bench --repeat` repetition, as plain data (it runs on a worker thread). */
export type BenchRepetition = Pick<BenchSpec, 'workload' | 'nodes' | 'initPods' | 'pods' | 'seed' | 'config'> & {
  readonly engine: EngineName;
};

/** Runs one repetition with its own kernels and state, in the calling thread (cli/jobs.ts runs it on workers). */
export async function runBenchRepetition(rep: BenchRepetition, registry: PluginRegistry): Promise<BenchResult> {
  const { engine, ...spec } = rep;
  return runBench({ ...spec, registry, kernels: await createKernels(engine), workers: 0 });
}

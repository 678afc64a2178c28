/**
 * The measured phase of `podfit bench` on the batch path (src/parallel/batch.ts): the same queue
 * in the same order as the sequential loop, with pods speculated on worker threads and committed
 * here. Placements and the checksum are those of sequential scheduling; only the time differs.
 */
import { performance } from 'node:perf_hooks';
import type { Scheduler } from '../framework/scheduler.js';
import type { PodInfo } from '../model/pod-info.js';
import { BatchScheduler, defaultChunkPods, type BatchOptions, type BatchStats } from '../parallel/batch.js';
import { podClassKey } from '../model/pod-info.js';
import type { WorkerPool } from '../parallel/pool.js';
import type { PlacementChecksum } from './checksum.js';

/**
 * Below these sizes the pool is bypassed: the break-even of the measured phase on the 2-core
 * machine of BENCHMARKS.md "Workers" (worker start-up and replica building happen before the
 * clock, as the main thread's own set-up does). A session speculates one pod per speculation key
 * and chunk, so the main thread is left with deciding and committing; that pays from 100 nodes
 * (1.4x at 100 x 3,000; 50 nodes: even) and from small queues up (1.4x at 100 x 500). Below 100
 * nodes the commits since a summary's epoch use up its score levels and the main thread runs most
 * cycles itself.
 */
export const BATCH_MIN_NODES = 100;
/** Queue length below which the pool is bypassed (see BATCH_MIN_NODES): a few chunks at least. */
export const BATCH_MIN_PODS = 1000;

/**
 * The break-even when most pods need a cycle of their own (few equal pods per chunk): a session
 * then saves the main thread only the scan, which pays on large clusters only (measured before
 * speculation keys: 0.82x at 5,000 x 10,000, 1.9x at 50,000 x 10,000).
 */
export const BATCH_MIN_NODES_DISTINCT = 20000;
export const BATCH_MIN_PODS_DISTINCT = 10000;

/**
 * Whether a run of this size goes to the workers. `cyclesPerPod`: the share of the queue's pods
 * a session must run a cycle for (distinct speculation keys per chunk over pods, chunkCyclesPerPod;
 * 0 for a workload of replicas, the bench's).
 */
export function batchPays(nodes: number, pods: number, cyclesPerPod = 0): boolean {
  if (cyclesPerPod > 0.25) return nodes >= BATCH_MIN_NODES_DISTINCT && pods >= BATCH_MIN_PODS_DISTINCT;
  return nodes >= BATCH_MIN_NODES && pods >= BATCH_MIN_PODS;
}

/**
 * The share of `queue`'s pods a session runs a cycle for: per chunk of the size a batch would
 * cut for `nodes` nodes, its distinct pod classes (podClassKey), summed, over the pods.
 */
export function chunkCyclesPerPod(queue: readonly PodInfo[], nodes: number): number {
  if (queue.length === 0) return 0;
  const chunk = defaultChunkPods(nodes);
  let cycles = 0;
  for (let first = 0; first < queue.length; first += chunk) {
    const keys = new Set<string>();
    for (let i = first; i < Math.min(first + chunk, queue.length); i++) keys.add(podClassKey(queue[i]!));
    cycles += keys.size;
  }
  return cycles / queue.length;
}

/** Result of the measured phase. */
export interface MeasuredBatch {
  readonly durationMs: number;
  readonly scheduled: number;
  readonly stats: BatchStats;
}

/**
 * Runs `init` then `measured` as one queue. The batch is prepared first (workers build their
 * replicas: set-up, like building the workload), then `beforeClock` (the runner settles the heap
 * there). The clock starts when the last init pod is committed (at once without init pods), as
 * the sequential loop's does after its init pods. `lat[i]` gets the time between measured pod
 * i-1's commit and pod i's, the main thread's time per pod as in the sequential loop.
 */
export async function measureBatch(
  scheduler: Scheduler, init: readonly PodInfo[], measured: readonly PodInfo[], pool: WorkerPool, workers: number,
  source: Pick<BatchOptions, 'cluster' | 'pods' | 'chunkPods' | 'windowChunks' | 'faults' | 'adaptive' | 'maxSessions'>,
  checksum: PlacementChecksum, lat: Float64Array, beforeClock: () => void,
): Promise<MeasuredBatch> {
  const queue = [...init, ...measured];
  const batch = new BatchScheduler(scheduler, queue, { pool, workers, ...source });
  await batch.prepare();
  beforeClock();
  let scheduled = 0;
  let t0 = performance.now();
  let last = t0;
  const first = init.length;
  const stats = await batch.run((i, o) => {
    const now = performance.now();
    checksum.add(queue[i]!.key, o.node);
    if (i < first) {
      if (i === first - 1) t0 = last = now;
      return;
    }
    lat[i - first] = (now - last) * 1000;
    last = now;
    if (o.node !== null) scheduled++;
  });
  // Until the last commit: ending the sessions afterwards is not scheduling.
  return { durationMs: last - t0, scheduled, stats };
}

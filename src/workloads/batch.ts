/**
 * The measured phase of `podfit bench` on the batch path (src/parallel/batch.ts): the same queue
 * in the same order as the sequential loop, with pods speculated on worker threads and committed
 * here. Placements and the checksum are those of sequential scheduling; only the time differs.
 */
import { performance } from 'node:perf_hooks';
import type { Scheduler } from '../framework/scheduler.js';
import type { PodInfo } from '../model/pod-info.js';
import { BatchScheduler, type BatchOptions, type BatchStats } from '../parallel/batch.js';
import type { WorkerPool } from '../parallel/pool.js';
import type { PlacementChecksum } from './checksum.js';

/**
 * Below these sizes the pool is bypassed: the break-even measured on the 2-core machine of
 * BENCHMARKS.md "Workers". A batch saves the main thread the cycle (a worker scores a chunk's pods
 * against one snapshot) but not the commit, and every thread warms up its own copy of the
 * cycle's code; that pays once a cycle costs well more than a commit (large clusters) and the
 * queue is long enough to amortize the warm-up. Below, the main thread alone is faster.
 */
export const BATCH_MIN_NODES = 20000;
/** Queue length below which the pool is bypassed (see BATCH_MIN_NODES). */
export const BATCH_MIN_PODS = 10000;

/** Whether a run of this size goes to the workers. */
export function batchPays(nodes: number, pods: number): boolean {
  return nodes >= BATCH_MIN_NODES && pods >= BATCH_MIN_PODS;
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

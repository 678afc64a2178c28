/**
 * The measured phase of `podfit bench` on the batch path (src/parallel/batch.ts): the same queue
 * in the same order as the sequential loop, with pods speculated on worker threads and committed
 * here. Placements and the checksum are those of sequential scheduling; only the time differs.
 */
import { performance } from 'node:perf_hooks';
import type { Scheduler } from '../framework/scheduler.js';
import type { PodInfo } from '../model/pod-info.js';
import { BatchScheduler, type BatchOptions, type BatchStats } from '../parallel/batch.js';
import { podClassKey } from '../model/pod-info.js';
import type { WorkerPool } from '../parallel/pool.js';
import type { PlacementChecksum } from './checksum.js';

/**
 * The break-even of worker speculation for pods that each need a cycle of their own (alone in
 * their class), on the 2-core machine of BENCHMARKS.md "Workers": a session then saves the main
 * thread only the scan, which pays on large clusters only (0.82x at 5,000 x 10,000, 1.9x at
 * 50,000 x 10,000).
 */
export const BATCH_MIN_NODES_DISTINCT = 20000;
export const BATCH_MIN_PODS_DISTINCT = 10000;

/**
 * Whether a queue goes to the workers: the plan's choice between class batching on this thread
 * and speculation on workers. Pods that share their class with others in the queue are decided
 * by class batching here (an O(log n) decision and a commit each: BENCHMARKS.md "Class
 * batching"), faster than the main thread can decide from worker summaries, so a queue that is
 * mostly such pods stays on this thread; workers pay only for a queue of mostly distinct pods on a
 * large cluster. `distinctShare`: the share of the queue's pods alone in their class (0 for a
 * workload of replicas, the bench's; distinctShare()).
 */
export function batchPays(nodes: number, pods: number, distinctShare: number): boolean {
  return distinctShare > 0.5 && nodes >= BATCH_MIN_NODES_DISTINCT && pods >= BATCH_MIN_PODS_DISTINCT;
}

/** The share of `queue`'s pods that are alone in their class (podClassKey) within the queue. */
export function distinctShare(queue: readonly PodInfo[]): number {
  if (queue.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const p of queue) {
    const k = podClassKey(p);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let alone = 0;
  for (const c of counts.values()) if (c === 1) alone++;
  return alone / queue.length;
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

/**
 * "Where would all my pending pods go?" (`podfit schedule --all-pending`): every pending pod of a
 * snapshot, in kube's queue order, through the batch path (src/parallel/batch.ts), each placement
 * taking its resources before the next pod is scheduled, as kube-scheduler would do it if all of
 * them arrived at once. Pods held by PreEnqueue (scheduling gates) never enter the queue.
 */
import type { ClusterObjects } from '../model/cluster-objects.js';
import type { PodInfo } from '../model/pod-info.js';
import type { Scheduler } from '../framework/scheduler.js';
import type { QueueSortPlugin } from '../framework/interfaces.js';
import type { ClusterSnapshot } from '../cluster/snapshot.js';
import { BatchScheduler, type BatchOptions, type BatchStats } from '../parallel/batch.js';
import type { WorkerPool } from '../parallel/pool.js';
import { batchPays, distinctShare } from './batch.js';
import { podClassKey } from '../model/pod-info.js';
import { PlacementChecksum } from './checksum.js';

/** One pending pod's outcome. */
export interface PendingPodResult {
  /** `<namespace>/<name>`. */
  pod: string;
  priority: number;
  /** The node it would run on, or null. */
  node: string | null;
  /** Why not (kube's FitError text, a PreEnqueue or commit failure). */
  message?: string;
  /** Preemption's nominated node and victims, when the pod would preempt. */
  nominatedNode?: string;
  victims?: string[];
  /** Held by a PreEnqueue plugin (scheduling gates): never queued. */
  gated?: true;
}

/** The JSON shape of `podfit schedule --all-pending -o json` (README documents it). */
export interface PendingReport {
  /** Queued pods in queue order, then gated pods in file order. */
  pods: PendingPodResult[];
  totals: { pending: number; scheduled: number; unschedulable: number; gated: number };
  /** Worker threads that took part (0: the main thread alone). */
  workers: number;
  seed: number;
  /** FNV-1a over `pod=node` in queue order (equal iff placements are equal). */
  placementChecksum: string;
}

/**
 * kube's activeQ order for a set of pods: the profile's QueueSort (PrioritySort: priority, then
 * creation time; podfit breaks remaining ties by pod key, priority-sort/index.ts). kube requires
 * every profile to use the same QueueSort, so the first profile's decides (config validation
 * makes sure there is one; without one the pods keep their input order).
 */
export function queueOrder(pods: readonly PodInfo[], queueSort: QueueSortPlugin | undefined): PodInfo[] {
  if (!queueSort) return [...pods];
  // Pods created in queue order (a createPods op, a template's clones) need no sort: the stable
  // sort would leave them as they are.
  let sorted = true;
  for (let i = 1; i < pods.length && sorted; i++) sorted = !queueSort.less(pods[i]!, pods[i - 1]!);
  if (sorted) return [...pods];
  return [...pods].sort((a, b) => (queueSort.less(a, b) ? -1 : queueSort.less(b, a) ? 1 : 0));
}

/** Options of scheduleAllPending. */
export interface AllPendingOptions {
  readonly scheduler: Scheduler;
  readonly snapshot: ClusterSnapshot;
  readonly fileName: string;
  /** The snapshot's pending pods (file order), already admitted. */
  readonly pending: readonly PodInfo[];
  readonly objects?: ClusterObjects;
  readonly pool: WorkerPool | null;
  readonly workers: number;
  readonly seed: number;
  /** Use the workers whatever the size (tests; by default small snapshots stay in this thread). */
  readonly forceBatch?: boolean;
  /** Batch tuning (tests). */
  readonly batch?: Pick<BatchOptions, 'chunkPods' | 'windowChunks' | 'adaptive' | 'maxSessions'>;
  /** Called as pods are decided (a progress bar): pods decided so far, of the queue's. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Schedules every pending pod in queue order; returns the report and the batch counters. */
export async function scheduleAllPending(opts: AllPendingOptions): Promise<{ report: PendingReport; stats: BatchStats }> {
  const s = opts.scheduler;
  const queued: PodInfo[] = [];
  const gated: PendingPodResult[] = [];
  for (const pod of opts.pending) {
    const fw = s.frameworkFor(pod) ?? s.defaultFramework;
    const st = fw.runPreEnqueue(pod);
    if (st) gated.push({ pod: pod.key, priority: pod.priority, node: null, message: st.message(), gated: true });
    else queued.push(pod);
  }
  const queue = queueOrder(queued, s.defaultFramework.queueSort);
  const nodes = s.state.nodes.length;
  // Every queued pod's class key, computed once here: class batching and speculation share
  // decisions among the pods of a class.
  for (const p of queue) podClassKey(p);
  const usePool = opts.workers > 0 && opts.pool !== null && (opts.forceBatch || batchPays(nodes, queue.length, distinctShare(queue)));
  const batch = new BatchScheduler(s, queue, {
    pool: usePool ? opts.pool : null,
    workers: usePool ? opts.workers : 0,
    cluster: { kind: 'objects', nodes: opts.snapshot.nodes, others: [...opts.snapshot.others], fileName: opts.fileName },
    pods: { kind: 'objects', pods: queue.map((p) => p.pod) },
    ...opts.batch,
  });
  const results: PendingPodResult[] = new Array(queue.length);
  let decided = 0;
  const stats = await batch.run((i, o) => {
    opts.onProgress?.(++decided, queue.length);
    const pod = queue[i]!;
    const r: PendingPodResult = { pod: pod.key, priority: pod.priority, node: o.node };
    if (o.node === null) {
      r.message = o.commitError ?? o.result?.message ?? 'not scheduled';
      if (o.result?.nominatedNode) r.nominatedNode = o.result.nominatedNode;
      if (o.result?.victims && o.result.victims.length > 0) r.victims = o.result.victims.map((v) => v.key);
    }
    results[i] = r;
  });
  const checksum = new PlacementChecksum();
  for (const r of results) checksum.add(r.pod, r.node);
  const scheduled = results.filter((r) => r.node !== null).length;
  return {
    report: {
      pods: [...results, ...gated],
      totals: { pending: opts.pending.length, scheduled, unschedulable: results.length - scheduled, gated: gated.length },
      workers: stats.workers,
      seed: opts.seed,
      placementChecksum: checksum.digest(),
    },
    stats,
  };
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/** Renders the report as a table: one row per pod, then the totals. */
export function pendingToTable(r: PendingReport): string {
  const header = ['#', 'POD', 'PRIORITY', 'NODE', 'REASON'];
  const rows = r.pods.map((p, i) => {
    let reason = p.message ?? '';
    if (p.gated) reason = `gated: ${reason}`;
    if (p.nominatedNode) reason += ` (preemption would nominate ${p.nominatedNode}${p.victims?.length ? `, evicting ${p.victims.join(', ')}` : ''})`;
    return [p.gated ? '-' : String(i + 1), p.pod, String(p.priority), p.node ?? '-', reason];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const lines = [header.map((h, i) => pad(h, widths[i]!)).join('  ').trimEnd()];
  for (const row of rows) lines.push(row.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd());
  const t = r.totals;
  lines.push('');
  lines.push(`${t.pending} pending: ${t.scheduled} scheduled, ${t.unschedulable} unschedulable, ${t.gated} gated`);
  lines.push(`checksum ${r.placementChecksum} (seed ${r.seed}, ${r.workers === 0 ? 'main thread' : `${r.workers} worker thread${r.workers === 1 ? '' : 's'}`})`);
  return lines.join('\n') + '\n';
}

/**
 * kube-scheduler's scheduling queue (pkg/scheduler/backend/queue/scheduling_queue.go), for the
 * standalone scheduler (`podfit scheduler`):
 *
 * - activeQ: a heap in the profile's QueueSort order (PrioritySort: priority, then creation time);
 *   `pop` takes its head and counts an attempt.
 * - backoffQ: pods waiting out their backoff, ordered by when it ends. The backoff of a pod that
 *   has had `attempts` attempts is podInitialBackoffSeconds x 2^(attempts-1), capped at
 *   podMaxBackoffSeconds (kube's calculateBackoffDuration), counted from the time it failed.
 * - unschedulablePods: pods a cycle found no node for. A cluster event that may make them fit (a
 *   node added, a node's scheduling properties changed, an assigned pod deleted) moves them all back: to backoffQ while their
 *   backoff lasts, else to activeQ (kube's movePodsToActiveOrBackoffQueue; podfit has no queueing
 *   hints, so every such event moves every unschedulable pod, as kube does for extenders). A pod
 *   that failed while such an event arrived during its cycle goes to backoffQ instead of waiting
 *   (kube's moveRequestCycle). Pods that stay longer than podMaxInUnschedulablePodsDuration (5 min)
 *   are flushed back too (flushUnschedulablePodsLeftover).
 * - gated pods: a PreEnqueue plugin (SchedulingGates) rejected them; they wait, unattempted, until
 *   an update lets PreEnqueue pass (kube keeps them in unschedulablePods with `Gated`).
 *
 * Time comes from a Clock so tests drive it; the queue starts no timers: its owner calls
 * `flushBackoffCompleted` (kube: every second) and `flushUnschedulableLeftover` (kube: every 30 s).
 */
import type { PodInfo } from '../model/pod-info.js';
import type { Status } from './status.js';

/** Milliseconds since some fixed point (Date.now in production). */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** kube's podMaxInUnschedulablePodsDuration (5 minutes). */
export const POD_MAX_IN_UNSCHEDULABLE_PODS_MS = 5 * 60_000;
/** kube flushes backoffQ every second and the leftover unschedulable pods every 30 s. */
export const BACKOFF_FLUSH_INTERVAL_MS = 1000;
export const UNSCHEDULABLE_FLUSH_INTERVAL_MS = 30_000;

/** The cluster events that move unschedulable pods (kube's framework.ClusterEvent names). */
export type QueueEvent = 'NodeAdd' | 'NodeUpdate' | 'AssignedPodDelete' | 'UnschedulableTimeout';

/** Which sub-queue a pod is in (the `queue` label of scheduler_pending_pods). */
export type SubQueue = 'active' | 'backoff' | 'unschedulable' | 'gated';

/** A pod in the queue (kube's QueuedPodInfo). */
export interface QueuedPod {
  pod: PodInfo;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When it entered its current sub-queue (or last failed). */
  timestampMs: number;
  /** When it was first added. */
  readonly initialMs: number;
  /** The gate's status while a PreEnqueue plugin holds it. */
  gatedBy: Status | null;
  where: SubQueue | 'popped';
  /** The queue's scheduling cycle when it was popped. */
  cycle: number;
}

/** Queue settings. */
export interface QueueOptions {
  /** QueueSort: true when `a` goes first. */
  readonly less: (a: PodInfo, b: PodInfo) => boolean;
  /** PreEnqueue: null to admit, else the status holding the pod back. */
  readonly preEnqueue: (pod: PodInfo) => Status | null;
  readonly podInitialBackoffSeconds: number;
  readonly podMaxBackoffSeconds: number;
  readonly clock?: Clock;
  readonly podMaxInUnschedulableMs?: number;
  /** Called when activeQ becomes non-empty (the loop waiting in pop wakes up). */
  readonly onActive?: () => void;
}

/**
 * kube's isPodUpdated: did anything but the status, resourceVersion and generation change? (A
 * status-only update, such as the scheduler's own PodScheduled condition, moves nothing.)
 */
function isPodUpdated(old: PodInfo, cur: PodInfo): boolean {
  if (old.pod === cur.pod) return false;
  const strip = (p: PodInfo) => {
    const { resourceVersion: _r, generation: _g, managedFields: _m, ...meta } = p.pod.metadata as Record<string, unknown>;
    return JSON.stringify([meta, p.pod.spec]);
  };
  return strip(old) !== strip(cur);
}

/** A binary heap over QueuedPods with a position map, so removal by key is O(log n). */
class Heap {
  private readonly items: QueuedPod[] = [];
  private readonly pos = new Map<string, number>();
  constructor(private readonly before: (a: QueuedPod, b: QueuedPod) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  peek(): QueuedPod | undefined {
    return this.items[0];
  }
  has(key: string): boolean {
    return this.pos.has(key);
  }
  push(q: QueuedPod): void {
    this.items.push(q);
    this.pos.set(q.pod.key, this.items.length - 1);
    this.up(this.items.length - 1);
  }
  pop(): QueuedPod | undefined {
    const top = this.items[0];
    if (top) this.remove(top.pod.key);
    return top;
  }
  remove(key: string): QueuedPod | undefined {
    const i = this.pos.get(key);
    if (i === undefined) return undefined;
    const q = this.items[i]!;
    const last = this.items.pop()!;
    this.pos.delete(key);
    if (i < this.items.length) {
      this.items[i] = last;
      this.pos.set(last.pod.key, i);
      this.up(i);
      this.down(this.pos.get(last.pod.key)!);
    }
    return q;
  }
  values(): readonly QueuedPod[] {
    return this.items;
  }
  private swap(i: number, j: number): void {
    const a = this.items[i]!;
    const b = this.items[j]!;
    this.items[i] = b;
    this.items[j] = a;
    this.pos.set(b.pod.key, i);
    this.pos.set(a.pod.key, j);
  }
  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(this.items[i]!, this.items[p]!)) return;
      this.swap(i, p);
      i = p;
    }
  }
  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.items.length && this.before(this.items[l]!, this.items[m]!)) m = l;
      if (r < this.items.length && this.before(this.items[r]!, this.items[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}

/** The scheduling queue. */
export class SchedulingQueue {
  readonly clock: Clock;
  private readonly active: Heap;
  private readonly backoff: Heap;
  private readonly unschedulable = new Map<string, QueuedPod>();
  private readonly gated = new Map<string, QueuedPod>();
  /** Popped and not yet returned (in a scheduling or binding cycle). */
  private readonly inFlight = new Map<string, QueuedPod>();
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly maxUnschedulableMs: number;
  /** kube's schedulingCycle and moveRequestCycle. */
  private schedulingCycle = 0;
  private moveRequestCycle = -1;

  constructor(private readonly opts: QueueOptions) {
    this.clock = opts.clock ?? SYSTEM_CLOCK;
    this.initialMs = opts.podInitialBackoffSeconds * 1000;
    this.maxMs = opts.podMaxBackoffSeconds * 1000;
    this.maxUnschedulableMs = opts.podMaxInUnschedulableMs ?? POD_MAX_IN_UNSCHEDULABLE_PODS_MS;
    this.active = new Heap((a, b) => opts.less(a.pod, b.pod));
    this.backoff = new Heap((a, b) => this.backoffExpiry(a) < this.backoffExpiry(b) || (this.backoffExpiry(a) === this.backoffExpiry(b) && opts.less(a.pod, b.pod)));
  }

  /** kube's calculateBackoffDuration: initial x 2^(attempts-1), capped at the maximum. */
  backoffDurationMs(attempts: number): number {
    let d = this.initialMs;
    for (let i = 1; i < attempts; i++) {
      d *= 2;
      if (d > this.maxMs) return this.maxMs;
    }
    return Math.min(d, this.maxMs);
  }

  /** When a pod's backoff ends. */
  backoffExpiry(q: QueuedPod): number {
    return q.timestampMs + this.backoffDurationMs(q.attempts);
  }

  private isBackingOff(q: QueuedPod, now: number): boolean {
    return q.attempts > 0 && this.backoffExpiry(q) > now;
  }

  /** Which sub-queue holds a pod, if any ('popped' while it is being scheduled). */
  whereIs(key: string): SubQueue | 'popped' | undefined {
    return this.find(key)?.where;
  }

  private find(key: string): QueuedPod | undefined {
    return this.inFlight.get(key) ?? this.unschedulable.get(key) ?? this.gated.get(key)
      ?? this.active.values().find((q) => q.pod.key === key) ?? this.backoff.values().find((q) => q.pod.key === key);
  }

  /** A pending pod seen for the first time (informer ADDED). */
  add(pod: PodInfo): void {
    const now = this.clock.now();
    if (this.has(pod.key)) {
      this.update(pod);
      return;
    }
    const q: QueuedPod = { pod, attempts: 0, timestampMs: now, initialMs: now, gatedBy: null, where: 'active', cycle: 0 };
    this.enqueueAdmitted(q);
  }

  /** True when the queue holds the pod (in any sub-queue, or popped). */
  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.gated.has(key) || this.inFlight.has(key);
  }

  /** PreEnqueue, then activeQ (or the gated set). */
  private enqueueAdmitted(q: QueuedPod): void {
    const st = this.opts.preEnqueue(q.pod);
    if (st) {
      q.gatedBy = st;
      q.where = 'gated';
      this.gated.set(q.pod.key, q);
      return;
    }
    q.gatedBy = null;
    this.toActive(q);
  }

  private toActive(q: QueuedPod): void {
    q.where = 'active';
    const wasEmpty = this.active.size === 0;
    this.active.push(q);
    if (wasEmpty) this.opts.onActive?.();
  }

  private toBackoff(q: QueuedPod): void {
    q.where = 'backoff';
    this.backoff.push(q);
  }

  /**
   * A pending pod changed (informer MODIFIED). A gated pod is admitted once PreEnqueue passes; an
   * unschedulable pod is moved back (its spec may now fit: kube's isPodUpdated); others only get
   * the new object.
   */
  update(pod: PodInfo): void {
    const key = pod.key;
    const popped = this.inFlight.get(key);
    if (popped) {
      popped.pod = pod;
      return;
    }
    const g = this.gated.get(key);
    if (g) {
      this.gated.delete(key);
      g.pod = pod;
      this.enqueueAdmitted(g);
      return;
    }
    const u = this.unschedulable.get(key);
    if (u) {
      const moved = isPodUpdated(u.pod, pod);
      u.pod = pod;
      if (!moved) return;
      this.unschedulable.delete(key);
      if (this.isBackingOff(u, this.clock.now())) this.toBackoff(u);
      else this.toActive(u);
      return;
    }
    for (const heap of [this.active, this.backoff]) {
      const q = heap.remove(key);
      if (q) {
        q.pod = pod;
        if (heap === this.active) this.toActive(q);
        else this.toBackoff(q);
        return;
      }
    }
    this.add(pod);
  }

  /** The pod is gone or bound (informer DELETED, or assigned): it leaves the queue. */
  delete(key: string): void {
    this.active.remove(key);
    this.backoff.remove(key);
    this.unschedulable.delete(key);
    this.gated.delete(key);
    this.inFlight.delete(key);
  }

  /** The head of activeQ, counted as an attempt; undefined when activeQ is empty. */
  pop(): QueuedPod | undefined {
    const q = this.active.pop();
    if (!q) return undefined;
    q.attempts++;
    q.where = 'popped';
    q.cycle = ++this.schedulingCycle;
    this.inFlight.set(q.pod.key, q);
    return q;
  }

  /** The pod was bound (or dropped): it leaves the queue for good. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * A popped pod failed. `error` (a SchedulerError, a failed binding) goes to backoffQ; an
   * unschedulable pod waits in unschedulablePods unless a move request came during its cycle
   * (kube's AddUnschedulableIfNotPresent).
   */
  requeue(q: QueuedPod, error: boolean): void {
    if (this.inFlight.get(q.pod.key) !== q) return; // deleted or re-added meanwhile
    this.inFlight.delete(q.pod.key);
    q.timestampMs = this.clock.now();
    if (error || this.moveRequestCycle >= q.cycle) this.toBackoff(q);
    else {
      q.where = 'unschedulable';
      this.unschedulable.set(q.pod.key, q);
    }
  }

  /** A cluster event that may make unschedulable pods fit: all of them move back. */
  moveAllToActiveOrBackoff(_event: QueueEvent): void {
    const now = this.clock.now();
    for (const q of this.unschedulable.values()) {
      if (this.isBackingOff(q, now)) this.toBackoff(q);
      else this.toActive(q);
    }
    this.unschedulable.clear();
    this.moveRequestCycle = this.schedulingCycle;
  }

  /** Moves pods whose backoff has ended to activeQ (kube: every second). */
  flushBackoffCompleted(): void {
    const now = this.clock.now();
    for (;;) {
      const q = this.backoff.peek();
      if (!q || this.backoffExpiry(q) > now) return;
      this.backoff.pop();
      this.toActive(q);
    }
  }

  /** Moves pods unschedulable for longer than podMaxInUnschedulablePodsDuration back (kube: every 30 s). */
  flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    for (const [key, q] of this.unschedulable) {
      if (now - q.timestampMs <= this.maxUnschedulableMs) continue;
      this.unschedulable.delete(key);
      if (this.isBackingOff(q, now)) this.toBackoff(q);
      else this.toActive(q);
    }
  }

  /** Pods per sub-queue (scheduler_pending_pods). */
  counts(): Record<SubQueue, number> {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, gated: this.gated.size };
  }

  /** The pods held by PreEnqueue, with the status that holds each. */
  gatedPods(): Array<{ pod: PodInfo; status: Status }> {
    return [...this.gated.values()].map((q) => ({ pod: q.pod, status: q.gatedBy! }));
  }
}

/**
 * Runs a resolved scheduler_perf workload (api/perf-plan.ts) on podfit's engine: the ops act on
 * one ClusterState as scheduler_perf's ops act on the API server, and every pod goes through the
 * Scheduler (class batching, the fused cycle or the general path, as its plan allows), PostFilter
 * preemption included, then assume and bind. Nothing here knows a workload by name.
 *
 * The API server and the scheduling queue are modelled as scheduler_perf exercises them:
 * - created pods enter the queue; they are scheduled in the profile's QueueSort order (priority,
 *   then creation order) when an op waits for them (createPods without skipWaitToCompletion,
 *   barrier, the end of a measured window) or when later ops need them placed;
 * - PreEnqueue (scheduling gates) keeps a pod out of the queue: it counts as Attempted, never
 *   as Scheduled;
 * - an unschedulable pod waits until a pod is deleted or a node or Service is added, then is
 *   retried (kube's unschedulable queue moved by cluster events);
 * - preemption deletes the victims and retries the preemptor at once, on its nominated node first;
 * - churn and rate-limited deletions run on the wall clock between pods, as scheduler_perf's
 *   background goroutines do; churned pods are scheduled as soon as they are created;
 * - a deleted pod that has finalizers stays (terminating, still holding its resources).
 */
import { performance } from 'node:perf_hooks';
import type { Node } from '../../api/k8s.js';
import type { ChurnTemplate, PerfPlan, PerfStep } from '../../api/perf-plan.js';
import type { Framework } from '../../framework/framework.js';
import type { CommitOutcome, ScheduleResult, Scheduler } from '../../framework/scheduler.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { ClusterObjects } from '../../model/cluster-objects.js';
import type { PodInfo } from '../../model/pod-info.js';
import { PlacementChecksum } from '../checksum.js';
import { KeyedTable } from '../../model/keyed-table.js';
import { queueOrder } from '../batch-pending.js';
import { PerfObjects } from './objects.js';
import { sampleIntervalFor, summarize, throughputSamples, type PercentileSummary } from './metrics.js';

/** scheduler_perf's limit on a waiting createPods op (then the workload fails). */
export const WAIT_LIMIT_MS = 10 * 60_000;
/** Pods between progress reports. */
const PROGRESS_EVERY = 64;
/**
 * The scheduling loop yields to the event loop at least this often (ms): kernel scratch memory of
 * dropped class batches is released by FinalizationRegistry callbacks, which only run between
 * tasks (a 5,000-node preemption workload builds and drops a batch per pod, ~0.3 MB each, and
 * ran out of WASM memory without it). A yield costs microseconds; 50 ms keeps it far below 0.1%.
 */
export const YIELD_EVERY_MS = 50;

/** One measured window (a collectMetrics op, or start..stopCollectingMetrics). */
export interface PerfWindow {
  name: string;
  namespaces: string[];
  /** Pods of the window's namespaces scheduled inside it. */
  pods: number;
  durationMs: number;
  /** Ticker interval used (1000 as scheduler_perf; shorter for short windows, rates scaled to pods/s). */
  sampleIntervalMs: number;
  sampleIntervalShortened: boolean;
  samples: number;
  /** SchedulingThroughput (pods/s); null when no sample was taken (scheduler_perf then reports none). */
  throughput: PercentileSummary | null;
  /** Per-pod scheduling attempt latency (µs): cycle, preemption and commit of each pod scheduled in the window. */
  latencyUs: PercentileSummary | null;
}

/** What a run produced (perf-bench.ts turns it into the reported result). */
export interface PerfRun {
  windows: PerfWindow[];
  /** Why the workload failed (a wait that could not complete), if it did. */
  failure?: string;
  created: number;
  scheduled: number;
  /** Pods left pending at the end, not counting gated ones. */
  unschedulable: number;
  gated: number;
  deleted: number;
  preempted: number;
  placementChecksum: string;
  durationMs: number;
}

/** Options of one run. */
export interface PerfExecOptions {
  readonly plan: PerfPlan;
  readonly scheduler: Scheduler;
  readonly objects: ClusterObjects;
  /** Called as pods are scheduled: pods decided so far, pods created so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Full collection before each measured window (runner.ts settleHeap). */
  readonly settle?: () => void;
}

class WaitFailed extends Error {}

interface Background {
  dueMs: number;
  /** Runs what is due; returns false once finished. */
  run(now: number): boolean;
  /** Deletes pods (a wait may be completed by waiting for it). */
  readonly deletes: boolean;
}

interface Collector {
  name: string;
  namespaces: Set<string>;
  selector?: Readonly<Record<string, string>>;
  t0: number;
  binds: number[];
  lat: number[];
}

const matches = (labels: Readonly<Record<string, string>>, sel: Readonly<Record<string, string>> | undefined) =>
  sel === undefined || Object.entries(sel).every(([k, v]) => labels[k] === v);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** The executor of one workload (see the file comment). */
export class PerfExecutor {
  private readonly s: Scheduler;
  private readonly fw: Framework;
  private readonly checksum = new PlacementChecksum();
  /** Pods created and not deleted, per namespace, in creation order. */
  private readonly podsByNs = new Map<string, PodInfo[]>();
  private readonly boundByNs = new Map<string, number>();
  /** Pods attempted (or gated), by key: a KeyedTable, as a Set's insert per pod is a measurable part of a cheap cycle. */
  private readonly attempted = new KeyedTable<PodInfo>((p) => p.key);
  private readonly deleted = new Set<string>();
  private readonly terminating = new Set<string>();
  private pending: PodInfo[] = [];
  private unschedulableQ: PodInfo[] = [];
  private retry = false;
  private gated = 0;
  /** Builds the nodes and pods the ops create. */
  private readonly factory: PerfObjects;
  private readonly background: Background[] = [];
  private nextDueMs = Infinity;
  private lastYieldMs = 0;
  /** When the last pod was decided (decide), and until when a class run may go on (committed). */
  private lastDecidedMs = 0;
  private runUntilMs = 0;
  private collector: Collector | null = null;
  private readonly windows: PerfWindow[] = [];
  private created = 0;
  private decided = 0;
  private scheduled = 0;
  private deletedCount = 0;
  private preempted = 0;

  constructor(private readonly o: PerfExecOptions) {
    this.s = o.scheduler;
    this.fw = o.scheduler.defaultFramework;
    this.factory = new PerfObjects(o.plan.steps.some((st) => st.op === 'createPods' && st.pods.mentionsSignature));
  }

  /** Runs every step; returns what was measured. */
  async run(): Promise<PerfRun> {
    const t0 = performance.now();
    let failure: string | undefined;
    try {
      for (const st of this.o.plan.steps) await this.step(st);
      if (this.collector) this.stopCollector();
      // Pods still queued (created with skipWaitToCompletion and never waited for) get their attempt,
      // outside any window, so `unschedulable` counts pods that do not fit.
      this.background.length = 0;
      await this.drain();
    } catch (e) {
      if (!(e instanceof WaitFailed)) throw e;
      failure = e.message;
    }
    this.background.length = 0;
    let unschedulable = 0;
    for (const p of [...this.pending, ...this.unschedulableQ]) if (!this.deleted.has(p.key)) unschedulable++;
    return {
      windows: this.windows, ...(failure ? { failure } : {}),
      created: this.created, scheduled: this.scheduled, unschedulable, gated: this.gated,
      deleted: this.deletedCount, preempted: this.preempted,
      placementChecksum: this.checksum.digest(), durationMs: performance.now() - t0,
    };
  }

  private async step(st: PerfStep): Promise<void> {
    switch (st.op) {
      case 'createNodes':
        return this.createNodes(st);
      case 'createNamespaces':
        for (let i = 0; i < st.count; i++) this.o.objects.addNamespace({ kind: 'Namespace', metadata: { name: `${st.prefix}-${i}`, labels: { ...st.labels } } });
        return;
      case 'createPods':
        return this.createPods(st);
      case 'barrier':
        return this.waitUntil(() => this.barrierMet(st), `barrier (op ${st.index})`);
      case 'sleep': {
        const end = performance.now() + st.durationMs;
        while (performance.now() < end) {
          await sleep(Math.min(end, this.nextDueMs) - performance.now());
          await this.runBackground();
        }
        return;
      }
      case 'deletePods':
        return this.deletePods(st);
      case 'churn':
        return this.churn(st);
      case 'startCollectingMetrics':
        // Pods still queued from earlier skipWaitToCompletion ops are scheduled inside the window, as in kube.
        this.startCollector(st.name, st.namespaces, st.labelSelector);
        return;
      case 'stopCollectingMetrics':
        await this.drain();
        if (this.collector) this.stopCollector();
        return;
    }
  }

  // ---- objects -------------------------------------------------------------------------------

  private addNode(node: Node): void {
    this.s.state.addNode(node);
    this.retry = true;
  }

  private createNodes(st: Extract<PerfStep, { op: 'createNodes' }>): void {
    for (let i = 0; i < st.count; i++) {
      const n = this.factory.node(st.nodes, i, st.count);
      if (st.labelStrategy) n.metadata.labels![st.labelStrategy.key] = st.labelStrategy.values[i % st.labelStrategy.values.length]!;
      if (st.uniqueLabelKey) n.metadata.labels![st.uniqueLabelKey] = `${st.uniqueLabelKey}-${i}`;
      if (this.s.state.getNode(n.metadata.name!)) throw new WaitFailed(`createNodes (op ${st.index}): node ${n.metadata.name} already exists`);
      this.addNode(n);
    }
  }

  /** Puts created pods in the queue (or holds them at PreEnqueue). */
  private enqueue(pods: readonly PodInfo[]): void {
    for (const p of pods) {
      const list = this.podsByNs.get(p.namespace);
      if (list) list.push(p);
      else this.podsByNs.set(p.namespace, [p]);
      this.created++;
      const fw = this.s.frameworkFor(p) ?? this.fw;
      if (fw.runPreEnqueue(p)) {
        this.gated++;
        this.attempted.set(p, p.keyHash);
      } else this.pending.push(p);
    }
  }

  private async createPods(st: Extract<PerfStep, { op: 'createPods' }>): Promise<void> {
    this.o.objects.noteNamespace(st.namespace);
    const pods = this.factory.pods(st.pods, st.namespace, st.count, st.signatureBatchSize);
    // Room for them in the placement and attempt tables now, not by rehashes while they are scheduled.
    this.s.state.reservePlacements(pods.length);
    this.attempted.reserve(this.attempted.size + pods.length);
    if (st.collectMetrics) {
      await this.drain();
      this.o.settle?.();
      this.enqueue(pods);
      // The event loop's turn that drain would take first (the collection and the enqueue took
      // longer than YIELD_EVERY_MS) is taken before the clock starts: it is no pod's scheduling.
      await new Promise<void>((r) => setImmediate(r));
      this.lastYieldMs = performance.now();
      this.startCollector(`${this.o.plan.id}/${st.namespace}`, [st.namespace]);
    } else this.enqueue(pods);
    if (st.skipWait) return;
    await this.waitUntil(() => (this.boundByNs.get(st.namespace) ?? 0) >= st.count, `createPods (op ${st.index}): waiting for ${st.count} scheduled pods in ${st.namespace}`);
    if (st.collectMetrics) this.stopCollector();
  }

  // ---- scheduling ----------------------------------------------------------------------------

  /**
   * Schedules one pod end to end; returns its node or null (a promise only when a binder is
   * asynchronous). `first` is the pod's cycle when it has run already (a class run stopped at it).
   */
  private scheduleOne(pod: PodInfo, t: number, first?: { readonly result: ScheduleResult; readonly cs: CycleState }): string | null | Promise<string | null> {
    const fw = this.s.frameworkFor(pod);
    if (!fw) return this.decide(pod, null, t);
    let cs = first?.cs ?? fw.newCycleState();
    let r = first?.result ?? this.s.schedulePod(pod, {}, fw, cs);
    if (r.selectedNode === null && r.nominatedNode && r.victims && r.victims.length > 0) {
      // kube deletes the victims; the preemptor's next attempt tries its nominated node first.
      for (const v of r.victims) {
        this.deletePod(v);
        this.preempted++;
      }
      (pod.pod.status ??= {}).nominatedNodeName = r.nominatedNode;
      cs = fw.newCycleState();
      r = this.s.schedulePod(pod, {}, fw, cs);
    }
    const node = r.selectedNode;
    if (node === null) return this.decide(pod, null, t);
    const c = this.s.commit(fw, cs, pod, node);
    if (c.kind !== 'binding') return this.decide(pod, c.kind === 'bound' ? node : null, t);
    return (async () => {
      let d: CommitOutcome = c;
      while (d.kind === 'binding') d = await d.result;
      return this.decide(pod, d.kind === 'bound' ? node : null, t);
    })();
  }

  /** Records a pod's outcome (checksum, counts, the measured window); `t` is when its attempt began. */
  private decide(pod: PodInfo, node: string | null, t: number): string | null {
    const done = performance.now();
    this.lastDecidedMs = done;
    this.attempted.set(pod, pod.keyHash);
    this.checksum.add(pod.key, node);
    if (node !== null) {
      this.scheduled++;
      this.boundByNs.set(pod.namespace, (this.boundByNs.get(pod.namespace) ?? 0) + 1);
      const c = this.collector;
      if (c && c.namespaces.has(pod.namespace) && matches(pod.labels, c.selector)) {
        c.binds.push(done);
        c.lat.push((done - t) * 1000);
      }
    } else this.unschedulableQ.push(pod);
    if (++this.decided % PROGRESS_EVERY === 0) this.o.onProgress?.(this.decided, this.created);
    return node;
  }

  /**
   * A class run's commit (Scheduler.scheduleRun): recorded as decide records a pod, its attempt
   * beginning when the one before it ended; the run goes on until background work is due or the
   * loop should yield.
   */
  private readonly committed = (pod: PodInfo, node: string | null): boolean => {
    this.decide(pod, node, this.lastDecidedMs);
    return this.lastDecidedMs < this.runUntilMs;
  };

  /** Schedules every queued pod (and retries unschedulable ones after a cluster event), running due background work between pods. */
  private async drain(): Promise<void> {
    for (;;) {
      if (this.retry && this.unschedulableQ.length > 0) {
        this.pending.push(...this.unschedulableQ);
        this.unschedulableQ = [];
      }
      this.retry = false;
      if (this.pending.length === 0) return;
      const queue = queueOrder(this.pending, this.fw.queueSort);
      this.pending = [];
      for (let i = 0; i < queue.length;) {
        const now = performance.now();
        if (now >= this.nextDueMs) await this.runBackground();
        if (now - this.lastYieldMs >= YIELD_EVERY_MS) {
          await new Promise<void>((r) => setImmediate(r));
          this.lastYieldMs = performance.now();
        }
        const p = queue[i]!;
        if (this.deleted.size > 0) {
          // Background deletions may have taken queued pods: one pod at a time, each checked.
          i++;
          if (this.deleted.has(p.key)) continue;
        } else {
          // Pods of one class in a row (a workload's replicas) are decided and committed as a run.
          const fw = p.classKey !== undefined ? this.s.frameworkFor(p) : undefined;
          if (fw !== undefined) {
            this.lastDecidedMs = now;
            this.runUntilMs = Math.min(this.nextDueMs, this.lastYieldMs + YIELD_EVERY_MS);
            const run = this.s.scheduleRun(fw, queue, i, this.committed);
            i += run.count;
            if (run.stopped !== null) {
              const r = this.scheduleOne(queue[i++]!, this.lastDecidedMs, run.stopped);
              if (r instanceof Promise) await r;
            }
            if (run.count > 0 || run.stopped !== null) continue;
          }
          i++;
        }
        const r = this.scheduleOne(p, performance.now());
        if (r instanceof Promise) await r;
      }
    }
  }

  /** Drains, then waits for background deletions until `done()` holds; fails like scheduler_perf's timeout otherwise. */
  private async waitUntil(done: () => boolean, what: string): Promise<void> {
    const limit = performance.now() + WAIT_LIMIT_MS;
    for (;;) {
      await this.drain();
      if (done()) return;
      if (!this.background.some((b) => b.deletes) || performance.now() > limit) {
        throw new WaitFailed(`${what}: not met (${this.unschedulableQ.length} pods unschedulable); scheduler_perf would time out and fail the workload`);
      }
      await sleep(this.nextDueMs - performance.now());
      await this.runBackground();
    }
  }

  private barrierMet(st: Extract<PerfStep, { op: 'barrier' }>): boolean {
    const nss = st.namespaces ?? [...this.podsByNs.keys()];
    for (const ns of nss) {
      for (const p of this.podsByNs.get(ns) ?? []) {
        if (!matches(p.labels, st.labelSelector)) continue;
        const ok = st.stage === 'Attempted' ? this.attempted.has(p.key, p.keyHash) : this.s.state.placementOfPod(p) !== undefined;
        if (!ok) return false;
      }
    }
    return true;
  }

  // ---- deletion, churn -------------------------------------------------------------------------

  /** Deletes a pod as the API server would: gone (freeing its node), or terminating when it has finalizers. */
  private deletePod(p: PodInfo): void {
    if (this.deleted.has(p.key) || this.terminating.has(p.key)) return;
    this.deletedCount++;
    const finalizers = (p.pod.metadata as { finalizers?: unknown }).finalizers;
    if (Array.isArray(finalizers) && finalizers.length > 0) {
      this.terminating.add(p.key);
      return;
    }
    this.deleted.add(p.key);
    if (this.s.state.removePod(p.key)) {
      this.boundByNs.set(p.namespace, (this.boundByNs.get(p.namespace) ?? 1) - 1);
    }
    const list = this.podsByNs.get(p.namespace);
    const i = list ? list.indexOf(p) : -1;
    if (i >= 0) list!.splice(i, 1);
    this.retry = true;
  }

  private async deletePods(st: Extract<PerfStep, { op: 'deletePods' }>): Promise<void> {
    await this.drain();
    const victims = (this.podsByNs.get(st.namespace) ?? []).filter((p) => matches(p.labels, st.labelSelector) && !this.terminating.has(p.key));
    if (st.perSecond <= 0) {
      for (const p of victims) this.deletePod(p);
      return;
    }
    let next = 0;
    const start = performance.now();
    const task: Background = {
      dueMs: start, deletes: true,
      run: (now) => {
        const due = Math.min(victims.length, Math.floor(((now - start) / 1000) * st.perSecond) + 1);
        while (next < due) this.deletePod(victims[next++]!);
        task.dueMs = start + (next / st.perSecond) * 1000;
        return next < victims.length;
      },
    };
    this.addBackground(task);
    await this.runBackground();
    if (!st.skipWait) {
      while (this.background.includes(task)) {
        await sleep(task.dueMs - performance.now());
        await this.runBackground();
      }
    }
  }

  private churn(st: Extract<PerfStep, { op: 'churn' }>): void {
    const slots: (string | null)[][] = st.templates.map(() => new Array(Math.max(1, st.number)).fill(null));
    let tick = 0;
    const start = performance.now();
    const task: Background = {
      dueMs: start + st.intervalMs, deletes: st.mode === 'recreate',
      run: (now) => {
        // One tick per call, as a Go ticker delivers them to a slow receiver: ticks missed while
        // the loop was busy are dropped, not caught up (so a churn slower than its interval cannot
        // starve the scheduling it is meant to disturb).
        {
          st.templates.forEach((t, i) => {
            if (st.mode === 'create') this.churnCreate(t, st.namespace);
            else {
              const slot = tick % st.number;
              const held = slots[i]![slot]!;
              if (held !== null) {
                this.churnDelete(t, held);
                slots[i]![slot] = null;
              } else slots[i]![slot] = this.churnCreate(t, st.namespace);
            }
          });
          tick++;
          task.dueMs = start + (Math.floor((now - start) / st.intervalMs) + 1) * st.intervalMs;
          if (st.mode === 'create' && st.number > 0 && tick >= st.number) return false;
        }
        return true;
      },
    };
    this.addBackground(task);
  }

  /** Creates one object of a churn template; returns its key. */
  private churnCreate(t: ChurnTemplate, namespace: string): string {
    switch (t.kind) {
      case 'Node': {
        const n = this.factory.node({ file: '', fixed: t.node, mentionsSignature: false }, 0, 1);
        this.addNode(n);
        return n.metadata.name!;
      }
      case 'Service': {
        const name = this.factory.nextName(`${namespace}/svc/${t.service.metadata.generateName ?? t.service.metadata.name}`).slice(namespace.length + 5);
        this.o.objects.addService({ ...t.service, metadata: { ...t.service.metadata, name, namespace } });
        this.retry = true;
        return `${namespace}/${name}`;
      }
      case 'Pod': {
        const [p] = this.factory.pods({ file: '', fixed: t.pod, mentionsSignature: false }, namespace, 1, 1);
        this.enqueue([p!]);
        // Churned pods go to the queue's head (they outrank or tie the queued ones): schedule now.
        const i = this.pending.indexOf(p!);
        if (i >= 0) {
          this.pending.splice(i, 1);
          void this.scheduleOne(p!, performance.now());
        }
        return p!.key;
      }
    }
  }

  private churnDelete(t: ChurnTemplate, key: string): void {
    if (t.kind === 'Node') {
      this.s.state.removeNode(key);
      return;
    }
    if (t.kind === 'Service') {
      const [ns, name] = key.split('/') as [string, string];
      this.o.objects.removeService(ns, name);
      return;
    }
    const ns = key.slice(0, key.indexOf('/'));
    const p = this.podsByNs.get(ns)?.find((x) => x.key === key);
    if (p) this.deletePod(p);
  }

  private addBackground(b: Background): void {
    this.background.push(b);
    this.nextDueMs = Math.min(this.nextDueMs, b.dueMs);
  }

  private async runBackground(): Promise<void> {
    const now = performance.now();
    for (let i = this.background.length - 1; i >= 0; i--) {
      const b = this.background[i]!;
      if (b.dueMs <= now && !b.run(now)) this.background.splice(i, 1);
    }
    this.nextDueMs = this.background.reduce((m, b) => Math.min(m, b.dueMs), Infinity);
  }

  // ---- measuring -------------------------------------------------------------------------------

  private startCollector(name: string, namespaces: readonly string[], selector?: Readonly<Record<string, string>>): void {
    if (this.collector) this.stopCollector();
    this.collector = { name, namespaces: new Set(namespaces), ...(selector ? { selector } : {}), t0: performance.now(), binds: [], lat: [] };
  }

  private stopCollector(): void {
    const c = this.collector!;
    this.collector = null;
    const t1 = performance.now();
    const { intervalMs, shortened } = sampleIntervalFor(t1 - c.t0);
    const samples = throughputSamples(c.binds, c.t0, t1, intervalMs);
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    this.windows.push({
      name: c.name, namespaces: [...c.namespaces], pods: c.binds.length, durationMs: r3(t1 - c.t0),
      sampleIntervalMs: r3(intervalMs), sampleIntervalShortened: shortened, samples: samples.length,
      throughput: summarize(samples), latencyUs: summarize(c.lat),
    });
  }
}

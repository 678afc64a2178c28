/**
 * Batch scheduling: a queue of pods (a benchmark, a snapshot's pending pods) scheduled in queue
 * order with the placements of sequential scheduling, the per-pod work spread over the pool's
 * workers (DESIGN.md "Kernels and threads": threads pay for batches, not for one pod's scan).
 *
 * The queue is cut into chunks. Each worker session (speculate.ts) claims the next chunk, reads
 * the epoch the main thread last published, and runs every pod's cycle on its replica against
 * the main thread's NodeTable in place, keeping for each pod a summary of the fused cycle's scan
 * (summary.ts) instead of a decision. The main thread goes through the chunks in order and, per
 * pod, either decides from the summary (rows committed since its epoch recomputed; one PRNG draw,
 * as the cycle would make) and commits, or, when the pod has no summary or the summary cannot
 * decide, runs the exact cycle itself. Either way it assumes and binds the pod, then publishes the
 * table's new epoch. The main thread is the only writer of the table; workers only read it.
 *
 * Nothing depends on the workers for correctness: a chunk no session was handed yet is scheduled
 * by the main thread (it never waits for idle or starting workers), so is a chunk a session left
 * to it (sessions do when the main thread would otherwise sit idle waiting for them, which splits
 * the queue while every thread is still cold), and so is the chunk of a session that throws or
 * dies (the session is then replaced). Speculation stops for the rest of the batch when the main
 * state changes in a way summaries do not track (a re-laid-out table, changed nodes), or when the
 * plan (framework/plan.ts), evaluated on the main state, no longer allows it for a pod that has a
 * summary (a trait reads what the workers' replicas lack, such as placed pods' affinity terms).
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CycleState } from '../framework/cycle-state.js';
import type { Framework } from '../framework/framework.js';
import type { CommitOutcome, Scheduler, ScheduleResult } from '../framework/scheduler.js';
import { WasmKernels, wasmKernelHandle } from '../kernel/wasm-kernels.js';
import { EXTRA_COLUMNS } from '../model/node-table.js';
import type { PodInfo } from '../model/pod-info.js';
import { FUSED_SCORE_CACHES_MAX } from '../model/limits.js';
import { numFeasibleNodesToFind } from '../framework/node-selection.js';
import { speculationObstacle } from '../framework/plan.js';
import {
  CHUNK_CLAIMED, CHUNK_DONE, CHUNK_FAILED, CHUNK_MAIN, CHUNK_PENDING, CTRL_CONSUMED, CTRL_EPOCH, CTRL_MAIN_COMMIT_NS,
  CTRL_MAIN_POS, CTRL_NEXT_CHUNK, CTRL_READY, CTRL_SESSION_POD_NS, CTRL_STOP,
  CTRL_TABLE_BASE, CTRL_TABLE_CAPACITY, CTRL_TABLE_SLOTS, CTRL_WORDS, slotBytesFor,
  type BatchSetup, type ReplicaCluster, type ReplicaPods, type SessionFaults, type SessionResult, type SessionTask,
} from './messages.js';
import type { WorkerPool } from './pool.js';
import { SlotReader, SummaryCursor, UNDECIDED, type NodeIndex } from './summary.js';

/** Batch tuning (all defaults in one place). */
export const BATCH_DEFAULTS = {
  /** Pods per chunk at most: a chunk is one claim, one table epoch and one result slot. */
  chunkPods: 128,
  /**
   * Pods per chunk at least, and nodes per chunk pod: on small clusters a chunk is cut to a third
   * of the nodes, so the commits made since a summary's epoch (about window - 1 chunks) do not use
   * up the two score levels it carries (measured: 100 nodes decided 4% of pods from summaries with
   * 128-pod chunks, 95% with 33-pod chunks).
   */
  chunkPodsMin: 16,
  nodesPerChunkPod: 3,
  /** Chunks a worker may run ahead of the commits, per worker (bounds the rows re-checked per pod). */
  windowChunksPerWorker: 3,
  /** Summaries with a full tie list that fit one result slot. */
  slotSummaries: 4,
  /** Replacement sessions per worker after failures, before the batch goes on without them. */
  restartsPerWorker: 2,
  /** How long the main thread waits on a claimed chunk before checking its session (ms). */
  waitSliceMs: 20,
  /** Slices to wait for a session that was handed a chunk but has not claimed it yet (it does at once unless it died). */
  handedWaitSlices: 10,
  /** How long a waiting session sleeps between checks of the stop flag (ms). */
  sessionWaitSliceMs: 50,
  /**
   * How far (pods) a session may speculate ahead of the main thread: the rows committed in between
   * are re-checked per summary, and must stay within the table's dirty log
   * (NODE_TABLE_DIRTY_LOG_ROWS).
   */
  leadMaxPods: 1024,
} as const;

/** How a batch is run. */
export interface BatchOptions {
  /** The pool whose workers speculate; null (or workers 0) schedules every pod in this thread. */
  readonly pool: WorkerPool | null;
  /** Sessions to run (at most the pool's threads). */
  readonly workers: number;
  /** How workers rebuild the cluster and the queue (the same inputs the main state came from). */
  readonly cluster: ReplicaCluster;
  readonly pods: ReplicaPods;
  readonly chunkPods?: number;
  readonly windowChunks?: number;
  /** Test hooks: make sessions fail (messages.ts SessionFaults). */
  readonly faults?: SessionFaults;
  /** Sessions at most (default maxSessions(): one core left to the main thread). */
  readonly maxSessions?: number;
  /**
   * Let sessions leave chunks to the main thread when it would otherwise wait for them (default
   * true; tests turn it off to have every chunk speculated).
   */
  readonly adaptive?: boolean;
}

/** What happened to one pod of the queue. */
export interface PodOutcome {
  /** The node it was bound to, or null. */
  readonly node: string | null;
  /** The cycle's result when the main thread ran the cycle (failures carry kube's message). */
  readonly result?: ScheduleResult;
  /** Why assume or bind failed, when they did. */
  readonly commitError?: string;
  /** Whether the placement came from a worker's summary. */
  readonly speculated: boolean;
}

/** Counters of a batch run. */
export interface BatchStats {
  /** Worker sessions that took part (0: every pod was scheduled in this thread). */
  workers: number;
  /** Why no worker took part although some were asked for. */
  reason?: string;
  /** Why speculation stopped during the batch, if it did (the rest ran in this thread). */
  stopped?: string;
  pods: number;
  /** Pods placed from a summary. */
  speculated: number;
  /** Pods that had a summary it could not decide from (they ran the cycle here). */
  undecided: number;
  chunks: number;
  /** Chunks the main thread scheduled itself (unclaimed, failed, or after speculation stopped). */
  chunksByMain: number;
  /** Worker sessions that threw or died. */
  sessionFailures: number;
  /**
   * Where the main thread's time went (ms): waiting for workers, deciding from summaries,
   * committing decided pods (assume + bind), running exact cycles (with their commits).
   */
  waitMs: number;
  decideMs: number;
  commitMs: number;
  cycleMs: number;
  /** Milliseconds the sessions spent speculating, summed over sessions. */
  workerBusyMs: number;
  /** Scheduling cycles the sessions ran (pods of a chunk with equal speculation keys share one). */
  workerCycles: number;
}

/**
 * Sessions a batch runs at most: one core stays with the main thread, which commits every pod.
 * Measured on 2 cores (BENCHMARKS.md "Workers"): a second session there slowed the main thread's
 * decisions and commits by more than it sped up speculation.
 */
export function maxSessions(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** Pods per chunk for a cluster of `nodes` nodes (BATCH_DEFAULTS.chunkPods*). */
export function defaultChunkPods(nodes: number): number {
  const d = BATCH_DEFAULTS;
  return Math.min(d.chunkPods, Math.max(d.chunkPodsMin, Math.floor(nodes / d.nodesPerChunkPod)));
}

type WaitAsync = (a: Int32Array, index: number, value: number, timeoutMs?: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Waits (yielding to the event loop) while a[index] === value, at most timeoutMs. */
async function waitWhile(a: Int32Array, index: number, value: number, timeoutMs: number): Promise<void> {
  const r = waitAsync(a, index, value, timeoutMs);
  if (r.async) await r.value;
}

let batchSeq = 0;

interface Session {
  readonly id: number;
  alive: boolean;
  done: Promise<void>;
  /** Byte offset of this session's share of the WASM memory (released when the batch ends). */
  readonly arena: number;
}

/** One queue scheduled as a batch (see the file comment). */
export class BatchScheduler {
  private readonly kernels: WasmKernels | null;
  private readonly chunkPods: number;
  private readonly stats: BatchStats;
  private setup: BatchSetup | null = null;
  private ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL_WORDS));
  private status = new Int32Array(new SharedArrayBuffer(4));
  private owner = new Int32Array(new SharedArrayBuffer(4));
  private readonly sessions = new Map<number, Session>();
  private sessionSeq = 0;
  /** Sessions the batch runs (replacements aside). */
  private sessionTarget = 0;
  private restarts = 0;
  private finished = false;
  private epochBase = 0;
  /** Speculation stopped for the rest of the batch (the reason, for the stats). */
  private stopped: string | null = null;
  private readonly intn: (n: number) => number;

  constructor(private readonly scheduler: Scheduler, private readonly queue: readonly PodInfo[], private readonly opts: BatchOptions) {
    const k = scheduler.defaultFramework.kernels;
    this.kernels = k instanceof WasmKernels ? k : null;
    this.chunkPods = Math.max(1, opts.chunkPods ?? defaultChunkPods(scheduler.state.nodes.length));
    this.stats = { workers: 0, pods: queue.length, speculated: 0, undecided: 0, chunks: Math.ceil(queue.length / this.chunkPods), chunksByMain: 0, sessionFailures: 0, waitMs: 0, decideMs: 0, commitMs: 0, cycleMs: 0, workerBusyMs: 0, workerCycles: 0 };
    this.intn = (n) => scheduler.prng.intn(n);
  }

  /** Why this batch cannot use workers (null when it can). */
  obstacle(): string | null {
    const o = this.opts;
    if (!o.pool || o.workers < 1) return 'no workers';
    if (o.pool.isClosed) return 'the worker pool is closed';
    if (this.queue.length === 0) return 'no pods';
    const state = this.scheduler.state;
    if (!this.kernels) return 'the js engine keeps the NodeTable out of shared memory (use --engine wasm)';
    if (!this.kernels.memory.owns(state.table.region)) return 'the NodeTable is not in the kernels\' shared memory';
    if (state.nodes.length === 0) return 'no nodes';
    for (const fw of this.scheduler.frameworks.values()) {
      // Sampled filtering never takes the fused path, so nothing could be speculated.
      if (numFeasibleNodesToFind(state.nodes.length, fw.percentageOfNodesToScore ?? this.scheduler.config.percentageOfNodesToScore) < state.nodes.length) {
        return `profile ${fw.profileName}: percentageOfNodesToScore samples nodes`;
      }
      if (!fw.plan.bindingStateless) return `profile ${fw.profileName}: ${speculationObstacle(fw.plan, fw.plan.forPod(this.queue[0]!))}`;
    }
    // The plan must allow speculation for some pod of the queue on the state as it is now.
    let first: string | null = null;
    for (const pod of this.queue) {
      const fw = this.scheduler.frameworkFor(pod);
      if (!fw) continue;
      const plan = fw.plan.forPod(pod);
      if (plan.speculation) return null;
      first ??= `pod ${pod.key}: ${speculationObstacle(fw.plan, plan)}`;
    }
    return first ?? 'no pod of the queue has a profile';
  }

  /** Starts the worker sessions and waits until each has built its replica (or failed). */
  async prepare(): Promise<void> {
    if (this.setup || this.stats.reason) return;
    const why = this.obstacle();
    if (why) {
      this.stats.reason = why;
      return;
    }
    const n = Math.min(this.opts.workers, this.opts.pool!.threads, this.stats.chunks, this.opts.maxSessions ?? maxSessions());
    this.sessionTarget = n;
    this.buildSetup(n);
    for (let i = 0; i < n; i++) this.startSession();
    for (;;) {
      const ready = Atomics.load(this.ctrl, CTRL_READY);
      const dead = [...this.sessions.values()].filter((s) => !s.alive).length;
      if (ready + dead >= this.sessions.size || this.restarts > 0) break;
      await waitWhile(this.ctrl, CTRL_READY, ready, 100);
    }
  }

  private buildSetup(sessions: number): void {
    const state = this.scheduler.state;
    const t = state.table;
    const W = this.opts.windowChunks ?? BATCH_DEFAULTS.windowChunksPerWorker * sessions;
    const n = state.nodes.length;
    const slotBytes = slotBytesFor(this.chunkPods, state.classes.length, n, BATCH_DEFAULTS.slotSummaries);
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL_WORDS));
    this.status = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, this.stats.chunks)));
    this.owner = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, this.stats.chunks)));
    const rows = new Int32Array(n);
    const classIds = new Int32Array(n);
    state.nodes.forEach((node, i) => {
      rows[i] = node.row;
      classIds[i] = node.classId;
    });
    this.epochBase = t.epoch;
    this.ctrl[CTRL_TABLE_BASE] = t.region.byteOffset;
    this.ctrl[CTRL_TABLE_CAPACITY] = t.capacity;
    this.ctrl[CTRL_TABLE_SLOTS] = t.slotCount;
    this.setup = {
      batchId: `${process.pid}-${++batchSeq}`,
      kernels: wasmKernelHandle(this.kernels!),
      config: this.scheduler.config,
      cluster: this.opts.cluster,
      pods: this.opts.pods,
      slotNames: [...t.slots.names],
      rows, classIds,
      control: this.ctrl.buffer,
      chunkStatus: this.status.buffer,
      chunkOwner: this.owner.buffer,
      slots: new SharedArrayBuffer(W * slotBytes),
      chunkPods: this.chunkPods,
      chunkCount: this.stats.chunks,
      windowChunks: W,
      slotBytes,
      adaptive: this.opts.adaptive ?? true,
      faults: this.opts.faults,
    };
  }

  /** Bytes of a session's share of the WASM memory (its fused-cycle arrays, score caches, scratch). */
  private arenaBytes(): number {
    const t = this.scheduler.state.table;
    const n = this.scheduler.state.nodes.length;
    const replicaRegion = (2 * t.slotCount + EXTRA_COLUMNS) * 8 * Math.max(64, 2 * n);
    return (4 << 20) + 8 * t.capacity * (FUSED_SCORE_CACHES_MAX + 4) + 48 * n + 2 * replicaRegion;
  }

  private startSession(): void {
    const pool = this.opts.pool!;
    const id = ++this.sessionSeq;
    const bytes = this.arenaBytes();
    const arena = this.kernels!.memory.alloc(bytes);
    const task: SessionTask = { kind: 'session', sessionId: id, arenaBase: arena, arenaEnd: arena + bytes, setup: this.setup! };
    const s: Session = { id, alive: true, arena, done: Promise.resolve() };
    this.sessions.set(id, s);
    s.done = pool.run<SessionResult>(task).then(
      (res) => {
        s.alive = false;
        this.stats.workerBusyMs += res.busyMs;
        this.stats.workerCycles += res.cycles;
      },
      (e: unknown) => {
        s.alive = false;
        this.stats.sessionFailures++;
        pool.report(`batch session ${id} failed; its chunk is scheduled on the main thread`, e);
        const max = BATCH_DEFAULTS.restartsPerWorker * this.sessionTarget;
        if (!this.finished && this.restarts < max && !pool.isClosed) {
          this.restarts++;
          this.startSession();
        }
      },
    );
  }

  /** Schedules the whole queue in order; `onPod` hears each pod's outcome as it is committed. */
  async run(onPod?: (i: number, outcome: PodOutcome) => void): Promise<BatchStats> {
    await this.prepare();
    try {
      if (!this.setup) {
        for (let i = 0; i < this.queue.length; i++) {
          const r = this.cycle(this.queue[i]!);
          onPod?.(i, r instanceof Promise ? await r : r);
        }
        this.stats.chunksByMain = this.stats.chunks;
        return this.stats;
      }
      this.stats.workers = this.sessions.size;
      await this.runChunks(onPod);
      return this.stats;
    } finally {
      await this.finish();
    }
  }

  private async runChunks(onPod?: (i: number, outcome: PodOutcome) => void): Promise<void> {
    const setup = this.setup!;
    const state = this.scheduler.state;
    const table = state.table;
    const reader = new SlotReader(setup.slots, setup.slotBytes, setup.chunkPods);
    const index = this.nodeIndex();
    const cursor = new SummaryCursor(table, index);
    const watch = { layout: table.layoutVersion, capacity: table.capacity, view: table.viewEpoch, nodes: state.nodeGeneration };
    for (let c = 0; c < setup.chunkCount; c++) {
      const st = this.stopped === null ? await this.acquire(c) : CHUNK_MAIN;
      const first = c * setup.chunkPods;
      const count = Math.min(setup.chunkPods, this.queue.length - first);
      const done = st === CHUNK_DONE && this.stopped === null;
      const epoch = done ? this.epochBase + reader.open(c % setup.windowChunks) : 0;
      if (!done) this.stats.chunksByMain++;
      const chunkStart = performance.now();
      let decided = 0;
      for (let j = 0; j < count; j++) {
        const pod = this.queue[first + j]!;
        let outcome: PodOutcome | null = null;
        let s = done && this.stopped === null && !pod.pod.status?.nominatedNodeName ? reader.podSummary(j) : -1;
        // A summary decides exactly only while the plan, on the state as it is now, allows
        // speculation for the pod (a trait may read what the worker's replica lacks: placed pods).
        if (s >= 0) {
          const fw = this.scheduler.frameworkFor(pod);
          const plan = fw?.plan.forPod(pod);
          if (!fw || !plan!.speculation) {
            s = -1;
            if (fw) this.stop(`pod ${pod.key}: ${speculationObstacle(fw.plan, plan!)}`);
          }
        }
        if (s >= 0) {
          const summary = reader.summary(s);
          if (!cursor.follows(summary)) cursor.reset(summary, epoch);
          const d0 = performance.now();
          const i = cursor.decide(this.intn);
          const d1 = performance.now();
          this.stats.decideMs += d1 - d0;
          if (i !== UNDECIDED) {
            const r = this.commit(pod, state.nodes[i]!.name);
            outcome = r instanceof Promise ? await r : r;
            this.stats.commitMs += performance.now() - d1;
            this.stats.speculated++;
            decided++;
          } else this.stats.undecided++;
        }
        if (outcome === null) {
          const c0 = performance.now();
          const r = this.cycle(pod);
          outcome = r instanceof Promise ? await r : r;
          this.stats.cycleMs += performance.now() - c0;
          if (table.layoutVersion !== watch.layout || table.capacity !== watch.capacity || table.viewEpoch !== watch.view || state.nodeGeneration !== watch.nodes) {
            this.stop('the cluster state changed shape during the batch');
          }
        }
        Atomics.store(this.ctrl, CTRL_EPOCH, table.epoch - this.epochBase);
        Atomics.store(this.ctrl, CTRL_MAIN_POS, first + j + 1);
        onPod?.(first + j, outcome);
      }
      // The commit pace, for the sessions' choice of chunks (leaveToMain in speculate.ts).
      if (count > 0 && done && decided === count) {
        const ns = ((performance.now() - chunkStart) * 1e6) / count;
        const prev = Atomics.load(this.ctrl, CTRL_MAIN_COMMIT_NS);
        Atomics.store(this.ctrl, CTRL_MAIN_COMMIT_NS, Math.min(2 ** 31 - 1, Math.round(prev === 0 ? ns : 0.5 * prev + 0.5 * ns)));
      }
      Atomics.store(this.ctrl, CTRL_CONSUMED, c + 1);
      Atomics.notify(this.ctrl, CTRL_CONSUMED);
    }
  }

  /**
   * Chunk c's fate once its speculation is over: DONE (results to commit), or MAIN/FAILED (the
   * main thread schedules it). A chunk no session was handed is taken at once (the main thread
   * never waits for idle or starting workers); one a session holds is waited for, unless the
   * session died.
   */
  private async acquire(c: number): Promise<number> {
    let slices = 0;
    for (;;) {
      const st = Atomics.load(this.status, c);
      if (st === CHUNK_DONE || st === CHUNK_FAILED || st === CHUNK_MAIN) return st;
      const session = this.sessions.get(Atomics.load(this.owner, c));
      if (st === CHUNK_CLAIMED) {
        if (session && !session.alive) return CHUNK_FAILED;
      } else {
        // Pending: take it unless a live session was just handed it (it claims or leaves it at
        // once), or, not adaptive, unless a live session will take it.
        const handed = Atomics.load(this.ctrl, CTRL_NEXT_CHUNK) > c;
        const alive = session ? session.alive : this.anyAlive();
        // Not handed yet: wait (when adaptive) only for a session that speculates faster than this
        // thread commits; running the chunk's cycles here would then cost more than the wait.
        const waitFor = alive && (handed || this.sessionsAhead() ? slices < BATCH_DEFAULTS.handedWaitSlices : !this.setup!.adaptive);
        if (!waitFor && Atomics.compareExchange(this.status, c, CHUNK_PENDING, CHUNK_MAIN) === CHUNK_PENDING) return CHUNK_MAIN;
        if (!waitFor) continue;
      }
      const w0 = performance.now();
      await waitWhile(this.status, c, st, BATCH_DEFAULTS.waitSliceMs);
      this.stats.waitMs += performance.now() - w0;
      slices++;
    }
  }

  /** Whether the sessions speculate a pod faster than this thread commits one (both measured). */
  private sessionsAhead(): boolean {
    const sessionNs = Atomics.load(this.ctrl, CTRL_SESSION_POD_NS);
    const commitNs = Atomics.load(this.ctrl, CTRL_MAIN_COMMIT_NS);
    return sessionNs > 0 && commitNs > 0 && sessionNs < commitNs;
  }

  private anyAlive(): boolean {
    for (const s of this.sessions.values()) if (s.alive) return true;
    return false;
  }

  /** Stops speculation for the rest of the batch. */
  private stop(reason: string): void {
    if (this.stopped !== null) return;
    this.stopped = reason;
    this.stats.stopped = reason;
    Atomics.store(this.ctrl, CTRL_STOP, 1);
    Atomics.notify(this.ctrl, CTRL_CONSUMED);
  }

  /** Ends the sessions and waits for them (their shares of the memory are then free to reuse). */
  private async finish(): Promise<void> {
    this.finished = true;
    if (!this.setup) return;
    Atomics.store(this.ctrl, CTRL_STOP, 1);
    Atomics.notify(this.ctrl, CTRL_CONSUMED);
    for (;;) {
      const pending = [...this.sessions.values()].filter((s) => s.alive).map((s) => s.done);
      if (pending.length === 0) break;
      await Promise.all(pending);
    }
    // No session runs any more: their shares go back to the arena (a worker's replica of this
    // batch is never used again).
    for (const s of this.sessions.values()) this.kernels!.memory.release(s.arena);
  }

  /** Node index by row, class by node index. */
  private nodeIndex(): NodeIndex {
    const state = this.scheduler.state;
    const n = state.nodes.length;
    const nodeOfRow = new Int32Array(state.table.capacity).fill(-1);
    const classOf = new Int32Array(n);
    state.nodes.forEach((node, i) => {
      nodeOfRow[node.row] = i;
      classOf[i] = node.classId;
    });
    return { nodeOfRow, classOf };
  }

  /**
   * The commit of a pod decided from a summary (assume, then the binding cycle: synchronous for
   * an in-memory binder, a promise otherwise). No cycle ran for the pod, so its CycleState is
   * empty: the plan speculates only profiles whose binding cycle reads none (plan.ts).
   */
  private commit(pod: PodInfo, nodeName: string): PodOutcome | Promise<PodOutcome> {
    const s = this.scheduler;
    const fw = s.frameworkFor(pod)!;
    s.objects?.admitPod(pod);
    return podOutcome(s.commit(fw, fw.newCycleState(), pod, nodeName), nodeName, undefined, true);
  }

  /** The exact cycle in this thread, then its commit (synchronous as in `commit` when it can be). */
  private cycle(pod: PodInfo): PodOutcome | Promise<PodOutcome> {
    const s = this.scheduler;
    const fw = s.frameworkFor(pod);
    const cs = fw ? fw.newCycleState() : new CycleState();
    const result = s.schedulePod(pod, {}, fw, cs);
    const node = result.selectedNode;
    if (!node || !fw) return { node: null, result, speculated: false };
    return podOutcome(s.commit(fw, cs, pod, node), node, result, false);
  }
}

/** A pod's outcome from its commit's. */
function podOutcome(c: CommitOutcome, node: string, result: ScheduleResult | undefined, speculated: boolean): PodOutcome | Promise<PodOutcome> {
  switch (c.kind) {
    case 'bound':
      return result ? { node, result, speculated } : { node, speculated };
    case 'rejected':
      return result ? { node: null, result, commitError: c.status.message(), speculated } : { node: null, commitError: c.status.message(), speculated };
    case 'binding':
      return c.result.then((done) => podOutcome(done, node, result, speculated));
  }
}

/**
 * The worker side of a batch: a replica of the main thread's scheduler and the loop that claims
 * chunks of the queue and speculates each pod (messages.ts has the protocol, summary.ts the
 * results and why they decide exactly).
 *
 * The replica holds the same nodes, node classes, cluster objects and profiles as the main
 * thread, built from the same inputs, but no pods: it only answers for pods on the fused fast
 * path, whose decision reads nothing but the pod, the node classes and the table rows
 * (the plan, framework/plan.ts, allows speculation from the plugins' traits; the main thread
 * checks it again on its own state before it uses a summary). Its fused
 * cycles scan the main thread's NodeTable in place in the shared WASM memory (a FusedTable view
 * over the published region); the replica's own table only serves the plugins' slot lookups.
 * Speculation hooks (FusedSpeculation) take the scan instead of a PRNG draw and abandon every
 * cycle that leaves the fused scan, so a worker spends no time on pods the main thread will
 * schedule itself.
 */
import { decodeClusterObjects } from '../api/objects.js';
import { ClusterState } from '../model/cluster-state.js';
import type { ClusterObjects } from '../model/cluster-objects.js';
import { makePodInfo, type PodInfo } from '../model/pod-info.js';
import { EXTRA_COLUMNS } from '../model/node-table.js';
import { nodeFromTemplate, podFromTemplate } from '../model/templates.js';
import { attachWasmKernels, type WasmKernels } from '../kernel/wasm-kernels.js';
import { encodeShape, shapeWords } from '../kernel/descriptors.js';
import type { FusedCycle, FusedScan, FusedSpeculation, FusedTable } from '../framework/fused-cycle.js';
import { Scheduler } from '../framework/scheduler.js';
import {
  CHUNK_CLAIMED, CHUNK_DONE, CHUNK_FAILED, CHUNK_MAIN, CHUNK_PENDING, CTRL_CONSUMED, CTRL_EPOCH, CTRL_MAIN_COMMIT_NS,
  CTRL_MAIN_POS, CTRL_NEXT_CHUNK, CTRL_READY, CTRL_SESSION_POD_NS,
  CTRL_STOP, CTRL_TABLE_BASE, CTRL_TABLE_CAPACITY, CTRL_TABLE_SLOTS, SUM_LEVELS_MAX, SUMMARY_SCAN, SUMMARY_SINGLE,
  type BatchSetup, type SessionResult, type SessionTask,
} from './messages.js';
import { BATCH_DEFAULTS } from './batch.js';
import { podClassKey } from '../model/pod-info.js';
import { SlotWriter } from './summary.js';
import type { PluginRegistry } from '../framework/interfaces.js';
import { PodfitError } from '../model/error-codes.js';

/** Thrown by the speculation hooks to abandon a cycle that left the fused scan. */
const DECLINED = Symbol('declined');



/** The main thread's table, read in place: the region published in the control block. */
class SharedTableView implements FusedTable {
  region: Float64Array = new Float64Array(0);
  capacity = 0;
  slotCount = 0;
  epoch = 0;
  layoutVersion = 0;
  readonly viewEpoch = 0;
  private base = -1;

  constructor(private readonly kernels: WasmKernels, private readonly ctrl: Int32Array) {}

  /** Re-reads the published layout, and takes `epoch` as the epoch of what will be read. */
  sync(epoch: number): void {
    const base = Atomics.load(this.ctrl, CTRL_TABLE_BASE);
    const capacity = Atomics.load(this.ctrl, CTRL_TABLE_CAPACITY);
    const slots = Atomics.load(this.ctrl, CTRL_TABLE_SLOTS);
    if (base !== this.base || capacity !== this.capacity || slots !== this.slotCount) {
      const buffer = this.kernels.memory.refreshBuffer();
      this.region = new Float64Array(buffer, base, (2 * slots + EXTRA_COLUMNS) * capacity);
      this.base = base;
      this.capacity = capacity;
      this.slotCount = slots;
      this.layoutVersion++;
    }
    this.epoch = epoch;
  }

  /** The main thread's dirty log is not here: a new epoch rescores every row (once per chunk and pod shape). */
  touchedSince(): number {
    return -1;
  }
}

/** Sink states. */
const IDLE = 0;
const FILTERED = 1;
const CAPTURED = 2;

/** Receives one cycle's scan (FusedSpeculation). */
class ScanSink implements FusedSpeculation {
  state = IDLE;
  max = 0;
  ties = 0;
  cycle: FusedCycle | null = null;

  filtered(cycle: FusedCycle, _count: number): void {
    this.state = FILTERED;
    this.cycle = cycle;
  }

  captured(cycle: FusedCycle, max: number, ties: number): number {
    this.state = CAPTURED;
    this.cycle = cycle;
    this.max = max;
    this.ties = ties;
    return 0;
  }

  decline(): void {
    throw DECLINED;
  }
}

/** A batch's replica on this worker (kept while the batch runs, for replacement sessions). */
interface Replica {
  readonly batchId: string;
  readonly kernels: WasmKernels;
  readonly state: ClusterState;
  readonly scheduler: Scheduler;
  readonly pods: PodInfo[];
  readonly view: SharedTableView;
  readonly sink: ScanSink;
  readonly classCount: number;
  readonly feasible: Int32Array;
  readonly totals: Float64Array;
  /** The summary's node list and the second level's nodes before they are appended. */
  readonly list: Int32Array;
  readonly second: Int32Array;
  readonly classFeasibleCount: Int32Array;
  readonly levelTotals: Float64Array;
  readonly levelCounts: Int32Array;
  /** Per pod of the queue: its class key (model/pod-info.ts podClassKey) as a small integer. */
  readonly podKeyIds: Int32Array;
  /** Per key id: the chunk (+1) whose result `keyResult` holds, and that result (a summary index or -1). */
  readonly keyChunk: Int32Array;
  readonly keyResult: Int32Array;
  /** Per key id: scratch of chunkCycles. */
  readonly keySeen: Int32Array;
}

let current: Replica | undefined;

/** Builds the worker's replica of a batch (or returns the one already built). */
async function replicaFor(task: SessionTask, registry: PluginRegistry): Promise<{ replica: Replica; setupMs: number }> {
  const setup = task.setup;
  if (current && current.batchId === setup.batchId) return { replica: current, setupMs: 0 };
  current = undefined;
  const t0 = performance.now();
  const kernels = await attachWasmKernels(setup.kernels, task.arenaBase, task.arenaEnd);
  const state = new ClusterState();
  // Intern the main table's slots first, in its order, so every slot number agrees.
  for (const name of setup.slotNames) state.table.slotFor(name);
  let objects: ClusterObjects | undefined;
  const cluster = setup.cluster;
  if (cluster.kind === 'template') {
    for (let i = 0; i < cluster.count; i++) state.addNode(nodeFromTemplate(cluster.template, cluster.namePrefix, i));
  } else {
    for (const n of cluster.nodes) state.addNode(n);
    objects = decodeClusterObjects(new Map(cluster.others.map(([k, v]) => [k, [...v]])), cluster.fileName);
  }
  checkReplica(state, setup);
  const scheduler = new Scheduler({ state, config: setup.config, kernels, registry, seed: 1, objects, classBatching: false });
  const ctrl = new Int32Array(setup.control);
  const view = new SharedTableView(kernels, ctrl);
  const sink = new ScanSink();
  for (const fw of scheduler.frameworks.values()) {
    fw.fused.tableSource = view;
    fw.fused.speculation = sink;
  }
  const src = setup.pods;
  const pods: PodInfo[] = [];
  if (src.kind === 'template') {
    for (const run of src.runs) for (let i = 0; i < run.count; i++) pods.push(makePodInfo(podFromTemplate(src.template, run.namePrefix, i)));
  } else {
    for (const p of src.pods) pods.push(makePodInfo(p));
  }
  if (objects) for (const p of pods) objects.admitPod(p);
  // Pods with equal keys share a summary within a chunk: one cycle per key and chunk.
  const keyIds = new Map<string, number>();
  const podKeyIds = new Int32Array(pods.length);
  for (let i = 0; i < pods.length; i++) {
    const key = podClassKey(pods[i]!);
    let id = keyIds.get(key);
    if (id === undefined) keyIds.set(key, (id = keyIds.size));
    podKeyIds[i] = id;
  }
  const n = state.nodes.length;
  const classCount = state.classes.length;
  current = {
    batchId: setup.batchId, kernels, state, scheduler, pods, view, sink, classCount,
    feasible: kernels.allocI32(Math.max(1, n)), totals: kernels.allocF64(Math.max(1, n)),
    list: new Int32Array(Math.max(1, n)), second: new Int32Array(Math.max(1, n)),
    classFeasibleCount: new Int32Array(Math.max(1, classCount)),
    levelTotals: new Float64Array(SUM_LEVELS_MAX), levelCounts: new Int32Array(SUM_LEVELS_MAX),
    podKeyIds, keyChunk: new Int32Array(keyIds.size), keyResult: new Int32Array(keyIds.size), keySeen: new Int32Array(keyIds.size),
  };
  return { replica: current, setupMs: performance.now() - t0 };
}

/** The replica must see the nodes exactly as the main thread does (rows, classes, slots). */
function checkReplica(state: ClusterState, setup: BatchSetup): void {
  const nodes = state.nodes;
  const why = (what: string) => new PodfitError('PODFIT_ERR_PARALLEL_REPLICA', `the worker's replica differs from the main state (${what})`);
  if (nodes.length !== setup.rows.length) throw why(`${nodes.length} nodes, main has ${setup.rows.length}`);
  for (let i = 0; i < nodes.length; i++) {
    if (nodes[i]!.row !== setup.rows[i] || nodes[i]!.classId !== setup.classIds[i]) throw why(`node ${nodes[i]!.name}: row/class`);
  }
  const names = state.table.slots.names;
  if (names.length !== setup.slotNames.length || names.some((s, i) => s !== setup.slotNames[i])) throw why('resource slots');
}

/** Claims and speculates chunks until the batch is over; the piscina task of a session. */
export async function runSession(task: SessionTask, registry: PluginRegistry): Promise<SessionResult> {
  const setup = task.setup;
  const { replica, setupMs } = await replicaFor(task, registry);
  const ctrl = new Int32Array(setup.control);
  const status = new Int32Array(setup.chunkStatus);
  const owner = new Int32Array(setup.chunkOwner);
  const writer = new SlotWriter(setup.slots, setup.slotBytes, setup.chunkPods);
  Atomics.add(ctrl, CTRL_READY, 1);
  Atomics.notify(ctrl, CTRL_READY);
  const stats = { sessionId: task.sessionId, chunks: 0, pods: 0, speculated: 0, summaries: 0, cycles: 0, setupMs, busyMs: 0 };
  /** This session's recent time per pod, and per cycle it ran (ns, moving averages; 0 before its first chunk). */
  let podNs = 0;
  let cycleNs = 0;
  for (;;) {
    if (Atomics.load(ctrl, CTRL_STOP) !== 0) break;
    // The next chunk is taken from the counter only once there is room for it, so a chunk handed
    // to a session is claimed or left at once (the main thread waits for handed chunks).
    const c = Atomics.load(ctrl, CTRL_NEXT_CHUNK);
    if (c >= setup.chunkCount) break;
    if (!hasRoom(ctrl, status, setup, c)) {
      Atomics.wait(ctrl, CTRL_CONSUMED, Atomics.load(ctrl, CTRL_CONSUMED), BATCH_DEFAULTS.sessionWaitSliceMs);
      continue;
    }
    if (Atomics.compareExchange(ctrl, CTRL_NEXT_CHUNK, c, c + 1) !== c) continue;
    if (setup.adaptive && leaveToMain(ctrl, status, setup.chunkPods, c, cycleNs, chunkCycles(replica, setup, c))) {
      Atomics.compareExchange(status, c, CHUNK_PENDING, CHUNK_MAIN);
      Atomics.notify(status, c);
      continue;
    }
    owner[c] = task.sessionId;
    if (Atomics.compareExchange(status, c, CHUNK_PENDING, CHUNK_CLAIMED) !== CHUNK_PENDING) continue; // the main thread took it
    stats.chunks++;
    const b0 = performance.now();
    try {
      const cycles0 = stats.cycles;
      const pods = speculateChunk(replica, setup, writer, ctrl, c, stats, task);
      const ms = performance.now() - b0;
      stats.busyMs += ms;
      const cycles = stats.cycles - cycles0;
      if (pods > 0) podNs = podNs === 0 ? (ms * 1e6) / pods : 0.5 * podNs + (0.5 * ms * 1e6) / pods;
      if (cycles > 0) cycleNs = cycleNs === 0 ? (ms * 1e6) / cycles : 0.5 * cycleNs + (0.5 * ms * 1e6) / cycles;
      Atomics.store(ctrl, CTRL_SESSION_POD_NS, Math.max(1, Math.min(2 ** 31 - 1, Math.round(podNs))));
    } catch (e) {
      Atomics.store(status, c, CHUNK_FAILED);
      Atomics.notify(status, c);
      throw e;
    }
    Atomics.store(status, c, CHUNK_DONE);
    Atomics.notify(status, c);
  }
  return stats;
}

/**
 * Whether chunk c may be speculated now: its result slot (c % window) holds no earlier chunk the
 * main thread has yet to commit, and c is at most BATCH_DEFAULTS.leadMaxPods pods ahead of the
 * main thread.
 */
function hasRoom(ctrl: Int32Array, status: Int32Array, setup: BatchSetup, c: number): boolean {
  if (c * setup.chunkPods - Atomics.load(ctrl, CTRL_MAIN_POS) > BATCH_DEFAULTS.leadMaxPods) return false;
  const consumed = Atomics.load(ctrl, CTRL_CONSUMED);
  for (let k = c - setup.windowChunks; k >= consumed; k -= setup.windowChunks) if (Atomics.load(status, k) !== CHUNK_MAIN) return false;
  return true;
}

/** Cycles chunk c takes a session: its distinct speculation keys. */
function chunkCycles(r: Replica, setup: BatchSetup, c: number): number {
  const first = c * setup.chunkPods;
  const end = Math.min(first + setup.chunkPods, r.pods.length);
  const stamp = c + 1;
  let cycles = 0;
  for (let i = first; i < end; i++) {
    const id = r.podKeyIds[i]!;
    if (r.keySeen[id] !== stamp) {
      r.keySeen[id] = stamp;
      cycles++;
    }
  }
  return cycles;
}

/**
 * Whether chunk c is better scheduled by the main thread itself. The main thread reaches c after
 * the pods before it (chunks with a summary at its commit pace, chunks it schedules itself at its
 * cycle pace); if this session could not have c ready by then, the main thread would sit idle.
 * When that idle time would be at least half of what running c's cycles costs the main thread,
 * the chunk is left to it and the session moves on to the next one: both threads then run cycles
 * (while the code is still cold and a session is no faster than the main thread's own cycles,
 * that nearly doubles the rate), and once a session outpaces the commits it takes every chunk.
 * The session runs `cycles` cycles for c (one per speculation key), the main thread one per pod,
 * each this session's cycle plus a commit. Before this session has measured itself, the chunk
 * the main thread is about to reach is left to it only when most of its pods need a cycle of
 * their own (otherwise the session has it ready after a few cycles).
 */
function leaveToMain(ctrl: Int32Array, status: Int32Array, chunkPods: number, c: number, cycleNs: number, cycles: number): boolean {
  const pos = Atomics.load(ctrl, CTRL_MAIN_POS);
  const cur = Math.floor(pos / chunkPods);
  if (cycleNs === 0) return c <= cur && 4 * cycles > chunkPods;
  const commitNs = Atomics.load(ctrl, CTRL_MAIN_COMMIT_NS) || cycleNs / 4;
  const mainCycleNs = cycleNs + commitNs;
  // When the main thread will reach chunk c.
  let arrival = 0;
  for (let k = cur; k < c; k++) {
    const pods = k === cur ? (k + 1) * chunkPods - pos : chunkPods;
    arrival += pods * (Atomics.load(status, k) === CHUNK_MAIN ? mainCycleNs : commitNs);
  }
  return cycles * cycleNs - arrival > 0.5 * mainCycleNs * chunkPods;
}

/** Speculates every pod of chunk c into its slot; returns the pod count. */
function speculateChunk(
  r: Replica, setup: BatchSetup, writer: SlotWriter, ctrl: Int32Array, c: number,
  stats: { chunks: number; pods: number; speculated: number; summaries: number; cycles: number }, task: SessionTask,
): number {
  const epoch = Atomics.load(ctrl, CTRL_EPOCH);
  r.view.sync(epoch);
  writer.begin(c % setup.windowChunks, epoch);
  const first = c * setup.chunkPods;
  const count = Math.min(setup.chunkPods, r.pods.length - first);
  const faultAt = stats.chunks === setup.faults?.exitOnChunk || stats.chunks === setup.faults?.throwOnChunk ? count >> 1 : -1;
  const last = new LastSummary();
  const stamp = c + 1;
  for (let j = 0; j < count; j++) {
    if (j === faultAt) injectFault(setup, stats.chunks, task.sessionId);
    // A pod equal to an earlier one of this chunk (the same key) gets its result: the same
    // replica, the same epoch (model/pod-info.ts podClassKey).
    const id = r.podKeyIds[first + j]!;
    let s: number;
    if (r.keyChunk[id] === stamp) s = r.keyResult[id]!;
    else {
      stats.cycles++;
      s = speculatePod(r, r.pods[first + j]!, writer, last);
      r.keyChunk[id] = stamp;
      r.keyResult[id] = s;
    }
    writer.pod(j, s);
    stats.pods++;
    if (s >= 0) stats.speculated++;
  }
  stats.summaries += last.written;
  writer.finish(count);
  return count;
}

/** Test hooks (SessionFaults). */
function injectFault(setup: BatchSetup, chunk: number, sessionId: number): void {
  if (setup.faults?.exitOnChunk === chunk) process.exit(1);
  throw new PodfitError('PODFIT_ERR_PARALLEL_INJECTED', `session ${sessionId} failed on purpose in its chunk ${chunk}`, { cause: new Error('SessionFaults.throwOnChunk') });
}

/** The previous summary of a chunk, to reuse for the next pod of the same shape and verdicts. */
class LastSummary {
  /** Key of the stored summary (`length` numbers) and of the pod at hand. */
  key = new Float64Array(64);
  length = -1;
  candidate = new Float64Array(64);
  candidateLength = 0;
  index = -1;
  written = 0;

  /** Whether the candidate key equals the stored one. */
  matches(): boolean {
    if (this.index < 0 || this.length !== this.candidateLength) return false;
    for (let i = 0; i < this.length; i++) if (this.key[i] !== this.candidate[i]) return false;
    return true;
  }

  /** The candidate becomes the stored key of summary `index`. */
  store(index: number): void {
    const k = this.key;
    this.key = this.candidate;
    this.candidate = k;
    this.length = index >= 0 ? this.candidateLength : -1;
    this.index = index;
  }
}

/** One pod's speculation: a summary index, or -1 when the main thread must run its cycle. */
function speculatePod(r: Replica, pod: PodInfo, writer: SlotWriter, last: LastSummary): number {
  const scheduler = r.scheduler;
  const fw = scheduler.frameworkFor(pod);
  if (!fw || pod.pod.status?.nominatedNodeName) return -1;
  const sink = r.sink;
  sink.state = IDLE;
  let selected: string | null;
  let feasible: number;
  try {
    const res = scheduler.schedulePod(pod, {}, fw, fw.newCycleState());
    selected = res.selectedNode;
    feasible = res.feasibleNodes;
  } catch (e) {
    if (e === DECLINED) return -1;
    throw e;
  }
  if (selected === null || sink.cycle === null) return -1;
  let kind: number;
  if (sink.state === CAPTURED) kind = SUMMARY_SCAN;
  else if (sink.state === FILTERED && feasible === 1) kind = SUMMARY_SINGLE;
  else return -1;
  const scan = SCAN;
  sink.cycle.exportScan(scan);
  const max = kind === SUMMARY_SCAN ? sink.max : 0;
  summaryKey(last, kind, max, scan, r.classCount);
  if (last.matches()) return last.index;
  // A new summary: the feasible nodes with their totals, counts per class, the top two totals
  // (levels) and their nodes in node order.
  const got = r.kernels.gatherFeasible(scan, r.feasible, r.totals);
  const perClass = r.classFeasibleCount;
  perClass.fill(0);
  const totals = r.totals;
  let top = -Infinity;
  let next = -Infinity;
  for (let k = 0; k < got; k++) {
    const cls = scan.singleClass >= 0 ? scan.singleClass : scan.classes[r.feasible[k]!]!;
    perClass[cls]!++;
    const v = totals[k]! + scan.classScore[cls]!;
    totals[k] = v;
    if (v > top) {
      next = top;
      top = v;
    } else if (v < top && v > next) next = v;
  }
  let n1 = 0;
  let n2 = 0;
  for (let k = 0; k < got; k++) {
    const v = totals[k]!;
    if (v === top) r.list[n1++] = r.feasible[k]!;
    else if (v === next) r.second[n2++] = r.feasible[k]!;
  }
  if (kind === SUMMARY_SCAN && (n1 !== sink.ties || top !== max)) {
    throw new PodfitError('PODFIT_ERR_PARALLEL_INVARIANT', `${n1} nodes at ${top} gathered, the scan counted ${sink.ties} at ${max}`);
  }
  if (kind === SUMMARY_SINGLE && got !== 1) throw new PodfitError('PODFIT_ERR_PARALLEL_INVARIANT', `${got} feasible nodes gathered for a single-node cycle`);
  r.list.set(r.second.subarray(0, n2), n1);
  r.levelTotals[0] = top;
  r.levelCounts[0] = n1;
  r.levelTotals[1] = next;
  r.levelCounts[1] = n2;
  const s = writer.add(kind, scan, r.classCount, perClass, n2 > 0 ? 2 : 1, r.levelTotals, r.levelCounts, r.list);
  last.store(s);
  if (s >= 0) last.written++;
  return s;
}

/** Scratch for exportScan. */
const SCAN: FusedScan = {
  rowTotals: new Float64Array(0), rows: null, classes: new Int32Array(0), singleClass: -1, n: 0,
  classPass: new Int32Array(0), classFeasible: new Int32Array(0), classScore: new Float64Array(0), liveClasses: [],
  count: 0, fit: { slots: new Int32Array(0), amounts: new Float64Array(0), count: 0 }, scorers: [],
};

/**
 * Writes into `last.candidate` what makes two pods' summaries interchangeable within a chunk (one
 * table epoch): kind, top total, feasible count, shape, class verdicts and scores.
 */
function summaryKey(last: LastSummary, kind: number, max: number, scan: FusedScan, classCount: number): void {
  const need = 4 + 2 * classCount + shapeWords(scan.fit, scan.scorers);
  if (last.candidate.length < need) last.candidate = new Float64Array(2 * need);
  const k = last.candidate;
  let i = 0;
  k[i++] = kind;
  k[i++] = max;
  k[i++] = scan.count;
  i = encodeShape(scan.fit, scan.scorers, k, i);
  k[i++] = classCount;
  for (let c = 0; c < classCount; c++) {
    k[i++] = scan.classPass[c]!;
    k[i++] = kind === SUMMARY_SCAN ? scan.classScore[c]! : 0;
  }
  last.candidateLength = i;
}

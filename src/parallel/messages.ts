/**
 * Everything that crosses between the main thread and the batch-scheduling workers, in one file
 * (piscina's habit): the task types piscina carries, the start-up data of a batch, and the named
 * slots of the SharedArrayBuffers both sides read and write while a batch runs. The pool of the
 * extender's body parsing (json-parse-pool.ts) is separate and has its own messages.
 *
 * A batch (src/parallel/batch.ts) cuts its queue of pods into chunks. Workers claim chunks in
 * order, score every pod of a chunk speculatively against the NodeTable as it stood at one table
 * epoch (the main thread's table, read in place in the shared WASM memory) and write a compact
 * summary per pod into the chunk's result slot; the main thread commits pods in queue order,
 * re-checking only the table rows committed since that epoch (src/parallel/summary.ts).
 */
import type { SchedulerConfig } from '../api/config.js';
import type { Node, Pod } from '../api/k8s.js';
import type { WasmKernelHandle } from '../kernel/wasm-kernels.js';

/**
 * Where a worker's replica gets the cluster's nodes and objects: N clones of a node template
 * (model/templates.ts nodeFromTemplate: `<namePrefix><i>` for i in 0..count-1, nothing but the
 * template crosses), or the objects themselves.
 */
export type ReplicaCluster =
  | { readonly kind: 'template'; readonly template: Node; readonly namePrefix: string; readonly count: number }
  | {
      readonly kind: 'objects';
      readonly nodes: readonly Node[];
      /** Snapshot objects other than Nodes and Pods (Namespace, Service, PriorityClass, ...), by kind. */
      readonly others: ReadonlyArray<readonly [string, readonly Record<string, unknown>[]]>;
      /** File name the objects came from (messages only). */
      readonly fileName: string;
    };

/** Where a worker's replica gets the queue's pods, in queue order. */
export type ReplicaPods =
  | {
      readonly kind: 'template';
      readonly template: Pod;
      /**
       * Consecutive runs of clones (model/templates.ts podFromTemplate): `<namePrefix>0` ..
       * `<namePrefix><count - 1>` each.
       */
      readonly runs: ReadonlyArray<{ readonly namePrefix: string; readonly count: number }>;
    }
  | { readonly kind: 'objects'; readonly pods: readonly Pod[] };

/** Test hooks (fault tests only): make a session fail on its n-th claimed chunk (1-based). */
export interface SessionFaults {
  /** process.exit(1) in the middle of that chunk (the worker dies). */
  readonly exitOnChunk?: number;
  /** Throw in the middle of that chunk (the task fails, the worker lives). */
  readonly throwOnChunk?: number;
}

/** Start-up data of one batch, the same for all its sessions. */
export interface BatchSetup {
  /** Distinguishes batches (a worker keeps its replica of the current one). */
  readonly batchId: string;
  readonly kernels: WasmKernelHandle;
  readonly config: SchedulerConfig;
  readonly cluster: ReplicaCluster;
  readonly pods: ReplicaPods;
  /** The main table's resource names by slot, interned by the replica first so slots agree. */
  readonly slotNames: readonly string[];
  /** Row and class of every node of the main state, in node order (the replica must match). */
  readonly rows: Int32Array;
  readonly classIds: Int32Array;
  /** The shared buffers of the batch (see CTRL_*, CHUNK_*, SLOT_*). */
  readonly control: SharedArrayBuffer;
  readonly chunkStatus: SharedArrayBuffer;
  readonly chunkOwner: SharedArrayBuffer;
  readonly slots: SharedArrayBuffer;
  readonly chunkPods: number;
  readonly chunkCount: number;
  readonly windowChunks: number;
  readonly slotBytes: number;
  /** Whether sessions leave chunks to the main thread when it would otherwise wait (speculate.ts leaveToMain). */
  readonly adaptive: boolean;
  readonly faults?: SessionFaults;
}

/** One worker's part of a batch: claim and speculate chunks until the batch stops. */
export interface SessionTask {
  readonly kind: 'session';
  /** Unique within the batch (the owner id written into claimed chunks), >= 1. */
  readonly sessionId: number;
  /** This session's share of the WASM memory, for the worker's own scratch. */
  readonly arenaBase: number;
  readonly arenaEnd: number;
  readonly setup: BatchSetup;
}

/** What a session reports when it ends. */
export interface SessionResult {
  readonly sessionId: number;
  readonly chunks: number;
  readonly pods: number;
  /** Pods given a summary (the rest are left to the main thread's exact cycle). */
  readonly speculated: number;
  readonly summaries: number;
  /** Scheduling cycles run (one per speculation key and chunk; the other pods reused a result). */
  readonly cycles: number;
  /** Milliseconds spent building the replica (0 when reused), and speculating chunks. */
  readonly setupMs: number;
  readonly busyMs: number;
}

/**
 * A job defined outside parallel/ (the pool knows no workload): the worker imports the ES module
 * at `moduleUrl` and calls its export `exportName` with `args`, and the task's result is what
 * that returns. Main-thread code names its own jobs with Job (below).
 */
export interface JobTask {
  readonly kind: 'job';
  readonly moduleUrl: string;
  readonly exportName: string;
  /** Plain data (structured-cloned to the worker). */
  readonly args: unknown;
}

/**
 * A function workers can run: the module that exports it (its own `import.meta.url`, so the
 * compiled .js under dist/ or, run from the sources under vitest, the .ts the worker's hooks
 * transpile), the export's name, and the function itself (what runs when a task falls back to
 * the calling thread). Arguments and result cross threads, so both are plain data.
 */
export interface Job<A, R> {
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly run: (args: A) => Promise<R>;
}

/** The task that runs `job` with `args` on a worker. */
export function jobTask<A>(job: Job<A, unknown>, args: A): JobTask {
  return { kind: 'job', moduleUrl: job.moduleUrl, exportName: job.exportName, args };
}

/** Pool self-test (tests only): answers the worker's thread id, or fails as asked. */
export interface ProbeTask {
  readonly kind: 'probe';
  readonly exit?: boolean;
  readonly throwMessage?: string;
  readonly delayMs?: number;
}

/** Every task a pool worker runs. */
export type WorkerTask = SessionTask | JobTask | ProbeTask;

// --- Control block: Int32Array over `control`, named slots. -------------------------------

/** Next chunk index to claim (Atomics.add by workers). */
export const CTRL_NEXT_CHUNK = 0;
/** Chunks the main thread has committed; a worker claims chunk c only while c < consumed + window. */
export const CTRL_CONSUMED = 1;
/** 1 when the batch is over (or speculation stopped): sessions return. */
export const CTRL_STOP = 2;
/** The main table's epoch minus the batch's base epoch, stored after every commit. */
export const CTRL_EPOCH = 3;
/** The main table's region: byte offset. */
export const CTRL_TABLE_BASE = 4;
/** The main table's rows per column. */
export const CTRL_TABLE_CAPACITY = 5;
/** The main table's resource slots. */
export const CTRL_TABLE_SLOTS = 6;
/** Sessions whose replica is built (Atomics.add + notify). */
export const CTRL_READY = 7;
/** Pods of the queue the main thread has finished (committed or scheduled itself). */
export const CTRL_MAIN_POS = 8;
/**
 * The main thread's recent time per pod deciding from a summary and committing (ns, moving
 * average; 0 = not measured yet). Sessions use it to leave a chunk to the main thread when it
 * would otherwise wait for them (speculate.ts leaveToMain).
 */
export const CTRL_MAIN_COMMIT_NS = 9;
/**
 * The sessions' recent time per pod speculating (ns, moving average, the last session to finish a
 * chunk; 0 = not measured yet). The main thread waits for a chunk no session has taken yet,
 * instead of scheduling it itself, while sessions speculate faster than it commits (batch.ts
 * acquire).
 */
export const CTRL_SESSION_POD_NS = 10;
/** Int32 words of the control block. */
export const CTRL_WORDS = 11;

// --- Chunk state: Int32Array(chunkCount) over `chunkStatus`, one word per chunk. ------------

/** Nobody has the chunk yet. */
export const CHUNK_PENDING = 0;
/** A session is speculating it (`chunkOwner` holds its id). */
export const CHUNK_CLAIMED = 1;
/** Its result slot is written. */
export const CHUNK_DONE = 2;
/** Its session failed (the main thread schedules it itself). */
export const CHUNK_FAILED = 3;
/** The main thread took it before any worker (it schedules it itself). */
export const CHUNK_MAIN = 4;

// --- Result slots: `windowChunks` slots of `slotBytes` in `slots`; chunk c writes slot c % window.

/** Slot header, Int32 words: the table epoch (relative) the chunk was scored at. */
export const SLOT_EPOCH = 0;
/** Pods written. */
export const SLOT_POD_COUNT = 1;
/** Summaries written. */
export const SLOT_SUMMARY_COUNT = 2;
/** Header words (32 bytes, keeps what follows 8-aligned). */
export const SLOT_HEADER_WORDS = 8;

/** Summary kinds (the first f64 of a summary). */
export const SUMMARY_SCAN = 1;
/** Exactly one node was feasible: no scores, the pod goes there if it still is the only one. */
export const SUMMARY_SINGLE = 2;

/**
 * Summary record, f64 words from its start (all numbers are exact integers or f64 totals):
 * kind, count (feasible nodes), levels V, list length (SCAN: nodes in all levels; SINGLE: the
 * node's index), K (class slots), f64Words (where the i32 list starts); then per level its total
 * and node count (V pairs; level 0 holds the nodes at the top total, level 1 those at the next
 * lower total); classPass[K], classScore[K], classFeasibleCount[K]; then the pod shape the totals
 * were scored with, its fit request and scorer records as kernel/descriptors.ts encodes them
 * (encodeShape). Then the list: each level's node indices (i32) in node order, level after level.
 */
export const SUM_KIND = 0;
/** Summary header word: feasible nodes when scored. */
export const SUM_COUNT = 1;
/** Summary header word: levels in the list. */
export const SUM_LEVELS = 2;
/** Summary header word: list length (SCAN) or the one node's index (SINGLE). */
export const SUM_LIST = 3;
/** Summary header word: class slots K. */
export const SUM_CLASSES = 4;
/** Summary header word: f64 words before the i32 list. */
export const SUM_F64_WORDS = 5;
/** Header words of a summary. */
export const SUM_HEADER_WORDS = 6;
/** Levels a summary keeps: the top total and the next one (so commits that used up every top node still decide). */
export const SUM_LEVELS_MAX = 2;

/** Bytes of a result slot: the per-pod words plus room for `summaries` summaries with `ties` ties each. */
export function slotBytesFor(chunkPods: number, classes: number, ties: number, summaries: number): number {
  const header = 4 * SLOT_HEADER_WORDS + 8 * chunkPods; // pod -> summary, summary -> offset
  const one = 8 * (SUM_HEADER_WORDS + 2 * SUM_LEVELS_MAX + 3 * classes + 256) + 4 * ties + 8;
  return Math.ceil((header + summaries * one) / 8) * 8;
}

/**
 * Speculation summaries: what a worker found for a pod at one table epoch (written into a chunk's
 * result slot), and the main thread's exact decision from it after the commits made since.
 *
 * Why a summary decides exactly what the sequential cycle would (pods the fused cycle decides from its scan only; every
 * other pod is scheduled by the main thread's own cycle):
 * - a pod's fused decision is `argmax over feasible nodes of rowTotal(row) + classScore(class)`
 *   with ties broken by one PRNG draw k, taking the k-th tied node in node order
 *   (fused-cycle.ts). rowTotal depends only on the pod's shape and the node's table row;
 *   classPass/classScore only on the pod, the node classes and which classes have a feasible node
 *   (their normalization); the plan (framework/plan.ts) allows speculation only for pods whose
 *   plugins read nothing of other pods;
 * - the worker read the table at epoch E (it loaded the published epoch before scanning, and the
 *   main thread publishes after writing), so every row not touched since E was read exactly;
 *   rows touched since (D, from the table's dirty log) may have been read mid-write and are
 *   recomputed here on the current table with score_rows' JS reference, which gives the WASM
 *   kernel's numbers bit for bit (test/kernel/wasm-parity.test.ts) without a WASM call's argument
 *   copying for what is usually one row;
 * - the worker lists the feasible nodes at the top total and at the next lower one (levels, each
 *   in node order). A level minus D is exact for the untouched rows, and an untouched node with a
 *   total between two levels would have been a level itself; so the first level with an untouched
 *   node gives the untouched maximum M exactly, and the answer follows from M, that level minus D
 *   and the recomputed D rows. When every level is used up, or a class may have gained or lost
 *   its last feasible node (which could change a normalization), the summary cannot decide and
 *   the main thread runs the exact cycle instead.
 */
import type { Kernels, ScorerArgs } from '../kernel/kernels.js';
import { createJsKernels } from '../kernel/js-kernels.js';
import { decodeShape, encodeShape, shapeWords } from '../kernel/descriptors.js';
import type { FusedScan } from '../framework/fused-cycle.js';
import type { NodeTable } from '../model/node-table.js';
import type { FitKernelArgs as FusedFitRequest } from '../framework/traits.js';
import { NODE_TABLE_DIRTY_LOG_ROWS } from '../model/limits.js';
import {
  SLOT_EPOCH, SLOT_HEADER_WORDS, SLOT_POD_COUNT, SLOT_SUMMARY_COUNT, SUM_CLASSES, SUM_COUNT, SUM_F64_WORDS,
  SUM_HEADER_WORDS, SUM_KIND, SUM_LEVELS, SUM_LEVELS_MAX, SUM_LIST, SUMMARY_SCAN, SUMMARY_SINGLE,
} from './messages.js';
import { PodfitError } from '../model/error-codes.js';

/** Int32 word of pod j's summary index in a slot (from the slot's start). */
function podWord(j: number): number {
  return SLOT_HEADER_WORDS + j;
}

/** Writes one chunk's results into its slot (worker side). */
export class SlotWriter {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private base = 0;
  private summaries = 0;
  /** Next free byte of the slot's summary area. */
  private next = 0;
  private end = 0;

  constructor(slots: SharedArrayBuffer, private readonly slotBytes: number, private readonly chunkPods: number) {
    this.i32 = new Int32Array(slots);
    this.f64 = new Float64Array(slots);
  }

  /** Starts writing slot `slot` for a chunk scored at relative epoch `epoch`. */
  begin(slot: number, epoch: number): void {
    this.base = slot * this.slotBytes;
    this.summaries = 0;
    this.next = this.base + 4 * SLOT_HEADER_WORDS + 8 * this.chunkPods;
    this.end = this.base + this.slotBytes;
    const h = this.base >> 2;
    this.i32[h + SLOT_EPOCH] = epoch;
    this.i32[h + SLOT_POD_COUNT] = 0;
    this.i32[h + SLOT_SUMMARY_COUNT] = 0;
  }

  /** Records pod j's summary index (-1: the main thread runs the exact cycle). */
  pod(j: number, summary: number): void {
    this.i32[(this.base >> 2) + podWord(j)] = summary;
  }

  /** Ends the chunk with `pods` pods written. */
  finish(pods: number): void {
    const h = this.base >> 2;
    this.i32[h + SLOT_POD_COUNT] = pods;
    this.i32[h + SLOT_SUMMARY_COUNT] = this.summaries;
  }

  /**
   * Appends a summary; returns its index, or -1 when the slot is full. SCAN: `levelTotals` and
   * `levelCounts` describe `levels` levels whose nodes are `list` (level after level). SINGLE:
   * `list[0]` is the one feasible node.
   */
  add(
    kind: number, scan: FusedScan, classCount: number, classFeasibleCount: Int32Array,
    levels: number, levelTotals: Float64Array, levelCounts: Int32Array, list: Int32Array,
  ): number {
    const v = kind === SUMMARY_SCAN ? levels : 0;
    let listCount = 0;
    for (let l = 0; l < v; l++) listCount += levelCounts[l]!;
    const words = SUM_HEADER_WORDS + 2 * v + 3 * classCount + shapeWords(scan.fit, scan.scorers);
    const bytes = Math.ceil((8 * words + 4 * listCount) / 8) * 8;
    const at = this.next;
    if (at + bytes > this.end || this.summaries >= this.chunkPods) return -1;
    const f = this.f64;
    let w = at >> 3;
    f[w + SUM_KIND] = kind;
    f[w + SUM_COUNT] = scan.count;
    f[w + SUM_LEVELS] = v;
    f[w + SUM_LIST] = kind === SUMMARY_SCAN ? listCount : list[0]!;
    f[w + SUM_CLASSES] = classCount;
    f[w + SUM_F64_WORDS] = words;
    w += SUM_HEADER_WORDS;
    for (let l = 0; l < v; l++) {
      f[w++] = levelTotals[l]!;
      f[w++] = levelCounts[l]!;
    }
    for (let c = 0; c < classCount; c++) f[w++] = scan.classPass[c]!;
    for (let c = 0; c < classCount; c++) f[w++] = kind === SUMMARY_SCAN ? scan.classScore[c]! : 0;
    for (let c = 0; c < classCount; c++) f[w++] = classFeasibleCount[c]!;
    encodeShape(scan.fit, scan.scorers, f, w);
    const listWord = (at + 8 * words) >> 2;
    for (let k = 0; k < listCount; k++) this.i32[listWord + k] = list[k]!;
    this.i32[(this.base >> 2) + SLOT_HEADER_WORDS + this.chunkPods + this.summaries] = at - this.base;
    this.next = at + bytes;
    return this.summaries++;
  }
}

/** A decoded summary (main side); its list is a view of the slot, valid until the slot is reused. */
export interface Summary {
  readonly kind: number;
  readonly classCount: number;
  readonly classPass: Int32Array;
  readonly classScore: Float64Array;
  readonly classFeasibleCount: Int32Array;
  readonly fit: FusedFitRequest;
  readonly scorers: ScorerArgs[];
  /** SCAN: the levels' totals (descending) and where each starts in `list` (levels + 1 entries). */
  readonly levelTotals: Float64Array;
  readonly levelStarts: Int32Array;
  /** SCAN: each level's node indices in node order, level after level. */
  readonly list: Int32Array;
  /** SINGLE: the feasible node's index. */
  readonly single: number;
}

/** Reads a chunk's results from its slot (main side). */
export class SlotReader {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private base = 0;
  private readonly decoded: Array<Summary | undefined> = [];

  constructor(slots: SharedArrayBuffer, private readonly slotBytes: number, private readonly chunkPods: number) {
    this.i32 = new Int32Array(slots);
    this.f64 = new Float64Array(slots);
  }

  /** Selects slot `slot`; returns the relative epoch its chunk was scored at. */
  open(slot: number): number {
    this.base = slot * this.slotBytes;
    this.decoded.length = 0;
    return this.i32[(this.base >> 2) + SLOT_EPOCH]!;
  }

  /** Pods written (the whole chunk when the session finished it). */
  get podCount(): number {
    return this.i32[(this.base >> 2) + SLOT_POD_COUNT]!;
  }

  /** Pod j's summary index, -1 for none. */
  podSummary(j: number): number {
    return this.i32[(this.base >> 2) + podWord(j)]!;
  }

  /** Summary s of the open slot (decoded once per slot). */
  summary(s: number): Summary {
    const have = this.decoded[s];
    if (have) return have;
    if (s < 0 || s >= this.i32[(this.base >> 2) + SLOT_SUMMARY_COUNT]!) throw new PodfitError('PODFIT_ERR_PARALLEL_SUMMARY', `summary ${s} out of range`);
    const at = this.base + this.i32[(this.base >> 2) + SLOT_HEADER_WORDS + this.chunkPods + s]!;
    const f = this.f64;
    let w = at >> 3;
    const kind = f[w + SUM_KIND]!;
    const levels = f[w + SUM_LEVELS]!;
    const listField = f[w + SUM_LIST]!;
    const classCount = f[w + SUM_CLASSES]!;
    const words = f[w + SUM_F64_WORDS]!;
    if (levels > SUM_LEVELS_MAX) throw new PodfitError('PODFIT_ERR_PARALLEL_SUMMARY', `${levels} levels`);
    w += SUM_HEADER_WORDS;
    const levelTotals = new Float64Array(levels);
    const levelStarts = new Int32Array(levels + 1);
    for (let l = 0; l < levels; l++) {
      levelTotals[l] = f[w++]!;
      levelStarts[l + 1] = levelStarts[l]! + f[w++]!;
    }
    const classPass = new Int32Array(classCount);
    const classScore = new Float64Array(classCount);
    const classFeasibleCount = new Int32Array(classCount);
    for (let c = 0; c < classCount; c++) classPass[c] = f[w++]!;
    for (let c = 0; c < classCount; c++) classScore[c] = f[w++]!;
    for (let c = 0; c < classCount; c++) classFeasibleCount[c] = f[w++]!;
    const { fit, scorers } = decodeShape(f, w);
    const listCount = kind === SUMMARY_SCAN ? listField : 0;
    const sum: Summary = {
      kind, classCount, classPass, classScore, classFeasibleCount, fit, scorers,
      levelTotals, levelStarts, list: new Int32Array(this.i32.buffer, at + 8 * words, listCount),
      single: kind === SUMMARY_SINGLE ? listField : -1,
    };
    this.decoded[s] = sum;
    return sum;
  }
}

/** First index i in [lo, hi) with a[i] >= x (hi when none); a is ascending there. */
function lowerBound(a: Int32Array, x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with a[i] >= x in an ascending array (a.length when none). */
function sortedIndex(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Decision of a cursor: a node index, or UNDECIDED (the main thread runs the exact cycle). */
export const UNDECIDED = -1;

/** The main thread's view of the batch's nodes (fixed while a batch speculates). */
export interface NodeIndex {
  /** Node index of each table row (-1 for rows without a node). */
  readonly nodeOfRow: Int32Array;
  /** Class of each node index. */
  readonly classOf: Int32Array;
}

/**
 * Positions of a summary's list taken out (their nodes are in D), as a Fenwick tree: the k-th
 * remaining position and the count taken before a position in O(log n).
 */
class RemovedSet {
  private tree = new Int32Array(1);
  private size = 0;
  private top = 1;
  /** Positions set, to clear on reset. */
  private readonly setList: number[] = [];

  reset(size: number): void {
    if (this.tree.length < size + 1) this.tree = new Int32Array(size + 1);
    else for (const p of this.setList) for (let i = p + 1; i <= this.size; i += i & -i) this.tree[i] = 0;
    this.setList.length = 0;
    this.size = size;
    this.top = 1;
    while (this.top * 2 <= size) this.top *= 2;
  }

  get count(): number {
    return this.setList.length;
  }

  add(pos: number): void {
    this.setList.push(pos);
    for (let i = pos + 1; i <= this.size; i += i & -i) this.tree[i]!++;
  }

  /** Taken positions below `pos`. */
  before(pos: number): number {
    let s = 0;
    for (let i = pos; i > 0; i -= i & -i) s += this.tree[i]!;
    return s;
  }

  /** The position of the k-th (0-based) position not taken. */
  keptAt(k: number): number {
    let pos = 0;
    let rem = k + 1;
    for (let step = this.top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.size) {
        const kept = step - this.tree[next]!;
        if (kept < rem) {
          pos = next;
          rem -= kept;
        }
      }
    }
    return pos;
  }
}

/**
 * One summary brought up to date with the rows touched since its epoch (main side). Consecutive
 * pods of one summary (the replicas of one workload in one chunk) share the cursor, so a commit
 * costs one recomputed row and a few tree steps.
 */
export class SummaryCursor {
  private summary: Summary | null = null;
  /** Absolute table epoch processed up to. */
  private seen = 0;
  private stamp = 0;
  // Per node index (the touched set D): stamp when in D, recomputed total + class score (or -Inf).
  private readonly mark: Int32Array;
  private readonly final: Float64Array;
  /** Per node index: the advance() round that last recomputed it (dedupes the dirty log). */
  private readonly roundMark: Int32Array;
  private round = 0;
  /** Nodes in D, in the order first seen. */
  private readonly touched: number[] = [];
  private readonly removed = new RemovedSet();
  /** The top over D and how many D nodes have it (stale: recount before use). */
  private dMax = -Infinity;
  private dMaxCount = 0;
  private dMaxStale = false;
  /** Per class: D nodes, and D nodes feasible now. */
  private classD = new Int32Array(0);
  private classDFeasible = new Int32Array(0);
  private readonly touchedClasses: number[] = [];
  /** Rows touched, and those of them to recompute. */
  private readonly rowsBuf = new Int32Array(NODE_TABLE_DIRTY_LOG_ROWS);
  private readonly needBuf = new Int32Array(NODE_TABLE_DIRTY_LOG_ROWS);
  /**
   * score_rows' output by row, kept across summaries of one pod shape: a row's total stands while
   * its row version is the one it was computed at (so a new summary re-checks its D rows without
   * recomputing those an earlier summary of the shape already did).
   */
  private readonly outByRow: Float64Array;
  private readonly outShape: Int32Array;
  private readonly outVersion: Float64Array;
  private shapeId = 0;
  private shapeKey = new Float64Array(0);
  private readonly rowKernels: Kernels = createJsKernels();
  /**
   * The D nodes whose total is `tiedFor`, in node order (NaN: not built). Kept up to date as
   * commits change D nodes, so a run of decisions at the top over D (a level used up by recent
   * commits) costs a binary search per commit instead of a pass over D and a sort.
   */
  private readonly tied: number[] = [];
  private tiedFor = NaN;

  constructor(private readonly table: NodeTable, private readonly index: NodeIndex) {
    const n = index.classOf.length;
    this.mark = new Int32Array(n);
    this.final = new Float64Array(n);
    this.roundMark = new Int32Array(n);
    this.outByRow = new Float64Array(table.capacity);
    this.outShape = new Int32Array(table.capacity);
    this.outVersion = new Float64Array(table.capacity);
  }

  /** Switches the row-total cache to `s`'s pod shape (a new id when it differs from the last). */
  private useShape(s: Summary): void {
    const key = new Float64Array(shapeWords(s.fit, s.scorers));
    encodeShape(s.fit, s.scorers, key, 0);
    let same = key.length === this.shapeKey.length;
    for (let j = 0; same && j < key.length; j++) if (key[j] !== this.shapeKey[j]) same = false;
    if (!same) {
      this.shapeKey = key;
      this.shapeId++;
    }
  }

  /** Starts following `summary`, scored at absolute table epoch `epoch`. */
  reset(summary: Summary, epoch: number): void {
    this.summary = summary;
    this.seen = epoch;
    this.stamp++;
    this.touched.length = 0;
    this.removed.reset(summary.list.length);
    this.dMax = -Infinity;
    this.dMaxCount = 0;
    this.dMaxStale = false;
    if (this.classD.length < summary.classCount) {
      this.classD = new Int32Array(summary.classCount);
      this.classDFeasible = new Int32Array(summary.classCount);
    }
    for (const c of this.touchedClasses) {
      this.classD[c] = 0;
      this.classDFeasible[c] = 0;
    }
    this.touchedClasses.length = 0;
    this.tied.length = 0;
    this.tiedFor = NaN;
    this.useShape(summary);
  }

  /** Keeps `tied` in step with D node i's total changing from `old` to `now`. */
  private retie(i: number, old: number, now: number): void {
    const t = this.tied;
    if (old === this.tiedFor && old !== now) {
      const at = sortedIndex(t, i);
      if (t[at] === i) t.splice(at, 1);
    }
    if (now === this.tiedFor && old !== now) t.splice(sortedIndex(t, i), 0, i);
  }

  /** Whether the cursor follows `summary`. */
  follows(summary: Summary): boolean {
    return this.summary === summary;
  }

  /** Brings D up to the current table epoch; false when the dirty log no longer reaches back. */
  private advance(): boolean {
    const t = this.table;
    if (t.epoch === this.seen) return true;
    const buf = this.rowsBuf;
    const got = t.touchedSince(this.seen, buf);
    if (got < 0) return false;
    const s = this.summary!;
    const { nodeOfRow, classOf } = this.index;
    // Distinct rows with a node (compacted in place); new D members registered.
    const round = ++this.round;
    let m = 0;
    for (let k = 0; k < got; k++) {
      const row = buf[k]!;
      const i = row < nodeOfRow.length ? nodeOfRow[row]! : -1;
      if (i < 0 || this.roundMark[i] === round) continue;
      this.roundMark[i] = round;
      buf[m++] = row;
      if (this.mark[i] !== this.stamp) {
        this.mark[i] = this.stamp;
        this.final[i] = -Infinity;
        this.touched.push(i);
        const c = classOf[i]!;
        if (this.classD[c] === 0) this.touchedClasses.push(c);
        this.classD[c]!++;
        if (s.kind === SUMMARY_SCAN) {
          for (let l = 0; l + 1 < s.levelStarts.length; l++) {
            const hi = s.levelStarts[l + 1]!;
            const pos = lowerBound(s.list, i, s.levelStarts[l]!, hi);
            if (pos < hi && s.list[pos] === i) {
              this.removed.add(pos);
              break;
            }
          }
        }
      }
    }
    this.seen = t.epoch;
    if (m === 0) return true;
    const out = this.outByRow;
    const need = this.needBuf;
    let nn = 0;
    for (let q = 0; q < m; q++) {
      const row = buf[q]!;
      const v = t.rowVersion(row);
      if (this.outShape[row] === this.shapeId && this.outVersion[row] === v) continue;
      this.outShape[row] = this.shapeId;
      this.outVersion[row] = v;
      need[nn++] = row;
    }
    if (nn > 0) this.rowKernels.scoreRows(t.region, t.capacity, t.slotCount, need, nn, s.fit, s.scorers, out);
    for (let q = 0; q < m; q++) {
      const row = buf[q]!;
      const i = nodeOfRow[row]!;
      const c = classOf[i]!;
      const total = out[row]!;
      const old = this.final[i]!;
      const ok = total >= 0 && c < s.classCount && s.classPass[c] !== 0;
      const now = ok ? total + s.classScore[c]! : -Infinity;
      this.final[i] = now;
      if (this.tiedFor === this.tiedFor) this.retie(i, old, now);
      if (ok !== (old !== -Infinity)) this.classDFeasible[c]! += ok ? 1 : -1;
      if (old !== -Infinity && old === this.dMax) this.dMaxCount--;
      if (now === -Infinity) {
        if (this.dMaxCount <= 0 && this.dMax !== -Infinity) this.dMaxStale = true;
      } else if (now > this.dMax) {
        this.dMax = now;
        this.dMaxCount = 1;
        this.dMaxStale = false;
      } else if (now === this.dMax) this.dMaxCount++;
      else if (this.dMaxCount <= 0) this.dMaxStale = true;
    }
    return true;
  }

  /** The top over D (recounted when the node holding it changed). */
  private topOfD(): number {
    if (this.dMaxStale) {
      let max = -Infinity;
      let count = 0;
      for (const i of this.touched) {
        const v = this.final[i]!;
        if (v > max) {
          max = v;
          count = 1;
        } else if (v === max && v !== -Infinity) count++;
      }
      this.dMax = max;
      this.dMaxCount = count;
      this.dMaxStale = false;
    }
    return this.dMax;
  }

  /**
   * The node the exact cycle would choose, drawing from `intn` exactly once, or UNDECIDED (then
   * nothing was drawn).
   */
  decide(intn: (n: number) => number): number {
    const s = this.summary;
    if (s === null || !this.advance()) return UNDECIDED;
    if (s.kind === SUMMARY_SINGLE) return this.decideSingle(s, intn);
    // A class that had a feasible node must still have one, and no class may gain its first.
    for (const c of this.touchedClasses) {
      const before = c < s.classCount ? s.classFeasibleCount[c]! : 0;
      if (before > 0) {
        if (before <= this.classD[c]! && this.classDFeasible[c] === 0) return UNDECIDED;
      } else if (this.classDFeasible[c]! > 0) return UNDECIDED;
    }
    // The first level with an untouched node holds the untouched maximum.
    let level = -1;
    let kept = 0;
    const starts = s.levelStarts;
    for (let l = 0; l + 1 < starts.length; l++) {
      kept = starts[l + 1]! - starts[l]! - (this.removed.before(starts[l + 1]!) - this.removed.before(starts[l]!));
      if (kept > 0) {
        level = l;
        break;
      }
    }
    if (level < 0) return UNDECIDED;
    const max = s.levelTotals[level]!;
    const lo = starts[level]!;
    const keptBefore = lo - this.removed.before(lo);
    const dMax = this.topOfD();
    if (dMax < max) return s.list[this.removed.keptAt(keptBefore + intn(kept))]!;
    const tied = this.tied;
    if (this.tiedFor !== dMax) {
      tied.length = 0;
      for (const i of this.touched) if (this.final[i] === dMax) tied.push(i);
      if (tied.length > 1) tied.sort((a, b) => a - b);
      this.tiedFor = dMax;
    }
    if (dMax > max) return tied[intn(tied.length)]!;
    // Equal tops: the level's untouched nodes and D's, merged in node order.
    const k = intn(kept + tied.length);
    const hi = starts[level + 1]!;
    for (let q = 0; q < tied.length; q++) {
      const a = tied[q]!;
      const lb = lowerBound(s.list, a, lo, hi);
      const rank = lb - this.removed.before(lb) - keptBefore + q;
      if (rank === k) return a;
      if (rank > k) return s.list[this.removed.keptAt(keptBefore + k - q)]!;
    }
    return s.list[this.removed.keptAt(keptBefore + k - tied.length)]!;
  }

  /** One node was feasible: it is the answer if it still is the only one (no scoring then). */
  private decideSingle(s: Summary, intn: (n: number) => number): number {
    const x = s.single;
    const xTouched = this.mark[x] === this.stamp;
    let count = xTouched ? 0 : 1;
    let only = xTouched ? -1 : x;
    for (const i of this.touched) {
      if (this.final[i] !== -Infinity) {
        count++;
        only = i;
      }
    }
    if (count !== 1) return UNDECIDED;
    intn(1);
    return only;
  }
}

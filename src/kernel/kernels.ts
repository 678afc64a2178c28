/**
 * The numeric kernels behind the resource plugins, one interface for both engines:
 * `js` (typed-array loops, the readable reference, src/kernel/js-kernels.ts) and `wasm`
 * (AssemblyScript, SIMD). Kernels take the NodeTable region plus row lists and write results
 * into caller-owned arrays; they never allocate per call.
 *
 * Contract for every method (it is what the WASM engine implements 1:1):
 * - only numbers, typed arrays and the argument records of src/kernel/descriptors.ts (FitArgs,
 *   ScorerArgs: flat objects of numbers and typed arrays, defined once there) cross it: no
 *   other objects, strings or closures. The wasm engine writes a record into its memory as the
 *   descriptor whose layout descriptors.ts derives (checked against assembly/layout.ts at load),
 *   so only byte offsets cross into WASM;
 * - `region` is NodeTable.region (for the wasm engine a view over its linear memory, passed on
 *   as a byte offset) and `capacity` is NodeTable.capacity; column c of row r lives at
 *   `region[c * capacity + r]` with the column layout documented in src/model/node-table.ts
 *   (2*s allocatable, 2*s+1 requested, 2*S / 2*S+1 nonZeroRequested cpu / memory);
 * - every number in the table and in the records' request arrays is an integer (cpu in milli, the rest
 *   in base units), exact up to 2^53; kernels reproduce kube's int64 arithmetic exactly in that
 *   range (they do not emulate Go's overflow past 2^63);
 * - each method is called once per scheduling cycle and plugin, never once per node;
 * - typed arrays from `createTableMemory`/`alloc*` are read and written in place (for the wasm
 *   engine they are views of its linear memory, so only their byte offsets cross); any other
 *   typed array is accepted too and copied through the engine's scratch region (slower, same
 *   result).
 */
import type { TableMemory } from '../model/node-table.js';
import type { FitArgs, ScorerArgs } from './descriptors.js';

export type EngineName = 'js' | 'wasm';

/** A slot value meaning "no column": a resource no node ever declared, or one excluded for this pod. */
export const SLOT_ABSENT = -1;

/** Bit 0 of a fit mask: `requested(pods) + 1 > allocatable(pods)` ("Too many pods"). */
export const FIT_TOO_MANY_PODS = 1;

/**
 * Uint32 words per row in a fit mask for `requestCount` requests: bit 0 is the pod-count check,
 * bit j+1 request j. One word for up to 31 requests (every realistic pod); more spill into
 * further words (word `(j+1) >>> 5`, bit `(j+1) & 31`).
 */
export function fitMaskWords(requestCount: number): number {
  return (requestCount + 32) >>> 5;
}

// Resource scoring strategies are numbers so they cross into WASM (the AssemblyScript side
// mirrors these values). The first three are NodeResourcesFit's scoringStrategy.type
// (K8S-FACTS.md §5.2), the last is NodeResourcesBalancedAllocation (§5.3).

/** Strategy: Fit LeastAllocated, `sum((alloc - req) * 100 / alloc * w) / sum(w)`. */
export const STRATEGY_LEAST_ALLOCATED = 0;
/** Strategy: Fit MostAllocated, `sum(min(req, alloc) * 100 / alloc * w) / sum(w)`. */
export const STRATEGY_MOST_ALLOCATED = 1;
/** Strategy: Fit RequestedToCapacityRatio, broken-linear shape of utilization, math.Round average. */
export const STRATEGY_REQUESTED_TO_CAPACITY_RATIO = 2;
/** Strategy: BalancedAllocation, `trunc((1 - std(fractions)) * 100)`. */
export const STRATEGY_BALANCED_ALLOCATION = 3;

// The argument records (one definition each, with their WASM and message layouts derived from it).
export type { FitArgs, ScorerArgs } from './descriptors.js';

/**
 * One class batch's index (src/framework/class-batch.ts): its arrays, all in kernel memory
 * (allocI32/allocF64), and what rescoring a changed row needs. Bound once per batch
 * (Kernels.classIndex), so a decision hands the kernels nothing but counts.
 */
export interface ClassIndexArrays {
  /** Row and class of node index i (n entries), node index of each row (-1 none). */
  readonly rows: Int32Array;
  readonly classes: Int32Array;
  readonly nodeOfRow: Int32Array;
  /** score_rows' output by row: -1 when the fit kernel rejects, else the kernel scorers' weighted sum. */
  readonly kernelTotal: Float64Array;
  readonly classBase: Float64Array;
  readonly nodeBase: Float64Array;
  /** Group of node i (n entries) and a base per group: a keyed dynamic part's value (class-batch.ts); all 0 without one. */
  readonly groups: Int32Array;
  readonly groupBase: Float64Array;
  readonly feasible: Int32Array;
  readonly classFeasible: Int32Array;
  readonly treeMax: Float64Array;
  readonly treeCount: Int32Array;
  /** Changed rows (update's input) and the flips update reports (its output). */
  readonly changed: Int32Array;
  readonly flips: Int32Array;
  readonly n: number;
  readonly classCount: number;
  /** Leaves of the tree: a power of two >= n. */
  readonly size: number;
  /** The table, fit request and scorers score_rows rescored changed rows with; absent: no kernel part (kernelTotal unread). */
  readonly kernel?: {
    readonly region: Float64Array;
    readonly capacity: number;
    readonly slotCount: number;
    readonly fit: FitArgs;
    readonly scorers: readonly ScorerArgs[];
  };
}

/** The kernels of one class batch's index, bound to its arrays (Kernels.classIndex). */
export interface ClassIndex {
  /** class_leaves over every node (with score_rows over every row first, when there is a kernel part); the feasible count. */
  leaves(): number;
  /** score_rows over the first `count` changed rows (kernel part), then class_update; the number of flips written. */
  update(count: number): number;
  /** class_leaves over every node from the current kernel totals (no rescoring: the bases changed, not the rows; full 0: the padding stands); the feasible count. */
  relink(): number;
  /** tree_kth: the k-th node holding the top total. */
  kth(k: number): number;
}

/**
 * The nodes a fused scan considers, as the selection kernels read them: node index i < n has the
 * total `rowTotals[row]` of its row (`rows[i]`, or i when `rows` is null; -1 = does not fit) and
 * the class `classes[i]` (or `singleClass` when it is >= 0), and is feasible when its class passed
 * (`classPass[class] != 0`) and its total is >= 0.
 */
export interface FeasibleSet {
  readonly rowTotals: Float64Array;
  readonly rows: Int32Array | null;
  readonly classes: Int32Array;
  readonly singleClass: number;
  readonly n: number;
  readonly classPass: Int32Array;
}

/** Numeric kernels of one engine. */
export interface Kernels {
  readonly engine: EngineName;
  /** Build variant, for reports: `js`, `wasm-simd` or `wasm-scalar`. */
  readonly variant: string;

  /** Memory for a NodeTable the kernels read in place (the wasm engine's linear memory). */
  createTableMemory(): TableMemory;
  /**
   * A zeroed Int32Array of `length` in kernel memory, for scratch a caller keeps across cycles
   * (allocate at start-up or when the cluster grows, never per cycle). Released when collected.
   */
  allocI32(length: number): Int32Array;
  /** A zeroed Float64Array of `length` in kernel memory (see allocI32). */
  allocF64(length: number): Float64Array;
  /** Gives back an allocI32/allocF64 array now (it must not be used afterwards); js: nothing to do. */
  free(view: Int32Array | Float64Array): void;

  /**
   * fit_batch: NodeResourcesFit's Filter over `rowCount` rows (K8S-FACTS.md §6.1).
   *
   * For row i = rows[i] writes `fitMaskWords(fit.count)` words at `out[i * words ...]`:
   * bit 0 (FIT_TOO_MANY_PODS) when `requested(PODS_SLOT) + 1 > allocatable(PODS_SLOT)` (always
   * checked); bit j+1 when request j does not fit: `amount > allocatable - requested` of slot
   * `fit.slots[j]` (exactly-equal fits; an amount <= 0 never fails, as in kube). A slot of
   * SLOT_ABSENT means the resource has no column (no node declares it): allocatable 0 on every
   * row, so any positive amount fails. All-zero words = the pod fits.
   *
   * `fit.slots`/`fit.amounts` are parallel arrays of length >= fit.count in kube's check order
   * (cpu, memory, ephemeral-storage, then scalar resources; kube walks scalars in Go map order,
   * which is random, so callers sort them by name). `out.length` must be at least
   * `rowCount * fitMaskWords(fit.count)`. Called once per Filter call.
   */
  fitBatch(region: Float64Array, capacity: number, rows: Int32Array, rowCount: number, fit: FitArgs, out: Uint32Array): void;

  /**
   * score_resources: resource-allocation scores over `rowCount` rows into `out[0..rowCount)`,
   * each an integer in [0, 100] (K8S-FACTS.md §5.1-5.3).
   *
   * The scorer record, per configured resource j < resourceCount: slot `slots[j]` (SLOT_ABSENT =
   * excluded: the caller uses it for scalar resources the pod requests 0 of, for resources kube
   * does not score such as `pods`, and for names no node declares), weight `weights[j]`, the
   * pod's request `podRequests[j]`. On each row `allocatable_j` is the slot's allocatable; a
   * resource with allocatable 0 is excluded from the row's weight sum. `requested_j` is the row's
   * requested + pod request, where for the cpu and memory slots the row's nonZeroRequested
   * columns are used instead when `useNonZero` is 1 (Fit scoring; the caller then passes the
   * pod's non-zero requests). `slotCount` is NodeTable.slotCount (locates the nonZeroRequested
   * columns).
   *
   * `strategy` is one of the STRATEGY_* constants. For RequestedToCapacityRatio the shape is
   * `shapeUtilization[k]`, `shapeScore[k]` for k < shapeCount, utilization strictly increasing
   * in [0, 100] and scores already scaled to [0, 100]; other strategies ignore it (count 0).
   * Balanced allocation ignores weights (kube requires them to be 1). The scores are the
   * plugin's own: `pluginWeight` is not applied. Called once per Score call.
   */
  resourceScoreBatch(
    region: Float64Array, capacity: number, slotCount: number, rows: Int32Array, rowCount: number, scorer: ScorerArgs, out: Float64Array,
  ): void;

  // --- The fused scheduling cycle (src/framework/fused-cycle.ts): a profile's per-node work as
  // one scan over node indices (plus a selection scan), label/taint plugins folded in per class.

  /**
   * score_rows: for each row r = rows[k], k < rowCount, sets `out[r]` (indexed by row, length >=
   * capacity) to -1 when the pod does not fit (fitBatch's checks for `fit`) and otherwise to
   * `sum(pluginWeight * score)` over `scorers` (resourceScoreBatch's scores).
   * The fused cycle calls it with every node's row for a new pod shape, and otherwise only with
   * the rows changed since (its score cache).
   */
  scoreRows(
    region: Float64Array, capacity: number, slotCount: number, rows: Int32Array, rowCount: number,
    fit: FitArgs, scorers: readonly ScorerArgs[], out: Float64Array,
  ): void;

  /**
   * scan_classes: over the feasible nodes of `set` (FeasibleSet): per class `classFeasible = 1`,
   * `classMax` = the top total, `classTies` = how many have it (the caller zeroes
   * classFeasible). Returns the feasible count. Once per fused cycle.
   */
  scanClasses(set: FeasibleSet, classFeasible: Int32Array, classMax: Float64Array, classTies: Int32Array): number;

  /**
   * select_nth: the node index of the k-th (0-based, node order) feasible node of `set` whose
   * `total + classScore[class]` equals `max`, or -1. Once per fused cycle.
   */
  selectNth(set: FeasibleSet, classScore: Float64Array, max: number, k: number): number;

  /**
   * gather_feasible: the feasible node indices of `set` in order into `feasible`, their totals
   * into `totals`; returns the count. For the fused cycle's paths that need the list.
   */
  gatherFeasible(set: FeasibleSet, feasible: Int32Array, totals: Float64Array): number;

  /**
   * score_add: `totals[k] += scorer.pluginWeight * score(rows[feasible[k]])` for k < count, score
   * being resourceScoreBatch's for the same scorer. The fused cycle's path when a Score plugin
   * must run per node in JS (selectTop/selectKth then select).
   */
  scoreAdd(
    region: Float64Array, capacity: number, slotCount: number, rows: Int32Array, feasible: Int32Array, count: number,
    scorer: ScorerArgs, totals: Float64Array,
  ): void;

  /**
   * select_top: `totals[k] += classScore[classes[feasible[k]]]` for k < count, then returns how
   * many totals equal the maximum; `topTotal()` returns that maximum. Once per fused cycle.
   */
  selectTop(classes: Int32Array, feasible: Int32Array, count: number, classScore: Float64Array, totals: Float64Array): number;
  /** The maximum total found by the last selectTop. */
  topTotal(): number;
  /** select_kth: position of the k-th (0-based) of totals[0..count) equal to `max`, or -1. */
  selectKth(totals: Float64Array, count: number, max: number, k: number): number;
  /** zero_f64: sets arr[0..n) to 0. */
  zeroF64(arr: Float64Array, n: number): void;

  // --- Class batching (src/framework/class-batch.ts): a max segment tree over node order. `max`
  // and `count` hold 2 * size entries (size a power of two); leaves are at [size, 2 * size), leaf i
  // the total of node index i (-Infinity when infeasible); tree node j (children 2j, 2j + 1) holds
  // the maximum of its leaves and how many of them hold it.

  /** tree_build: sets every leaf's count to 1 and fills the inner nodes from the leaves. Once per batch build. */
  treeBuild(max: Float64Array, count: Int32Array, size: number): void;
  /** tree_set: sets leaf i to `value` and updates its ancestors, O(log size). Once per changed node. */
  treeSet(max: Float64Array, count: Int32Array, size: number, i: number, value: number): void;
  /**
   * tree_kth: the leaf index of the k-th (0-based, leaf order) leaf whose value equals the root's
   * maximum (k < count[1]), O(log size). Once per class-batching decision.
   */
  treeKth(max: Float64Array, count: Int32Array, size: number, k: number): number;

  /**
   * class_leaves: node i's leaf (`max[size + i]`) is its total `kernelTotal[rows[i]] +
   * classBase[classes[i]] + nodeBase[i] + groupBase[groups[i]]`, or -Infinity when it is infeasible: the fit kernel
   * rejects its row (`kernelTotal < 0`, only when `useKernel` is 1; with 0 the kernel part is 0)
   * or a base is -Infinity. Sets `feasible[i]` (1/0) and counts feasible nodes per class into
   * `classFeasible` (zeroed first, `classCount` entries); with `full` 1 fills the leaves past n
   * with -Infinity and builds the tree (tree_build), with 0 rebuilds only the inner nodes over the
   * first n leaves (arrays a full call built before); returns the feasible count. Once per batch
   * build, renormalization or relink.
   */
  classLeaves(
    rows: Int32Array, classes: Int32Array, n: number, kernelTotal: Float64Array, useKernel: number, classBase: Float64Array,
    nodeBase: Float64Array, groups: Int32Array, groupBase: Float64Array, feasible: Int32Array, classFeasible: Int32Array, classCount: number,
    max: Float64Array, count: Int32Array, size: number, full: number,
  ): number;

  /**
   * class_update: for each of the `changedCount` rows in `changedRows` (repeats allowed), the node
   * on it (`nodeOfRow`, -1 skips) gets its leaf recomputed as class_leaves does and set in the tree
   * (tree_set); a node whose feasibility changed updates `feasible` and its class's count and is
   * appended to `flips` (i when it became feasible, ~i when it stopped). Returns the number of
   * flips. Once per decision when rows changed since the last.
   */
  classUpdate(
    changedRows: Int32Array, changedCount: number, nodeOfRow: Int32Array, classes: Int32Array, kernelTotal: Float64Array, useKernel: number,
    classBase: Float64Array, nodeBase: Float64Array, groups: Int32Array, groupBase: Float64Array, feasible: Int32Array, classFeasible: Int32Array,
    max: Float64Array, count: Int32Array, size: number, flips: Int32Array,
  ): number;

  /**
   * The index kernels bound to one batch's arrays (ClassIndexArrays), which must stay where they
   * are while it is used: the wasm engine resolves their places in its memory and writes the fit
   * and scorer records once, so each call passes numbers only.
   */
  classIndex(a: ClassIndexArrays): ClassIndex;
}

/** The reference ClassIndex over any engine's methods (the js engine's; the wasm engine binds its own). */
export function bindClassIndex(k: Kernels, a: ClassIndexArrays): ClassIndex {
  const useKernel = a.kernel ? 1 : 0;
  const rescore = (rows: Int32Array, count: number) => {
    const kp = a.kernel;
    if (kp) k.scoreRows(kp.region, kp.capacity, kp.slotCount, rows, count, kp.fit, kp.scorers, a.kernelTotal);
  };
  return {
    leaves() {
      rescore(a.rows, a.n);
      return k.classLeaves(a.rows, a.classes, a.n, a.kernelTotal, useKernel, a.classBase, a.nodeBase, a.groups, a.groupBase, a.feasible, a.classFeasible, a.classCount, a.treeMax, a.treeCount, a.size, 1);
    },
    relink() {
      return k.classLeaves(a.rows, a.classes, a.n, a.kernelTotal, useKernel, a.classBase, a.nodeBase, a.groups, a.groupBase, a.feasible, a.classFeasible, a.classCount, a.treeMax, a.treeCount, a.size, 0);
    },
    update(count) {
      rescore(a.changed, count);
      return k.classUpdate(a.changed, count, a.nodeOfRow, a.classes, a.kernelTotal, useKernel, a.classBase, a.nodeBase, a.groups, a.groupBase, a.feasible, a.classFeasible, a.treeMax, a.treeCount, a.size, a.flips);
    },
    kth(k2) {
      return k.treeKth(a.treeMax, a.treeCount, a.size, k2);
    },
  };
}

/**
 * The fused scheduling cycle: a profile's Filter and Score plugins run as kernel scans over all
 * nodes plus per-class work, instead of one JS pass per plugin over NodeInfo objects
 * (DESIGN.md "Kernels and threads"). It applies when every Filter and Score plugin that runs for
 * the pod is a resource kernel plugin, class-scoped or constant for the pod (plugins/shared/
 * fusion.ts); otherwise it declines and the scheduler takes the general path. Its decisions are
 * the general path's exactly: same feasible set, same integer totals, same single PRNG draw.
 *
 * One cycle:
 *   1. the class-scoped Filters run on one representative node per class -> classPass[class];
 *   2. score_rows: per row, NodeResourcesFit's checks and the weighted resource scores (Fit,
 *      BalancedAllocation) -> rowTotals[row] (-1 = does not fit);
 *   3. scan_classes: per class with a feasible node, the top total and its tie count;
 *   4. (the caller runs PreScore with the feasible nodes)
 *   5. class-scoped Scores (TaintToleration, NodeAffinity) on representatives of the classes with
 *      a feasible node, normalized and weighted -> classScore[class]; constant Scores once;
 *   6. the top total is max over classes of classMax + classScore, ties summed; one PRNG draw;
 *      select_nth finds that node.
 * A Score plugin that must run per node in JS (or a resource scorer whose PreScore changed its
 * arguments) switches 5-6 to gather_feasible / score_add / select_top / select_kth, still exact.
 *
 * Score cache: a row's total depends only on its NodeTable row and the pod's request and scorer
 * arguments (its "shape"). Per shape the totals are kept by row, and step 2 rescores only the
 * rows the NodeTable's dirty log shows as touched since, so consecutive pods of one shape (the
 * replicas of a workload) rescore one row per cycle and the per-cycle work is one scan of one f64
 * per node. Caches are kept for the FUSED_SCORE_CACHES_MAX most recent shapes and dropped when the
 * table is re-laid out or a writable column view was handed out. Decisions are the same with or
 * without it (`cacheEnabled` false rescores every row every cycle).
 *
 * Arrays live in kernel memory and are reused across cycles (they grow with the cluster, never
 * per cycle).
 */
import type { NodeInfo } from '../model/cluster-state.js';
import type { NodeTable } from '../model/node-table.js';
import type { PodInfo } from '../model/pod-info.js';
import type { FeasibleSet, Kernels, ScorerArgs } from '../kernel/kernels.js';
import { encodeShape, SCORER, sameRecord, shapeWords, withFields } from '../kernel/descriptors.js';
import { FUSED_SCORE_CACHES_MAX, MAX_NODE_SCORE, NODE_TABLE_DIRTY_LOG_ROWS } from '../model/limits.js';
import type { PodPlan } from './plan.js';
import { grownLength } from './node-view.js';
import { readsRank, type FitKernelArgs as FusedFitRequest } from './traits.js';
import type { CycleState } from './cycle-state.js';
import type { FilterPlugin, ScorePlugin } from './interfaces.js';
import type { Prng } from './prng.js';
import type { Framework } from './framework.js';
import { Code, type Status } from './status.js';
import { PodfitError } from '../model/error-codes.js';

const RANK_NOTHING = readsRank('nothing');
const RANK_CLASS = readsRank('class');

const EMPTY_I32: Int32Array = new Int32Array(0);
const EMPTY_F64: Float64Array = new Float64Array(0);

/**
 * The table a fused cycle scans: the state's own NodeTable, or (for a worker thread speculating
 * on the main thread's behalf, src/parallel/) a view of a table another thread writes.
 */
export type FusedTable = Pick<NodeTable, 'region' | 'capacity' | 'slotCount' | 'epoch' | 'layoutVersion' | 'viewEpoch' | 'touchedSince'>;

/** What a fused cycle scanned, as a speculating caller reads it (arrays are the cycle's own, valid until its next cycle). */
export interface FusedScan {
  /** Totals by row (-1 = does not fit). */
  rowTotals: Float64Array;
  /** Row of node index i, or null when rows equal node indices. */
  rows: Int32Array | null;
  classes: Int32Array;
  singleClass: number;
  /** Node count. */
  n: number;
  classPass: Int32Array;
  classFeasible: Int32Array;
  /** Class plus constant scores by class (after scoring; live classes with a feasible node). */
  classScore: Float64Array;
  liveClasses: readonly number[];
  /** Feasible node count. */
  count: number;
  fit: FusedFitRequest;
  /** The resource scorers the totals are made of. */
  scorers: readonly ScorerArgs[];
}

/**
 * A speculating caller's hooks (src/parallel/: a worker scores a pod against a table snapshot and
 * the main thread draws and commits). `filtered` follows a successful filter(); `captured` replaces
 * the PRNG draw of the scan and returns the tie index to select (the caller's decision is made
 * elsewhere); `decline` is called where the cycle leaves the fused scan, and may throw to
 * abandon the cycle (nothing has been changed by then).
 */
export interface FusedSpeculation {
  filtered(cycle: FusedCycle, count: number): void;
  captured(cycle: FusedCycle, max: number, ties: number): number;
  decline(): void;
}

/** Per-row totals for one pod shape (see the file comment). */
interface ShapeCache {
  /** The shape's signature (request + scorer arguments), `keyLength` numbers. */
  key: Float64Array;
  keyLength: number;
  /** Total by row (-1 = does not fit), valid for rows not touched after `epoch`. */
  total: Float64Array;
  /** NodeTable epoch the totals reflect; -1 = never scored. */
  epoch: number;
  lastUse: number;
}

/** The fused cycle of one Framework (profile). */
export class FusedCycle {
  private readonly kernels: Kernels;
  /** Whether cycle_scan may reuse per-row totals (the score cache). */
  cacheEnabled = true;
  /** The table to scan instead of the state's (FusedTable); null = the state's own. */
  tableSource: FusedTable | null = null;
  /** Speculation hooks (FusedSpeculation); null for scheduling. */
  speculation: FusedSpeculation | null = null;
  /** The fit request of the last filter(). */
  private fitRequest: FusedFitRequest | undefined;
  /** Whether the last scoreRows() rescored any row. */
  private rescored = true;
  // The last scan_classes: its totals array, node generation and class verdicts. A cycle with the
  // same totals untouched since and the same verdicts has the same scan (a speculating worker
  // scores many pods against one table epoch; a scheduler's cycles hit it only between failures).
  private scanTotals = EMPTY_F64;
  private scanGeneration = -1;
  private scanClassPass = new Int32Array(0);
  // Node topology, rebuilt when ClusterState.nodeGeneration changes.
  private generation = -1;
  private n = 0;
  /** NodeTable row of node index i (node order = state.nodes). */
  private rows = EMPTY_I32;
  /** Class of node index i. */
  private classes = EMPTY_I32;
  /** rows[i] === i for every node (kernels then skip the indirection). */
  private rowsIdentity = false;
  /** The one class every node is in, or -1. */
  private singleClass = -1;
  /** One node per class with members, by class id. */
  private reps: Array<NodeInfo | undefined> = [];
  /** Class ids with members, ascending. */
  private liveClasses: number[] = [];
  // Per-cycle scratch, reused.
  private classPass = EMPTY_I32;
  private classFeasible = EMPTY_I32;
  private classMax = EMPTY_F64;
  private classTies = EMPTY_I32;
  private classScore = EMPTY_F64;
  private feasible = EMPTY_I32;
  private totals = EMPTY_F64;
  /** Totals by row when the score cache is off. */
  private rowTotals = EMPTY_F64;
  private dirty = EMPTY_I32;
  /** The totals by row of the current cycle. */
  private current = EMPTY_F64;
  private readonly repScratch: NodeInfo[] = [];
  private readonly repClassScratch: number[] = [];
  private readonly statusScratch: Array<Status | null> = [];
  private readonly classFilters: FilterPlugin[] = [];
  /** The resource scorers cycle_scan used (arguments as read before PreScore, with the plugins' weights). */
  private readonly scanScorers: ScorerArgs[] = [];
  /** The plugins' own records scanScorers were made from (pluginWeight 1). */
  private readonly scanSources: ScorerArgs[] = [];
  private readonly scanScorerPlugins: ScorePlugin[] = [];
  private readonly rescoreScratch: ScorerArgs[] = [];
  private readonly oneNode: NodeInfo[] = [];
  /** Score arrays by length for per-class plugin calls (NormalizeScore reads `length`). */
  private readonly scoreArrays: Float64Array[] = [];
  private readonly classScorers = new WeightedPlugins();
  private readonly constantScorers = new WeightedPlugins();
  private readonly nodeScorers = new WeightedPlugins();
  // Score caches.
  private caches: ShapeCache[] = [];
  private cacheCapacity = 0;
  private cacheLayoutVersion = -1;
  private cacheViewEpoch = -1;
  private cycles = 0;
  private signature = new Float64Array(64);
  /** Feasible count of the last filter() (what feasibleNodes/nodeAt read). */
  private count = 0;

  constructor(private readonly fw: Framework) {
    this.kernels = fw.kernels;
  }

  /** Brings the node topology (the framework's NodeView) and the per-node and per-class scratch up to the state's nodes. */
  private refresh(): void {
    const view = this.fw.nodeView;
    view.refresh();
    if (this.generation === view.generation && this.rows === view.rows) return;
    const n = view.n;
    const k = this.kernels;
    if (this.feasible.length < n) {
      const len = grownLength(this.feasible.length, n);
      this.feasible = k.allocI32(len);
      this.totals = k.allocF64(len);
    }
    const classCount = view.classCount;
    if (this.classPass.length < classCount) {
      const len = grownLength(this.classPass.length, classCount);
      this.classPass = k.allocI32(len);
      this.classFeasible = k.allocI32(len);
      this.classMax = k.allocF64(len);
      this.classTies = k.allocI32(len);
      this.classScore = k.allocF64(len);
    }
    this.rows = view.rows;
    this.classes = view.classes;
    this.rowsIdentity = view.rowsIdentity;
    this.reps = view.reps;
    this.liveClasses = view.liveClasses;
    this.singleClass = view.singleClass;
    this.n = n;
    this.generation = view.generation;
  }

  /**
   * Filters all nodes (and computes their resource scores). Returns the feasible count (> 0), 0
   * when no node is feasible, or -1 when this pod or profile cannot be fused; in both latter
   * cases the caller runs the general path (which also builds the statuses a FitError needs).
   */
  filter(cs: CycleState, pod: PodInfo, podPlan: PodPlan): number {
    const count = this.filterScan(cs, pod, podPlan);
    const spec = this.speculation;
    if (spec !== null) {
      if (count > 0) spec.filtered(this, count);
      else spec.decline();
    }
    return count;
  }

  private filterScan(cs: CycleState, pod: PodInfo, podPlan: PodPlan): number {
    const fw = this.fw;
    const plan = fw.plan;
    let fit: FusedFitRequest | undefined;
    // Lists below are refilled by index and cut with `length = n` (n > 0 keeps their storage;
    // `length = 0` would drop it and every cycle would reallocate them).
    const classFilters = this.classFilters;
    let nf = 0;
    for (let f = 0; f < plan.filters.length; f++) {
      const pf = plan.filters[f]!;
      const p = pf.plugin;
      if (cs.skipFilterPlugins.has(p.name)) continue;
      if (pf.fitKernel !== null) {
        if (fit) return -1;
        fit = pf.fitKernel.fusedFitRequest(cs);
        if (!fit) return -1;
        continue;
      }
      // A verdict that reads more than the node's class cannot be taken per class.
      if (podPlan.filterReads[f]! > RANK_CLASS) return -1;
      classFilters[nf++] = p;
    }
    // The kernel always checks the pod count, which is NodeResourcesFit's check.
    if (!fit) return -1;
    this.refresh();

    // Class-scoped Filters on one node per class, in plugin order, each on the survivors.
    const reps = this.repScratch;
    const repClass = this.repClassScratch;
    const live = this.liveClasses;
    for (let i = 0; i < live.length; i++) {
      reps[i] = this.reps[live[i]!]!;
      repClass[i] = live[i]!;
    }
    reps.length = live.length;
    repClass.length = live.length;
    for (let f = 0; f < nf; f++) {
      const p = classFilters[f]!;
      if (reps.length === 0) break;
      const out = this.statuses(reps.length);
      p.filter(cs, pod, reps, out);
      let w = 0;
      for (let i = 0; i < reps.length; i++) {
        const s = out[i] ?? null;
        if (s !== null && s.code === Code.Error) return -1;
        if (s === null || s.code === Code.Success) {
          reps[w] = reps[i]!;
          repClass[w] = repClass[i]!;
          w++;
        }
      }
      reps.length = w;
      repClass.length = w;
    }
    const classPass = this.classPass;
    classPass.fill(0);
    for (const c of repClass) classPass[c] = 1;

    // The resource scorers, with their arguments as PreScore will compute them (they only depend
    // on the pod and the table); scoreAndSelect checks that after PreScore.
    const scorers = this.scanScorers;
    const sources = this.scanSources;
    const scorerPlugins = this.scanScorerPlugins;
    let ns = 0;
    for (const { plugin, weight, resourceKernel } of plan.scores) {
      if (resourceKernel === null) continue;
      const a = resourceKernel.fusedResourceScore(cs, pod);
      if (!a) continue;
      const prev = scorers[ns];
      // The same record again (consecutive pods of one shape) keeps the weighted copy, and with it the score cache's key.
      if (!prev || prev.pluginWeight !== weight || !sameRecord(SCORER, sources[ns]!, a)) scorers[ns] = withFields(SCORER, a, { pluginWeight: weight });
      sources[ns] = a;
      scorerPlugins[ns++] = plugin;
    }
    scorers.length = ns;
    sources.length = ns;
    scorerPlugins.length = ns;

    this.fitRequest = fit;
    this.current = this.scoreRows(fit, scorers);
    if (!this.sameScan(classPass)) {
      this.classFeasible.fill(0);
      this.count = this.kernels.scanClasses(this.feasibleSet(), this.classFeasible, this.classMax, this.classTies);
      this.scanTotals = this.current;
      this.scanGeneration = this.generation;
      if (this.scanClassPass.length < classPass.length) this.scanClassPass = new Int32Array(classPass.length);
      for (const c of this.liveClasses) this.scanClassPass[c] = classPass[c]!;
    }
    this.gathered = false;
    return this.count;
  }

  /** Whether the last scan_classes holds for these totals and class verdicts (see scanTotals). */
  private sameScan(classPass: Int32Array): boolean {
    if (this.rescored || this.current !== this.scanTotals || this.generation !== this.scanGeneration) return false;
    for (const c of this.liveClasses) if (this.scanClassPass[c] !== classPass[c]) return false;
    return true;
  }

  /** The table the kernels scan. */
  private table(): FusedTable {
    return this.tableSource ?? this.fw.state.table;
  }

  /** Fills `out` with this cycle's scan (for a FusedSpeculation; see FusedScan). */
  exportScan(out: FusedScan): void {
    out.rowTotals = this.current;
    out.rows = this.rowsIdentity ? null : this.rows;
    out.classes = this.classes;
    out.singleClass = this.singleClass;
    out.n = this.n;
    out.classPass = this.classPass;
    out.classFeasible = this.classFeasible;
    out.classScore = this.classScore;
    out.liveClasses = this.liveClasses;
    out.count = this.count;
    out.fit = this.fitRequest!;
    out.scorers = this.scanScorers;
  }

  /** This cycle's nodes as the selection kernels read them (one object, refreshed per call). */
  private feasibleSet(): FeasibleSet {
    const s = this.scanSet;
    s.rowTotals = this.current;
    s.rows = this.rowsIdentity ? null : this.rows;
    s.classes = this.classes;
    s.singleClass = this.singleClass;
    s.n = this.n;
    s.classPass = this.classPass;
    return s;
  }

  private readonly scanSet: { -readonly [K in keyof FeasibleSet]: FeasibleSet[K] } = {
    rowTotals: EMPTY_F64, rows: null, classes: EMPTY_I32, singleClass: -1, n: 0, classPass: EMPTY_I32,
  };

  /** Whether `feasible`/`totals` hold this cycle's list (gathered on demand). */
  private gathered = false;

  /** This cycle's totals by row: the shape's cache brought up to date, or all rows rescored. */
  private scoreRows(fit: FusedFitRequest, scorers: readonly ScorerArgs[]): Float64Array {
    const t = this.table();
    const k = this.kernels;
    this.rescored = true;
    if (!this.cacheEnabled) {
      if (this.rowTotals.length < t.capacity) this.rowTotals = k.allocF64(grownLength(this.rowTotals.length, t.capacity));
      k.scoreRows(t.region, t.capacity, t.slotCount, this.rows, this.n, fit, scorers, this.rowTotals);
      return this.rowTotals;
    }
    const cache = this.cacheFor(fit, scorers);
    let dirty = cache.epoch < 0 ? -1 : 0;
    if (dirty === 0 && cache.epoch !== t.epoch) {
      if (this.dirty.length < NODE_TABLE_DIRTY_LOG_ROWS) this.dirty = k.allocI32(NODE_TABLE_DIRTY_LOG_ROWS);
      dirty = t.touchedSince(cache.epoch, this.dirty);
    }
    if (dirty < 0) k.scoreRows(t.region, t.capacity, t.slotCount, this.rows, this.n, fit, scorers, cache.total);
    else if (dirty > 0) k.scoreRows(t.region, t.capacity, t.slotCount, this.dirty, dirty, fit, scorers, cache.total);
    this.rescored = dirty !== 0;
    cache.epoch = t.epoch;
    return cache.total;
  }

  /** Fills `feasible`/`totals` with this cycle's feasible node indices and totals. */
  private gather(): void {
    if (this.gathered) return;
    const got = this.kernels.gatherFeasible(this.feasibleSet(), this.feasible, this.totals);
    if (got !== this.count) throw new PodfitError('PODFIT_ERR_KERNEL_INVARIANT', `gather_feasible found ${got} nodes, scan_classes ${this.count}`);
    this.gathered = true;
  }

  /** The score cache of this cycle's shape (created or recycled), valid for the current table. */
  private cacheFor(fit: FusedFitRequest, scorers: readonly ScorerArgs[]): ShapeCache {
    const t = this.table();
    if (this.cacheLayoutVersion !== t.layoutVersion || this.cacheViewEpoch !== t.viewEpoch || this.cacheCapacity !== t.capacity) {
      // Re-laid out, or someone holds a writable column view: every cached row is suspect.
      if (this.cacheCapacity !== t.capacity) this.caches = [];
      for (const c of this.caches) c.epoch = -1;
      this.cacheCapacity = t.capacity;
      this.cacheLayoutVersion = t.layoutVersion;
      this.cacheViewEpoch = t.viewEpoch;
    }
    const len = this.sign(fit, scorers);
    const sig = this.signature;
    this.cycles++;
    let victim: ShapeCache | undefined;
    for (const c of this.caches) {
      if (c.keyLength === len && sameNumbers(c.key, sig, len)) {
        c.lastUse = this.cycles;
        return c;
      }
      if (!victim || c.lastUse < victim.lastUse) victim = c;
    }
    if (this.caches.length < FUSED_SCORE_CACHES_MAX) {
      victim = { key: new Float64Array(0), keyLength: 0, total: this.kernels.allocF64(t.capacity), epoch: -1, lastUse: 0 };
      this.caches.push(victim);
    }
    const c = victim!;
    if (c.key.length < len) c.key = new Float64Array(grownLength(c.key.length, len));
    c.key.set(sig.subarray(0, len));
    c.keyLength = len;
    c.epoch = -1;
    c.lastUse = this.cycles;
    return c;
  }

  /** Writes the shape's signature (its records' encoding) into `signature`; returns its length. */
  private sign(fit: FusedFitRequest, scorers: readonly ScorerArgs[]): number {
    const need = shapeWords(fit, scorers);
    if (this.signature.length < need) this.signature = new Float64Array(grownLength(this.signature.length, need));
    return encodeShape(fit, scorers, this.signature, 0);
  }

  private statuses(n: number): Array<Status | null> {
    const a = this.statusScratch;
    while (a.length < n) a.push(null);
    a.fill(null, 0, n);
    return a;
  }

  /** The node at feasible position k of the last filter(). */
  nodeAt(k: number): NodeInfo {
    this.gather();
    return this.fw.state.nodes[this.feasible[k]!]!;
  }

  /** The feasible nodes of the last filter(), in node order (state.nodes itself when all are). */
  feasibleNodes(): readonly NodeInfo[] {
    const nodes = this.fw.state.nodes;
    if (this.count === nodes.length) return nodes;
    this.gather();
    const out = new Array<NodeInfo>(this.count);
    for (let k = 0; k < this.count; k++) out[k] = nodes[this.feasible[k]!]!;
    return out;
  }

  /**
   * Scores the feasible nodes of the last filter() (PreScore has run) and selects one like
   * selectHost: one PRNG draw among the top totals. Returns the node, or null when a Score plugin
   * reports an error (the caller then runs the general scoring, which reports it).
   */
  scoreAndSelect(cs: CycleState, pod: PodInfo, podPlan: PodPlan, feasibleNodes: readonly NodeInfo[], prng: Prng): NodeInfo | null {
    const chosen = this.scoreAndSelectScan(cs, pod, podPlan, feasibleNodes, prng);
    if (chosen === null) this.speculation?.decline();
    return chosen;
  }

  private scoreAndSelectScan(cs: CycleState, pod: PodInfo, podPlan: PodPlan, feasibleNodes: readonly NodeInfo[], prng: Prng): NodeInfo | null {
    const fw = this.fw;
    const count = this.count;
    if (fw.score.length === 0) return null;
    const classScorers = this.classScorers;
    const constantScorers = this.constantScorers;
    const nodeScorers = this.nodeScorers;
    classScorers.clear();
    constantScorers.clear();
    nodeScorers.clear();
    // The scan's resource totals stand if the resource scorers that run now are the ones it used,
    // with the same arguments (PreScore could in principle have skipped or changed one).
    let scanValid = true;
    let scanIndex = 0;
    const rescore = this.rescoreScratch;
    let nr = 0;
    const planned = fw.plan.scores;
    for (let q = 0; q < planned.length; q++) {
      const { plugin, weight, resourceKernel, normalize } = planned[q]!;
      if (cs.skipScorePlugins.has(plugin.name)) {
        if (resourceKernel !== null) scanValid = false;
        continue;
      }
      const reads = podPlan.scoreReads[q]!;
      if (resourceKernel !== null) {
        const a = resourceKernel.fusedResourceScore(cs, pod);
        if (!a) return null;
        const used = this.scanScorers[scanIndex];
        if (this.scanScorerPlugins[scanIndex] !== plugin || !used || used.pluginWeight !== weight || !sameRecord(SCORER, this.scanSources[scanIndex]!, a)) {
          scanValid = false;
        }
        scanIndex++;
        if (!scanValid) rescore[nr++] = withFields(SCORER, a, { pluginWeight: weight });
        else rescore[nr++] = used!;
      } else if (reads === RANK_NOTHING) {
        // The same on every node: scored once.
        constantScorers.push(plugin, weight);
      } else if (reads === RANK_CLASS && (normalize === 'none' || normalize === 'max')) {
        // Per class, normalized over the classes with a feasible node (by their maximum).
        classScorers.push(plugin, weight);
      } else {
        nodeScorers.push(plugin, weight);
      }
    }
    if (scanIndex !== this.scanScorers.length) scanValid = false;
    rescore.length = nr;

    // Per-class part: representatives of the classes that have a feasible node.
    const classScore = this.classScore;
    classScore.fill(0);
    if (classScorers.size > 0) {
      const reps = this.repScratch;
      const repClass = this.repClassScratch;
      let n = 0;
      for (const c of this.liveClasses) {
        if (this.classFeasible[c] === 0) continue;
        reps[n] = this.reps[c]!;
        repClass[n++] = c;
      }
      reps.length = n;
      repClass.length = n;
      const scores = this.scoresOf(n);
      for (let j = 0; j < classScorers.size; j++) {
        const weight = classScorers.weights[j]!;
        if (!this.runScore(cs, pod, classScorers.plugins[j]!, reps, scores)) return null;
        for (let i = 0; i < n; i++) classScore[repClass[i]!]! += scores[i]! * weight;
      }
    }
    if (constantScorers.size > 0) {
      const one = this.oneNode;
      one[0] = feasibleNodes[0]!;
      const scores = this.scoresOf(1);
      let constant = 0;
      for (let j = 0; j < constantScorers.size; j++) {
        if (!this.runScore(cs, pod, constantScorers.plugins[j]!, one, scores)) return null;
        constant += scores[0]! * constantScorers.weights[j]!;
      }
      if (constant !== 0) for (const c of this.liveClasses) classScore[c]! += constant;
    }

    const k = this.kernels;
    if (scanValid && nodeScorers.size === 0) {
      // Top over classes: each class's best kernel total plus its class score.
      let max = -Infinity;
      let ties = 0;
      for (const c of this.liveClasses) {
        if (this.classFeasible[c] === 0) continue;
        const v = this.classMax[c]! + classScore[c]!;
        if (v > max) {
          max = v;
          ties = this.classTies[c]!;
        } else if (v === max) ties += this.classTies[c]!;
      }
      const draw = this.speculation ? this.speculation.captured(this, max, ties) : prng.intn(ties);
      const i = k.selectNth(this.feasibleSet(), classScore, max, draw);
      return fw.state.nodes[i]!;
    }
    // Per-node scores: nothing a speculation can capture (the header's select_top slot is the owner's).
    if (this.speculation) return null;

    this.gather();
    const t = this.table();
    const totals = this.totals;
    if (!scanValid) {
      k.zeroF64(totals, count);
      for (const a of rescore) k.scoreAdd(t.region, t.capacity, t.slotCount, this.rows, this.feasible, count, a, totals);
    }
    if (nodeScorers.size > 0) {
      const scores = new Float64Array(count);
      for (let j = 0; j < nodeScorers.size; j++) {
        const weight = nodeScorers.weights[j]!;
        if (!this.runScore(cs, pod, nodeScorers.plugins[j]!, feasibleNodes, scores)) return null;
        for (let i = 0; i < count; i++) totals[i]! += scores[i]! * weight;
      }
    }
    const ties = k.selectTop(this.classes, this.feasible, count, classScore, totals);
    return fw.state.nodes[this.feasible[k.selectKth(totals, count, k.topTotal(), prng.intn(ties))]!]!;
  }

  /** A reused Float64Array of exactly `n` elements (n is the number of classes, small). */
  private scoresOf(n: number): Float64Array {
    let a = this.scoreArrays[n];
    if (!a) {
      a = new Float64Array(n);
      this.scoreArrays[n] = a;
    }
    return a;
  }

  /** Score + NormalizeScore + range check of one plugin; false on any error (general path reports it). */
  private runScore(cs: CycleState, pod: PodInfo, plugin: ScorePlugin, nodes: readonly NodeInfo[], scores: Float64Array): boolean {
    scores.fill(0);
    let s = plugin.score(cs, pod, nodes, scores);
    if (s && s.code !== Code.Success) return false;
    if (plugin.normalizeScore) {
      s = plugin.normalizeScore(cs, pod, nodes, scores);
      if (s && s.code !== Code.Success) return false;
    }
    for (let i = 0; i < nodes.length; i++) {
      const v = scores[i]!;
      if (v > MAX_NODE_SCORE || v < 0) return false;
    }
    return true;
  }
}

/** Score plugins with their weights, refilled every cycle without reallocating. */
class WeightedPlugins {
  readonly plugins: ScorePlugin[] = [];
  readonly weights: number[] = [];
  size = 0;
  clear(): void {
    this.size = 0;
  }
  push(plugin: ScorePlugin, weight: number): void {
    this.plugins[this.size] = plugin;
    this.weights[this.size] = weight;
    this.size++;
  }
}

/** Whether the first `n` numbers of two arrays are equal. */
function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}


/**
 * Class batching: pods that differ only in identity (the clones of a template, the replicas of a
 * workload: one pod class, model/pod-info.ts podClassKey) share one set of per-node filter
 * verdicts and scores, kept current node by node, and each pod's node comes from an ordered
 * index over the totals in O(log n) instead of a cycle over every node (Borg's equivalence
 * classes and score caching; DESIGN.md "One engine, many executions").
 *
 * It applies when the plan allows it for the pod (plan.ts: every Filter and Score it runs is
 * node-local; normalized scores read placement-invariant state and normalize by the maximum;
 * the binding cycle reads nothing of the CycleState) and the profile filters every node (no
 * sampling). Why it decides what one full cycle per pod decides:
 *
 * - node-local means a placement changes verdicts and raw scores on the node it lands on only,
 *   and the plugins' PreFilter/PreScore state depends on the pod alone (traits.ts), so one
 *   PreFilter and PreScore serve the class, and every change since the last pod is a row the
 *   NodeTable's dirty log names: those nodes are re-evaluated with the plugins' own Filter/Score
 *   (the kernel part, fit and resource scores, with one score_rows call over those rows, the
 *   kernels the plugins themselves call);
 * - a score normalized by the maximum (kube's DefaultNormalizeScore: TaintToleration, preferred
 *   NodeAffinity) changes on every node only when the maximum raw score over the feasible nodes
 *   moves, which happens only when a node holding it leaves the feasible set (or a node joins it):
 *   the batch counts feasible nodes per raw value and renormalizes everything, with the plugin's
 *   own NormalizeScore, exactly then;
 * - scores the traits call `nothing` are the same on every feasible node and cannot change which
 *   node wins or how many tie: they are left out of the totals;
 * - the index is a max segment tree over node order holding each node's total (-Infinity when
 *   infeasible) and how many nodes of each subtree hold its maximum: the top total, the number of
 *   nodes tied at it, and the k-th of them in node order, in O(log n). One PRNG draw k in
 *   [0, ties) picks the node, the draw selectHost makes (also with one feasible node).
 * Whatever the batch cannot decide (no feasible node: the FitError and PostFilter; a plugin
 * error; a state it does not track) it leaves to the exact cycle, which then runs as usual.
 *
 * Per-node arrays live in kernel memory (allocF64/allocI32: the shared WASM memory for the wasm
 * engine), so the tree kernels (tree_build, tree_set, tree_kth) work on them in place.
 */
import type { NodeInfo } from '../model/cluster-state.js';
import type { PodInfo } from '../model/pod-info.js';
import { podClassKey } from '../model/pod-info.js';
import type { ScorerArgs } from '../kernel/kernels.js';
import { CLASS_BATCHES_MAX, CLASS_KEYS_SEEN_MAX, MAX_NODE_SCORE, NODE_TABLE_DIRTY_LOG_ROWS } from '../model/limits.js';
import { CycleState } from './cycle-state.js';
import type { FilterPlugin, ScorePlugin } from './interfaces.js';
import type { PodPlan, PlannedFilter, PlannedScore } from './plan.js';
import type { Prng } from './prng.js';
import type { Framework } from './runtime.js';
import { Code, type Status } from './status.js';
import { readsRank, type FitKernelArgs } from './traits.js';

const RANK_NOTHING = readsRank('nothing');
const RANK_NODE = readsRank('node');

/** A decision of class batching. */
export interface ClassDecision {
  /** Index of the chosen node in state.nodes. */
  readonly node: number;
  readonly feasibleNodes: number;
}

/** Capacity for n elements: doubling from 64. */
function grown(have: number, n: number): number {
  let cap = Math.max(64, have);
  while (cap < n) cap *= 2;
  return cap;
}

/** Smallest power of two >= n (>= 1). */
function pow2(n: number): number {
  let s = 1;
  while (s < n) s *= 2;
  return s;
}

/** A normalized Score plugin of a batch: raw scores, normalized ones, and feasible nodes per raw value. */
interface NormalizedPart {
  readonly plugin: ScorePlugin;
  readonly weight: number;
  /** Raw score by node index (nodes that passed the placement-invariant filters). */
  readonly raw: Float64Array;
  /** Normalized score by node index (feasible nodes). */
  readonly normalized: Float64Array;
  /** Feasible nodes per raw value. */
  readonly counts: Map<number, number>;
  max: number;
}

/** One pod class's verdicts, scores and index (see the file comment). */
class ClassBatch {
  // What the batch is valid for.
  private layoutVersion = -1;
  private capacity = -1;
  private viewEpoch = -1;
  private nodeGeneration = -1;
  /** NodeTable epoch the batch reflects. */
  private epoch = -1;
  /** The plan's reads per plugin when built (a later pod must plan the same). */
  private readonly filterReads: Uint8Array;
  private readonly scoreReads: Uint8Array;

  private readonly cs = new CycleState();
  private n = 0;
  private size = 1;
  /** Node index of each table row (-1: none). */
  private nodeOfRow: Int32Array = new Int32Array(0);
  /** Row of each node index (the rows scanned by score_rows). */
  private rows: Int32Array = new Int32Array(0);
  /** Passed every Filter whose verdict placements cannot change. */
  private staticPass = new Uint8Array(0);
  /** Passed every other Filter (re-evaluated on changed nodes). */
  private dynamicPass = new Uint8Array(0);
  /** Feasible now. */
  private feasible = new Uint8Array(0);
  private feasibleCount = 0;
  /** Sum of weight x score of the placement-invariant, unnormalized Scores. */
  private staticScore = new Float64Array(0);
  /** Sum of weight x score of the other unnormalized Scores outside the kernel. */
  private dynamicScore = new Float64Array(0);
  /** Sum of weight x normalized score. */
  private normalizedScore = new Float64Array(0);
  /** score_rows' output by row: -1 = the fit kernel rejects, else sum of weight x kernel score. */
  private kernelTotal: Float64Array = new Float64Array(0);
  /** The segment tree: max and tie count per tree node; leaves at [size, 2 * size). */
  private treeMax: Float64Array = new Float64Array(0);
  private treeCount: Int32Array = new Int32Array(0);

  // The plugins, split by what changes them.
  private readonly dynamicFilters: FilterPlugin[] = [];
  private readonly staticScores: Array<{ plugin: ScorePlugin; weight: number }> = [];
  private readonly dynamicScores: Array<{ plugin: ScorePlugin; weight: number }> = [];
  private readonly normalized: NormalizedPart[] = [];
  /** The fit kernel's request and the kernel scorers (the fast path of changed rows), or null. */
  private fit: FitKernelArgs | null = null;
  private readonly scorers: ScorerArgs[] = [];

  // Scratch.
  private touchedRows = new Int32Array(NODE_TABLE_DIRTY_LOG_ROWS);
  private mark = new Int32Array(0);
  private round = 0;
  private readonly touchedNodes: NodeInfo[] = [];
  private readonly statusScratch: Array<Status | null> = [];
  private scoreScratch = new Float64Array(0);
  /** Broken: a plugin failed on a changed node; the exact cycle reports it from now on. */
  broken = false;

  constructor(private readonly fw: Framework, plan: PodPlan) {
    this.filterReads = Uint8Array.from(plan.filterReads);
    this.scoreReads = Uint8Array.from(plan.scoreReads);
  }

  /** Whether a pod's plan reads what the batch was built for. */
  matches(plan: PodPlan): boolean {
    const a = plan.filterReads;
    const b = plan.scoreReads;
    for (let i = 0; i < a.length; i++) if (a[i] !== this.filterReads[i]) return false;
    for (let i = 0; i < b.length; i++) if (b[i] !== this.scoreReads[i]) return false;
    return true;
  }

  /** Whether the state changed in a way the batch does not follow (it must be rebuilt). */
  stale(): boolean {
    const fw = this.fw;
    const t = fw.state.table;
    return t.layoutVersion !== this.layoutVersion || t.capacity !== this.capacity || t.viewEpoch !== this.viewEpoch ||
      fw.state.nodeGeneration !== this.nodeGeneration || t.epoch - this.epoch > NODE_TABLE_DIRTY_LOG_ROWS || t.epoch < this.epoch;
  }

  /**
   * Builds everything for `pod` on the current state with the general path's own steps: PreFilter,
   * the candidate nodes, every Filter, PreScore and every Score (as the plugins compute them).
   * False when the exact cycle must decide (a PreFilter rejection or error, a plugin error).
   */
  build(pod: PodInfo): boolean {
    const fw = this.fw;
    const state = fw.state;
    const t = state.table;
    const k = fw.kernels;
    const nodes = state.nodes;
    const n = nodes.length;
    const cs = this.cs;
    this.allocate(n, t.capacity);
    const pre = fw.runPreFilter(cs, pod, nodes);
    if (pre.status !== null && pre.status.code !== Code.Success) return false;
    const candidates = fw.candidateNodes(pre, nodes).nodes;

    // Filters: those placements cannot change once over every candidate, the others on survivors.
    const plan = fw.plan;
    this.dynamicFilters.length = 0;
    this.fit = null;
    let survivors: NodeInfo[] = candidates.slice();
    const dynamic: PlannedFilter[] = [];
    for (let f = 0; f < plan.filters.length; f++) {
      const pf = plan.filters[f]!;
      if (cs.skipFilterPlugins.has(pf.plugin.name)) continue;
      if (this.filterReads[f]! > RANK_NODE) {
        dynamic.push(pf);
        continue;
      }
      survivors = this.runFilter(pf.plugin, pod, survivors);
      if (survivors === FAILED) return false;
    }
    for (const node of survivors) this.staticPass[this.indexOf(node)] = 1;
    const staticNodes = survivors;
    // The fit kernel's verdict comes from score_rows when the profile has the fit kernel Filter.
    const fitFilter = dynamic.find((pf) => pf.fitKernel !== null);
    if (fitFilter) {
      const req = fitFilter.fitKernel!.fusedFitRequest(cs);
      if (!req) return false;
      this.fit = req;
    }
    for (const pf of dynamic) if (pf !== fitFilter) this.dynamicFilters.push(pf.plugin);
    let feasibleNodes = this.runDynamicFilters(pod, staticNodes, true);
    if (feasibleNodes === FAILED) return false;

    // PreScore with the nodes the Filters leave (kernel fit included), then the Scores.
    if (this.fit) {
      // Fit alone first (no scorers yet: PreScore has not run), to hand PreScore the feasible nodes.
      k.scoreRows(t.region, t.capacity, t.slotCount, this.rows, n, this.fit.slots, this.fit.amounts, this.fit.count, [], this.kernelTotal);
      feasibleNodes = feasibleNodes.filter((node) => this.kernelTotal[node.row]! >= 0);
    }
    if (feasibleNodes.length === 0) return false;
    if (fw.runPreScore(cs, pod, feasibleNodes) !== null) return false;
    if (!this.planScores(pod, plan.scores)) return false;
    if (this.fit) {
      k.scoreRows(t.region, t.capacity, t.slotCount, this.rows, n, this.fit.slots, this.fit.amounts, this.fit.count, this.scorers, this.kernelTotal);
    }
    if (!this.scoreStatic(pod, staticNodes)) return false;
    if (!this.scoreDynamic(pod, staticNodes)) return false;
    this.feasibleCount = 0;
    for (const node of feasibleNodes) {
      this.feasible[this.indexOf(node)] = 1;
      this.feasibleCount++;
    }
    for (const part of this.normalized) {
      for (const node of feasibleNodes) {
        const v = part.raw[this.indexOf(node)]!;
        part.counts.set(v, (part.counts.get(v) ?? 0) + 1);
      }
    }
    if (!this.renormalize(pod)) return false;
    this.rebuildTree();
    this.layoutVersion = t.layoutVersion;
    this.capacity = t.capacity;
    this.viewEpoch = t.viewEpoch;
    this.nodeGeneration = state.nodeGeneration;
    this.epoch = t.epoch;
    this.rep = pod;
    return true;
  }

  /** The pod the plugins were run with (the class's representative). */
  private rep: PodInfo | null = null;

  private allocate(n: number, capacity: number): void {
    const k = this.fw.kernels;
    this.n = n;
    this.size = pow2(n);
    if (this.staticPass.length < n) {
      const len = grown(this.staticPass.length, n);
      this.staticPass = new Uint8Array(len);
      this.dynamicPass = new Uint8Array(len);
      this.feasible = new Uint8Array(len);
      this.staticScore = new Float64Array(len);
      this.dynamicScore = new Float64Array(len);
      this.normalizedScore = new Float64Array(len);
      this.mark = new Int32Array(len);
      this.rows = k.allocI32(len);
    } else {
      this.staticPass.fill(0);
      this.dynamicPass.fill(0);
      this.feasible.fill(0);
      this.staticScore.fill(0);
      this.dynamicScore.fill(0);
      this.normalizedScore.fill(0);
    }
    if (this.treeMax.length < 2 * this.size) {
      this.treeMax = k.allocF64(2 * this.size);
      this.treeCount = k.allocI32(2 * this.size);
    }
    if (this.kernelTotal.length < capacity) {
      this.kernelTotal = k.allocF64(capacity);
      this.nodeOfRow = new Int32Array(capacity);
    }
    this.nodeOfRow.fill(-1);
    const nodes = this.fw.state.nodes;
    for (let i = 0; i < n; i++) {
      const row = nodes[i]!.row;
      this.rows[i] = row;
      this.nodeOfRow[row] = i;
    }
    this.kernelTotal.fill(0, 0, capacity);
  }

  /** Node index of a node of the state. */
  private indexOf(node: NodeInfo): number {
    return this.nodeOfRow[node.row]!;
  }

  /** Runs one Filter over `nodes`; the survivors, or FAILED on an Error status. */
  private runFilter(plugin: FilterPlugin, pod: PodInfo, nodes: NodeInfo[]): NodeInfo[] {
    if (nodes.length === 0) return nodes;
    const out = this.statuses(nodes.length);
    try {
      plugin.filter(this.cs, pod, nodes, out);
    } catch {
      return FAILED;
    }
    let w = 0;
    for (let i = 0; i < nodes.length; i++) {
      const s = out[i] ?? null;
      if (s === null || s.code === Code.Success) nodes[w++] = nodes[i]!;
      else if (s.code === Code.Error) return FAILED;
    }
    nodes.length = w;
    return nodes;
  }

  /**
   * The Filters placements can change, over `nodes` (which passed the others): sets dynamicPass
   * for each (1 = passed); returns the survivors (a new list), or FAILED.
   */
  private runDynamicFilters(pod: PodInfo, nodes: readonly NodeInfo[], fresh: boolean): NodeInfo[] {
    let survivors = nodes.slice();
    for (const p of this.dynamicFilters) {
      survivors = this.runFilter(p, pod, survivors);
      if (survivors === FAILED) return FAILED;
    }
    if (!fresh) for (const node of nodes) this.dynamicPass[this.indexOf(node)] = 0;
    for (const node of survivors) this.dynamicPass[this.indexOf(node)] = 1;
    return survivors;
  }

  /** Sorts the Score plugins that run (PreScore did not skip them) by what changes them. */
  private planScores(pod: PodInfo, scores: readonly PlannedScore[]): boolean {
    const cs = this.cs;
    this.staticScores.length = 0;
    this.dynamicScores.length = 0;
    this.normalized.length = 0;
    this.scorers.length = 0;
    for (let s = 0; s < scores.length; s++) {
      const ps = scores[s]!;
      if (cs.skipScorePlugins.has(ps.plugin.name)) continue;
      const r = this.scoreReads[s]!;
      // The same on every feasible node: it cannot change which node wins or how many tie.
      if (r === RANK_NOTHING) continue;
      if (ps.normalize === 'max') {
        const len = this.staticPass.length;
        this.normalized.push({ plugin: ps.plugin, weight: ps.weight, raw: new Float64Array(len), normalized: new Float64Array(len), counts: new Map(), max: NaN });
      } else if (r <= RANK_NODE) {
        this.staticScores.push({ plugin: ps.plugin, weight: ps.weight });
      } else if (this.fit !== null && ps.resourceKernel !== null) {
        const a = ps.resourceKernel.fusedResourceScore(cs, pod);
        if (!a) return false;
        this.scorers.push({ ...a, pluginWeight: ps.weight });
      } else {
        this.dynamicScores.push({ plugin: ps.plugin, weight: ps.weight });
      }
    }
    return true;
  }

  /** Scores of placement-invariant plugins over `nodes`: the static sum and the normalized parts' raw scores. */
  private scoreStatic(pod: PodInfo, nodes: readonly NodeInfo[]): boolean {
    const scores = this.scores(nodes.length);
    for (const { plugin, weight } of this.staticScores) {
      if (!this.rawScores(plugin, pod, nodes, scores)) return false;
      for (let i = 0; i < nodes.length; i++) this.staticScore[this.indexOf(nodes[i]!)]! += weight * scores[i]!;
    }
    for (const part of this.normalized) {
      if (!this.rawScores(part.plugin, pod, nodes, scores)) return false;
      for (let i = 0; i < nodes.length; i++) part.raw[this.indexOf(nodes[i]!)] = scores[i]!;
    }
    return true;
  }

  /** Scores of the other plugins outside the kernel, over `nodes` (replacing theirs). */
  private scoreDynamic(pod: PodInfo, nodes: readonly NodeInfo[]): boolean {
    if (this.dynamicScores.length === 0) return true;
    const scores = this.scores(nodes.length);
    for (const node of nodes) this.dynamicScore[this.indexOf(node)] = 0;
    for (const { plugin, weight } of this.dynamicScores) {
      if (!this.rawScores(plugin, pod, nodes, scores)) return false;
      for (let i = 0; i < nodes.length; i++) this.dynamicScore[this.indexOf(nodes[i]!)]! += weight * scores[i]!;
    }
    return true;
  }

  /** One plugin's raw (unnormalized) scores; false on an error. */
  private rawScores(plugin: ScorePlugin, pod: PodInfo, nodes: readonly NodeInfo[], out: Float64Array): boolean {
    if (nodes.length === 0) return true;
    out.fill(0, 0, nodes.length);
    try {
      const s = plugin.score(this.cs, pod, nodes, out.length === nodes.length ? out : out.subarray(0, nodes.length));
      return s === null || s.code === Code.Success;
    } catch {
      return false;
    }
  }

  /**
   * Normalized scores of every feasible node, with each plugin's own NormalizeScore over the
   * feasible nodes' raw scores (as the general path runs it), and the maximum each was taken at.
   */
  private renormalize(pod: PodInfo): boolean {
    if (this.normalized.length === 0) return true;
    const nodes = this.fw.state.nodes;
    const list: NodeInfo[] = [];
    for (let i = 0; i < this.n; i++) if (this.feasible[i]) list.push(nodes[i]!);
    const values = new Float64Array(list.length);
    this.normalizedScore.fill(0, 0, this.n);
    for (const part of this.normalized) {
      let max = -Infinity;
      for (let j = 0; j < list.length; j++) {
        const v = part.raw[this.indexOf(list[j]!)]!;
        values[j] = v;
        if (v > max) max = v;
      }
      try {
        const s = part.plugin.normalizeScore!(this.cs, pod, list, values);
        if (s !== null && s.code !== Code.Success) return false;
      } catch {
        return false;
      }
      for (let j = 0; j < list.length; j++) {
        const v = values[j]!;
        if (v > MAX_NODE_SCORE || v < 0) return false;
        const i = this.indexOf(list[j]!);
        part.normalized[i] = v;
        this.normalizedScore[i]! += part.weight * v;
      }
      part.max = max;
    }
    return true;
  }

  /** A node's total, or -Infinity when infeasible. */
  private total(i: number): number {
    if (!this.feasible[i]) return -Infinity;
    return this.kernelTotal[this.rows[i]!]! + this.staticScore[i]! + this.dynamicScore[i]! + this.normalizedScore[i]!;
  }

  private rebuildTree(): void {
    const size = this.size;
    const max = this.treeMax;
    for (let i = 0; i < this.n; i++) max[size + i] = this.total(i);
    max.fill(-Infinity, size + this.n, 2 * size);
    this.fw.kernels.treeBuild(max, this.treeCount, size);
  }

  /**
   * Brings the batch up to the table's epoch: the nodes whose rows changed since are
   * re-evaluated (kernel rows, the other dynamic Filters and Scores), their feasibility and
   * totals updated. False when a plugin failed (the batch is then broken).
   */
  sync(pod: PodInfo): boolean {
    const fw = this.fw;
    const t = fw.state.table;
    if (t.epoch === this.epoch) return true;
    const got = t.touchedSince(this.epoch, this.touchedRows);
    this.epoch = t.epoch;
    const rows = this.touchedRows;
    const round = ++this.round;
    let m = 0;
    for (let q = 0; q < got; q++) {
      const row = rows[q]!;
      const i = row < this.nodeOfRow.length ? this.nodeOfRow[row]! : -1;
      if (i < 0 || this.mark[i] === round) continue;
      this.mark[i] = round;
      rows[m++] = row;
    }
    if (m === 0) return true;
    const rep = this.rep ?? pod;
    if (this.fit) {
      fw.kernels.scoreRows(t.region, t.capacity, t.slotCount, rows, m, this.fit.slots, this.fit.amounts, this.fit.count, this.scorers, this.kernelTotal);
    }
    const nodes = fw.state.nodes;
    const touched = this.touchedNodes;
    let tn = 0;
    for (let q = 0; q < m; q++) {
      const i = this.nodeOfRow[rows[q]!]!;
      if (this.staticPass[i]) touched[tn++] = nodes[i]!;
    }
    touched.length = tn;
    if (tn > 0) {
      if (this.dynamicFilters.length > 0 && this.runDynamicFilters(rep, touched, false) === FAILED) return this.fail();
      if (!this.scoreDynamic(rep, touched)) return this.fail();
    }
    let renormalize = false;
    for (let q = 0; q < m; q++) {
      const i = this.nodeOfRow[rows[q]!]!;
      const row = rows[q]!;
      const now = this.staticPass[i] === 1 && (this.dynamicFilters.length === 0 || this.dynamicPass[i] === 1) && (this.fit === null || this.kernelTotal[row]! >= 0) ? 1 : 0;
      if (now !== this.feasible[i]) {
        this.feasible[i] = now;
        this.feasibleCount += now ? 1 : -1;
        if (this.moveCounts(i, now === 1)) renormalize = true;
      }
    }
    if (renormalize) {
      if (!this.renormalize(rep)) return this.fail();
      this.rebuildTree();
      return true;
    }
    const k = fw.kernels;
    for (let q = 0; q < m; q++) {
      const i = this.nodeOfRow[rows[q]!]!;
      k.treeSet(this.treeMax, this.treeCount, this.size, i, this.total(i));
    }
    return true;
  }

  /** Updates the per-value counts for node i entering or leaving the feasible set; true when a maximum may move. */
  private moveCounts(i: number, entering: boolean): boolean {
    let moved = false;
    for (const part of this.normalized) {
      const v = part.raw[i]!;
      const c = (part.counts.get(v) ?? 0) + (entering ? 1 : -1);
      if (c <= 0) part.counts.delete(v);
      else part.counts.set(v, c);
      // A node joining always renormalizes (its own normalized score is needed); one leaving only
      // when it held the last copy of the maximum.
      if (entering || (c <= 0 && v === part.max)) moved = true;
    }
    return moved;
  }

  private fail(): boolean {
    this.broken = true;
    return false;
  }

  /** The node for the next pod (one PRNG draw), or null when none is feasible. */
  select(prng: Prng): ClassDecision | null {
    if (this.feasibleCount === 0) return null;
    const ties = this.treeCount[1]!;
    const node = this.fw.kernels.treeKth(this.treeMax, this.treeCount, this.size, prng.intn(ties));
    return { node, feasibleNodes: this.feasibleCount };
  }

  private statuses(n: number): Array<Status | null> {
    const a = this.statusScratch;
    while (a.length < n) a.push(null);
    a.fill(null, 0, n);
    return a;
  }

  private scores(n: number): Float64Array {
    if (this.scoreScratch.length < n) this.scoreScratch = new Float64Array(grown(this.scoreScratch.length, n));
    return this.scoreScratch.length === n ? this.scoreScratch : this.scoreScratch.subarray(0, n);
  }
}

/** The marker runFilter returns on an Error status. */
const FAILED: NodeInfo[] = [];

/** A profile's class batches, by pod class (at most CLASS_BATCHES_MAX, least recently used dropped). */
export class ClassBatches {
  private readonly batches = new Map<string, ClassBatch>();
  /** Classes seen once (a batch is built on the second pod of a class), with the state generation a build declined at. */
  private readonly seen = new Map<string, number>();
  /** The batch used last, and its class key. */
  private lastKey: string | undefined;
  private last: ClassBatch | undefined;
  /** Decisions made by class batching, and batches built (for stats and tests). */
  decisions = 0;
  builds = 0;

  constructor(private readonly fw: Framework) {}

  /**
   * The node class batching chooses for `pod` (one PRNG draw), or null when the exact cycle must
   * run (nothing drawn then): the plan does not allow it, it is the first pod of its class, the
   * batch cannot decide, or no node is feasible.
   */
  decide(pod: PodInfo, plan: PodPlan, prng: Prng): ClassDecision | null {
    if (!plan.classBatch) return null;
    const key = podClassKey(pod);
    // Consecutive pods of one class (a queue of replicas) skip the map.
    let b = key === this.lastKey ? this.last : this.batches.get(key);
    if (b !== undefined && (b.broken || !b.matches(plan) || b.stale())) {
      this.drop(key);
      b = undefined;
    }
    if (b === undefined) {
      b = this.build(pod, key, plan);
      if (b === undefined) return null;
    } else {
      if (key !== this.lastKey) this.use(key, b);
      if (!b.sync(pod)) {
        this.drop(key);
        return null;
      }
    }
    const d = b.select(prng);
    if (d !== null) this.decisions++;
    return d;
  }

  /**
   * A new batch for the class of `pod`, or undefined: the first pod of a class takes the exact
   * cycle (one-off pods never pay for a build), and after a declined build the state must change
   * before the next try.
   */
  private build(pod: PodInfo, key: string, plan: PodPlan): ClassBatch | undefined {
    const gen = this.seen.get(key);
    const generation = this.fw.state.generation;
    if (gen === undefined || gen === generation) {
      this.remember(key, gen === undefined ? -1 : gen);
      return undefined;
    }
    const fresh = new ClassBatch(this.fw, plan);
    this.builds++;
    if (!fresh.build(pod)) {
      this.remember(key, generation);
      return undefined;
    }
    this.use(key, fresh);
    return fresh;
  }

  /** Makes `b` the most recently used batch (the least recently used beyond CLASS_BATCHES_MAX goes). */
  private use(key: string, b: ClassBatch): void {
    this.batches.delete(key);
    this.batches.set(key, b);
    if (this.batches.size > CLASS_BATCHES_MAX) {
      const oldest = this.batches.keys().next().value!;
      this.drop(oldest);
    }
    this.lastKey = key;
    this.last = b;
  }

  private drop(key: string): void {
    this.batches.delete(key);
    if (key === this.lastKey) {
      this.lastKey = undefined;
      this.last = undefined;
    }
  }

  private remember(key: string, generation: number): void {
    this.seen.delete(key);
    this.seen.set(key, generation);
    if (this.seen.size > CLASS_KEYS_SEEN_MAX) this.seen.delete(this.seen.keys().next().value!);
  }
}

/**
 * Class batching: pods that differ only in identity (the clones of a template, the replicas of a
 * workload: one pod class, model/pod-info.ts podClassKey) share one set of per-node verdicts and
 * scores, kept current node by node, and each pod's node comes from an ordered index over the
 * totals in O(log n) instead of a cycle over every node (Borg's equivalence classes and score
 * caching; DESIGN.md "One engine, many executions").
 *
 * It applies when the plan allows it for the pod (plan.ts: every Filter and Score it runs is
 * node-local or dynamic (below); a normalized score reads placement-invariant state and normalizes
 * by the maximum, or is dynamic and normalizes by the range;
 * the binding cycle reads nothing of the CycleState) and the profile filters every node (no
 * sampling). Why it decides what one full cycle per pod decides:
 *
 * - node-local means a placement changes verdicts and raw scores on the node it lands on only,
 *   and the plugins' PreFilter/PreScore state depends on the pod alone (traits.ts), so one
 *   PreFilter and PreScore serve the class, and every change since the last pod is a row the
 *   NodeTable's dirty log names. Those rows are re-scored by the kernels the plugins themselves
 *   use (fit and resource scores: score_rows), and the Filters and Scores that read the node's
 *   pods run again on those nodes;
 * - a plugin whose verdict or score reads at most the node's class is run once per class (on a
 *   representative node) and one that reads the node once per node, at the build only: placing
 *   pods never changes what they read;
 * - a score normalized by the maximum (kube's DefaultNormalizeScore: TaintToleration, preferred
 *   NodeAffinity) changes on every node only when the maximum raw score over the feasible nodes
 *   moves: for a class-level score, when a class gains its first feasible node or loses its last;
 *   for a node-level one, when a node joins the feasible set or the last node holding the maximum
 *   leaves it. Exactly then the batch renormalizes with the plugin's own NormalizeScore (over the
 *   representatives of the classes with a feasible node, or over the feasible nodes);
 * - scores the traits call `nothing` are the same on every feasible node and cannot change which
 *   node wins or how many tie: they are left out of the totals;
 * - a dynamic part (traits `domain`, `topology`: pods counted per topology domain, PodTopologySpread
 *   and InterPodAffinity) may change on every node after any placement, but its plugin keeps its
 *   PreFilter and PreScore states exactly what they would be if run now (preFilterFollow,
 *   preScoreFollow). The batch reads every placement and removal since its last decision from the
 *   state's placement log, applies each to those states, and asks the plugin again: once per class
 *   on a representative for `domain` (the part reads only labels a class carries), on every node
 *   for `topology`; a dynamic Score's PreScore state follows the feasible nodes it was given when
 *   they changed (every class's presence for `domain`, any node for `topology`: node by node
 *   through preScoreNodeFollow where the plugin has it, else PreScore runs again), and its
 *   NormalizeScore (traits `range`: it depends on the raw scores' range) runs over the same units.
 *   The parts land in classBase (`domain`) or nodeBase (`topology`) and the leaves are relinked
 *   from the current kernel totals (class_leaves without rescoring). A `topology` Score whose
 *   plugin keys its nodes (ScorePlugin.scoreKeys: equal keys in a class, equal scores; only
 *   placements on a node move its key) is scored once per group (class, key) with a feasible node
 *   and lands in groupBase (keyed-groups.ts): a placement then costs the few groups and one
 *   relink, not a plugin pass over every node. A dynamic part whose PreFilter or PreScore
 *   skipped at the build could stop skipping unseen: such a pod takes the exact cycle. The objects
 *   plugins read (Services and controllers behind default spreading, Namespaces) rebuild the batch
 *   when they change;
 * - the index is a max segment tree over node order (kernel tree_*) holding each node's total
 *   (-Infinity when infeasible) and how many nodes of each subtree hold its maximum: the top total,
 *   the number of nodes tied at it, and the k-th of them in node order, in O(log n). One PRNG draw
 *   k in [0, ties) picks the node, the draw selectHost makes (also with one feasible node).
 * Whatever the batch cannot decide (no feasible node: the FitError and PostFilter; a plugin
 * error; a state it does not follow) it leaves to the exact cycle, which then runs as usual.
 *
 * A node's total is `kernelTotal[row] + classBase[class] + nodeBase[node] + groupBase[group]`: the
 * kernel part (fit and resource scores by row, -1 when the fit kernel rejects), the class part
 * (class-level scores, -Infinity when the class fails a class-level Filter), the node part
 * (node-level scores, -Infinity when the node fails a node-level Filter or is not a PreFilter
 * candidate) and a keyed part's value by group (0 without one). These arrays
 * and the tree live in kernel memory and are kept by the kernels of either engine (class_leaves,
 * class_update, tree_kth; js is the reference twin), so worker threads could read them too.
 */
import type { NodeInfo } from '../model/cluster-state.js';
import type { PodInfo } from '../model/pod-info.js';
import { podClassKey } from '../model/pod-info.js';
import type { ClassIndex, FitArgs, ScorerArgs } from '../kernel/kernels.js';
import { CLASS_BATCHES_MAX, CLASS_BUILD_BACKOFF_MAX, CLASS_KEYS_SEEN_MAX, KEYED_GROUPS_PER_CLASS, MAX_NODE_SCORE, NODE_TABLE_DIRTY_LOG_ROWS } from '../model/limits.js';
import { CycleState } from './cycle-state.js';
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from './interfaces.js';
import type { Placement } from '../model/cluster-state.js';
import { grownLength, type NodeView } from './node-view.js';
import type { PodPlan } from './plan.js';
import type { Prng } from './prng.js';
import type { Framework } from './framework.js';
import { Code, type Status } from './status.js';
import { readsRank } from './traits.js';
import { KeyedGroups } from './keyed-groups.js';

const RANK_NOTHING = readsRank('nothing');
const RANK_CLASS = readsRank('class');
const RANK_NODE = readsRank('node');
const RANK_DOMAIN = readsRank('domain');
const RANK_TOPOLOGY = readsRank('topology');

/** A decision of class batching (ClassBatches.decide reuses one: read it before the next decision). */
export interface ClassDecision {
  /** Index of the chosen node in state.nodes. */
  node: number;
  /** Feasible nodes (kube's count for the result). */
  feasibleNodes: number;
}

/** Smallest power of two >= n (>= 1). */
function pow2(n: number): number {
  let s = 1;
  while (s < n) s *= 2;
  return s;
}

/** A weighted Score plugin. */
interface Weighted {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

/** A normalized (by the maximum) Score plugin: raw scores by class or node, and the maximum normalized at. */
interface Normalized extends Weighted {
  /** Raw score by class id (class-level) or node index (node-level). */
  raw: Float64Array;
  /** Normalized score, same indexing. */
  normalized: Float64Array;
  /** Node-level only: feasible nodes per raw value. */
  readonly counts: Map<number, number>;
  max: number;
}

/** A dynamic Filter (traits `domain`, `topology`): asked again per class or per node after placements. */
interface DynamicFilter {
  readonly plugin: FilterPlugin;
  /** `domain`: one verdict per class (on a representative); `topology`: per node. */
  readonly perClass: boolean;
}

/** A dynamic Score: raw scores per class or node after placements, normalized over the feasible ones. */
interface DynamicScore extends Weighted {
  readonly preScore: PreScorePlugin;
  readonly perClass: boolean;
  readonly normalize: boolean;
  /** Normalized score by class id (perClass) or node index (unkeyed). */
  value: Float64Array;
  /** Per node, scored by group (ScorePlugin.scoreKeys; keyed-groups.ts): set by the build when the one per-node part has keys. */
  keyed: KeyedGroups | null;
}

/** The marker runFilter returns on an Error status. */
const FAILED: NodeInfo[] = [];

/** One pod class's verdicts, scores and index (see the file comment). */
class ClassBatch {
  // What the batch is valid for.
  private layoutVersion = -1;
  private capacity = -1;
  private viewEpoch = -1;
  private nodeGeneration = -1;
  private objectsGeneration = -1;
  /** NodeTable epoch the batch reflects. */
  private epoch = -1;
  /** The plan's reads per plugin when built (a later pod must plan the same). */
  private readonly filterReads: Uint8Array;
  private readonly scoreReads: Uint8Array;

  private readonly cs = new CycleState();
  private rep: PodInfo | null = null;
  private n = 0;
  private size = 1;
  private classCount = 0;

  // Kernel memory (see the file comment).
  private kernelTotal: Float64Array = new Float64Array(0);
  private classBase: Float64Array = new Float64Array(0);
  private nodeBase: Float64Array = new Float64Array(0);
  /** A keyed part's group of each node and weighted value per group (all 0 without one; keyed-groups.ts). */
  private groups: Int32Array = new Int32Array(0);
  private groupBase: Float64Array = new Float64Array(0);
  private feasible: Int32Array = new Int32Array(0);
  private classFeasible: Int32Array = new Int32Array(0);
  private treeMax: Float64Array = new Float64Array(0);
  private treeCount: Int32Array = new Int32Array(0);
  private changed: Int32Array = new Int32Array(0);
  private flips: Int32Array = new Int32Array(0);
  /** The fit kernel's request (kernel-memory copies: the engine reads them in place every decision). */
  private fit: FitArgs = { slots: new Int32Array(0), amounts: new Float64Array(0), count: 0 };
  private feasibleCount = 0;
  /** The index kernels bound to the arrays above (Kernels.classIndex). */
  private index: ClassIndex | null = null;

  // The class and node parts, by what they read.
  /** Class passed the class-level Filters. */
  private classPass = new Uint8Array(0);
  /** Sum of weight x score of class-level unnormalized Scores, by class. */
  private classScore = new Float64Array(0);
  /** Node passed the node-level Filters placements cannot change (and is a candidate). */
  private nodePass = new Uint8Array(0);
  /** Node passed the Filters that read its pods (re-run on changed nodes). */
  private podsPass = new Uint8Array(0);
  /** Sum of weight x score of node-level unnormalized Scores placements cannot change. */
  private nodeScore = new Float64Array(0);
  /** A node-level Score wrote nodeScore; every node passed the node-level Filters (nodePass all 1). */
  private nodeScored = false;
  private allNodesPass = false;
  /** Sum of weight x score of the Scores that read the node's pods (re-run on changed nodes). */
  private podsScore = new Float64Array(0);

  // The plugins, by what they read.
  private readonly podsFilters: FilterPlugin[] = [];
  private readonly podsScores: Weighted[] = [];
  private readonly classNormalized: Normalized[] = [];
  private readonly nodeNormalized: Normalized[] = [];
  private useKernel = 0;
  private readonly scorers: ScorerArgs[] = [];

  // Dynamic parts (traits `domain`, `topology`; see the file comment).
  private readonly dynFilters: DynamicFilter[] = [];
  private readonly dynScores: DynamicScore[] = [];
  /** The plugins whose PreFilter state (dynamic Filters) and PreScore state (dynamic Scores) follow placements. */
  private readonly followPreFilter: PreFilterPlugin[] = [];
  private readonly followPreScore: PreScorePlugin[] = [];
  /** Which units the dynamic parts have (set by the build, from dynFilters and dynScores). */
  private perClassFilters = false;
  private perNodeFilters = false;
  private perNodeScores = false;
  /** The placement log's clock (ClusterState.placementSeq) the dynamic states reflect. */
  private placementSeq = -1;
  /** Class passed the `domain` Filters. */
  private domainPass = new Uint8Array(0);
  /** Sum of weight x normalized score of the `domain` Scores, by class. */
  private domainScore = new Float64Array(0);
  /** Node passed the `topology` Filters. */
  private topoPass = new Uint8Array(0);
  /** Sum of weight x normalized score of the `topology` Scores, by node. */
  private topoScore = new Float64Array(0);
  /** Feasibility before a relink, and the flips found by comparing (afterFlips' encoding). */
  private prevFeasible = new Int32Array(0);
  private prevClassFeasible = new Int32Array(0);
  /** topoPass before the last filterDynamic, and the nodes whose verdict it moved. */
  private prevTopoPass = new Uint8Array(0);
  private topoChanged = new Int32Array(0);
  private topoChangedCount = 0;
  private flipScratch = new Int32Array(0);
  /** afterFlips' scratch: feasible nodes gained per class (zero between calls), and the classes with a change. */
  private classDelta = new Int32Array(0);
  private readonly classesTouched: number[] = [];
  /** Bumped when any node enters or leaves the feasible set / when a class gains its first or loses its last feasible node. */
  private feasibleGen = 0;
  private classGen = 0;
  /** The dynamic Scores' units: the feasible nodes, the first feasible node of each class, as of feasibleGen unitsGen. */
  private readonly feasibleNodes: NodeInfo[] = [];
  private readonly firstOfClass: NodeInfo[] = [];
  private unitsGen = -1;
  private classSeen = new Uint8Array(0);
  /** The generations the dynamic Scores' PreScore last ran at (it reads the feasible nodes). */
  private preScoreFeasibleGen = -1;
  private preScoreClassGen = -1;
  /** Every follow-up PreScore plugin follows the node list node by node (preScoreNodeFollow). */
  private followNodes = false;
  /** The feasible set the dynamic Scores' PreScore state reflects (preScoreNodeFollow follows it to `feasible`). */
  private scoreFeasible = new Int32Array(0);
  /** The one per-node dynamic Score is keyed (DynamicScore.keyed): its values are groupBase. */
  private keyedMode = false;
  /**
   * Keyed mode: the nodes placements touched since the last scoring (keyed again), the groups'
   * units, whether a group's base moved, and the nodes that changed group (their leaves move).
   */
  private readonly keyNodes: NodeInfo[] = [];
  private readonly groupUnits: NodeInfo[] = [];
  private readonly groupIds: number[] = [];
  private groupsMoved = false;
  private readonly regrouped: number[] = [];

  // Scratch.
  private readonly statusScratch: Array<Status | null> = [];
  private scoreScratch = new Float64Array(0);
  private readonly touched: NodeInfo[] = [];
  /** Broken: a plugin failed on a changed node; the exact cycle reports it from now on. */
  broken = false;

  /** Whether the batch has dynamic parts (traits `domain`, `topology`). */
  get dynamic(): boolean {
    return this.dynFilters.length > 0 || this.dynScores.length > 0;
  }

  constructor(private readonly fw: Framework, private readonly view: NodeView, plan: PodPlan) {
    this.filterReads = Uint8Array.from(plan.filterReads);
    this.scoreReads = Uint8Array.from(plan.scoreReads);
  }

  /** Whether a pod's plan reads what the batch was built for. */
  matches(plan: PodPlan): boolean {
    // The evaluation last found to match (a run of one class plans once): nothing to compare.
    if (plan === this.matched && plan.serial === this.matchedSerial) return true;
    const a = plan.filterReads;
    const b = plan.scoreReads;
    for (let i = 0; i < a.length; i++) if (a[i] !== this.filterReads[i]) return false;
    for (let i = 0; i < b.length; i++) if (b[i] !== this.scoreReads[i]) return false;
    this.matched = plan;
    this.matchedSerial = plan.serial;
    return true;
  }

  private matched: PodPlan | null = null;
  private matchedSerial = -1;

  /** Whether the state changed in a way the batch does not follow (it must be rebuilt). */
  stale(): boolean {
    const t = this.fw.state.table;
    // The objects plugins read (Services, controllers, Namespaces) decide PreFilter and PreScore
    // states for the class (default spreading selectors, namespace selectors): built again when they move.
    return (this.fw.objects !== undefined && this.fw.objects.generation !== this.objectsGeneration) ||
      t.layoutVersion !== this.layoutVersion || t.capacity !== this.capacity || t.viewEpoch !== this.viewEpoch ||
      this.fw.state.nodeGeneration !== this.nodeGeneration || t.epoch < this.epoch || t.epoch - this.epoch > NODE_TABLE_DIRTY_LOG_ROWS;
  }

  /**
   * Builds everything for `pod` on the current state with the general path's own steps: PreFilter,
   * the candidate nodes, the Filters, PreScore and the Scores (as the plugins compute them, per
   * class or per node as their traits allow). False when the exact cycle must decide (a PreFilter
   * rejection or error, a plugin error, no feasible node).
   */
  build(pod: PodInfo): boolean {
    const fw = this.fw;
    const state = fw.state;
    const t = state.table;
    const view = this.view;
    view.refresh();
    this.allocate();
    const cs = this.cs;
    const nodes = state.nodes;
    const pre = fw.runPreFilter(cs, pod, nodes);
    if (pre.status !== null && pre.status.code !== Code.Success) return false;
    const cand = fw.candidateNodes(pre, nodes);
    if (!this.buildFilters(pod, cand.nodes)) return false;
    // PreScore: node-local plugins' PreScore does not read the node list (traits.ts), so the
    // candidates stand for the feasible nodes, not known yet.
    if (fw.runPreScore(cs, pod, cand.nodes) !== null) return false;
    if (!this.buildScores(pod)) return false;
    this.perClassFilters = this.dynFilters.some((d) => d.perClass);
    this.perNodeFilters = this.dynFilters.some((d) => !d.perClass);
    this.perNodeScores = this.dynScores.some((d) => !d.perClass);
    this.followNodes = this.followPreScore.every((p) => typeof p.preScoreNodeFollow === 'function');
    // Keyed when the one per-node part can key its nodes (scoreDynamic's PreScore asks for the keys).
    const perNode = this.dynScores.filter((d) => !d.perClass);
    this.keyedMode = perNode.length === 1 && typeof perNode[0]!.plugin.scoreKeys === 'function';
    if (this.keyedMode) perNode[0]!.keyed = new KeyedGroups(this.groups, this.groupBase, this.classCount);
    // The dynamic parts' states reflect the cluster as it is now; placements after this follow.
    if (this.dynFilters.length > 0 || this.dynScores.length > 0) state.keepPlacementLog();
    this.placementSeq = state.placementSeq;
    if (!this.filterDynamic(pod)) return false;
    this.bindIndex();
    // Feasibility first (bases without the normalized parts), then the normalizations over it.
    this.writeBases();
    this.leaves();
    if (this.feasibleCount === 0) return false;
    for (const part of this.nodeNormalized) {
      for (let i = 0; i < this.n; i++) if (this.feasible[i]) part.counts.set(part.raw[i]!, (part.counts.get(part.raw[i]!) ?? 0) + 1);
    }
    if (!this.normalizeClasses(pod) || !this.normalizeNodes(pod)) return false;
    if (this.dynScores.length > 0 && !this.scoreDynamic(pod)) return false;
    // The normalizations and dynamic Scores moved: class bases, and node bases when a part is per node.
    this.writeClassBases();
    if (this.nodeNormalized.length > 0 || this.dynScores.length > 0) this.writeNodeBases();
    this.leaves();
    this.groupsMoved = false;
    this.regrouped.length = 0;
    this.layoutVersion = t.layoutVersion;
    this.capacity = t.capacity;
    this.viewEpoch = t.viewEpoch;
    this.nodeGeneration = state.nodeGeneration;
    this.objectsGeneration = fw.objects?.generation ?? -1;
    this.epoch = t.epoch;
    this.rep = pod;
    return true;
  }

  /** Binds the index kernels to the batch's arrays (at the build, and when groupBase grows). */
  private bindIndex(): void {
    const view = this.view;
    const t = this.fw.state.table;
    this.index = this.fw.kernels.classIndex({
      rows: view.rows, classes: view.classes, nodeOfRow: view.nodeOfRow, kernelTotal: this.kernelTotal,
      classBase: this.classBase, nodeBase: this.nodeBase, groups: this.groups, groupBase: this.groupBase, feasible: this.feasible, classFeasible: this.classFeasible,
      treeMax: this.treeMax, treeCount: this.treeCount, changed: this.changed, flips: this.flips,
      n: this.n, classCount: this.classCount, size: this.size,
      kernel: this.useKernel ? { region: t.region, capacity: t.capacity, slotCount: t.slotCount, fit: this.fit, scorers: this.scorers } : undefined,
    });
  }

  /**
   * A keyed part's groups outgrew groupBase (its groups are never forgotten): every node keyed
   * again into fresh groups with twice the room or more (the nodes' current keys always fit in as
   * many groups as nodes), and the index bound to them. Every leaf then moves (groupsMoved).
   */
  private growGroups(d: DynamicScore, keyOf: (node: NodeInfo) => number): void {
    const nodes = this.fw.state.nodes;
    for (let cap = this.groupBase.length * 2; ; cap *= 2) {
      const base = this.f64(cap);
      const groups = new KeyedGroups(this.groups, base, this.classCount);
      if (groups.assign(keyOf, nodes, this.view.classes, this.n)) {
        this.release(this.groupBase);
        this.groupBase = base;
        d.keyed = groups;
        break;
      }
      this.release(base);
    }
    this.bindIndex();
    this.groupsMoved = true;
    this.regrouped.length = 0;
  }

  private release(a: Float64Array): void {
    const at = this.owned.indexOf(a);
    if (at >= 0) this.owned.splice(at, 1);
    this.fw.kernels.free(a);
  }

  /** Kernel arrays this batch allocated (dispose gives them back). */
  private readonly owned: Array<Int32Array | Float64Array> = [];

  private i32(length: number): Int32Array {
    const a = this.fw.kernels.allocI32(length);
    this.owned.push(a);
    return a;
  }

  private f64(length: number): Float64Array {
    const a = this.fw.kernels.allocF64(length);
    this.owned.push(a);
    return a;
  }

  /**
   * Gives the batch's kernel memory back at once (a dropped or declined batch is never used
   * again): left to the collector, the memory of the batches a long run builds and drops grows
   * until a finalizer runs, which a synchronous run never lets happen.
   */
  dispose(): void {
    const k = this.fw.kernels;
    for (const a of this.owned) k.free(a);
    this.owned.length = 0;
    this.broken = true;
  }

  private allocate(): void {
    const view = this.view;
    const n = view.n;
    const classCount = view.classCount;
    const capacity = this.fw.state.table.capacity;
    this.n = n;
    this.classCount = classCount;
    this.size = pow2(Math.max(1, n));
    const len = grownLength(0, n);
    this.nodeBase = this.f64(len);
    this.feasible = this.i32(len);
    this.classBase = this.f64(Math.max(1, classCount));
    this.classFeasible = this.i32(Math.max(1, classCount));
    this.treeMax = this.f64(2 * this.size);
    this.treeCount = this.i32(2 * this.size);
    this.kernelTotal = this.f64(capacity);
    this.changed = this.i32(NODE_TABLE_DIRTY_LOG_ROWS);
    this.flips = this.i32(NODE_TABLE_DIRTY_LOG_ROWS);
    this.classPass = new Uint8Array(Math.max(1, classCount));
    this.classScore = new Float64Array(Math.max(1, classCount));
    this.nodePass = new Uint8Array(len);
    this.podsPass = new Uint8Array(len).fill(1);
    this.nodeScore = new Float64Array(len);
    this.podsScore = new Float64Array(len);
    this.domainPass = new Uint8Array(Math.max(1, classCount)).fill(1);
    this.domainScore = new Float64Array(Math.max(1, classCount));
    this.topoPass = new Uint8Array(len).fill(1);
    this.topoScore = new Float64Array(len);
    this.prevFeasible = new Int32Array(len);
    this.prevTopoPass = new Uint8Array(len);
    this.topoChanged = new Int32Array(len);
    this.flipScratch = new Int32Array(len);
    this.classDelta = new Int32Array(Math.max(1, classCount));
    this.prevClassFeasible = new Int32Array(Math.max(1, classCount));
    this.classSeen = new Uint8Array(Math.max(1, classCount));
    this.scoreFeasible = new Int32Array(len);
    this.groups = this.i32(len);
    this.groupBase = this.f64(Math.max(1, classCount) * KEYED_GROUPS_PER_CLASS);
  }

  /**
   * The Filters, in profile order over the nodes still passing: class-level ones on one node per
   * class, node-level ones per node, the fit kernel left to score_rows, and those that read the
   * node's pods last (they are re-run on changed nodes; feasibility is their conjunction).
   */
  private buildFilters(pod: PodInfo, candidates: readonly NodeInfo[]): boolean {
    const fw = this.fw;
    const view = this.view;
    const plan = fw.plan;
    const cs = this.cs;
    for (const c of view.liveClasses) this.classPass[c] = 1;
    let survivors: NodeInfo[] | null = null;
    this.podsFilters.length = 0;
    this.dynFilters.length = 0;
    this.followPreFilter.length = 0;
    this.useKernel = 0;
    for (let f = 0; f < plan.filters.length; f++) {
      const pf = plan.filters[f]!;
      const r = this.filterReads[f]!;
      if (cs.skipFilterPlugins.has(pf.plugin.name)) {
        // A dynamic part whose PreFilter skipped could stop skipping after a placement, which the
        // batch would not see: the exact cycle decides such a pod.
        if (r === RANK_DOMAIN || r === RANK_TOPOLOGY) return false;
        continue;
      }
      if (pf.fitKernel !== null) {
        const req = pf.fitKernel.fusedFitRequest(cs);
        if (!req) return false;
        this.useKernel = 1;
        const slots = this.i32(Math.max(1, req.count));
        const amounts = this.f64(Math.max(1, req.count));
        slots.set(req.slots.subarray(0, req.count));
        amounts.set(req.amounts.subarray(0, req.count));
        this.fit = { slots, amounts, count: req.count };
        continue;
      }
      if (r === RANK_DOMAIN || r === RANK_TOPOLOGY) {
        // The plan allows a dynamic part only with a plugin whose PreFilter state follows pods.
        this.dynFilters.push({ plugin: pf.plugin, perClass: r === RANK_DOMAIN });
        if (pf.incremental === null) return false;
        if (!this.followPreFilter.includes(pf.incremental)) this.followPreFilter.push(pf.incremental);
        continue;
      }
      if (r <= RANK_CLASS) {
        const reps: NodeInfo[] = [];
        const ids: number[] = [];
        for (const c of view.liveClasses) {
          if (!this.classPass[c]) continue;
          reps.push(view.reps[c]!);
          ids.push(c);
        }
        const passed = this.runFilter(pf.plugin, pod, reps);
        if (passed === FAILED) return false;
        for (const c of ids) this.classPass[c] = 0;
        for (const node of passed) this.classPass[node.classId] = 1;
      } else if (r <= RANK_NODE) {
        survivors = this.runFilter(pf.plugin, pod, (survivors ?? candidates).filter((node) => this.classPass[node.classId] === 1));
        if (survivors === FAILED) return false;
      } else {
        this.podsFilters.push(pf.plugin);
      }
    }
    // Every node a candidate and no node-level Filter: all pass (a native fill; the loop below runs
    // over every node in code still cold at a build).
    this.allNodesPass = survivors === null && candidates === fw.state.nodes;
    if (this.allNodesPass) this.nodePass.fill(1, 0, this.n);
    else {
      const passing = survivors ?? candidates;
      const nodeOfRow = view.nodeOfRow;
      for (let i = 0; i < passing.length; i++) this.nodePass[nodeOfRow[passing[i]!.row]!] = 1;
    }
    if (this.podsFilters.length > 0) return this.runPodsFilters(pod, this.staticNodes());
    return true;
  }

  /** Nodes that pass every Filter placements cannot change (class- and node-level), in node order. */
  private staticNodes(): NodeInfo[] {
    const nodes = this.fw.state.nodes;
    const out: NodeInfo[] = [];
    for (let i = 0; i < this.n; i++) if (this.nodePass[i] && this.classPass[this.view.classes[i]!]) out.push(nodes[i]!);
    return out;
  }

  /** The Filters that read the node's pods, over `nodes` (which pass the others): podsPass. */
  private runPodsFilters(pod: PodInfo, nodes: readonly NodeInfo[]): boolean {
    let survivors = nodes.slice();
    for (const p of this.podsFilters) {
      survivors = this.runFilter(p, pod, survivors);
      if (survivors === FAILED) return false;
    }
    const nodeOfRow = this.view.nodeOfRow;
    for (const node of nodes) this.podsPass[nodeOfRow[node.row]!] = 0;
    for (const node of survivors) this.podsPass[nodeOfRow[node.row]!] = 1;
    return true;
  }

  /** Runs one Filter over `nodes` (compacted in place); the survivors, or FAILED on an Error. */
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

  /** Sorts the Score plugins PreScore left by what they read, and scores them once (class- or node-level). */
  private buildScores(pod: PodInfo): boolean {
    const fw = this.fw;
    const view = this.view;
    const cs = this.cs;
    const plan = fw.plan.scores;
    this.podsScores.length = 0;
    this.classNormalized.length = 0;
    this.nodeNormalized.length = 0;
    this.scorers.length = 0;
    this.dynScores.length = 0;
    this.followPreScore.length = 0;
    const reps = view.liveClasses.map((c) => view.reps[c]!);
    // The node list only when a node-level Score needs it (a list of every node, built in cold code).
    let list: NodeInfo[] | null = null;
    const staticNodes = (): NodeInfo[] => (list ??= this.staticNodes());
    for (let s = 0; s < plan.length; s++) {
      const ps = plan[s]!;
      const r = this.scoreReads[s]!;
      if (cs.skipScorePlugins.has(ps.plugin.name)) {
        // As for Filters: a skipped dynamic PreScore could stop skipping after a placement.
        if (r === RANK_DOMAIN || r === RANK_TOPOLOGY) return false;
        continue;
      }
      // The same on every feasible node: it cannot change which node wins or how many tie.
      if (r === RANK_NOTHING) continue;
      const w: Weighted = { plugin: ps.plugin, weight: ps.weight };
      if (r === RANK_DOMAIN || r === RANK_TOPOLOGY) {
        // Scored once the feasible nodes are known (scoreDynamic), its PreScore run on them.
        if (ps.incremental === null || ps.normalize === 'other') return false;
        const perClass = r === RANK_DOMAIN;
        this.dynScores.push({ ...w, preScore: ps.incremental, perClass, normalize: ps.normalize !== 'none', value: new Float64Array(perClass ? Math.max(1, this.classCount) : this.nodePass.length), keyed: null });
        if (!this.followPreScore.includes(ps.incremental)) this.followPreScore.push(ps.incremental);
        continue;
      }
      if (r <= RANK_CLASS) {
        const values = this.rawScores(ps.plugin, pod, reps);
        if (values === null) return false;
        if (ps.normalize === 'max') {
          const raw = new Float64Array(Math.max(1, this.classCount));
          reps.forEach((node, j) => (raw[node.classId] = values[j]!));
          this.classNormalized.push({ ...w, raw, normalized: new Float64Array(raw.length), counts: new Map(), max: NaN });
        } else {
          reps.forEach((node, j) => (this.classScore[node.classId]! += ps.weight * values[j]!));
        }
      } else if (r <= RANK_NODE) {
        const nodes = staticNodes();
        const values = this.rawScores(ps.plugin, pod, nodes);
        if (values === null) return false;
        if (ps.normalize === 'max') {
          const raw = new Float64Array(this.nodePass.length);
          nodes.forEach((node, j) => (raw[view.nodeOfRow[node.row]!] = values[j]!));
          this.nodeNormalized.push({ ...w, raw, normalized: new Float64Array(raw.length), counts: new Map(), max: NaN });
        } else {
          nodes.forEach((node, j) => (this.nodeScore[view.nodeOfRow[node.row]!]! += ps.weight * values[j]!));
          this.nodeScored = true;
        }
      } else if (this.useKernel && ps.resourceKernel !== null) {
        const a = ps.resourceKernel.fusedResourceScore(cs, pod);
        if (!a) return false;
        this.scorers.push({ ...a, pluginWeight: ps.weight });
      } else {
        this.podsScores.push(w);
      }
    }
    return this.podsScores.length === 0 || this.scorePods(pod, staticNodes());
  }

  /** The Scores that read the node's pods, over `nodes` (replacing their sums). */
  private scorePods(pod: PodInfo, nodes: readonly NodeInfo[]): boolean {
    if (this.podsScores.length === 0) return true;
    const nodeOfRow = this.view.nodeOfRow;
    for (const node of nodes) this.podsScore[nodeOfRow[node.row]!] = 0;
    for (const { plugin, weight } of this.podsScores) {
      const values = this.rawScores(plugin, pod, nodes);
      if (values === null) return false;
      for (let j = 0; j < nodes.length; j++) this.podsScore[nodeOfRow[nodes[j]!.row]!]! += weight * values[j]!;
    }
    return true;
  }

  /** One plugin's raw (unnormalized) scores over `nodes`, or null on an error. */
  private rawScores(plugin: ScorePlugin, pod: PodInfo, nodes: readonly NodeInfo[]): Float64Array | null {
    const out = this.scores(nodes.length);
    if (nodes.length === 0) return out;
    try {
      const s = plugin.score(this.cs, pod, nodes, out);
      return s === null || s.code === Code.Success ? out : null;
    } catch {
      return null;
    }
  }

  /** Class-level normalized scores, over the representatives of the classes with a feasible node. */
  private normalizeClasses(pod: PodInfo): boolean {
    if (this.classNormalized.length === 0) return true;
    const view = this.view;
    const reps: NodeInfo[] = [];
    for (const c of view.liveClasses) if (this.classFeasible[c]! > 0) reps.push(view.reps[c]!);
    for (const part of this.classNormalized) {
      if (!this.normalize(part, pod, reps, (node) => node.classId)) return false;
    }
    return true;
  }

  /** Node-level normalized scores, over the feasible nodes. */
  private normalizeNodes(pod: PodInfo): boolean {
    if (this.nodeNormalized.length === 0) return true;
    const nodes = this.fw.state.nodes;
    const list: NodeInfo[] = [];
    for (let i = 0; i < this.n; i++) if (this.feasible[i]) list.push(nodes[i]!);
    const nodeOfRow = this.view.nodeOfRow;
    for (const part of this.nodeNormalized) {
      if (!this.normalize(part, pod, list, (node) => nodeOfRow[node.row]!)) return false;
    }
    return true;
  }

  /** One plugin's NormalizeScore over `nodes` (raw scores at index `at(node)`), with kube's range check. */
  private normalize(part: Normalized, pod: PodInfo, nodes: readonly NodeInfo[], at: (node: NodeInfo) => number): boolean {
    const values = this.scores(nodes.length);
    let max = -Infinity;
    for (let j = 0; j < nodes.length; j++) {
      const v = part.raw[at(nodes[j]!)]!;
      values[j] = v;
      if (v > max) max = v;
    }
    try {
      const s = part.plugin.normalizeScore!(this.cs, pod, nodes, values);
      if (s !== null && s.code !== Code.Success) return false;
    } catch {
      return false;
    }
    for (let j = 0; j < nodes.length; j++) {
      const v = values[j]!;
      if (v > MAX_NODE_SCORE || v < 0) return false;
      part.normalized[at(nodes[j]!)] = v;
    }
    part.max = max;
    return true;
  }

  /** classBase and nodeBase from the parts (see the file comment). */
  private writeBases(): void {
    this.writeClassBases();
    this.writeNodeBases();
  }

  /**
   * Every node's base (nodeBaseOf for i below n), in one loop over the arrays: a build runs it
   * over every node while its code is still cold, where a call and a parts iterator per node cost
   * about 0.1 µs each.
   */
  private writeNodeBases(): void {
    const { n, nodeBase, nodePass, podsPass, topoPass, nodeScore, podsScore, topoScore } = this;
    const parts = this.nodeNormalized;
    if (this.allNodesPass && !this.nodeScored && parts.length === 0 && this.podsFilters.length === 0 && this.podsScores.length === 0 &&
      this.dynFilters.length === 0 && this.dynScores.length === 0) {
      // Every node passes and no part is per node: every base is 0 (what the loop below computes).
      nodeBase.fill(0, 0, n);
      return;
    }
    for (let i = 0; i < n; i++) {
      if (!nodePass[i] || !podsPass[i] || !topoPass[i]) {
        nodeBase[i] = -Infinity;
        continue;
      }
      let v = nodeScore[i]! + podsScore[i]! + topoScore[i]!;
      for (let k = 0; k < parts.length; k++) v += parts[k]!.weight * parts[k]!.normalized[i]!;
      nodeBase[i] = v;
    }
  }

  /** Writes classBase; whether any class's base changed. */
  private writeClassBases(): boolean {
    let changed = false;
    const parts = this.classNormalized;
    for (let c = 0; c < this.classCount; c++) {
      let v = this.classScore[c]! + this.domainScore[c]!;
      for (let k = 0; k < parts.length; k++) v += parts[k]!.weight * parts[k]!.normalized[c]!;
      const base = this.classPass[c] && this.domainPass[c] ? v : -Infinity;
      if (base !== this.classBase[c]) {
        this.classBase[c] = base;
        changed = true;
      }
    }
    return changed;
  }

  private nodeBaseOf(i: number): number {
    if (!this.nodePass[i] || !this.podsPass[i] || !this.topoPass[i]) return -Infinity;
    let v = this.nodeScore[i]! + this.podsScore[i]! + this.topoScore[i]!;
    const parts = this.nodeNormalized;
    for (let k = 0; k < parts.length; k++) v += parts[k]!.weight * parts[k]!.normalized[i]!;
    return v;
  }

  /** Every row's kernel part, every leaf and the tree (score_rows, class_leaves). */
  private leaves(): void {
    this.feasibleCount = this.index!.leaves();
  }

  /**
   * Brings the batch up to the table's epoch: the rows changed since are re-scored (score_rows),
   * the Filters and Scores that read those nodes' pods run again, their leaves are updated
   * (class_update), and a normalization whose maximum may have moved is redone. False when a
   * plugin failed (the batch is then broken).
   */
  sync(): boolean {
    const fw = this.fw;
    const t = fw.state.table;
    if (t.epoch !== this.epoch) {
      const got = t.touchedSince(this.epoch, this.changed);
      if (got < 0) return this.fail();
      this.epoch = t.epoch;
      if (got > 0) {
        if (this.podsFilters.length > 0 || this.podsScores.length > 0) {
          if (!this.syncPods(got)) return this.fail();
        }
        const flips = this.index!.update(got);
        if (flips > 0 && !this.afterFlips(this.flips, flips)) return this.fail();
      }
    }
    if ((this.dynFilters.length > 0 || this.dynScores.length > 0) && fw.state.placementSeq !== this.placementSeq) {
      if (!this.syncDynamic()) return this.fail();
    }
    return true;
  }

  /**
   * The dynamic parts after placements: each placement and removal since the last sync is applied
   * to the plugins' PreFilter and PreScore states (preFilterFollow, preScoreFollow), the dynamic
   * Filters are asked again on every class (`domain`) or node (`topology`) and the leaves relinked,
   * then the dynamic Scores likewise (their PreScore run again first when the feasible nodes it
   * was given changed).
   */
  private syncDynamic(): boolean {
    const state = this.fw.state;
    const rep = this.rep!;
    const cs = this.cs;
    const keyNodes = this.keyedMode ? this.keyNodes : null;
    const followed = state.placementsSince(this.placementSeq, (p: Placement, delta: 1 | -1): boolean => {
      if (keyNodes !== null) keyNodes.push(p.node);
      for (const pl of this.followPreFilter) {
        const st = pl.preFilterFollow!(cs, rep, p.pod, p.node, delta);
        if (st !== null && st.code !== Code.Success) return false;
      }
      for (const pl of this.followPreScore) {
        const st = pl.preScoreFollow!(cs, rep, p.pod, p.node, delta);
        if (st !== null && st.code !== Code.Success) return false;
      }
      return true;
    });
    if (!followed) return false;
    this.placementSeq = state.placementSeq;
    if (this.dynFilters.length > 0) {
      if (!this.filterDynamic(rep)) return false;
      if (!this.relinkDynamic()) return false;
    }
    if (this.dynScores.length > 0) {
      if (this.feasibleCount === 0) return true;
      if (!this.scoreDynamic(rep)) return false;
      if (this.keyedMode) return this.relinkKeyed();
      if (this.writeDynamicBases()) this.feasibleCount = this.index!.relink();
    }
    return true;
  }

  /**
   * Keyed mode after scoreDynamic: the class bases; a relink when they or a group's base moved
   * (every node of the group moves), else the leaves of the nodes that changed group (class_update).
   */
  private relinkKeyed(): boolean {
    const classChanged = this.writeClassBases();
    const regrouped = this.regrouped;
    const k = regrouped.length;
    if (classChanged || this.groupsMoved || k > this.changed.length) {
      this.groupsMoved = false;
      regrouped.length = 0;
      this.feasibleCount = this.index!.relink();
      return true;
    }
    if (k === 0) return true;
    const rows = this.view.rows;
    for (let q = 0; q < k; q++) this.changed[q] = rows[regrouped[q]!]!;
    regrouped.length = 0;
    const flips = this.index!.update(k);
    return flips > 0 ? this.afterFlips(this.flips, flips) : true;
  }

  /** Writes the bases the dynamic parts feed: classBase with `domain` parts, nodeBase with `topology` ones. */
  private writeDynamicBases(): boolean {
    let changed = this.writeClassBases();
    const perNode = this.perNodeFilters || this.perNodeScores;
    if (perNode) {
      for (let i = 0; i < this.n; i++) {
        const v = this.nodeBaseOf(i);
        if (v !== this.nodeBase[i]) {
          this.nodeBase[i] = v;
          changed = true;
        }
      }
    }
    return changed;
  }

  /** Relinks every leaf after the dynamic Filters' verdicts moved; the flips go through afterFlips. */
  private relinkDynamic(): boolean {
    if (this.classLevelOnly) return this.relinkClasses();
    // Only per-node Filters, and few of their verdicts moved (a hostname term: the node a pod
    // landed on): those nodes' leaves through class_update (their rows rescored, a few cells),
    // not a relink of every node.
    const k = this.topoChangedCount;
    if (this.dynScores.length === 0 && !this.perClassFilters && k * 8 < this.n && k <= this.changed.length) {
      if (k === 0) return true;
      const rows = this.view.rows;
      for (let q = 0; q < k; q++) {
        const i = this.topoChanged[q]!;
        this.nodeBase[i] = this.nodeBaseOf(i);
        this.changed[q] = rows[i]!;
      }
      const flips = this.index!.update(k);
      return flips > 0 ? this.afterFlips(this.flips, flips) : true;
    }
    const n = this.n;
    const prev = this.prevFeasible;
    prev.set(this.feasible.subarray(0, n));
    if (!this.writeDynamicBases()) return true;
    this.feasibleCount = this.index!.relink();
    const feasible = this.feasible;
    const flips = this.flipScratch;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const now = feasible[i]!;
      if (now !== prev[i]) flips[count++] = now ? i : ~i;
    }
    // afterFlips counts them again from the flips; it starts from the count before.
    if (count === 0) return true;
    let before = this.feasibleCount;
    for (let q = 0; q < count; q++) before -= flips[q]! >= 0 ? 1 : -1;
    this.feasibleCount = before;
    return this.afterFlips(flips, count);
  }

  /**
   * relinkDynamic when every dynamic part is per class and no normalization counts nodes: the
   * classes' feasible counts before and after tell everything the flips would (which classes
   * gained their first feasible node or lost their last), without a pass over the nodes in JS.
   */
  private relinkClasses(): boolean {
    const k = this.classCount;
    const prev = this.prevClassFeasible;
    prev.set(this.classFeasible.subarray(0, k));
    // No class's verdict moved: every leaf stands.
    if (!this.writeClassBases()) return true;
    this.feasibleCount = this.index!.relink();
    let changed = false;
    let renormalize = false;
    for (let c = 0; c < k; c++) {
      const before = prev[c]!;
      const now = this.classFeasible[c]!;
      if (before === now) continue;
      changed = true;
      if ((before === 0) !== (now === 0)) {
        this.classGen++;
        if (this.classNormalized.length > 0) renormalize = true;
      }
    }
    if (changed) this.feasibleGen++;
    if (!renormalize) return true;
    if (!this.normalizeClasses(this.rep!)) return false;
    if (this.writeClassBases()) this.feasibleCount = this.index!.relink();
    return true;
  }

  /** Every dynamic part is per class and no normalization follows nodes (relinkClasses applies). */
  private get classLevelOnly(): boolean {
    return this.nodeNormalized.length === 0 && !this.perNodeFilters && !this.perNodeScores;
  }

  /**
   * The dynamic Filters on their units: per class on a representative of each class passing the
   * class-level Filters (domainPass), per node on the nodes passing the static Filters (topoPass).
   */
  private filterDynamic(pod: PodInfo): boolean {
    if (this.dynFilters.length === 0) return true;
    const view = this.view;
    let reps: NodeInfo[] | null = null;
    let nodes: NodeInfo[] | null = null;
    const perClass = this.perClassFilters;
    if (perClass) {
      reps = [];
      for (const c of view.liveClasses) if (this.classPass[c]) reps.push(view.reps[c]!);
      for (const node of reps) this.domainPass[node.classId] = 0;
    }
    const perNode = this.perNodeFilters;
    if (perNode) {
      this.prevTopoPass.set(this.topoPass);
      nodes = this.staticNodes();
      const nodeOfRow = view.nodeOfRow;
      for (const node of nodes) this.topoPass[nodeOfRow[node.row]!] = 0;
    }
    for (const d of this.dynFilters) {
      if (d.perClass) {
        reps = this.runFilter(d.plugin, pod, reps!);
        if (reps === FAILED) return false;
      } else {
        nodes = this.runFilter(d.plugin, pod, nodes!);
        if (nodes === FAILED) return false;
      }
    }
    if (reps !== null) for (const node of reps) this.domainPass[node.classId] = 1;
    if (nodes !== null) for (const node of nodes) this.topoPass[view.nodeOfRow[node.row]!] = 1;
    // The nodes whose verdict moved (relinkDynamic updates only their leaves when they are few).
    this.topoChangedCount = 0;
    if (perNode) {
      const now = this.topoPass;
      const before = this.prevTopoPass;
      for (let i = 0; i < this.n; i++) if (now[i] !== before[i]) this.topoChanged[this.topoChangedCount++] = i;
    }
    return true;
  }

  /**
   * The dynamic Scores over the feasible nodes: their PreScore state brought to the feasible nodes
   * it reads when they changed (every class's presence for `domain` parts, every node for
   * `topology` ones: node by node through preScoreNodeFollow, or PreScore again), raw scores per
   * class (on its first feasible node), per group of keyed nodes (on one feasible node of each) or
   * per feasible node, and the plugin's NormalizeScore over the same units (it depends on the range
   * of the raw scores and on what PreScore recorded of each node: traits `range`), then weighted
   * into domainScore / topoScore (a keyed part: groupBase).
   */
  private scoreDynamic(pod: PodInfo): boolean {
    const anyPerNode = this.perNodeScores;
    if (anyPerNode ? this.preScoreFeasibleGen !== this.feasibleGen : this.preScoreClassGen !== this.classGen) {
      if (!this.preScoreDynamic(pod)) return false;
    }
    if (this.keyedMode && this.keyNodes.length > 0) this.rekey();
    this.domainScore.fill(0);
    if (anyPerNode && !this.keyedMode) this.topoScore.fill(0);
    const nodeOfRow = this.view.nodeOfRow;
    for (const d of this.dynScores) {
      if (d.keyed !== null) {
        if (!this.scoreKeyed(d, pod)) return false;
        continue;
      }
      this.refreshUnits();
      const units = d.perClass ? this.firstOfClass : this.feasibleNodes;
      const raw = this.rawScores(d.plugin, pod, units);
      if (raw === null || !this.normalizeDynamic(d, pod, units, raw)) return false;
      for (let j = 0; j < units.length; j++) {
        const v = raw[j]!;
        const node = units[j]!;
        if (d.perClass) {
          d.value[node.classId] = v;
          this.domainScore[node.classId]! += d.weight * v;
        } else {
          const i = nodeOfRow[node.row]!;
          d.value[i] = v;
          this.topoScore[i]! += d.weight * v;
        }
      }
    }
    return true;
  }

  /** The feasible nodes and the first feasible node of each class, when the feasible set moved since. */
  private refreshUnits(): void {
    if (this.unitsGen === this.feasibleGen) return;
    const feasibleNodes = this.feasibleNodes;
    const firstOfClass = this.firstOfClass;
    const n = this.n;
    const nodes = this.fw.state.nodes;
    const feasible = this.feasible;
    const classes = this.view.classes;
    const seen = this.classSeen;
    seen.fill(0);
    feasibleNodes.length = 0;
    firstOfClass.length = 0;
    for (let i = 0; i < n; i++) {
      if (!feasible[i]) continue;
      const node = nodes[i]!;
      feasibleNodes.push(node);
      const c = classes[i]!;
      if (!seen[c]) {
        seen[c] = 1;
        firstOfClass.push(node);
      }
    }
    this.unitsGen = this.feasibleGen;
  }

  /**
   * The dynamic Scores' PreScore state for the current feasible nodes: per-node parts follow the
   * nodes that entered or left since it last ran (preScoreNodeFollow) when every plugin can,
   * otherwise PreScore runs again over the feasible nodes and keyed parts key every node anew.
   */
  private preScoreDynamic(pod: PodInfo): boolean {
    const n = this.n;
    const feasible = this.feasible;
    const before = this.scoreFeasible;
    const perNode = this.perNodeScores;
    if (perNode && this.followNodes && this.preScoreFeasibleGen >= 0) {
      const nodes = this.fw.state.nodes;
      let followed = true;
      for (let i = 0; i < n && followed; i++) {
        const now = feasible[i]!;
        if (now === before[i]) continue;
        for (const p of this.followPreScore) {
          if (!p.preScoreNodeFollow!(this.cs, pod, nodes[i]!, now !== 0)) {
            followed = false;
            break;
          }
        }
      }
      if (followed) {
        before.set(feasible.subarray(0, n));
        this.preScoreFeasibleGen = this.feasibleGen;
        return true;
      }
    }
    this.refreshUnits();
    for (const p of this.followPreScore) {
      const st = p.preScore(this.cs, pod, this.feasibleNodes);
      if (st !== null && st.code !== Code.Success) return false;
    }
    if (perNode) before.set(feasible.subarray(0, n));
    this.preScoreFeasibleGen = this.feasibleGen;
    this.preScoreClassGen = this.classGen;
    if (this.keyedMode) {
      const nodes = this.fw.state.nodes;
      for (const d of this.dynScores) {
        if (d.keyed === null) continue;
        const keyOf = d.plugin.scoreKeys!(this.cs, pod);
        if (keyOf === null) return false;
        if (!d.keyed.assign(keyOf, nodes, this.view.classes, n)) this.growGroups(d, keyOf);
      }
      this.keyNodes.length = 0;
      // Nodes may have changed group: every leaf.
      this.groupsMoved = true;
    }
    return true;
  }

  /** Keyed mode: the nodes placements touched since are keyed again; those that changed group go to `regrouped` (every node when the groups grow). */
  private rekey(): void {
    const nodeOfRow = this.view.nodeOfRow;
    const classes = this.view.classes;
    const feasible = this.feasible;
    for (const node of this.keyNodes) {
      const i = node.row < nodeOfRow.length ? nodeOfRow[node.row]! : -1;
      if (i < 0) continue;
      for (const d of this.dynScores) {
        if (d.keyed === null) continue;
        const moved = d.keyed.rekey(i, node, classes[i]!, feasible);
        if (moved > 0) this.regrouped.push(i);
        else if (moved < 0) {
          this.growGroups(d, d.keyed.keyFunction!);
          this.keyNodes.length = 0;
          return;
        }
      }
    }
    this.keyNodes.length = 0;
  }

  /** A keyed part: raw score and normalization once per group with a feasible node, on one of its feasible nodes, into groupBase. */
  private scoreKeyed(d: DynamicScore, pod: PodInfo): boolean {
    const g = d.keyed!;
    const units = this.groupUnits;
    const ids = this.groupIds;
    g.units(this.feasible, this.feasibleGen, this.n, this.fw.state.nodes, units, ids);
    const raw = this.rawScores(d.plugin, pod, units);
    if (raw === null || !this.normalizeDynamic(d, pod, units, raw)) return false;
    const base = g.base;
    for (let j = 0; j < units.length; j++) {
      const v = d.weight * raw[j]!;
      const id = ids[j]!;
      if (base[id] !== v) {
        base[id] = v;
        this.groupsMoved = true;
      }
    }
    return true;
  }

  /** The plugin's NormalizeScore over a dynamic part's units, in place, with kube's range check. */
  private normalizeDynamic(d: DynamicScore, pod: PodInfo, units: readonly NodeInfo[], raw: Float64Array): boolean {
    if (!d.normalize) return true;
    try {
      const st = d.plugin.normalizeScore!(this.cs, pod, units, raw);
      if (st !== null && st.code !== Code.Success) return false;
    } catch {
      return false;
    }
    for (let j = 0; j < units.length; j++) {
      const v = raw[j]!;
      if (v > MAX_NODE_SCORE || v < 0) return false;
    }
    return true;
  }

  /** Re-runs the Filters and Scores that read the node's pods on the changed nodes; their node bases. */
  private syncPods(got: number): boolean {
    const nodes = this.fw.state.nodes;
    const view = this.view;
    const touched = this.touched;
    touched.length = 0;
    for (let q = 0; q < got; q++) {
      const i = view.nodeOfRow[this.changed[q]!]!;
      if (i < 0 || !this.nodePass[i] || !this.classPass[view.classes[i]!]) continue;
      const node = nodes[i]!;
      if (!touched.includes(node)) touched.push(node);
    }
    if (touched.length === 0) return true;
    const rep = this.rep!;
    if (this.podsFilters.length > 0 && !this.runPodsFilters(rep, touched)) return false;
    if (!this.scorePods(rep, touched)) return false;
    for (const node of touched) {
      const i = view.nodeOfRow[node.row]!;
      this.nodeBase[i] = this.nodeBaseOf(i);
    }
    return true;
  }

  /**
   * Nodes entered or left the feasible set: counts move, and when a normalization's maximum may
   * have moved it is redone and every leaf rewritten.
   */
  private afterFlips(list: Int32Array, flips: number): boolean {
    let renormalize = false;
    this.feasibleGen++;
    // Per class, the feasible nodes gained (classFeasible is the count after every flip).
    const delta = this.classDelta;
    const touched = this.classesTouched;
    touched.length = 0;
    for (let q = 0; q < flips; q++) {
      const f = list[q]!;
      const entering = f >= 0;
      const i = entering ? f : ~f;
      this.feasibleCount += entering ? 1 : -1;
      const c = this.view.classes[i]!;
      if (delta[c] === 0) touched.push(c);
      delta[c]! += entering ? 1 : -1;
      for (const part of this.nodeNormalized) {
        const v = part.raw[i]!;
        const n = (part.counts.get(v) ?? 0) + (entering ? 1 : -1);
        if (n <= 0) part.counts.delete(v);
        else part.counts.set(v, n);
        // A node joining needs its own normalized score; one leaving matters when it held the last copy of the maximum.
        if (entering || (n <= 0 && v === part.max)) renormalize = true;
      }
    }
    // A class that gained its first feasible node or lost its last changes the class maximum.
    for (const c of touched) {
      const now = this.classFeasible[c]!;
      const before = now - delta[c]!;
      delta[c] = 0;
      if ((before === 0) !== (now === 0)) {
        this.classGen++;
        if (this.classNormalized.length > 0) renormalize = true;
      }
    }
    if (!renormalize) return true;
    const rep = this.rep!;
    if (!this.normalizeClasses(rep) || !this.normalizeNodes(rep)) return false;
    this.writeBases();
    // The rows' kernel totals are current: only the bases moved.
    this.feasibleCount = this.index!.relink();
    return true;
  }

  private fail(): boolean {
    this.broken = true;
    return false;
  }

  /** The node for the next pod (one PRNG draw) into `out`, or null when none is feasible. */
  select(prng: Prng, out: ClassDecision): ClassDecision | null {
    if (this.feasibleCount === 0) return null;
    out.node = this.index!.kth(prng.intn(this.treeCount[1]!));
    out.feasibleNodes = this.feasibleCount;
    return out;
  }

  private statuses(n: number): Array<Status | null> {
    const a = this.statusScratch;
    while (a.length < n) a.push(null);
    a.fill(null, 0, n);
    return a;
  }

  private scores(n: number): Float64Array {
    if (this.scoreScratch.length < n) this.scoreScratch = new Float64Array(grownLength(this.scoreScratch.length, n));
    return this.scoreScratch.length === n ? this.scoreScratch : this.scoreScratch.subarray(0, n);
  }
}

/** A profile's class batches, by pod class (at most CLASS_BATCHES_MAX, least recently used dropped). */
export class ClassBatches {
  private readonly batches = new Map<string, ClassBatch>();
  /** Classes seen once (a batch is built on the second pod of a class), with the state generation a build declined at. */
  private readonly seen = new Map<string, number>();
  /** Consecutive declined builds per class (the back-off of build). */
  private readonly declines = new Map<string, number>();
  /** The batch used last, and its class key. */
  private lastKey: string | undefined;
  private last: ClassBatch | undefined;
  private readonly view: NodeView;
  /** Decisions made by class batching, and batches built (for stats and tests). */
  decisions = 0;
  builds = 0;
  /** Decisions made by batches with dynamic parts (a subset of `decisions`). */
  dynamicDecisions = 0;
  private readonly decision: ClassDecision = { node: -1, feasibleNodes: 0 };

  constructor(private readonly fw: Framework) {
    this.view = fw.nodeView;
  }

  /**
   * The node class batching chooses for `pod` (one PRNG draw), or null when the exact cycle must
   * run (nothing drawn then): the plan does not allow it, it is the first pod of its class, the
   * batch cannot decide, or no node is feasible. The decision object is reused by the next call.
   */
  decide(pod: PodInfo, plan: PodPlan, prng: Prng): ClassDecision | null {
    if (!plan.classBatch) return null;
    const key = pod.classKey ?? podClassKey(pod);
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
      if (!b.sync()) {
        this.drop(key);
        return null;
      }
    }
    const d = b.select(prng, this.decision);
    if (d !== null) {
      this.decisions++;
      if (b.dynamic) this.dynamicDecisions++;
    }
    return d;
  }

  /**
   * A new batch for the class of `pod`, or undefined: the first pod of a class takes the exact
   * cycle unless it was cloned from a template (one-off pods never pay for a build), and after a
   * declined build the state must change before the next try: after d declines in a row, 2^(d-1)
   * changes (at most CLASS_BUILD_BACKOFF_MAX), so a class whose builds keep declining (a dynamic
   * part whose PreScore keeps skipping, say) does not pay a build on top of every exact cycle.
   */
  private build(pod: PodInfo, key: string, plan: PodPlan): ClassBatch | undefined {
    const gen = this.seen.get(key);
    const generation = this.fw.state.generation;
    const declined = this.declines.get(key) ?? 0;
    const wait = declined === 0 ? 1 : Math.min(2 ** (declined - 1), CLASS_BUILD_BACKOFF_MAX);
    if ((gen === undefined && pod.cloned !== true) || (gen !== undefined && gen >= 0 && generation - gen < wait)) {
      this.remember(key, gen === undefined ? -1 : gen);
      return undefined;
    }
    const fresh = new ClassBatch(this.fw, this.view, plan);
    this.builds++;
    if (!fresh.build(pod)) {
      fresh.dispose();
      this.remember(key, generation);
      this.declines.set(key, declined + 1);
      return undefined;
    }
    this.declines.delete(key);
    this.use(key, fresh);
    return fresh;
  }

  /** Makes `b` the most recently used batch (the least recently used beyond CLASS_BATCHES_MAX goes). */
  private use(key: string, b: ClassBatch): void {
    this.batches.delete(key);
    this.batches.set(key, b);
    if (this.batches.size > CLASS_BATCHES_MAX) this.drop(this.batches.keys().next().value!);
    this.lastKey = key;
    this.last = b;
  }

  private drop(key: string): void {
    this.batches.get(key)?.dispose();
    this.batches.delete(key);
    if (key === this.lastKey) {
      this.lastKey = undefined;
      this.last = undefined;
    }
  }

  private remember(key: string, generation: number): void {
    this.seen.delete(key);
    this.seen.set(key, generation);
    if (this.seen.size > CLASS_KEYS_SEEN_MAX) {
      const oldest = this.seen.keys().next().value!;
      this.seen.delete(oldest);
      this.declines.delete(oldest);
    }
  }
}

/**
 * The fused scheduling cycle: a profile's Filter and Score plugins run as a few kernel scans over
 * all nodes plus per-class work, instead of one JS pass per plugin over NodeInfo objects
 * (DESIGN.md "Kernels and threads"). It applies when every Filter and Score plugin that runs for
 * the pod is a resource kernel plugin, class-scoped or constant for the pod (plugins/shared/
 * fusion.ts); otherwise it declines and the scheduler takes the general path. Its decisions are
 * the general path's exactly: same feasible set, same integer totals, same PRNG draw.
 *
 * One cycle:
 *   1. the class-scoped Filters run on one representative node per class -> classPass[class];
 *   2. filter_nodes: class pass + NodeResourcesFit's checks on every row -> feasible indices;
 *   3. (the caller runs PreScore with the feasible nodes)
 *   4. score_add per resource Score plugin -> totals; class-scoped Scores on representatives of
 *      classes with a feasible node, normalized, weighted -> classScore[class]; constant Scores
 *      once; any other Score plugin over the feasible list;
 *   5. select_top adds classScore and finds the top total and its tie count; one PRNG draw;
 *      select_kth finds that tied node.
 * Per-node work is only in the kernels; arrays live in kernel memory and are reused across
 * cycles (they grow with the cluster, never per cycle).
 */
import type { NodeInfo } from '../model/cluster-state.js';
import type { PodInfo } from '../model/pod-info.js';
import type { Kernels } from '../kernel/kernels.js';
import { MAX_NODE_SCORE } from '../model/limits.js';
import {
  CLASS_SCOPED_FILTERS,
  CLASS_SCOPED_SCORES,
  isFusedFitFilter,
  isFusedResourceScorer,
  SCORES_CONSTANT_FOR_POD,
  type FusedFitRequest,
  type FusedResourceScore,
} from '../plugins/shared/fusion.js';
import type { CycleState } from './cycle-state.js';
import type { FilterPlugin, ScorePlugin } from './interfaces.js';
import type { Prng } from './prng.js';
import type { Framework } from './runtime.js';
import { Code, type Status } from './status.js';

const EMPTY_I32: Int32Array = new Int32Array(0);
const EMPTY_F64: Float64Array = new Float64Array(0);

/** Grows a kernel array to at least `n` elements (doubling), keeping nothing. */
function grownI32(k: Kernels, a: Int32Array, n: number): Int32Array {
  if (a.length >= n) return a;
  let cap = Math.max(64, a.length);
  while (cap < n) cap *= 2;
  return k.allocI32(cap);
}
function grownF64(k: Kernels, a: Float64Array, n: number): Float64Array {
  if (a.length >= n) return a;
  let cap = Math.max(64, a.length);
  while (cap < n) cap *= 2;
  return k.allocF64(cap);
}

/** The fused cycle of one Framework (profile). */
export class FusedCycle {
  private readonly kernels: Kernels;
  // Node topology, rebuilt when ClusterState.nodeGeneration changes.
  private generation = -1;
  private n = 0;
  /** NodeTable row of node index i (node order = state.nodes). */
  private rows = EMPTY_I32;
  /** Class of node index i. */
  private classes = EMPTY_I32;
  /** One node per class with members, by class id. */
  private reps: Array<NodeInfo | undefined> = [];
  /** Class ids with members, ascending. */
  private liveClasses: number[] = [];
  // Per-cycle scratch, reused.
  private classPass = EMPTY_I32;
  private classFeasible = EMPTY_I32;
  private classScore = EMPTY_F64;
  private feasible = EMPTY_I32;
  private totals = EMPTY_F64;
  private repScratch: NodeInfo[] = [];
  private repClassScratch: number[] = [];
  private statusScratch: Array<Status | null> = [];
  private readonly kernelScorers: Array<[FusedResourceScore, number]> = [];
  private readonly classScorers: Array<[ScorePlugin, number]> = [];
  private readonly constantScorers: Array<[ScorePlugin, number]> = [];
  private readonly nodeScorers: Array<[ScorePlugin, number]> = [];
  /** Feasible count of the last filter() (what feasibleNodes/nodeAt read). */
  private count = 0;

  constructor(private readonly fw: Framework) {
    this.kernels = fw.kernels;
  }

  private refresh(): void {
    const state = this.fw.state;
    if (this.generation === state.nodeGeneration) return;
    const nodes = state.nodes;
    const n = nodes.length;
    const k = this.kernels;
    this.rows = grownI32(k, this.rows, n);
    this.classes = grownI32(k, this.classes, n);
    this.feasible = grownI32(k, this.feasible, n);
    this.totals = grownF64(k, this.totals, n);
    const classCount = state.classes.length;
    this.classPass = grownI32(k, this.classPass, classCount);
    this.classFeasible = grownI32(k, this.classFeasible, classCount);
    this.classScore = grownF64(k, this.classScore, classCount);
    this.reps = new Array(classCount).fill(undefined);
    for (let i = 0; i < n; i++) {
      const node = nodes[i]!;
      this.rows[i] = node.row;
      this.classes[i] = node.classId;
      if (this.reps[node.classId] === undefined) this.reps[node.classId] = node;
    }
    this.liveClasses = [];
    for (let c = 0; c < classCount; c++) if (this.reps[c] !== undefined) this.liveClasses.push(c);
    this.n = n;
    this.generation = state.nodeGeneration;
  }

  /**
   * Filters all nodes. Returns the feasible count (> 0), 0 when no node is feasible, or -1 when
   * this pod or profile cannot be fused; in both latter cases the caller runs the general path
   * (which also builds the per-node statuses a FitError needs).
   */
  filter(cs: CycleState, pod: PodInfo): number {
    const fw = this.fw;
    let fit: FusedFitRequest | undefined;
    const classFilters = this.classFilterScratch;
    classFilters.length = 0;
    for (const p of fw.filter) {
      if (cs.skipFilterPlugins.has(p.name)) continue;
      if (isFusedFitFilter(p)) {
        if (fit) return -1;
        fit = p.fusedFitRequest(cs);
        if (!fit) return -1;
        continue;
      }
      const scoped = CLASS_SCOPED_FILTERS[p.name];
      if (!scoped || !scoped(pod, fw.profile.pluginArgs.get(p.name), fw.state)) return -1;
      classFilters.push(p);
    }
    // The kernel always checks the pod count, which is NodeResourcesFit's check.
    if (!fit) return -1;
    this.refresh();
    const live = this.liveClasses;
    const classPass = this.classPass;
    classPass.fill(0);
    // Class-scoped Filters on one node per class, in plugin order, each on the survivors.
    const reps = this.repScratch;
    const repClass = this.repClassScratch;
    reps.length = 0;
    repClass.length = 0;
    for (const c of live) {
      reps.push(this.reps[c]!);
      repClass.push(c);
    }
    for (const p of classFilters) {
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
    for (const c of repClass) classPass[c] = 1;
    const t = fw.state.table;
    this.classFeasible.fill(0);
    this.count = this.kernels.filterNodes(
      t.region, t.capacity, this.rows, this.classes, this.n, classPass,
      fit.slots, fit.amounts, fit.count, this.feasible, this.classFeasible,
    );
    return this.count;
  }

  private readonly classFilterScratch: FilterPlugin[] = [];

  private statuses(n: number): Array<Status | null> {
    const a = this.statusScratch;
    while (a.length < n) a.push(null);
    a.fill(null, 0, n);
    return a;
  }

  /** The node at feasible position k of the last filter(). */
  nodeAt(k: number): NodeInfo {
    return this.fw.state.nodes[this.feasible[k]!]!;
  }

  /** The feasible nodes of the last filter(), in node order (state.nodes itself when all are). */
  feasibleNodes(): readonly NodeInfo[] {
    const nodes = this.fw.state.nodes;
    if (this.count === nodes.length) return nodes;
    const out = new Array<NodeInfo>(this.count);
    for (let k = 0; k < this.count; k++) out[k] = nodes[this.feasible[k]!]!;
    return out;
  }

  /**
   * Scores the feasible nodes of the last filter() (PreScore has run) and selects one like
   * selectHost: one PRNG draw among the top totals. Returns its feasible position, or -1 when a
   * Score plugin cannot be fused or reports an error (the caller then runs the general scoring,
   * which reproduces the error).
   */
  scoreAndSelect(cs: CycleState, pod: PodInfo, feasibleNodes: readonly NodeInfo[], prng: Prng): number {
    const fw = this.fw;
    const count = this.count;
    if (fw.score.length === 0) return -1;
    const kernelScorers = this.kernelScorers;
    const classScorers = this.classScorers;
    const constantScorers = this.constantScorers;
    const nodeScorers = this.nodeScorers;
    kernelScorers.length = 0;
    classScorers.length = 0;
    constantScorers.length = 0;
    nodeScorers.length = 0;
    for (const { plugin, weight } of fw.score) {
      if (cs.skipScorePlugins.has(plugin.name)) continue;
      const args = fw.profile.pluginArgs.get(plugin.name);
      if (isFusedResourceScorer(plugin)) {
        const a = plugin.fusedResourceScore(cs, pod);
        if (!a) return -1;
        kernelScorers.push([a, weight]);
      } else if (CLASS_SCOPED_SCORES[plugin.name]?.(pod, args, fw.state)) {
        classScorers.push([plugin, weight]);
      } else if (!plugin.normalizeScore && SCORES_CONSTANT_FOR_POD[plugin.name]?.(pod, args, fw.state)) {
        constantScorers.push([plugin, weight]);
      } else {
        nodeScorers.push([plugin, weight]);
      }
    }

    // Per-class part: representatives of the classes that have a feasible node.
    const classScore = this.classScore;
    classScore.fill(0);
    let constant = 0;
    if (classScorers.length > 0) {
      const reps = this.repScratch;
      const repClass = this.repClassScratch;
      reps.length = 0;
      repClass.length = 0;
      for (const c of this.liveClasses) {
        if (this.classFeasible[c] === 0) continue;
        reps.push(this.reps[c]!);
        repClass.push(c);
      }
      const scores = new Float64Array(reps.length);
      for (const [plugin, weight] of classScorers) {
        if (!this.runScore(cs, pod, plugin, reps, scores)) return -1;
        for (let i = 0; i < reps.length; i++) classScore[repClass[i]!]! += scores[i]! * weight;
      }
    }
    if (constantScorers.length > 0) {
      const one = [feasibleNodes[0]!];
      const scores = new Float64Array(1);
      for (const [plugin, weight] of constantScorers) {
        if (!this.runScore(cs, pod, plugin, one, scores)) return -1;
        constant += scores[0]! * weight;
      }
    }
    if (constant !== 0) for (const c of this.liveClasses) classScore[c]! += constant;

    const t = fw.state.table;
    const totals = this.totals;
    const k = this.kernels;
    k.zeroF64(totals, count);
    if (nodeScorers.length > 0) {
      const scores = new Float64Array(count);
      for (const [plugin, weight] of nodeScorers) {
        if (!this.runScore(cs, pod, plugin, feasibleNodes, scores)) return -1;
        for (let i = 0; i < count; i++) totals[i]! += scores[i]! * weight;
      }
    }
    for (const [a, weight] of kernelScorers) {
      k.scoreAdd(
        t.region, t.capacity, t.slotCount, this.rows, this.feasible, count, a.strategy, a.slots, a.weights,
        a.podRequests, a.resourceCount, a.useNonZero, a.shapeUtilization, a.shapeScore, a.shapeCount, weight, totals,
      );
    }
    const ties = k.selectTop(this.classes, this.feasible, count, classScore, totals);
    const max = k.topTotal();
    return k.selectKth(totals, count, max, prng.intn(ties));
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

/**
 * A profile's plan: its Filter and Score plugins with their declared traits (traits.ts), compiled
 * once when the Framework is built, and the per-pod choice of execution derived from them. Every
 * execution decides exactly what the general path decides (framework.ts is the reference); the plan
 * only says which one may run for a pod:
 *
 * - `general`: every plugin over every candidate node, one JS pass per plugin; always allowed;
 * - `fused` (fused-cycle.ts): every Filter that runs reads at most the node's class, except the one
 *   fit-kernel Filter; scores are kernel scans, per-class work, constants, or per-node JS;
 * - class batching (class-batch.ts): every Filter and Score reads only the node (node-local) or
 *   pods per topology domain through a plugin that keeps its states current for added pods
 *   (dynamic: `domain`, `topology`, normalized by the range at most), every other normalized Score
 *   reads placement-invariant state and normalizes by the maximum, and the binding cycle reads
 *   nothing of the CycleState: pods that differ only in identity then share one set of per-node
 *   verdicts and scores, kept current node by node (and class by class for dynamic parts);
 * - speculation on workers (src/parallel/): `fused` with no per-node JS Score, in a profile whose
 *   binding cycle reads nothing of the CycleState (a worker's replica holds the nodes, not the pods).
 */
import type { PodInfo } from '../model/pod-info.js';
import type { ClusterObjects } from '../model/cluster-objects.js';
import type { ClusterState } from '../model/cluster-state.js';
import type { FilterPlugin, Plugin, PluginDefinition, PreFilterPlugin, PreScorePlugin, ScorePlugin } from './interfaces.js';
import {
  READS, readsRank,
  type FitKernelFilter, type PluginTraits, type Reads, type ResourceKernelScore, type TraitContext,
} from './traits.js';

const RANK_CLASS = readsRank('class');
const RANK_NODE = readsRank('node');
const RANK_NODE_PODS = readsRank('node-pods');
const RANK_DOMAIN = readsRank('domain');
const RANK_TOPOLOGY = readsRank('topology');
const RANK_PODS = readsRank('pods');

/** A Filter plugin of the profile with its traits. */
export interface PlannedFilter {
  readonly plugin: FilterPlugin;
  /** What its verdict reads for a pod. */
  readonly reads: (pod: PodInfo) => Reads;
  /** Its verdict is the fit kernel's (the plugin is a FitKernelFilter). */
  readonly fitKernel: FitKernelFilter | null;
  /** Its PreFilter state follows added and removed pods exactly (preFilterFollow): a dynamic part may be class-batched. */
  readonly incremental: PreFilterPlugin | null;
}

/** A Score plugin of the profile with its weight and traits. */
export interface PlannedScore {
  readonly plugin: ScorePlugin;
  readonly weight: number;
  readonly reads: (pod: PodInfo) => Reads;
  readonly normalize: 'none' | 'max' | 'range' | 'other';
  /** Its raw score is one resource-score kernel call (the plugin is a ResourceKernelScore). */
  readonly resourceKernel: ResourceKernelScore | null;
  /** Its PreScore state follows added and removed pods exactly (preScoreFollow): a dynamic part may be class-batched. */
  readonly incremental: PreScorePlugin | null;
}

/** What the traits allow for one pod (PlanOf.forPod). The arrays are by plugin, in profile order. */
export interface PodPlan {
  /** Reads rank of each Filter plugin (readsRank). */
  readonly filterReads: Uint8Array;
  /** Reads rank of each Score plugin. */
  readonly scoreReads: Uint8Array;
  /** The fused cycle may run. */
  fused: boolean;
  /** Class batching may run. */
  classBatch: boolean;
  /** A worker's speculated summary decides this pod exactly. */
  speculation: boolean;
  /**
   * Which evaluation of its ProfilePlan this is (forPod reuses one object): while it and the
   * object stay, the arrays above have not changed (ClassBatch.matches checks them once).
   */
  serial: number;
}

/** The plan of one profile (see the file comment). */
export class ProfilePlan {
  readonly filters: readonly PlannedFilter[];
  readonly scores: readonly PlannedScore[];
  /** Every Reserve/Permit/PreBind/Bind/PostBind plugin reads nothing of the CycleState. */
  readonly bindingStateless: boolean;
  /** The plugins' trait epochs (PluginTraits.epoch) and their contexts, by index. */
  private readonly epochFns: ReadonlyArray<(ctx: TraitContext) => number>;
  private readonly epochCtxs: readonly TraitContext[];
  /** Reused by forPod (a plan is used by one thread, one pod at a time). */
  private readonly scratch: PodPlan;

  constructor(
    filters: readonly FilterPlugin[],
    scores: ReadonlyArray<{ readonly plugin: ScorePlugin; readonly weight: number }>,
    bindingPlugins: readonly Plugin[],
    definitionOf: (name: string) => PluginDefinition<any> | undefined,
    argsOf: (name: string) => unknown,
    state: ClusterState,
    objects: ClusterObjects | undefined,
  ) {
    const ctxOf = (name: string): TraitContext => ({ args: argsOf(name), state, objects });
    const traitsOf = (name: string): PluginTraits<any> => definitionOf(name)?.traits ?? {};
    this.filters = filters.map((plugin) => {
      const t = traitsOf(plugin.name);
      return {
        plugin,
        reads: bindTrait(t.filter, ctxOf(plugin.name)),
        fitKernel: t.filterKernel === 'fit' && hasMethod(plugin, 'fusedFitRequest') ? (plugin as unknown as FitKernelFilter) : null,
        incremental: hasMethod(plugin, 'preFilter') && hasMethod(plugin, 'preFilterFollow') ? (plugin as unknown as PreFilterPlugin) : null,
      };
    });
    this.scores = scores.map(({ plugin, weight }) => {
      const t = traitsOf(plugin.name);
      const normalize = plugin.normalizeScore ? (t.normalize ?? 'other') : 'none';
      return {
        plugin,
        weight,
        reads: bindTrait(t.score, ctxOf(plugin.name)),
        normalize,
        resourceKernel: t.scoreKernel === 'resource' && normalize === 'none' && hasMethod(plugin, 'fusedResourceScore') ? (plugin as unknown as ResourceKernelScore) : null,
        incremental: hasMethod(plugin, 'preScore') && hasMethod(plugin, 'preScoreFollow') ? (plugin as unknown as PreScorePlugin) : null,
      };
    });
    this.bindingStateless = bindingPlugins.every((p) => traitsOf(p.name).bindingStateless === true);
    const epochFns: Array<(ctx: TraitContext) => number> = [];
    const epochCtxs: TraitContext[] = [];
    for (const name of new Set([...filters, ...scores.map((s) => s.plugin)].map((p) => p.name))) {
      const fn = traitsOf(name).epoch;
      if (fn) {
        epochFns.push(fn);
        epochCtxs.push(ctxOf(name));
      }
    }
    this.epochFns = epochFns;
    this.epochCtxs = epochCtxs;
    this.scratch = { filterReads: new Uint8Array(this.filters.length), scoreReads: new Uint8Array(this.scores.length), fused: false, classBatch: false, speculation: false, serial: 0 };
  }

  /**
   * The sum of the plugins' trait epochs: while it stays, forPod gives every pod of one class the
   * same plan (each epoch only grows, so the sum moves whenever one of them does).
   */
  epoch(): number {
    let e = 0;
    const fns = this.epochFns;
    for (let i = 0; i < fns.length; i++) e += fns[i]!(this.epochCtxs[i]!);
    return e;
  }

  /**
   * Evaluates the traits for a pod and derives the executions they allow. The result is reused by
   * the next call: read it before planning another pod.
   */
  forPod(pod: PodInfo): PodPlan {
    const p = this.scratch;
    p.serial++;
    let fused = true;
    let fits = 0;
    let nodeLocal = true;
    for (let i = 0; i < this.filters.length; i++) {
      const f = this.filters[i]!;
      const r = readsRank(f.reads(pod));
      p.filterReads[i] = r;
      // A dynamic part (domain, topology) batches when its plugin keeps its PreFilter state current.
      if (r > RANK_NODE_PODS && !(f.incremental !== null && (r === RANK_DOMAIN || r === RANK_TOPOLOGY))) nodeLocal = false;
      if (f.fitKernel !== null) fits++;
      else if (r > RANK_CLASS) fused = false;
    }
    // The fused scan always checks the pod count, which is the fit kernel's check: exactly one.
    if (fits !== 1) fused = false;
    let perNodeScore = false;
    for (let i = 0; i < this.scores.length; i++) {
      const s = this.scores[i]!;
      const r = readsRank(s.reads(pod));
      p.scoreReads[i] = r;
      if (r === RANK_DOMAIN || r === RANK_TOPOLOGY) {
        // Re-scored and normalized per class or node after placements: its PreScore state must
        // follow them, and its normalization must depend on the raw scores' range alone.
        if (s.incremental === null || s.normalize === 'other') nodeLocal = false;
      } else {
        if (r > RANK_NODE_PODS) nodeLocal = false;
        if ((s.normalize === 'other' || s.normalize === 'range') && r > 0) nodeLocal = false;
        if (s.normalize === 'max' && r > RANK_NODE) nodeLocal = false;
      }
      // The fused scan adds kernel totals and per-class scores; anything else is scored per node.
      if (s.resourceKernel === null && (r > RANK_CLASS || (r === RANK_CLASS && s.normalize === 'other'))) perNodeScore = true;
    }
    p.fused = fused;
    p.classBatch = nodeLocal && this.bindingStateless;
    p.speculation = fused && !perNodeScore && this.bindingStateless;
    return p;
  }
}

/** Why a pod's plan does not allow speculation: the first plugin part that reads too much. */
export function speculationObstacle(plan: ProfilePlan, podPlan: PodPlan): string {
  if (!plan.bindingStateless) return 'a Reserve, Permit or binding plugin may read the CycleState';
  for (let i = 0; i < plan.filters.length; i++) {
    const f = plan.filters[i]!;
    if (f.fitKernel === null && podPlan.filterReads[i]! > RANK_CLASS) return `${f.plugin.name}'s Filter reads ${READS[podPlan.filterReads[i]!]}`;
  }
  for (let i = 0; i < plan.scores.length; i++) {
    const s = plan.scores[i]!;
    if (s.resourceKernel === null && podPlan.scoreReads[i]! > RANK_CLASS) return `${s.plugin.name}'s Score reads ${READS[podPlan.scoreReads[i]!]}`;
  }
  return 'no single fit-kernel Filter';
}


/** A part without a trait reads everything: the general path. */
function bindTrait(fn: PluginTraits<any>['filter'], ctx: TraitContext): (pod: PodInfo) => Reads {
  if (!fn) return WIDEST;
  return (pod) => fn(pod, ctx);
}

const WIDEST = (): Reads => READS[RANK_PODS]!;

function hasMethod(p: object, name: string): boolean {
  return typeof (p as Record<string, unknown>)[name] === 'function';
}

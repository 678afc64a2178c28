/**
 * Plugin traits: what a plugin's Filter verdict and raw Score on a node read besides the pod,
 * declared by the plugin in its definition beside its args schema (PluginDefinition.traits).
 * The framework compiles a profile's traits into a plan (plan.ts) and picks each pod's execution
 * from it (the general path, the fused kernels, class batching, speculation on workers); it never
 * names a plugin. A trait is an optimisation claim: it may claim more than the plugin reads
 * (the pod then takes a more general execution), never less. test/framework/plan.test.ts checks
 * every execution against the general path on random clusters, pods and profiles.
 */
import type { ClusterObjects } from '../model/cluster-objects.js';
import type { ClusterState } from '../model/cluster-state.js';
import type { PodInfo } from '../model/pod-info.js';
import type { FitArgs, ScorerArgs } from '../kernel/kernels.js';
import type { CycleState } from './cycle-state.js';

/**
 * What a verdict or raw score on one node reads besides the pod, narrowest first (a trait names
 * the widest thing it reads):
 * - `nothing`: the same on every node (the plugin skips for this pod, gives every node the same
 *   verdict, or the same score after NormalizeScore);
 * - `class`: the node's class (labels but the per-node ones, taints, unschedulable: NodeClass);
 * - `node`: the node object (name, labels, images); placing pods never changes it;
 * - `row`: the node's NodeTable row (resources its pods request); changes on the node a pod lands on;
 * - `node-pods`: the node's pods themselves (host ports...); changes on the node a pod lands on;
 * - `domain`: the node's class and pods counted per topology domain of labels a class carries (not
 *   per-node labels such as the hostname): the same on every node of a class, and a placement
 *   anywhere may change it on every class;
 * - `topology`: the node and pods counted per topology domain (per-node domains too); a placement
 *   may change it on every node;
 * - `pods`: other pods' terms anywhere in the cluster.
 * Everything up to `node-pods` is node-local: placing a pod changes only the node it lands on.
 * `domain` and `topology` are the dynamic reads: a plugin that declares them and keeps its PreFilter
 * and PreScore states exactly current for added and removed pods (preFilterFollow, preScoreFollow)
 * can be class-batched: the
 * batch applies each placement to its states and asks the plugin again, per class (`domain`) or
 * per node (`topology`). A `domain` claim must not be made by a part that reads a node's own pods
 * or per-node labels: it is wider than `node-pods` in when it changes, narrower in where.
 */
export type Reads = 'nothing' | 'class' | 'node' | 'row' | 'node-pods' | 'domain' | 'topology' | 'pods';

/** Reads, narrowest first (the rank is the index). */
export const READS: readonly Reads[] = ['nothing', 'class', 'node', 'row', 'node-pods', 'domain', 'topology', 'pods'];

const RANKS: Readonly<Record<Reads, number>> = { nothing: 0, class: 1, node: 2, row: 3, 'node-pods': 4, domain: 5, topology: 6, pods: 7 };

/** Rank of a Reads value (higher reads more). */
export function readsRank(r: Reads): number {
  return RANKS[r];
}

/** Whether placing a pod can change the value on nodes other than the one it lands on. */
export function isNodeLocal(r: Reads): boolean {
  return readsRank(r) <= readsRank('node-pods');
}

/** Whether a part reads pods per topology domain and may be kept current by its plugin's extensions (`domain`, `topology`). */
export function isDynamic(r: Reads): boolean {
  return r === 'domain' || r === 'topology';
}

/** Whether placing a pod leaves the value unchanged on every node. */
export function isPlacementInvariant(r: Reads): boolean {
  return readsRank(r) <= readsRank('node');
}

/** What a trait function gets besides the pod: the plugin's args in the profile and the state it reads. */
export interface TraitContext<Args = unknown> {
  readonly args: Args;
  readonly state: ClusterState;
  readonly objects: ClusterObjects | undefined;
}

/** A trait of one extension point for one pod (evaluated before the cycle, from the pod and the state). */
export type TraitFn<Args = unknown> = (pod: PodInfo, ctx: TraitContext<Args>) => Reads;

/**
 * A plugin's traits. Every function is evaluated per pod before anything of the cycle runs, so it
 * decides from the pod, the args and the state alone (a PreFilter or PreScore that will return
 * Skip for the pod makes that part read `nothing`). A part without a trait reads `pods`, the
 * widest claim: a plugin without traits always takes the general path, which is exact for any
 * plugin.
 *
 * The contract of a node-local claim (`isNodeLocal`) goes further than the node's value: the
 * plugin's PreFilter and PreScore state for the pod then depends on the pod alone (and the table's
 * resource slots), not on other pods or on the list of nodes it is handed, so one PreFilter and
 * PreScore serve every pod of a class (class-batch.ts).
 */
export interface PluginTraits<Args = unknown> {
  /** What the Filter verdict on a node reads for this pod. */
  readonly filter?: TraitFn<Args>;
  /** What the raw Score on a node reads for this pod. */
  readonly score?: TraitFn<Args>;
  /**
   * NormalizeScore: `max` when each node's normalized score depends only on its raw score and the
   * maximum raw score over the scored nodes (kube's DefaultNormalizeScore); `range` when it depends
   * only on its raw score, the minimum and maximum over the scored nodes and what its PreScore
   * recorded of the node itself (PodTopologySpread: ignored nodes score 0); `other` for any other
   * normalization. Absent: the plugin has no NormalizeScore.
   */
  readonly normalize?: 'max' | 'range' | 'other';
  /** The Filter verdict is the fit kernel's (the instance implements FitKernelFilter). */
  readonly filterKernel?: 'fit';
  /** The raw score is one resource-score kernel call (the instance implements ResourceKernelScore). */
  readonly scoreKernel?: 'resource';
  /**
   * Its Reserve, Permit, PreBind, Bind and PostBind parts read nothing PreFilter or PreScore wrote
   * into the CycleState (a pod decided without a cycle of its own can then be committed with an
   * empty one). Absent: they may.
   */
  readonly bindingStateless?: boolean;
  /**
   * What the `filter` and `score` functions read besides the pod and the args, as a counter that
   * grows whenever any of it may have changed (ClusterObjects.generation, a generation the state
   * keeps): while every plugin's epoch stays, the functions give a pod of a class what they gave
   * the class's last pod, so a run of the class evaluates them once (ProfilePlan.epoch). Never
   * decreases. Absent: the functions read the pod and the args only.
   */
  readonly epoch?: (ctx: TraitContext<Args>) => number;
}

/** The fit kernel's request for one pod: slot and amount per resource, in kube's check order (the kernels' fit record). */
export type FitKernelArgs = FitArgs;

/** A Filter whose whole verdict is the fit kernel (traits.filterKernel `fit`). */
export interface FitKernelFilter {
  /** The PreFilter's request, or undefined when PreFilter did not run (the general path reports that). */
  fusedFitRequest(cs: CycleState): FitKernelArgs | undefined;
}

/** A resource-score kernel call's arguments: the kernels' scorer record, pluginWeight 1 (the plugin's own score). */
export type ResourceKernelScoreArgs = ScorerArgs;

/** A Score that is one resource-score kernel call with no NormalizeScore (traits.scoreKernel `resource`). */
export interface ResourceKernelScore {
  /** The kernel arguments for this cycle, or undefined when the general path must run (errors). */
  fusedResourceScore(cs: CycleState, pod: PodInfo): ResourceKernelScoreArgs | undefined;
}

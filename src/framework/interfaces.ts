/**
 * Plugin interfaces (kube's framework/interface.go), in podfit's batch form: a Filter fills a
 * verdict for every candidate node in one call, a Score fills a score for every feasible node.
 * `null` means Success everywhere. Per-node plugins are adapted by `perNodeFilter`/`perNodeScore`.
 */
import type { z } from 'zod';
import type { ClusterState, NodeInfo } from '../model/cluster-state.js';
import type { PodInfo } from '../model/pod-info.js';
import type { CycleState } from './cycle-state.js';
import type { Status } from './status.js';
import type { Kernels } from '../kernel/kernels.js';
import type { ClusterObjects } from '../model/cluster-objects.js';
import type { PluginTraits } from './traits.js';

/** Extension points, in kube's config spelling. */
export const EXTENSION_POINTS = [
  'preEnqueue', 'queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score',
  'reserve', 'permit', 'preBind', 'bind', 'postBind',
] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

/** Every plugin has its kube name. */
export interface Plugin {
  readonly name: string;
}

/** PreFilter's optional node restriction (kube PreFilterResult). */
export interface PreFilterResult {
  /** Only these nodes can pass; undefined = all nodes. */
  readonly nodeNames?: ReadonlySet<string>;
}

export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: PodInfo): Status | null;
}

export interface QueueSortPlugin extends Plugin {
  /** True when a should be scheduled before b. */
  less(a: PodInfo, b: PodInfo): boolean;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(cs: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { status: Status | null; result?: PreFilterResult };
  /** Optional PreFilterExtensions (used by preemption to add/remove pods in a dry run). */
  addPod?(cs: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | null;
  removePod?(cs: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | null;
  /**
   * podfit's exact PreFilter extension (class batching, traits.ts `domain`/`topology`): updates
   * the state PreFilter wrote for `pod` to exactly what PreFilter would write with `other` placed
   * on `node` (+1) or removed from it (-1). kube's AddPod/RemovePod serve preemption and may
   * approximate (PodTopologySpread's critical paths); this may not.
   */
  preFilterFollow?(cs: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: 1 | -1): Status | null;
}

export interface FilterPlugin extends Plugin {
  /**
   * Batch filter: for each i < nodes.length set out[i] to null (pass) or a rejecting Status.
   * Called once per cycle with the nodes that passed every earlier Filter plugin. `out` arrives
   * filled with null. Statuses should be prebuilt and shared, not formatted per node.
   */
  filter(cs: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], out: Array<Status | null>): void;
}

/** PostFilter result: an optional nominated node (preemption). */
export interface PostFilterResult {
  readonly nominatedNodeName?: string;
  /** Pods to evict (preemption victims), for reporting. */
  readonly victims?: readonly PodInfo[];
}

export interface PostFilterPlugin extends Plugin {
  postFilter(cs: CycleState, pod: PodInfo, filteredStatuses: ReadonlyMap<string, Status>): { status: Status | null; result?: PostFilterResult };
}

export interface PreScorePlugin extends Plugin {
  preScore(cs: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null;
  /**
   * podfit's PreScore extension (kube has none): updates the state PreScore wrote for `pod` to
   * exactly what PreScore would write, for the same node list, with `other` placed on `node` (+1)
   * or removed from it (-1). Class batching (traits.ts `domain`, `topology`) keeps a class's
   * PreScore state current with it instead of running PreScore again after every placement.
   */
  preScoreFollow?(cs: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: 1 | -1): Status | null;
  /**
   * podfit's PreScore extension (kube has none): updates the state PreScore wrote for `pod` to
   * exactly what PreScore would write now had it been given its node list with `node` added
   * (entering) or taken out (leaving), the pods placed since being followed already
   * (preScoreFollow). Class batching calls it for the nodes that entered or left the feasible set
   * instead of running PreScore again over every feasible node. False when it cannot: the batch
   * then runs PreScore again.
   */
  preScoreNodeFollow?(cs: CycleState, pod: PodInfo, node: NodeInfo, entering: boolean): boolean;
}

export interface ScorePlugin extends Plugin {
  /** Batch score: out[i] = raw score of nodes[i]. Return a Status only on error. */
  score(cs: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], out: Float64Array): Status | null;
  /** NormalizeScore, in place. Must leave every score in [0, 100]. */
  normalizeScore?(cs: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], scores: Float64Array): Status | null;
  /**
   * podfit's Score extension for class batching of a `topology` part (traits.ts): a key per node,
   * from the PreScore state `cs` holds for `pod` now, such that nodes of one class with equal keys
   * get equal raw scores and the same NormalizeScore treatment. A node's key may depend on the
   * node and on the pods on it PreScore counts, nothing else: it changes only with pods placed
   * on or removed from that node. The batch then scores and normalizes once per (class, key)
   * instead of once per node. Small non-negative integers; null when the pod's score has no such
   * key (the batch scores every node). The function serves until PreScore runs again.
   */
  scoreKeys?(cs: CycleState, pod: PodInfo): ((node: NodeInfo) => number) | null;
}

export interface ReservePlugin extends Plugin {
  reserve(cs: CycleState, pod: PodInfo, nodeName: string): Status | null;
  unreserve(cs: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  /** Success, Wait (with timeout) or a rejection. */
  permit(cs: CycleState, pod: PodInfo, nodeName: string): { status: Status | null; timeoutMs?: number };
}

export interface PreBindPlugin extends Plugin {
  preBind(cs: CycleState, pod: PodInfo, nodeName: string): Promise<Status | null> | Status | null;
}

export interface BindPlugin extends Plugin {
  /** Skip passes to the next Bind plugin. */
  bind(cs: CycleState, pod: PodInfo, nodeName: string): Promise<Status | null> | Status | null;
  /**
   * Present when the plugin binds synchronously (through a binder that does): the same as bind,
   * finished before it returns. A binding cycle made of such plugins alone runs without a promise.
   */
  bindSync?(cs: CycleState, pod: PodInfo, nodeName: string): Status | null;
}

export interface PostBindPlugin extends Plugin {
  postBind(cs: CycleState, pod: PodInfo, nodeName: string): void;
}

/** How a pod gets bound (snapshot: in-memory; live cluster: a Binding via the API). */
export interface Binder {
  bind(pod: PodInfo, nodeName: string): Promise<void>;
  /**
   * Present when the binder binds synchronously (it only updates in-memory state): the same as
   * bind, finished before it returns.
   */
  readonly bindSync?: (pod: PodInfo, nodeName: string) => void;
}

/** What a plugin factory gets: the shared state and services of its profile. */
export interface FrameworkHandle {
  /** The cluster state (the scheduler's snapshot). */
  readonly state: ClusterState;
  /** Numeric kernels of the selected engine (js or wasm). */
  readonly kernels: Kernels;
  /** Profile (schedulerName) the plugin belongs to. */
  readonly profileName: string;
  /** Binder used by DefaultBinder. */
  readonly binder: Binder;
  /**
   * The profile's framework runner, bound after construction (preemption uses it for dry runs).
   * Typed loosely to keep plugins independent of the runtime module.
   */
  readonly framework: FrameworkRunner;
  /**
   * Namespaces, Services, ReplicaSets, StatefulSets, ReplicationControllers, PDBs and
   * PriorityClasses of the cluster input (PodTopologySpread, InterPodAffinity, DefaultPreemption);
   * undefined when the caller has none.
   */
  readonly objects?: ClusterObjects;
}

/** The part of the runtime that plugins (preemption) may call back into. */
export interface FrameworkRunner {
  /** Runs PreFilter extensions' addPod/removePod and all Filter plugins on one node. */
  runFilterPluginsOnNode(cs: CycleState, pod: PodInfo, node: NodeInfo): Status | null;
  runPreFilterExtensionAddPod(cs: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | null;
  runPreFilterExtensionRemovePod(cs: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | null;
  /** Names of plugins configured at an extension point. */
  pluginsAt(point: ExtensionPoint): readonly string[];
}

/** A registry entry: everything needed to configure and build one plugin. */
export interface PluginDefinition<Args = unknown> {
  /** kube's plugin name, e.g. `NodeResourcesFit`. */
  readonly name: string;
  /** Extension points the plugin implements (used for multiPoint expansion). */
  readonly points: readonly ExtensionPoint[];
  /** Args schema: parses `pluginConfig[].args` applying kube's defaults; validation errors name the field. */
  readonly argsSchema?: z.ZodType<Args>;
  /** False for plugins accepted in config but not yet implemented (warned, absent from results). */
  readonly implemented: boolean;
  /**
   * Why podfit leaves an unimplemented plugin out on purpose (nothing in its inputs for it to
   * read, e.g. volumes): it is then skipped without a warning unless a config enables it by name.
   */
  readonly notModeled?: string;
  /** What its parts read (traits.ts); the plan (plan.ts) picks executions from them. */
  readonly traits?: PluginTraits<Args>;
  /** Builds the plugin. */
  readonly factory: (args: Args, handle: FrameworkHandle) => Plugin;
}

/** The plugins a framework can build, by kube name (the registry is handed in, never imported). */
export interface PluginRegistry {
  /** Every definition, in registration order. */
  readonly all: readonly PluginDefinition<any>[];
  /** A definition by kube name. */
  get(name: string): PluginDefinition<any> | undefined;
}

/** Type guards. */
export const isFilter = (p: Plugin): p is FilterPlugin => typeof (p as FilterPlugin).filter === 'function';
export const isScore = (p: Plugin): p is ScorePlugin => typeof (p as ScorePlugin).score === 'function';

/** Adapts a simple per-node predicate into a batch Filter. */
export function perNodeFilter(
  name: string,
  fn: (cs: CycleState, pod: PodInfo, node: NodeInfo) => Status | null,
): FilterPlugin {
  return {
    name,
    filter(cs, pod, nodes, out) {
      for (let i = 0; i < nodes.length; i++) out[i] = fn(cs, pod, nodes[i]!);
    },
  };
}

/** Adapts a per-node score function into a batch Score. */
export function perNodeScore(
  name: string,
  fn: (cs: CycleState, pod: PodInfo, node: NodeInfo) => number,
): Pick<ScorePlugin, 'name' | 'score'> {
  return {
    name,
    score(cs, pod, nodes, out) {
      for (let i = 0; i < nodes.length; i++) out[i] = fn(cs, pod, nodes[i]!);
      return null;
    },
  };
}

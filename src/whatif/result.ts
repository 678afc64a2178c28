/**
 * What `podfit whatif` answers, as data: the `-o json` document, and what the table and the HTML
 * report render. One contract for the producers (the scenario runner, the questions, sweeps and
 * their merge) and the renderers; its shapes are the (`-o json` keys in brackets there).
 *
 * Units: resource amounts are numbers in base units, cpu in millicores, memory and storage in
 * bytes, pods and extended resources as counts (the NodeTable's units); fractions are in [0, 1].
 */
import type { MinNodesResult } from './minnodes/index.js';

/** A resource amount per resource name (`cpu` in millicores, `memory` in bytes, `pods`, ...). */
export type ResourceAmounts = Record<string, number>;

/** One node's allocation. */
export interface NodeUsage {
  readonly name: string;
  readonly allocatable: ResourceAmounts;
  readonly requested: ResourceAmounts;
  /** Pods bound or assumed on the node. */
  readonly pods: number;
  /** spec.unschedulable (cordoned). */
  readonly unschedulable: boolean;
}

/** Per-node allocations of a cluster, in node order. */
export interface ClusterUsage {
  readonly nodes: readonly NodeUsage[];
}

/** A distribution of per-node utilisation (requested / allocatable) of one resource over the nodes that have it. */
export interface UtilizationStats {
  readonly mean: number;
  /** Population standard deviation across nodes (the spread). */
  readonly stddev: number;
  readonly min: number;
  readonly max: number;
}

/** cluster-capacity's stop reason: `Unschedulable` (kube's FitError message), `LimitReached`, ... */
export interface FailReason {
  readonly failType: string;
  readonly failMessage: string;
}

/** A pod that did not fit, with kube's reason. */
export interface UnschedulablePod {
  /** `namespace/name`. */
  readonly pod: string;
  readonly reason: string;
}

/** What one step did. */
export interface StepResult {
  /** Position in `steps` (0-based). */
  readonly index: number;
  /** The step's key: addNodes, addPods, apply, cordon, drain, removeNodes, removePods, schedule. */
  readonly type: string;
  /** One line for people ("added 10 nodes big-0..big-9"). */
  readonly summary: string;
  /** schedule: pods placed and not placed; drain: pods evicted and where they went. */
  readonly scheduled?: number;
  readonly unschedulable?: readonly UnschedulablePod[];
  readonly evicted?: readonly DrainedPod[];
}

/** maxReplicas: how many more of a template fit, where, and why the next does not. */
export interface MaxReplicasResult {
  readonly name: string;
  readonly type: 'maxReplicas';
  readonly replicas: number;
  readonly failReason: FailReason;
  readonly replicasOnNodes: ReadonlyArray<{ readonly nodeName: string; readonly replicas: number }>;
  /** The cluster after the clones (per-node utilisation before/after for the report). */
  readonly after: ClusterUsage;
}

/** One pod of a drained node: where it would go, or why it cannot. */
export interface DrainedPod {
  /** `namespace/name`. */
  readonly pod: string;
  readonly from: string;
  /** The node it would be placed on; null when it fits nowhere (or may not be evicted). */
  readonly to: string | null;
  /** Why `to` is null: kube's FitError message, or the PodDisruptionBudget that blocks the eviction. */
  readonly reason?: string;
}

/** drain: can these nodes be emptied? */
export interface DrainResult {
  readonly name: string;
  readonly type: 'drain';
  readonly drainable: boolean;
  readonly nodes: readonly string[];
  readonly pods: readonly DrainedPod[];
  /** PodDisruptionBudgets that block an eviction (`namespace/name`), with the pods they block. */
  readonly blockingPdbs: ReadonlyArray<{ readonly pdb: string; readonly pods: readonly string[] }>;
  /** Pods left on the nodes as kubectl drain leaves them (DaemonSet and mirror pods). */
  readonly ignored: readonly string[];
  readonly after: ClusterUsage;
}

/** Free capacity stranded on nodes where no pending or template shape fits. */
export interface Fragmentation {
  /** Per resource: the free amount on nodes where no shape fits, and its share of all free capacity. */
  readonly stranded: ResourceAmounts;
  readonly strandedShare: Readonly<Record<string, number>>;
  /** Nodes with free capacity where no shape fits. */
  readonly nodes: number;
}

/** One profile of a compare. */
export interface ProfileOutcome {
  /** The config file (as written in the scenario), or `default` for kube's defaults. */
  readonly config: string;
  readonly scheduled: number;
  readonly unschedulable: number;
  /** Nodes with at least one pod after the run. */
  readonly nodesUsed: number;
  readonly utilization: Readonly<Record<string, UtilizationStats>>;
  readonly fragmentation: Fragmentation;
  /** Kube's reasons for the pods that did not fit, and how many pods gave each. */
  readonly unschedulableReasons: ReadonlyArray<{ readonly reason: string; readonly pods: number }>;
  /** Per-node allocation after the run. */
  readonly allocation: ClusterUsage;
}

/** compare: the scenario under several profiles. */
export interface CompareResult {
  readonly name: string;
  readonly type: 'compare';
  readonly profiles: readonly ProfileOutcome[];
}

/**
 * minNodes: the fewest added nodes (or the cheapest mix) for the pods, with a lower bound
 * (minnodes/index.ts MinNodesResult: nodes, byTemplate, cost, lowerBound, gap, placements,
 * unschedulable, addedNodes, seconds, ...), named, with the cluster after it for per-node fill.
 */
export type MinNodesQuestionResult = MinNodesResult & {
  readonly name: string;
  /** The cluster with the added nodes and the pods placed (per-node fill in the table and the report). */
  readonly after: ClusterUsage;
};

/** Every question's answer. */
export type QuestionResult = MaxReplicasResult | DrainResult | CompareResult | MinNodesQuestionResult;

/** The scenario as run. */
export interface ScenarioSummary {
  readonly file: string;
  /** The snapshot file (resolved path), or null for an empty cluster. */
  readonly cluster: string | null;
  readonly config: string | null;
  readonly seed: number;
  /** With a sweep: the values this run used (field path -> value), and its index in the sweep. */
  readonly sweep?: { readonly index: number; readonly values: Readonly<Record<string, unknown>> };
  /** The cluster before the steps and after them. */
  readonly before: ClusterUsage;
  readonly after: ClusterUsage;
  readonly steps: readonly StepResult[];
  readonly warnings: readonly string[];
}

/** `podfit whatif -o json`: the scenario, then each question's answer in order. */
export interface WhatifResult {
  readonly scenario: ScenarioSummary;
  readonly questions: readonly QuestionResult[];
}

/** `podfit whatif` of a sweep (or the merge of its shards): one result per sweep point, in sweep order. */
export interface WhatifSweepResult {
  readonly sweep: { readonly total: number; readonly shard?: { readonly index: number; readonly count: number } };
  readonly runs: readonly WhatifResult[];
}

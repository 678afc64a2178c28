/**
 * Workload expansion for `podfit whatif`: the pods kube's controllers would create for the
 * workload objects of an `apply` step (Deployment, ReplicaSet, ReplicationController,
 * StatefulSet, Job, DaemonSet), named, labelled and owned as the controllers do it (v1.32).
 *
 * API first commit: the bodies follow.
 */
import type { Node, Pod } from '../api/k8s.js';

/** What the expansion reads of the cluster. */
export interface ExpandContext {
  /** Nodes of the cluster (DaemonSets make one pod per eligible node). */
  readonly nodes: readonly Node[];
  /** Pods that already exist (a ReplicaSet/StatefulSet/Job with running pods only adds what is missing; names must not collide). */
  readonly existingPods?: readonly Pod[];
  /** Deterministic suffixes: seeded, so the same scenario gives the same pod names. */
  readonly seed: number;
  /** The time the objects are created (creationTimestamp of generated objects). */
  readonly now?: string;
}

/** What the controllers would create. */
export interface Expanded {
  /** Pending pods the controllers would create, in the order they would create them. */
  readonly pods: Pod[];
  /** Objects to add to the cluster's objects: the workloads themselves and what they create (ReplicaSets of Deployments), plus PDBs, PriorityClasses, Namespaces, Services passed through. */
  readonly objects: Record<string, unknown>[];
  readonly warnings: string[];
}

/** Expands workload objects (in input order) into the pods their controllers would create. */
export function expandWorkloads(_objects: readonly Record<string, unknown>[], _ctx: ExpandContext): Expanded {
  throw new Error('not implemented');
}

/** The pods DaemonSets add for nodes added later (an addNodes step after an apply). */
export function daemonSetPodsForNodes(_daemonSets: readonly Record<string, unknown>[], _nodes: readonly Node[], _ctx: ExpandContext): Pod[] {
  throw new Error('not implemented');
}

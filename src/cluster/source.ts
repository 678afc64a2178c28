/**
 * Where a long-running podfit (the extender) gets its cluster state, and where binds go. Two
 * implementations: a snapshot file reloaded when it changes (snapshot-source.ts), and a live
 * cluster kept in sync by list/watch (live.ts). kube-scheduler never sends which pods run on a
 * node, so the extender needs one of these to evaluate anything.
 */
import type { ClusterObjects } from '../model/cluster-objects.js';
import type { ClusterState } from '../model/cluster-state.js';
import type { PodInfo } from '../model/pod-info.js';

/** A pod named by a bind request. */
export interface PodRef {
  readonly namespace: string;
  readonly name: string;
  /** "" when unknown. */
  readonly uid: string;
}

/** Counts for metrics and logs. */
export interface SourceStats {
  readonly nodes: number;
  /** Pods placed on nodes (bound and assumed). */
  readonly pods: number;
  readonly assumedPods: number;
  /** Pods known but not yet bound. */
  readonly pendingPods: number;
}

/** A bind that did not happen; the message is returned to kube-scheduler in ExtenderBindingResult.Error. */
export class BindError extends Error {
  override readonly name = 'BindError';
  constructor(
    message: string,
    /** The API answered 409: the pod is bound elsewhere (or is another pod by now). */
    readonly conflict = false,
  ) {
    super(message);
  }
}

/** The extender's view of the cluster. */
export interface ClusterSource {
  readonly kind: 'snapshot' | 'live';
  /** The current state. A snapshot reload replaces the object; a live source keeps one and mutates it. */
  readonly state: ClusterState;
  /** Other objects the plugins read (Namespaces, PriorityClasses, PDBs...), when the source has them. */
  readonly objects?: ClusterObjects;
  /** True once the state reflects the cluster (snapshot loaded; initial lists applied and not stale). */
  ready(): boolean;
  /** A pod known to be waiting for a node, by UID (preferred) or namespace/name. */
  findPendingPod(ref: PodRef): PodInfo | undefined;
  /**
   * Binds a pod: a Binding through the API (live) or an in-memory placement (snapshot); afterwards
   * the state has the pod on the node. Idempotent: binding a pod again to the node it is already
   * on succeeds. `pod` is the decoded pod when the caller knows it. Throws BindError.
   */
  bind(ref: PodRef, pod: PodInfo | undefined, nodeName: string): Promise<void>;
  stats(): SourceStats;
  /** Stops watching (files, API). */
  stop(): Promise<void>;
}

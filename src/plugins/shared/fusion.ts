/**
 * What the fused scheduling cycle (src/framework/fused-cycle.ts) needs to know about plugins to
 * run a whole profile as a few kernel scans plus per-class work, with results identical to
 * running every plugin over every node:
 *
 * - resource plugins expose their kernel arguments (`FusedFitFilter`, `FusedResourceScorer`);
 * - label/taint plugins whose verdict or raw score for a pod depends only on the node's class
 *   (labels minus per-node ones, taints, unschedulable: ClusterState's NodeClass) are listed in
 *   CLASS_SCOPED_FILTERS / CLASS_SCOPED_SCORES with the condition under which that holds; the
 *   framework then calls their own batch Filter/Score on one representative node per class;
 * - SCORES_CONSTANT_FOR_POD lists scores that are the same on every node for some pods.
 *
 * A plugin (or pod) that fits none of these makes the cycle take the general path, so an entry
 * here is an optimisation claim that must be exactly true; test/kernel/scheduler-parity.test.ts
 * checks the claims against the general path on random clusters.
 */
import type { CycleState } from '../../framework/cycle-state.js';
import type { NodeSelector, PreferredSchedulingTerm } from '../../api/k8s.js';
import type { ClusterState } from '../../model/cluster-state.js';
import { PER_NODE_LABELS } from '../../model/cluster-state.js';
import type { PodInfo } from '../../model/pod-info.js';
import type { FitArgs, ScorerArgs } from '../../kernel/kernels.js';
import { normalizedImageName } from './images.js';

/** The fit kernel's request: slot and amount per resource (kube's check order), the kernels' fit record. */
export type FusedFitRequest = FitArgs;

/** A Filter whose whole verdict is the fit kernel (NodeResourcesFit). */
export interface FusedFitFilter {
  /** The PreFilter's request, or undefined when PreFilter did not run (the general path reports that). */
  fusedFitRequest(cs: CycleState): FusedFitRequest | undefined;
}

/**
 * The arguments of one resource-score kernel call (Kernels.scoreAdd): the kernels' scorer record
 * at pluginWeight 1 (the plugin's own score); the fused cycle sets the profile's weight.
 */
export type FusedResourceScore = ScorerArgs;

/** A Score that is one resource-score kernel call with no NormalizeScore (Fit, BalancedAllocation). */
export interface FusedResourceScorer {
  /** The kernel arguments for this cycle, or undefined when the general path must run (errors). */
  fusedResourceScore(cs: CycleState, pod: PodInfo): FusedResourceScore | undefined;
}

/** Duck-typed check for FusedFitFilter. */
export function isFusedFitFilter(p: object): p is FusedFitFilter {
  return typeof (p as Partial<FusedFitFilter>).fusedFitRequest === 'function';
}

/** Duck-typed check for FusedResourceScorer. */
export function isFusedResourceScorer(p: object): p is FusedResourceScorer {
  return typeof (p as Partial<FusedResourceScorer>).fusedResourceScore === 'function';
}

/** A claim about one plugin for one pod: `args` are the plugin's args in the profile. */
export type ScopePredicate = (pod: PodInfo, args: unknown, state: ClusterState) => boolean;

/** Shared empty list, so the checks below allocate nothing per cycle. */
const NONE: readonly never[] = [];

function selectorIsNodeSpecific(ns: NodeSelector | null | undefined): boolean {
  if (!ns) return false;
  for (const term of ns.nodeSelectorTerms ?? NONE) {
    if ((term.matchFields ?? NONE).length > 0) return true;
    for (const r of term.matchExpressions ?? NONE) if (PER_NODE_LABELS.has(r.key)) return true;
  }
  return false;
}

function preferredIsNodeSpecific(terms: readonly PreferredSchedulingTerm[] | null | undefined): boolean {
  if (!terms) return false;
  for (const t of terms) {
    const pref = t.preference;
    if ((pref?.matchFields ?? NONE).length > 0) return true;
    for (const r of pref?.matchExpressions ?? NONE) if (PER_NODE_LABELS.has(r.key)) return true;
  }
  return false;
}

/** addedAffinity of NodeAffinityArgs, read structurally (plugins' args types stay private). */
function addedAffinityOf(args: unknown) {
  return (args as { addedAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector | null; preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[] | null } } | undefined)?.addedAffinity;
}

/**
 * NodeAffinity's required side reads only class labels when neither the pod's nodeSelector,
 * its required terms nor the args' addedAffinity name a per-node label or `metadata.name`.
 */
function nodeAffinityFilterIsClassScoped(pod: PodInfo, args: unknown): boolean {
  if (pod.nodeSelector) for (const k in pod.nodeSelector) if (PER_NODE_LABELS.has(k)) return false;
  if (selectorIsNodeSpecific(pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution)) return false;
  return !selectorIsNodeSpecific(addedAffinityOf(args)?.requiredDuringSchedulingIgnoredDuringExecution);
}

/** NodeAffinity's score reads only class labels under the same condition for preferred terms. */
function nodeAffinityScoreIsClassScoped(pod: PodInfo, args: unknown): boolean {
  if (preferredIsNodeSpecific(pod.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution)) return false;
  return !preferredIsNodeSpecific(addedAffinityOf(args)?.preferredDuringSchedulingIgnoredDuringExecution);
}

/**
 * Filters whose verdict on a node is a function of the node's class for this pod (when the
 * predicate holds). NodeUnschedulable reads `unschedulable`, TaintToleration the taints, both
 * part of the class; NodeName without `spec.nodeName` passes every node.
 */
export const CLASS_SCOPED_FILTERS: Readonly<Record<string, ScopePredicate>> = {
  NodeUnschedulable: () => true,
  NodeName: (pod) => pod.nodeName === undefined,
  TaintToleration: () => true,
  NodeAffinity: (pod, args) => nodeAffinityFilterIsClassScoped(pod, args),
};

/**
 * Scores whose raw value on a node is a function of its class for this pod, and whose
 * NormalizeScore depends only on each value and the maximum over the scored nodes (kube's
 * DefaultNormalizeScore), so normalizing one value per class with a feasible node gives every
 * node's normalized score.
 */
export const CLASS_SCOPED_SCORES: Readonly<Record<string, ScopePredicate>> = {
  TaintToleration: () => true,
  NodeAffinity: (pod, args) => nodeAffinityScoreIsClassScoped(pod, args),
};

/**
 * ImageLocality scores `calculatePriority(0, containers)` on every node when none of the pod's
 * images (normalized as the plugin looks them up, empty image included) is on any node.
 */
function imageLocalityIsConstant(pod: PodInfo, _args: unknown, state: ClusterState): boolean {
  if (state.imageNodeCount.size === 0) return true;
  for (const c of pod.pod.spec.initContainers ?? NONE) if (state.imageNodeCount.has(normalizedImageName(c.image ?? ''))) return false;
  for (const c of pod.pod.spec.containers ?? NONE) if (state.imageNodeCount.has(normalizedImageName(c.image ?? ''))) return false;
  return true;
}

/** Scores (without NormalizeScore) that equal the same value on every node for this pod. */
export const SCORES_CONSTANT_FOR_POD: Readonly<Record<string, ScopePredicate>> = {
  ImageLocality: imageLocalityIsConstant,
};

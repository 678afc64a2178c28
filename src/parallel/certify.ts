/**
 * When batch speculation is exact (summary.ts), as claims about the plugins a profile runs.
 *
 * A worker's replica holds the nodes but none of the pods, so its answer for a pod is only the
 * main thread's answer when every plugin that runs for that pod decides from the pod, its node
 * classes and the NodeTable rows alone, and every plugin it skips would skip on the real state
 * too. The fused fast path already guarantees the first part (fit and resource scores are the
 * kernel scan, every other Filter/Score is class-scoped or constant: plugins/shared/fusion.ts); the
 * table below records, for each plugin podfit knows, why the second part holds. A profile with
 * any other plugin (out-of-tree ones included) is scheduled sequentially, with the same result.
 * An entry here is an optimisation claim that must be exactly true:
 * test/parallel/batch.test.ts checks placements against sequential scheduling on random
 * clusters, pods and profiles.
 */
import type { Framework } from '../framework/runtime.js';
import { numFeasibleNodesToFind } from '../framework/node-selection.js';
import type { Pod } from '../api/k8s.js';
import type { PodInfo } from '../model/pod-info.js';
import { classKeyOf } from '../model/pod-info.js';

/**
 * Plugins whose part in a fast-path cycle does not read other pods' placements, by extension
 * point, with the reason. InterPodAffinity is the exception that needs the state (see
 * `hasPodAffinityTerms`).
 */
const SAFE_PLUGINS: Readonly<Record<string, ReadonlySet<string>>> = {
  // Gates and queue order are applied by the caller when it builds the queue.
  preEnqueue: new Set(['SchedulingGates']),
  queueSort: new Set(['PrioritySort']),
  // NodeUnschedulable/NodeName/TaintToleration/NodeAffinity read the node only; NodeResourcesFit
  // is the kernel's fit (rows re-checked at commit); NodePorts skips exactly when the pod has no
  // host ports (a pod with some runs a per-node filter: not the fast path); PodTopologySpread
  // skips when the pod has no hard constraints (its own and the profile's defaults, which depend
  // on the pod and the cluster objects, both in the replica); InterPodAffinity skips when the pod
  // has no required terms and no placed pod's required anti-affinity matches it: true in the
  // replica, checked on the main state with hasPodAffinityTerms.
  preFilter: new Set(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity']),
  filter: new Set(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity']),
  // Runs only when no node fits, which the main thread's own cycle handles.
  postFilter: new Set(['DefaultPreemption']),
  // Same reasons as the filters; ImageLocality is class-free but reads node images only.
  preScore: new Set(['TaintToleration', 'NodeAffinity', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesFit', 'NodeResourcesBalancedAllocation', 'ImageLocality']),
  score: new Set(['TaintToleration', 'NodeAffinity', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesFit', 'NodeResourcesBalancedAllocation', 'ImageLocality']),
  // The commit runs Reserve..PostBind on the main thread with a fresh CycleState: only plugins
  // that read nothing a PreFilter/PreScore wrote may run there.
  reserve: new Set(),
  permit: new Set(),
  preBind: new Set(),
  bind: new Set(['DefaultBinder']),
  postBind: new Set(),
};

/** Why a profile cannot be speculated (a plugin not in SAFE_PLUGINS, or node sampling); null when it can. */
export function profileObstacle(fw: Framework, nodeCount: number, globalPercentage: number | undefined): string | null {
  for (const [point, safe] of Object.entries(SAFE_PLUGINS)) {
    for (const name of fw.pluginsAt(point as Parameters<Framework['pluginsAt']>[0])) {
      if (!safe.has(name)) return `profile ${fw.profileName}: plugin ${name} at ${point} may read other pods' placements`;
    }
  }
  // Sampled filtering never takes the fused path, so nothing could be speculated.
  if (numFeasibleNodesToFind(nodeCount, fw.percentageOfNodesToScore ?? globalPercentage) < nodeCount) {
    return `profile ${fw.profileName}: percentageOfNodesToScore samples nodes`;
  }
  return null;
}

/**
 * Whether a pod carries inter-pod affinity or anti-affinity terms (required or preferred). While
 * a placed pod does, InterPodAffinity may run for pods without terms of their own (its terms can
 * match them), which a replica without pods cannot see: the batch then stops speculating.
 */
export function hasPodAffinityTerms(pod: PodInfo): boolean {
  const a = pod.affinity;
  if (!a) return false;
  for (const t of [a.podAffinity, a.podAntiAffinity]) {
    if (!t) continue;
    if ((t.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0) return true;
    if ((t.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0) return true;
  }
  return false;
}

/** A pod's speculation key: its class key (model/pod-info.ts classKeyOf). */
export const speculationKey = (pod: Pod): string => classKeyOf(pod);

/**
 * kube's PreFilterExtensions (AddPod / RemovePod) for a plugin whose PreFilter writes one state to
 * the CycleState and updates it for a pod added or removed on a node (preemption's dry runs and
 * nominated pods): read the state (or the error status of a missing one), update it by +1 or -1.
 */
import type { CycleState } from '../../framework/cycle-state.js';
import { Status } from '../../framework/status.js';
import type { NodeInfo } from '../../model/cluster-state.js';
import type { PodInfo } from '../../model/pod-info.js';

/** The two extension methods, built from the plugin's reader and updater. */
export function preFilterExtensions<S extends object>(
  read: (cs: CycleState) => S | Status,
  /** Applies `other` (added: +1, removed: -1) on `node` to the state of the cycle of `pod`. */
  update: (s: S, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: 1 | -1) => void,
): {
  addPod(cs: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | null;
  removePod(cs: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | null;
} {
  const apply = (cs: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: 1 | -1): Status | null => {
    const s = read(cs);
    if (s instanceof Status) return s;
    update(s, pod, other, node, delta);
    return null;
  };
  return {
    addPod: (cs, pod, podToAdd, node) => apply(cs, pod, podToAdd, node, 1),
    removePod: (cs, pod, podToRemove, node) => apply(cs, pod, podToRemove, node, -1),
  };
}

/**
 * PrioritySort (kube `queuesort`, QueueSort): higher priority first, then the pod that has
 * waited longest. kube orders equal priorities by queue timestamp; podfit has no queue history
 * for input pods, so it uses the creation time and then the pod key, which keeps the order total
 * and deterministic.
 */
import type { PluginDefinition, QueueSortPlugin } from '../../framework/interfaces.js';
import type { PodInfo } from '../../model/pod-info.js';

/** kube's plugin name. */
export const NAME = 'PrioritySort';

/** True when `a` should be scheduled before `b`. */
export function less(a: PodInfo, b: PodInfo): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.creationMs !== b.creationMs) return a.creationMs < b.creationMs;
  return a.key < b.key;
}

/** Registry entry for PrioritySort. */
export const definition: PluginDefinition = {
  name: NAME,
  points: ['queueSort'],
  implemented: true,
  factory: (): QueueSortPlugin => ({ name: NAME, less }),
};

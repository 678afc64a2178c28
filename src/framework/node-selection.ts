/** Node sampling (kube's numFeasibleNodesToFind, K8S-FACTS.md §7). */
import { MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, MIN_FEASIBLE_NODES_TO_FIND } from '../model/limits.js';

/**
 * How many feasible nodes to find among `numAllNodes`. `percentage` undefined means podfit's
 * default of 100% (a deliberate deviation: kube's default 0 means adaptive); 0 means kube's
 * adaptive percentage `50 - n/125`, floored at 5.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentage: number | undefined): number {
  if (percentage === undefined || percentage >= 100) return numAllNodes;
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let p = percentage;
  if (p === 0) {
    p = 50 - Math.trunc(numAllNodes / 125);
    if (p < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) p = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numAllNodes * p) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

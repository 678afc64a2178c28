/**
 * Toleration matching with kube v1.32 semantics (core/v1 `Toleration.ToleratesTaint`,
 * component-helpers `TolerationsTolerateTaint` / `FindMatchingUntoleratedTaint`).
 */
import type { Taint, Toleration } from '../api/k8s.js';

/** kube's v1.TaintNodeUnschedulable: the taint equivalent of `spec.unschedulable`. */
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/**
 * kube's Toleration.ToleratesTaint (1.32): an empty effect matches every effect, an empty key
 * every key; operator Exists matches any value, Equal or empty compares values; anything else
 * (the Gt/Lt operators arrived after 1.32) tolerates nothing.
 */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** kube's TolerationsTolerateTaint: some toleration tolerates the taint. */
export function tolerationsTolerateTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (tolerates(t, taint)) return true;
  return false;
}

/** kube's DoNotScheduleTaintsFilterFunc: the effects the TaintToleration Filter enforces. */
export function isDoNotScheduleTaint(taint: Taint): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}

/**
 * kube's FindMatchingUntoleratedTaint: the first taint (in node order) selected by `include`
 * that no toleration tolerates, or undefined.
 */
export function findUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  include: (t: Taint) => boolean,
): Taint | undefined {
  for (const taint of taints) {
    if (include(taint) && !tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

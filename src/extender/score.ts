/**
 * The one function that turns podfit's node scores into extender priorities.
 *
 * podfit's total for a node is kube's weighted sum: Σ weight_p × score_p over the Score plugins
 * that ran for the pod (each score 0..100 after NormalizeScore), so it lies in 0..100·W with
 * W = Σ weight_p of those plugins (plugins whose PreScore returned Skip are left out of W, they
 * contributed nothing). The extender protocol carries 0..10 (MaxExtenderPriority), and
 * kube-scheduler adds `priority × extenderWeight × 10` to its own total (K8S-FACTS.md §2.5), so
 * the linear map that keeps podfit's scale is
 *
 *     priority = round(10 × total / (100 × W)) = floor((total + 5W) / (10W)),  clamped to 0..10
 *
 * (round half up, in integers). A node podfit scores 100 on every plugin gets 10, one it scores 0
 * gets 0, and a node's priority × 10 is its podfit score as a percentage, ±5. With W = 0 (no
 * Score plugin ran) every node gets 0: podfit expresses no preference.
 */
import { MAX_EXTENDER_PRIORITY, MIN_EXTENDER_PRIORITY } from '../api/extender.js';

/** Maps a podfit total (0..100·W) to an extender priority (0..10). */
export function extenderPriority(total: number, weightSum: number): number {
  if (weightSum <= 0) return MIN_EXTENDER_PRIORITY;
  const p = Math.floor((total + 5 * weightSum) / (10 * weightSum));
  return p < MIN_EXTENDER_PRIORITY ? MIN_EXTENDER_PRIORITY : p > MAX_EXTENDER_PRIORITY ? MAX_EXTENDER_PRIORITY : p;
}

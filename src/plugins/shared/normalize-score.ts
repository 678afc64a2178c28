/** kube's helper.DefaultNormalizeScore (framework/plugins/helper/normalize_score.go), K8S-FACTS.md §5.4. */
import { MAX_NODE_SCORE } from '../../model/limits.js';

/**
 * Scales scores in place to [0, maxPriority] by the maximum (starting at 0): `max * s / m`
 * truncated like Go int64 division; `reverse` flips to `max - s`. When every score is 0 the list
 * is left alone, or set to `maxPriority` everywhere when reversing.
 */
export function defaultNormalizeScore(scores: Float64Array, reverse: boolean, maxPriority = MAX_NODE_SCORE): void {
  let m = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > m) m = scores[i]!;
  if (m === 0) {
    if (reverse) scores.fill(maxPriority);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    // Math.trunc(...) + 0 turns a possible -0 into 0.
    const s = Math.trunc((maxPriority * scores[i]!) / m) + 0;
    scores[i] = reverse ? maxPriority - s : s;
  }
}

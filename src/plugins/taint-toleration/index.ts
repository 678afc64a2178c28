/**
 * TaintToleration (kube `tainttoleration`): Filter rejects nodes with a NoSchedule/NoExecute
 * taint the pod does not tolerate; Score counts the PreferNoSchedule taints it does not tolerate
 * and NormalizeScore reverses them (fewest -> 100), K8S-FACTS.md §5.5 and §6.2.
 * Taints live in the node class, so both Filter and Score are evaluated once per class per cycle.
 */
import type { Taint, Toleration } from '../../api/k8s.js';
import type { FilterPlugin, FrameworkHandle, PluginDefinition, PreScorePlugin, ScorePlugin } from '../../framework/interfaces.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { Status } from '../../framework/status.js';
import { ClassMemo } from '../shared/class-memo.js';
import { defaultNormalizeScore } from '../shared/normalize-score.js';
import { findUntoleratedTaint, isDoNotScheduleTaint, tolerationsTolerateTaint } from '../shared/taints.js';

/** kube's plugin name. */
export const NAME = 'TaintToleration';

/** CycleState key of the PreScore state (kube: "PreScore" + Name). */
const PRE_SCORE_STATE_KEY = `PreScore${NAME}`;

/** kube 1.32's Filter reason for the first untolerated taint (the space after ':' is kube's). */
export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

/** kube's getAllTolerationPreferNoSchedule: tolerations with effect PreferNoSchedule or empty. */
export function preferNoScheduleTolerations(tolerations: readonly Toleration[]): Toleration[] {
  return tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
}

/** kube's countIntolerableTaintsPreferNoSchedule. */
export function countIntolerablePreferNoSchedule(taints: readonly Taint[], tolerations: readonly Toleration[]): number {
  let n = 0;
  for (const t of taints) if (t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t)) n++;
  return n;
}

/** Registry entry for TaintToleration. */
export const definition: PluginDefinition = {
  name: NAME,
  points: ['filter', 'preScore', 'score'],
  implemented: true,
  // Taints are part of the node's class; NormalizeScore is DefaultNormalizeScore (reversed).
  traits: { filter: () => 'class', score: () => 'class', normalize: 'max' },
  factory: (_args: unknown, handle: FrameworkHandle): FilterPlugin & PreScorePlugin & ScorePlugin => {
    const { state } = handle;
    const verdicts = new ClassMemo<Status | null>();
    const counts = new ClassMemo<number>();
    // Statuses keyed by the class's taint object: a reason is formatted once per taint, ever.
    const reasons = new WeakMap<Taint, Status>();
    const statusFor = (taint: Taint): Status => {
      let s = reasons.get(taint);
      if (!s) {
        s = Status.unresolvable(untoleratedTaintReason(taint));
        reasons.set(taint, s);
      }
      return s;
    };
    return {
      name: NAME,
      filter(_cs, pod, nodes, out) {
        const tolerations = pod.tolerations;
        const classes = state.classes;
        verdicts.reset(classes.length);
        const verdictOf = (classId: number): Status | null => {
          const taint = findUntoleratedTaint(classes[classId]!.taints, tolerations, isDoNotScheduleTaint);
          return taint ? statusFor(taint) : null;
        };
        for (let i = 0; i < nodes.length; i++) {
          const node = nodes[i]!;
          if (node.taints.length === 0) continue;
          out[i] = verdicts.get(node.classId, verdictOf);
        }
      },
      preScore(cs: CycleState, pod) {
        cs.write(PRE_SCORE_STATE_KEY, preferNoScheduleTolerations(pod.tolerations));
        return null;
      },
      score(cs, pod, nodes, out) {
        const tolerations = cs.read<Toleration[]>(PRE_SCORE_STATE_KEY);
        if (!tolerations) return Status.error(`failed to read "${PRE_SCORE_STATE_KEY}" from cycleState: not found`);
        const classes = state.classes;
        counts.reset(classes.length);
        const countOf = (classId: number): number => countIntolerablePreferNoSchedule(classes[classId]!.taints, tolerations);
        for (let i = 0; i < nodes.length; i++) {
          const node = nodes[i]!;
          out[i] = node.taints.length === 0 ? 0 : counts.get(node.classId, countOf);
        }
        return null;
      },
      normalizeScore(_cs, _pod, _nodes, scores) {
        defaultNormalizeScore(scores, true);
        return null;
      },
    };
  },
};

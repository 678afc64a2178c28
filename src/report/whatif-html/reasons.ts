/**
 * Why pods did not fit, counted for a chart. kube's FitError message is `0/N nodes are available:
 * 3 Insufficient cpu, 2 node(s) had untolerated taint {k: v}. preemption: ...` (framework/fit-error.ts):
 * one message per distinct mix of node counts, so counting whole messages scatters one cause over
 * many bars. A pod counts once under each reason its message names; the node counts are dropped.
 */
import { HTML_CHART_CATEGORIES_MAX } from '../../model/limits.js';

const FIT_ERROR = /^0\/\d+ nodes are available: (.+?)\.(?:\s|$)/s;
const COUNTED = /^\d+ (.+)$/s;

/** The reasons a FitError message names, without node counts; the whole message when it is not a FitError. */
export function fitErrorReasons(message: string): string[] {
  const m = FIT_ERROR.exec(message);
  if (!m) return [message];
  const reasons = m[1]!.split(', ').map((part) => COUNTED.exec(part)?.[1] ?? part);
  return [...new Set(reasons)];
}

/** A reason and how many pods gave it. */
export interface ReasonCount {
  readonly reason: string;
  readonly pods: number;
}

/** Pods per reason over these messages (one per pod), most frequent first, ties by reason. */
export function countReasons(messages: Iterable<string>): ReasonCount[] {
  const counts = new Map<string, number>();
  for (const msg of messages) for (const r of fitErrorReasons(msg)) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([reason, pods]) => ({ reason, pods })).sort(byPodsThenReason);
}

function byPodsThenReason(a: ReasonCount, b: ReasonCount): number {
  return b.pods - a.pods || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0);
}

/**
 * The first HTML_CHART_CATEGORIES_MAX - 1 labels, and the rest summed into one `N others` bar;
 * `values[d][k]` is dataset d's value for label k. Labels must come sorted by importance.
 */
export function capCategories(labels: readonly string[], values: readonly (readonly number[])[]): { labels: string[]; values: number[][] } {
  if (labels.length <= HTML_CHART_CATEGORIES_MAX) return { labels: [...labels], values: values.map((v) => [...v]) };
  const keep = HTML_CHART_CATEGORIES_MAX - 1;
  const others = labels.length - keep;
  return {
    labels: [...labels.slice(0, keep), `${others} others`],
    values: values.map((v) => [...v.slice(0, keep), v.slice(keep).reduce((s, x) => s + x, 0)]),
  };
}

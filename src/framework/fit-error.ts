/** kube's FitError message (framework/types.go, K8S-FACTS.md §6.3). */
import type { Status } from './status.js';

/** kube's NoNodeAvailableMsg prefix. */
export const NO_NODE_AVAILABLE = (n: number) => `0/${n} nodes are available`;
/** kube's ErrNoNodesAvailable. */
export const NO_NODES_AVAILABLE_MSG = 'no nodes available to schedule pods';

/** What went wrong for a pod that fits nowhere. */
export interface Diagnosis {
  /** Failed node name -> its status (the first failing plugin's). */
  readonly nodeToStatus: ReadonlyMap<string, Status>;
  /** Status for nodes absent from nodeToStatus (PreFilterResult exclusions), and how many. */
  readonly absentStatus?: Status;
  readonly absentCount?: number;
  /** PreFilter rejection message, when PreFilter failed. */
  readonly preFilterMsg?: string;
  /** PostFilter (preemption) message. */
  readonly postFilterMsg?: string;
  /** Plugins that rejected the pod somewhere. */
  readonly unschedulablePlugins: ReadonlySet<string>;
}

/** Builds `0/N nodes are available: <sorted histogram>. <postfilter>`. */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `${NO_NODE_AVAILABLE(numAllNodes)}:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const parts = [...fitErrorHistogram(d)].map(([r, c]) => `${c} ${r}`);
    // Go's sort.Strings: plain byte order ("10 X" before "2 Y").
    parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

/**
 * The reasons of a diagnosis and how many nodes gave each (kube's reasons histogram, the part
 * after "0/N nodes are available:"), in first-seen order; empty when PreFilter rejected the pod.
 */
export function fitErrorHistogram(d: Diagnosis): Map<string, number> {
  const hist = new Map<string, number>();
  if (d.preFilterMsg) return hist;
  for (const st of d.nodeToStatus.values()) {
    for (const r of st.reasons) hist.set(r, (hist.get(r) ?? 0) + 1);
  }
  if (d.absentStatus && d.absentCount) {
    for (const r of d.absentStatus.reasons) hist.set(r, (hist.get(r) ?? 0) + d.absentCount);
  }
  return hist;
}

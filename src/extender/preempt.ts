/**
 * The preempt verb. kube-scheduler's DefaultPreemption has already picked candidate nodes and,
 * per node, a victim set it minimised for its own plugins; it asks the extender to confirm or
 * narrow them (K8S-FACTS.md §2.7). podfit answers, per node:
 *
 * 1. remove every victim podfit knows on that node (ClusterState.removePod plus the PreFilter
 *    extensions' removePod, on a clone of the cycle state, as kube's dry run does);
 * 2. if the preemptor still fails podfit's Filter plugins, the node is dropped from the answer;
 * 3. otherwise reprieve greedily, most important victim first (higher priority, then earlier
 *    start: kube's MoreImportantPod): put it back and keep it back if the filters still pass;
 * 4. answer the victims that could not be reprieved.
 *
 * Every change is undone before returning, whatever happens. Victims podfit does not know (UIDs
 * not on that node in its state) stay victims: podfit cannot reason about them. If podfit needs
 * no victim at all on a node, it has no objection of its own and returns kube's victims
 * unchanged (an empty list would be rejected by kube-scheduler). NumPDBViolations is passed
 * through, capped at the number of victims returned (podfit does not know which pods a PDB covers).
 */
import type { ExtenderPreemptionArgs } from '../api/extender.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { Framework } from '../framework/framework.js';
import { Code, type Status } from '../framework/status.js';
import type { ClusterState, NodeInfo } from '../model/cluster-state.js';
import type { PodInfo } from '../model/pod-info.js';
import { ExtenderInternalError } from './errors.js';

/** The preempt answer before encoding: node -> victim UIDs. */
export type PreemptionOutcome = Map<string, { uids: string[]; numPDBViolations: number }>;

/** kube's GetPodStartTime: status.startTime, else "now" (so unstarted pods count as newest). */
function startMs(p: PodInfo): number {
  const t = p.pod.status?.startTime;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? ms : Number.MAX_SAFE_INTEGER;
}

/** kube's util.MoreImportantPod as a sort comparator (most important first). */
export function moreImportantFirst(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return startMs(a) - startMs(b);
}

/** Filter verdict on one node; a plugin Error aborts the whole request. */
function fits(fw: Framework, cs: CycleState, pod: PodInfo, node: NodeInfo): boolean {
  let st: Status | null;
  try {
    st = fw.runFilterPluginsOnNode(cs, pod, node);
  } catch (e) {
    throw new ExtenderInternalError(`running filter plugins on node ${node.name}: ${(e as Error).message}`);
  }
  if (st && st.code === Code.Error) throw new ExtenderInternalError(st.message());
  return st === null || st.code === Code.Success;
}

/** Runs the preempt verb against `state` (restored before returning). */
export function selectVictims(state: ClusterState, fw: Framework, pod: PodInfo, args: ExtenderPreemptionArgs): PreemptionOutcome {
  const out: PreemptionOutcome = new Map();
  const base = fw.newCycleState();
  const pre = fw.runPreFilter(base, pod, state.nodes);
  if (pre.status && pre.status.code !== Code.Success) {
    // Rejected before any node is looked at: no eviction makes podfit's filters pass.
    if (pre.status.isRejected()) return out;
    throw new ExtenderInternalError(pre.status.message());
  }
  for (const [nodeName, proposed] of args.nodes) {
    const node = state.getNode(nodeName)!;
    if (pre.nodeNames && !pre.nodeNames.has(nodeName)) continue;
    const known: PodInfo[] = [];
    const unknownUids: string[] = [];
    for (const uid of proposed.uids) {
      const p = uid ? node.pods.find((q) => q.uid === uid) : undefined;
      if (p) known.push(p);
      else unknownUids.push(uid);
    }
    const victims = evaluateNode(state, fw, base, pod, node, known);
    if (victims === null) continue;
    let uids = [...victims.map((v) => v.uid), ...unknownUids];
    if (uids.length === 0) uids = [...proposed.uids];
    if (uids.length === 0) continue;
    out.set(nodeName, { uids, numPDBViolations: Math.min(proposed.numPDBViolations, uids.length) });
  }
  return out;
}

/**
 * Victims still needed on `node` after reprieving, in request order, or null when the preemptor
 * fails podfit's filters even with every known victim gone.
 */
function evaluateNode(state: ClusterState, fw: Framework, base: CycleState, pod: PodInfo, node: NodeInfo, known: readonly PodInfo[]): PodInfo[] | null {
  const cs = base.clone();
  const assumed = new Map<PodInfo, boolean>();
  const removed = new Set<PodInfo>();
  const remove = (p: PodInfo) => {
    state.removePod(p.key);
    removed.add(p);
    const s = fw.runPreFilterExtensionRemovePod(cs, pod, p, node);
    if (s && s.code !== Code.Success) throw new ExtenderInternalError(s.message());
  };
  const restore = (p: PodInfo) => {
    state.addPod(p, node.name, assumed.get(p) ?? false);
    removed.delete(p);
    const s = fw.runPreFilterExtensionAddPod(cs, pod, p, node);
    if (s && s.code !== Code.Success) throw new ExtenderInternalError(s.message());
  };
  try {
    for (const p of known) {
      assumed.set(p, state.placementOf(p.key)?.assumed ?? false);
      remove(p);
    }
    if (!fits(fw, cs, pod, node)) return null;
    const needed = new Set<PodInfo>();
    for (const p of [...known].sort(moreImportantFirst)) {
      restore(p);
      if (!fits(fw, cs, pod, node)) {
        remove(p);
        needed.add(p);
      }
    }
    return known.filter((p) => needed.has(p));
  } finally {
    // Put back whatever is still out, without touching the cycle state (it is discarded).
    for (const p of removed) state.addPod(p, node.name, assumed.get(p) ?? false);
  }
}

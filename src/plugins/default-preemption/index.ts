/**
 * DefaultPreemption (kube `defaultpreemption` + `framework/preemption`, v1.32), the PostFilter
 * that runs when a pod fits nowhere: on every node whose failure was Unschedulable (not
 * Unresolvable) it dry-runs removing all lower-priority pods, then reprieves as many as possible
 * (PDB-violating ones first, each group from the most important down), and picks the candidate
 * node by kube's order: fewest PDB violations, lowest highest-victim priority, smallest priority
 * sum, fewest victims, latest start time of the highest-priority victims, then node order.
 *
 * Dry runs remove the victims from the real ClusterState and put them back afterwards (pods keep
 * their order on the node), on a cloned CycleState kept current through the PreFilter extensions
 * (addPod/removePod), so PodTopologySpread and InterPodAffinity see each trial exactly as kube's
 * NodeInfo copies do. podfit only reports the decision: nothing is evicted.
 *
 * Determinism: kube starts the dry run at a random offset among the potential nodes and runs it
 * in parallel; podfit starts at offset 0 and goes in node order, so the shortlist is the first
 * `numCandidates` nodes that yield candidates, and the final tie goes to the first in node order.
 */
import type { CycleState } from '../../framework/cycle-state.js';
import { fitErrorMessage } from '../../framework/fit-error.js';
import type { FrameworkHandle, PluginDefinition, PostFilterPlugin, PostFilterResult } from '../../framework/interfaces.js';
import { Code, Status } from '../../framework/status.js';
import type { PodDisruptionBudget } from '../../api/k8s-extra.js';
import type { Pod } from '../../api/k8s.js';
import type { NodeInfo } from '../../model/cluster-state.js';
import type { PodInfo } from '../../model/pod-info.js';
import { labelSelectorAsSelector, labelSelectorMatches, type CompiledLabelSelector } from '../shared/label-selector.js';
import { argsSchema, type DefaultPreemptionArgs } from './args.js';

/** kube's plugin name. */
export const NAME = 'DefaultPreemption';
/** Status for nodes preemption cannot help (Unresolvable in the main cycle, or not examined). */
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
/** Status for a node without lower-priority pods. */
export const NO_VICTIMS_FOUND = 'No preemption victims found for incoming pod';
/** kube's PodEligibleToPreemptOthers message for preemptionPolicy Never. */
export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';
/** kube's PodEligibleToPreemptOthers message while a victim of an earlier preemption terminates. */
export const NOT_ELIGIBLE_TERMINATING = 'not eligible due to a terminating pod on the nominated node.';

const NOT_HELPFUL = Status.unresolvable(PREEMPTION_NOT_HELPFUL);
const NO_VICTIMS = Status.unresolvable(NO_VICTIMS_FOUND);
/** MaxInt32 + 1: added to every priority in the sum so negative priorities still favour fewer pods. */
const PRIORITY_OFFSET = 2147483648;

/** A node where the pod fits once `victims` are gone. */
export interface Candidate {
  readonly node: NodeInfo;
  /** Most important first. */
  readonly victims: readonly PodInfo[];
  readonly numPDBViolations: number;
}

/** A PDB with its selector compiled (kube reads disruptionsAllowed and disruptedPods from status). */
export interface CompiledPdb {
  readonly namespace: string;
  readonly selector: CompiledLabelSelector | null;
  readonly disruptionsAllowed: number;
  readonly disruptedPods: ReadonlySet<string>;
}

/** Compiles PDBs (an invalid selector matches no pod, as in kube). */
export function compilePdbs(pdbs: readonly PodDisruptionBudget[]): CompiledPdb[] {
  return pdbs.map((p) => {
    const sel = labelSelectorAsSelector(p.spec?.selector);
    return {
      namespace: p.metadata.namespace || 'default',
      selector: sel.ok ? sel.selector : null,
      disruptionsAllowed: p.status?.disruptionsAllowed ?? 0,
      disruptedPods: new Set(Object.keys(p.status?.disruptedPods ?? {})),
    };
  });
}

/** kube's GetPodStartTime: status.startTime, or "now" (later than any start) when not started. */
export function podStartMs(p: PodInfo): number {
  const s = p.pod.status?.startTime;
  const t = s ? Date.parse(s) : NaN;
  return Number.isFinite(t) ? t : Infinity;
}

/** kube's MoreImportantPod: higher priority, then earlier start. */
export function moreImportantPod(a: PodInfo, b: PodInfo): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return podStartMs(a) < podStartMs(b);
}

const byImportance = (a: PodInfo, b: PodInfo) => (moreImportantPod(a, b) ? -1 : moreImportantPod(b, a) ? 1 : 0);

/**
 * kube's filterPodsWithPDBViolation: walking the pods in order, each matching PDB's budget is
 * decremented (pods already in its disruptedPods excepted); a pod that drives a budget below 0
 * violates it. Empty and nil selectors match nothing; pods without labels match no PDB.
 */
export function filterPodsWithPDBViolation(pods: readonly PodInfo[], pdbs: readonly CompiledPdb[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.disruptionsAllowed);
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const pod of pods) {
    let violated = false;
    if (Object.keys(pod.labels).length !== 0) {
      pdbs.forEach((pdb, i) => {
        if (pdb.namespace !== pod.namespace || pdb.selector === null) return;
        if (pdb.selector.kind !== 'requirements' || !labelSelectorMatches(pdb.selector, pod.labels)) return;
        // Already processed by the API server: not a violation.
        if (pdb.disruptedPods.has(pod.name)) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pod);
  }
  return { violating, nonViolating };
}

/** kube's calculateNumCandidates: max(nodes x pct / 100, absolute), at most the node count. */
export function calculateNumCandidates(numNodes: number, args: DefaultPreemptionArgs): number {
  let n = Math.trunc((numNodes * args.minCandidateNodesPercentage) / 100);
  if (n < args.minCandidateNodesAbsolute) n = args.minCandidateNodesAbsolute;
  if (n > numNodes) n = numNodes;
  return n;
}

/** kube's podTerminatingByPreemption: being deleted with a DisruptionTarget condition from preemption. */
export function podTerminatingByPreemption(p: Pod): boolean {
  if (p.metadata.deletionTimestamp == null) return false;
  const conditions = (p.status as { conditions?: Array<{ type?: string; status?: string; reason?: string }> } | null | undefined)?.conditions ?? [];
  for (const c of conditions) {
    if (c.type === 'DisruptionTarget') return c.status === 'True' && c.reason === 'PreemptionByScheduler';
  }
  return false;
}

/** kube's GetEarliestPodStartTime: earliest start among the highest-priority victims. */
function earliestStartOfTopVictims(victims: readonly PodInfo[]): number {
  let maxPriority = victims[0]!.priority;
  let earliest = podStartMs(victims[0]!);
  for (const v of victims) {
    if (v.priority === maxPriority) {
      const t = podStartMs(v);
      if (t < earliest) earliest = t;
    } else if (v.priority > maxPriority) {
      maxPriority = v.priority;
      earliest = podStartMs(v);
    }
  }
  return earliest;
}

/**
 * kube's pickOneNodeForPreemption with the default score functions, applied in order while
 * ties remain; the last tie goes to the first candidate (dry-run order = node order).
 */
export function pickOneNodeForPreemption(candidates: readonly Candidate[]): Candidate | undefined {
  if (candidates.length === 0) return undefined;
  const scoreFuncs: Array<(c: Candidate) => number> = [
    (c) => -c.numPDBViolations,
    (c) => -c.victims[0]!.priority,
    (c) => -c.victims.reduce((s, v) => s + v.priority + PRIORITY_OFFSET, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfTopVictims(c.victims),
  ];
  let all = candidates;
  for (const f of scoreFuncs) {
    let max = -Infinity;
    let selected: Candidate[] = [];
    for (const c of all) {
      const s = f(c);
      if (s > max) {
        max = s;
        selected = [];
      }
      if (s === max) selected.push(c);
    }
    if (selected.length === 1) return selected[0];
    all = selected;
  }
  return all[0];
}

/** Result of one node's dry run. */
export type VictimSelection =
  | { readonly ok: true; readonly victims: PodInfo[]; readonly numPDBViolations: number }
  | { readonly ok: false; readonly status: Status };

/**
 * kube's SelectVictimsOnNode: the minimal set of lower-priority pods to remove from `node` so the
 * pod passes every Filter. The cluster state is restored before returning.
 */
export function selectVictimsOnNode(
  handle: FrameworkHandle, cs: CycleState, pod: PodInfo, node: NodeInfo, pdbs: readonly CompiledPdb[],
): VictimSelection {
  const { state, framework: fw } = handle;
  const originalOrder = node.pods.slice();
  const assumed = new Map(originalOrder.map((p) => [p, state.placementOf(p.key)?.assumed ?? false]));
  const removed = new Set<PodInfo>();
  const removePod = (p: PodInfo): Status | null => {
    state.removePod(p.key);
    removed.add(p);
    return fw.runPreFilterExtensionRemovePod(cs, pod, p, node);
  };
  const addPod = (p: PodInfo): Status | null => {
    state.addPod(p, node.name, assumed.get(p) ?? false);
    removed.delete(p);
    return fw.runPreFilterExtensionAddPod(cs, pod, p, node);
  };
  const asError = (s: Status): VictimSelection => ({ ok: false, status: s.code === Code.Error ? s : Status.error(s.message()) });
  try {
    // First remove every lower-priority pod and check the pod fits without them.
    const potential: PodInfo[] = [];
    for (const p of originalOrder) {
      if (p.priority < pod.priority) {
        potential.push(p);
        const s = removePod(p);
        if (s) return asError(s);
      }
    }
    // Nothing to remove: the node is as it was, no need to run the filters again.
    if (potential.length === 0) return { ok: false, status: NO_VICTIMS };
    const fits = fw.runFilterPluginsOnNode(cs, pod, node);
    if (fits) return { ok: false, status: fits };
    // Reprieve as many as possible, most important first: PDB-violating pods, then the others.
    potential.sort(byImportance);
    const { violating, nonViolating } = filterPodsWithPDBViolation(potential, pdbs);
    const victims: PodInfo[] = [];
    let numPDBViolations = 0;
    const reprieve = (p: PodInfo): Status | 'fits' | 'victim' => {
      const a = addPod(p);
      if (a) return a;
      if (fw.runFilterPluginsOnNode(cs, pod, node) === null) return 'fits';
      const r = removePod(p);
      if (r) return r;
      victims.push(p);
      return 'victim';
    };
    for (const p of violating) {
      const r = reprieve(p);
      if (r instanceof Status) return asError(r);
      if (r === 'victim') numPDBViolations++;
    }
    for (const p of nonViolating) {
      const r = reprieve(p);
      if (r instanceof Status) return asError(r);
    }
    // Keep victims ordered by importance when both groups contributed.
    if (violating.length > 0 && nonViolating.length > 0) victims.sort(byImportance);
    return { ok: true, victims, numPDBViolations };
  } finally {
    for (const p of originalOrder) if (removed.has(p)) state.addPod(p, node.name, assumed.get(p) ?? false);
    // Re-adding appends; restore the node's pod order so later cycles see the same state.
    node.pods.length = 0;
    for (const p of originalOrder) node.pods.push(p);
  }
}

/**
 * kube's DryRunPreemption, sequential: nodes from `potential` in order, stopping once there is at
 * least one PDB-respecting candidate and `numCandidates` in total. Returns the candidates
 * (non-violating first) and the statuses of the nodes that yielded none.
 */
export function dryRunPreemption(
  handle: FrameworkHandle, cs: CycleState, pod: PodInfo, potential: readonly NodeInfo[], pdbs: readonly CompiledPdb[], numCandidates: number,
): { candidates: Candidate[]; statuses: Map<string, Status>; errors: string[] } {
  const nonViolating: Candidate[] = [];
  const violating: Candidate[] = [];
  const statuses = new Map<string, Status>();
  const errors: string[] = [];
  for (const node of potential) {
    const r = selectVictimsOnNode(handle, cs.clone(), pod, node, pdbs);
    if (r.ok && r.victims.length > 0) {
      const c: Candidate = { node, victims: r.victims, numPDBViolations: r.numPDBViolations };
      const list = r.numPDBViolations === 0 ? nonViolating : violating;
      if (list.length < numCandidates) list.push(c);
      if (nonViolating.length > 0 && nonViolating.length + violating.length >= numCandidates) break;
      continue;
    }
    const status = r.ok ? Status.error(`expected at least one victim pod on node "${node.name}"`) : r.status;
    if (status.code === Code.Error) errors.push(status.message());
    statuses.set(node.name, status);
  }
  return { candidates: [...nonViolating, ...violating], statuses, errors };
}

/** kube's PodEligibleToPreemptOthers: [eligible, reason]. */
export function podEligibleToPreemptOthers(handle: FrameworkHandle, pod: PodInfo, nominatedNodeStatus: Status | undefined): [boolean, string] {
  const policy = handle.objects ? handle.objects.preemptionPolicyOf(pod.pod) : (pod.pod.spec.preemptionPolicy ?? 'PreemptLowerPriority');
  if (policy === 'Never') return [false, NOT_ELIGIBLE_NEVER];
  const nominated = pod.pod.status?.nominatedNodeName;
  if (nominated) {
    // A nominated node that filters reject as unresolvable: look for another one.
    if (!nominatedNodeStatus || nominatedNodeStatus.code === Code.UnschedulableAndUnresolvable) return [true, ''];
    const node = handle.state.getNode(nominated);
    if (node) {
      for (const p of node.pods) {
        if (p.priority < pod.priority && podTerminatingByPreemption(p.pod)) return [false, NOT_ELIGIBLE_TERMINATING];
      }
    }
  }
  return [true, ''];
}

/** kube's Evaluator.Preempt (without extenders; podfit nominates and reports, it does not evict). */
export function preempt(
  handle: FrameworkHandle, args: DefaultPreemptionArgs, cs: CycleState, pod: PodInfo, statuses: ReadonlyMap<string, Status>,
): { status: Status | null; result?: PostFilterResult } {
  const nominated = pod.pod.status?.nominatedNodeName;
  const [eligible, reason] = podEligibleToPreemptOthers(handle, pod, nominated ? statuses.get(nominated) : undefined);
  if (!eligible) return { status: Status.unschedulable(reason) };
  const allNodes = handle.state.nodes;
  if (allNodes.length === 0) return { status: Status.error('no nodes available') };
  // Only nodes that failed with Unschedulable can be helped by removing pods.
  const potential = allNodes.filter((n) => statuses.get(n.name)?.code === Code.Unschedulable);
  let candidates: Candidate[] = [];
  let nodeStatuses = new Map<string, Status>();
  if (potential.length > 0) {
    const pdbs = compilePdbs(handle.objects?.pdbs ?? []);
    const r = dryRunPreemption(handle, cs, pod, potential, pdbs, calculateNumCandidates(potential.length, args));
    if (r.candidates.length === 0 && r.errors.length > 0) return { status: Status.error(r.errors.join(', ')) };
    candidates = r.candidates;
    nodeStatuses = r.statuses;
  }
  if (candidates.length === 0) {
    const msg = fitErrorMessage(allNodes.length, {
      nodeToStatus: nodeStatuses,
      absentStatus: NOT_HELPFUL,
      absentCount: allNodes.length - nodeStatuses.size,
      unschedulablePlugins: new Set(),
    });
    return { status: Status.unschedulable(msg), result: {} };
  }
  const best = pickOneNodeForPreemption(candidates);
  if (!best) return { status: Status.unschedulable('no candidate node for preemption') };
  return { status: null, result: { nominatedNodeName: best.node.name, victims: best.victims } };
}

/** Builds the plugin. */
export function newDefaultPreemption(args: DefaultPreemptionArgs | undefined, handle: FrameworkHandle): PostFilterPlugin {
  const a: DefaultPreemptionArgs = args ?? { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 };
  return {
    name: NAME,
    postFilter(cs, pod, statuses) {
      const { status, result } = preempt(handle, a, cs, pod, statuses);
      const msg = status?.message() ?? '';
      if (status && msg.length > 0) {
        return { status: new Status(status.code, [`preemption: ${msg}`], status.plugin), result };
      }
      return { status, result };
    },
  };
}

/** Registry entry for DefaultPreemption. */
export const definition: PluginDefinition<DefaultPreemptionArgs> = {
  name: NAME,
  points: ['postFilter'],
  argsSchema,
  implemented: true,
  factory: (args, handle) => newDefaultPreemption(args, handle),
};

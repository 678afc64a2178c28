/**
 * Draining nodes as `kubectl drain` does, then letting the scheduler place what was evicted:
 * the nodes are cordoned; every pod on them but DaemonSet and mirror pods is evicted through the
 * Eviction API, which refuses an eviction its PodDisruptionBudget does not allow (kube's "Cannot
 * evict pod as it would violate the pod's disruption budget."; a pod under two PDBs is refused
 * outright). kubectl drain retries a refused eviction until it succeeds or times out, and a PDB
 * allows more disruptions as the evicted pods' replacements run elsewhere, so the drain goes in
 * rounds: evict what the budgets allow, schedule the evicted pods (kube's queue order), count the
 * budgets again, retry the refused pods; it stops when a round evicts nothing. A pod still refused
 * then is reported with its PDB and stays on its node; an evicted pod that fits nowhere is
 * reported with kube's FitError and stays pending.
 *
 * A PDB's budget: the snapshot's `status.disruptionsAllowed` when it has one (the disruption
 * controller's count), else the controller's formula on the pods of the cluster (K8S-FACTS:
 * expected = the matching pods, healthy = the placed ones; minAvailable or maxUnavailable, an
 * integer or a percentage rounded up), plus the change in healthy pods since the drain began.
 * Not modelled: readiness delays, `--force` (pods without a controller are evicted and recreated
 * here, as a controller would), `--delete-emptydir-data`, grace periods.
 */
import type { PodDisruptionBudget } from '../api/k8s-extra.js';
import { labelSelectorAsSelector, labelSelectorMatches, type CompiledLabelSelector } from '../model/label-selector.js';
import type { PodInfo } from '../model/pod-info.js';
import { isDaemonSetPod, isMirrorPod, pendingAgain, placePods } from './place.js';
import type { DrainedPod } from './result.js';
import type { WhatifWorld } from './world.js';

/** kube's eviction refusal when a PDB allows no more disruptions (the API server's words). */
export const PDB_VIOLATION_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";
/** kube's refusal for a pod under more than one PDB. */
export const MULTIPLE_PDBS_MESSAGE = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';

/** What a drain did. */
export interface DrainOutcome {
  /** Every pod kubectl drain would evict, in node order then pod order: where it went, or why not. */
  readonly pods: DrainedPod[];
  /** PDB (`namespace/name`) -> the pods it kept on the nodes. */
  readonly blockingPdbs: Map<string, string[]>;
  /** DaemonSet and mirror pods, left on the nodes. */
  readonly ignored: string[];
  /** Evicted pods placed elsewhere. */
  readonly placed: number;
}

/** A PDB with its selector compiled and its budget. */
interface Budget {
  readonly key: string;
  readonly namespace: string;
  readonly selector: CompiledLabelSelector;
  /** Disruptions allowed when the drain began. */
  readonly allowed0: number;
  /** Healthy (placed) pods now minus when the drain began. */
  delta: number;
}

/** An integer or a percentage of `total` rounded up (kube's GetScaledValueFromIntOrPercent with roundUp). */
function scaled(v: unknown, total: number): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+%$/.test(v)) return Math.ceil((Number(v.slice(0, -1)) * total) / 100);
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/** The budgets of the cluster's PDBs (selectors in policy/v1: empty selects every pod of the namespace, none selects nothing). */
function budgets(world: WhatifWorld): Budget[] {
  const out: Budget[] = [];
  const placed: PodInfo[] = [];
  for (const n of world.state.nodes) for (const p of n.pods) placed.push(p);
  for (const pdb of world.objects.pdbs as readonly PodDisruptionBudget[]) {
    const namespace = pdb.metadata.namespace || 'default';
    const sel = labelSelectorAsSelector(pdb.spec?.selector);
    const selector: CompiledLabelSelector = sel.ok ? sel.selector : { kind: 'nothing' } as CompiledLabelSelector;
    const matches = (p: PodInfo) => p.namespace === namespace && labelSelectorMatches(selector, p.labels);
    let allowed0 = pdb.status?.disruptionsAllowed ?? undefined;
    if (allowed0 === undefined || allowed0 === null) {
      const healthy = placed.filter(matches).length;
      const expected = healthy + world.pending.filter(matches).length;
      const spec = (pdb.spec ?? {}) as { minAvailable?: unknown; maxUnavailable?: unknown };
      let desired = 0;
      const maxUnavailable = scaled(spec.maxUnavailable, expected);
      const minAvailable = scaled(spec.minAvailable, expected);
      if (maxUnavailable !== undefined) desired = Math.max(0, expected - maxUnavailable);
      else if (minAvailable !== undefined) desired = minAvailable;
      allowed0 = Math.max(0, healthy - desired);
    }
    out.push({ key: `${namespace}/${pdb.metadata.name}`, namespace, selector, allowed0, delta: 0 });
  }
  return out;
}

/**
 * Drains `nodes` (names of the world's nodes) and places the evicted pods. Changes the world:
 * the nodes cordoned, pods moved, the unplaced ones pending.
 */
export function drainNodes(world: WhatifWorld, nodes: readonly string[]): DrainOutcome {
  const state = world.state;
  for (const name of nodes) {
    const info = state.getNode(name)!;
    if (!info.unschedulable) state.updateNode({ ...info.node, spec: { ...info.node.spec, unschedulable: true } });
  }
  const ignored: string[] = [];
  let waiting: Array<{ pod: PodInfo; from: string }> = [];
  for (const name of nodes) {
    for (const pod of state.getNode(name)!.pods) {
      if (isDaemonSetPod(pod.pod) || isMirrorPod(pod.pod)) ignored.push(pod.key);
      else waiting.push({ pod, from: name });
    }
  }
  const initial = [...waiting];
  const all = budgets(world);
  const pdbsOf = (p: PodInfo) => all.filter((b) => b.namespace === p.namespace && labelSelectorMatches(b.selector, p.labels));
  const outcome = new Map<string, DrainedPod>();
  const refusedBy = new Map<string, { pdb: string; reason: string }>();
  for (;;) {
    const evicted: PodInfo[] = [];
    const from = new Map<string, string>();
    const still: typeof waiting = [];
    for (const w of waiting) {
      const pdbs = pdbsOf(w.pod);
      const refusal = pdbs.length > 1 ? MULTIPLE_PDBS_MESSAGE : pdbs.length === 1 && pdbs[0]!.allowed0 + pdbs[0]!.delta < 1 ? PDB_VIOLATION_MESSAGE : null;
      if (refusal !== null) {
        refusedBy.set(w.pod.key, { pdb: pdbs.map((b) => b.key).join(', '), reason: refusal });
        still.push(w);
        continue;
      }
      refusedBy.delete(w.pod.key);
      for (const b of pdbs) b.delta--;
      state.removePod(w.pod.key);
      const again = pendingAgain(w.pod);
      world.pending.push(again);
      evicted.push(again);
      from.set(again.key, w.from);
    }
    if (evicted.length === 0) break;
    const r = placePods(world, evicted);
    const reasons = new Map(r.unschedulable.map((u) => [u.pod, u.reason]));
    for (const p of evicted) {
      const to = r.placed.get(p.key) ?? null;
      if (to !== null) for (const b of pdbsOf(p)) b.delta++;
      outcome.set(p.key, { pod: p.key, from: from.get(p.key)!, to, ...(to === null ? { reason: reasons.get(p.key) ?? 'not scheduled' } : {}) });
    }
    waiting = still;
  }
  const blockingPdbs = new Map<string, string[]>();
  for (const w of waiting) {
    const r = refusedBy.get(w.pod.key)!;
    outcome.set(w.pod.key, { pod: w.pod.key, from: w.from, to: null, reason: `${r.reason} (PodDisruptionBudget ${r.pdb})` });
    const list = blockingPdbs.get(r.pdb) ?? [];
    list.push(w.pod.key);
    blockingPdbs.set(r.pdb, list);
  }
  // Reported in node order, then pod order (the order kubectl drain lists them).
  const pods = initial.map((w) => outcome.get(w.pod.key)!);
  return { pods, blockingPdbs, ignored, placed: pods.filter((d) => d.to !== null).length };
}

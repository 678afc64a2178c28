/**
 * What a what-if reports of a cluster's allocation: per-node allocatable and requested (the
 * NodeTable's numbers, base units), per-resource utilisation statistics, and fragmentation: free
 * capacity stranded on nodes where no pending or template shape fits. "Fits" is the profile's own
 * Filter plugins' verdict (PreFilter then Filter, as a scheduling cycle runs them), so a node
 * counts as stranded for any reason kube would refuse it: resources, taints, affinity, ports.
 */
import { Code } from '../framework/status.js';
import type { Scheduler } from '../framework/scheduler.js';
import type { ClusterState, NodeInfo } from '../model/cluster-state.js';
import { classKeyOf, type PodInfo } from '../model/pod-info.js';
import type { ClusterUsage, Fragmentation, NodeUsage, ResourceAmounts, UtilizationStats } from './result.js';

/** Resources reported: the table's, in its slot order (cpu, memory, pods, ...). */
function resourcesOf(state: ClusterState): readonly string[] {
  return state.table.slots.names;
}

/** One node's allocation. */
function nodeUsage(state: ClusterState, n: NodeInfo, resources: readonly string[]): NodeUsage {
  const allocatable: ResourceAmounts = {};
  const requested: ResourceAmounts = {};
  for (const r of resources) {
    const a = state.allocatableOf(n, r);
    const q = state.requestedOf(n, r);
    if (a === 0 && q === 0) continue;
    allocatable[r] = a;
    requested[r] = q;
  }
  return { name: n.name, allocatable, requested, pods: n.pods.length, unschedulable: n.unschedulable };
}

/** Per-node allocations of the cluster, in node order. */
export function clusterUsage(state: ClusterState): ClusterUsage {
  const resources = resourcesOf(state);
  return { nodes: state.nodes.map((n) => nodeUsage(state, n, resources)) };
}

/** Utilisation (requested / allocatable) per resource over the nodes that have it: mean, population stddev, min, max. */
export function utilizationStats(usage: ClusterUsage): Record<string, UtilizationStats> {
  const values = new Map<string, number[]>();
  for (const n of usage.nodes) {
    for (const [r, a] of Object.entries(n.allocatable)) {
      if (a <= 0) continue;
      let list = values.get(r);
      if (!list) values.set(r, (list = []));
      list.push((n.requested[r] ?? 0) / a);
    }
  }
  const out: Record<string, UtilizationStats> = {};
  for (const [r, list] of values) {
    const mean = list.reduce((s, v) => s + v, 0) / list.length;
    const variance = list.reduce((s, v) => s + (v - mean) * (v - mean), 0) / list.length;
    out[r] = { mean, stddev: Math.sqrt(variance), min: Math.min(...list), max: Math.max(...list) };
  }
  return out;
}

/** Nodes with at least one pod. */
export function nodesUsed(usage: ClusterUsage): number {
  return usage.nodes.filter((n) => n.pods > 0).length;
}

/**
 * The nodes where at least one of `shapes` passes every Filter of its profile (one PreFilter and
 * Filter pass per distinct pod class, on the scheduler's current state), by row.
 */
export function rowsWhereSomeShapeFits(scheduler: Scheduler, shapes: readonly PodInfo[]): Set<number> {
  const state = scheduler.state;
  const fits = new Set<number>();
  const seen = new Set<string>();
  for (const pod of shapes) {
    // The key without setting it on the pod: PodInfos are shared by the copies of a cluster, and a
    // class key makes the scheduler batch a pod's class (see place.ts markClasses).
    const key = `${pod.schedulerName}\u0000${pod.classKey ?? classKeyOf(pod.pod)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const fw = scheduler.frameworkFor(pod);
    if (!fw || state.nodes.length === 0) continue;
    const cs = fw.newCycleState();
    const pre = fw.runPreFilter(cs, pod, state.nodes);
    if (pre.status && pre.status.code !== Code.Success) continue;
    const cand = fw.candidateNodes(pre, state.nodes);
    const feasible: NodeInfo[] = [];
    const failed = { set: () => undefined };
    if (fw.runFilters(cs, pod, cand.nodes, feasible, failed) !== null) continue;
    for (const n of feasible) fits.add(n.row);
    if (fits.size === state.nodes.length) break;
  }
  return fits;
}

/**
 * Free capacity stranded on nodes where no shape fits; `shapes` are pending pods and templates.
 * Without shapes nothing is measured against, so nothing counts as stranded.
 */
export function fragmentation(scheduler: Scheduler, usage: ClusterUsage, shapes: readonly PodInfo[]): Fragmentation {
  const state = scheduler.state;
  const fits = shapes.length === 0 ? new Set(state.nodes.map((n) => n.row)) : rowsWhereSomeShapeFits(scheduler, shapes);
  const stranded: ResourceAmounts = {};
  const free: ResourceAmounts = {};
  let nodes = 0;
  state.nodes.forEach((n, i) => {
    const u = usage.nodes[i]!;
    let any = false;
    const isStranded = !fits.has(n.row);
    for (const [r, a] of Object.entries(u.allocatable)) {
      const f = Math.max(0, a - (u.requested[r] ?? 0));
      free[r] = (free[r] ?? 0) + f;
      if (isStranded) stranded[r] = (stranded[r] ?? 0) + f;
      if (f > 0) any = true;
    }
    if (isStranded && any) nodes++;
  });
  const strandedShare: Record<string, number> = {};
  for (const r of Object.keys(free)) {
    stranded[r] ??= 0;
    strandedShare[r] = free[r]! > 0 ? stranded[r]! / free[r]! : 0;
  }
  return { stranded, strandedShare, nodes };
}

/**
 * Per-node utilisation (requested / allocatable) of a ClusterUsage, shaped for charts: which
 * resources to show, each node's percentage, the nodes sorted by it, and the histogram of it.
 */
import { CPU, MEMORY, PODS, isExtendedResourceName } from '../../model/resources.js';
import type { ClusterUsage, NodeUsage } from '../../whatif/result.js';

/**
 * The resources a page charts: cpu, memory and pods, then extended resources (`nvidia.com/gpu`)
 * any node offers, then any other resource (ephemeral-storage, hugepages) some node has requests
 * of. Resources that no node offers are left out.
 */
export function reportResources(usages: readonly ClusterUsage[]): string[] {
  const offered = new Set<string>();
  const requested = new Set<string>();
  for (const u of usages) {
    for (const n of u.nodes) {
      for (const [r, v] of Object.entries(n.allocatable)) if (v > 0) offered.add(r);
      for (const [r, v] of Object.entries(n.requested)) if (v > 0) requested.add(r);
    }
  }
  const first = [CPU, MEMORY, PODS].filter((r) => offered.has(r));
  const rest = [...offered].filter((r) => !first.includes(r)).sort();
  return [...first, ...rest.filter(isExtendedResourceName), ...rest.filter((r) => !isExtendedResourceName(r) && requested.has(r))];
}

/** Rounds a percentage to one decimal (what the page shows; it keeps the JSON small). */
export function roundPct(pct: number): number {
  return Math.round(pct * 10) / 10;
}

/**
 * A node's utilisation of `resource` in percent of its allocatable, or null when it has none of
 * the resource. Pods count from `requested.pods`, else from the node's bound and assumed pods.
 */
export function utilizationPct(node: NodeUsage, resource: string): number | null {
  const allocatable = node.allocatable[resource] ?? 0;
  if (!(allocatable > 0)) return null;
  const requested = resource === PODS ? (node.requested[PODS] ?? node.pods) : (node.requested[resource] ?? 0);
  return roundPct((100 * requested) / allocatable);
}

/** Per-node utilisation of the nodes that have `resource`, sorted from most to least utilised (ties in node order). */
export interface SortedUtilization {
  readonly valuesPct: number[];
  /** Node index (in `usage.nodes`) at each rank. */
  readonly order: number[];
}

/** `usage`'s nodes sorted by their utilisation of `resource`, descending. */
export function sortedUtilization(usage: ClusterUsage, resource: string): SortedUtilization {
  const idx: number[] = [];
  const pct = new Float64Array(usage.nodes.length);
  usage.nodes.forEach((n, i) => {
    const p = utilizationPct(n, resource);
    if (p !== null) {
      idx.push(i);
      pct[i] = p;
    }
  });
  idx.sort((a, b) => pct[b]! - pct[a]! || a - b);
  return { valuesPct: idx.map((i) => pct[i]!), order: idx };
}

/**
 * Histogram bins: idle nodes (exactly 0%) apart, then ten bins of 10% each closed on the right
 * ((0, 10], ..., (90, 100]), then overcommitted nodes (> 100%, after a node shrank).
 */
export const HISTOGRAM_LABELS: readonly string[] = ['0%', ...Array.from({ length: 10 }, (_, k) => `${k * 10}–${k * 10 + 10}%`), '>100%'];

/** How many of `valuesPct` fall in each of HISTOGRAM_LABELS's bins. */
export function utilizationHistogram(valuesPct: readonly number[]): number[] {
  const bins = new Array<number>(HISTOGRAM_LABELS.length).fill(0);
  for (const v of valuesPct) {
    const bin = v <= 0 ? 0 : v > 100 ? 11 : Math.ceil(v / 10);
    bins[bin]!++;
  }
  return bins;
}

/** Cluster totals of one resource: allocatable and requested summed over the nodes that have it. */
export function totals(usage: ClusterUsage, resource: string): { allocatable: number; requested: number } {
  let allocatable = 0;
  let requested = 0;
  for (const n of usage.nodes) {
    const a = n.allocatable[resource] ?? 0;
    if (!(a > 0)) continue;
    allocatable += a;
    requested += resource === PODS ? (n.requested[PODS] ?? n.pods) : (n.requested[resource] ?? 0);
  }
  return { allocatable, requested };
}

/** Mean per-node utilisation of `resource` in percent (unweighted, as compare's stats are), or null when no node has it. */
export function meanUtilizationPct(usage: ClusterUsage, resource: string): number | null {
  let sum = 0;
  let count = 0;
  for (const n of usage.nodes) {
    const p = utilizationPct(n, resource);
    if (p === null) continue;
    sum += p;
    count++;
  }
  return count === 0 ? null : roundPct(sum / count);
}

/** Pods on the nodes, summed. */
export function podCount(usage: ClusterUsage): number {
  let pods = 0;
  for (const n of usage.nodes) pods += n.pods;
  return pods;
}

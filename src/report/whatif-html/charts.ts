/**
 * Charts more than one section draws: per-node utilisation sorted (one resource over several
 * clusters, or one cluster over its resources) and unschedulable reasons.
 */
import type { ClusterUsage } from '../../whatif/result.js';
import { capCategories } from './reasons.js';
import { sortedUtilization } from './usage.js';
import type { ColorKey, PageBuilder } from './view.js';

/** A sorted-utilisation chart of one resource over several usages (before/after, profiles, ...). */
export function sortedChart(page: PageBuilder, title: string, resource: string, series: ReadonlyArray<{ label: string; color: ColorKey; usage: ClusterUsage }>, wide = false): string {
  return page.chart(title, {
    kind: 'sorted',
    yLabel: `${resource} requested / allocatable`,
    series: series.map((s) => {
      const sorted = sortedUtilization(s.usage, resource);
      return { label: s.label, color: s.color, valuesPct: sorted.valuesPct, order: sorted.order, names: page.names(s.usage.nodes.map((n) => n.name)) };
    }),
  }, wide);
}

/** One chart with a line per resource: a cluster's per-node utilisation, sorted (a question's cluster after it ran). */
export function resourcesChart(page: PageBuilder, title: string, usage: ClusterUsage, resources: readonly string[]): string {
  const names = page.names(usage.nodes.map((n) => n.name));
  return page.chart(title, {
    kind: 'sorted',
    yLabel: 'requested / allocatable',
    series: resources.map((r, i) => {
      const sorted = sortedUtilization(usage, r);
      return { label: r, color: `s${i % 8}` as ColorKey, valuesPct: sorted.valuesPct, order: sorted.order, names };
    }),
  });
}

/** A horizontal bar per reason (most frequent first, the tail summed into one bar). */
export function reasonsChart(page: PageBuilder, title: string, reasons: ReadonlyArray<{ reason: string; pods: number }>): string {
  const capped = capCategories(reasons.map((r) => r.reason), [reasons.map((r) => r.pods)]);
  return page.chart(title, {
    kind: 'bar',
    horizontal: true,
    labels: capped.labels,
    datasets: [{ label: 'pods', color: 'bad', data: capped.values[0]! }],
    valueLabel: 'pods',
  }, true);
}

/**
 * Each question's part of the page: maxReplicas (how many, why not one more, how they spread over
 * the nodes), drain (drainable or not, each pod's way out or why none, the blocking PDBs), and
 * compare (the profiles side by side: counts, utilisation mean ± spread, fragmentation, per-node
 * allocation, and why pods did not fit under each).
 */
import { CPU, MEMORY, PODS } from '../../model/resources.js';
import type { CompareResult, DrainResult, MaxReplicasResult, QuestionResult } from '../../whatif/result.js';
import { escapeHtml, formatInt } from './format.js';
import { genericSection, type GenericQuestion } from './generic.js';
import { capCategories, countReasons } from './reasons.js';
import { reasonsChart, resourcesChart, sortedChart } from './charts.js';
import { roundPct } from './usage.js';
import type { Cell, ColorKey, Column, PageBuilder } from './view.js';

/**
 * A question's section, its heading anchored at `<idPrefix>q-<index>` (the header's answers link
 * there). A kind result.ts does not name yet (minNodes) is drawn from its shape (generic.ts).
 */
export function questionSection(page: PageBuilder, q: QuestionResult, index: number, idPrefix: string, resources: readonly string[]): string {
  const head = `<h2 id="${idPrefix}q-${index}">${escapeHtml(String(q.name))} <span class="tag">${escapeHtml(String(q.type))}</span></h2>`;
  switch (q.type) {
    case 'maxReplicas':
      return head + maxReplicasSection(page, q, resources);
    case 'drain':
      return head + drainSection(page, q, resources);
    case 'compare':
      return head + compareSection(page, q);
    default:
      return head + genericSection(page, q as unknown as GenericQuestion);
  }
}

/**
 * Nodes per replica count: one bar per count when the largest is below the category limit, else
 * equal bands (`0–4`, `5–9`, ...).
 */
export function replicasDistribution(perNode: readonly number[]): { labels: string[]; nodes: number[] } {
  const max = perNode.reduce((m, v) => Math.max(m, v), 0);
  const width = max < 40 ? 1 : Math.ceil((max + 1) / 20);
  const bins = Math.floor(max / width) + 1;
  const nodes = new Array<number>(bins).fill(0);
  for (const v of perNode) nodes[Math.floor(v / width)]!++;
  const labels = nodes.map((_, b) => (width === 1 ? String(b) : `${b * width}–${b * width + width - 1}`));
  return { labels, nodes };
}

function maxReplicasSection(page: PageBuilder, q: MaxReplicasResult, resources: readonly string[]): string {
  const byNode = new Map(q.replicasOnNodes.map((r) => [r.nodeName, r.replicas]));
  const dist = replicasDistribution(q.after.nodes.map((n) => byNode.get(n.name) ?? 0));
  const rows = [...q.replicasOnNodes].sort((a, b) => b.replicas - a.replicas).map((r): Cell[] => [r.nodeName, r.replicas]);
  return `<p class="answer"><strong>${formatInt(q.replicas)}</strong> more replicas fit, on ${formatInt(q.replicasOnNodes.filter((r) => r.replicas > 0).length)} nodes. `
    + `The next one does not: <code>${escapeHtml(q.failReason.failType)}</code> ${escapeHtml(q.failReason.failMessage)}</p>`
    + '<div class="grid">'
    + page.chart('Nodes by replicas placed on them', { kind: 'bar', labels: dist.labels, datasets: [{ label: 'nodes', color: 'after', data: dist.nodes }], valueLabel: 'nodes', categoryLabel: 'replicas on the node' })
    + resourcesChart(page, 'Per-node utilisation after the replicas, sorted', q.after, resources)
    + '</div>'
    + page.table('Replicas per node', [{ label: 'Node', type: 'text' }, { label: 'Replicas', type: 'int' }], rows);
}

/** Each pod's outcome: it moves, fits nowhere, or a PodDisruptionBudget blocks its eviction. */
type DrainOutcome = 'moves' | 'fits nowhere' | 'blocked by a PDB';

function drainSection(page: PageBuilder, q: DrainResult, resources: readonly string[]): string {
  const blocked = new Set(q.blockingPdbs.flatMap((b) => b.pods));
  const outcome = (p: DrainResult['pods'][number]): DrainOutcome => (p.to !== null ? 'moves' : blocked.has(p.pod) ? 'blocked by a PDB' : 'fits nowhere');
  const outcomes: DrainOutcome[] = ['moves', 'fits nowhere', 'blocked by a PDB'];
  const perNode = new Map(q.nodes.map((n) => [n, [0, 0, 0]]));
  const destinations = new Map<string, number>();
  for (const p of q.pods) {
    const counts = perNode.get(p.from) ?? [0, 0, 0];
    perNode.set(p.from, counts);
    counts[outcomes.indexOf(outcome(p))]!++;
    if (p.to !== null) destinations.set(p.to, (destinations.get(p.to) ?? 0) + 1);
  }
  // Nodes with pods that cannot leave first, then the busiest; node order breaks ties.
  const nodes = [...perNode].sort(([, a], [, b]) => b[1]! + b[2]! - (a[1]! + a[2]!) || b[0]! - a[0]!);
  const byNode = capCategories(nodes.map(([n]) => n), outcomes.map((_, k) => nodes.map(([, c]) => c[k]!)));
  const dest = [...destinations].sort((a, b) => b[1] - a[1]);
  const byDest = capCategories(dest.map(([n]) => n), [dest.map(([, c]) => c)]);
  const colors: ColorKey[] = ['ok', 'bad', 'warn'];
  const count = (o: DrainOutcome) => q.pods.filter((p) => outcome(p) === o).length;
  let html = `<p class="answer">${q.drainable ? '<span class="badge ok">drainable</span>' : '<span class="badge bad">not drainable</span>'} `
    + `${formatInt(q.nodes.length)} nodes, ${formatInt(q.pods.length)} pods: ${formatInt(count('moves'))} move, ${formatInt(count('fits nowhere'))} fit nowhere, `
    + `${formatInt(count('blocked by a PDB'))} are blocked by PodDisruptionBudgets; ${formatInt(q.ignored.length)} stay (DaemonSet and mirror pods).</p>`
    + '<div class="grid">'
    + page.chart('Pods of each drained node', {
      kind: 'bar', horizontal: true, stacked: true, labels: byNode.labels, valueLabel: 'pods',
      datasets: outcomes.map((o, k) => ({ label: o, color: colors[k]!, data: byNode.values[k]! })),
    })
    + (dest.length > 0
      ? page.chart('Where the pods go', { kind: 'bar', horizontal: true, labels: byDest.labels, valueLabel: 'pods', datasets: [{ label: 'pods', color: 'ok', data: byDest.values[0]! }] })
      : '')
    + resourcesChart(page, 'Per-node utilisation after the drain, sorted', q.after, resources)
    + '</div>';
  html += page.table('Pods of the drained nodes', [
    { label: 'Pod', type: 'text' }, { label: 'From', type: 'text' }, { label: 'Outcome', type: 'text' }, { label: 'To', type: 'text' }, { label: 'Reason', type: 'text' },
  ], q.pods.map((p) => [p.pod, p.from, outcome(p), p.to, p.reason ?? null]));
  if (q.blockingPdbs.length > 0) {
    html += page.table('PodDisruptionBudgets that block an eviction', [{ label: 'PDB', type: 'text' }, { label: 'Pods blocked', type: 'int' }, { label: 'Pods', type: 'text' }],
      q.blockingPdbs.map((b) => [b.pdb, b.pods.length, b.pods.join(', ')]));
  }
  if (q.ignored.length > 0) html += page.table('Pods left in place (DaemonSet and mirror pods)', [{ label: 'Pod', type: 'text' }], q.ignored.map((p) => [p]));
  return html;
}

/** Resource names in the page's order: cpu, memory, pods, then the rest by name. */
function orderResources(names: Iterable<string>): string[] {
  const set = new Set(names);
  const first = [CPU, MEMORY, PODS].filter((r) => set.has(r));
  return [...first, ...[...set].filter((r) => !first.includes(r)).sort()];
}

function compareSection(page: PageBuilder, q: CompareResult): string {
  const profiles = q.profiles;
  const color = (i: number): ColorKey => `s${i % 8}`;
  const statResources = orderResources(profiles.flatMap((p) => Object.keys(p.utilization)));
  const strandedResources = orderResources(profiles.flatMap((p) => Object.keys(p.fragmentation.strandedShare)));
  const allocResources = orderResources(profiles.flatMap((p) => p.allocation.nodes.flatMap((n) => Object.keys(n.allocatable)))).filter((r) => statResources.includes(r));
  const charts = [
    page.chart('Pods and nodes per profile', {
      kind: 'bar', labels: ['scheduled', 'unschedulable', 'nodes used'], valueLabel: 'count',
      datasets: profiles.map((p, i) => ({ label: p.config, color: color(i), data: [p.scheduled, p.unschedulable, p.nodesUsed] })),
    }),
    page.chart('Utilisation across nodes: mean ± standard deviation', {
      kind: 'bar', labels: statResources, valueLabel: 'requested / allocatable', unit: '%',
      datasets: profiles.map((p, i) => ({
        label: p.config, color: color(i),
        data: statResources.map((r) => roundPct(100 * (p.utilization[r]?.mean ?? 0))),
        errors: statResources.map((r) => roundPct(100 * (p.utilization[r]?.stddev ?? 0))),
      })),
    }),
    page.chart('Fragmentation: free capacity stranded where no shape fits', {
      kind: 'bar', labels: strandedResources, valueLabel: 'share of free capacity', unit: '%',
      datasets: profiles.map((p, i) => ({ label: p.config, color: color(i), data: strandedResources.map((r) => roundPct(100 * (p.fragmentation.strandedShare[r] ?? 0))) })),
    }),
    ...allocResources.map((r) => sortedChart(page, `${r}: per-node utilisation per profile, sorted`, r, profiles.map((p, i) => ({ label: p.config, color: color(i), usage: p.allocation })))),
  ];
  const columns: Column[] = [
    { label: 'Profile', type: 'text' }, { label: 'Scheduled', type: 'int' }, { label: 'Unschedulable', type: 'int' }, { label: 'Nodes used', type: 'int' },
    ...statResources.flatMap((r): Column[] => [{ label: `${r} mean`, type: 'pct' }, { label: `${r} stddev`, type: 'pct' }]),
    ...strandedResources.map((r): Column => ({ label: `${r} stranded`, type: 'pct' })),
    { label: 'Fragmented nodes', type: 'int' },
  ];
  const rows = profiles.map((p): Cell[] => [
    p.config, p.scheduled, p.unschedulable, p.nodesUsed,
    ...statResources.flatMap((r) => {
      const s = p.utilization[r];
      return s ? [roundPct(100 * s.mean), roundPct(100 * s.stddev)] : [null, null];
    }),
    ...strandedResources.map((r) => (r in p.fragmentation.strandedShare ? roundPct(100 * p.fragmentation.strandedShare[r]!) : null)),
    p.fragmentation.nodes,
  ]);
  return '<div class="grid">' + charts.join('') + '</div>'
    + page.table('Profiles', columns, rows)
    + compareReasons(page, q);
}

/** Why pods did not fit under each profile: reasons (split out of kube's messages) × profiles. */
function compareReasons(page: PageBuilder, q: CompareResult): string {
  const perProfile = q.profiles.map((p) => {
    const m = new Map<string, number>();
    for (const { reason, pods } of p.unschedulableReasons) {
      for (const r of countReasons([reason])) m.set(r.reason, (m.get(r.reason) ?? 0) + pods);
    }
    return m;
  });
  const total = new Map<string, number>();
  for (const m of perProfile) for (const [r, n] of m) total.set(r, (total.get(r) ?? 0) + n);
  if (total.size === 0) return '';
  const reasons = [...total].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([r]) => r);
  const capped = capCategories(reasons, perProfile.map((m) => reasons.map((r) => m.get(r) ?? 0)));
  const chart = page.chart('Why pods did not fit, per profile (pods per reason)', {
    kind: 'bar', horizontal: true, labels: capped.labels, valueLabel: 'pods',
    datasets: q.profiles.map((p, i) => ({ label: p.config, color: `s${i % 8}` as ColorKey, data: capped.values[i]! })),
  }, true);
  const table = page.table('Unschedulable reasons per profile (kube\'s messages)', [
    { label: 'Profile', type: 'text' }, { label: 'Pods', type: 'int' }, { label: 'Reason', type: 'text' },
  ], q.profiles.flatMap((p) => p.unschedulableReasons.map((r): Cell[] => [p.config, r.pods, r.reason])));
  return `<div class="grid">${chart}</div>${table}`;
}

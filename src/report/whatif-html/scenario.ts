/**
 * The scenario's part of the page: the header (what ran, and the cluster before and after the
 * steps in numbers), per-node utilisation before and after (sorted, and as a histogram, per
 * resource, with a node table), and what each step did (with the pods that did not fit and why).
 */
import type { ClusterUsage, QuestionResult, StepResult, WhatifResult } from '../../whatif/result.js';
import { escapeHtml, formatAmount, formatInt, formatPct, pctOf } from './format.js';
import { genericAnswerLine, type GenericQuestion } from './generic.js';
import { reasonsChart, sortedChart } from './charts.js';
import { countReasons } from './reasons.js';
import { HISTOGRAM_LABELS, podCount, sortedUtilization, totals, utilizationHistogram, utilizationPct } from './usage.js';
import type { PageBuilder } from './view.js';


/** A one-line answer per question for the header. */
function answerLine(q: QuestionResult): string {
  switch (q.type) {
    case 'maxReplicas':
      return `<strong>${formatInt(q.replicas)}</strong> more replicas fit; then <code>${escapeHtml(q.failReason.failType)}</code>`;
    case 'drain': {
      const stuck = q.pods.filter((p) => p.to === null).length;
      return q.drainable
        ? `<span class="badge ok">drainable</span> ${formatInt(q.pods.length)} pods move`
        : `<span class="badge bad">not drainable</span> ${formatInt(stuck)} of ${formatInt(q.pods.length)} pods cannot move`;
    }
    case 'compare':
      return q.profiles.map((p) => `<code>${escapeHtml(p.config)}</code>: ${formatInt(p.unschedulable)} unschedulable on ${formatInt(p.nodesUsed)} nodes`).join('; ');
    default:
      return genericAnswerLine(q as unknown as GenericQuestion);
  }
}

function card(label: string, value: string, sub = ''): string {
  return `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${value}</div>${sub ? `<div class="sub">${sub}</div>` : ''}</div>`;
}

/** What ran (file, cluster, config, seed, sweep values), the cluster in numbers before → after, and each question's answer. */
export function scenarioHeader(result: WhatifResult, resources: readonly string[], idPrefix: string): string {
  const s = result.scenario;
  const meta: Array<[string, string]> = [
    ['Scenario', `<code>${escapeHtml(s.file)}</code>`],
    ['Cluster', s.cluster === null ? 'an empty cluster' : `<code>${escapeHtml(s.cluster)}</code>`],
    ['Profile', s.config === null ? 'kube-scheduler\'s default profile' : `<code>${escapeHtml(s.config)}</code>`],
    ['Seed', String(s.seed)],
  ];
  if (s.sweep) meta.push(['Sweep point', `#${s.sweep.index}: <code>${escapeHtml(sweepValues(s.sweep.values))}</code>`]);
  const cordoned = s.after.nodes.filter((n) => n.unschedulable).length;
  const unschedulable = s.steps.reduce((sum, st) => sum + (st.unschedulable?.length ?? 0), 0);
  const cards = [
    card('Nodes', `${formatInt(s.before.nodes.length)} → ${formatInt(s.after.nodes.length)}`, cordoned ? `${formatInt(cordoned)} cordoned after` : ''),
    card('Pods', `${formatInt(podCount(s.before))} → ${formatInt(podCount(s.after))}`),
    card('Unschedulable in the steps', formatInt(unschedulable)),
    ...resources.map((r) => {
      const b = totals(s.before, r);
      const a = totals(s.after, r);
      return card(`${r} requested`, `${formatPct(pctOf(b.requested, b.allocatable))} → ${formatPct(pctOf(a.requested, a.allocatable))}`,
        `${escapeHtml(formatAmount(r, a.requested))} of ${escapeHtml(formatAmount(r, a.allocatable))} after`);
    }),
  ];
  const answers = result.questions.map((q, i) => `<li><a href="#${idPrefix}q-${i}">${escapeHtml(String(q.name))}</a> <span class="tag">${escapeHtml(String(q.type))}</span> ${answerLine(q)}</li>`);
  const warnings = s.warnings.map((w) => `<li>${escapeHtml(w)}</li>`);
  return `<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`
    + `<div class="cards">${cards.join('')}</div>`
    + (answers.length ? `<h3>Answers</h3><ul class="answers">${answers.join('')}</ul>` : '')
    + (warnings.length ? `<h3>Warnings</h3><ul class="warnings">${warnings.join('')}</ul>` : '');
}

/** A sweep point's values as `field=value, ...`. */
export function sweepValues(values: Readonly<Record<string, unknown>>): string {
  return Object.entries(values).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
}

/** Per resource: sorted per-node utilisation before and after, its histogram, then every node in a table. */
export function utilizationSection(page: PageBuilder, before: ClusterUsage, after: ClusterUsage, resources: readonly string[]): string {
  const charts = resources.flatMap((r) => {
    const b = sortedUtilization(before, r).valuesPct;
    const a = sortedUtilization(after, r).valuesPct;
    const hb = utilizationHistogram(b);
    const ha = utilizationHistogram(a);
    const bins = hb[11] || ha[11] ? HISTOGRAM_LABELS.length : HISTOGRAM_LABELS.length - 1;
    return [
      sortedChart(page, `${r}: per-node utilisation, sorted`, r, [{ label: 'before', color: 'before', usage: before }, { label: 'after', color: 'after', usage: after }]),
      page.chart(`${r}: nodes by utilisation`, {
        kind: 'bar',
        labels: HISTOGRAM_LABELS.slice(0, bins),
        datasets: [{ label: 'before', color: 'before', data: hb.slice(0, bins) }, { label: 'after', color: 'after', data: ha.slice(0, bins) }],
        valueLabel: 'nodes',
        categoryLabel: `${r} requested / allocatable`,
      }),
    ];
  });
  return `<h2>Per-node utilisation</h2>`
    + `<p class="hint">Each node's requests as a share of its allocatable, before the steps and after them. Sorted charts rank the nodes from the most to the least utilised (hover for the node); the histograms count nodes per band.</p>`
    + `<div class="grid">${charts.join('')}</div>`
    + nodeTable(page, before, after, resources);
}

/** Every node before and after (by name): pods and utilisation per resource; removed nodes keep their before columns. */
function nodeTable(page: PageBuilder, before: ClusterUsage, after: ClusterUsage, resources: readonly string[]): string {
  const beforeByName = new Map(before.nodes.map((n) => [n.name, n]));
  const afterNames = new Set(after.nodes.map((n) => n.name));
  const rows = after.nodes.map((a) => {
    const b = beforeByName.get(a.name);
    return [a.name, b ? '' : 'added', a.unschedulable, b ? b.pods : null, a.pods, ...resources.flatMap((r) => [b ? utilizationPct(b, r) : null, utilizationPct(a, r)])];
  });
  for (const b of before.nodes) {
    if (!afterNames.has(b.name)) rows.push([b.name, 'removed', b.unschedulable, b.pods, null, ...resources.flatMap((r) => [utilizationPct(b, r), null])]);
  }
  const columns = [
    { label: 'Node', type: 'text' as const }, { label: 'Change', type: 'text' as const }, { label: 'Cordoned', type: 'bool' as const },
    { label: 'Pods before', type: 'int' as const }, { label: 'Pods after', type: 'int' as const },
    ...resources.flatMap((r) => [{ label: `${r} before`, type: 'pct' as const }, { label: `${r} after`, type: 'pct' as const }]),
  ];
  return page.table('Nodes (utilisation in % of allocatable)', columns, rows);
}

/** The steps in order, why pods did not fit (pods per reason), and the pods that did not fit or were evicted. */
export function stepsSection(page: PageBuilder, steps: readonly StepResult[]): string {
  const stepsTable = page.table('Steps', [
    { label: '#', type: 'int' }, { label: 'Step', type: 'text' }, { label: 'What it did', type: 'text' },
    { label: 'Scheduled', type: 'int' }, { label: 'Unschedulable', type: 'int' }, { label: 'Evicted', type: 'int' },
  ], steps.map((s) => [s.index, s.type, s.summary, s.scheduled ?? null, s.unschedulable?.length ?? null, s.evicted?.length ?? null]));
  const unschedulable = steps.flatMap((s) => (s.unschedulable ?? []).map((u) => ({ step: s.index, ...u })));
  const evicted = steps.flatMap((s) => (s.evicted ?? []).map((e) => ({ step: s.index, ...e })));
  let html = `<h2>Steps</h2>${stepsTable}`;
  if (unschedulable.length > 0) {
    const reasons = countReasons(unschedulable.map((u) => u.reason));
    html += `<div class="grid">${reasonsChart(page, 'Why pods did not fit (pods per reason, all steps)', reasons)}</div>`;
    html += page.table('Pods that did not fit', [{ label: 'Step', type: 'int' }, { label: 'Pod', type: 'text' }, { label: 'Reason', type: 'text' }],
      unschedulable.map((u) => [u.step, u.pod, u.reason]));
  }
  if (evicted.length > 0) {
    html += page.table('Pods evicted by drain steps', [{ label: 'Step', type: 'int' }, { label: 'Pod', type: 'text' }, { label: 'From', type: 'text' }, { label: 'To', type: 'text' }, { label: 'Reason', type: 'text' }],
      evicted.map((e) => [e.step, e.pod, e.from, e.to, e.reason ?? null]));
  }
  return html;
}

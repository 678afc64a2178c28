/**
 * The body of a whatif page: one run (header, utilisation, steps, questions), or a sweep (an
 * overview of every point, then the first points in full, each in a <details>).
 */
import { HTML_SWEEP_RUNS_DETAILED_MAX } from '../../model/limits.js';
import type { QuestionResult, WhatifResult, WhatifSweepResult } from '../../whatif/result.js';
import { escapeHtml, formatInt } from './format.js';
import { genericHeadline, type GenericQuestion } from './generic.js';
import { questionSection } from './questions.js';
import { scenarioHeader, stepsSection, sweepValues, utilizationSection } from './scenario.js';
import { podCount, reportResources } from './usage.js';
import type { BarDataset, Cell, ColorKey, Column, PageBuilder } from './view.js';

/** Everything about one run; ids inside are prefixed so a sweep's runs do not collide. */
export function runBody(page: PageBuilder, result: WhatifResult, idPrefix: string): string {
  const s = result.scenario;
  const resources = reportResources([s.before, s.after]);
  return scenarioHeader(result, resources, idPrefix)
    + utilizationSection(page, s.before, s.after, resources)
    + stepsSection(page, s.steps)
    + result.questions.map((q, i) => questionSection(page, q, i, idPrefix, resources)).join('');
}

/** The number a sweep's overview shows for a question, per series: what changes from point to point. */
function headline(q: QuestionResult): Array<{ label: string; value: number }> {
  switch (q.type) {
    case 'maxReplicas':
      return [{ label: `${q.name}: replicas`, value: q.replicas }];
    case 'drain':
      return [{ label: `${q.name}: pods that cannot move`, value: q.pods.filter((p) => p.to === null).length }];
    case 'compare':
      return q.profiles.map((p) => ({ label: `${q.name}: unschedulable (${p.config})`, value: p.unschedulable }));
    default:
      return genericHeadline(q as unknown as GenericQuestion);
  }
}

/** Every sweep point in a table and each question's answer across the points in a chart, then the first points in full. */
export function sweepBody(page: PageBuilder, sweep: WhatifSweepResult): string {
  const runs = sweep.runs;
  const label = (r: WhatifResult, k: number) => `#${r.scenario.sweep?.index ?? k}`;
  const series = new Map<string, number[]>();
  runs.forEach((r, k) => {
    for (const h of r.questions.flatMap(headline)) {
      const values = series.get(h.label) ?? new Array<number>(runs.length).fill(0);
      values[k] = h.value;
      series.set(h.label, values);
    }
  });
  const unschedulable = runs.map((r) => r.scenario.steps.reduce((s, st) => s + (st.unschedulable?.length ?? 0), 0));
  const datasets: BarDataset[] = [...series].map(([l, data], i) => ({ label: l, color: `s${i % 8}` as ColorKey, data }));
  if (unschedulable.some((u) => u > 0)) datasets.push({ label: 'unschedulable in the steps', color: 'bad', data: unschedulable });
  const columns: Column[] = [
    { label: 'Point', type: 'int' }, { label: 'Values', type: 'text' }, { label: 'Nodes after', type: 'int' }, { label: 'Pods after', type: 'int' },
    { label: 'Unschedulable in the steps', type: 'int' }, ...[...series.keys()].map((l): Column => ({ label: l, type: 'int' })),
  ];
  const rows = runs.map((r, k): Cell[] => [
    r.scenario.sweep?.index ?? k, sweepValues(r.scenario.sweep?.values ?? {}), r.scenario.after.nodes.length, podCount(r.scenario.after),
    unschedulable[k]!, ...[...series.values()].map((v) => v[k]!),
  ]);
  const shard = sweep.sweep.shard ? ` (shard ${sweep.sweep.shard.index + 1} of ${sweep.sweep.shard.count})` : '';
  const detailed = runs.slice(0, HTML_SWEEP_RUNS_DETAILED_MAX);
  let html = `<p>${formatInt(runs.length)} of ${formatInt(sweep.sweep.total)} sweep points${escapeHtml(shard)}`
    + (runs[0] ? ` of <code>${escapeHtml(runs[0].scenario.file)}</code>` : '') + '.</p>'
    + '<h2>Across the sweep</h2>'
    // One small chart per answer: their scales differ by orders of magnitude (replicas vs pods stuck).
    + (datasets.length > 0
      ? `<div class="grid">${datasets.map((d) => page.chart(d.label, { kind: 'bar', labels: runs.map(label), datasets: [d], valueLabel: 'count', categoryLabel: 'sweep point' })).join('')}</div>`
      : '')
    + page.table('Sweep points', columns, rows);
  if (runs.length > detailed.length) html += `<p class="note">The first ${detailed.length} points are shown in full below; the overview above has every point.</p>`;
  html += detailed.map((r, k) => `<details class="run"${k === 0 ? ' open' : ''}><summary>Point ${escapeHtml(label(r, k))}: <code>${escapeHtml(sweepValues(r.scenario.sweep?.values ?? {}))}</code></summary>${runBody(page, r, `r${k}-`)}</details>`).join('');
  return html;
}

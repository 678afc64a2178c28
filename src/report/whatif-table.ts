/**
 * `podfit whatif -o table`: the scenario's steps, then each question's answer as readable tables.
 * Per-node rows are capped (WHATIF_TABLE_ROWS_MAX) with a line saying how many were left out;
 * `-o json` has everything.
 */
import { WHATIF_TABLE_ROWS_MAX } from '../model/limits.js';
import type {
  ClusterUsage, CompareResult, DrainResult, MaxReplicasResult, MinNodesQuestionResult, QuestionResult, WhatifResult, WhatifSweepResult,
} from '../whatif/result.js';
import { amountText } from './capacity.js';

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/** Aligned columns, two spaces apart. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((r) => r.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd());
}

/** Rows capped, with the note of what was left out. */
function capped<T>(items: readonly T[], what: string): { items: readonly T[]; note: string[] } {
  if (items.length <= WHATIF_TABLE_ROWS_MAX) return { items, note: [] };
  return { items: items.slice(0, WHATIF_TABLE_ROWS_MAX), note: [`... ${items.length - WHATIF_TABLE_ROWS_MAX} more ${what} (-o json has all)`] };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Requested / allocatable of cpu, memory and pods, per node. */
function usageLines(u: ClusterUsage): string[] {
  const { items, note } = capped(u.nodes, 'nodes');
  const cell = (n: ClusterUsage['nodes'][number], r: string) => {
    const a = n.allocatable[r];
    if (a === undefined) return '-';
    return `${amountText(r, n.requested[r] ?? 0)}/${amountText(r, a)} (${pct(a > 0 ? (n.requested[r] ?? 0) / a : 0)})`;
  };
  const rows = items.map((n) => [n.name, cell(n, 'cpu'), cell(n, 'memory'), String(n.pods), n.unschedulable ? 'cordoned' : '']);
  return [...table(['NODE', 'CPU', 'MEMORY', 'PODS', ''], rows), ...note];
}

function maxReplicasLines(q: MaxReplicasResult): string[] {
  const { items, note } = capped(q.replicasOnNodes, 'nodes');
  return [
    `${q.replicas} more instance(s) fit.`,
    `Termination reason: ${q.failReason.failType}: ${q.failReason.failMessage}`,
    ...(items.length > 0 ? ['', ...table(['NODE', 'REPLICAS'], items.map((r) => [r.nodeName, String(r.replicas)])), ...note] : []),
  ];
}

function drainLines(q: DrainResult): string[] {
  const { items, note } = capped(q.pods, 'pods');
  const lines = [
    `${q.nodes.length} node(s): ${q.drainable ? 'drainable' : 'NOT drainable'}; ${q.pods.filter((p) => p.to !== null).length} of ${q.pods.length} pod(s) placed elsewhere${q.ignored.length > 0 ? `, ${q.ignored.length} DaemonSet/mirror pod(s) left` : ''}`,
  ];
  if (items.length > 0) lines.push('', ...table(['POD', 'FROM', 'TO', 'REASON'], items.map((p) => [p.pod, p.from, p.to ?? '-', p.reason ?? ''])), ...note);
  for (const b of q.blockingPdbs) lines.push(`PodDisruptionBudget ${b.pdb} blocks ${b.pods.length} eviction(s): ${b.pods.join(', ')}`);
  return lines;
}

function compareLines(q: CompareResult): string[] {
  const resources = ['cpu', 'memory'];
  const header = ['CONFIG', 'SCHEDULED', 'UNSCHEDULABLE', 'NODES USED', ...resources.map((r) => `${r.toUpperCase()} MEAN±SD`), ...resources.map((r) => `${r.toUpperCase()} STRANDED`)];
  const rows = q.profiles.map((p) => [
    p.config, String(p.scheduled), String(p.unschedulable), String(p.nodesUsed),
    ...resources.map((r) => { const u = p.utilization[r]; return u ? `${pct(u.mean)}±${pct(u.stddev)}` : '-'; }),
    ...resources.map((r) => `${amountText(r, p.fragmentation.stranded[r] ?? 0)} (${pct(p.fragmentation.strandedShare[r] ?? 0)})`),
  ]);
  const lines = table(header, rows);
  for (const p of q.profiles) {
    for (const r of p.unschedulableReasons.slice(0, 5)) lines.push(`${p.config}: ${r.pods} pod(s): ${r.reason}`);
  }
  return lines;
}

/** Cost with up to 4 decimals (prices are often per hour: 0.384). */
const costText = (c: number) => String(Math.round(c * 1e4) / 1e4);

function minNodesLines(q: MinNodesQuestionResult): string[] {
  const bound = q.objective === 'cost' ? costText(q.lowerBound) : String(q.lowerBound);
  const placed = Object.keys(q.placements).length;
  const lines = [
    `${q.nodes} node(s) added${q.cost !== null ? `, cost ${costText(q.cost)}` : ''} (objective ${q.objective}); lower bound ${bound}, gap ${q.gap === null ? '-' : pct(q.gap)}`,
    `${placed} pod(s) placed, ${q.unschedulable.length} unschedulable, in ${q.seconds.toFixed(2)} s`,
    '',
    ...table(['TEMPLATE', 'NODES'], Object.entries(q.byTemplate).map(([t, n]) => [t, String(n)])),
  ];
  const reasons = new Map<string, string[]>();
  for (const u of q.unschedulable) reasons.set(u.reason, [...(reasons.get(u.reason) ?? []), u.pod]);
  for (const [reason, pods] of [...reasons].slice(0, 5)) {
    lines.push(`unschedulable: ${pods.length} pod(s) (${pods.slice(0, 3).join(', ')}${pods.length > 3 ? ', ...' : ''}): ${reason}`);
  }
  const added = new Set(Object.keys(q.addedNodes));
  const fill = q.after.nodes.filter((n) => added.has(n.name));
  if (fill.length > 0) lines.push('', 'ADDED NODES', ...usageLines({ nodes: fill }));
  return lines;
}

function questionLines(q: QuestionResult): string[] {
  switch (q.type) {
    case 'maxReplicas':
      return maxReplicasLines(q);
    case 'drain':
      return drainLines(q);
    case 'compare':
      return compareLines(q);
    case 'minNodes':
      return minNodesLines(q);
  }
}

/** The whole result as text. */
export function whatifText(r: WhatifResult): string {
  const s = r.scenario;
  const lines = [`Scenario ${s.file} (cluster ${s.cluster ?? 'empty'}, config ${s.config ?? 'default'}, seed ${s.seed})`];
  if (s.steps.length > 0) {
    lines.push('', 'STEPS');
    for (const st of s.steps) {
      lines.push(`  ${st.index + 1}. ${st.type}: ${st.summary}`);
      for (const u of (st.unschedulable ?? []).slice(0, 5)) lines.push(`     ${u.pod}: ${u.reason}`);
      if ((st.unschedulable?.length ?? 0) > 5) lines.push(`     ... ${st.unschedulable!.length - 5} more`);
    }
  }
  lines.push('', 'CLUSTER AFTER THE STEPS', ...usageLines(s.after));
  for (const q of r.questions) lines.push('', `QUESTION ${q.name} (${q.type})`, ...questionLines(q));
  return lines.join('\n') + '\n';
}

/** A sweep's results: each run's text under its sweep values. */
export function whatifSweepText(r: WhatifSweepResult): string {
  return r.runs.map((run) => {
    const sw = run.scenario.sweep;
    const head = sw ? `=== sweep point ${sw.index}: ${Object.entries(sw.values).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}\n` : '';
    return head + whatifText(run);
  }).join('\n');
}

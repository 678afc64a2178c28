/** Renderers for one scheduling decision (`podfit schedule`): JSON and a readable table. */
import type { ScheduleResult } from '../framework/scheduler.js';
import type { ClusterState } from '../model/cluster-state.js';

/** The JSON shape of `podfit schedule -o json` (README documents it). */
export interface ExplainJson {
  pod: string;
  profile: string;
  selectedNode: string | null;
  message?: string;
  nominatedNode?: string | null;
  victims?: string[];
  nodes: Record<string, { filter: Record<string, 'passed' | string[]>; score?: Record<string, number>; finalScore?: number }>;
}

/** Builds the JSON object for a result (nodes in node order). */
export function explainToJson(r: ScheduleResult, state: ClusterState, opts: { preemption?: boolean } = {}): ExplainJson {
  const out: ExplainJson = { pod: r.pod.key, profile: r.profile, selectedNode: r.selectedNode, nodes: {} };
  if (r.selectedNode === null && r.message !== undefined) out.message = r.message;
  if (opts.preemption || r.nominatedNode || (r.victims && r.victims.length > 0)) {
    out.nominatedNode = r.nominatedNode ?? null;
    out.victims = (r.victims ?? []).map((v) => v.key);
  }
  for (const n of state.nodes) {
    const e = r.explanation?.get(n.name);
    if (!e) continue;
    const filter: Record<string, 'passed' | string[]> = {};
    for (const [plugin, st] of e.filter) filter[plugin] = st === null ? 'passed' : [...st.reasons];
    const entry: ExplainJson['nodes'][string] = { filter };
    if (e.scores) {
      entry.score = Object.fromEntries(e.scores);
      entry.finalScore = e.finalScore ?? 0;
    }
    out.nodes[n.name] = entry;
  }
  return out;
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/** Renders a plain-text table: one row per node, filter verdict, each plugin's score, final score. */
export function explainToTable(r: ScheduleResult, state: ClusterState): string {
  const j = explainToJson(r, state);
  const lines: string[] = [];
  lines.push(`Pod:      ${j.pod}`);
  lines.push(`Profile:  ${j.profile}`);
  if (j.selectedNode) lines.push(`Selected: ${j.selectedNode}`);
  else lines.push(`Selected: <none>\nMessage:  ${j.message ?? ''}`);
  if (j.nominatedNode !== undefined) {
    lines.push(`Nominated: ${j.nominatedNode ?? '<none>'}${j.victims && j.victims.length ? `  victims: ${j.victims.join(', ')}` : ''}`);
  }
  const scorePlugins: string[] = [];
  for (const e of Object.values(j.nodes)) for (const p of Object.keys(e.score ?? {})) if (!scorePlugins.includes(p)) scorePlugins.push(p);
  // Long filter reasons go last so the score columns stay aligned.
  const header = ['NODE', ...scorePlugins, 'FINAL', 'FILTER'];
  const rows: string[][] = [];
  for (const [name, e] of Object.entries(j.nodes)) {
    const failed = Object.entries(e.filter).find(([, v]) => v !== 'passed');
    const verdict = failed ? `${failed[0]}: ${(failed[1] as string[]).join(', ')}` : 'passed';
    const mark = name === j.selectedNode ? '*' : ' ';
    rows.push([
      `${mark}${name}`,
      ...scorePlugins.map((p) => (e.score && p in e.score ? String(e.score[p]) : '-')),
      e.finalScore === undefined ? '-' : String(e.finalScore),
      verdict,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length + (i === 0 ? 1 : 0), ...rows.map((r) => r[i]!.length)));
  lines.push('');
  lines.push(header.map((h, i) => pad(i === 0 ? ` ${h}` : h, widths[i]!)).join('  ').trimEnd());
  for (const row of rows) lines.push(row.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd());
  return lines.join('\n') + '\n';
}

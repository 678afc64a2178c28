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

/** What the table shows: the profile's score weights, and which rows. */
export interface ExplainTableOptions {
  /** The profile's Score plugins and weights, in profile order (shown so FINAL can be checked by hand). */
  readonly weights?: ReadonlyArray<{ readonly name: string; readonly weight: number }>;
  /** Only the N best rows: highest FINAL first (the selected node first among equals), then nodes that failed. */
  readonly top?: number;
  /** Only nodes that passed every filter. */
  readonly feasibleOnly?: boolean;
}

/** Tables longer than this end with a hint at --top and --feasible-only. */
const TABLE_ROWS_HINT_MIN = 50;

/** The weights line: the score columns' weights (FINAL is their weighted sum), then the plugins that did not score. */
function weightsLine(weights: NonNullable<ExplainTableOptions['weights']>, columns: readonly string[]): string {
  const w = (p: { name: string; weight: number }) => `${p.name} ${p.weight}`;
  if (columns.length === 0) return `Weights:  ${weights.map(w).join(', ')}`;
  const shown = columns.map((c) => w({ name: c, weight: weights.find((p) => p.name === c)?.weight ?? 1 }));
  const skipped = weights.filter((p) => !columns.includes(p.name));
  return `Weights:  ${shown.join(', ')}; FINAL = sum of score x weight${skipped.length ? ` (not scoring this pod: ${skipped.map(w).join(', ')})` : ''}`;
}

/**
 * Renders a plain-text table: one row per node (or the rows `opts` picks), filter verdict, each
 * plugin's score, final score; the JSON output always has every node.
 */
export function explainToTable(r: ScheduleResult, state: ClusterState, opts: ExplainTableOptions = {}): string {
  const j = explainToJson(r, state);
  const lines: string[] = [];
  lines.push(`Pod:      ${j.pod}`);
  lines.push(`Profile:  ${j.profile}`);
  if (j.selectedNode) lines.push(`Selected: ${j.selectedNode}`);
  else lines.push(`Selected: <none>\nMessage:  ${j.message ?? ''}`);
  if (j.nominatedNode !== undefined) {
    lines.push(`Nominated: ${j.nominatedNode ?? '<none>'}${j.victims && j.victims.length ? `  victims: ${j.victims.join(', ')}` : ''}`);
  }
  const entries = Object.entries(j.nodes);
  const scorePlugins: string[] = [];
  for (const [, e] of entries) for (const p of Object.keys(e.score ?? {})) if (!scorePlugins.includes(p)) scorePlugins.push(p);
  if (opts.weights && opts.weights.length > 0) lines.push(weightsLine(opts.weights, scorePlugins));
  let shown = opts.feasibleOnly ? entries.filter(([, e]) => e.finalScore !== undefined) : entries;
  if (opts.top !== undefined) {
    const rank = (name: string, e: ExplainJson['nodes'][string]) => (e.finalScore === undefined ? -Infinity : e.finalScore + (name === j.selectedNode ? 0.5 : 0));
    shown = shown.map((x, i) => ({ x, i, k: rank(x[0], x[1]) })).sort((a, b) => b.k - a.k || a.i - b.i).slice(0, opts.top).map((y) => y.x);
  }
  // Long filter reasons go last so the score columns stay aligned.
  const header = ['NODE', ...scorePlugins, 'FINAL', 'FILTER'];
  const rows: string[][] = [];
  for (const [name, e] of shown) {
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
  const feasible = entries.filter(([, e]) => e.finalScore !== undefined).length;
  if (rows.length < entries.length) {
    lines.push('', `${rows.length} of ${entries.length} nodes shown (${feasible} feasible${opts.top !== undefined ? `; --top ${opts.top}` : ''}${opts.feasibleOnly ? '; --feasible-only' : ''}); -o json has every node`);
  } else if (rows.length > TABLE_ROWS_HINT_MIN) {
    lines.push('', `${rows.length} nodes (${feasible} feasible); --top N or --feasible-only shows fewer rows`);
  }
  return lines.join('\n') + '\n';
}

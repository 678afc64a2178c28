/**
 * A question the page has no dedicated section for (minNodes, until its result type joins
 * src/whatif/result.ts; or any later kind), drawn from its JSON shape alone, so a new question
 * shows up in the report the day its runner emits it:
 * - scalar fields become cards (and the one-line answer in the header);
 * - `nodes` with `lowerBound` (minNodes' answer and its proof) becomes a bar pair, `gap` a percentage;
 * - a map of numbers (`byTemplate`) a bar chart and a table; a map of strings (`placements`,
 *   pod -> node) a table and a chart of entries per value (pods per node);
 * - a cluster usage (`{ nodes: NodeUsage[] }`: per-node fill) sorted utilisation per resource and a
 *   node table;
 * - a list of objects a table of their scalar fields, with a reasons chart when they carry
 *   `reason` (pods that fit nowhere);
 * - anything else, its JSON in a closed <details>, escaped and capped.
 */
import { HTML_RAW_JSON_CHARS_MAX } from '../../model/limits.js';
import type { ClusterUsage, NodeUsage } from '../../whatif/result.js';
import { escapeHtml, formatInt, formatPct } from './format.js';
import { capCategories, countReasons } from './reasons.js';
import { reasonsChart, resourcesChart } from './charts.js';
import { reportResources, roundPct, utilizationPct } from './usage.js';
import type { Cell, Column, ColumnType, PageBuilder } from './view.js';

/** A question result of a kind the page does not know: its name, type and whatever else it holds. */
export interface GenericQuestion {
  readonly name: string;
  readonly type: string;
  readonly [field: string]: unknown;
}

type Scalar = string | number | boolean | null;

const isScalar = (v: unknown): v is Scalar => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ nodes: [{ name, allocatable, requested, ... }] }`: a cluster usage (result.ts's ClusterUsage). */
function isClusterUsage(v: unknown): v is ClusterUsage {
  return isRecord(v) && Array.isArray(v.nodes) && v.nodes.length > 0
    && v.nodes.every((n: unknown) => isRecord(n) && typeof n.name === 'string' && isRecord(n.allocatable) && isRecord(n.requested));
}

/** A scalar field for people: fractions named `gap` as percentages, other numbers with separators. */
function scalarText(key: string, v: Scalar): string {
  if (v === null) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (key === 'gap') return formatPct(roundPct(100 * v));
  return Number.isInteger(v) ? formatInt(v) : v.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** The header's one-line answer: the first scalar fields as `key: value`. */
export function genericAnswerLine(q: GenericQuestion): string {
  const parts = Object.entries(q).filter(([k, v]) => k !== 'name' && k !== 'type' && isScalar(v)).slice(0, 5);
  return parts.map(([k, v]) => `${escapeHtml(k)}: <strong>${escapeHtml(scalarText(k, v as Scalar))}</strong>`).join(', ');
}

/** What a sweep's overview charts for it: `nodes` when it is a number (minNodes' answer). */
export function genericHeadline(q: GenericQuestion): Array<{ label: string; value: number }> {
  return typeof q.nodes === 'number' ? [{ label: `${q.name}: nodes`, value: q.nodes }] : [];
}

/** The column type that shows every value of a column: int, num, bool, or text (anything mixed or nested). */
function columnType(values: readonly unknown[]): ColumnType {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length > 0 && present.every((v) => typeof v === 'number')) return present.every((v) => Number.isInteger(v)) ? 'int' : 'num';
  if (present.length > 0 && present.every((v) => typeof v === 'boolean')) return 'bool';
  return 'text';
}

const cell = (v: unknown): Cell => (v === undefined ? null : isScalar(v) ? v : JSON.stringify(v));

/** A list of objects as a table of the union of their keys (in first-seen order), with a reasons chart when they carry `reason`. */
function objectList(page: PageBuilder, key: string, list: readonly Record<string, unknown>[]): string {
  const keys = [...new Set(list.flatMap((o) => Object.keys(o)))];
  const columns = keys.map((k): Column => ({ label: k, type: columnType(list.map((o) => o[k])) }));
  const rows = list.map((o) => keys.map((k) => cell(o[k])));
  const reasons = list.map((o) => o.reason).filter((r): r is string => typeof r === 'string');
  const chart = reasons.length > 0 ? `<div class="grid">${reasonsChart(page, `${key}: pods per reason`, countReasons(reasons))}</div>` : '';
  return chart + page.table(key, columns, rows);
}

/** Per-node fill: each resource's sorted utilisation, and every node in a table. */
function usageBlock(page: PageBuilder, key: string, usage: ClusterUsage): string {
  const resources = reportResources([usage]);
  const columns: Column[] = [
    { label: 'Node', type: 'text' }, { label: 'Pods', type: 'int' }, { label: 'Cordoned', type: 'bool' },
    ...resources.map((r): Column => ({ label: `${r} %`, type: 'pct' })),
  ];
  const rows = usage.nodes.map((n: NodeUsage): Cell[] => [n.name, n.pods ?? null, n.unschedulable ?? null, ...resources.map((r) => utilizationPct(n, r))]);
  return `<div class="grid">${resourcesChart(page, `${key}: per-node utilisation, sorted`, usage, resources)}</div>`
    + page.table(`${key}: nodes (utilisation in % of allocatable)`, columns, rows);
}

/** A map of numbers (template -> nodes): a bar per key, largest first, and a table. */
function numberMap(page: PageBuilder, key: string, map: Record<string, number>): string {
  const entries = Object.entries(map).sort((a, b) => b[1] - a[1]);
  const capped = capCategories(entries.map(([k]) => k), [entries.map(([, v]) => v)]);
  return `<div class="grid">${page.chart(key, { kind: 'bar', horizontal: entries.length > 6, labels: capped.labels, datasets: [{ label: key, color: 'after', data: capped.values[0]! }], valueLabel: key })}</div>`
    + page.table(key, [{ label: 'Key', type: 'text' }, { label: 'Value', type: columnType(entries.map(([, v]) => v)) }], entries);
}

/** A map of strings (pod -> node): entries per value (pods per node), and the map as a table. */
function stringMap(page: PageBuilder, key: string, map: Record<string, string>): string {
  const perValue = new Map<string, number>();
  for (const v of Object.values(map)) perValue.set(v, (perValue.get(v) ?? 0) + 1);
  const sorted = [...perValue].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const capped = capCategories(sorted.map(([v]) => v), [sorted.map(([, n]) => n)]);
  const chart = `<div class="grid">${page.chart(`${key}: entries per value`, { kind: 'bar', horizontal: true, labels: capped.labels, datasets: [{ label: 'entries', color: 'ok', data: capped.values[0]! }], valueLabel: 'entries' }, true)}</div>`;
  return chart + page.table(key, [{ label: 'Key', type: 'text' }, { label: 'Value', type: 'text' }], Object.entries(map));
}

/** JSON of a field the page cannot shape, escaped, in a closed <details>, at most HTML_RAW_JSON_CHARS_MAX characters. */
function rawJson(key: string, v: unknown): string {
  const json = JSON.stringify(v, null, 1) ?? String(v);
  const text = json.length > HTML_RAW_JSON_CHARS_MAX ? `${json.slice(0, HTML_RAW_JSON_CHARS_MAX)}\n… (${formatInt(json.length - HTML_RAW_JSON_CHARS_MAX)} more characters; -o json has it all)` : json;
  return `<details class="raw"><summary><code>${escapeHtml(key)}</code></summary><pre>${escapeHtml(text)}</pre></details>`;
}

/** The section of a question of an unknown kind (see the file comment for what each shape becomes). */
export function genericSection(page: PageBuilder, q: GenericQuestion): string {
  const fields = Object.entries(q).filter(([k]) => k !== 'name' && k !== 'type');
  const scalars = fields.filter((e): e is [string, Scalar] => isScalar(e[1]));
  let html = scalars.length > 0
    ? `<div class="cards">${scalars.map(([k, v]) => `<div class="card"><div class="label">${escapeHtml(k)}</div><div class="value">${escapeHtml(scalarText(k, v))}</div></div>`).join('')}</div>`
    : '';
  if (typeof q.nodes === 'number' && typeof q.lowerBound === 'number') {
    html += `<div class="grid">${page.chart('Answer and lower bound', {
      kind: 'bar', labels: ['answer (nodes)', 'lower bound'], valueLabel: 'nodes',
      datasets: [{ label: 'nodes', color: 'after', data: [q.nodes, q.lowerBound] }],
    })}</div>`;
  }
  for (const [key, v] of fields) {
    if (isScalar(v) || v === undefined) continue;
    const h = `<h3>${escapeHtml(key)}</h3>`;
    if (isClusterUsage(v)) html += h + usageBlock(page, key, v);
    else if (Array.isArray(v) && v.length === 0) html += `${h}<p class="muted">none</p>`;
    else if (Array.isArray(v) && v.every(isRecord)) html += h + objectList(page, key, v);
    else if (Array.isArray(v) && v.every(isScalar)) html += h + page.table(key, [{ label: key, type: columnType(v) }], v.map((x) => [x]));
    else if (isRecord(v) && Object.keys(v).length > 0 && Object.values(v).every((x) => typeof x === 'number')) html += h + numberMap(page, key, v as Record<string, number>);
    else if (isRecord(v) && Object.keys(v).length > 0 && Object.values(v).every((x) => typeof x === 'string')) html += h + stringMap(page, key, v as Record<string, string>);
    else html += h + rawJson(key, v);
  }
  return html;
}

/**
 * The whatif HTML report without a browser: the page is one self-contained document (Chart.js and
 * the data inline, a CSP that names exactly its two scripts, nothing to fetch), every chart and
 * table container has its data and every datum its container, data with markup stays data, and
 * the numbers behind the charts (sorting, histograms, reasons, caps) are right.
 * test/report/html-browser.test.ts checks the same page in Chromium.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HTML_CHART_CATEGORIES_MAX, HTML_SWEEP_RUNS_DETAILED_MAX, HTML_TABLE_ROWS_MAX } from '../../src/model/limits.js';
import { jsonForScript, renderWhatifHtml, writeWhatifHtml } from '../../src/report/html.js';
import { CLIENT_SCRIPT } from '../../src/report/whatif-html/client.js';
import { replicasDistribution } from '../../src/report/whatif-html/questions.js';
import { capCategories, countReasons, fitErrorReasons } from '../../src/report/whatif-html/reasons.js';
import { reportResources, sortedUtilization, utilizationHistogram, utilizationPct } from '../../src/report/whatif-html/usage.js';
import type { BarChart, ReportView, SortedChart } from '../../src/report/whatif-html/view.js';
import type { ClusterUsage, NodeUsage, WhatifResult } from '../../src/whatif/result.js';
import { makeWhatifResult, makeWhatifSweep } from '../helpers/whatif-result.js';

/** The page's parts: inline scripts (attributes and text), the data, chart and table ids, and the CSP. */
function parse(html: string) {
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => ({ attrs: m[1]!, text: m[2]! }));
  const data = scripts.find((s) => s.attrs.includes('id="podfit-data"'));
  const view = JSON.parse(data!.text) as ReportView;
  const chartIds = [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]!);
  const tableIds = [...html.matchAll(/data-table="([^"]+)"/g)].map((m) => m[1]!);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  return { scripts, view, chartIds, tableIds, csp };
}

const sha = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const captions = (html: string) => [...html.matchAll(/<figcaption>([^<]*)<\/figcaption>/g)].map((m) => m[1]!);

describe('renderWhatifHtml: one self-contained page', () => {
  const result = makeWhatifResult();
  const html = renderWhatifHtml(result);
  const page = parse(html);

  it('is a complete document with Chart.js, the data and the draw script inline, and nothing to fetch', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(page.scripts).toHaveLength(3);
    expect(page.scripts.map((s) => s.attrs.trim())).toEqual(['type="application/json" id="podfit-data"', '', '']);
    expect(page.scripts[1]!.text).toContain('Chart.js v4');
    expect(page.scripts[2]!.text).toBe(CLIENT_SCRIPT);
    // No element loads anything: no src, no <link>, no url() in the page's own markup and style, no source map.
    const markup = html.replace(/<script([^>]*)>[\s\S]*?<\/script>/gi, '<script$1></script>');
    expect(markup).not.toMatch(/<(?:script|img|iframe|link|object|embed|video|audio|source)[^>]*\ssrc=/i);
    expect(markup).not.toMatch(/<link\b/i);
    expect(markup).not.toMatch(/url\(/i);
    expect(/sourceMappingURL/.test(page.scripts[1]!.text)).toBe(false);
  });

  it('has a CSP that allows exactly its two scripts (by hash) and no network', () => {
    expect(page.csp).toBeDefined();
    const directives = new Map(page.csp!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual([sha(page.scripts[1]!.text), sha(page.scripts[2]!.text)]);
    expect(directives.get('connect-src')).toBeUndefined(); // falls back to default-src 'none'
  });

  it('gives every chart and table container its data, and every datum a container', () => {
    expect(page.chartIds.length).toBeGreaterThan(15);
    expect(new Set(page.chartIds).size).toBe(page.chartIds.length);
    expect(page.chartIds.sort()).toEqual(Object.keys(page.view.charts).sort());
    expect(page.tableIds.sort()).toEqual(Object.keys(page.view.tables).sort());
    for (const t of Object.values(page.view.tables)) for (const r of t.rows) expect(r).toHaveLength(t.columns.length);
    for (const c of Object.values(page.view.charts)) {
      if (c.kind === 'bar') for (const d of c.datasets) expect(d.data).toHaveLength(c.labels.length);
      else for (const s of c.series) expect(page.view.nameLists[s.names]!.length).toBeGreaterThanOrEqual(s.valuesPct.length);
    }
  });

  it('shows per-node utilisation before and after per resource, reasons, drain outcomes, profiles and a minNodes answer', () => {
    const caps = captions(html);
    for (const r of ['cpu', 'memory', 'pods', 'nvidia.com/gpu']) {
      expect(caps).toContain(`${r}: per-node utilisation, sorted`);
      expect(caps).toContain(`${r}: nodes by utilisation`);
    }
    expect(caps).toEqual(expect.arrayContaining([
      'Why pods did not fit (pods per reason, all steps)', 'Nodes by replicas placed on them', 'Pods of each drained node', 'Where the pods go',
      'Pods and nodes per profile', 'Utilisation across nodes: mean ± standard deviation', 'Fragmentation: free capacity stranded where no shape fits',
      'cpu: per-node utilisation per profile, sorted', 'Why pods did not fit, per profile (pods per reason)',
      'Answer and lower bound', 'byTemplate', 'placements: entries per value', 'after: per-node utilisation, sorted', 'unschedulable: pods per reason',
    ]));
    // Before/after series: the sorted cpu chart of the scenario has both, in descending order.
    const cpu = Object.values(page.view.charts).find((c): c is SortedChart => c.kind === 'sorted' && c.yLabel === 'cpu requested / allocatable' && c.series.length === 2)!;
    expect(cpu.series.map((s) => s.label)).toEqual(['before', 'after']);
    expect(cpu.series[0]!.valuesPct).toHaveLength(result.scenario.before.nodes.length);
    expect(cpu.series[1]!.valuesPct).toHaveLength(result.scenario.after.nodes.length);
    for (const s of cpu.series) expect(s.valuesPct).toEqual([...s.valuesPct].sort((a, b) => b - a));
    // A question's answer in the header, and a question kind result.ts does not name yet.
    expect(html).toContain('<span class="tag">minNodes</span>');
    expect(html).toMatch(/lowerBound: <strong>11<\/strong>, gap: <strong>9\.1%<\/strong>/);
    expect(html).toContain('<details class="raw"><summary><code>options</code></summary>');
  });

  it('makes every table sortable (its headers are buttons the draw script adds) and caps rows', () => {
    expect(page.tableIds.length).toBeGreaterThan(10);
    expect(html.match(/<table class="sortable" data-table="/g)).toHaveLength(page.tableIds.length);
    expect(CLIENT_SCRIPT).toMatch(/addEventListener\('click', function \(\) \{ sortBy\(i\); \}\)/);
    const big = makeWhatifResult({ nodes: HTML_TABLE_ROWS_MAX + 10, minNodes: false });
    const bigPage = parse(renderWhatifHtml(big));
    expect(Math.max(...Object.values(bigPage.view.tables).map((t) => t.rows.length))).toBe(HTML_TABLE_ROWS_MAX);
  });

  it('draw script is plain JavaScript that parses', () => {
    expect(() => new Function(CLIENT_SCRIPT)).not.toThrow();
    expect(CLIENT_SCRIPT).not.toMatch(/`/);
  });
});

describe('renderWhatifHtml: data is never markup', () => {
  const html = renderWhatifHtml(makeWhatifResult({ nodes: 20, hostile: true }));
  const page = parse(html);

  it('escapes every string from the data in the HTML and embeds the JSON with < as \\u003c', () => {
    // Exactly the page's own three scripts; the data's `<script>`s and `<img>`s are text.
    expect(html.match(/<script/gi)).toHaveLength(3);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(page.scripts[0]!.text).not.toContain('<');
    expect(page.scripts[0]!.text).toContain('\\u003c/script>');
    // And the data survives the trip: the hostile node name is in the JSON as it was.
    expect(page.view.nameLists.flat()).toContain('general-1<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">');
  });

  it('jsonForScript: </script>, <!-- and U+2028/U+2029 cannot end or change the script element', () => {
    const value = { a: '</script><script>alert(1)</script>', b: '<!-- x -->', c: 'line\u2028sep\u2029par' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/<|\u2028|\u2029/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('escapes the title and the scenario file name', () => {
    const t = renderWhatifHtml(makeWhatifResult({ nodes: 5 }), { title: '</title><script>x()</script>' });
    expect(t).toContain('<title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;</title>');
    expect(t.match(/<script/gi)).toHaveLength(3);
  });
});

describe('renderWhatifHtml: edge cases', () => {
  const empty: WhatifResult = {
    scenario: { file: 's.yaml', cluster: null, config: null, seed: 1, before: { nodes: [] }, after: { nodes: [] }, steps: [], warnings: [] },
    questions: [],
  };

  it.each([
    { what: 'an empty cluster, no steps, no questions', result: empty },
    { what: 'a drain of nothing and a compare of no profiles', result: { ...empty, questions: [
      { name: 'd', type: 'drain', drainable: true, nodes: [], pods: [], blockingPdbs: [], ignored: [], after: { nodes: [] } },
      { name: 'c', type: 'compare', profiles: [] },
    ] } as WhatifResult },
    { what: 'an unknown question kind with only a name and a type', result: { ...empty, questions: [{ name: 'x', type: 'somethingNew' }] } as unknown as WhatifResult },
    { what: 'an empty sweep', result: { sweep: { total: 0 }, runs: [] } },
  ])('renders $what as a whole page whose containers all have data', ({ result }) => {
    const html = renderWhatifHtml(result);
    const page = parse(html);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(page.chartIds.sort()).toEqual(Object.keys(page.view.charts).sort());
    expect(page.tableIds.sort()).toEqual(Object.keys(page.view.tables).sort());
  });
});

describe('renderWhatifHtml: sweeps', () => {
  it('shows an overview of every point and the first points in full, each in a <details>', () => {
    const sweep = makeWhatifSweep(3, { nodes: 10 });
    const html = renderWhatifHtml(sweep);
    const page = parse(html);
    expect(html).toContain('3 of 3 sweep points');
    expect(html.match(/<details class="run"/g)).toHaveLength(3);
    expect(html.match(/<details class="run" open>/g)).toHaveLength(1);
    expect(captions(html)).toEqual(expect.arrayContaining(['more-web: replicas', 'how-many: nodes', 'profiles: unschedulable (least-allocated.yaml)']));
    const overview = Object.values(page.view.charts).filter((c): c is BarChart => c.kind === 'bar' && c.categoryLabel === 'sweep point');
    expect(overview.map((c) => c.datasets.map((d) => d.label))).toEqual(expect.arrayContaining([['more-web: replicas'], ['how-many: nodes']]));
    for (const c of overview) expect(c.labels).toEqual(['#0', '#1', '#2']);
    const nodes = overview.find((c) => c.datasets[0]!.label === 'how-many: nodes')!;
    expect(nodes.datasets[0]!.data).toEqual([12, 12, 12]);
    // Ids are unique across the runs.
    expect(new Set(page.chartIds).size).toBe(page.chartIds.length);
    const ids = [...html.replace(/<script[^>]*>[\s\S]*?<\/script>/gi, '').matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toContain('r2-q-3');
    expect(new Set(ids).size).toBe(ids.length);
  });

  it(`details at most ${HTML_SWEEP_RUNS_DETAILED_MAX} points; the overview table has them all`, () => {
    const n = HTML_SWEEP_RUNS_DETAILED_MAX + 2;
    const sweep = makeWhatifSweep(n, { nodes: 3, minNodes: false });
    const html = renderWhatifHtml({ ...sweep, sweep: { total: 2 * n, shard: { index: 0, count: 2 } } });
    expect(html.match(/<details class="run"/g)).toHaveLength(HTML_SWEEP_RUNS_DETAILED_MAX);
    expect(html).toContain(`${n} of ${2 * n} sweep points (shard 1 of 2)`);
    const overview = Object.values(parse(html).view.tables).find((t) => t.columns[0]!.label === 'Point')!;
    expect(overview.rows).toHaveLength(n);
  });
});

describe('writeWhatifHtml', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'podfit-html-write-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the page whole (through a temporary file renamed over it) and returns its bytes', async () => {
    const file = path.join(dir, 'report.html');
    const bytes = await writeWhatifHtml(file, makeWhatifResult({ nodes: 5 }));
    expect(readFileSync(file).length).toBe(bytes);
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it('leaves nothing behind when the directory does not exist', async () => {
    const file = path.join(dir, 'missing', 'report.html');
    await expect(writeWhatifHtml(file, makeWhatifResult({ nodes: 5 }))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(file)).toBe(false);
  });
});

const node = (name: string, cpuA: number, cpuR: number, extra: Partial<NodeUsage> = {}): NodeUsage =>
  ({ name, allocatable: { cpu: cpuA, pods: 10 }, requested: { cpu: cpuR }, pods: 2, unschedulable: false, ...extra });

describe('the numbers behind the charts', () => {
  it.each([
    { what: 'a node without the resource has no utilisation', n: node('a', 0, 0), r: 'cpu', want: null },
    { what: 'cpu in percent, one decimal', n: node('a', 3000, 1000), r: 'cpu', want: 33.3 },
    { what: 'pods from requested.pods when given', n: node('a', 1, 0, { requested: { pods: 5 } }), r: 'pods', want: 50 },
    { what: 'pods from the pod count otherwise', n: node('a', 1, 0), r: 'pods', want: 20 },
    { what: 'overcommitted after a node shrank', n: node('a', 1000, 1500), r: 'cpu', want: 150 },
  ])('utilizationPct: $what', ({ n, r, want }) => {
    expect(utilizationPct(n, r)).toBe(want);
  });

  it('sortedUtilization ranks nodes from most to least utilised, ties in node order, skipping nodes without the resource', () => {
    const usage: ClusterUsage = { nodes: [node('a', 1000, 500), node('b', 0, 0), node('c', 1000, 900), node('d', 1000, 500)] };
    expect(sortedUtilization(usage, 'cpu')).toEqual({ valuesPct: [90, 50, 50], order: [2, 0, 3] });
  });

  it('utilizationHistogram: idle apart, (0,10] .. (90,100], then overcommitted', () => {
    expect(utilizationHistogram([0, 0.1, 10, 10.1, 55, 100, 100.1, 250])).toEqual([1, 2, 1, 0, 0, 0, 1, 0, 0, 0, 1, 2]);
  });

  it('reportResources: cpu, memory, pods, then extended resources, then other requested ones; none nobody offers', () => {
    const usage: ClusterUsage = {
      nodes: [
        { name: 'a', allocatable: { 'ephemeral-storage': 10, pods: 1, 'nvidia.com/gpu': 4, cpu: 1, 'hugepages-2Mi': 0, memory: 1 }, requested: { 'ephemeral-storage': 1 }, pods: 0, unschedulable: false },
        { name: 'b', allocatable: { 'example.com/fpga': 1, 'hugepages-1Gi': 2 }, requested: {}, pods: 0, unschedulable: false },
      ],
    };
    expect(reportResources([usage])).toEqual(['cpu', 'memory', 'pods', 'example.com/fpga', 'nvidia.com/gpu', 'ephemeral-storage']);
  });

  it.each([
    { msg: '0/5 nodes are available: 3 Insufficient cpu, 2 node(s) had untolerated taint {a: b}. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod.', want: ['Insufficient cpu', 'node(s) had untolerated taint {a: b}'] },
    { msg: '0/3 nodes are available: 3 Insufficient memory.', want: ['Insufficient memory'] },
    { msg: 'evicting would violate PodDisruptionBudget prod/pdb', want: ['evicting would violate PodDisruptionBudget prod/pdb'] },
  ])('fitErrorReasons: $want', ({ msg, want }) => {
    expect(fitErrorReasons(msg)).toEqual(want);
  });

  it('countReasons counts a pod once per reason its message names, most frequent first', () => {
    const fit = (parts: string) => `0/9 nodes are available: ${parts}. preemption: not eligible`;
    expect(countReasons([fit('4 Insufficient cpu, 5 Insufficient memory'), fit('9 Insufficient cpu'), 'other'])).toEqual([
      { reason: 'Insufficient cpu', pods: 2 }, { reason: 'Insufficient memory', pods: 1 }, { reason: 'other', pods: 1 },
    ]);
  });

  it(`capCategories keeps ${HTML_CHART_CATEGORIES_MAX} bars, summing the tail into one`, () => {
    const labels = Array.from({ length: HTML_CHART_CATEGORIES_MAX + 5 }, (_, i) => `r${i}`);
    const capped = capCategories(labels, [labels.map(() => 1), labels.map((_, i) => i)]);
    expect(capped.labels).toHaveLength(HTML_CHART_CATEGORIES_MAX);
    expect(capped.labels.at(-1)).toBe('6 others');
    expect(capped.values[0]!.reduce((s, v) => s + v, 0)).toBe(labels.length);
    expect(capped.values[1]!.at(-1)).toBe([39, 40, 41, 42, 43, 44].reduce((s, v) => s + v, 0));
    expect(capCategories(['a'], [[1]])).toEqual({ labels: ['a'], values: [[1]] });
  });

  it('replicasDistribution: one bar per count below 40, bands of equal width above', () => {
    expect(replicasDistribution([0, 1, 1, 3])).toEqual({ labels: ['0', '1', '2', '3'], nodes: [1, 2, 0, 1] });
    const wide = replicasDistribution([0, 100]);
    expect(wide.labels[0]).toBe('0–5');
    expect(wide.nodes.reduce((s, v) => s + v, 0)).toBe(2);
    expect(wide.labels.length).toBeLessThanOrEqual(HTML_CHART_CATEGORIES_MAX);
  });
});

describe('renderWhatifHtml: a large cluster', () => {
  it('renders 5,000 nodes with a page whose size is bounded', () => {
    const big: WhatifResult = makeWhatifResult({ nodes: 5000, minNodes: false });
    const html = renderWhatifHtml(big);
    // Node names are stored once per distinct list, not once per chart.
    const page = parse(html);
    expect(page.view.nameLists.length).toBeLessThanOrEqual(4);
    expect(html.length).toBeLessThan(12 * 1024 * 1024);
  });
});

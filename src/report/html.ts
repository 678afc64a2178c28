/**
 * The HTML report of `podfit whatif --html FILE`: one self-contained page, nothing fetched when it
 * is viewed. It holds, inline, the charting library, the data (whatif-html/view.ts's ReportView, as
 * JSON in a `<script type="application/json">`), and a small script that draws the charts and makes
 * the tables sortable (whatif-html/client.ts). A Content-Security-Policy with `default-src 'none'`
 * and the two scripts' hashes makes "no network, no other script" a property of the page itself.
 *
 * The library is Chart.js 4 (MIT; chart.js/dist/chart.umd.min.js, read from node_modules at run
 * time). Why it and not another, for a page written once per run:
 * - size: 213 KB minified (about 70 KB gzipped), against ECharts' ~1 MB, and Vega-Lite's ~800 KB
 *   once vega and vega-embed come along. uPlot (~50 KB) is smaller but draws series over a numeric
 *   x axis only: no category, horizontal or stacked bars, which most of these charts are.
 * - the charts this report needs are all built in: grouped, stacked and horizontal bars
 *   (histograms, reasons, drain outcomes, profiles side by side) and lines; error whiskers for
 *   mean ± stddev are a 30-line plugin on its documented plugin hooks.
 * - large clusters: it draws on canvas (no DOM node per bar or point), and its decimation plugin
 *   (min-max, which keeps every peak of a sorted curve) thins a 5,000-node sorted line to a few
 *   points per pixel column, with `parsing: false` data given as it is stored.
 *   That is why per-node utilisation is a sorted line, not 5,000 bars.
 * - one UMD file with no dependency at run time in the browser; it sets `window.Chart`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { WhatifResult, WhatifSweepResult } from '../whatif/result.js';
import { CLIENT_SCRIPT, PAGE_STYLE } from './whatif-html/client.js';
import { escapeHtml } from './whatif-html/format.js';
import { runBody, sweepBody } from './whatif-html/page.js';
import { PageBuilder, type ReportView } from './whatif-html/view.js';

/** Options of the page. */
export interface WhatifHtmlOptions {
  /** The page's title; default `podfit whatif: <scenario file name>`. */
  readonly title?: string;
}

/** An inline script and its CSP source (`'sha256-...'` of its exact text). */
interface InlineScript {
  readonly text: string;
  readonly cspSource: string;
}

const cspSource = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

let chartJs: InlineScript | undefined;

/**
 * Chart.js's minified UMD build, read once per process. Its package exports only its ESM/CJS
 * entry points, so the file is found beside the CJS one. The source map comment is dropped (the
 * page has no map to point at).
 */
function chartJsScript(): InlineScript {
  if (!chartJs) {
    const require = createRequire(import.meta.url);
    const file = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
    const text = readFileSync(file, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
    // Inline <script> text ends at the first `</script`; a library holding one would break the page.
    if (/<\/script|<!--/i.test(text)) throw new Error(`${file} contains </script or <!--, so it cannot be inlined`);
    chartJs = { text, cspSource: cspSource(text) };
  }
  return chartJs;
}

const client: InlineScript = { text: CLIENT_SCRIPT, cspSource: cspSource(CLIENT_SCRIPT) };

/**
 * JSON that is safe as the text of a <script> element: `<` written as `\u003c` (so no `</script>`
 * or `<!--` in the data can end or change the element), and U+2028/U+2029 escaped (valid in JSON,
 * not in older JavaScript string literals, and invisible in any editor).
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function isSweep(result: WhatifResult | WhatifSweepResult): result is WhatifSweepResult {
  return 'runs' in result;
}

/** The whole page for a run or a sweep, as one string (a complete HTML document). */
export function renderWhatifHtml(result: WhatifResult | WhatifSweepResult, opts: WhatifHtmlOptions = {}): string {
  const page = new PageBuilder();
  const sweep = isSweep(result);
  const file = sweep ? result.runs[0]?.scenario.file : result.scenario.file;
  const title = opts.title ?? `podfit whatif: ${file ? path.basename(file) : 'sweep'}${sweep ? ' (sweep)' : ''}`;
  const body = sweep ? sweepBody(page, result) : runBody(page, result, '');
  return documentHtml(title, body, page.view);
}

function documentHtml(title: string, body: string, view: ReportView): string {
  const lib = chartJsScript();
  const csp = `default-src 'none'; script-src ${lib.cspSource} ${client.cspSource}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  return '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    + `<meta http-equiv="Content-Security-Policy" content="${csp}">\n`
    + '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    + `<meta name="generator" content="podfit whatif">\n<title>${escapeHtml(title)}</title>\n`
    + `<style>${PAGE_STYLE}</style>\n</head>\n<body>\n`
    + `<h1>${escapeHtml(title)}</h1>\n${body}\n`
    + '<footer>Written by <code>podfit whatif --html</code>. Charts: Chart.js (MIT). Utilisation is requests over allocatable, as the scheduler counts them, not measured usage.</footer>\n'
    + `<script type="application/json" id="podfit-data">${jsonForScript(view)}</script>\n`
    + `<script>${lib.text}</script>\n<script>${client.text}</script>\n</body>\n</html>\n`;
}

/**
 * Renders the page and writes it to `file` through a temporary file in the same directory renamed
 * over it, so a reader never sees half a page and a failed write leaves nothing behind. Returns the
 * bytes written. A failure to write is the file system's error (its `code`: ENOENT, EACCES, ...)
 * for the caller to put in its own words.
 */
export async function writeWhatifHtml(file: string, result: WhatifResult | WhatifSweepResult, opts: WhatifHtmlOptions = {}): Promise<number> {
  const html = renderWhatifHtml(result, opts);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, html, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return Buffer.byteLength(html, 'utf8');
}

/**
 * The whatif report in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * Every chart is a Chart.js instance that drew something, sortable tables sort on a click, the
 * console stays free of errors (a CSP violation is one), nothing is fetched, markup from the data
 * stays text, and a screenshot of the page is written for the README (docs/images/whatif-report.png).
 *
 * Skips, saying why, only when no Chromium is installed (CI installs it: .ci/run).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTML_TABLE_ROWS_SHOWN } from '../../src/model/limits.js';
import { renderWhatifHtml } from '../../src/report/html.js';
import type { WhatifResult, WhatifSweepResult } from '../../src/whatif/result.js';
import { makeWhatifResult, makeWhatifSweep } from '../helpers/whatif-result.js';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const SCREENSHOT = path.join(ROOT, 'docs/images/whatif-report.png');
/**
 * Debian's package puts Chromium at /usr/bin/chromium; else the first `chromium` or
 * `chromium-browser` on PATH; PODFIT_CHROMIUM overrides both (and fails loudly if wrong).
 */
const CHROMIUM = process.env.PODFIT_CHROMIUM ?? [
  '/usr/bin/chromium',
  ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).flatMap((d) => [path.join(d, 'chromium'), path.join(d, 'chromium-browser')]),
].find((p) => existsSync(p));
const SKIP_REASON = 'no Chromium at /usr/bin/chromium or on PATH (apt-get install chromium, or set PODFIT_CHROMIUM)';
if (!CHROMIUM) console.warn(`test/report/html-browser.test.ts skipped: ${SKIP_REASON}`);

/*
 * The browser globals the functions run in the page use, typed as far as they use them: the
 * project's tsconfig has no DOM lib (src/ runs in Node), and pulling it in for one test would let
 * DOM names type-check everywhere.
 */
interface PageCanvas {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { readonly data: ArrayLike<number> } } | null;
}
interface PageElement {
  readonly dataset: Record<string, string | undefined>;
  scrollIntoView(): void;
  readonly parentElement: PageElement | null;
  closest(selector: string): PageElement | null;
  querySelector(selector: 'canvas'): PageCanvas | null;
}
declare function requestAnimationFrame(callback: () => void): number;
declare const document: { querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement> };
declare const window: {
  readonly Chart: { getChart(canvas: PageCanvas): { readonly data: { readonly datasets: readonly unknown[] } } | undefined };
  readonly __pwned?: number;
};
interface PageRow { readonly cells: ArrayLike<{ readonly textContent: string | null }> }

/** A page loaded from a file, with what its console said and which requests it tried. */
interface Loaded {
  page: Page;
  errors: string[];
  requests: string[];
}

describe.skipIf(!CHROMIUM)(`whatif report in headless Chromium${CHROMIUM ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let browser: Browser;
  let dir: string;
  const opened: Page[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'podfit-html-'));
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function load(result: WhatifResult | WhatifSweepResult, name: string, viewport = { width: 1280, height: 900 }): Promise<Loaded> {
    const file = path.join(dir, name);
    writeFileSync(file, renderWhatifHtml(result));
    const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
    opened.push(page);
    const errors: string[] = [];
    const requests: string[] = [];
    // Errors and warnings, but not Chromium's hint about this test's own getImageData readbacks.
    page.on('console', (m) => {
      if ((m.type() === 'error' || m.type() === 'warning') && !/willReadFrequently/.test(m.text())) errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    return { page, errors, requests };
  }

  /**
   * Scrolls every chart not inside a closed <details> into view, one after another, and waits
   * until the page has drawn it (the page draws charts as they come near the viewport).
   */
  function scrollThroughCharts(page: Page): Promise<void> {
    return page.evaluate(async () => {
      const frame = () => new Promise<void>((resolve) => { requestAnimationFrame(() => resolve()); });
      for (const box of [...document.querySelectorAll('[data-chart]')].filter((b) => !b.parentElement!.closest('details:not([open])'))) {
        box.scrollIntoView();
        for (let k = 0; k < 600 && !box.dataset.rendered; k++) await frame();
      }
    });
  }

  /** Per chart container that is not inside a closed <details>, once drawn: its id, state, whether Chart.js owns its canvas, and its non-blank pixels. */
  async function chartStates(page: Page) {
    await scrollThroughCharts(page);
    return page.evaluate(() => [...document.querySelectorAll('[data-chart]')]
      .filter((box) => !box.parentElement!.closest('details:not([open])'))
      .map((box) => {
        const canvas = box.querySelector('canvas')!;
        const chart = window.Chart.getChart(canvas);
        const ctx = canvas.getContext('2d')!;
        const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let k = 3; k < pixels.length; k += 4) if (pixels[k]! > 0) inked++;
        return { id: box.dataset.chart!, rendered: box.dataset.rendered ?? null, chart: !!chart, datasets: chart?.data.datasets.length ?? 0, inked, width: canvas.width, height: canvas.height };
      }));
  }

  it('draws every chart of a run with Chart.js (non-blank canvases), with no console error and no request', async () => {
    const { page, errors, requests } = await load(makeWhatifResult({ nodes: 120 }), 'run.html');
    // Charts far below the first screen wait until they are scrolled near.
    expect(await page.evaluate(() => [...document.querySelectorAll('[data-chart]')].at(-1)!.dataset.rendered)).toBeUndefined();
    const charts = await chartStates(page);
    const total = await page.locator('[data-chart]').count();
    expect(charts.length).toBe(total);
    expect(charts.length).toBeGreaterThanOrEqual(15);
    for (const c of charts) {
      expect(c, c.id).toMatchObject({ rendered: 'true', chart: true });
      expect(c.datasets, c.id).toBeGreaterThan(0);
      expect(c.width * c.height, c.id).toBeGreaterThan(0);
      // Axes, labels and data: a drawn chart inks far more than a few stray pixels.
      expect(c.inked, c.id).toBeGreaterThan(2000);
    }
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('sorts a table on a header click: numbers as numbers, ascending then descending, text numeric-aware; shows the first rows, then all', async () => {
    const shown = HTML_TABLE_ROWS_SHOWN;
    const total = shown + 55; // 5 nodes are added by a step
    const { page, errors } = await load(makeWhatifResult({ nodes: shown + 50 }), 'sort.html');
    const table = page.locator('table[data-table]').filter({ has: page.locator('caption', { hasText: /^Nodes \(utilisation/ }) });
    const header = (label: string) => table.locator('thead th button', { hasText: new RegExp(`^${label}$`) });
    const column = (k: number) => table.locator('tbody tr').evaluateAll((rows, i) => rows.map((r) => (r as unknown as PageRow).cells[i]!.textContent!), k);
    const numbers = (cells: string[]) => cells.filter((c) => c !== '\u2014').map((c) => Number.parseFloat(c.replace(/,/g, '')));
    const ascending = (a: number, b: number) => a - b;

    expect(await table.locator('tbody tr').count()).toBe(shown);
    await header('cpu after').click();
    const cpuCol = await table.locator('thead th').evaluateAll((ths) => ths.findIndex((th) => th.textContent === 'cpu after'));
    const up = numbers(await column(cpuCol));
    expect(up).toHaveLength(shown);
    expect(up).toEqual([...up].sort(ascending));
    expect(await table.locator('thead th').nth(cpuCol).getAttribute('aria-sort')).toBe('ascending');

    await table.locator('tfoot button', { hasText: `Show all ${total} rows (${shown} shown)` }).click();
    const all = numbers(await column(cpuCol));
    expect(all).toHaveLength(total);
    expect(all).toEqual([...all].sort(ascending));
    expect(all.slice(0, shown)).toEqual(up);
    expect(await table.locator('tfoot').count()).toBe(0);

    await header('cpu after').click();
    expect(numbers(await column(cpuCol))).toEqual([...all].sort(ascending).reverse());
    expect(await table.locator('thead th').nth(cpuCol).getAttribute('aria-sort')).toBe('descending');

    await header('Node').click();
    const names = await column(0);
    const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
    expect(names).toEqual([...names].sort(collator.compare));
    expect(names.indexOf('general-2')).toBeLessThan(names.indexOf('general-10'));
    expect(errors).toEqual([]);
  });

  it('keeps markup from the data as text: no injected script runs, no injected element appears', async () => {
    const { page, errors } = await load(makeWhatifResult({ nodes: 30, hostile: true }), 'hostile.html');
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(3);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('body').innerText()).toContain('<script>window.__pwned=1</script>');
    for (const c of await chartStates(page)) expect(c, c.id).toMatchObject({ rendered: 'true', chart: true });
    expect(errors).toEqual([]);
  });

  it('draws a sweep: the overview and the open point at once, a closed point when it is opened', async () => {
    const { page, errors } = await load(makeWhatifSweep(3, { nodes: 20 }), 'sweep.html');
    const first = await chartStates(page);
    expect(first.length).toBeGreaterThan(10);
    for (const c of first) expect(c, c.id).toMatchObject({ rendered: 'true', chart: true });
    const closed = await page.locator('details.run:not([open]) [data-chart]').count();
    expect(closed).toBeGreaterThan(0);
    await page.locator('details.run:not([open]) > summary').first().click();
    const after = await chartStates(page);
    expect(after.length).toBeGreaterThan(first.length);
    for (const c of after) expect(c.inked, c.id).toBeGreaterThan(2000);
    expect(errors).toEqual([]);
  });

  it('writes the README screenshot (docs/images/whatif-report.png)', async () => {
    const { page, errors } = await load(makeWhatifResult({ nodes: 200, seed: 3 }), 'screenshot.html', { width: 1280, height: 2000 });
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    const png = await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(png.length).toBeGreaterThan(50_000);
    expect(errors).toEqual([]);
  });
});

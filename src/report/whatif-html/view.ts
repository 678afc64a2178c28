/**
 * What the whatif page's draw script reads: every chart and table of the page as plain data,
 * embedded once as JSON. The TypeScript side computes everything (sorting, histograms, reason
 * counts, row caps), so the inline script only maps these specs to Chart.js configs and DOM rows,
 * and the numbers are unit-tested without a browser.
 *
 * Units: utilisation is in percent of allocatable (`...Pct`, one decimal); counts are counts.
 */
import { HTML_TABLE_ROWS_MAX, HTML_TABLE_ROWS_SHOWN } from '../../model/limits.js';
import { escapeHtml } from './format.js';

/** A colour the draw script knows: a role (`before`, `after`, `ok`, `bad`, `warn`) or a series slot (`s0`..`s7`). */
export type ColorKey = 'before' | 'after' | 'ok' | 'bad' | 'warn' | `s${number}`;

/** One sorted line: per-node utilisation from the most to the least utilised node. */
export interface SortedSeries {
  readonly label: string;
  readonly color: ColorKey;
  /** Utilisation in percent, descending. */
  readonly valuesPct: readonly number[];
  /** `order[k]` is the node (index into the name list) at rank k, for the tooltip. */
  readonly order: readonly number[];
  /** Index into `ReportView.nameLists`. */
  readonly names: number;
}

/** Per-node utilisation, sorted, as lines (drawn with Chart.js's min-max decimation on large clusters). */
export interface SortedChart {
  readonly kind: 'sorted';
  readonly series: readonly SortedSeries[];
  readonly yLabel: string;
}

/** One bar dataset; `errors` are ± whiskers drawn around each bar (a standard deviation). */
export interface BarDataset {
  readonly label: string;
  readonly color: ColorKey;
  readonly data: readonly number[];
  readonly errors?: readonly number[];
}

/** Bars over categories: histograms, reason counts, drain outcomes, profiles side by side. */
export interface BarChart {
  readonly kind: 'bar';
  readonly labels: readonly string[];
  readonly datasets: readonly BarDataset[];
  readonly horizontal?: boolean;
  readonly stacked?: boolean;
  /** Value axis unit: `%` or none. */
  readonly unit?: '%';
  readonly valueLabel: string;
  readonly categoryLabel?: string;
}

export type ChartSpec = SortedChart | BarChart;

/** How a column's cells are shown and sorted (numbers sort as numbers, text numeric-aware). */
export type ColumnType = 'text' | 'int' | 'pct' | 'num' | 'bool';

export interface Column {
  readonly label: string;
  readonly type: ColumnType;
}

/** A cell: text, a number, a flag, or null (shown as a dash, sorted last). */
export type Cell = string | number | boolean | null;

export interface TableSpec {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly Cell[])[];
}

/** The page's data: `charts` and `tables` keyed by the ids their containers carry. */
export interface ReportView {
  readonly nameLists: string[][];
  /** Rows of a table the draw script puts in the DOM before its "Show all" button (HTML_TABLE_ROWS_SHOWN). */
  readonly tableRowsShown: number;
  readonly charts: Record<string, ChartSpec>;
  readonly tables: Record<string, TableSpec>;
}

/** Pixels per bar row of a horizontal chart (a label of 11px type and its gap). */
const HORIZONTAL_ROW_PX = 18;

/**
 * A horizontal bar chart's height, so each category keeps a readable row (HTML_CHART_CATEGORIES_MAX
 * caps it near 800px); undefined keeps the stylesheet's (260px, 320px wide).
 */
function chartHeightPx(spec: ChartSpec, wide: boolean): number | undefined {
  if (spec.kind !== 'bar' || !spec.horizontal) return undefined;
  const rows = spec.labels.length * (spec.stacked ? 1 : Math.max(1, spec.datasets.length));
  const height = 70 + HORIZONTAL_ROW_PX * rows;
  return height > (wide ? 320 : 260) ? height : undefined;
}

/**
 * Collects a page's charts and tables while its HTML is written: each `chart`/`table` call
 * registers the data under a fresh id and returns the HTML of its container. Node name lists are
 * stored once however many series point at them (before/after and each question mostly share one).
 */
export class PageBuilder {
  readonly view: ReportView = { nameLists: [], tableRowsShown: HTML_TABLE_ROWS_SHOWN, charts: {}, tables: {} };
  private readonly nameListIds = new Map<string, number>();
  private nextId = 0;

  /** The index of this list of node names in `view.nameLists`, added on first sight. */
  names(list: readonly string[]): number {
    const key = list.join('\n');
    let id = this.nameListIds.get(key);
    if (id === undefined) {
      id = this.view.nameLists.length;
      this.view.nameLists.push([...list]);
      this.nameListIds.set(key, id);
    }
    return id;
  }

  /** Registers a chart; its container (a figure with a caption and a canvas) as HTML. */
  chart(title: string, spec: ChartSpec, wide = false): string {
    const id = `c${this.nextId++}`;
    this.view.charts[id] = spec;
    const t = escapeHtml(title);
    const height = chartHeightPx(spec, wide);
    return `<figure class="chart${wide ? ' wide' : ''}"><figcaption>${t}</figcaption>`
      + `<div class="chart-box" data-chart="${id}"${height ? ` style="height: ${height}px"` : ''}><canvas role="img" aria-label="${t}"></canvas></div></figure>`;
  }

  /**
   * Registers a table of at most HTML_TABLE_ROWS_MAX rows (the rest are counted in its caption);
   * the draw script fills it and makes its headers sort.
   */
  table(title: string, columns: readonly Column[], rows: readonly (readonly Cell[])[]): string {
    const id = `t${this.nextId++}`;
    const kept = rows.length > HTML_TABLE_ROWS_MAX ? rows.slice(0, HTML_TABLE_ROWS_MAX) : rows;
    this.view.tables[id] = { columns, rows: kept };
    const more = rows.length > kept.length
      ? ` <span class="note">(the first ${kept.length.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} rows; <code>-o json</code> has them all)</span>`
      : '';
    return `<div class="table-wrap"><table class="sortable" data-table="${id}"><caption>${escapeHtml(title)}${more}</caption></table></div>`;
  }
}

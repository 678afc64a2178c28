/**
 * The page's own script and style, inlined after Chart.js. The script reads the JSON data block
 * (view.ts's ReportView), maps each chart spec to a Chart.js config, fills and sorts the tables,
 * and marks each chart container `data-rendered="true"` once drawn (the browser test waits for
 * that). It builds the DOM with textContent only, so nothing from the data is ever parsed as HTML.
 *
 * Charts are drawn as they come near the viewport (an IntersectionObserver), not all at load:
 * a page has 30-odd charts over curves of up to 5,000 nodes, and drawing them all took 2.4 s of a
 * 4.4 s load at 1,523 nodes in headless Chromium on a 2-core machine. Charts inside a closed
 * <details> (sweep points) are drawn when it opens and they scroll into view; all are drawn
 * before printing.
 *
 * Plain ES2017 in a string (no template literals: this file holds it in one), so it runs as is in
 * any current browser; test/report/html.test.ts checks it parses and runs it in Chromium.
 */

export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var view = JSON.parse(document.getElementById('podfit-data').textContent);
  var COLORS = {
    before: '#98a2b3', after: '#1f6feb', ok: '#2da44e', bad: '#cf222e', warn: '#d4a72c',
    s0: '#1f6feb', s1: '#e36209', s2: '#8250df', s3: '#2da44e', s4: '#cf222e', s5: '#0a7ea4', s6: '#bf3989', s7: '#6e7781'
  };
  var LABEL_CHARS_MAX = 48;
  var NOWRAP_CHARS_MAX = 48;
  var CHART_MARGIN_PX = 600;
  var TABLE_ROWS_SHOWN = view.tableRowsShown; // HTML_TABLE_ROWS_SHOWN in src/model/limits.ts
  var collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  var ints = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.responsive = true;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.font.size = 11;
  Chart.defaults.color = '#3b4252';

  function color(key) { return COLORS[key] || COLORS.s7; }
  function clip(s) { s = String(s); return s.length > LABEL_CHARS_MAX ? s.slice(0, LABEL_CHARS_MAX - 1) + '\u2026' : s; }
  function pct(v) { return v.toFixed(1) + '%'; }
  function fmt(v, unit) { return unit === '%' ? pct(v) : ints.format(v); }

  // Whiskers of mean +/- stddev over each bar of a dataset that has errors.
  function errorBars(spec) {
    return {
      id: 'podfitErrorBars',
      afterDatasetsDraw: function (chart) {
        var ctx = chart.ctx;
        var scale = chart.scales[spec.horizontal ? 'x' : 'y'];
        ctx.save();
        ctx.strokeStyle = '#1b1f24';
        ctx.lineWidth = 1;
        spec.datasets.forEach(function (d, di) {
          var meta = chart.getDatasetMeta(di);
          if (!d.errors || meta.hidden) return;
          meta.data.forEach(function (bar, k) {
            var e = d.errors[k];
            if (!(e > 0)) return;
            var lo = scale.getPixelForValue(d.data[k] - e);
            var hi = scale.getPixelForValue(d.data[k] + e);
            var c = spec.horizontal ? bar.y : bar.x;
            var w = 4;
            ctx.beginPath();
            if (spec.horizontal) {
              ctx.moveTo(lo, c); ctx.lineTo(hi, c);
              ctx.moveTo(lo, c - w); ctx.lineTo(lo, c + w);
              ctx.moveTo(hi, c - w); ctx.lineTo(hi, c + w);
            } else {
              ctx.moveTo(c, lo); ctx.lineTo(c, hi);
              ctx.moveTo(c - w, lo); ctx.lineTo(c + w, lo);
              ctx.moveTo(c - w, hi); ctx.lineTo(c + w, hi);
            }
            ctx.stroke();
          });
        });
        ctx.restore();
      }
    };
  }

  function sortedConfig(spec) {
    var n = 1;
    var datasets = spec.series.map(function (s) {
      var pts = new Array(s.valuesPct.length);
      for (var k = 0; k < pts.length; k++) pts[k] = { x: k + 1, y: s.valuesPct[k] };
      n = Math.max(n, pts.length);
      return {
        label: s.label, data: pts, parsing: false, normalized: true, indexAxis: 'x',
        borderColor: color(s.color), backgroundColor: color(s.color),
        borderWidth: 1.5, pointRadius: 0, pointHitRadius: 3, tension: 0, fill: false
      };
    });
    return {
      type: 'line',
      data: { datasets: datasets },
      options: {
        interaction: { mode: 'nearest', intersect: false, axis: 'x' },
        scales: {
          x: { type: 'linear', min: 1, max: n, title: { display: true, text: 'nodes, most utilised first' }, ticks: { precision: 0 } },
          y: { min: 0, suggestedMax: 100, title: { display: true, text: spec.yLabel }, ticks: { callback: function (v) { return v + '%'; } } }
        },
        plugins: {
          decimation: { enabled: true, algorithm: 'min-max' },
          legend: { display: spec.series.length > 1 },
          tooltip: {
            callbacks: {
              title: function (items) {
                if (!items.length) return '';
                var s = spec.series[items[0].datasetIndex];
                var node = view.nameLists[s.names][s.order[items[0].parsed.x - 1]];
                return node === undefined ? '' : node;
              },
              label: function (item) { return item.dataset.label + ': ' + pct(item.parsed.y) + ' (rank ' + item.parsed.x + ')'; }
            }
          }
        }
      }
    };
  }

  function barConfig(spec) {
    var value = spec.horizontal ? 'x' : 'y';
    var category = spec.horizontal ? 'y' : 'x';
    var scales = {};
    scales[value] = {
      beginAtZero: true, stacked: !!spec.stacked,
      title: { display: true, text: spec.valueLabel },
      ticks: { callback: function (v) { return spec.unit === '%' ? v + '%' : v; } }
    };
    if (spec.unit !== '%') scales[value].ticks.precision = 0;
    // Room for the whiskers: the axis reaches the highest mean + stddev.
    var top = 0;
    spec.datasets.forEach(function (d) {
      if (d.errors) d.data.forEach(function (v, k) { top = Math.max(top, v + (d.errors[k] || 0)); });
    });
    if (top > 0) scales[value].suggestedMax = top;
    scales[category] = {
      stacked: !!spec.stacked,
      title: { display: !!spec.categoryLabel, text: spec.categoryLabel || '' },
      ticks: { autoSkip: !spec.horizontal, callback: function (v) { return clip(this.getLabelForValue(v)); } }
    };
    return {
      type: 'bar',
      data: {
        labels: spec.labels.slice(),
        datasets: spec.datasets.map(function (d) {
          return { label: d.label, data: d.data.slice(), backgroundColor: color(d.color), borderColor: color(d.color), borderWidth: 0 };
        })
      },
      options: {
        indexAxis: spec.horizontal ? 'y' : 'x',
        scales: scales,
        plugins: {
          legend: { display: spec.datasets.length > 1 },
          tooltip: {
            callbacks: {
              label: function (item) {
                var d = spec.datasets[item.datasetIndex];
                var v = d.data[item.dataIndex];
                var e = d.errors ? d.errors[item.dataIndex] : 0;
                return d.label + ': ' + fmt(v, spec.unit) + (e > 0 ? ' \u00b1 ' + fmt(e, spec.unit) : '');
              }
            }
          }
        }
      },
      plugins: spec.datasets.some(function (d) { return d.errors; }) ? [errorBars(spec)] : []
    };
  }

  function draw(box) {
    if (box.dataset.rendered) return;
    var spec = view.charts[box.dataset.chart];
    try {
      new Chart(box.querySelector('canvas'), spec.kind === 'sorted' ? sortedConfig(spec) : barConfig(spec));
      box.dataset.rendered = 'true';
    } catch (e) {
      box.dataset.rendered = 'error';
      console.error('podfit report: chart ' + box.dataset.chart + ' failed: ' + (e && e.message));
    }
  }

  function drawShown() {
    document.querySelectorAll('[data-chart]').forEach(function (box) {
      if (!box.parentElement.closest('details:not([open])')) draw(box);
    });
  }

  // Draws a chart once it is within CHART_MARGIN_PX of the viewport; a box in a closed <details>
  // has no layout, so it never intersects until its <details> opens.
  function observeCharts() {
    if (typeof IntersectionObserver !== 'function') { drawShown(); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (!e.isIntersecting) return;
        observer.unobserve(e.target);
        draw(e.target);
      });
    }, { rootMargin: CHART_MARGIN_PX + 'px 0px' });
    document.querySelectorAll('[data-chart]').forEach(function (box) { observer.observe(box); });
  }

  function cellText(v, type) {
    if (v === null || v === undefined) return '\u2014';
    if (type === 'pct') return pct(v);
    if (type === 'int') return ints.format(v);
    if (type === 'num') return v.toFixed(2);
    if (type === 'bool') return v ? 'yes' : 'no';
    return String(v);
  }

  function compareCells(a, b, type) {
    if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
    if (b === null || b === undefined) return -1;
    if (type === 'text') return collator.compare(String(a), String(b));
    return Number(a) - Number(b);
  }

  function fillTable(table) {
    var spec = view.tables[table.dataset.table];
    var rows = spec.rows.slice();
    var state = { col: -1, dir: 1 };
    // Short text (names) stays on one line; only long text (kube's messages) wraps.
    var nowrap = spec.columns.map(function (c, i) {
      if (c.type !== 'text') return false;
      for (var r = 0; r < rows.length; r++) if (rows[r][i] !== null && String(rows[r][i]).length > NOWRAP_CHARS_MAX) return false;
      return true;
    });
    var thead = document.createElement('thead');
    var head = document.createElement('tr');
    var ths = spec.columns.map(function (c, i) {
      var th = document.createElement('th');
      th.scope = 'col';
      if (c.type !== 'text') th.className = 'num';
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = c.label;
      button.title = 'Sort by ' + c.label;
      button.addEventListener('click', function () { sortBy(i); });
      th.appendChild(button);
      head.appendChild(th);
      return th;
    });
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = document.createElement('tbody');
    table.appendChild(tbody);
    // The first TABLE_ROWS_SHOWN rows (in the current order) are in the DOM; a button adds the rest.
    var shown = Math.min(rows.length, TABLE_ROWS_SHOWN);
    if (shown < rows.length) {
      var tfoot = document.createElement('tfoot');
      var footRow = document.createElement('tr');
      var footCell = document.createElement('td');
      footCell.colSpan = spec.columns.length;
      var more = document.createElement('button');
      more.type = 'button';
      more.className = 'more';
      more.textContent = 'Show all ' + ints.format(rows.length) + ' rows (' + ints.format(shown) + ' shown)';
      more.addEventListener('click', function () {
        shown = rows.length;
        table.removeChild(tfoot);
        render();
      });
      footCell.appendChild(more);
      footRow.appendChild(footCell);
      tfoot.appendChild(footRow);
      table.appendChild(tfoot);
    }

    function render() {
      var next = document.createElement('tbody');
      for (var r = 0; r < shown; r++) {
        var tr = document.createElement('tr');
        for (var c = 0; c < spec.columns.length; c++) {
          var td = document.createElement('td');
          var type = spec.columns[c].type;
          var v = rows[r][c];
          td.textContent = cellText(v, type);
          if (type !== 'text') td.className = 'num';
          else if (nowrap[c]) td.className = 'nowrap';
          if (v === null || v === undefined) td.className += ' none';
          tr.appendChild(td);
        }
        next.appendChild(tr);
      }
      table.replaceChild(next, tbody);
      tbody = next;
    }

    function sortBy(i) {
      state.dir = state.col === i ? -state.dir : 1;
      state.col = i;
      var type = spec.columns[i].type;
      var dir = state.dir;
      rows.sort(function (a, b) {
        var nullA = a[i] === null || a[i] === undefined;
        var nullB = b[i] === null || b[i] === undefined;
        if (nullA || nullB) return compareCells(a[i], b[i], type);
        return dir * compareCells(a[i], b[i], type);
      });
      ths.forEach(function (th, k) {
        if (k === i) th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
        else th.removeAttribute('aria-sort');
      });
      render();
    }

    render();
  }

  document.querySelectorAll('table[data-table]').forEach(fillTable);
  observeCharts();
  window.addEventListener('beforeprint', drawShown);
  document.body.dataset.ready = 'true';
})();
`;

/** The page's style: readable without the script too (tables are empty then, the summary is not). */
export const PAGE_STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg2: #f6f8fa; --ok: #1a7f37; --bad: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 20px 24px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
.muted, .note, .hint { color: var(--muted); }
.hint { margin: 0 0 12px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--bg2); padding: 1px 4px; border-radius: 4px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0 16px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; min-width: 150px; }
.card .label { color: var(--muted); font-size: 12px; }
.card .value { font-size: 18px; font-weight: 600; }
.card .sub { color: var(--muted); font-size: 12px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
.badge.ok { background: var(--ok); }
.badge.bad { background: var(--bad); }
.tag { font-size: 12px; font-weight: 500; color: var(--muted); border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; vertical-align: middle; }
ul.answers { padding-left: 18px; }
ul.warnings li { color: #9a6700; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; min-width: 0; }
figure.chart.wide { grid-column: 1 / -1; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
.chart-box { position: relative; height: 260px; }
figure.chart.wide .chart-box { height: 320px; }
.table-wrap { max-height: 420px; overflow: auto; margin: 12px 0; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 8px 10px; }
caption .note { font-weight: 400; }
th, td { padding: 3px 10px; border-top: 1px solid var(--line); text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { position: sticky; top: 0; background: var(--bg2); z-index: 1; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th[aria-sort=ascending] button::after { content: " \\25B2"; }
th[aria-sort=descending] button::after { content: " \\25BC"; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, td.nowrap { white-space: nowrap; }
button.more { font: inherit; color: #0969da; background: none; border: 1px solid var(--line); border-radius: 6px; padding: 2px 10px; cursor: pointer; }
td.none { color: var(--muted); }
details.run { border: 1px solid var(--line); border-radius: 8px; padding: 4px 12px; margin: 12px 0; }
details.run > summary { cursor: pointer; font-weight: 600; padding: 6px 0; }
details.raw { margin: 8px 0; }
details.raw pre { max-height: 320px; overflow: auto; background: var(--bg2); padding: 8px; border-radius: 6px; font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

/**
 * Renderers for scheduler_perf workload results (`podfit bench`): the table a person reads, the
 * `--repeat` summary, the `--list` table, and `podfit bench compare` of two `-o json` files.
 */
import type { PerfBenchResult } from '../workloads/perf/perf-bench.js';

/** `--repeat N`: one figure's spread over the repetitions. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** A result with its repetitions summarised (the median run's fields, by average throughput). */
export type RepeatedPerfResult = PerfBenchResult & {
  repeat: { runs: number; throughputAverage: Spread | null; latencyUsPerc50: Spread | null; checksumsEqual: boolean };
};

function spread(xs: number[]): Spread | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[(s.length - 1) >> 1]!, max: s[s.length - 1]! };
}

/** The median run (by average throughput) with min/median/max over all runs. */
export function summarizeRepeats(runs: readonly PerfBenchResult[]): RepeatedPerfResult {
  const byAvg = [...runs].sort((a, b) => (a.throughput?.average ?? 0) - (b.throughput?.average ?? 0));
  const median = byAvg[(byAvg.length - 1) >> 1]!;
  return {
    ...median,
    repeat: {
      runs: runs.length,
      throughputAverage: spread(runs.flatMap((r) => (r.throughput ? [r.throughput.average] : []))),
      latencyUsPerc50: spread(runs.flatMap((r) => (r.latencyUs ? [r.latencyUs.perc50] : []))),
      checksumsEqual: runs.every((r) => r.placementChecksum === runs[0]!.placementChecksum),
    },
  };
}

const num = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 1 });
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One result as a table. */
export function perfResultToTable(r: PerfBenchResult | RepeatedPerfResult): string {
  const lines: string[] = [`workload     ${r.workload}${r.labels.length ? `  [${r.labels.join(', ')}]` : ''}`];
  if (r.status === 'skipped') {
    lines.push(`skipped      ${r.reason}`);
    return lines.join('\n') + '\n';
  }
  const p = r.pods;
  lines.push(
    `engine       ${r.engine} (${r.kernels}), seed ${r.seed}`,
    `cluster      ${r.nodes} nodes; ${p.created} pods created: ${p.scheduled} scheduled, ${p.unschedulable} unschedulable, ${p.gated} gated, ${p.deleted} deleted, ${p.preempted} preempted`,
    `window       ${r.measuredPods} pods scheduled in ${num(r.windowMs)} ms`,
  );
  const t = r.throughput;
  const how = r.sampleIntervalShortened
    ? `${r.samples} samples every ${num(r.sampleIntervalMs)} ms: the window is under 20 s, so not scheduler_perf's 1-s ticker; rates scaled to pods/s`
    : `${r.samples} samples every ${num(r.sampleIntervalMs)} ms, as scheduler_perf`;
  lines.push(t
    ? `throughput   average ${num(t.average)} pods/s; p50 ${num(t.perc50)}, p90 ${num(t.perc90)}, p95 ${num(t.perc95)}, p99 ${num(t.perc99)} (${how})`
    : `throughput   none: no sample was taken (${how}; scheduler_perf reports none either)`);
  const l = r.latencyUs;
  if (l) lines.push(`latency      per pod p50 ${num(l.perc50)} µs, p90 ${num(l.perc90)}, p95 ${num(l.perc95)}, p99 ${num(l.perc99)} (scheduling attempt: cycle, preemption, assume and bind)`);
  if (r.threshold !== null) {
    lines.push(`threshold    ${r.threshold} pods/s (kube-scheduler's scheduler_perf)${r.thresholdRatio !== null ? `: ${num(r.thresholdRatio)}× ${r.thresholdMet ? '(met)' : '(NOT met)'}` : ''}`);
  } else lines.push('threshold    none (kube sets none for this workload)');
  lines.push(
    `checksum     ${r.placementChecksum}`,
    `nodes used   ${r.nodesUsed} of ${r.nodes}`,
    `utilisation  ${Object.entries(r.utilisation).map(([k, v]) => `${k} ${pct(v)}`).join(', ')}`,
  );
  if ('repeat' in r) {
    const s = r.repeat.throughputAverage;
    lines.push(`repeat       ${r.repeat.runs} runs; average pods/s min ${s ? num(s.min) : '-'}, median ${s ? num(s.median) : '-'}, max ${s ? num(s.max) : '-'}; checksums ${r.repeat.checksumsEqual ? 'equal' : 'DIFFER'} (median run shown)`);
  }
  if (r.status === 'failed') lines.push(`FAILED       ${r.reason}`);
  return lines.join('\n') + '\n';
}

/** One `--list` row. */
export interface PerfListRow {
  id: string;
  labels: readonly string[];
  threshold: number | null;
  skip?: string;
}

/** The `--list` table. */
export function perfListToTable(rows: readonly PerfListRow[]): string {
  const w = Math.max(8, ...rows.map((r) => r.id.length));
  const lw = Math.max(6, ...rows.map((r) => r.labels.join(',').length));
  const out = [`${'WORKLOAD'.padEnd(w)}  ${'LABELS'.padEnd(lw)}  THRESHOLD  STATUS`];
  for (const r of rows) out.push(`${r.id.padEnd(w)}  ${r.labels.join(',').padEnd(lw)}  ${String(r.threshold ?? '-').padStart(9)}  ${r.skip ? `skipped: ${r.skip}` : 'runs'}`);
  return out.join('\n') + '\n';
}

/** One compared figure: ratio = B / A (for latency, lower is better). */
interface Compared {
  workload: string;
  figure: string;
  a: number;
  b: number;
  ratio: number;
}

/** `podfit bench compare`: the ratios B/A per workload, and whether placements changed. */
export interface PerfComparison {
  rows: Compared[];
  /** Workloads whose placementChecksum differs. */
  checksumChanged: string[];
  /** Workloads in only one file. */
  unmatched: string[];
}

type Comparable = Pick<PerfBenchResult, 'workload' | 'placementChecksum' | 'throughput' | 'latencyUs'> & { durationMs?: number };

/** Compares two result files' contents (a result or a list of them each). */
export function comparePerfResults(a: readonly Comparable[], b: readonly Comparable[]): PerfComparison {
  const rows: Compared[] = [];
  const checksumChanged: string[] = [];
  const unmatched: string[] = [];
  const bByName = new Map(b.map((r) => [r.workload, r]));
  for (const ra of a) {
    const rb = bByName.get(ra.workload);
    if (!rb) {
      unmatched.push(ra.workload);
      continue;
    }
    bByName.delete(ra.workload);
    const add = (figure: string, x: number | undefined, y: number | undefined) => {
      if (x === undefined || y === undefined) return;
      rows.push({ workload: ra.workload, figure, a: x, b: y, ratio: x === 0 ? (y === 0 ? 1 : Infinity) : Math.round((y / x) * 1000) / 1000 });
    };
    for (const k of ['average', 'perc50', 'perc90', 'perc99'] as const) add(`throughput.${k}`, ra.throughput?.[k], rb.throughput?.[k]);
    for (const k of ['perc50', 'perc99'] as const) add(`latencyUs.${k}`, ra.latencyUs?.[k], rb.latencyUs?.[k]);
    if (ra.placementChecksum !== rb.placementChecksum) checksumChanged.push(ra.workload);
  }
  unmatched.push(...bByName.keys());
  return { rows, checksumChanged, unmatched };
}

/** The comparison as a table. */
export function comparisonToTable(c: PerfComparison, nameA: string, nameB: string): string {
  const w = Math.max(8, ...c.rows.map((r) => r.workload.length));
  const out = [`${'WORKLOAD'.padEnd(w)}  ${'FIGURE'.padEnd(18)}  ${'A'.padStart(12)}  ${'B'.padStart(12)}  B/A`];
  for (const r of c.rows) out.push(`${r.workload.padEnd(w)}  ${r.figure.padEnd(18)}  ${num(r.a).padStart(12)}  ${num(r.b).padStart(12)}  ${r.ratio.toFixed(3)}×`);
  out.push('');
  out.push(`A = ${nameA}, B = ${nameB}; throughput: higher is better, latency: lower is better`);
  out.push(c.checksumChanged.length > 0 ? `PLACEMENTS CHANGED (placementChecksum differs): ${c.checksumChanged.join(', ')}` : 'placementChecksum: equal for every workload compared');
  if (c.unmatched.length > 0) out.push(`in one file only: ${c.unmatched.join(', ')}`);
  return out.join('\n') + '\n';
}

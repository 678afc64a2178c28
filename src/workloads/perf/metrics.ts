/**
 * scheduler_perf's SchedulingThroughput, computed its way (../shared/data/scheduler_perf/README.md
 * "How scheduler_perf measures"): a ticker samples the count of scheduled pods; ticks before the
 * first scheduled pod are ignored; the first tick that sees one only sets the baseline; later
 * ticks record new pods / time since the last recorded tick, appended (skipped + 1) times when
 * ticks without a new pod were skipped; the partial interval after the last tick is not
 * measured. Summary: the mean of the samples, and nearest-rank percentiles.
 *
 * podfit computes the ticks afterwards from each pod's bind time (no timer can fire inside a
 * synchronous scheduling loop), which is what a ticker at those instants would have seen.
 */

/** scheduler_perf's throughputSampleInterval. */
export const SAMPLE_INTERVAL_MS = 1000;
/**
 * Windows shorter than this are sampled at window / SHORT_WINDOW_TICKS instead of every second
 * (a 1-second ticker would see no full interval in them), and the rates scaled to pods/s.
 */
export const SHORT_WINDOW_MS = 20_000;
export const SHORT_WINDOW_TICKS = 20;

/** The sample interval for a measured window, and whether it differs from scheduler_perf's 1 s. */
export function sampleIntervalFor(windowMs: number): { intervalMs: number; shortened: boolean } {
  if (windowMs >= SHORT_WINDOW_MS) return { intervalMs: SAMPLE_INTERVAL_MS, shortened: false };
  return { intervalMs: Math.max(windowMs / SHORT_WINDOW_TICKS, 1e-3), shortened: true };
}

/**
 * Throughput samples (pods/s) of a window starting at `t0Ms` and ending at `t1Ms`, from the
 * ascending times at which the window's pods were scheduled.
 */
export function throughputSamples(bindTimesMs: ArrayLike<number>, t0Ms: number, t1Ms: number, intervalMs: number): number[] {
  const samples: number[] = [];
  const ticks = Math.floor((t1Ms - t0Ms) / intervalMs + 1e-9);
  let seen = 0;
  let baseline = false;
  let lastCount = 0;
  let lastTickMs = 0;
  let skipped = 0;
  for (let k = 1; k <= ticks; k++) {
    const tick = t0Ms + k * intervalMs;
    while (seen < bindTimesMs.length && bindTimesMs[seen]! <= tick) seen++;
    if (!baseline) {
      if (seen > 0) {
        baseline = true;
        lastCount = seen;
        lastTickMs = tick;
      }
      continue;
    }
    if (seen === lastCount) {
      skipped++;
      continue;
    }
    const rate = (seen - lastCount) / ((tick - lastTickMs) / 1000);
    for (let i = 0; i <= skipped; i++) samples.push(rate);
    skipped = 0;
    lastCount = seen;
    lastTickMs = tick;
  }
  return samples;
}

/** The element at 1-based position ceil(n·p/100) of ascending `sorted` (0 when empty). */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = Math.max(1, Math.ceil((n * p) / 100));
  return sorted[Math.min(n, rank) - 1]!;
}

/** scheduler_perf's summary of a metric's samples. */
export interface PercentileSummary {
  average: number;
  perc50: number;
  perc90: number;
  perc95: number;
  perc99: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Mean and nearest-rank percentiles of samples, rounded to 0.1; null when there are none. */
export function summarize(values: ArrayLike<number>): PercentileSummary | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    average: round1(sum / sorted.length),
    perc50: round1(nearestRank(sorted, 50)),
    perc90: round1(nearestRank(sorted, 90)),
    perc95: round1(nearestRank(sorted, 95)),
    perc99: round1(nearestRank(sorted, 99)),
  };
}

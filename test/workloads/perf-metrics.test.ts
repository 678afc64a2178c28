/** SchedulingThroughput as scheduler_perf computes it, against hand-computed values. */
import { describe, expect, it } from 'vitest';
import { nearestRank, sampleIntervalFor, summarize, throughputSamples } from '../../src/workloads/perf/metrics.js';

describe('nearest-rank percentiles', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 10], // ceil(9.5) = 10
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 10],
    [[10, 20, 30], 50, 20], // ceil(1.5) = 2
    [[10, 20, 30], 1, 10],
    [[], 50, 0],
  ])('%j p%d = %d', (xs, p, want) => {
    expect(nearestRank(xs, p)).toBe(want);
  });

  it('summarize: mean and percentiles of unsorted samples', () => {
    expect(summarize([3, 1, 2])).toEqual({ average: 2, perc50: 2, perc90: 3, perc95: 3, perc99: 3 });
    expect(summarize([])).toBeNull();
  });
});

describe('throughput samples (1-s ticker over bind times)', () => {
  it('baseline at the first tick with a pod; skipped ticks fold into the next sample', () => {
    // ticks at 1,2,3,4,5 s: 1 pod (baseline), 3 (+2 in 1 s), 3 (skipped), 6 (+3 in 2 s, twice), 7 (+1 in 1 s)
    const s = throughputSamples([500, 1500, 1600, 3500, 3600, 3700, 4200], 0, 5000, 1000);
    expect(s).toEqual([2, 1.5, 1.5, 1]);
    expect(summarize(s)).toEqual({ average: 1.5, perc50: 1.5, perc90: 2, perc95: 2, perc99: 2 });
  });

  it('ignores ticks before the first pod, and never measures the partial interval after the last tick', () => {
    expect(throughputSamples([2500], 0, 3000, 1000)).toEqual([]);
    expect(throughputSamples([500, 1500, 2100], 0, 2500, 1000)).toEqual([1]);
  });

  it('short windows: a shorter interval, rates still in pods/s', () => {
    expect(sampleIntervalFor(50)).toEqual({ intervalMs: 2.5, shortened: true });
    expect(sampleIntervalFor(30_000)).toEqual({ intervalMs: 1000, shortened: false });
    // 10 pods per 2.5 ms = 4,000 pods/s
    const binds = Array.from({ length: 200 }, (_, i) => (i + 1) * 0.25);
    const s = throughputSamples(binds, 0, 50, 2.5);
    expect(s.length).toBe(19);
    for (const x of s) expect(x).toBeCloseTo(4000, 6);
  });
});

import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/framework/prng.js';
import { numFeasibleNodesToFind } from '../../src/framework/node-selection.js';

describe('Prng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Prng(42), b = new Prng(42), c = new Prng(43);
    const xs = Array.from({ length: 20 }, () => a.intn(1000));
    expect(Array.from({ length: 20 }, () => b.intn(1000))).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.intn(1000))).not.toEqual(xs);
  });
  it('is uniform enough over [0, n)', () => {
    const p = new Prng(7);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 50_000; i++) counts[p.intn(5)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
  it('counts one draw per call, even for n = 1', () => {
    const p = new Prng(1);
    p.intn(1);
    p.intn(7);
    expect(p.draws).toBe(2);
  });
});

describe('numFeasibleNodesToFind (K8S-FACTS §7)', () => {
  it.each([
    [50, 0, 50],
    [1000, 0, 420],
    [5000, 0, 500],
    [6000, 0, 300],
    [15000, 0, 750],
    [1000, 10, 100],
    [1000, 5, 100],
    [5000, 50, 2500],
    [5000, undefined, 5000],
    [5000, 100, 5000],
  ])('n=%d percentage=%s -> %d', (n, p, want) => {
    expect(numFeasibleNodesToFind(n, p)).toBe(want);
  });
});

/**
 * The bounds and the solver against exhaustive search on small random instances with existing
 * nodes (partly used), two priced templates and both objectives: bound <= optimum <= answer, and
 * the answer's packing is feasible. Covers what the reference instances do not (existing nodes,
 * mixes, cost).
 */
import { describe, expect, it } from 'vitest';
import type { Objective, VectorModel } from '../../../src/whatif/minnodes/model.js';
import { templateWeights } from '../../../src/whatif/minnodes/model.js';
import { plainModel, solveNumeric } from '../../../src/whatif/minnodes/solve.js';

/** A plain model plus existing nodes (all allowed). */
function withExisting(m: VectorModel, caps: number[][], loads: number[][]): VectorModel {
  return { ...m, existing: caps.length, existingCap: Float64Array.from(caps.flat()), existingLoad: Float64Array.from(loads.flat()), allowExisting: new Uint8Array(caps.length).fill(1) };
}

/** The optimum objective by depth-first search (items in order; a new bin of each template, or an open one). */
function exact(m: VectorModel, objective: Objective): number {
  const D = m.dims;
  const w = templateWeights(m, objective);
  const cap: number[][] = [];
  const load: number[][] = [];
  for (let e = 0; e < m.existing; e++) {
    cap.push(Array.from(m.existingCap.subarray(e * D, (e + 1) * D)));
    load.push(Array.from(m.existingLoad.subarray(e * D, (e + 1) * D)));
  }
  let best = Infinity;
  const fits = (b: number, i: number) => cap[b]!.every((c, d) => m.req[i * D + d]! <= 0 || load[b]![d]! + m.req[i * D + d]! <= c);
  const go = (i: number, value: number): void => {
    if (value >= best) return;
    if (i === m.items) { best = value; return; }
    for (let b = 0; b < cap.length; b++) {
      if (!fits(b, i)) continue;
      for (let d = 0; d < D; d++) load[b]![d]! += m.req[i * D + d]!;
      go(i + 1, value);
      for (let d = 0; d < D; d++) load[b]![d]! -= m.req[i * D + d]!;
    }
    for (let t = 0; t < m.templates.length; t++) {
      cap.push(Array.from(m.templateCap.subarray(t * D, (t + 1) * D)));
      load.push(new Array(D).fill(0));
      if (fits(cap.length - 1, i)) {
        for (let d = 0; d < D; d++) load[cap.length - 1]![d]! += m.req[i * D + d]!;
        go(i + 1, value + w[t]!);
      }
      cap.pop();
      load.pop();
    }
  };
  go(0, 0);
  return best;
}

describe('minNodes against exhaustive search', () => {
  it('bound <= optimum <= answer on 60 random small instances (existing nodes, two priced templates, both objectives)', () => {
    let x = 2024;
    const rnd = (k: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % k);
    const bad: string[] = [];
    let cases = 0;
    let optimal = 0;
    for (let trial = 0; trial < 60; trial++) {
      const items = Array.from({ length: 4 + rnd(4) }, () => [1 + rnd(9), 1 + rnd(9)]);
      const templates = [{ name: 'a', capacity: [10, 10], price: 1 + rnd(3) }, { name: 'b', capacity: [6 + rnd(10), 4 + rnd(14)], price: 1 + rnd(3) }];
      const base = plainModel(['cpu', 'memory'], templates, items);
      const m = trial % 2 === 0 ? withExisting(base, [[8, 8]], [[rnd(8), rnd(8)]]) : base;
      for (const objective of ['nodes', 'cost'] as const) {
        const opt = exact(m, objective);
        const r = solveNumeric(m, { objective, seed: trial, effortMax: 200_000 });
        if (r.unplaced.length > 0) continue; // exact() then finds nothing either
        cases++;
        if (Math.abs(r.objective - opt) < 1e-9) optimal++;
        if (r.bounds.objective > opt + 1e-9 || r.objective < opt - 1e-9) bad.push(`trial ${trial} ${objective}: bound ${r.bounds.objective} opt ${opt} answer ${r.objective}`);
      }
    }
    expect(bad).toEqual([]);
    expect(optimal).toBeGreaterThan(cases * 0.9); // measured: 119 of 120
  });
});

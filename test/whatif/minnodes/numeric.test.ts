/**
 * minNodes' numeric core (src/whatif/minnodes/{bounds,heuristics,search,solve}.ts) on the reference
 * instances of ../shared/data/binpacking: a bound is never above a known optimum (nor above the
 * best known packing), an answer is never below the bound nor worse than first-fit decreasing, the
 * search is deterministic for a seed, and priced templates give the cheapest mix on cases whose
 * answer is known.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lowerBounds, martelloTothL2 } from '../../../src/whatif/minnodes/bounds.js';
import { templateWeights } from '../../../src/whatif/minnodes/model.js';
import { plainModel, solveNumeric } from '../../../src/whatif/minnodes/solve.js';
import { DATA, loadInstances, type BinPackingInstance as Instance } from '../../../bench/minnodes/instances.mjs';

const HAVE_DATA = existsSync(DATA);
const ALL: Instance[] = HAVE_DATA ? loadInstances() : [];
const modelOf = (inst: Instance) => plainModel(inst.capacity.map((_, d) => `d${d}`), [{ name: 'bin', capacity: inst.capacity }], inst.items);
/** The best packing known for an instance: its optimum, else the published best heuristic. */
const bestKnown = (inst: Instance): number => (inst.opt > 0 ? inst.opt : inst.published?.overall ?? Infinity);

describe.skipIf(!HAVE_DATA)('minNodes bounds on every reference instance', () => {
  it('loads every instance of the shared data (310 vbp d=3, 80 2-D triplets, 68 1-D)', () => {
    const count = (set: string) => ALL.filter((i) => i.set === set).length;
    expect([count('panigrahy'), count('new'), count('triplet'), count('triplet2d'), count('bpp1d')]).toEqual([162, 108, 40, 80, 68]);
  });

  it('no bound exceeds the known optimum (or the best known packing), on all 458 instances', () => {
    const bad: string[] = [];
    let tight = 0;
    for (const inst of ALL) {
      const m = modelOf(inst);
      const b = lowerBounds(m, 'nodes', templateWeights(m, 'nodes'));
      if (b.nodes > bestKnown(inst)) bad.push(`${inst.name}: bound ${b.nodes} (volume ${b.volume}, L2 ${b.l2}, conflict ${b.conflict}) > ${bestKnown(inst)}`);
      if (b.nodes === inst.opt) tight++;
    }
    expect(bad).toEqual([]);
    expect(tight).toBeGreaterThan(ALL.length / 2);
  });

  it('the heuristic portfolio (no search) is never below the bound nor worse than FFD, on all instances', () => {
    const bad: string[] = [];
    for (const inst of ALL) {
      const r = solveNumeric(modelOf(inst), { noSearch: true });
      if (r.unplaced.length > 0 || r.nodes < r.bounds.nodes || r.nodes > r.ffd.nodes) bad.push(`${inst.name}: ${r.nodes} bound ${r.bounds.nodes} ffd ${r.ffd.nodes}`);
    }
    expect(bad).toEqual([]);
  }, 120_000);

  it('with the local search, on a deterministic sample (every 6th instance): >= bound, >= optimum, <= FFD, each pod placed once', () => {
    const bad: string[] = [];
    const sample = ALL.filter((_, k) => k % 6 === 0);
    for (const inst of sample) {
      const m = modelOf(inst);
      const r = solveNumeric(m, { effortMax: 2_000_000, timeLimitSeconds: 30 });
      // Feasibility: every item on one bin, every bin within capacity in every dimension.
      const D = m.dims;
      const load = new Float64Array(r.nodes * D);
      for (let i = 0; i < m.items; i++) for (let d = 0; d < D; d++) load[r.snapshot.itemBin[i]! * D + d]! += m.req[i * D + d]!;
      const over = Array.from(load).some((l, k) => l > inst.capacity[k % D]!);
      if (over || r.unplaced.length > 0 || r.nodes < r.bounds.nodes || r.nodes > r.ffd.nodes || (inst.opt > 0 && r.nodes < inst.opt)) {
        bad.push(`${inst.name}: ${r.nodes} bound ${r.bounds.nodes} ffd ${r.ffd.nodes} opt ${inst.opt} overfull ${over}`);
      }
    }
    expect(sample.length).toBeGreaterThan(70);
    expect(bad).toEqual([]);
  }, 300_000);
});

describe('Martello-Toth L2', () => {
  it.each([
    // sizes, capacity, L2
    [[60, 60, 60], 100, 3], // three items > C/2
    [[70, 30, 30, 30], 100, 2], // volume 1.6 -> 2
    [[99, 99, 50, 50, 2, 2], 100, 4], // J1 = {99, 99}; 50s pair up (volume alone says 3)
    [[51, 51, 51, 49, 49, 49], 100, 3],
    [[], 100, 0],
  ])('L2(%j, %i) = %i', (sizes, c, want) => {
    expect(martelloTothL2(sizes, c)).toBe(want);
  });
});

describe('minNodes numeric core: determinism and templates', () => {
  const items = Array.from({ length: 90 }, (_, i) => [10 + ((i * 37) % 50), 5 + ((i * 53) % 60)]);

  it('is deterministic for a seed (same packing, item by item)', () => {
    const m = plainModel(['cpu', 'memory'], [{ name: 'n', capacity: [100, 100] }], items);
    const a = solveNumeric(m, { seed: 3, effortMax: 500_000 });
    const b = solveNumeric(m, { seed: 3, effortMax: 500_000 });
    expect(Array.from(a.snapshot.itemBin)).toEqual(Array.from(b.snapshot.itemBin));
    expect(a.nodes).toBeGreaterThanOrEqual(a.bounds.nodes);
  });

  it('cost: one big node at 1.5 beats two small at 1 each; nodes: the big one too (fewer)', () => {
    const four = [[2, 1], [2, 1], [2, 1], [2, 1]];
    const m = plainModel(['cpu', 'memory'], [{ name: 'small', capacity: [4, 4], price: 1 }, { name: 'big', capacity: [8, 8], price: 1.5 }], four);
    const r = solveNumeric(m, { objective: 'cost' });
    expect(r.byTemplate).toEqual([0, 1]);
    expect(r.objective).toBe(1.5);
    expect(r.bounds.objective).toBeLessThanOrEqual(1.5);
  });

  it('cost: small nodes when the big one costs more than the smalls it replaces', () => {
    const four = [[2, 1], [2, 1], [2, 1], [2, 1]];
    const m = plainModel(['cpu', 'memory'], [{ name: 'small', capacity: [4, 4], price: 1 }, { name: 'big', capacity: [8, 8], price: 2.5 }], four);
    const r = solveNumeric(m, { objective: 'cost' });
    expect(r.byTemplate).toEqual([2, 0]);
    expect(r.objective).toBe(2);
    expect(r.bounds.objective).toBeLessThanOrEqual(2);
  });

  it('cost: a mix (one big for the large items, smalls for the rest) and the max per template', () => {
    // Two items need the big shape; eight small ones fill two smalls exactly.
    const its = [[6, 6], [6, 6], ...Array.from({ length: 8 }, () => [2, 2])];
    const tpl = [{ name: 'small', capacity: [4, 4], price: 1 }, { name: 'big', capacity: [8, 8], price: 1.8 }];
    const m = plainModel(['cpu', 'memory'], tpl, its);
    const r = solveNumeric(m, { objective: 'cost' });
    // Optimum: 2 big (6+2 each), 1 big (4 x 2), 1 small (2 x 2) = 3 x 1.8 + 1 = 6.4 (2 big + 3
    // small is 6.6; 4 big 7.2); the bound is at most that.
    expect(r.objective).toBeCloseTo(6.4, 9);
    expect(r.byTemplate).toEqual([1, 3]);
    expect(r.bounds.objective).toBeLessThanOrEqual(6.4 + 1e-9);
    const capped = solveNumeric(plainModel(['cpu', 'memory'], [tpl[0]!, { ...tpl[1]!, max: 2 }], [...its, [6, 6]]), { objective: 'cost' });
    expect(capped.unplaced).toEqual([10]);
  });

  it('items no template holds are left unplaced and out of the bound', () => {
    const m = plainModel(['cpu'], [{ name: 'n', capacity: [10] }], [[11], [5], [5]]);
    const r = solveNumeric(m);
    expect(r.unplaced).toEqual([0]);
    expect(r.nodes).toBe(1);
    expect(r.bounds.nodes).toBe(1);
  });
});

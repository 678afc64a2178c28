/**
 * The numeric core of minNodes, end to end: bounds, the heuristic portfolio (best kept), then the
 * local search until the bound, the effort budget or the deadline. Pure: a VectorModel in, a
 * packing out; no plugin, no ClusterState (index.ts does the Kubernetes side).
 *
 * Several templates with prices: each heuristic is run with the best-value template policy and
 * with each template alone (heuristics.ts); every added node is then moved to the cheapest template
 * that still holds its pods (Packing.downgrade), and the local search empties the nodes of least
 * fill per unit of price. No LP: the portfolio covers the pure mixes and the value-greedy mix, the
 * search and the downgrade pass mix them further.
 */
import { lowerBounds, type LowerBounds } from './bounds.js';
import { bestOf, FFD_BASELINE, heuristicContext, heuristicName, heuristicPortfolio, runHeuristic, type HeuristicContext, type HeuristicResult, type HeuristicSpec } from './heuristics.js';
import { bestOfParallel, type JobRunner } from './jobs.js';
import { templateWeights, type Objective, type Snapshot, type VectorModel } from './model.js';
import { objectiveOf } from './packing.js';
import { localSearch, type SearchResult } from './search.js';

/** Settings of a numeric solve. */
export interface NumericOptions {
  readonly objective?: Objective;
  readonly seed?: number;
  /** Wall-clock limit in seconds (the safety net; default 10). */
  readonly timeLimitSeconds?: number;
  /** Local search move evaluations (the deterministic budget; default EFFORT_DEFAULT). */
  readonly effortMax?: number;
  /** Skip the local search (heuristics only). */
  readonly noSearch?: boolean;
  /** Run these heuristics instead of the whole portfolio. */
  readonly heuristics?: readonly HeuristicSpec[];
}

/** Default local-search budget: about 2-4 s of move evaluations on this machine class. */
export const EFFORT_DEFAULT = 60_000_000;

/** A numeric answer. */
export interface NumericResult {
  readonly snapshot: Snapshot;
  /** Added nodes. */
  readonly nodes: number;
  /** Objective value (nodes, or the summed price). */
  readonly objective: number;
  readonly byTemplate: number[];
  readonly bounds: LowerBounds;
  /** Items no node can hold. */
  readonly unplaced: number[];
  /** The heuristic whose packing the search started from. */
  readonly heuristic: string;
  /** First-fit decreasing (L1)'s objective and nodes, for comparison. */
  readonly ffd: { readonly objective: number; readonly nodes: number };
  readonly search?: Omit<SearchResult, 'snapshot'>;
  readonly seconds: number;
}

/** Solves the numeric model. */
export function solveNumeric(m: VectorModel, opts: NumericOptions = {}): NumericResult {
  const s = setup(m, opts);
  return finish(m, opts, s, bestOf(s.ctx, s.specs));
}

/**
 * Solves the numeric model with the heuristic portfolio spread over a worker pool (jobs.ts); the
 * answer equals solveNumeric's for the same options.
 */
export async function solveNumericParallel(m: VectorModel, runner: JobRunner, opts: NumericOptions = {}): Promise<NumericResult> {
  const s = setup(m, opts);
  const best = await bestOfParallel(runner, m, s.objective, s.weights, s.bounds.nodes, s.specs);
  return finish(m, opts, s, best);
}

interface Setup {
  readonly t0: number;
  readonly objective: Objective;
  readonly weights: Float64Array;
  readonly bounds: LowerBounds;
  readonly ctx: HeuristicContext;
  readonly specs: readonly HeuristicSpec[];
}

function setup(m: VectorModel, opts: NumericOptions): Setup {
  const t0 = performance.now();
  const objective = opts.objective ?? 'nodes';
  const weights = templateWeights(m, objective);
  const bounds = lowerBounds(m, objective, weights);
  const ctx = heuristicContext(m, objective, weights, bounds.nodes);
  return { t0, objective, weights, bounds, ctx, specs: opts.heuristics ?? heuristicPortfolio(m, bounds.nodes) };
}

/** The FFD baseline, the local search from the best heuristic packing, and the answer. */
function finish(m: VectorModel, opts: NumericOptions, s: Setup, best: HeuristicResult & { index: number }): NumericResult {
  const { t0, objective, weights, bounds, ctx } = s;
  const seed = opts.seed ?? 1;
  const deadlineMs = t0 + 1000 * (opts.timeLimitSeconds ?? 10);
  const ffdRun = runHeuristic(ctx, FFD_BASELINE);
  let snapshot = best.snapshot;
  let search: Omit<SearchResult, 'snapshot'> | undefined;
  if (!opts.noSearch && best.unplaced === ffdRun.unplaced) {
    const r = localSearch(m, weights, ctx.size, snapshot, {
      seed, effortMax: opts.effortMax ?? EFFORT_DEFAULT, deadlineMs, lowerBound: bounds.objective,
    });
    snapshot = r.snapshot;
    const { snapshot: _s, ...rest } = r;
    search = rest;
  }
  const byTemplate = new Array<number>(m.templates.length).fill(0);
  for (const t of snapshot.binTemplate) byTemplate[t]!++;
  const unplaced: number[] = [];
  for (let i = 0; i < m.items; i++) if (snapshot.itemBin[i]! < 0) unplaced.push(i);
  return {
    snapshot, nodes: snapshot.binTemplate.length, objective: objectiveOf(objective, snapshot, weights), byTemplate, bounds, unplaced,
    heuristic: heuristicName(best.spec),
    ffd: { objective: objectiveOf(objective, ffdRun.snapshot, weights), nodes: ffdRun.snapshot.binTemplate.length },
    ...(search ? { search } : {}),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** One bin shape for a plain vector instance. */
export interface PlainTemplate {
  readonly name: string;
  readonly capacity: readonly number[];
  readonly price?: number;
  readonly max?: number;
}

/**
 * A VectorModel for a plain vector bin-packing instance: no existing nodes, no constraints, every
 * item allowed on every template (benchmarks, tests, what-ifs without a cluster).
 */
export function plainModel(dimNames: readonly string[], templates: readonly PlainTemplate[], items: readonly (readonly number[])[]): VectorModel {
  const D = dimNames.length;
  const n = items.length;
  const req = new Float64Array(n * D);
  items.forEach((r, i) => r.forEach((x, d) => (req[i * D + d] = x)));
  const shapeOf = new Map<string, number>();
  const shape = Int32Array.from(items, (r) => {
    const k = r.join(',');
    let s = shapeOf.get(k);
    if (s === undefined) shapeOf.set(k, (s = shapeOf.size));
    return s;
  });
  const templateCap = new Float64Array(templates.length * D);
  templates.forEach((t, k) => t.capacity.forEach((x, d) => (templateCap[k * D + d] = x)));
  return {
    dims: D, dimNames: [...dimNames], items: n, req, group: new Int32Array(n), groups: 1, shape, shapes: shapeOf.size,
    existing: 0, existingCap: new Float64Array(0), existingLoad: new Float64Array(0),
    templates: templates.map((t) => ({ name: t.name, price: t.price ?? 1, max: t.max ?? Infinity })),
    templateCap, allowExisting: new Uint8Array(0), allowTemplate: new Uint8Array(templates.length).fill(1),
    groupCap: new Int32Array(1), constrained: new Int32Array(0), constrainedIndex: new Int32Array(1).fill(-1), conflict: new Uint8Array(0),
  };
}

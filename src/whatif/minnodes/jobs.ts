/**
 * `--workers` for minNodes: the heuristics of the portfolio are independent, so they can run on
 * the worker pool (src/parallel/pool.ts runJobs). Each job runs a slice of the portfolio on a
 * structured clone of the model (plain typed arrays) and returns every packing; the main thread
 * keeps the best in portfolio order with the same tie-break as bestOf (the earlier wins), so the
 * answer equals the one of workers 0, packing for packing.
 */
import type { Job } from '../../parallel/messages.js';
import { betterThan } from './packing.js';
import { heuristicContext, runHeuristic, type HeuristicResult, type HeuristicSpec } from './heuristics.js';
import type { Objective, VectorModel } from './model.js';

/** One slice of the portfolio. */
export interface PortfolioSlice {
  readonly model: VectorModel;
  readonly objective: Objective;
  readonly weights: Float64Array;
  readonly binsLowerBound: number;
  /** [portfolio index, heuristic] pairs. */
  readonly specs: ReadonlyArray<readonly [number, HeuristicSpec]>;
}

/** A slice's packings, each with its portfolio index. */
export type SliceResult = Array<HeuristicResult & { index: number }>;

/** Runs a slice (on a worker, or in the calling thread when a task falls back). */
export async function runPortfolioSlice(slice: PortfolioSlice): Promise<SliceResult> {
  const ctx = heuristicContext(slice.model, slice.objective, slice.weights, slice.binsLowerBound);
  return slice.specs.map(([index, spec]) => ({ ...runHeuristic(ctx, spec), index }));
}

/** The pool job. */
export const PORTFOLIO_SLICE_JOB: Job<PortfolioSlice, SliceResult> = {
  moduleUrl: import.meta.url,
  exportName: 'runPortfolioSlice',
  run: runPortfolioSlice,
};

/** What runs jobs: a WorkerPool (its runJobs), or anything with the same contract. */
export interface JobRunner {
  readonly threads: number;
  runJobs<A, R>(job: Job<A, R>, argsList: readonly A[]): Promise<R[]>;
}

/** Runs the portfolio over the runner's threads (round-robin slices) and keeps the best as bestOf does. */
export async function bestOfParallel(
  runner: JobRunner, model: VectorModel, objective: Objective, weights: Float64Array, binsLowerBound: number, specs: readonly HeuristicSpec[],
): Promise<HeuristicResult & { index: number }> {
  const k = Math.max(1, Math.min(runner.threads, specs.length));
  const slices: PortfolioSlice[] = Array.from({ length: k }, (_, s) => ({
    model, objective, weights, binsLowerBound, specs: specs.flatMap((h, i) => (i % k === s ? [[i, h] as const] : [])),
  }));
  const all = (await runner.runJobs(PORTFOLIO_SLICE_JOB, slices)).flat().sort((a, b) => a.index - b.index);
  let best: (HeuristicResult & { index: number }) | undefined;
  for (const r of all) {
    if (!best || betterThan(r.unplaced, r.objective, r.snapshot.binTemplate.length, best.unplaced, best.objective, best.snapshot.binTemplate.length)) best = r;
  }
  if (!best) throw new Error('minNodes: no heuristic to run');
  return best;
}

/**
 * Constructive heuristics for the numeric model, the families Mommessin, Erlebach and Shakhlevich
 * ("Classification and evaluation of the algorithms for vector bin packing", C&OR 2025) found
 * best, with the orderings the autoscalers use (CAPACITY-FACTS.md §3, §4):
 *
 * - item-centric: items sorted by a size measure, largest first, each into the first bin that
 *   fits (FFD) or the one it leaves fullest (BFD). Measures of the normalised request vector r:
 *   L1 (sum), L2, Linf (max), `avg` (each dimension weighted by the total demand in it, Panigrahy
 *   et al.'s FFDAvgSum), `ca` (cluster-autoscaler's estimator: cpu + memory shares) and `karpenter`
 *   (cpu, then memory, descending);
 * - bin-centric: fill one bin at a time with the fitting item of best score: largest size, largest
 *   dot product with the bin's free capacity (Panigrahy's DotProduct), or smallest L2 norm of what
 *   is left after it;
 * - multi-bin: open as many bins as the lower bound says at once, then place items (L2 order) on
 *   the emptiest (WFD) or fullest (BFD) bin that holds them, opening more only when none does;
 *   and pairing: with m bins open, repeatedly place the (item, bin) pair of largest dot product
 *   of request and free capacity, m found by binary search between the bound and FFD's count.
 *
 * Existing nodes are bins from the start, always first, so their free capacity is used first. A new
 * bin's template is the one the heuristic's template policy names (a single template, or the best
 * value per weight); afterwards each added bin moves to the cheapest template that holds it.
 */
import { itemWeights, referenceCapacity, type Objective, type Snapshot, type VectorModel } from './model.js';
import { betterThan, Packing, snapshotObjective } from './packing.js';

/** Item-centric size measures. */
export const MEASURES = ['l1', 'l2', 'linf', 'avg', 'ca', 'karpenter'] as const;
export type Measure = (typeof MEASURES)[number];

/** One heuristic run: a family, its rule, and which template new bins get (-1: best value). */
export type HeuristicSpec =
  | { readonly kind: 'item'; readonly measure: Measure; readonly rule: 'ff' | 'bf'; readonly template: number }
  | { readonly kind: 'bin'; readonly score: 'size' | 'dot' | 'l2'; readonly template: number }
  | { readonly kind: 'multi'; readonly rule: 'wf' | 'bf'; readonly template: number }
  | { readonly kind: 'pairing'; readonly template: number };

/** A heuristic's name for reports (`ffd-l2`, `bc-dot`, `mb-wfd`, with `@t` for a fixed template). */
export function heuristicName(h: HeuristicSpec): string {
  const at = h.template >= 0 ? `@${h.template}` : '';
  if (h.kind === 'item') return `${h.rule}d-${h.measure}${at}`;
  if (h.kind === 'bin') return `bc-${h.score}${at}`;
  if (h.kind === 'pairing') return `mb-pairing${at}`;
  return `mb-${h.rule}d${at}`;
}

/**
 * Multi-bin pairing scans every (remaining shape, bin) pair per placement, for each bin count of
 * its binary search: left out of the portfolio above this many pair scans per count.
 */
const PAIRING_WORK_MAX = 10_000_000;

/** Bin-centric runs scan every remaining shape per placement: skipped above this many shape scans. */
const BIN_CENTRIC_WORK_MAX = 40_000_000;

/** The portfolio: every family and measure, for the best-value policy and for each template alone (when there are several). */
export function heuristicPortfolio(m: VectorModel, binsLowerBound = 0): HeuristicSpec[] {
  const policies = m.templates.length > 1 ? [-1, ...m.templates.map((_, t) => t)] : [-1];
  const out: HeuristicSpec[] = [];
  for (const template of policies) {
    for (const measure of MEASURES) for (const rule of ['ff', 'bf'] as const) out.push({ kind: 'item', measure, rule, template });
    if (m.items * m.shapes <= BIN_CENTRIC_WORK_MAX) for (const score of ['size', 'dot', 'l2'] as const) out.push({ kind: 'bin', score, template });
    for (const rule of ['wf', 'bf'] as const) out.push({ kind: 'multi', rule, template });
    if (m.items * m.shapes * (m.existing + 2 * binsLowerBound + 1) <= PAIRING_WORK_MAX) out.push({ kind: 'pairing', template });
  }
  return out;
}

/** First-fit decreasing by the L1 size: the baseline every answer must match or beat. */
export const FFD_BASELINE: HeuristicSpec = { kind: 'item', measure: 'l1', rule: 'ff', template: -1 };

/** What the heuristics share for one model: normalisation, demand weights and template values. */
export interface HeuristicContext {
  readonly m: VectorModel;
  readonly objective: Objective;
  readonly weights: Float64Array;
  readonly ref: Float64Array;
  /** Per dimension, the total normalised demand (Panigrahy's average-sum weights, unscaled). */
  readonly demand: Float64Array;
  /** Normalised L1 size of each item. */
  readonly size: Float64Array;
  /** Lower bound on added bins (multi-bin opens this many). */
  readonly binsLowerBound: number;
}

/** Builds the shared context. */
export function heuristicContext(m: VectorModel, objective: Objective, weights: Float64Array, binsLowerBound: number): HeuristicContext {
  const ref = referenceCapacity(m);
  const D = m.dims;
  const demand = new Float64Array(D);
  for (let i = 0; i < m.items; i++) for (let d = 0; d < D; d++) demand[d]! += m.req[i * D + d]! / ref[d]!;
  return { m, objective, weights, ref, demand, size: itemWeights(m, ref), binsLowerBound };
}

/** The result of one heuristic. */
export interface HeuristicResult {
  readonly spec: HeuristicSpec;
  readonly snapshot: Snapshot;
  readonly unplaced: number;
  readonly objective: number;
}

/** Runs one heuristic (then moves added bins to their cheapest template). */
export function runHeuristic(ctx: HeuristicContext, h: HeuristicSpec): HeuristicResult {
  const p = h.kind === 'pairing' ? pairing(ctx, h.template) : new Packing(ctx.m, ctx.weights);
  if (h.kind === 'item') itemCentric(ctx, p, h.measure, h.rule, h.template);
  else if (h.kind === 'bin') binCentric(ctx, p, h.score, h.template);
  else if (h.kind === 'multi') multiBin(ctx, p, h.rule, h.template);
  p.closeEmpty();
  p.downgrade();
  const snapshot = p.snapshot();
  return { spec: h, snapshot, unplaced: p.unplaced(), objective: snapshotObjective(snapshot, ctx.weights) };
}

/** Runs heuristics in order and keeps the best (ties: the earlier). */
export function bestOf(ctx: HeuristicContext, specs: readonly HeuristicSpec[]): HeuristicResult & { index: number } {
  let best: (HeuristicResult & { index: number }) | undefined;
  specs.forEach((h, index) => {
    const r = runHeuristic(ctx, h);
    if (!best || betterThan(r.unplaced, r.objective, r.snapshot.binTemplate.length, best.unplaced, best.objective, best.snapshot.binTemplate.length)) best = { ...r, index };
  });
  if (!best) throw new Error('minNodes: no heuristic to run');
  return best;
}

/** Item order for a measure: largest first, ties by item index (deterministic). */
export function itemOrder(ctx: HeuristicContext, measure: Measure): Int32Array {
  const { m, ref, demand } = ctx;
  const D = m.dims;
  const n = m.items;
  const key = new Float64Array(n);
  const key2 = new Float64Array(n);
  const cpu = m.dimNames.indexOf('cpu');
  const mem = m.dimNames.indexOf('memory');
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < D; d++) {
      const r = m.req[i * D + d]! / ref[d]!;
      switch (measure) {
        case 'l1': s += r; break;
        case 'l2': s += r * r; break;
        case 'linf': s = Math.max(s, r); break;
        case 'avg': s += r * demand[d]!; break;
        case 'ca': if (d === cpu || d === mem || (cpu < 0 && mem < 0)) s += r; break;
        case 'karpenter': break;
      }
    }
    if (measure === 'karpenter') {
      key[i] = cpu >= 0 ? m.req[i * D + cpu]! : 0;
      key2[i] = mem >= 0 ? m.req[i * D + mem]! : 0;
    } else key[i] = s;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => key[b]! - key[a]! || key2[b]! - key2[a]! || a - b);
  return order;
}

/**
 * The template a new bin for item i gets: the fixed one when it can hold i, else the best value:
 * the most normalised capacity (weighted by where the demand is) per unit of objective weight.
 */
export function pickTemplate(ctx: HeuristicContext, p: Packing, i: number, fixed: number): number {
  const { m } = ctx;
  const D = m.dims;
  const holds = (t: number): boolean => {
    if (!p.canOpen(t) || m.allowTemplate[m.group[i]! * m.templates.length + t] !== 1) return false;
    for (let d = 0; d < D; d++) {
      const r = m.req[i * D + d]!;
      if (r > 0 && r > m.templateCap[t * D + d]!) return false;
    }
    return true;
  };
  if (fixed >= 0 && holds(fixed)) return fixed;
  let best = -1;
  let bestValue = -Infinity;
  for (let t = 0; t < m.templates.length; t++) {
    if (!holds(t)) continue;
    let v = 0;
    for (let d = 0; d < D; d++) v += (ctx.demand[d]! + 1e-9) * Math.min(1, m.templateCap[t * D + d]! / ctx.ref[d]!);
    v /= Math.max(ctx.weights[t]!, 1e-12);
    if (v > bestValue + 1e-12) {
      bestValue = v;
      best = t;
    }
  }
  return best;
}

/** Normalised free capacity left in bin b after adding item i (L1): best fit minimises it. */
function slackAfter(ctx: HeuristicContext, p: Packing, b: number, i: number): number {
  const D = p.D;
  let s = 0;
  for (let d = 0; d < D; d++) s += (p.cap[b * D + d]! - p.load[b * D + d]! - ctx.m.req[i * D + d]!) / ctx.ref[d]!;
  return s;
}

function itemCentric(ctx: HeuristicContext, p: Packing, measure: Measure, rule: 'ff' | 'bf', fixed: number): void {
  const { m } = ctx;
  const order = itemOrder(ctx, measure);
  // First fit: loads only grow, so a bin a shape did not fit stays closed to it; each shape
  // resumes its scan where it stopped.
  const resume = new Int32Array(m.shapes);
  for (const i of order) {
    let chosen = -1;
    if (rule === 'ff') {
      const s = m.shape[i]!;
      for (let b = resume[s]!; b < p.bins; b++) {
        if (p.alive[b] === 1 && p.fits(i, b)) {
          chosen = b;
          break;
        }
        resume[s] = b + 1;
      }
    } else {
      let best = Infinity;
      for (let b = 0; b < p.bins; b++) {
        if (p.alive[b] !== 1 || !p.fits(i, b)) continue;
        const s = slackAfter(ctx, p, b, i);
        if (s < best) {
          best = s;
          chosen = b;
        }
      }
    }
    if (chosen < 0) chosen = openFor(ctx, p, i, fixed);
    if (chosen >= 0) p.add(i, chosen);
  }
}

/** Opens a bin for item i (null when no template can hold it). */
function openFor(ctx: HeuristicContext, p: Packing, i: number, fixed: number): number {
  const t = pickTemplate(ctx, p, i, fixed);
  if (t < 0) return -1;
  const b = p.open(t);
  if (!p.fits(i, b)) {
    p.close(b);
    return -1;
  }
  return b;
}

/** Remaining items grouped by shape, largest first: what the bin-centric scan walks. */
class ShapePool {
  /** Items not taken yet. */
  remaining: number;

  constructor(
    /** A representative item per shape. */
    readonly rep: Int32Array,
    /** Each shape's items in the order they are taken. */
    readonly items: Int32Array[],
    /** Items of each shape not taken yet. */
    readonly left: Int32Array,
  ) {
    let n = 0;
    for (const x of left) n += x;
    this.remaining = n;
  }

  /** Takes the next item of shape k. */
  take(k: number): number {
    const items = this.items[k]!;
    const i = items[items.length - this.left[k]!]!;
    this.left[k]!--;
    this.remaining--;
    return i;
  }
}

function shapePool(ctx: HeuristicContext): ShapePool {
  const { m } = ctx;
  const lists: number[][] = Array.from({ length: m.shapes }, () => []);
  const order = itemOrder(ctx, 'l1');
  for (const i of order) lists[m.shape[i]!]!.push(i);
  const shapes = Array.from({ length: m.shapes }, (_, s) => s).filter((s) => lists[s]!.length > 0);
  shapes.sort((a, b) => ctx.size[lists[b]![0]!]! - ctx.size[lists[a]![0]!]! || a - b);
  return new ShapePool(
    Int32Array.from(shapes, (s) => lists[s]![0]!),
    shapes.map((s) => Int32Array.from(lists[s]!)),
    Int32Array.from(shapes, (s) => lists[s]!.length),
  );
}

function binCentric(ctx: HeuristicContext, p: Packing, score: 'size' | 'dot' | 'l2', fixed: number): void {
  const { m, ref } = ctx;
  const D = m.dims;
  const pool = shapePool(ctx);
  const fill = (b: number): void => {
    for (;;) {
      let bestK = -1;
      let best = -Infinity;
      for (let k = 0; k < pool.rep.length; k++) {
        if (pool.left[k] === 0) continue;
        const i = pool.rep[k]!;
        if (!p.fits(i, b)) continue;
        let v = 0;
        if (score === 'size') v = ctx.size[i]!;
        else {
          for (let d = 0; d < D; d++) {
            const r = m.req[i * D + d]! / ref[d]!;
            const free = (p.cap[b * D + d]! - p.load[b * D + d]!) / ref[d]!;
            v += score === 'dot' ? r * free : -((free - r) * (free - r));
          }
        }
        if (v > best + 1e-12) {
          best = v;
          bestK = k;
        }
      }
      if (bestK < 0) return;
      p.add(pool.take(bestK), b);
    }
  };
  for (let e = 0; e < p.E && pool.remaining > 0; e++) fill(e);
  // New bins, each opened for the largest item left (which then goes first).
  while (pool.remaining > 0) {
    let k = 0;
    while (pool.left[k] === 0) k++;
    const b = openFor(ctx, p, pool.rep[k]!, fixed);
    if (b < 0) {
      pool.take(k); // no template holds it: it stays unplaced
      continue;
    }
    p.add(pool.take(k), b);
    fill(b);
  }
}

function multiBin(ctx: HeuristicContext, p: Packing, rule: 'wf' | 'bf', fixed: number): void {
  const order = itemOrder(ctx, 'l2');
  const first = order[0];
  if (first !== undefined) {
    const t = pickTemplate(ctx, p, first, fixed);
    if (t >= 0) for (let k = 0; k < ctx.binsLowerBound && p.canOpen(t); k++) p.open(t);
  }
  for (const i of order) {
    let chosen = -1;
    let best = rule === 'bf' ? Infinity : -Infinity;
    for (let b = 0; b < p.bins; b++) {
      if (p.alive[b] !== 1 || !p.fits(i, b)) continue;
      const s = slackAfter(ctx, p, b, i);
      if (rule === 'bf' ? s < best : s > best) {
        best = s;
        chosen = b;
      }
    }
    if (chosen < 0) chosen = openFor(ctx, p, i, fixed);
    if (chosen >= 0) p.add(i, chosen);
  }
}

/**
 * Multi-bin pairing (Mommessin et al.'s MB-Pairing with the dot-product score): the fewest bins m,
 * by binary search between the lower bound and first-fit decreasing's count, for which pairing
 * places every item without opening more; FFD's packing when no m below its count works.
 */
function pairing(ctx: HeuristicContext, fixed: number): Packing {
  let best = new Packing(ctx.m, ctx.weights);
  itemCentric(ctx, best, 'l1', 'ff', fixed);
  best.closeEmpty();
  let lo = ctx.binsLowerBound;
  let hi = best.addedBins - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const q = pairingWith(ctx, fixed, mid);
    q.closeEmpty();
    if (betterThan(q.unplaced(), q.objectiveValue, q.addedBins, best.unplaced(), best.objectiveValue, best.addedBins)) best = q;
    if (q.addedBins <= mid) hi = mid - 1;
    else lo = mid + 1;
  }
  return best;
}

/** Pairing with `count` added bins open from the start (more opened only for an item no bin holds). */
function pairingWith(ctx: HeuristicContext, fixed: number, count: number): Packing {
  const { m, ref } = ctx;
  const D = m.dims;
  const p = new Packing(m, ctx.weights);
  const pool = shapePool(ctx);
  const t = pool.rep.length > 0 ? pickTemplate(ctx, p, pool.rep[0]!, fixed) : -1;
  if (t >= 0) for (let k = 0; k < count && p.canOpen(t); k++) p.open(t);
  while (pool.remaining > 0) {
    let bestK = -1;
    let bestB = -1;
    let best = -Infinity;
    for (let k = 0; k < pool.rep.length; k++) {
      if (pool.left[k] === 0) continue;
      const i = pool.rep[k]!;
      for (let b = 0; b < p.bins; b++) {
        if (p.alive[b] !== 1 || !p.fits(i, b)) continue;
        let v = 0;
        for (let d = 0; d < D; d++) v += (m.req[i * D + d]! / ref[d]!) * ((p.cap[b * D + d]! - p.load[b * D + d]!) / ref[d]!);
        if (v > best + 1e-12) {
          best = v;
          bestK = k;
          bestB = b;
        }
      }
    }
    if (bestK >= 0) {
      p.add(pool.take(bestK), bestB);
      continue;
    }
    let k = 0;
    while (pool.left[k] === 0) k++;
    const b = openFor(ctx, p, pool.rep[k]!, fixed);
    const i = pool.take(k);
    if (b >= 0) p.add(i, b);
  }
  return p;
}

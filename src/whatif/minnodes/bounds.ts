/**
 * Lower bounds for minNodes: how few added nodes (or how little cost) any packing can need. A
 * bound is a relaxation, so every one here is valid whatever the filters later say:
 *
 * - the "big bin": a node with, per dimension, the largest allocatable of any template holds
 *   everything a node of any template holds, so bounds computed for big bins hold for the mix;
 * - items that fit no existing node alone ("forced" items) can only go to added nodes: the
 *   per-item bounds (Martello-Toth L2, conflict clique) count only those;
 * - volume: existing nodes absorb at most their free capacity, the rest needs
 *   ceil(rest / bigCap) big bins in each dimension;
 * - Martello and Toth's L2 (1990, "Lower bounds and reduction procedures for the bin packing
 *   problem") per dimension: for a threshold a <= C/2, items > C - a each need their own bin
 *   (J1), items in (C/2, C - a] too (J2), and items in [a, C/2] (J3) fill at best what J2 leaves:
 *   L(a) = |J1| + |J2| + max(0, ceil((sum J3 - (|J2| C - sum J2)) / C)); L2 = max over a;
 * - conflict clique: items that pairwise cannot share a node (their sum exceeds the big bin in some
 *   dimension, or their groups conflict / are capped at one per node) each need their own node;
 *   a greedy clique, largest items first.
 * - cost: the node bound times the cheapest price, and per dimension the fractional cover
 *   rest_d / max_t(cap_td / price_t) (the cheapest capacity per unit of price, as an LP would).
 */
import type { Objective, VectorModel } from './model.js';
import { fitsExistingAlone, fitsEmptyTemplate } from './model.js';

/** Slack for ceil() of sums of exact integers stored as floats. */
const EPS = 1e-9;

const ceilEps = (x: number): number => Math.max(0, Math.ceil(x - EPS));

/** Each bound, in added nodes (and cost). */
export interface LowerBounds {
  /** Volume bound (all items, existing free capacity subtracted). */
  readonly volume: number;
  /** Martello-Toth L2, best dimension, over forced items. */
  readonly l2: number;
  /** Pairwise-conflicting forced items. */
  readonly conflict: number;
  /** The best of the three: a bound on added nodes. */
  readonly nodes: number;
  /** A bound on the objective (nodes, or the summed price of added nodes). */
  readonly objective: number;
}

/** Per dimension, the largest allocatable of any template (0 when there is none). */
export function bigBinCapacity(m: VectorModel): Float64Array {
  const D = m.dims;
  const cap = new Float64Array(D);
  for (let t = 0; t < m.templates.length; t++) for (let d = 0; d < D; d++) cap[d] = Math.max(cap[d]!, m.templateCap[t * D + d]!);
  return cap;
}

/** Items some template can hold (the others are unschedulable and left out of every bound). */
function placeable(m: VectorModel, i: number): boolean {
  for (let t = 0; t < m.templates.length; t++) if (fitsEmptyTemplate(m, i, t)) return true;
  for (let e = 0; e < m.existing; e++) if (fitsExistingAlone(m, i, e)) return true;
  return false;
}

/** Items that fit no existing node alone but some template. */
export function forcedItems(m: VectorModel): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.items; i++) {
    let existing = false;
    for (let e = 0; e < m.existing && !existing; e++) existing = fitsExistingAlone(m, i, e);
    if (existing) continue;
    for (let t = 0; t < m.templates.length; t++) {
      if (fitsEmptyTemplate(m, i, t)) {
        out.push(i);
        break;
      }
    }
  }
  return out;
}

/** Volume bound: per dimension, demand beyond the existing nodes' free capacity over the big bin. */
function volumeBound(m: VectorModel, cap: Float64Array, items: readonly number[], extra?: Float64Array): { nodes: number; rest: Float64Array } {
  const D = m.dims;
  const rest = extra ? Float64Array.from(extra) : new Float64Array(D);
  for (const i of items) for (let d = 0; d < D; d++) rest[d]! += m.req[i * D + d]!;
  for (let e = 0; e < m.existing; e++) for (let d = 0; d < D; d++) rest[d]! -= Math.max(0, m.existingCap[e * D + d]! - m.existingLoad[e * D + d]!);
  let nodes = 0;
  for (let d = 0; d < D; d++) {
    if (rest[d]! <= 0) continue;
    rest[d] = Math.max(0, rest[d]!);
    if (cap[d]! > 0) nodes = Math.max(nodes, ceilEps(rest[d]! / cap[d]!));
  }
  return { nodes, rest };
}

/** Martello-Toth L2 of one-dimensional sizes with bin capacity c. O(n log n). */
export function martelloTothL2(sizes: readonly number[], c: number): number {
  if (c <= 0 || sizes.length === 0) return 0;
  const w = Float64Array.from(sizes).sort(); // ascending
  const n = w.length;
  const prefix = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) prefix[k + 1] = prefix[k]! + w[k]!;
  /** Index of the first size > x (binary search). */
  const firstAbove = (x: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  /** Index of the first size >= x. */
  const firstAtLeast = (x: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w[mid]! >= x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const half = firstAbove(c / 2); // items > C/2 start here
  let best = ceilEps(prefix[n]! / c);
  // Thresholds: 0 and every distinct size <= C/2.
  const thresholds = [0];
  for (let k = 0; k < half; k++) if (k === 0 || w[k] !== w[k - 1]) thresholds.push(w[k]!);
  for (const a of thresholds) {
    const j1 = firstAbove(c - a); // J1 = [j1, n)
    const j3 = firstAtLeast(a); // J3 = [j3, half)
    const n1 = n - j1;
    const n2 = j1 - half;
    const sum2 = prefix[j1]! - prefix[half]!;
    const sum3 = prefix[half]! - prefix[j3]!;
    const l = n1 + n2 + ceilEps((sum3 - (n2 * c - sum2)) / c);
    if (l > best) best = l;
  }
  return best;
}

/**
 * Whether items i and j can never share a node (numerically in the big bin, even with every
 * negative-size item beside them, or by their groups).
 */
function conflicts(m: VectorModel, cap: Float64Array, negative: Float64Array, i: number, j: number): boolean {
  const D = m.dims;
  for (let d = 0; d < D; d++) {
    const s = m.req[i * D + d]! + m.req[j * D + d]! + negative[d]!;
    if (s > 0 && s > cap[d]!) return true;
  }
  const gi = m.group[i]!;
  const gj = m.group[j]!;
  if (gi === gj) return m.groupCap[gi] === 1;
  const ci = m.constrainedIndex[gi]!;
  const cj = m.constrainedIndex[gj]!;
  return ci >= 0 && cj >= 0 && m.conflict[ci * m.constrained.length + cj] === 1;
}

/** Greedy clique of pairwise-conflicting items, largest (normalised max) first. */
function conflictBound(m: VectorModel, cap: Float64Array, negative: Float64Array, items: readonly number[]): number {
  const D = m.dims;
  const key = (i: number): number => {
    let s = 0;
    for (let d = 0; d < D; d++) if (cap[d]! > 0) s = Math.max(s, m.req[i * D + d]! / cap[d]!);
    return s;
  };
  // Only items that conflict with something matter; bound the quadratic work.
  const sorted = [...items].sort((a, b) => key(b) - key(a) || a - b).slice(0, CLIQUE_CANDIDATES_MAX);
  const clique: number[] = [];
  for (const i of sorted) if (clique.every((j) => conflicts(m, cap, negative, i, j))) clique.push(i);
  return clique.length;
}

/** Candidates the greedy clique looks at (its work is candidates x clique size). */
const CLIQUE_CANDIDATES_MAX = 20_000;

/**
 * All bounds for a model and objective (weights: the objective weight of a node per template).
 * `extra` (per dimension of the model) is demand of pods outside the model that any answer must
 * also place (index.ts: the pods the real scheduler placed); it adds to the volume bound only.
 */
export function lowerBounds(m: VectorModel, objective: Objective, weights: Float64Array, extra?: Float64Array): LowerBounds {
  const D = m.dims;
  const cap = bigBinCapacity(m);
  const all: number[] = [];
  for (let i = 0; i < m.items; i++) if (placeable(m, i)) all.push(i);
  const forced = forcedItems(m);
  const vol = volumeBound(m, cap, all, extra);
  // Negative sizes (some published instances have them; Kubernetes requests never are) make room
  // for others: L2 skips such a dimension, and the conflict test counts their total.
  const negative = new Float64Array(D);
  for (const i of all) for (let d = 0; d < D; d++) negative[d]! += Math.min(0, m.req[i * D + d]!);
  let l2 = 0;
  for (let d = 0; d < D; d++) {
    if (negative[d]! < 0) continue;
    const sizes = forced.map((i) => m.req[i * D + d]!).filter((x) => x > 0);
    l2 = Math.max(l2, martelloTothL2(sizes, cap[d]!));
  }
  const conflict = conflictBound(m, cap, negative, forced);
  const nodes = Math.max(vol.nodes, l2, conflict);
  let obj = nodes;
  if (objective === 'cost' && m.templates.length > 0) {
    let minPrice = Infinity;
    for (let t = 0; t < m.templates.length; t++) minPrice = Math.min(minPrice, weights[t]!);
    obj = nodes * minPrice;
    for (let d = 0; d < D; d++) {
      let perPrice = 0;
      for (let t = 0; t < m.templates.length; t++) perPrice = Math.max(perPrice, m.templateCap[t * D + d]! / Math.max(weights[t]!, 1e-12));
      if (perPrice > 0) obj = Math.max(obj, vol.rest[d]! / perPrice);
    }
  }
  return { volume: vol.nodes, l2, conflict, nodes, objective: obj };
}

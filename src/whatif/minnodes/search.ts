/**
 * Local search after the heuristics, in the manner of Buljubašić and Vasquez's consistent
 * neighbourhood search (2016, "Consistent neighborhood search for one-dimensional bin packing and
 * two-dimensional vector packing"): empty the two least valuable added nodes (least fill per unit
 * of price); their pods form an unassigned set U, and the goal is that U fits ONE new node (one
 * node fewer; with a single added node, that U goes into the others). A tabu search swaps pods of
 * U with pods on nodes (one for one, one for two, two for one), each time the move that lowers the
 * normalised size of U the most, forbidding an ejected pod to return to the node it left for a few
 * iterations; whenever a pod of U fits a node as it is, it goes there. Success: keep the packing
 * and empty the next two; the attempt's budget spent: restore the best packing and try another
 * pair (the k-th failure in a row picks among the k+2 least valuable, by the PRNG).
 *
 * Effort is counted in move evaluations, so a run is deterministic for a seed (the PRNG breaks
 * ties and picks among the least valuable nodes); the wall-clock deadline is only a safety net,
 * reported when it cut the search short. It stops as soon as the lower bound is reached.
 */
import { Prng } from '../../framework/prng.js';
import type { Snapshot, VectorModel } from './model.js';
import { Packing, snapshotObjective } from './packing.js';

/** How the search is limited. */
export interface SearchOptions {
  readonly seed: number;
  /** Move evaluations, over the whole search (the deterministic budget). */
  readonly effortMax: number;
  /** performance.now() after which the search stops (the safety net; Infinity: none). */
  readonly deadlineMs: number;
  /** The objective's lower bound: reaching it ends the search. */
  readonly lowerBound: number;
}

/** What the search did. */
export interface SearchResult {
  readonly snapshot: Snapshot;
  /** Nodes it emptied for good. */
  readonly removed: number;
  readonly attempts: number;
  readonly effort: number;
  /** Why it ended. */
  readonly stop: 'bound' | 'effort' | 'deadline' | 'stuck';
}

/** Tabu search iterations of one attempt to empty a node (its share of the effort is bounded too). */
const ATTEMPT_ITERATIONS_MAX = 3000;
/** Two-pod ejections are tried on nodes with at most this many pods (their number is quadratic). */
const PAIR_EJECT_ITEMS_MAX = 12;
/** Two-pod insertions are tried while U has at most this many pods. */
const PAIR_INSERT_U_MAX = 16;
/** Consecutive failed attempts (each on another node) before the search gives up. */
const FAILED_ATTEMPTS_MAX = 100;

/** A candidate move: insert u (and u2) into bin b, ejecting j1 (and j2). */
interface Move {
  u: number;
  u2: number;
  b: number;
  j1: number;
  j2: number;
  delta: number;
}

/** Improves a packing; never returns a worse one (objective, then unplaced items unchanged). */
export function localSearch(m: VectorModel, weights: Float64Array, size: Float64Array, start: Snapshot, opts: SearchOptions): SearchResult {
  const rng = new Prng(opts.seed);
  let best = start;
  let bestObj = snapshotObjective(start, weights);
  let effort = 0;
  let removed = 0;
  let attempts = 0;
  let failed = 0;
  const eps = 1e-9 * Math.max(1, Math.abs(bestObj));
  let stop: SearchResult['stop'] = 'stuck';
  let p = Packing.from(m, weights, best);
  while (true) {
    if (bestObj <= opts.lowerBound + eps) { stop = 'bound'; break; }
    if (effort >= opts.effortMax) { stop = 'effort'; break; }
    if (performance.now() > opts.deadlineMs) { stop = 'deadline'; break; }
    if (failed >= FAILED_ATTEMPTS_MAX) { stop = 'stuck'; break; }
    const victims = pickVictims(p, size, failed, rng);
    if (victims.length === 0) break;
    attempts++;
    const U: number[] = [];
    for (const v of victims) {
      U.push(...p.binItems[v]!);
      for (const i of [...p.binItems[v]!]) p.remove(i);
      p.close(v);
    }
    const limit = victims.reduce((s, v) => s + p.weights[p.binTemplate[v]!]!, 0) - eps;
    const budget = Math.min(ATTEMPT_ITERATIONS_MAX, Math.max(1, opts.effortMax - effort));
    const r = reinsert(p, size, U, victims.length === 2 ? limit : -1, budget, opts, rng);
    effort += r.effort;
    if (r.ok) {
      p.downgrade();
      const snap = p.snapshot();
      const obj = snapshotObjective(snap, weights);
      if (obj < bestObj - eps) {
        best = snap;
        bestObj = obj;
        removed++;
        failed = 0;
        p = Packing.from(m, weights, best);
        continue;
      }
    }
    failed++;
    p = Packing.from(m, weights, best);
  }
  return { snapshot: best, removed, attempts, effort, stop };
}

/**
 * The nodes to empty: added nodes ranked by fill per unit of objective weight (least valuable
 * first); two of them when there are two (their pods must then fit one new node), else one. The
 * k-th failed attempt in a row takes them among the k+2 least valuable, by the PRNG.
 */
function pickVictims(p: Packing, size: Float64Array, failed: number, rng: Prng): number[] {
  const cands: { b: number; v: number }[] = [];
  for (let b = p.E; b < p.bins; b++) {
    if (p.alive[b] !== 1 || p.binItems[b]!.length === 0) continue;
    let s = 0;
    for (const i of p.binItems[b]!) s += size[i]!;
    cands.push({ b, v: s / Math.max(p.weights[p.binTemplate[b]!]!, 1e-12) });
  }
  if (cands.length <= 1) return cands.map((c) => c.b);
  cands.sort((x, y) => x.v - y.v || x.b - y.b);
  if (failed === 0) return [cands[0]!.b, cands[1]!.b];
  const k = Math.min(cands.length, failed + 2);
  const a = rng.nextU32() % k;
  let b = rng.nextU32() % (k - 1);
  if (b >= a) b++;
  return [cands[a]!.b, cands[b]!.b];
}

/**
 * Opens the cheapest node that holds all of U (weight below `limit`) and moves U there; false when
 * none does.
 */
function packIntoOne(p: Packing, U: number[], limit: number): boolean {
  const m = p.m;
  const D = p.D;
  const sum = new Float64Array(D);
  for (const u of U) for (let d = 0; d < D; d++) sum[d]! += m.req[u * D + d]!;
  let bestT = -1;
  for (let t = 0; t < p.T; t++) {
    if (p.weights[t]! > limit || !p.canOpen(t)) continue;
    if (bestT >= 0 && p.weights[t]! >= p.weights[bestT]!) continue;
    let ok = true;
    for (let d = 0; d < D && ok; d++) ok = !(sum[d]! > 0 && sum[d]! > m.templateCap[t * D + d]!);
    for (let k = 0; k < U.length && ok; k++) ok = m.allowTemplate[m.group[U[k]!]! * p.T + t] === 1;
    if (ok) bestT = t;
  }
  if (bestT < 0) return false;
  const b = p.open(bestT);
  const placed: number[] = [];
  for (const u of U) {
    if (!p.fits(u, b)) {
      for (const x of placed) p.remove(x);
      p.close(b);
      return false;
    }
    p.add(u, b);
    placed.push(u);
  }
  U.length = 0;
  return true;
}

/**
 * Tabu search reinsertion of U; ok when every pod of U found a node, or (limit >= 0) U fits one
 * new node of weight at most `limit`.
 */
function reinsert(p: Packing, size: Float64Array, U: number[], limit: number, iterations: number, opts: SearchOptions, rng: Prng): { ok: boolean; effort: number } {
  const tabu = new Map<number, number>();
  const key = (i: number, b: number): number => i * 1_048_576 + b;
  let effort = 0;
  for (let it = 0; it < iterations; it++) {
    effort += insertDirect(p, size, U);
    if (U.length === 0) return { ok: true, effort };
    effort += U.length;
    if (limit >= 0 && packIntoOne(p, U, limit)) return { ok: true, effort };
    if (performance.now() > opts.deadlineMs) break; // an iteration is thousands of evaluations: the clock is cheap beside it
    const found = bestMove(p, size, U, it, tabu, key, rng);
    effort += found.effort;
    const mv = found.move;
    if (!mv) break;
    for (const j of [mv.j1, mv.j2]) {
      if (j < 0) continue;
      p.remove(j);
      U.push(j);
      tabu.set(key(j, mv.b), it + 7 + (rng.nextU32() % 10));
    }
    for (const u of [mv.u, mv.u2]) {
      if (u < 0) continue;
      p.add(u, mv.b);
      U.splice(U.indexOf(u), 1);
    }
  }
  // Failed: put U back nowhere (the caller restores the best packing).
  return { ok: false, effort };
}

/** Places every pod of U that fits a node as it is (largest first, best fit); returns the effort. */
function insertDirect(p: Packing, size: Float64Array, U: number[]): number {
  let effort = 0;
  U.sort((a, b) => size[b]! - size[a]! || a - b);
  for (let k = 0; k < U.length; ) {
    const u = U[k]!;
    let chosen = -1;
    let bestSlack = Infinity;
    for (let b = 0; b < p.bins; b++) {
      if (p.alive[b] !== 1) continue;
      effort++;
      if (!p.fits(u, b)) continue;
      const slack = freeSize(p, b) - size[u]!;
      if (slack < bestSlack) {
        bestSlack = slack;
        chosen = b;
      }
    }
    if (chosen >= 0) {
      p.add(u, chosen);
      U.splice(k, 1);
    } else k++;
  }
  return effort;
}

/** A bin's free capacity, normalised like the sizes (by its own allocatable). */
function freeSize(p: Packing, b: number): number {
  let s = 0;
  for (let d = 0; d < p.D; d++) {
    const c = p.cap[b * p.D + d]!;
    if (c > 0) s += (c - p.load[b * p.D + d]!) / c;
  }
  return s;
}

/** The best non-tabu swap (ties broken by the PRNG). */
function bestMove(
  p: Packing, size: Float64Array, U: number[], it: number, tabu: Map<number, number>, key: (i: number, b: number) => number, rng: Prng,
): { move: Move | undefined; effort: number } {
  const m = p.m;
  let effort = 0;
  let best: Move | undefined;
  let ties = 0;
  const consider = (u: number, u2: number, b: number, j1: number, j2: number, delta: number): void => {
    if (best && delta > best.delta + 1e-12) return;
    if (best && delta >= best.delta - 1e-12) {
      ties++;
      if (rng.nextU32() % ties !== 0) return;
    } else ties = 1;
    best = { u, u2, b, j1, j2, delta };
  };
  const isTabu = (i: number, b: number): boolean => (tabu.get(key(i, b)) ?? -1) > it;
  // Distinct shapes of U (pods of one shape are interchangeable).
  const uReps: number[] = [];
  const seenU = new Set<number>();
  for (const u of U) if (!seenU.has(m.shape[u]!)) { seenU.add(m.shape[u]!); uReps.push(u); }
  for (let b = 0; b < p.bins; b++) {
    if (p.alive[b] !== 1) continue;
    const items = p.binItems[b]!;
    if (items.length === 0) continue;
    for (const u of uReps) {
      if (isTabu(u, b) || !p.allowed(u, b)) continue;
      const su = m.shape[u]!;
      const seenJ = new Set<number>();
      for (let x = 0; x < items.length; x++) {
        const j = items[x]!;
        const sj = m.shape[j]!;
        if (sj === su || seenJ.has(sj)) continue;
        seenJ.add(sj);
        effort++;
        if (p.fitsSwap(b, u, -1, j, -1) && p.groupsAdmit(b, u, -1, j, -1)) consider(u, -1, b, j, -1, size[j]! - size[u]!);
      }
      if (items.length <= PAIR_EJECT_ITEMS_MAX) {
        for (let x = 0; x < items.length; x++) {
          for (let y = x + 1; y < items.length; y++) {
            const j1 = items[x]!;
            const j2 = items[y]!;
            effort++;
            if (p.fitsSwap(b, u, -1, j1, j2) && p.groupsAdmit(b, u, -1, j1, j2)) consider(u, -1, b, j1, j2, size[j1]! + size[j2]! - size[u]!);
          }
        }
      }
    }
    if (U.length >= 2 && U.length <= PAIR_INSERT_U_MAX) {
      for (let x = 0; x < U.length; x++) {
        const u1 = U[x]!;
        if (isTabu(u1, b) || !p.allowed(u1, b)) continue;
        for (let y = x + 1; y < U.length; y++) {
          const u2 = U[y]!;
          if (isTabu(u2, b) || !p.allowed(u2, b)) continue;
          for (const j of items) {
            effort++;
            if (p.fitsSwap(b, u1, u2, j, -1) && p.groupsAdmit(b, u1, u2, j, -1)) consider(u1, u2, b, j, -1, size[j]! - size[u1]! - size[u2]!);
          }
        }
      }
    }
  }
  return { move: best, effort };
}

/**
 * A packing of the numeric model (model.ts) being built or improved: per bin its allocatable, load,
 * items and per-group counts; per item its bin. The heuristics and the local search share it, so
 * "does this fit" is written once. Added bins are never renumbered while a search runs (an emptied
 * one is marked dead), so a bin index stays valid for tabu lists; `snapshot` compacts.
 */
import type { Objective, Snapshot, VectorModel } from './model.js';

const INITIAL_BINS = 64;

/** A mutable packing. */
export class Packing {
  readonly m: VectorModel;
  readonly D: number;
  readonly E: number;
  readonly T: number;
  /** Bins in use (existing, then added, dead ones included). */
  bins = 0;
  cap: Float64Array;
  load: Float64Array;
  /** Template of each bin (-1: an existing node). */
  binTemplate: Int32Array;
  /** 1 while the bin exists (existing bins always; an added bin until it is emptied and closed). */
  alive: Uint8Array;
  /** Items of each bin (unordered). */
  readonly binItems: number[][] = [];
  readonly itemBin: Int32Array;
  /** Position of each item in its bin's list (O(1) removal). */
  private readonly itemPos: Int32Array;
  /** Alive added bins per template. */
  readonly templateUsed: Int32Array;
  /** Constrained groups and per bin x constrained group counts. */
  readonly C: number;
  groupCount: Int32Array;
  /** Objective weight of a node per template. */
  readonly weights: Float64Array;
  /** Sum of the weights of alive added bins, and their number. */
  objectiveValue = 0;
  addedBins = 0;

  constructor(m: VectorModel, weights: Float64Array) {
    this.m = m;
    this.D = m.dims;
    this.E = m.existing;
    this.T = m.templates.length;
    this.C = m.constrained.length;
    this.weights = weights;
    const capBins = Math.max(INITIAL_BINS, this.E + 16);
    this.cap = new Float64Array(capBins * this.D);
    this.load = new Float64Array(capBins * this.D);
    this.binTemplate = new Int32Array(capBins);
    this.alive = new Uint8Array(capBins);
    this.groupCount = new Int32Array(capBins * this.C);
    this.itemBin = new Int32Array(m.items).fill(-1);
    this.itemPos = new Int32Array(m.items);
    this.templateUsed = new Int32Array(this.T);
    this.cap.set(m.existingCap.subarray(0, this.E * this.D));
    this.load.set(m.existingLoad.subarray(0, this.E * this.D));
    for (let e = 0; e < this.E; e++) {
      this.binTemplate[e] = -1;
      this.alive[e] = 1;
      this.binItems.push([]);
    }
    this.bins = this.E;
  }

  /** A packing holding a snapshot's assignment. */
  static from(m: VectorModel, weights: Float64Array, s: Snapshot): Packing {
    const p = new Packing(m, weights);
    for (let k = 0; k < s.binTemplate.length; k++) p.open(s.binTemplate[k]!);
    for (let i = 0; i < m.items; i++) {
      const b = s.itemBin[i]!;
      if (b >= 0) p.add(i, b);
    }
    return p;
  }

  /** The assignment, added bins compacted (dead and empty ones dropped) in bin order. */
  snapshot(): Snapshot {
    const newIndex = new Int32Array(this.bins).fill(-1);
    const templates: number[] = [];
    for (let b = 0; b < this.E; b++) newIndex[b] = b;
    for (let b = this.E; b < this.bins; b++) {
      if (this.alive[b] !== 1 || this.binItems[b]!.length === 0) continue;
      newIndex[b] = this.E + templates.length;
      templates.push(this.binTemplate[b]!);
    }
    const itemBin = new Int32Array(this.m.items);
    for (let i = 0; i < this.m.items; i++) {
      const b = this.itemBin[i]!;
      itemBin[i] = b < 0 ? -1 : newIndex[b]!;
    }
    return { itemBin, binTemplate: Int32Array.from(templates) };
  }

  /** Opens an added bin of template t; returns its index. */
  open(t: number): number {
    const b = this.bins;
    if (b >= this.binTemplate.length) this.grow(b + 1);
    const D = this.D;
    for (let d = 0; d < D; d++) {
      this.cap[b * D + d] = this.m.templateCap[t * D + d]!;
      this.load[b * D + d] = 0;
    }
    this.groupCount.fill(0, b * this.C, (b + 1) * this.C);
    this.binTemplate[b] = t;
    this.alive[b] = 1;
    if (this.binItems.length <= b) this.binItems.push([]);
    else this.binItems[b] = [];
    this.bins++;
    this.templateUsed[t]!++;
    this.objectiveValue += this.weights[t]!;
    this.addedBins++;
    return b;
  }

  /** Closes an empty added bin. */
  close(b: number): void {
    if (this.binItems[b]!.length !== 0 || b < this.E || this.alive[b] !== 1) throw new Error(`minNodes: closing bin ${b} that is not an empty added bin`);
    this.alive[b] = 0;
    const t = this.binTemplate[b]!;
    this.templateUsed[t]!--;
    this.objectiveValue -= this.weights[t]!;
    this.addedBins--;
  }

  /** Changes an added bin's template (its items must fit the new one: see fitsTemplate). */
  retemplate(b: number, t: number): void {
    const old = this.binTemplate[b]!;
    const D = this.D;
    for (let d = 0; d < D; d++) this.cap[b * D + d] = this.m.templateCap[t * D + d]!;
    this.binTemplate[b] = t;
    this.templateUsed[old]!--;
    this.templateUsed[t]!++;
    this.objectiveValue += this.weights[t]! - this.weights[old]!;
  }

  private grow(min: number): void {
    const n = Math.max(min, this.binTemplate.length * 2);
    const D = this.D;
    const cap = new Float64Array(n * D);
    cap.set(this.cap);
    this.cap = cap;
    const load = new Float64Array(n * D);
    load.set(this.load);
    this.load = load;
    const bt = new Int32Array(n);
    bt.set(this.binTemplate);
    this.binTemplate = bt;
    const alive = new Uint8Array(n);
    alive.set(this.alive);
    this.alive = alive;
    const gc = new Int32Array(n * this.C);
    gc.set(this.groupCount);
    this.groupCount = gc;
  }

  /** Places an unplaced item on a bin (no checks). */
  add(i: number, b: number): void {
    const D = this.D;
    const req = this.m.req;
    for (let d = 0; d < D; d++) this.load[b * D + d]! += req[i * D + d]!;
    const list = this.binItems[b]!;
    this.itemPos[i] = list.length;
    list.push(i);
    this.itemBin[i] = b;
    const c = this.m.constrainedIndex[this.m.group[i]!]!;
    if (c >= 0) this.groupCount[b * this.C + c]!++;
  }

  /** Takes an item off its bin (no checks); returns the bin. */
  remove(i: number): number {
    const b = this.itemBin[i]!;
    const D = this.D;
    const req = this.m.req;
    for (let d = 0; d < D; d++) this.load[b * D + d]! -= req[i * D + d]!;
    const list = this.binItems[b]!;
    const pos = this.itemPos[i]!;
    const last = list.pop()!;
    if (last !== i) {
      list[pos] = last;
      this.itemPos[last] = pos;
    }
    this.itemBin[i] = -1;
    const c = this.m.constrainedIndex[this.m.group[i]!]!;
    if (c >= 0) this.groupCount[b * this.C + c]!--;
    return b;
  }

  /** Whether item i's group is allowed on bin b (the static verdict). */
  allowed(i: number, b: number): boolean {
    const g = this.m.group[i]!;
    return b < this.E ? this.m.allowExisting[g * this.E + b] === 1 : this.m.allowTemplate[g * this.T + this.binTemplate[b]!] === 1;
  }

  /** Whether item i fits bin b now: allowed, requests within what is left, caps and conflicts held. */
  fits(i: number, b: number): boolean {
    const D = this.D;
    const req = this.m.req;
    const o = b * D;
    const io = i * D;
    for (let d = 0; d < D; d++) {
      const r = req[io + d]!;
      if (r > 0 && this.load[o + d]! + r > this.cap[o + d]!) return false;
    }
    if (!this.allowed(i, b)) return false;
    return this.C === 0 || this.groupsAdmit(b, i, -1, -1, -1);
  }

  /**
   * Whether bin b holds item `a` (and `a2` when >= 0) once items `r1`, `r2` (when >= 0) leave it:
   * numeric part only (callers check `allowed` and `groupsAdmit`).
   */
  fitsSwap(b: number, a: number, a2: number, r1: number, r2: number): boolean {
    const D = this.D;
    const req = this.m.req;
    const o = b * D;
    for (let d = 0; d < D; d++) {
      let add = req[a * D + d]!;
      if (a2 >= 0) add += req[a2 * D + d]!;
      if (add <= 0) continue;
      let l = this.load[o + d]! + add;
      if (r1 >= 0) l -= req[r1 * D + d]!;
      if (r2 >= 0) l -= req[r2 * D + d]!;
      if (l > this.cap[o + d]!) return false;
    }
    return true;
  }

  /**
   * Caps and conflicts: whether bin b admits item `a` (and `a2`) once `r1`, `r2` leave. Only the
   * constrained groups are counted (model.constrained); an unconstrained pair always admits.
   */
  groupsAdmit(b: number, a: number, a2: number, r1: number, r2: number): boolean {
    const m = this.m;
    const ca = m.constrainedIndex[m.group[a]!]!;
    const ca2 = a2 >= 0 ? m.constrainedIndex[m.group[a2]!]! : -1;
    if (ca < 0 && ca2 < 0) return true;
    const C = this.C;
    const base = b * C;
    const count = (c: number): number => {
      let n = this.groupCount[base + c]!;
      if (r1 >= 0 && m.constrainedIndex[m.group[r1]!] === c) n--;
      if (r2 >= 0 && m.constrainedIndex[m.group[r2]!] === c) n--;
      return n;
    };
    for (const [c, other] of [[ca, ca2], [ca2, ca]] as const) {
      if (c < 0) continue;
      const g = m.constrained[c]!;
      const cap = m.groupCap[g]!;
      const mine = count(c) + (other === c ? 2 : 1);
      if (cap > 0 && mine > cap) return false;
      for (let c2 = 0; c2 < C; c2++) {
        if (m.conflict[c * C + c2] !== 1) continue;
        if (count(c2) > 0 || c2 === other) return false;
      }
    }
    return true;
  }

  /** Whether bin b's items all fit a node of template t (allowed, load within allocatable). */
  fitsTemplate(b: number, t: number): boolean {
    const D = this.D;
    for (let d = 0; d < D; d++) {
      const l = this.load[b * D + d]!;
      if (l > 0 && l > this.m.templateCap[t * D + d]!) return false;
    }
    const g = this.m.group;
    for (const i of this.binItems[b]!) if (this.m.allowTemplate[g[i]! * this.T + t] !== 1) return false;
    return true;
  }

  /** Whether one more node of template t may be added. */
  canOpen(t: number): boolean {
    return this.templateUsed[t]! < this.m.templates[t]!.max;
  }

  /**
   * Moves every added bin to the cheapest template (by weight) that still holds its items, and
   * among equal weights keeps the current one: a post-pass for mixes of priced shapes.
   */
  downgrade(): void {
    for (let b = this.E; b < this.bins; b++) {
      if (this.alive[b] !== 1 || this.binItems[b]!.length === 0) continue;
      let bestT = this.binTemplate[b]!;
      let bestW = this.weights[bestT]!;
      for (let t = 0; t < this.T; t++) {
        if (t === bestT || this.weights[t]! >= bestW || !this.canOpen(t) || !this.fitsTemplate(b, t)) continue;
        bestT = t;
        bestW = this.weights[t]!;
      }
      if (bestT !== this.binTemplate[b]) this.retemplate(b, bestT);
    }
  }

  /** Closes added bins left empty. */
  closeEmpty(): void {
    for (let b = this.E; b < this.bins; b++) if (this.alive[b] === 1 && this.binItems[b]!.length === 0) this.close(b);
  }

  /** Items not placed. */
  unplaced(): number {
    let n = 0;
    for (let i = 0; i < this.m.items; i++) if (this.itemBin[i]! < 0) n++;
    return n;
  }
}

/** The objective value of a snapshot: added nodes, or their summed weights. */
export function snapshotObjective(s: Snapshot, weights: Float64Array): number {
  let v = 0;
  for (const t of s.binTemplate) v += weights[t]!;
  return v;
}

/** Orders two results: fewer unplaced items first, then a lower objective, then fewer nodes. */
export function betterThan(aUnplaced: number, aObj: number, aNodes: number, bUnplaced: number, bObj: number, bNodes: number): boolean {
  if (aUnplaced !== bUnplaced) return aUnplaced < bUnplaced;
  if (Math.abs(aObj - bObj) > 1e-9 * Math.max(1, Math.abs(bObj))) return aObj < bObj;
  return aNodes < bNodes;
}

/** The objective value for reporting (nodes: a count; cost: the summed prices). */
export function objectiveOf(objective: Objective, s: Snapshot, weights: Float64Array): number {
  return objective === 'nodes' ? s.binTemplate.length : snapshotObjective(s, weights);
}

/**
 * minNodes' numeric model: pending pods as request vectors, nodes as allocatable vectors, and what
 * the real filter plugins said about the rest, reduced to tables (oracle.ts builds it). Plain data
 * (typed arrays and numbers), so a heuristic can run on a worker thread from a structured clone.
 *
 * Bins are the existing nodes (0..existing-1, their free capacity used first, free of charge)
 * followed by nodes added from templates. An item fits a bin when, in every dimension the item
 * requests (> 0), the bin's load plus the request is at most its allocatable (kube's
 * NodeResourcesFit checks only what the pod requests), its group is allowed on the bin (the static
 * verdict of the non-resource filters), and the group's per-node cap and pairwise conflicts hold.
 */

/** A node shape new nodes are made from, as the model sees it. */
export interface ModelTemplate {
  readonly name: string;
  /** Objective weight of one node: its price (cost objective) or 1 (nodes objective). */
  readonly price: number;
  /** Most nodes of this template (Infinity: no limit). */
  readonly max: number;
}

/** The numeric instance. Units are the NodeTable's (cpu millicores, bytes, counts). */
export interface VectorModel {
  /** Dimensions (resources): `pods` and every resource a pending pod requests. */
  readonly dims: number;
  readonly dimNames: readonly string[];
  readonly items: number;
  /** items x dims requests. */
  readonly req: Float64Array;
  /** Item -> constraint group (pods with one verdict of the static filters: oracle.ts groups by tolerations). */
  readonly group: Int32Array;
  readonly groups: number;
  /** Item -> shape: items of one shape (same group and requests) are interchangeable. */
  readonly shape: Int32Array;
  readonly shapes: number;
  readonly existing: number;
  /** existing x dims allocatable and load (what bound pods already request). */
  readonly existingCap: Float64Array;
  readonly existingLoad: Float64Array;
  readonly templates: readonly ModelTemplate[];
  /** templates x dims allocatable. */
  readonly templateCap: Float64Array;
  /** groups x existing: the group passes every non-resource filter on that node. */
  readonly allowExisting: Uint8Array;
  /** groups x templates: the group passes every non-resource filter on a fresh node of it. */
  readonly allowTemplate: Uint8Array;
  /**
   * Group -> most items of the group on one node (0: no cap), e.g. 1 for hostname anti-affinity or
   * a host port. The packing, search and bounds honour caps and conflicts; oracle.ts leaves them
   * empty for now (pods with such constraints go to the real scheduler instead, index.ts).
   */
  readonly groupCap: Int32Array;
  /** Groups with a cap or a conflict (constrained), and group -> index among them (-1: none). */
  readonly constrained: Int32Array;
  readonly constrainedIndex: Int32Array;
  /** constrained x constrained: the two groups cannot share a node. */
  readonly conflict: Uint8Array;
}

/** A packing as plain data: each item's bin (-1: unplaced) and the template of each added bin, in order. */
export interface Snapshot {
  readonly itemBin: Int32Array;
  /** Template of added bin k (bin index existing + k). */
  readonly binTemplate: Int32Array;
}

/** What the search minimises. */
export type Objective = 'nodes' | 'cost';

/**
 * The scale each dimension is normalised by: the largest allocatable of a template (else of an
 * existing node, else 1), so a normalised request of 1 fills the biggest node.
 */
export function referenceCapacity(m: VectorModel): Float64Array {
  const D = m.dims;
  const ref = new Float64Array(D);
  for (let t = 0; t < m.templates.length; t++) for (let d = 0; d < D; d++) ref[d] = Math.max(ref[d]!, m.templateCap[t * D + d]!);
  for (let d = 0; d < D; d++) {
    if (ref[d]! > 0) continue;
    for (let e = 0; e < m.existing; e++) ref[d] = Math.max(ref[d]!, m.existingCap[e * D + d]!);
    if (ref[d]! <= 0) ref[d] = 1;
  }
  return ref;
}

/** Each item's normalised size, the sum over dimensions (its share of the biggest node). */
export function itemWeights(m: VectorModel, ref: Float64Array): Float64Array {
  const D = m.dims;
  const w = new Float64Array(m.items);
  for (let i = 0; i < m.items; i++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += m.req[i * D + d]! / ref[d]!;
    w[i] = s;
  }
  return w;
}

/** The objective weight of one node of each template. */
export function templateWeights(m: VectorModel, objective: Objective): Float64Array {
  return Float64Array.from(m.templates, (t) => (objective === 'cost' ? t.price : 1));
}

/** Whether an item alone fits an empty node of template t (allowed, and its requests within allocatable). */
export function fitsEmptyTemplate(m: VectorModel, i: number, t: number): boolean {
  const D = m.dims;
  if (m.allowTemplate[m.group[i]! * m.templates.length + t] !== 1) return false;
  for (let d = 0; d < D; d++) {
    const r = m.req[i * D + d]!;
    if (r > 0 && r > m.templateCap[t * D + d]!) return false;
  }
  return true;
}

/** Whether an item alone fits the free capacity of existing node e (allowed, requests within what is left). */
export function fitsExistingAlone(m: VectorModel, i: number, e: number): boolean {
  const D = m.dims;
  if (m.allowExisting[m.group[i]! * m.existing + e] !== 1) return false;
  for (let d = 0; d < D; d++) {
    const r = m.req[i * D + d]!;
    if (r > 0 && m.existingLoad[e * D + d]! + r > m.existingCap[e * D + d]!) return false;
  }
  return true;
}

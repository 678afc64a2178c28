/**
 * Per topology pair numbers for InterPodAffinity: kube's topologyToMatchedTermCount (PreFilter)
 * and scoreMap (PreScore), both maps (topology key, label value) -> number. Here each key is a
 * slot holding one number per value id of the key's TopologyValues (model/topology-index.ts), so
 * Filter and Score read a node's pair with two array reads instead of two string-keyed lookups.
 */
import type { NodeInfo } from '../../model/cluster-state.js';
import { NO_VALUE, UNKNOWN_VALUE, type TopologyValues } from '../../model/topology-index.js';

/** One topology key's numbers, by value id. */
export class KeySlot {
  constructor(
    readonly values: TopologyValues,
    readonly byId: Float64Array,
    /** Values not in `values` (nodes from another node set); null while there are none. */
    public extra: Map<string, number> | null,
  ) {}

  /** The number of a node's pair (0 when absent; the node must have the key: id !== NO_VALUE). */
  at(id: number, node: NodeInfo): number {
    if (id >= 0) return this.byId[id]!;
    return this.extra?.get(node.labels[this.values.key]!) ?? 0;
  }
}

/**
 * (topology key, value) -> number, with kube's map semantics: a pair whose number returns to 0
 * is gone, so `pairs` is kube's len(map) over all keys; `touched` is whether any pair was ever
 * written (kube's scoreMap keeps pairs summing to 0, and PreScore skips only an empty map).
 */
export class TopologyCounts {
  readonly slots: KeySlot[] = [];
  /** Pairs holding a non-zero number. */
  pairs = 0;
  /** Whether any add landed on a pair (a node having the key). */
  touched = false;

  constructor(private readonly valuesOf: (key: string) => TopologyValues) {}

  /** The slot of a key, if it has one. */
  find(key: string): KeySlot | undefined {
    for (const s of this.slots) if (s.values.key === key) return s;
    return undefined;
  }

  /** The slot of a key, created empty on first use. */
  slot(key: string): KeySlot {
    const found = this.find(key);
    if (found) return found;
    const tv = this.valuesOf(key);
    const s = new KeySlot(tv, new Float64Array(tv.size), null);
    this.slots.push(s);
    return s;
  }

  /** kube's update: adds `delta` to the node's pair for `key`, if the node has that label. */
  add(key: string, node: NodeInfo, delta: number): void {
    const s = this.slot(key);
    this.addAt(s, s.values.idOf(node), node, delta);
  }

  /** Adds `delta` to the pair of value id `id` (from `s.values`) of `node`; NO_VALUE does nothing. */
  addAt(s: KeySlot, id: number, node: NodeInfo | null, delta: number): void {
    if (id === NO_VALUE) return;
    this.touched = true;
    if (id === UNKNOWN_VALUE) {
      const v = node!.labels[s.values.key]!;
      s.extra ??= new Map();
      const cur = s.extra.get(v) ?? 0;
      const n = cur + delta;
      if (n === 0) s.extra.delete(v);
      else s.extra.set(v, n);
      this.count(cur, n);
      return;
    }
    const cur = s.byId[id]!;
    const n = cur + delta;
    s.byId[id] = n;
    this.count(cur, n);
  }

  /**
   * Adds `weight` x rows[node.row] to each node's pair of `s`, for every node with a non-zero
   * count (the matching pods of a query per node row). Called once per term and cycle over every
   * node: the loop keeps the running numbers in locals. With `allRows`, `nodes` are exactly the
   * nodes `s.values` was built from (the state's node list, at the same node generation): the sums
   * do not depend on the order, so rows are walked without reading the NodeInfos.
   */
  addNodeRows(s: KeySlot, nodes: readonly NodeInfo[], rows: Int32Array, weight: number, allRows: boolean): void {
    const tv = s.values;
    const byId = s.byId;
    let pairs = this.pairs;
    let touched = this.touched;
    if (allRows) {
      const idByRow = tv.idByRow;
      const end = Math.min(rows.length, idByRow.length);
      for (let r = 0; r < end; r++) {
        const c = rows[r]!;
        if (c === 0) continue;
        const id = idByRow[r]!;
        if (id < 0) continue;
        pairs += addToPair(byId, id, weight * c);
        touched = true;
      }
      this.pairs = pairs;
      this.touched = touched;
      return;
    }
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const r = node.row;
      const c = r < rows.length ? rows[r]! : 0;
      if (c === 0) continue;
      const id = tv.idOf(node);
      if (id >= 0) {
        pairs += addToPair(byId, id, weight * c);
        touched = true;
      } else if (id === UNKNOWN_VALUE) {
        this.pairs = pairs;
        this.addAt(s, id, node, weight * c);
        pairs = this.pairs;
        touched = true;
      }
    }
    this.pairs = pairs;
    this.touched = touched;
  }

  private count(before: number, after: number): void {
    if (before === 0 && after !== 0) this.pairs++;
    else if (before !== 0 && after === 0) this.pairs--;
  }

  /** Whether some label of the node has a positive count. */
  anyPositive(node: NodeInfo): boolean {
    for (const s of this.slots) {
      const id = s.values.idOf(node);
      if (id !== NO_VALUE && s.at(id, node) > 0) return true;
    }
    return false;
  }

  /** The node's sum over all keys (kube's Score: the pairs of the node's labels). */
  sum(node: NodeInfo): number {
    let total = 0;
    for (const s of this.slots) {
      const id = s.values.idOf(node);
      if (id !== NO_VALUE) total += s.at(id, node);
    }
    return total;
  }

  clone(): TopologyCounts {
    const c = new TopologyCounts(this.valuesOf);
    for (const s of this.slots) c.slots.push(new KeySlot(s.values, s.byId.slice(), s.extra && new Map(s.extra)));
    c.pairs = this.pairs;
    c.touched = this.touched;
    return c;
  }
}

/** Adds `delta` to a pair's count; the change in kube's map size (a pair at 0 is not in the map): -1, 0 or 1. */
function addToPair(byId: Float64Array, id: number, delta: number): number {
  const cur = byId[id]!;
  const n = cur + delta;
  byId[id] = n;
  if (cur === 0) return n !== 0 ? 1 : 0;
  return n === 0 ? -1 : 0;
}

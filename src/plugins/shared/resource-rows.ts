/**
 * Row gathering for the resource kernels: the NodeTable rows of a cycle's candidate nodes, in
 * node order, written into one grow-only Int32Array per plugin instance (no allocation per node
 * or per cycle once it has grown to the cluster size).
 */
import type { NodeInfo } from '../../model/cluster-state.js';

/** A grow-only scratch of NodeTable row numbers. */
export class RowScratch {
  private rows = new Int32Array(64);

  /** Rows of `nodes` in order, in a view valid until the next call (length >= nodes.length). */
  gather(nodes: readonly NodeInfo[]): Int32Array {
    const n = nodes.length;
    if (this.rows.length < n) {
      let cap = this.rows.length;
      while (cap < n) cap *= 2;
      this.rows = new Int32Array(cap);
    }
    const rows = this.rows;
    for (let i = 0; i < n; i++) rows[i] = nodes[i]!.row;
    return rows;
  }
}

/** A grow-only Uint32Array scratch (fit masks). */
export class MaskScratch {
  private words = new Uint32Array(64);

  /** A view of at least `length` words, valid until the next call. */
  take(length: number): Uint32Array {
    if (this.words.length < length) {
      let cap = this.words.length;
      while (cap < length) cap *= 2;
      this.words = new Uint32Array(cap);
    }
    return this.words;
  }
}

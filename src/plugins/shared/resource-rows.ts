/**
 * Row gathering for the resource kernels: the NodeTable rows of a cycle's candidate nodes, in
 * node order, written into one grow-only Int32Array per plugin instance (no allocation per node
 * or per cycle once it has grown to the cluster size). With an allocator from the kernels
 * (`kernels.allocI32`) the arrays live in kernel memory, so the wasm engine reads them in place.
 */
import type { NodeInfo } from '../../model/cluster-state.js';

/** Allocates a zeroed Int32Array (Kernels.allocI32, or plain JS memory). */
export type I32Allocator = (length: number) => Int32Array;

const jsAllocator: I32Allocator = (length) => new Int32Array(length);

/** A grow-only scratch of NodeTable row numbers. */
export class RowScratch {
  private rows: Int32Array;

  constructor(private readonly alloc: I32Allocator = jsAllocator) {
    this.rows = alloc(64);
  }

  /** Rows of `nodes` in order, in a view valid until the next call (length >= nodes.length). */
  gather(nodes: readonly NodeInfo[]): Int32Array {
    const n = nodes.length;
    if (this.rows.length < n) {
      let cap = this.rows.length;
      while (cap < n) cap *= 2;
      this.rows = this.alloc(cap);
    }
    const rows = this.rows;
    for (let i = 0; i < n; i++) rows[i] = nodes[i]!.row;
    return rows;
  }
}

/** A grow-only Uint32Array scratch (fit masks). */
export class MaskScratch {
  private words: Uint32Array;

  constructor(private readonly alloc: I32Allocator = jsAllocator) {
    this.words = MaskScratch.asU32(alloc(64));
  }

  private static asU32(a: Int32Array): Uint32Array {
    return new Uint32Array(a.buffer, a.byteOffset, a.length);
  }

  /** A view of at least `length` words, valid until the next call. */
  take(length: number): Uint32Array {
    if (this.words.length < length) {
      let cap = this.words.length;
      while (cap < length) cap *= 2;
      this.words = MaskScratch.asU32(this.alloc(cap));
    }
    return this.words;
  }
}

/**
 * The WASM engine's memory, one per process: a shared WebAssembly.Memory (so worker threads can
 * instantiate the same module on it and read the NodeTable without copies), its header
 * (assembly/layout.ts) and an arena the host allocates regions from: NodeTables, the kernel
 * scratch, and arrays kernels read and write in place. Kernels never allocate; only the host does,
 * at start-up or when the cluster grows.
 *
 * Regions are ARENA_ALIGN-aligned, zeroed when handed out, and given back when the typed array
 * (or table memory) owning them is garbage collected (FinalizationRegistry), so short-lived
 * ClusterStates (tests, what-if forks) do not exhaust the memory.
 */
import type { TableMemory } from '../model/node-table.js';
import { WASM_MEMORY_PAGES_INITIAL, WASM_MEMORY_PAGES_MAX } from '../model/limits.js';
import { LAYOUT } from './layout.js';
import { PodfitError } from '../model/error-codes.js';

const PAGE_BYTES = 65536;

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/**
 * A share of a memory another thread owns: a worker thread instantiates the kernels on the main
 * thread's memory and allocates its own scratch only inside [base, end), a region the owner
 * allocated for it. A share never grows the memory and never writes the header (the owner is
 * the single writer of both).
 */
export interface ArenaShare {
  readonly memory: WebAssembly.Memory;
  readonly base: number;
  readonly end: number;
}

/** A free block of the arena. */
interface FreeBlock {
  ptr: number;
  size: number;
}

/** The process's WASM memory, header and arena. */
export class WasmMemory {
  readonly memory: WebAssembly.Memory;
  /** Header fields as i32 (index = byte offset / 4 from HEADER_BASE). */
  private readonly header: Int32Array;
  private readonly headerF64: Float64Array;
  /**
   * Every SharedArrayBuffer object this memory has exposed (one per growth; growth doubles, so
   * there are few): views made before a growth keep their older buffer object.
   */
  private readonly buffers: ArrayBufferLike[] = [];
  private buffer: ArrayBufferLike;
  /** First byte past the highest region handed out. */
  private top: number = LAYOUT.ARENA_BASE;
  /**
   * Every byte at or above this address has never been handed out, so it is still zero (a new
   * memory and the pages a growth adds are zero-filled): alloc clears only below it. The first
   * touch of a fresh page is a page fault, 12-16 µs each on this project's VMs, so clearing fresh
   * memory up front doubled the cost of a region the caller then writes. An owner's only: a
   * shared instance's share was handed out by its owner and is cleared whole.
   */
  private zeroFrom: number = LAYOUT.ARENA_BASE;
  /** Free blocks below `top`, sorted by address, coalesced. */
  private readonly freeBlocks: FreeBlock[] = [];
  /** Size of every live region, by address. */
  private readonly sizes = new Map<number, number>();
  /** The release cell of every live allocI32/allocF64 view, by address (free finds it). */
  private readonly cells = new Map<number, { ptr: number }>();
  private readonly finalizer = new FinalizationRegistry<{ ptr: number }>((cell) => {
    if (cell.ptr === 0) return;
    if (this.cells.get(cell.ptr) === cell) this.cells.delete(cell.ptr);
    // A collected published table: the header must not describe memory that will be reused.
    if (!this.shared && this.header[LAYOUT.H_TABLE_BASE / 4] === cell.ptr) this.header[LAYOUT.H_TABLE_BASE / 4] = 0;
    this.release(cell.ptr);
  });
  /** The table the header describes (the most recently created; weak, so it can be collected). */
  private primaryTable: WeakRef<WasmTableMemory> | undefined;

  /** Set for an instance on another thread's memory (see ArenaShare); 0 = owner. */
  private readonly shared: boolean;
  /** End of the share (shared instances); 0 = the whole memory, grown on demand. */
  private readonly limit: number;

  constructor(initialPages = WASM_MEMORY_PAGES_INITIAL, maximumPages = WASM_MEMORY_PAGES_MAX, share?: ArenaShare) {
    this.memory = share?.memory ?? new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages, shared: true });
    this.shared = share !== undefined;
    this.limit = share?.end ?? 0;
    if (share) this.top = share.base;
    this.buffer = this.memory.buffer;
    this.buffers.push(this.buffer);
    this.header = new Int32Array(this.buffer, LAYOUT.HEADER_BASE, LAYOUT.HEADER_BYTES / 4);
    this.headerF64 = new Float64Array(this.buffer, LAYOUT.HEADER_BASE, LAYOUT.HEADER_BYTES / 8);
    if (share) return;
    this.header[LAYOUT.H_MAGIC / 4] = LAYOUT.LAYOUT_MAGIC;
    this.header[LAYOUT.H_VERSION / 4] = LAYOUT.LAYOUT_VERSION;
    this.header[LAYOUT.H_ARENA_END / 4] = 0;
  }

  /** The current buffer (a new SharedArrayBuffer object after each growth; older ones stay valid). */
  get currentBuffer(): ArrayBufferLike {
    return this.buffer;
  }

  /** Picks up a growth made by another thread (a shared instance's owner), so views of the new bytes count as owned. */
  refreshBuffer(): ArrayBufferLike {
    const b = this.memory.buffer;
    if (b.byteLength > this.buffer.byteLength) {
      this.buffer = b;
      this.buffers.push(b);
    }
    return this.buffer;
  }

  /** Whether a typed array is a view of this memory (kernels then use its byte offset directly). */
  owns(view: ArrayBufferView): boolean {
    const b = view.buffer;
    if (b === this.buffer) return true;
    const bs = this.buffers;
    for (let i = bs.length - 2; i >= 0; i--) if (bs[i] === b) return true;
    return false;
  }

  /** The f64 result slot kernels write (select_top's maximum). */
  resultMax(): number {
    return this.headerF64[LAYOUT.H_RESULT_MAX / 8]!;
  }

  /** Bytes handed out or free inside the arena (its high-water mark). */
  get arenaBytes(): number {
    return this.top - LAYOUT.ARENA_BASE;
  }

  /** A zeroed region of at least `bytes`; grows the memory when needed. */
  alloc(bytes: number): number {
    const size = alignUp(Math.max(bytes, LAYOUT.ARENA_ALIGN), LAYOUT.ARENA_ALIGN);
    let ptr = -1;
    for (let i = 0; i < this.freeBlocks.length; i++) {
      const b = this.freeBlocks[i]!;
      if (b.size < size) continue;
      ptr = b.ptr;
      if (b.size === size) this.freeBlocks.splice(i, 1);
      else {
        b.ptr += size;
        b.size -= size;
      }
      break;
    }
    if (ptr < 0) {
      ptr = this.top;
      if (this.shared) {
        if (ptr + size > this.limit) throw new PodfitError('PODFIT_ERR_KERNEL_OUT_OF_MEMORY', `a ${size}-byte region does not fit the ${this.limit - this.top}-byte rest of this thread's arena share`);
      } else this.ensureBytes(ptr + size);
      this.top = ptr + size;
      if (!this.shared) this.header[LAYOUT.H_ARENA_END / 4] = this.top - LAYOUT.ARENA_BASE;
    }
    const end = ptr + size;
    const dirtyEnd = this.shared ? end : Math.min(end, this.zeroFrom);
    // Eight bytes a store (regions are ARENA_ALIGN-aligned): a fill of shared memory stores element by element.
    if (dirtyEnd > ptr) new Float64Array(this.buffer, ptr, (dirtyEnd - ptr) / 8).fill(0);
    if (end > this.zeroFrom) this.zeroFrom = end;
    this.sizes.set(ptr, size);
    return ptr;
  }

  /** Gives a region back (coalescing with free neighbours; the top block shrinks the arena). */
  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) return;
    this.sizes.delete(ptr);
    let i = 0;
    while (i < this.freeBlocks.length && this.freeBlocks[i]!.ptr < ptr) i++;
    this.freeBlocks.splice(i, 0, { ptr, size });
    // Coalesce with the next block, then the previous one.
    const cur = this.freeBlocks[i]!;
    const next = this.freeBlocks[i + 1];
    if (next && cur.ptr + cur.size === next.ptr) {
      cur.size += next.size;
      this.freeBlocks.splice(i + 1, 1);
    }
    const prev = this.freeBlocks[i - 1];
    if (prev && prev.ptr + prev.size === cur.ptr) {
      prev.size += cur.size;
      this.freeBlocks.splice(i, 1);
    }
    const last = this.freeBlocks[this.freeBlocks.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.freeBlocks.pop();
      if (!this.shared) this.header[LAYOUT.H_ARENA_END / 4] = this.top - LAYOUT.ARENA_BASE;
    }
  }

  /** Releases `ptr` when `owner` is garbage collected; `cell.ptr` may change as the owner re-allocates. */
  releaseWith(owner: object, cell: { ptr: number }): void {
    this.finalizer.register(owner, cell);
  }

  /** A zeroed Int32Array of `length` in this memory, released when collected. */
  allocI32(length: number): Int32Array {
    const ptr = this.alloc(length * 4);
    const a = new Int32Array(this.buffer, ptr, length);
    this.track(a, ptr);
    return a;
  }

  /** A zeroed Float64Array of `length` in this memory, released when collected. */
  allocF64(length: number): Float64Array {
    const ptr = this.alloc(length * 8);
    const a = new Float64Array(this.buffer, ptr, length);
    this.track(a, ptr);
    return a;
  }

  /** Releases `view`'s region when the view is collected, unless free() gives it back first. */
  private track(view: Int32Array | Float64Array, ptr: number): void {
    const cell = { ptr };
    this.cells.set(ptr, cell);
    this.finalizer.register(view, cell, cell);
  }

  /**
   * Gives back the region of a view from allocI32/allocF64 now, instead of when the view is
   * collected (a finalizer runs only after a collection and a turn of the event loop, so a long
   * synchronous run that drops many views would otherwise keep growing the memory). The view must
   * not be used afterwards. A view this memory did not hand out, or one already freed, is ignored.
   */
  free(view: Int32Array | Float64Array): void {
    const ptr = view.byteOffset;
    const cell = this.cells.get(ptr);
    if (cell === undefined || !this.owns(view)) return;
    this.cells.delete(ptr);
    this.finalizer.unregister(cell);
    cell.ptr = 0;
    this.release(ptr);
  }

  /**
   * A NodeTable memory in this WASM memory. The most recently created one is described in the
   * header (a process schedules on its newest state: a reloaded snapshot replaces the old one).
   */
  createTableMemory(): WasmTableMemory {
    const t = new WasmTableMemory(this);
    this.publish(t);
    return t;
  }

  /** Makes `t` the table the header describes (what worker threads will read). */
  publish(t: WasmTableMemory): void {
    this.primaryTable = new WeakRef(t);
    t.describe();
  }

  /** Writes a table's layout into the header if it is the published one. */
  describeTable(t: WasmTableMemory, base: number, capacity: number, slotCount: number, columnCount: number): void {
    if (this.shared || this.primaryTable?.deref() !== t) return;
    this.header[LAYOUT.H_TABLE_BASE / 4] = base;
    this.header[LAYOUT.H_TABLE_CAPACITY / 4] = capacity;
    this.header[LAYOUT.H_TABLE_SLOTS / 4] = slotCount;
    this.header[LAYOUT.H_TABLE_COLUMNS / 4] = columnCount;
  }

  private ensureBytes(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // At least double, so the memory grows (and hands out a new buffer object) rarely.
    const maxBytes = WASM_MEMORY_PAGES_MAX * PAGE_BYTES;
    const target = Math.min(Math.max(end, 2 * have), maxBytes);
    const pages = Math.ceil((Math.max(target, end) - have) / PAGE_BYTES);
    try {
      this.memory.grow(pages);
    } catch (e) {
      throw new PodfitError('PODFIT_ERR_KERNEL_OUT_OF_MEMORY', `WASM memory cannot grow to ${end} bytes (limit WASM_MEMORY_PAGES_MAX): ${(e as Error).message}`);
    }
    this.buffer = this.memory.buffer;
    this.buffers.push(this.buffer);
  }
}

/** A NodeTable's f64 region inside the WASM memory (TableMemory for the wasm engine). */
export class WasmTableMemory implements TableMemory {
  private readonly cell = { ptr: 0 };
  private view: Float64Array | undefined;
  private capacity = 0;
  private slotCount = 0;
  private columnCount = 0;

  constructor(private readonly owner: WasmMemory) {
    owner.releaseWith(this, this.cell);
  }

  /** Byte offset of the current region (0 before the first reserve). */
  get ptr(): number {
    return this.cell.ptr;
  }

  reserve(lengthF64: number): Float64Array {
    // The NodeTable has copied its contents aside; the old region can go first.
    if (this.cell.ptr !== 0) this.owner.release(this.cell.ptr);
    this.cell.ptr = this.owner.alloc(lengthF64 * 8);
    this.view = new Float64Array(this.owner.currentBuffer, this.cell.ptr, lengthF64);
    return this.view;
  }

  layout(capacity: number, slotCount: number, columnCount: number): void {
    this.capacity = capacity;
    this.slotCount = slotCount;
    this.columnCount = columnCount;
    this.describe();
  }

  /** Writes this table's layout into the header (only if it is the published table). */
  describe(): void {
    this.owner.describeTable(this, this.cell.ptr, this.capacity, this.slotCount, this.columnCount);
  }
}

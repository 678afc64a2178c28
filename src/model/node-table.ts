/**
 * NodeTable: the struct-of-arrays copy of every node's resource numbers (DESIGN.md "State").
 *
 * Layout (one f64 region, `capacity` rows per column, row = NodeInfo.row):
 *   column 2*s     allocatable of resource slot s
 *   column 2*s + 1 requested of resource slot s   (slot PODS_SLOT's requested = pod count)
 *   column 2*S     nonZeroRequested cpu (milli)    (S = slot count)
 *   column 2*S + 1 nonZeroRequested memory (bytes)
 *   column 2*S + 2 row version: the table epoch of the row's last change (touch)
 * Slots 0..3 are cpu, memory, ephemeral-storage, pods; scalar resources are interned after them.
 * Numbers are f64: exact integers up to 2^53. assembly/layout.ts defines the same layout for the
 * WASM kernels (checked at load by src/kernel/layout.ts).
 *
 * Row versions and the dirty log let callers cache per-row results (the fused cycle's per-row
 * scores): a cached value stays valid while its row is not touched. Every mutation through
 * ClusterState calls touch(row). The column views (allocatable(), requested(), ...) are
 * writable, so handing one out bumps `viewEpoch`, and caches treat that as "any row may have
 * changed".
 *
 * The region comes from a TableMemory: plain JS memory for the `js` engine, WebAssembly linear
 * memory for the `wasm` engine, so kernels read the same columns without copies.
 */
import { NODE_TABLE_DIRTY_LOG_ROWS, NODE_TABLE_INITIAL_ROWS, RESOURCE_SLOTS_MAX } from './limits.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY, PODS } from './resources.js';
import { PodfitError } from './error-codes.js';

export const CPU_SLOT = 0;
export const MEMORY_SLOT = 1;
export const EPHEMERAL_SLOT = 2;
export const PODS_SLOT = 3;
export const FIXED_SLOTS = 4;
/** Columns after the 2 * S resource columns: non-zero cpu, non-zero memory, row version. */
export const EXTRA_COLUMNS = 3;
/** The row-version column is 2 * S + VERSION_COLUMN_OFFSET. */
export const VERSION_COLUMN_OFFSET = 2;

/** Where the table's f64 region lives. */
export interface TableMemory {
  /**
   * Returns a Float64Array of exactly `lengthF64` elements for the table, preserving nothing.
   * May invalidate the previously returned view; the table copies its data across itself.
   */
  reserve(lengthF64: number): Float64Array;
  /**
   * Optional: told the layout after every (re-)layout, so memory shared with other threads can
   * describe the table (src/kernel/wasm-memory.ts writes it into the WASM header).
   */
  layout?(capacity: number, slotCount: number, columnCount: number): void;
}

/** Plain JS memory (the `js` engine). */
export class JsTableMemory implements TableMemory {
  reserve(lengthF64: number): Float64Array {
    return new Float64Array(lengthF64);
  }
}

/** Interned resource names -> slot numbers. */
export class ResourceSlots {
  private readonly byName = new Map<string, number>([
    [CPU, CPU_SLOT],
    [MEMORY, MEMORY_SLOT],
    [EPHEMERAL_STORAGE, EPHEMERAL_SLOT],
    [PODS, PODS_SLOT],
  ]);
  readonly names: string[] = [CPU, MEMORY, EPHEMERAL_STORAGE, PODS];

  get count(): number {
    return this.names.length;
  }
  /** Slot of a resource, or -1 if it was never seen. */
  slotOf(name: string): number {
    return this.byName.get(name) ?? -1;
  }
  /** Slot of a resource, interning it; throws past RESOURCE_SLOTS_MAX. */
  intern(name: string): number {
    const s = this.byName.get(name);
    if (s !== undefined) return s;
    if (this.names.length >= RESOURCE_SLOTS_MAX) {
      throw new PodfitError('PODFIT_ERR_STATE_TOO_MANY_RESOURCES', `more than ${RESOURCE_SLOTS_MAX} distinct resource names (limit RESOURCE_SLOTS_MAX)`);
    }
    const slot = this.names.length;
    this.names.push(name);
    this.byName.set(name, slot);
    return slot;
  }
}

/** The columnar node resource table. */
export class NodeTable {
  readonly slots = new ResourceSlots();
  private data: Float64Array;
  /** Rows allocated per column. */
  capacity: number;
  /** Slot count the current layout was built for. */
  private layoutSlots: number;
  /** Bumped on every re-layout, so cached column views can be refreshed. */
  layoutVersion = 0;
  /** Bumped on every mutation (touch); a touched row's version is the new epoch. */
  epoch = 0;
  /** Bumped whenever a writable column view is handed out (see the file comment). */
  viewEpoch = 0;
  /** dirtyLog[epoch % NODE_TABLE_DIRTY_LOG_ROWS] = the row touched at that epoch. */
  private readonly dirtyLog = new Int32Array(NODE_TABLE_DIRTY_LOG_ROWS);

  constructor(private readonly memory: TableMemory = new JsTableMemory(), initialRows = NODE_TABLE_INITIAL_ROWS) {
    this.capacity = Math.max(1, initialRows);
    this.layoutSlots = this.slots.count;
    this.data = memory.reserve(this.columnCount(this.layoutSlots) * this.capacity);
    memory.layout?.(this.capacity, this.layoutSlots, this.columnCount(this.layoutSlots));
  }

  private columnCount(slots: number): number {
    return 2 * slots + EXTRA_COLUMNS;
  }

  /** The whole f64 region (kernels address columns inside it). */
  get region(): Float64Array {
    return this.data;
  }

  /** Number of resource slots in the current layout. */
  get slotCount(): number {
    return this.layoutSlots;
  }

  /** Offset (in f64 elements) of a column inside the region. */
  columnOffset(column: number): number {
    return column * this.capacity;
  }

  /** Column view: allocatable of slot s. */
  allocatable(slot: number): Float64Array {
    return this.column(2 * slot);
  }
  /** Column view: requested of slot s. */
  requested(slot: number): Float64Array {
    return this.column(2 * slot + 1);
  }
  /** Column view: non-zero requested cpu (milli). */
  nonZeroCpu(): Float64Array {
    return this.column(2 * this.layoutSlots);
  }
  /** Column view: non-zero requested memory (bytes). */
  nonZeroMemory(): Float64Array {
    return this.column(2 * this.layoutSlots + 1);
  }

  private column(c: number): Float64Array {
    this.viewEpoch++;
    const start = c * this.capacity;
    return this.data.subarray(start, start + this.capacity);
  }

  // Cell access without views (hot paths: assume, node updates, reports). The caller touches
  // the row once per logical change.

  /** Allocatable of slot s on a row. */
  getAllocatable(slot: number, row: number): number {
    return this.data[2 * slot * this.capacity + row]!;
  }
  /** Sets allocatable of slot s on a row. */
  setAllocatable(slot: number, row: number, v: number): void {
    this.data[2 * slot * this.capacity + row] = v;
  }
  /** Requested of slot s on a row (the pod count for PODS_SLOT). */
  getRequested(slot: number, row: number): number {
    return this.data[(2 * slot + 1) * this.capacity + row]!;
  }
  /** Adds to requested of slot s on a row. */
  addRequested(slot: number, row: number, delta: number): void {
    this.data[(2 * slot + 1) * this.capacity + row]! += delta;
  }
  /** Non-zero requested cpu (milli) of a row. */
  getNonZeroCpu(row: number): number {
    return this.data[2 * this.layoutSlots * this.capacity + row]!;
  }
  /** Non-zero requested memory (bytes) of a row. */
  getNonZeroMemory(row: number): number {
    return this.data[(2 * this.layoutSlots + 1) * this.capacity + row]!;
  }
  /** Adds to a row's non-zero requested cpu and memory. */
  addNonZero(row: number, cpuMilli: number, memoryBytes: number): void {
    const off = 2 * this.layoutSlots * this.capacity + row;
    this.data[off]! += cpuMilli;
    this.data[off + this.capacity]! += memoryBytes;
  }
  /**
   * A pod's requests added to a row (sign 1) or taken off it (-1): `amounts[i]` to the requested
   * of slot `slots[i]`, one to the pod count, its non-zero cpu and memory to theirs; the row
   * touched once. addRequested and addNonZero in one call, then touch: every commit and removal runs it.
   */
  applyRequests(row: number, slots: readonly number[], amounts: readonly number[], nonZeroCpu: number, nonZeroMemory: number, sign: 1 | -1): void {
    const data = this.data;
    const cap = this.capacity;
    for (let i = 0; i < slots.length; i++) data[(2 * slots[i]! + 1) * cap + row]! += sign * amounts[i]!;
    data[(2 * PODS_SLOT + 1) * cap + row]! += sign;
    const nz = 2 * this.layoutSlots * cap + row;
    data[nz]! += sign * nonZeroCpu;
    data[nz + cap]! += sign * nonZeroMemory;
    this.touch(row);
  }

  /** The row's version (the epoch of its last touch; 0 = never touched). */
  rowVersion(row: number): number {
    return this.data[(2 * this.layoutSlots + VERSION_COLUMN_OFFSET) * this.capacity + row]!;
  }
  /** Records a change to a row: a new epoch becomes its version, and the row enters the dirty log. */
  touch(row: number): void {
    const e = ++this.epoch;
    this.data[(2 * this.layoutSlots + VERSION_COLUMN_OFFSET) * this.capacity + row] = e;
    this.dirtyLog[e % NODE_TABLE_DIRTY_LOG_ROWS] = row;
  }

  /**
   * The rows touched after epoch `since` (oldest first, repeats possible) into `out` (length >=
   * NODE_TABLE_DIRTY_LOG_ROWS); returns their count, or -1 when the log no longer reaches back
   * that far (the caller then treats every row as changed).
   */
  touchedSince(since: number, out: Int32Array): number {
    const n = this.epoch - since;
    if (n < 0 || n > NODE_TABLE_DIRTY_LOG_ROWS) return -1;
    for (let k = 0; k < n; k++) out[k] = this.dirtyLog[(since + 1 + k) % NODE_TABLE_DIRTY_LOG_ROWS]!;
    return n;
  }

  /** Ensures `rows` rows and all interned slots fit; re-lays out (copying) when not. */
  ensure(rows: number): void {
    const slots = this.slots.count;
    if (rows <= this.capacity && slots === this.layoutSlots) return;
    let cap = this.capacity;
    while (cap < rows) cap *= 2;
    const old = this.data;
    const oldCap = this.capacity;
    const oldSlots = this.layoutSlots;
    // Copy old contents out first: the memory may hand back the same buffer.
    const saved = Float64Array.from(old);
    this.data = this.memory.reserve(this.columnCount(slots) * cap);
    this.data.fill(0);
    this.capacity = cap;
    this.layoutSlots = slots;
    const copyCol = (fromCol: number, toCol: number) => {
      this.data.set(saved.subarray(fromCol * oldCap, fromCol * oldCap + oldCap), toCol * cap);
    };
    for (let s = 0; s < oldSlots; s++) {
      copyCol(2 * s, 2 * s);
      copyCol(2 * s + 1, 2 * s + 1);
    }
    for (let e = 0; e < EXTRA_COLUMNS; e++) copyCol(2 * oldSlots + e, 2 * slots + e);
    this.layoutVersion++;
    this.memory.layout?.(cap, slots, this.columnCount(slots));
  }

  /**
   * Makes this table a copy of `other` (a what-if's copy of a state): the same slots in the same
   * order, capacity, columns, row versions, epoch and dirty log, so row numbers mean the same in
   * both. One copy of the region; the tables share nothing afterwards.
   */
  copyFrom(other: NodeTable): void {
    for (const name of other.slots.names) this.slots.intern(name);
    this.ensure(other.capacity);
    if (this.capacity !== other.capacity || this.layoutSlots !== other.layoutSlots) {
      throw new PodfitError('PODFIT_ERR_STATE_TABLE_COPY', `NodeTable copy: layout ${this.capacity}x${this.layoutSlots} differs from ${other.capacity}x${other.layoutSlots}`);
    }
    this.data.set(other.data);
    this.epoch = other.epoch;
    this.viewEpoch = other.viewEpoch;
    this.dirtyLog.set(other.dirtyLog);
  }

  /** Interns a resource name and makes sure its columns exist. */
  slotFor(name: string): number {
    const s = this.slots.intern(name);
    if (this.slots.count !== this.layoutSlots) this.ensure(this.capacity);
    return s;
  }

  /** Zeroes one row (node removed or re-added); its version moves on, never back to 0. */
  clearRow(row: number): void {
    const cols = 2 * this.layoutSlots + VERSION_COLUMN_OFFSET;
    for (let c = 0; c < cols; c++) this.data[c * this.capacity + row] = 0;
    this.touch(row);
  }

  /** Bytes used per row by the current layout. */
  bytesPerRow(): number {
    return this.columnCount(this.layoutSlots) * 8;
  }
}

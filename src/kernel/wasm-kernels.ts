/**
 * The `wasm` engine: the AssemblyScript kernels of assembly/ (exports named in assembly/index.ts)
 * behind the Kernels interface. One module instance per build variant per process, all on the
 * one shared WasmMemory (src/kernel/wasm-memory.ts): tables and arrays made by either variant are
 * read in place by both. Only byte offsets, counts and numbers cross into WASM; argument records
 * (descriptors.ts: the fit request, the scorers) are written into a scratch region as
 * descriptors, a few dozen bytes per call, and passed by offset.
 *
 * Arrays that are not views of the WASM memory (a NodeTable in plain JS memory, a caller's own
 * Float64Array) still work: they are copied through the scratch for the call, and outputs copied
 * back. That path is for tests and odd callers; the scheduler's hot path allocates its arrays
 * with `allocI32`/`allocF64` and its table with `createTableMemory`, so only the records are
 * copied.
 */
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import type { ClassIndex, ClassIndexArrays, FeasibleSet, FitArgs, Kernels, ScorerArgs } from './kernels.js';
import { bindClassIndex, fitMaskWords } from './kernels.js';
import { CLASS_INDEX, FIT, SCORER, wasmRecordBytes, writeWasmRecord, type ClassIndexArgs, type FieldSpecs, type RecordDescriptor, type RecordOf } from './descriptors.js';
import { checkLayout } from './layout.js';
import { WasmMemory } from './wasm-memory.js';
import { PodfitError } from '../model/error-codes.js';

/** Build variants of the module (scripts/build-wasm.js). */
export type WasmVariant = 'simd' | 'scalar';

/** File of each variant, relative to this module (src/kernel or dist/kernel -> build/). */
const MODULE_FILES: Record<WasmVariant, string> = {
  simd: '../../build/podfit.wasm',
  scalar: '../../build/podfit-scalar.wasm',
};

/** The exports of assembly/index.ts (pointers are byte offsets; `fit` points at a fit descriptor, `scorer(s)` at scorer descriptors). */
interface KernelExports {
  layout_check(): number;
  simd_enabled(): number;
  fit_batch(table: number, capacity: number, rows: number, rowCount: number, fit: number, out: number): void;
  score_resources(table: number, capacity: number, slotCount: number, rows: number, rowCount: number, scorer: number, out: number): void;
  score_add(table: number, capacity: number, slotCount: number, rows: number, feasible: number, count: number, scorer: number, totals: number): void;
  score_rows(
    table: number, capacity: number, slotCount: number, rows: number, rowCount: number, fit: number, scorers: number, scorerCount: number, out: number,
  ): void;
  scan_classes(rowTotals: number, rows: number, classes: number, singleClass: number, n: number, classPass: number, classFeasible: number, classMax: number, classTies: number): number;
  select_nth(rowTotals: number, rows: number, classes: number, singleClass: number, n: number, classPass: number, classScore: number, max: number, k: number): number;
  gather_feasible(rowTotals: number, rows: number, classes: number, singleClass: number, n: number, classPass: number, feasible: number, totals: number): number;
  select_top(classes: number, feasible: number, count: number, classScore: number, totals: number): number;
  select_kth(totals: number, count: number, max: number, k: number): number;
  zero_f64(ptr: number, n: number): void;
  tree_build(max: number, count: number, size: number): void;
  tree_set(max: number, count: number, size: number, i: number, value: number): void;
  tree_kth(max: number, count: number, size: number, k: number): number;
  class_leaves(
    rows: number, classes: number, n: number, kernelTotal: number, useKernel: number, classBase: number, nodeBase: number,
    groups: number, groupBase: number, feasible: number, classFeasible: number, classCount: number, max: number, count: number, size: number,
    full: number,
  ): number;
  class_update(
    changedRows: number, changedCount: number, nodeOfRow: number, classes: number, kernelTotal: number, useKernel: number,
    classBase: number, nodeBase: number, groups: number, groupBase: number, feasible: number, classFeasible: number, max: number, count: number,
    size: number, flips: number,
  ): number;
  class_step(rec: number, count: number): number;
  class_kth(rec: number, k: number): number;
}

let sharedMemory: WasmMemory | undefined;

/** The process's WASM memory (created on first use). */
export function wasmMemory(): WasmMemory {
  sharedMemory ??= new WasmMemory();
  return sharedMemory;
}

const instances = new Map<WasmVariant, Promise<WasmKernels>>();

/** URL of a variant's module file. */
export function wasmModuleUrl(variant: WasmVariant): URL {
  return new URL(MODULE_FILES[variant], import.meta.url);
}

/**
 * The kernels of a build variant, instantiated once per process. `simd` falls back to `scalar`
 * when the host cannot compile v128 code.
 */
export function createWasmKernels(variant: WasmVariant = 'simd'): Promise<WasmKernels> {
  let p = instances.get(variant);
  if (!p) {
    p = instantiate(variant);
    instances.set(variant, p);
    p.catch(() => instances.delete(variant));
  }
  return p;
}

async function instantiate(variant: WasmVariant): Promise<WasmKernels> {
  const url = wasmModuleUrl(variant);
  let bytes: Buffer;
  try {
    bytes = await readFile(url);
  } catch (e) {
    throw new PodfitError('PODFIT_ERR_KERNEL_WASM_MISSING', `${url.pathname} not readable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run \`npm run build\``);
  }
  if (variant === 'simd' && !WebAssembly.validate(bytes)) return createWasmKernels('scalar');
  const mem = wasmMemory();
  // The kernels are small and hot from the first cycle: compile them with the optimizing tier at
  // once rather than starting in Liftoff and tiering up after ~1.8 MB of executed code (a measured
  // window of 10,000 class-batched pods ran its first few thousand decisions on baseline code).
  setFlagsFromString('--no-wasm-dynamic-tiering');
  // Likewise the JS-to-wasm call wrappers: with V8's generic wrapper, each export's own wrapper is
  // compiled on the main thread after ~1,000 calls, mid-run (a 1-2 ms stall per kernel signature,
  // measured at the second decision of a class batch); without it they are compiled at instantiation.
  setFlagsFromString('--no-wasm-generic-wrapper');
  const module = await WebAssembly.compile(bytes);
  const instance = await WebAssembly.instantiate(module, { env: { memory: mem.memory, abort: wasmAbort } });
  checkLayout(instance.exports, url.pathname);
  const exp = instance.exports as unknown as KernelExports;
  const check = exp.layout_check();
  if (check !== 0) throw new PodfitError('PODFIT_ERR_KERNEL_LAYOUT', `${url.pathname} layout_check() = ${check} (1: static data overlaps the header, 2: header magic/version mismatch)`);
  return new WasmKernels(exp, mem, exp.simd_enabled() === 1 ? 'wasm-simd' : 'wasm-scalar', module);
}

/** A compiled kernel module and the shared memory it runs on, as handed to a worker thread. */
export interface WasmKernelHandle {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
}

/** What a worker needs to attach to this process's kernels (the module and its shared memory). */
export function wasmKernelHandle(k: WasmKernels): WasmKernelHandle {
  return { module: k.module, memory: k.memory.memory };
}

/**
 * The kernels of a module compiled on another thread, instantiated on that thread's shared memory
 * (a worker thread's view of the main thread's kernels): tables and arrays of the owner are read
 * in place; this instance allocates only inside the share [arenaBase, arenaEnd) the owner set
 * aside for it, and never writes the header.
 */
export async function attachWasmKernels(handle: WasmKernelHandle, arenaBase: number, arenaEnd: number): Promise<WasmKernels> {
  const mem = new WasmMemory(0, 0, { memory: handle.memory, base: arenaBase, end: arenaEnd });
  const instance = await WebAssembly.instantiate(handle.module, { env: { memory: handle.memory, abort: wasmAbort } });
  checkLayout(instance.exports, 'the attached kernel module');
  const exp = instance.exports as unknown as KernelExports;
  const check = exp.layout_check();
  if (check !== 0) throw new PodfitError('PODFIT_ERR_KERNEL_LAYOUT', `attached module layout_check() = ${check} (1: static data overlaps the header, 2: header magic/version mismatch)`);
  return new WasmKernels(exp, mem, exp.simd_enabled() === 1 ? 'wasm-simd' : 'wasm-scalar', handle.module);
}

/** AssemblyScript's abort import; the kernels are built with --noAssert, so it only guards. */
function wasmAbort(): never {
  throw new PodfitError('PODFIT_ERR_KERNEL_ABORT', 'a WASM kernel aborted');
}

type Typed = Int32Array | Uint32Array | Float64Array;

/** The Kernels interface over one module instance. */
export class WasmKernels implements Kernels {
  readonly engine = 'wasm' as const;
  /** Scratch region for copies of arrays that live outside the WASM memory. */
  private scratchPtr = 0;
  private scratchBytes = 0;
  private scratchUsed = 0;
  /** Scratch regions outgrown during the current call (released when it ends). */
  private readonly retired: number[] = [];
  /** Outputs to copy back after the current call: [foreign array, scratch ptr, elements]. */
  private readonly copyBack: Array<[Typed, number, number]> = [];

  constructor(
    private readonly exp: KernelExports,
    readonly memory: WasmMemory,
    readonly variant: string,
    /** The compiled module, for worker threads to instantiate on the same memory. */
    readonly module: WebAssembly.Module,
  ) {}

  createTableMemory() {
    return this.memory.createTableMemory();
  }
  allocI32(length: number): Int32Array {
    return this.memory.allocI32(length);
  }
  allocF64(length: number): Float64Array {
    return this.memory.allocF64(length);
  }
  free(view: Int32Array | Float64Array): void {
    this.memory.free(view);
  }

  /** Byte offset of an input array, copying it into scratch when it is not in WASM memory. */
  private in(a: Typed): number {
    if (this.memory.owns(a)) return a.byteOffset;
    const ptr = this.scratch(a.byteLength);
    if (a.length <= 16) {
      // Small inputs (a pod's requests, weights): element copies, no view objects.
      this.refreshViews();
      if (a instanceof Float64Array) {
        const f64 = this.f64View!;
        for (let i = 0; i < a.length; i++) f64[(ptr >> 3) + i] = a[i]!;
      } else {
        const i32 = this.i32View!;
        for (let i = 0; i < a.length; i++) i32[(ptr >> 2) + i] = a[i]! | 0;
      }
      return ptr;
    }
    new Uint8Array(this.memory.currentBuffer, ptr, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return ptr;
  }

  /** Byte offset of an output array of which `elements` are written (and read, if accumulating). */
  private out(a: Typed, elements: number): number {
    if (this.memory.owns(a)) return a.byteOffset;
    const ptr = this.in(a);
    this.copyBack.push([a, ptr, elements]);
    return ptr;
  }

  /** Ends a call: copies foreign outputs back, recycles the scratch. */
  private done(): void {
    if (this.copyBack.length === 0 && this.scratchUsed === 0) return;
    for (const [a, ptr, elements] of this.copyBack) {
      const bytes = Math.min(elements * a.BYTES_PER_ELEMENT, a.byteLength);
      new Uint8Array(a.buffer, a.byteOffset, bytes).set(new Uint8Array(this.memory.currentBuffer, ptr, bytes));
    }
    this.copyBack.length = 0;
    this.scratchUsed = 0;
    for (const p of this.retired) this.memory.release(p);
    this.retired.length = 0;
  }

  private scratch(bytes: number): number {
    const size = Math.ceil(bytes / 16) * 16;
    if (this.scratchUsed + size > this.scratchBytes) {
      // Keep the old region alive until the call ends: earlier copies point into it.
      if (this.scratchPtr !== 0) this.retired.push(this.scratchPtr);
      this.scratchBytes = Math.max(2 * this.scratchBytes, size, 65536);
      this.scratchPtr = this.memory.alloc(this.scratchBytes);
      this.scratchUsed = 0;
    }
    const ptr = this.scratchPtr + this.scratchUsed;
    this.scratchUsed += size;
    return ptr;
  }

  fitBatch(region: Float64Array, capacity: number, rows: Int32Array, rowCount: number, fit: FitArgs, out: Uint32Array): void {
    this.exp.fit_batch(this.in(region), capacity, this.in(rows), rowCount, this.record(FIT, fit), this.out(out, rowCount * fitMaskWords(fit.count)));
    this.done();
  }

  resourceScoreBatch(
    region: Float64Array, capacity: number, slotCount: number, rows: Int32Array, rowCount: number, scorer: ScorerArgs, out: Float64Array,
  ): void {
    this.exp.score_resources(this.in(region), capacity, slotCount, this.in(rows), rowCount, this.record(SCORER, scorer), this.out(out, rowCount));
    this.done();
  }

  scoreRows(
    region: Float64Array, capacity: number, slotCount: number, rows: Int32Array, rowCount: number,
    fit: FitArgs, scorers: readonly ScorerArgs[], out: Float64Array,
  ): void {
    this.exp.score_rows(
      this.in(region), capacity, slotCount, this.in(rows), rowCount, this.record(FIT, fit),
      this.records(SCORER, scorers), scorers.length, this.out(out, out.length),
    );
    this.done();
  }

  /** A FeasibleSet's arrays as offsets (rows 0 = rows are the node indices). */
  private set(set: FeasibleSet): [number, number, number, number, number, number] {
    return [this.in(set.rowTotals), set.rows ? this.in(set.rows) : 0, this.in(set.classes), set.singleClass, set.n, this.in(set.classPass)];
  }

  scanClasses(set: FeasibleSet, classFeasible: Int32Array, classMax: Float64Array, classTies: Int32Array): number {
    const count = this.exp.scan_classes(...this.set(set), this.out(classFeasible, classFeasible.length), this.out(classMax, classMax.length), this.out(classTies, classTies.length));
    this.done();
    return count;
  }

  selectNth(set: FeasibleSet, classScore: Float64Array, max: number, k: number): number {
    const i = this.exp.select_nth(...this.set(set), this.in(classScore), max, k);
    this.done();
    return i;
  }

  gatherFeasible(set: FeasibleSet, feasible: Int32Array, totals: Float64Array): number {
    const count = this.exp.gather_feasible(...this.set(set), this.out(feasible, set.n), this.out(totals, set.n));
    this.done();
    return count;
  }

  /** Writes a record (its descriptor, then its arrays) into the scratch; returns the descriptor's offset. */
  private record<F extends FieldSpecs>(d: RecordDescriptor<F>, rec: RecordOf<F>): number {
    const at = this.scratch(wasmRecordBytes(d, rec));
    this.refreshViews();
    writeWasmRecord(d, rec, this.i32View!, this.f64View!, at, at + d.bytes);
    return at;
  }

  /** Writes records into the scratch, descriptors contiguous (d.bytes apart), then their arrays; returns the first's offset. */
  private records<F extends FieldSpecs>(d: RecordDescriptor<F>, recs: readonly RecordOf<F>[]): number {
    if (recs.length === 0) return 0;
    let bytes = 0;
    for (const r of recs) bytes += wasmRecordBytes(d, r);
    const base = this.scratch(bytes);
    this.refreshViews();
    let data = base + recs.length * d.bytes;
    for (let s = 0; s < recs.length; s++) data = writeWasmRecord(d, recs[s]!, this.i32View!, this.f64View!, base + s * d.bytes, data);
    return base;
  }

  /** Whole-memory views, refreshed after the memory grew. */
  private refreshViews(): void {
    const buf = this.memory.currentBuffer;
    if (this.viewBuffer !== buf) {
      this.viewBuffer = buf;
      this.i32View = new Int32Array(buf);
      this.f64View = new Float64Array(buf);
    }
  }

  private viewBuffer: ArrayBufferLike | undefined;
  private i32View: Int32Array | undefined;
  private f64View: Float64Array | undefined;

  scoreAdd(
    region: Float64Array, capacity: number, slotCount: number, rows: Int32Array, feasible: Int32Array, count: number,
    scorer: ScorerArgs, totals: Float64Array,
  ): void {
    this.exp.score_add(this.in(region), capacity, slotCount, this.in(rows), this.in(feasible), count, this.record(SCORER, scorer), this.out(totals, count));
    this.done();
  }

  selectTop(classes: Int32Array, feasible: Int32Array, count: number, classScore: Float64Array, totals: Float64Array): number {
    const ties = this.exp.select_top(this.in(classes), this.in(feasible), count, this.in(classScore), this.out(totals, count));
    this.done();
    return ties;
  }

  topTotal(): number {
    return this.memory.resultMax();
  }

  selectKth(totals: Float64Array, count: number, max: number, k: number): number {
    const i = this.exp.select_kth(this.in(totals), count, max, k);
    this.done();
    return i;
  }

  zeroF64(arr: Float64Array, n: number): void {
    if (this.memory.owns(arr)) this.exp.zero_f64(arr.byteOffset, n);
    else arr.fill(0, 0, n);
  }

  treeBuild(max: Float64Array, count: Int32Array, size: number): void {
    this.exp.tree_build(this.out(max, 2 * size), this.out(count, 2 * size), size);
    this.done();
  }

  treeSet(max: Float64Array, count: Int32Array, size: number, i: number, value: number): void {
    this.exp.tree_set(this.out(max, 2 * size), this.out(count, 2 * size), size, i, value);
    this.done();
  }

  treeKth(max: Float64Array, count: Int32Array, size: number, k: number): number {
    const i = this.exp.tree_kth(this.in(max), this.in(count), size, k);
    this.done();
    return i;
  }

  classLeaves(
    rows: Int32Array, classes: Int32Array, n: number, kernelTotal: Float64Array, useKernel: number, classBase: Float64Array,
    nodeBase: Float64Array, groups: Int32Array, groupBase: Float64Array, feasible: Int32Array, classFeasible: Int32Array, classCount: number,
    max: Float64Array, count: Int32Array, size: number, full: number,
  ): number {
    const r = this.exp.class_leaves(
      this.in(rows), this.in(classes), n, this.in(kernelTotal), useKernel, this.in(classBase), this.in(nodeBase), this.in(groups), this.in(groupBase),
      this.out(feasible, n), this.out(classFeasible, classCount), classCount, this.out(max, 2 * size), this.out(count, 2 * size), size, full,
    );
    this.done();
    return r;
  }

  classUpdate(
    changedRows: Int32Array, changedCount: number, nodeOfRow: Int32Array, classes: Int32Array, kernelTotal: Float64Array, useKernel: number,
    classBase: Float64Array, nodeBase: Float64Array, groups: Int32Array, groupBase: Float64Array, feasible: Int32Array, classFeasible: Int32Array,
    max: Float64Array, count: Int32Array, size: number, flips: Int32Array,
  ): number {
    const r = this.exp.class_update(
      this.in(changedRows), changedCount, this.in(nodeOfRow), this.in(classes), this.in(kernelTotal), useKernel, this.in(classBase),
      this.in(nodeBase), this.in(groups), this.in(groupBase), this.out(feasible, feasible.length), this.out(classFeasible, classFeasible.length), this.out(max, 2 * size),
      this.out(count, 2 * size), size, this.out(flips, changedCount),
    );
    this.done();
    return r;
  }

  classIndex(a: ClassIndexArrays): ClassIndex {
    const arrays = [a.rows, a.classes, a.nodeOfRow, a.kernelTotal, a.classBase, a.nodeBase, a.groups, a.groupBase, a.feasible, a.classFeasible, a.treeMax, a.treeCount, a.changed, a.flips];
    // Arrays outside this memory take the copying path of the generic methods.
    if (!arrays.every((arr) => this.memory.owns(arr))) return bindClassIndex(this, a);
    const exp = this.exp;
    const [rows, classes, nodeOfRow, kernelTotal, classBase, nodeBase, groups, groupBase, feasible, classFeasible, treeMax, treeCount, changed, flips] = arrays.map((x) => x.byteOffset) as [
      number, number, number, number, number, number, number, number, number, number, number, number, number, number,
    ];
    const o = (x: Typed) => x.byteOffset;
    const { n, classCount, size } = a;
    const kp = a.kernel;
    if (kp && !this.memory.owns(kp.region)) return bindClassIndex(this, a);
    // The fit and scorer records and the class index record, written once into a region of
    // their own (kept alive by the index); a decision then passes one pointer (class_step, class_kth).
    let bytes = CLASS_INDEX.bytes;
    if (kp) {
      bytes += wasmRecordBytes(FIT, kp.fit);
      for (const r of kp.scorers) bytes += wasmRecordBytes(SCORER, r);
    }
    const region = this.memory.allocI32(Math.ceil(bytes / 4) + 4);
    const base = (region.byteOffset + 7) & ~7;
    this.refreshViews();
    const indexAt = base;
    let at = base + CLASS_INDEX.bytes;
    let fitAt = 0;
    let scorersAt = 0;
    if (kp) {
      fitAt = at;
      at = writeWasmRecord(FIT, kp.fit, this.i32View!, this.f64View!, fitAt, fitAt + FIT.bytes);
      if (kp.scorers.length > 0) {
        scorersAt = at;
        let data = scorersAt + kp.scorers.length * SCORER.bytes;
        kp.scorers.forEach((r, s) => (data = writeWasmRecord(SCORER, r, this.i32View!, this.f64View!, scorersAt + s * SCORER.bytes, data)));
      }
    }
    const useKernel = kp ? 1 : 0;
    const index: ClassIndexArgs = {
      table: kp ? o(kp.region) : 0, capacity: kp?.capacity ?? 0, slotCount: kp?.slotCount ?? 0, fit: fitAt, scorers: scorersAt,
      scorerCount: kp?.scorers.length ?? 0, useKernel, changed, nodeOfRow, classes, kernelTotal, classBase, nodeBase, groups, groupBase,
      feasible, classFeasible, treeMax, treeCount, size, flips,
    };
    writeWasmRecord(CLASS_INDEX, index, this.i32View!, this.f64View!, indexAt, indexAt + CLASS_INDEX.bytes);
    return {
      leaves: () => {
        void region;
        if (useKernel) exp.score_rows(index.table, index.capacity, index.slotCount, rows, n, fitAt, scorersAt, index.scorerCount, kernelTotal);
        return exp.class_leaves(rows, classes, n, kernelTotal, useKernel, classBase, nodeBase, groups, groupBase, feasible, classFeasible, classCount, treeMax, treeCount, size, 1);
      },
      relink: () => exp.class_leaves(rows, classes, n, kernelTotal, useKernel, classBase, nodeBase, groups, groupBase, feasible, classFeasible, classCount, treeMax, treeCount, size, 0),
      update: (count) => exp.class_step(indexAt, count),
      kth: (k) => exp.class_kth(indexAt, k),
    };
  }
}

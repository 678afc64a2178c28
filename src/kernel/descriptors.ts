/**
 * One descriptor per kernel argument record (DESIGN.md "One engine": a kernel's arguments and
 * their slots in WASM memory and in worker messages are written once). A record is a flat object
 * of i32/f64 scalars and i32/f64 arrays, each array's element count being one of the record's
 * i32 scalars (its length field; an array may be longer, the rest is not read). Its fields are
 * listed once, in `SCORER_FIELDS` and `FIT_FIELDS` below; everything else is derived from that
 * list by the generic code in this file:
 *
 * - the WASM descriptor layout: fields in definition order, i32 scalars and array pointers 4
 *   bytes, f64 scalars 8 bytes 8-aligned, the size rounded up to 8. `layoutConstants` names each
 *   offset `<prefix>_<FIELD_NAME>` plus `<prefix>_BYTES`; assembly/layout.ts defines the same
 *   constants for the kernels and kernel/layout.ts checks the two against each other when a
 *   module is loaded, so a drift fails at start-up;
 * - writing a record into WASM memory (`wasmRecordBytes`, `writeWasmRecord`): the descriptor,
 *   then its arrays, each 8-aligned, the descriptor's array fields pointing at them;
 * - the f64 encoding (`recordWords`, `encodeRecord`, `decodeRecord`): the scalars in order, then
 *   each array's elements. Worker messages carry it, and since every length precedes its array
 *   it is also an unambiguous numeric key (score caches, speculation summaries);
 * - equality (`sameRecord`) and a copy with some fields replaced (`withFields`).
 *
 * Records built here (decoded, copied) get their properties in definition order, so the kernels'
 * field reads see one object shape. Everything is exact for integers and f64 values alike.
 *
 * The operations that run on every kernel call or scheduling cycle (words, encode, bytes, write,
 * same) are compiled once per record into straight-line functions (`compileRecord`), as fastify's
 * serializers compile a JSON schema: a loop reading `rec[field.name]` with a name that changes
 * every iteration is a megamorphic property lookup in V8, about ten times a fixed-name read, and
 * the fused cycle does ~100 of them per cycle (measured: +1.3 us per 15 us cycle).
 */
import { PodfitError } from '../model/error-codes.js';

/** A scalar field: one i32 or f64. */
export interface ScalarSpec<T extends 'i32' | 'f64' = 'i32' | 'f64'> {
  readonly type: T;
}

/** An array field of i32 or f64 elements; `length` names the i32 scalar holding its element count. */
export interface ArraySpec<T extends 'i32[]' | 'f64[]' = 'i32[]' | 'f64[]'> {
  readonly type: T;
  readonly length: string;
}

/** One field of a record. */
export type FieldSpec = ScalarSpec | ArraySpec;

/** A record's fields by name, in definition order. */
export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

/** The value a field holds. */
type ValueOf<S extends FieldSpec> = S extends { type: 'i32[]' } ? Int32Array : S extends { type: 'f64[]' } ? Float64Array : number;

/** The record type a field list describes. */
export type RecordOf<F extends FieldSpecs> = { readonly [K in keyof F]: ValueOf<F[K]> };

/** An i32 scalar field. */
export const I32: ScalarSpec<'i32'> = { type: 'i32' };
/** An f64 scalar field. */
export const F64: ScalarSpec<'f64'> = { type: 'f64' };

/** An i32 array field of `length` elements (an i32 field of the same record). */
export function i32Array(length: string): ArraySpec<'i32[]'> {
  return { type: 'i32[]', length };
}

/** An f64 array field of `length` elements (an i32 field of the same record). */
export function f64Array(length: string): ArraySpec<'f64[]'> {
  return { type: 'f64[]', length };
}

/** A field as the generic code uses it. */
export interface FieldLayout {
  readonly name: string;
  /** Whether the field is an array (its descriptor slot is an i32 byte offset). */
  readonly array: boolean;
  /** Whether the field's numbers are f64 (else i32). */
  readonly f64: boolean;
  /** Byte offset in the WASM descriptor. */
  readonly offset: number;
  /** Scalars: the field's index among the scalars (its word in the encoding); arrays: -1. */
  readonly scalarIndex: number;
  /** Arrays: the name of the length field, and that field's index among the scalars. */
  readonly length: string;
  readonly lengthIndex: number;
}

/** A record's fields by name, for the generic code. */
type Loose = Readonly<Record<string, number | Int32Array | Float64Array>>;

/** The compiled operations of one record (compileRecord); each is documented at its exported wrapper. */
interface RecordCode {
  readonly words: (r: Loose) => number;
  readonly encode: (r: Loose, out: Float64Array, at: number) => number;
  readonly bytes: (r: Loose) => number;
  readonly write: (r: Loose, i32: Int32Array, f64: Float64Array, at: number, data: number) => number;
  readonly same: (a: Loose, b: Loose) => boolean;
}

/** A record's definition and everything derived from it. */
export interface RecordDescriptor<F extends FieldSpecs> {
  /** What the record is, for messages. */
  readonly name: string;
  /** Prefix of its layout constants (`SD` -> SD_STRATEGY, ..., SD_BYTES). */
  readonly prefix: string;
  readonly fields: F;
  /** Every field in definition order. */
  readonly layout: readonly FieldLayout[];
  /** The scalar fields in definition order (the encoding's first words). */
  readonly scalars: readonly FieldLayout[];
  /** The array fields in definition order. */
  readonly arrays: readonly FieldLayout[];
  /** Bytes of one WASM descriptor (its arrays follow elsewhere). */
  readonly bytes: number;
  /** The compiled hot operations. */
  readonly code: RecordCode;
}

/** 8-byte alignment of WASM descriptors and of the arrays written after them. */
const ALIGN = 8;

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** `resourceCount` -> `RESOURCE_COUNT`. */
function constantName(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** Field names are compiled into code (compileRecord): plain identifiers only. */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Defines a record: checks the field list (identifiers; every array's length field is an i32
 * scalar of the record), derives its WASM layout and compiles its hot operations. Called once per
 * record, at module load.
 */
export function defineRecord<F extends FieldSpecs>(name: string, prefix: string, fields: F): RecordDescriptor<F> {
  const scalarNames = Object.keys(fields).filter((n) => !('length' in fields[n]!));
  const layout: FieldLayout[] = [];
  let offset = 0;
  for (const [field, spec] of Object.entries(fields)) {
    if (!IDENTIFIER.test(field)) throw new PodfitError('PODFIT_ERR_KERNEL_DESCRIPTOR', `${name}.${field}: not an identifier`);
    const array = 'length' in spec;
    const size = spec.type === 'f64' ? 8 : 4;
    offset = alignUp(offset, size);
    let lengthIndex = -1;
    if (array) {
      lengthIndex = scalarNames.indexOf(spec.length);
      if (lengthIndex < 0 || fields[spec.length]!.type !== 'i32') {
        throw new PodfitError('PODFIT_ERR_KERNEL_DESCRIPTOR', `${name}.${field}: length field ${spec.length} is not an i32 scalar of the record`);
      }
    }
    layout.push({
      name: field, array, f64: spec.type === 'f64' || spec.type === 'f64[]', offset,
      scalarIndex: scalarNames.indexOf(field), length: array ? spec.length : '', lengthIndex,
    });
    offset += size;
  }
  const bytes = alignUp(offset, ALIGN);
  return {
    name,
    prefix,
    fields,
    layout,
    scalars: layout.filter((f) => !f.array),
    arrays: layout.filter((f) => f.array),
    bytes,
    code: compileRecord(layout, bytes),
  };
}

/** Source of `n * size` bytes rounded up to ALIGN (8), parenthesised (`<<` binds looser than `+`). */
function alignedBytes(n: string, size: number): string {
  return size === 8 ? `(${n} * 8)` : `(((${n} * ${size} + 7) >> 3) << 3)`;
}

/**
 * Compiles a record's hot operations from its layout into straight-line functions (see the file
 * comment for why). For the fit record, `encode` reads:
 *   let w = at; out[w++] = r.count;
 *   { const a = r.slots, n = r.count; for (let j = 0; j < n; j++) out[w++] = a[j]; }
 *   { const a = r.amounts, n = r.count; for (let j = 0; j < n; j++) out[w++] = a[j]; }
 *   return w;
 */
function compileRecord(layout: readonly FieldLayout[], bytes: number): RecordCode {
  const scalars = layout.filter((f) => !f.array);
  const arrays = layout.filter((f) => f.array);
  const words = `return ${[String(scalars.length), ...arrays.map((f) => `r.${f.length}`)].join(' + ')};`;
  const encode = [
    'let w = at;',
    ...scalars.map((f) => `out[w++] = r.${f.name};`),
    ...arrays.map((f) => `{ const a = r.${f.name}, n = r.${f.length}; for (let j = 0; j < n; j++) out[w++] = a[j]; }`),
    'return w;',
  ].join('\n');
  const size = `return ${[String(bytes), ...arrays.map((f) => alignedBytes(`r.${f.length}`, f.f64 ? 8 : 4))].join(' + ')};`;
  const write = [
    ...layout.map((f) => {
      if (!f.array) return f.f64 ? `f64[(at + ${f.offset}) >> 3] = r.${f.name};` : `i32[(at + ${f.offset}) >> 2] = r.${f.name};`;
      const view = f.f64 ? 'f64' : 'i32';
      return `{ i32[(at + ${f.offset}) >> 2] = data; const a = r.${f.name}, n = r.${f.length}, w = data >> ${f.f64 ? 3 : 2}; ` +
        `for (let j = 0; j < n; j++) ${view}[w + j] = a[j]; data += ${alignedBytes('n', f.f64 ? 8 : 4)}; }`;
    }),
    'return data;',
  ].join('\n');
  const same = [
    'if (a === b) return true;',
    ...scalars.map((f) => `if (a.${f.name} !== b.${f.name}) return false;`),
    ...arrays.map((f) => `{ const p = a.${f.name}, q = b.${f.name}; if (p !== q) { const n = a.${f.length}; for (let j = 0; j < n; j++) if (p[j] !== q[j]) return false; } }`),
    'return true;',
  ].join('\n');
  // The sources are built from checked identifiers and numbers only (defineRecord).
  return {
    words: new Function('r', words) as RecordCode['words'],
    encode: new Function('r', 'out', 'at', encode) as RecordCode['encode'],
    bytes: new Function('r', size) as RecordCode['bytes'],
    write: new Function('r', 'i32', 'f64', 'at', 'data', write) as RecordCode['write'],
    same: new Function('a', 'b', same) as RecordCode['same'],
  };
}

/** The layout constants of a record (`<prefix>_<FIELD>` byte offsets and `<prefix>_BYTES`), as assembly/layout.ts exports them. */
export function layoutConstants(d: RecordDescriptor<FieldSpecs>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of d.layout) out[`${d.prefix}_${constantName(f.name)}`] = f.offset;
  out[`${d.prefix}_BYTES`] = d.bytes;
  return out;
}

/** Bytes a record takes in WASM memory: its descriptor plus its arrays (each 8-aligned). */
export function wasmRecordBytes<F extends FieldSpecs>(d: RecordDescriptor<F>, rec: RecordOf<F>): number {
  return d.code.bytes(rec as Loose);
}

/**
 * Writes a record's descriptor at byte `at` and its arrays from byte `data` on (8-aligned, each
 * 8-aligned), through whole-memory views; returns the byte after the last array.
 */
export function writeWasmRecord<F extends FieldSpecs>(
  d: RecordDescriptor<F>, rec: RecordOf<F>, i32: Int32Array, f64: Float64Array, at: number, data: number,
): number {
  return d.code.write(rec as Loose, i32, f64, at, data);
}

/** f64 words of a record's encoding: one per scalar, then each array's elements. */
export function recordWords<F extends FieldSpecs>(d: RecordDescriptor<F>, rec: RecordOf<F>): number {
  return d.code.words(rec as Loose);
}

/**
 * Writes a record's encoding into `out` from index `at` (room for recordWords); returns the
 * index after it. Worker messages carry it; appended to a key, it identifies the record exactly.
 */
export function encodeRecord<F extends FieldSpecs>(d: RecordDescriptor<F>, rec: RecordOf<F>, out: Float64Array, at: number): number {
  return d.code.encode(rec as Loose, out, at);
}

/** Reads a record encoded at `src[at]` (new arrays of exactly their lengths); it ends at `at + recordWords`. */
export function decodeRecord<F extends FieldSpecs>(d: RecordDescriptor<F>, src: Float64Array, at: number): RecordOf<F> {
  const out: Record<string, number | Int32Array | Float64Array> = {};
  let w = at + d.scalars.length;
  for (const f of d.layout) {
    if (!f.array) {
      out[f.name] = src[at + f.scalarIndex]!;
      continue;
    }
    const n = src[at + f.lengthIndex]!;
    const a = f.f64 ? new Float64Array(n) : new Int32Array(n);
    for (let j = 0; j < n; j++) a[j] = src[w++]!;
    out[f.name] = a;
  }
  return out as RecordOf<F>;
}

/** Whether two records hold the same numbers (arrays compared up to their length field). */
export function sameRecord<F extends FieldSpecs>(d: RecordDescriptor<F>, a: RecordOf<F>, b: RecordOf<F>): boolean {
  return d.code.same(a as Loose, b as Loose);
}

/** A copy of `base` with the fields of `changes` replaced (arrays shared, not copied). */
export function withFields<F extends FieldSpecs, K extends keyof F>(
  d: RecordDescriptor<F>, base: Omit<RecordOf<F>, K>, changes: Pick<RecordOf<F>, K>,
): RecordOf<F> {
  const b = base as Loose;
  const c = changes as Loose;
  const out: Record<string, number | Int32Array | Float64Array> = {};
  for (const f of d.layout) out[f.name] = c[f.name] ?? b[f.name]!;
  return out as RecordOf<F>;
}

// ---------------------------------------------------------------------------------------------
// The records.

/**
 * One resource Score plugin's kernel arguments (resourceScoreBatch, scoreAdd, scoreRows); see
 * Kernels.resourceScoreBatch for what each means. WASM: the scorer descriptor, SD_*.
 */
const SCORER_FIELDS = {
  /** One of the STRATEGY_* constants (kernel/kernels.ts). */
  strategy: I32,
  /** Configured resources: the length of slots, weights and podRequests. */
  resourceCount: I32,
  /** 1: cpu/memory use the non-zero requested columns (Fit); 0: requested (BalancedAllocation). */
  useNonZero: I32,
  /** RequestedToCapacityRatio shape points (0 for the other strategies). */
  shapeCount: I32,
  /** Resource slot per configured resource (SLOT_ABSENT = excluded). */
  slots: i32Array('resourceCount'),
  /** Weight per configured resource. */
  weights: f64Array('resourceCount'),
  /** The pod's request per configured resource. */
  podRequests: f64Array('resourceCount'),
  /** Shape utilizations, strictly increasing in [0, 100]. */
  shapeUtilization: f64Array('shapeCount'),
  /** Shape scores, already scaled to [0, 100]. */
  shapeScore: f64Array('shapeCount'),
  /** The plugin's weight in the profile (1 for a plugin's own, unweighted score). */
  pluginWeight: F64,
} as const;

/** NodeResourcesFit's request as the fit kernels take it (fitBatch, scoreRows). WASM: the fit descriptor, FD_*. */
const FIT_FIELDS = {
  /** Requests checked (the length of slots and amounts). */
  count: I32,
  /** Resource slot per request, in kube's check order (SLOT_ABSENT = no node declares it). */
  slots: i32Array('count'),
  /** The pod's amount per request. */
  amounts: f64Array('count'),
} as const;

/**
 * A class batch's index as the WASM kernels of one decision take it (class_step, class_kth): the
 * byte offsets in WASM memory of the batch's arrays and its NodeTable, with their sizes, written
 * once when the index is bound (kernels.ts ClassIndexArrays says what each holds). One pointer
 * argument instead of two calls of 9 and 16 arguments per decision: each argument is a
 * conversion in the JS-to-WASM wrapper, and an optimized caller inlines the wrapper. WASM only
 * (the js engine's index holds the arrays themselves). WASM: the class index descriptor, CX_*.
 */
const CLASS_INDEX_FIELDS = {
  /** The NodeTable region, its capacity and slot count (useKernel 1), else 0. */
  table: I32,
  capacity: I32,
  slotCount: I32,
  /** The fit record and the scorer records (0 without scorers), and the scorer count. */
  fit: I32,
  scorers: I32,
  scorerCount: I32,
  /** 1: a row's kernel part (fit and scorers) is re-scored into kernelTotal before its leaf. */
  useKernel: I32,
  /** The changed rows (class_step's first `count`), node index by row, class by node index. */
  changed: I32,
  nodeOfRow: I32,
  classes: I32,
  /** The leaf parts: kernel total by row, base by class and node, keyed group by node and base by group. */
  kernelTotal: I32,
  classBase: I32,
  nodeBase: I32,
  groups: I32,
  groupBase: I32,
  /** Feasibility by node, feasible nodes by class. */
  feasible: I32,
  classFeasible: I32,
  /** The tree (maximum and count of the maxima per node, 2 x size) and its leaf count. */
  treeMax: I32,
  treeCount: I32,
  size: I32,
  /** Where class_step writes the nodes whose feasibility flipped. */
  flips: I32,
} as const;

/** The scorer record: one resource Score plugin's kernel arguments with its weight. */
export const SCORER = defineRecord('scorer', 'SD', SCORER_FIELDS);
/** The fit record: one pod's fit request. */
export const FIT = defineRecord('fit request', 'FD', FIT_FIELDS);
/** The class index record: a class batch's arrays, for the kernels of one decision. */
export const CLASS_INDEX = defineRecord('class index', 'CX', CLASS_INDEX_FIELDS);
/** A class index as the WASM kernels take it (the CLASS_INDEX record). */
export type ClassIndexArgs = RecordOf<typeof CLASS_INDEX_FIELDS>;

/** One resource Score plugin's kernel arguments (the SCORER record). */
export type ScorerArgs = RecordOf<typeof SCORER_FIELDS>;
/** A fit request (the FIT record): slot and amount per resource, kube's check order. */
export type FitArgs = RecordOf<typeof FIT_FIELDS>;

// A pod shape: what score_rows' totals depend on besides the table (the fused cycle's score cache
// key, a speculation summary's arguments).

/** f64 words of a pod shape's encoding: its fit request, the scorer count, each scorer. */
export function shapeWords(fit: FitArgs, scorers: readonly ScorerArgs[]): number {
  let words = recordWords(FIT, fit) + 1;
  for (const a of scorers) words += recordWords(SCORER, a);
  return words;
}

/** Writes a pod shape's encoding at `out[at]` (room for shapeWords); returns the index after it. */
export function encodeShape(fit: FitArgs, scorers: readonly ScorerArgs[], out: Float64Array, at: number): number {
  let w = encodeRecord(FIT, fit, out, at);
  out[w++] = scorers.length;
  for (const a of scorers) w = encodeRecord(SCORER, a, out, w);
  return w;
}

/** A decoded pod shape and the index after its encoding. */
export interface DecodedShape {
  readonly fit: FitArgs;
  readonly scorers: ScorerArgs[];
  readonly next: number;
}

/** Reads a pod shape encoded at `src[at]`. */
export function decodeShape(src: Float64Array, at: number): DecodedShape {
  const fit = decodeRecord(FIT, src, at);
  let w = at + recordWords(FIT, fit);
  const count = src[w++]!;
  const scorers: ScorerArgs[] = [];
  for (let q = 0; q < count; q++) {
    const a = decodeRecord(SCORER, src, w);
    scorers.push(a);
    w += recordWords(SCORER, a);
  }
  return { fit, scorers, next: w };
}

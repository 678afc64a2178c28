/**
 * The scheduler extender v1 wire types (kube-scheduler `extender/v1/types.go`, K8S-FACTS.md §1):
 * zod decoders for what kube-scheduler sends, and encoders for what it reads back.
 *
 * The extender structs have no json tags, so their keys are the Go field names (PascalCase) and
 * Go's encoding/json matches them case-insensitively on decode (exact match preferred, unknown
 * keys ignored, a later key for the same field overwrites an earlier one). The decoders here do
 * the same; the encoders emit PascalCase with every key present, `null` for unset pointers,
 * maps and slices, as Go's encoder does. Embedded Kubernetes objects (Pod, Node) are normal API
 * JSON and are decoded with the schemas of ./k8s.ts.
 *
 * NodeList bodies (nodeCacheCapable=false) can be tens of megabytes: the extender parses them
 * with `parseJsonProjected` (src/parallel/json-parse-pool.ts), which replaces every
 * `Nodes.items[i]` by a `{metadata:{name}}` stub and records the byte range of each item, so an
 * answer can copy the surviving items' original bytes instead of re-encoding them. The schemas
 * below therefore only require a name of each item; a full Node is decoded (decodeNodeItem)
 * only for nodes podfit's cluster state does not know.
 */
import { z } from 'zod';
import { InputError, zodToInputError } from './errors.js';
import { nodeSchema, podSchema, type Node, type Pod } from './k8s.js';
import { MAX_EXTENDER_PRIORITY } from '../model/limits.js';

/** kube's MinExtenderPriority (MaxExtenderPriority lives with the other limits). */
export const MIN_EXTENDER_PRIORITY = 0;
export { MAX_EXTENDER_PRIORITY };

/**
 * Go's case folding for JSON field names (bytes.EqualFold semantics for the ASCII names used
 * here): lower case, plus the two non-ASCII letters that fold onto ASCII ones, the Kelvin sign
 * (U+212A, which toLowerCase already maps to "k") and the long s (U+017F -> "s").
 */
export function foldFieldName(key: string): string {
  return key.toLowerCase().replace(/\u017f/g, 's');
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Maps an object's keys onto Go field names the way encoding/json does: an exact match wins,
 * else a case-insensitive one; unknown keys are dropped; for one field the last matching key in
 * the object's order wins.
 */
export function canonicalizeGoKeys(obj: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    let field: string | undefined = fields.includes(key) ? key : undefined;
    if (field === undefined) {
      const folded = foldFieldName(key);
      field = fields.find((f) => foldFieldName(f) === folded);
    }
    if (field !== undefined) out[field] = obj[key];
  }
  return out;
}

/** A Go struct without json tags: keys matched like encoding/json, then validated by `shape`. */
function goStruct<T extends z.ZodRawShape>(shape: T) {
  const fields = Object.keys(shape);
  return z.preprocess((v) => (isPlainObject(v) ? canonicalizeGoKeys(v, fields) : v), z.object(shape));
}

/** A Go string field: JSON null leaves the zero value "". */
const goString = z.string().nullish().transform((v) => v ?? '');
/** A Go int64 field (JSON null leaves 0). */
const goInt64 = z.number().int().nullish().transform((v) => v ?? 0);

/**
 * A JSON object, passed through without copying (the Pod is decoded separately by decodeArgsPod,
 * or not at all when the extender already holds that pod version).
 */
const jsonObject = z.custom<Record<string, unknown>>(isPlainObject, 'expected a JSON object');

/**
 * A list of strings, checked in place: zod's array schema copies the array and allocates per
 * element, which for 5,000 node names is most of a request's garbage.
 */
const stringList = z.unknown().superRefine((v, ctx) => {
  if (!Array.isArray(v)) {
    ctx.addIssue({ code: 'custom', message: `expected an array of strings, got ${v === null ? 'null' : typeof v}` });
    return;
  }
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'string') {
      ctx.addIssue({ code: 'custom', message: `expected a string, got ${v[i] === null ? 'null' : typeof v[i]}`, path: [i] });
      return;
    }
  }
}) as unknown as z.ZodType<string[]>;

/**
 * v1.NodeList items as the extender needs them before deciding whether to decode a node fully:
 * objects with a non-empty metadata.name (checked in place, like stringList). Go's nil slice
 * (`"items":null`) is an empty list.
 */
const nodeStubList = z.unknown().superRefine((v, ctx) => {
  if (v === null || v === undefined) return;
  if (!Array.isArray(v)) {
    ctx.addIssue({ code: 'custom', message: `expected an array of Nodes, got ${typeof v}` });
    return;
  }
  for (let i = 0; i < v.length; i++) {
    const md = isPlainObject(v[i]) ? (v[i] as { metadata?: unknown }).metadata : undefined;
    const name = isPlainObject(md) ? md.name : undefined;
    if (typeof name !== 'string' || name === '') {
      ctx.addIssue({ code: 'custom', message: typeof name === 'string' ? 'node name must not be empty' : 'expected a Node with metadata.name', path: [i, 'metadata', 'name'] });
      return;
    }
  }
}) as unknown as z.ZodType<Array<{ metadata: { name: string } }> | null | undefined>;

/** v1.NodeList (json-tagged: `items`, `metadata`). */
const nodeListSchema = z.looseObject({ items: nodeStubList });

/** ExtenderArgs: the filter and prioritize request. */
export const extenderArgsSchema = goStruct({
  Pod: jsonObject.nullish(),
  Nodes: nodeListSchema.nullish(),
  NodeNames: stringList.nullish(),
});

/** MetaPod: a pod identified by UID. */
export const metaPodSchema = goStruct({ UID: goString });

/** Victims: full pods proposed for preemption on one node (nodeCacheCapable=false). */
export const victimsSchema = goStruct({
  Pods: z.array(podSchema).nullish(),
  NumPDBViolations: goInt64,
});

/** MetaVictims: pod UIDs proposed for preemption on one node (nodeCacheCapable=true, and every answer). */
export const metaVictimsSchema = goStruct({
  Pods: z.array(metaPodSchema).nullish(),
  NumPDBViolations: goInt64,
});

/** ExtenderPreemptionArgs: the preempt request. */
export const extenderPreemptionArgsSchema = goStruct({
  Pod: jsonObject.nullish(),
  NodeNameToVictims: z.record(z.string(), victimsSchema.nullable()).nullish(),
  NodeNameToMetaVictims: z.record(z.string(), metaVictimsSchema.nullable()).nullish(),
});

/** ExtenderBindingArgs: the bind request. */
export const extenderBindingArgsSchema = goStruct({
  PodName: goString,
  PodNamespace: goString,
  PodUID: goString,
  Node: goString,
});

/** Decoded filter/prioritize request. Exactly one of nodeNames / nodes is usually set. */
export interface ExtenderArgs {
  /** The Pod as received (a JSON object); decodeArgsPod validates it. */
  readonly pod: Record<string, unknown>;
  /** Node names (nodeCacheCapable=true), or null. */
  readonly nodeNames: readonly string[] | null;
  /** Names of the Nodes.items (nodeCacheCapable=false), in request order, or null. */
  readonly nodes: readonly string[] | null;
}

/** Decoded preempt request: node name -> victims (UIDs, plus full pods when the request had them). */
export interface ExtenderPreemptionArgs {
  /** The preemptor as received (a JSON object); decodeArgsPod validates it. */
  readonly pod: Record<string, unknown>;
  /** Which form the request used (the answer is always MetaVictims). */
  readonly form: 'Victims' | 'MetaVictims';
  readonly nodes: ReadonlyMap<string, { readonly uids: readonly string[]; readonly pods: readonly Pod[] | null; readonly numPDBViolations: number }>;
}

/** Decoded bind request. */
export interface ExtenderBindingArgs {
  readonly podName: string;
  readonly podNamespace: string;
  readonly podUID: string;
  readonly node: string;
}

/** Validates with `schema`, turning the first issue into an InputError naming the field. */
function decodeWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  if (!isPlainObject(value)) {
    throw new InputError(`${what}: expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const r = schema.safeParse(value);
  if (!r.success) throw zodToInputError(r.error, what);
  return r.data;
}

/** Decodes an (already JSON-parsed, possibly projected) ExtenderArgs. */
export function decodeExtenderArgs(value: unknown): ExtenderArgs {
  const a = decodeWith(extenderArgsSchema, value, 'ExtenderArgs');
  if (!a.Pod) throw new InputError('ExtenderArgs: Pod is required', 'Pod');
  const nodes = a.Nodes ? (a.Nodes.items ?? []).map((n) => n.metadata.name) : null;
  const nodeNames = a.NodeNames ?? null;
  if (nodes === null && nodeNames === null) {
    throw new InputError('ExtenderArgs: one of Nodes (nodeCacheCapable: false) or NodeNames (nodeCacheCapable: true) must be set', 'NodeNames');
  }
  return { pod: a.Pod, nodeNames, nodes };
}

/** Decodes an ExtenderPreemptionArgs. */
export function decodeExtenderPreemptionArgs(value: unknown): ExtenderPreemptionArgs {
  const a = decodeWith(extenderPreemptionArgsSchema, value, 'ExtenderPreemptionArgs');
  if (!a.Pod) throw new InputError('ExtenderPreemptionArgs: Pod is required', 'Pod');
  const nodes = new Map<string, { uids: string[]; pods: Pod[] | null; numPDBViolations: number }>();
  // kube sends NodeNameToMetaVictims when nodeCacheCapable, else NodeNameToVictims; prefer the
  // full pods when both are present.
  if (a.NodeNameToVictims) {
    for (const [node, v] of Object.entries(a.NodeNameToVictims)) {
      const pods = v?.Pods ?? [];
      nodes.set(node, { uids: pods.map((p) => p.metadata.uid ?? ''), pods, numPDBViolations: v?.NumPDBViolations ?? 0 });
    }
    return { pod: a.Pod, form: 'Victims', nodes };
  }
  if (a.NodeNameToMetaVictims) {
    for (const [node, v] of Object.entries(a.NodeNameToMetaVictims)) {
      nodes.set(node, { uids: (v?.Pods ?? []).map((p) => p.UID), pods: null, numPDBViolations: v?.NumPDBViolations ?? 0 });
    }
    return { pod: a.Pod, form: 'MetaVictims', nodes };
  }
  throw new InputError('ExtenderPreemptionArgs: one of NodeNameToVictims or NodeNameToMetaVictims must be set', 'NodeNameToMetaVictims');
}

/** Decodes an ExtenderBindingArgs; PodName and Node are required, the namespace defaults to "default". */
export function decodeExtenderBindingArgs(value: unknown): ExtenderBindingArgs {
  const a = decodeWith(extenderBindingArgsSchema, value, 'ExtenderBindingArgs');
  if (!a.PodName) throw new InputError('ExtenderBindingArgs: PodName is required', 'PodName');
  if (!a.Node) throw new InputError('ExtenderBindingArgs: Node is required', 'Node');
  return { podName: a.PodName, podNamespace: a.PodNamespace || 'default', podUID: a.PodUID, node: a.Node };
}

/** Validates the Pod of a request (errors name `Pod.<field>`). */
export function decodeArgsPod(raw: Record<string, unknown>): Pod {
  const r = podSchema.safeParse(raw);
  if (!r.success) throw zodToInputError(r.error, 'Pod', 'Pod');
  return r.data;
}

/** `<namespace>/<name>` of a request's Pod, for logs (no validation). */
export function rawPodKey(raw: Record<string, unknown>): string {
  const md = isPlainObject(raw.metadata) ? raw.metadata : {};
  return `${typeof md.namespace === 'string' && md.namespace ? md.namespace : 'default'}/${typeof md.name === 'string' ? md.name : ''}`;
}

/** `uid@resourceVersion` of a request's Pod when both are set: one exact version of one pod. */
export function rawPodVersion(raw: Record<string, unknown>): string | undefined {
  const md = isPlainObject(raw.metadata) ? raw.metadata : undefined;
  if (!md || typeof md.uid !== 'string' || !md.uid || typeof md.resourceVersion !== 'string' || !md.resourceVersion) return undefined;
  return `${md.uid}@${md.resourceVersion}`;
}

/** Decodes one full Node item (a node podfit does not know yet). */
export function decodeNodeItem(value: unknown, index: number): Node {
  const r = nodeSchema.safeParse(value);
  if (!r.success) throw zodToInputError(r.error, `ExtenderArgs: Nodes.items[${index}]`, `Nodes.items[${index}]`);
  return r.data;
}

// ---------------------------------------------------------------------------------------------
// Encoders. The verbs answer hundreds of times a second with hundreds of node names each, and the
// garbage an answer leaves on the JS heap sets how often the young generation is collected (each
// collection stalls the requests in flight: the p99 of `podfit serve`). So the answers of filter
// and prioritize are written as bytes: the pieces that repeat (a node name quoted, a reason, each
// `{"Host":..,"Score":` prefix) are encoded to UTF-8 once and cached, each answer is copied piece
// by piece into one reused buffer and taken out as a single exact-size Buffer (off the JS heap).

/** A bounded cache (cleared when full: the working set is the cluster's node names and reasons). */
class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number, private readonly make: (k: K) => V) {}
  get(k: K): V {
    let v = this.map.get(k);
    if (v === undefined) {
      if (this.map.size >= this.max) this.map.clear();
      v = this.make(k);
      this.map.set(k, v);
    }
    return v;
  }
}

/** Cache size: well above a 5,000-node cluster's names and reasons. */
const BYTES_CACHE_MAX = 65_536;

/** A string as a JSON string literal in UTF-8 (JSON.stringify's exact escaping). */
const QUOTED_BYTES = new BoundedCache<string, Uint8Array>(BYTES_CACHE_MAX, (s) => Buffer.from(JSON.stringify(s)));
/** Per node name, the bytes of `{"Host":"<name>","Score":`. */
const HOST_PREFIX = new BoundedCache<string, Uint8Array>(BYTES_CACHE_MAX, (s) => Buffer.from(`{"Host":${JSON.stringify(s)},"Score":`));

/** Pieces copied with a loop below this length (a typed-array set() costs more for a few bytes). */
const SMALL_COPY_BYTES = 64;

/**
 * Appends UTF-8 bytes to one growing buffer shared by all answers (encoding is synchronous, so
 * one answer at a time); `take()` copies the answer out and resets it.
 */
class ByteWriter {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private n = 0;

  private reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.n + k));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }

  bytes(b: Uint8Array): this {
    return this.range(b, 0, b.length);
  }

  /** An ASCII-only string (JSON punctuation, keys, numbers). */
  ascii(s: string): this {
    const len = s.length;
    this.reserve(len);
    const buf = this.buf;
    let n = this.n;
    for (let i = 0; i < len; i++) buf[n++] = s.charCodeAt(i);
    this.n = n;
    return this;
  }

  /** A small non-negative integer. */
  uint(v: number): this {
    return v >= 0 && v < 10 ? this.byte(48 + v) : this.ascii(String(v));
  }

  byte(c: number): this {
    this.reserve(1);
    this.buf[this.n++] = c;
    return this;
  }

  quoted(s: string): this {
    return this.bytes(QUOTED_BYTES.get(s));
  }

  /** The bytes [start, end) of `b`. */
  range(b: Uint8Array, start: number, end: number): this {
    const len = end - start;
    this.reserve(len);
    const buf = this.buf;
    let n = this.n;
    if (len < SMALL_COPY_BYTES) for (let i = start; i < end; i++) buf[n++] = b[i]!;
    else {
      buf.set(b.subarray(start, end), n);
      n += len;
    }
    this.n = n;
    return this;
  }

  /** Name `id` of `names` as a JSON string. */
  namedBy(names: NameArena, id: number): this {
    return this.byte(QUOTE_CODE).range(names.arena, names.starts[id]!, names.ends[id]!).byte(QUOTE_CODE);
  }

  /** The answer so far as its own Buffer; the writer starts over. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.n);
    this.buf.copy(out, 0, 0, this.n);
    this.n = 0;
    return out;
  }
}

const OUT = new ByteWriter();
const COMMA_CODE = 0x2c;
const QUOTE_CODE = 0x22;

/**
 * Node names in one UTF-8 arena, name i being the bytes [starts[i], ends[i]): the JSON string
 * bodies, so names that JSON.stringify would escape must not be in one. The fast path's name
 * table is one; answers copy names from it by index instead of looking up a per-name cache.
 */
export interface NameArena {
  readonly arena: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

/** A list of names by their index in a NameArena (the request's names, in its order). */
export interface NamesById {
  readonly names: NameArena;
  readonly ids: Int32Array;
}

/** FailedNodesMap as JSON (`{}` when empty: the answer always sets it). */
function writeFailedMap(w: ByteWriter, m: ReadonlyMap<string, string>): void {
  w.byte(0x7b);
  let first = true;
  // forEach: a for-of over entries allocates a [key, value] pair per entry.
  m.forEach((v, k) => {
    if (!first) w.byte(COMMA_CODE);
    first = false;
    w.quoted(k).byte(0x3a).quoted(v);
  });
  w.byte(0x7d);
}

/** An ExtenderFilterResult to encode. */
export interface FilterResultOut {
  /**
   * The surviving Node items as raw JSON, each element one item or a run of consecutive items
   * with their separators (a slice of the request body), or null for the NodeNames form.
   */
  readonly nodeItems: readonly Uint8Array[] | null;
  readonly nodeNames: readonly string[] | null;
  /** The NodeNames form from names by index instead of strings (the fast path's). */
  readonly namesById?: NamesById;
  /** When set, the answer's NodeNames are nodeNames[i] (or namesById's i-th) for i in this list. */
  readonly nodeNameIndices?: readonly number[];
  readonly failedNodes: ReadonlyMap<string, string>;
  readonly failedAndUnresolvableNodes: ReadonlyMap<string, string>;
  readonly error: string;
}

const COMMA = Buffer.from(',');
const NODES_HEAD = Buffer.from('{"Nodes":{"metadata":{},"items":[');

/** Writes `"NodeNames":…,"FailedNodes":…,"FailedAndUnresolvableNodes":…,"Error":…}`. */
function writeFilterTail(w: ByteWriter, r: FilterResultOut): void {
  w.ascii('"NodeNames":');
  const names = r.nodeNames;
  const byId = r.namesById;
  if (names === null && byId === undefined) w.ascii('null');
  else {
    w.byte(0x5b);
    const pick = r.nodeNameIndices;
    const count = pick ? pick.length : names ? names.length : byId!.ids.length;
    for (let i = 0; i < count; i++) {
      if (i > 0) w.byte(COMMA_CODE);
      const k = pick ? pick[i]! : i;
      if (names) w.quoted(names[k]!);
      else w.namedBy(byId!.names, byId!.ids[k]!);
    }
    w.byte(0x5d);
  }
  w.ascii(',"FailedNodes":');
  writeFailedMap(w, r.failedNodes);
  w.ascii(',"FailedAndUnresolvableNodes":');
  writeFailedMap(w, r.failedAndUnresolvableNodes);
  w.ascii(',"Error":').bytes(Buffer.from(JSON.stringify(r.error))).byte(0x7d);
}

/**
 * Encodes an ExtenderFilterResult: one Buffer for the NodeNames form; chunks to write in order for
 * the Nodes form, whose surviving Node items are the request's own bytes (never re-encoded or
 * copied: tens of megabytes for a 5,000-node NodeList). An empty survivor list is `"items":[]`.
 */
export function encodeFilterResult(r: FilterResultOut): Uint8Array | Uint8Array[] {
  if (r.nodeItems === null) {
    OUT.ascii('{"Nodes":null,');
    writeFilterTail(OUT, r);
    return OUT.take();
  }
  const chunks: Uint8Array[] = [NODES_HEAD];
  r.nodeItems.forEach((item, i) => {
    if (i > 0) chunks.push(COMMA);
    chunks.push(item);
  });
  OUT.ascii(']},');
  writeFilterTail(OUT, r);
  chunks.push(OUT.take());
  return chunks;
}

/** HostPriorityList. */
export function encodeHostPriorityList(hosts: readonly string[], scores: ArrayLike<number>): Uint8Array {
  OUT.byte(0x5b);
  for (let i = 0; i < hosts.length; i++) {
    if (i > 0) OUT.byte(COMMA_CODE);
    OUT.bytes(HOST_PREFIX.get(hosts[i]!));
    writeScore(OUT, scores[i]!);
    OUT.byte(0x7d);
  }
  OUT.byte(0x5d);
  return OUT.take();
}

const HOST_OPEN = Buffer.from('{"Host":');
const SCORE_KEY = Buffer.from(',"Score":');

/** HostPriorityList of names by index (the fast path's): `hosts.ids[i]` scored `scores[i]`. */
export function encodeHostPriorityListById(hosts: NamesById, scores: ArrayLike<number>): Uint8Array {
  OUT.byte(0x5b);
  const ids = hosts.ids;
  for (let i = 0; i < ids.length; i++) {
    if (i > 0) OUT.byte(COMMA_CODE);
    OUT.bytes(HOST_OPEN).namedBy(hosts.names, ids[i]!).bytes(SCORE_KEY);
    writeScore(OUT, scores[i]!);
    OUT.byte(0x7d);
  }
  OUT.byte(0x5d);
  return OUT.take();
}

function writeScore(w: ByteWriter, score: number): void {
  if (Number.isInteger(score) && score >= 0) w.uint(score);
  else w.ascii(JSON.stringify(score));
}

/** An ExtenderFilterResult carrying only an error (request-level failure). */
export function encodeFilterError(message: string): string {
  return `{"Nodes":null,"NodeNames":null,"FailedNodes":null,"FailedAndUnresolvableNodes":null,"Error":${JSON.stringify(message)}}`;
}

/** ExtenderPreemptionResult: node -> victim UIDs (always the Meta form, K8S-FACTS.md §2.7). */
export function encodePreemptionResult(
  nodes: ReadonlyMap<string, { readonly uids: readonly string[]; readonly numPDBViolations: number }>,
): string {
  let s = '{"NodeNameToMetaVictims":{';
  let first = true;
  for (const [node, v] of nodes) {
    const pods = v.uids.map((u) => `{"UID":${JSON.stringify(u)}}`).join(',');
    s += `${first ? '' : ','}${JSON.stringify(node)}:{"Pods":[${pods}],"NumPDBViolations":${v.numPDBViolations}}`;
    first = false;
  }
  return `${s}}}`;
}

/** ExtenderBindingResult. */
export function encodeBindingResult(error: string): string {
  return `{"Error":${JSON.stringify(error)}}`;
}

/** A request-level error for verbs whose answer has no Error field (prioritize, preempt). */
export function encodeBareError(message: string): string {
  return `{"Error":${JSON.stringify(message)}}`;
}

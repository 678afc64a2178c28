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

/** A Node item as the extender needs it before deciding whether to decode it fully. */
const nodeStubSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1, 'node name must not be empty') }),
});

/** v1.NodeList (json-tagged: `items`, `metadata`); items may be null (Go's nil slice). */
const nodeListSchema = z.looseObject({
  items: z.array(nodeStubSchema).nullish(),
});

/** ExtenderArgs: the filter and prioritize request. */
export const extenderArgsSchema = goStruct({
  Pod: podSchema.nullish(),
  Nodes: nodeListSchema.nullish(),
  NodeNames: z.array(z.string()).nullish(),
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
  Pod: podSchema.nullish(),
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
  readonly pod: Pod;
  /** Node names (nodeCacheCapable=true), or null. */
  readonly nodeNames: readonly string[] | null;
  /** Names of the Nodes.items (nodeCacheCapable=false), in request order, or null. */
  readonly nodes: readonly string[] | null;
}

/** Decoded preempt request: node name -> victims (UIDs, plus full pods when the request had them). */
export interface ExtenderPreemptionArgs {
  readonly pod: Pod;
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

/** Decodes one full Node item (a node podfit does not know yet). */
export function decodeNodeItem(value: unknown, index: number): Node {
  const r = nodeSchema.safeParse(value);
  if (!r.success) throw zodToInputError(r.error, `ExtenderArgs: Nodes.items[${index}]`, `Nodes.items[${index}]`);
  return r.data;
}

// ---------------------------------------------------------------------------------------------
// Encoders. Strings go through JSON.stringify (exact escaping); structure is written by hand so
// every key is present in Go's field order.

/** FailedNodesMap as JSON (`{}` when empty: the answer always sets it). */
function encodeFailedMap(m: ReadonlyMap<string, string>): string {
  if (m.size === 0) return '{}';
  let s = '{';
  let first = true;
  for (const [k, v] of m) {
    s += `${first ? '' : ','}${JSON.stringify(k)}:${JSON.stringify(v)}`;
    first = false;
  }
  return `${s}}`;
}

/** An ExtenderFilterResult to encode. `nodeItems` are the raw JSON bytes of each surviving Node. */
export interface FilterResultOut {
  readonly nodeItems: readonly Uint8Array[] | null;
  readonly nodeNames: readonly string[] | null;
  readonly failedNodes: ReadonlyMap<string, string>;
  readonly failedAndUnresolvableNodes: ReadonlyMap<string, string>;
  readonly error: string;
}

/**
 * Encodes an ExtenderFilterResult as a list of chunks: the surviving Node items are the original
 * request bytes, so nothing is re-encoded (an empty survivor list is `"items":[]`).
 */
export function encodeFilterResult(r: FilterResultOut): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  if (r.nodeItems === null) {
    chunks.push(Buffer.from('{"Nodes":null,'));
  } else {
    chunks.push(Buffer.from('{"Nodes":{"metadata":{},"items":['));
    r.nodeItems.forEach((item, i) => {
      if (i > 0) chunks.push(COMMA);
      chunks.push(item);
    });
    chunks.push(Buffer.from(']},'));
  }
  const names = r.nodeNames === null ? 'null' : JSON.stringify(r.nodeNames);
  chunks.push(Buffer.from(
    `"NodeNames":${names},"FailedNodes":${encodeFailedMap(r.failedNodes)},` +
    `"FailedAndUnresolvableNodes":${encodeFailedMap(r.failedAndUnresolvableNodes)},"Error":${JSON.stringify(r.error)}}`,
  ));
  return chunks;
}
const COMMA = Buffer.from(',');

/** An ExtenderFilterResult carrying only an error (request-level failure). */
export function encodeFilterError(message: string): string {
  return `{"Nodes":null,"NodeNames":null,"FailedNodes":null,"FailedAndUnresolvableNodes":null,"Error":${JSON.stringify(message)}}`;
}

/** HostPriorityList. */
export function encodeHostPriorityList(hosts: readonly string[], scores: ArrayLike<number>): string {
  let s = '[';
  for (let i = 0; i < hosts.length; i++) {
    s += `${i > 0 ? ',' : ''}{"Host":${JSON.stringify(hosts[i])},"Score":${scores[i]}}`;
  }
  return `${s}]`;
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

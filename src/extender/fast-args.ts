/**
 * The byte-level fast path for the requests kube-scheduler sends most: filter and prioritize
 * with `nodeCacheCapable: true`, i.e. `{"Pod":{…},"Nodes":null,"NodeNames":["…",…]}`.
 *
 * Why: a request's garbage on the JS heap sets the server's latency tail (BENCHMARKS.md
 * "Extender"), and JSON.parse of such a body was most of it: the body as a string, an array of
 * name strings, the pod's objects, which moreover outlived young-generation collections on a
 * server holding a large cluster. Here the body is read in place: the node names are looked up
 * by their bytes in a table of the cluster's node names (no string per name), and the pod is
 * recognised by its bytes (kube-scheduler sends the same pod to filter, then prioritize, and on
 * every retry), so only a pod not seen before is JSON.parsed, and only its own bytes.
 *
 * It is strictly a shortcut: any body it does not fully recognise (other keys, escapes in names,
 * unknown names, Nodes mode, malformed JSON…) returns null and takes the general path, which
 * gives the same answers and every error message. The top level is checked byte by byte here;
 * the pod's bytes are valid JSON because JSON.parse accepted them (or equal bytes) before.
 */
import type { NameArena } from '../api/extender.js';
import type { ClusterState, NodeInfo } from '../model/cluster-state.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const KEY_POD = Buffer.from('Pod');
const KEY_NODES = Buffer.from('Nodes');
const KEY_NODE_NAMES = Buffer.from('NodeNames');
const NULL = Buffer.from('null');

/**
 * FNV-1a of bytes [start, end), to 30 bits: a small integer (Smi) in V8, so a call that is not
 * inlined returns it without allocating a heap number.
 */
function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, FNV_PRIME);
  return h & HASH_MASK;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** 30 bits: a Smi (see hashBytes). */
const HASH_MASK = 0x3fffffff;

/**
 * Node names of one ClusterState by their UTF-8 bytes (open addressing, rebuilt on node-set
 * changes). Only names that JSON writes without escapes are in it (all valid Kubernetes node names
 * are), so it is also the NameArena answers copy names from.
 */
export class NodeNameTable implements NameArena {
  private slots = new Int32Array(0);
  private mask = 0;
  private infos: NodeInfo[] = [];
  arena = new Uint8Array(0);
  starts = new Int32Array(0);
  ends = new Int32Array(0);
  private state: ClusterState | undefined;
  private nodeGeneration = -1;

  /** Makes the table describe `state` (no work when its node set has not changed). */
  sync(state: ClusterState): void {
    if (this.state === state && this.nodeGeneration === state.nodeGeneration) return;
    // A name JSON would escape is left out: the fast path then declines its requests.
    const nodes = state.nodes.filter((n) => JSON.stringify(n.name).length === n.name.length + 2);
    const encoded = nodes.map((n) => Buffer.from(n.name, 'utf8'));
    let total = 0;
    for (const e of encoded) total += e.length;
    this.arena = new Uint8Array(total);
    this.starts = new Int32Array(nodes.length);
    this.ends = new Int32Array(nodes.length);
    let size = 16;
    while (size < 2 * nodes.length) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    this.infos = nodes.slice();
    let off = 0;
    for (let i = 0; i < nodes.length; i++) {
      const e = encoded[i]!;
      this.arena.set(e, off);
      this.starts[i] = off;
      off += e.length;
      this.ends[i] = off;
      let s = hashBytes(e, 0, e.length) & this.mask;
      while (this.slots[s] !== -1) s = (s + 1) & this.mask;
      this.slots[s] = i;
    }
    this.state = state;
    this.nodeGeneration = state.nodeGeneration;
  }

  /** The node whose name is the bytes [start, end) of `b`, if any. */
  find(b: Uint8Array, start: number, end: number): NodeInfo | undefined {
    const i = this.indexOf(b, start, end, hashBytes(b, start, end));
    return i < 0 ? undefined : this.infos[i];
  }

  /** The node of index `i` (from indexOf). */
  info(i: number): NodeInfo {
    return this.infos[i]!;
  }

  /** The index of the name that is the bytes [start, end) of `b`, whose hashBytes() is `hash`; -1 if none. */
  indexOf(b: Uint8Array, start: number, end: number, hash: number): number {
    const len = end - start;
    let s = hash & this.mask;
    for (;;) {
      const i = this.slots[s]!;
      if (i === -1) return -1;
      const a = this.starts[i]!;
      if (this.ends[i]! - a === len) {
        let k = 0;
        while (k < len && this.arena[a + k] === b[start + k]) k++;
        if (k === len) return i;
      }
      s = (s + 1) & this.mask;
    }
  }
}

/** Where the parts of a recognised body are (byte offsets into it). */
export interface ScannedArgs {
  readonly podStart: number;
  readonly podEnd: number;
  /** Number of names; name i is the bytes [names[3i], names[3i+1]) (without the quotes), names[3i+2] their hash. */
  readonly count: number;
  readonly names: Int32Array;
}

/** Index of the first non-whitespace byte at or after i. */
function skipSpace(b: Uint8Array, i: number): number {
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/**
 * Scans `{"Pod":{…},"Nodes":null,"NodeNames":[…]}` (keys in any order, each at most once,
 * JSON whitespace anywhere between tokens; "Nodes" may be absent). Returns null for anything
 * else. `names` is reused between calls (grown as needed); each name's hash is computed on the
 * way (NodeNameTable.indexOf).
 */
export class ArgsScanner {
  private names = new Int32Array(3 * 1024);

  scan(b: Uint8Array): ScannedArgs | null {
    const n = b.length;
    let i = skipSpace(b, 0);
    if (b[i] !== LBRACE) return null;
    i++;
    let podStart = -1;
    let podEnd = -1;
    let count = -1;
    let sawNodes = false;
    for (;;) {
      i = skipSpace(b, i);
      if (b[i] !== QUOTE) return null;
      const keyStart = ++i;
      while (i < n && b[i] !== QUOTE && b[i] !== BACKSLASH) i++;
      if (b[i] !== QUOTE) return null;
      const keyEnd = i++;
      i = skipSpace(b, i);
      if (b[i] !== COLON) return null;
      i = skipSpace(b, i + 1);
      const key = keyEnd - keyStart;
      if (key === 3 && same(b, keyStart, KEY_POD)) {
        if (podStart >= 0 || b[i] !== LBRACE) return null;
        podStart = i;
        i = skipComposite(b, i);
        if (i < 0) return null;
        podEnd = i;
      } else if (key === 5 && same(b, keyStart, KEY_NODES)) {
        if (sawNodes || i + 4 > n || !same(b, i, NULL)) return null;
        i += 4;
        sawNodes = true;
      } else if (key === 9 && same(b, keyStart, KEY_NODE_NAMES)) {
        if (count >= 0 || b[i] !== LBRACKET) return null;
        i = skipSpace(b, i + 1);
        count = 0;
        if (b[i] === RBRACKET) i++;
        else {
          let names = this.names;
          for (;;) {
            if (b[i] !== QUOTE) return null;
            const s = ++i;
            // Names as Kubernetes writes them: no escapes, no control characters. FNV-1a on the way.
            let h = FNV_OFFSET;
            let c = 0;
            while (i < n) {
              c = b[i]!;
              if (c === QUOTE || c === BACKSLASH || c < 0x20) break;
              h = Math.imul(h ^ c, FNV_PRIME);
              i++;
            }
            if (c !== QUOTE || i >= n) return null;
            if (3 * count + 3 > names.length) {
              const grown = new Int32Array(2 * names.length);
              grown.set(names);
              this.names = names = grown;
            }
            names[3 * count] = s;
            names[3 * count + 1] = i;
            names[3 * count + 2] = h & HASH_MASK;
            count++;
            i = skipSpace(b, i + 1);
            if (b[i] === COMMA) {
              i = skipSpace(b, i + 1);
              continue;
            }
            if (b[i] !== RBRACKET) return null;
            i++;
            break;
          }
        }
      } else return null;
      i = skipSpace(b, i);
      if (b[i] === COMMA) {
        i++;
        continue;
      }
      if (b[i] !== RBRACE) return null;
      i++;
      break;
    }
    i = skipSpace(b, i);
    if (i !== n || podStart < 0 || count < 0) return null;
    return { podStart, podEnd, count, names: this.names };
  }
}

function same(b: Uint8Array, at: number, key: Uint8Array): boolean {
  for (let k = 0; k < key.length; k++) if (b[at + k] !== key[k]) return false;
  return true;
}

/**
 * The end (exclusive) of the object or array starting at `i`, following strings and their
 * escapes; -1 when the bytes end first. Validity is left to JSON.parse (see the file comment).
 */
function skipComposite(b: Uint8Array, i: number): number {
  const n = b.length;
  let depth = 0;
  while (i < n) {
    const c = b[i]!;
    if (c === QUOTE) {
      i++;
      while (i < n && b[i] !== QUOTE) i += b[i] === BACKSLASH ? 2 : 1;
      if (i >= n) return -1;
    } else if (c === LBRACE || c === LBRACKET) depth++;
    else if (c === RBRACE || c === RBRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

/** A value decoded from a pod's exact bytes, for the next requests carrying the same bytes. */
export class BytesCache<V> {
  private readonly map = new Map<number, { bytes: Buffer; value: V }[]>();
  private size = 0;
  constructor(private readonly max: number) {}

  get(b: Uint8Array, start: number, end: number): V | undefined {
    const list = this.map.get(hashBytes(b, start, end));
    if (!list) return undefined;
    const len = end - start;
    for (const e of list) {
      if (e.bytes.length !== len) continue;
      if (Buffer.compare(e.bytes, b.subarray(start, end)) === 0) return e.value;
    }
    return undefined;
  }

  set(b: Uint8Array, start: number, end: number, value: V): void {
    if (this.size >= this.max) {
      this.map.clear();
      this.size = 0;
    }
    const h = hashBytes(b, start, end);
    let list = this.map.get(h);
    if (!list) this.map.set(h, (list = []));
    list.push({ bytes: Buffer.from(b.subarray(start, end)), value });
    this.size++;
  }
}

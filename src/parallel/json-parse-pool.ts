/**
 * Parsing large extender bodies off the event loop (DESIGN.md "Kernels and threads": workers pay
 * for parsing large extender bodies). A filter request carrying 5,000 full Node objects is tens
 * of megabytes and JSON.parse of it takes hundreds of milliseconds; on the main thread that would
 * stall /healthz and every small request behind it.
 *
 * What crosses threads is kept small: the body bytes live in a SharedArrayBuffer (the server
 * writes the request into it as it arrives, so no copy); one worker JSON.parses it and sends back
 * the value with `Nodes.items` taken out, plus the items' names; another worker (when one is
 * free) finds each item's byte range at the same time, so an answer can copy the surviving
 * items' original bytes instead of re-encoding them. The heavy object graph never leaves the
 * worker. The main thread puts `{metadata:{name}}` stubs back in place of the items (see
 * src/api/extender.ts: only unknown nodes are decoded in full, from their bytes).
 *
 * Worker code: the workers run `jsonTask` itself, serialised with Function.prototype.toString
 * into an `eval` worker. The function is deliberately self-contained (no imports, only globals),
 * which makes the same worker work whether this module runs compiled from dist/ (the CLI) or from
 * TypeScript sources under vitest, where a `.ts` worker file could not be loaded by Node 20.
 * Tests check that the worker path and the inline path give identical results.
 *
 * Self-contained on purpose: the batch-scheduling pools of src/parallel/ live in other files.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PodfitError } from '../model/error-codes.js';

/** Nodes.items of a body, taken out of the parsed value. */
export interface ProjectedItems {
  /** The keys under which they were found (Go matches them case-insensitively). */
  readonly nodesKey: string;
  readonly itemsKey: string;
  /** metadata.name of every item, in order. */
  readonly names: readonly string[];
  /** `[start0, end0, start1, end1, ...]` byte offsets of the items in the body. */
  readonly ranges: Uint32Array;
}

/** A parsed body: the JSON value (items replaced by name stubs when `items` is set). */
export interface ProjectedJson {
  readonly value: unknown;
  readonly items: ProjectedItems | null;
}

/** What one jsonTask run produces (plain data: it crosses threads). */
export interface JsonTaskResult {
  /** Parsed value, with Nodes.items removed when `names` is set (mode parse/both). */
  value?: unknown;
  nodesKey?: string;
  itemsKey?: string;
  names?: string[];
  /** Item byte ranges of the last top-level "nodes" key's "items" array (mode scan/both). */
  ranges?: Uint32Array | null;
}

/**
 * The work done on a body: `parse` (JSON.parse, and take out Nodes.items when every item is an
 * object with a string metadata.name, returning the names), `scan` (byte ranges of the items,
 * without parsing) or `both`. Throws SyntaxError on malformed JSON (parse/both); `scan` tolerates
 * any bytes (it is run on bodies not yet known to be valid) and may then return garbage ranges,
 * which the caller discards when parsing fails or the counts disagree.
 *
 * MUST stay self-contained: it is serialised into the worker, so it may use globals (Buffer,
 * JSON, typed arrays) but nothing imported, and its helpers are nested. Key matching follows Go's
 * encoding/json (case-insensitive, last key wins).
 */
export function jsonTask(bytes: Uint8Array, mode: 'parse' | 'scan' | 'both'): JsonTaskResult {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fold = (k: string) => k.toLowerCase().replace(/\u017f/g, 's');
  const out: JsonTaskResult = {};

  if (mode !== 'scan') {
    const value: unknown = JSON.parse(b.toString('utf8'));
    out.value = value;
    const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    // The last key matching `field` case-insensitively (Go assigns every match in turn).
    const lastKey = (o: Record<string, unknown>, field: string): string | undefined => {
      let found: string | undefined;
      for (const k of Object.keys(o)) if (fold(k) === field) found = k;
      return found;
    };
    const nodesKey = isObj(value) ? lastKey(value, 'nodes') : undefined;
    const list = nodesKey === undefined ? undefined : (value as Record<string, unknown>)[nodesKey];
    const itemsKey = isObj(list) ? lastKey(list, 'items') : undefined;
    const items = itemsKey === undefined ? undefined : (list as Record<string, unknown>)[itemsKey];
    if (Array.isArray(items) && nodesKey !== undefined && itemsKey !== undefined) {
      const names: string[] = new Array(items.length);
      let ok = true;
      for (let i = 0; i < items.length && ok; i++) {
        const it = items[i] as { metadata?: { name?: unknown } } | null;
        const md = it !== null && typeof it === 'object' && !Array.isArray(it) ? it.metadata : undefined;
        const name = md !== null && typeof md === 'object' ? md.name : undefined;
        if (typeof name === 'string') names[i] = name;
        else ok = false; // left in place, for the decoder to report
      }
      if (ok) {
        (list as Record<string, unknown>)[itemsKey] = null;
        out.nodesKey = nodesKey;
        out.itemsKey = itemsKey;
        out.names = names;
      }
    }
  }
  // In 'both' mode the scan runs only when the parse found items to answer with.
  if (mode === 'scan' || (mode === 'both' && out.names !== undefined)) {
    // Byte scan: strings are skipped with Buffer.indexOf (native memchr), nesting is counted.
    const len = b.length;
    const ws = (p: number): number => {
      while (p < len) {
        const c = b[p]!;
        if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
        p++;
      }
      return p;
    };
    const skipString = (p: number): number => {
      let e = p;
      for (;;) {
        e = b.indexOf(0x22, e + 1);
        if (e < 0) return len;
        let k = e - 1;
        let slashes = 0;
        while (k > p && b[k] === 0x5c) {
          slashes++;
          k--;
        }
        if ((slashes & 1) === 0) return e + 1;
      }
    };
    const skipValue = (p: number): number => {
      const c = b[p];
      if (c === 0x22) return skipString(p);
      if (c === 0x7b || c === 0x5b) {
        let depth = 0;
        while (p < len) {
          const d = b[p]!;
          if (d === 0x22) {
            p = skipString(p);
            continue;
          }
          if (d === 0x7b || d === 0x5b) depth++;
          else if (d === 0x7d || d === 0x5d) {
            depth--;
            if (depth === 0) return p + 1;
          }
          p++;
        }
        return p;
      }
      const start = p;
      while (p < len) {
        const d = b[p]!;
        if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
        p++;
      }
      return p === start ? p + 1 : p; // always advance, even on bytes that are not JSON
    };
    const keyAt = (start: number, end: number): string => {
      const raw = b.toString('utf8', start + 1, Math.max(start + 1, end - 1));
      if (!raw.includes('\\')) return raw;
      try {
        return JSON.parse(b.toString('utf8', start, end)) as string;
      } catch {
        return raw;
      }
    };
    // Iterates an object's members: fn(key, valueStart) returns the value's end.
    const members = (p: number, fn: (key: string, at: number) => number): number => {
      p = ws(p + 1);
      while (p < len && b[p] !== 0x7d) {
        if (b[p] !== 0x22) return skipValue(p);
        const keyEnd = skipString(p);
        const key = keyAt(p, keyEnd);
        p = ws(keyEnd);
        if (b[p] === 0x3a) p = ws(p + 1);
        p = ws(fn(key, p));
        if (b[p] === 0x2c) p = ws(p + 1);
      }
      return p + 1;
    };
    let ranges: number[] | null = null;
    const p0 = ws(0);
    if (b[p0] === 0x7b) {
      members(p0, (key, at) => {
        if (fold(key) !== 'nodes') return skipValue(at);
        ranges = null;
        if (b[at] !== 0x7b) return skipValue(at);
        return members(at, (k2, at2) => {
          if (fold(k2) !== 'items') return skipValue(at2);
          ranges = null;
          if (b[at2] !== 0x5b) return skipValue(at2);
          const r: number[] = [];
          let p = ws(at2 + 1);
          while (p < len && b[p] !== 0x5d) {
            const end = skipValue(p);
            r.push(p, end);
            p = ws(end);
            if (b[p] === 0x2c) p = ws(p + 1);
            else if (b[p] !== 0x5d) break;
          }
          ranges = r;
          return p + 1;
        });
      });
    }
    const found = ranges as number[] | null;
    out.ranges = found ? Uint32Array.from(found) : null;
  }

  return out;
}

/** Puts name stubs back in place of the items taken out by jsonTask. */
function assemble(parse: JsonTaskResult, ranges: Uint32Array | null | undefined): ProjectedJson {
  const { value, nodesKey, itemsKey, names } = parse;
  if (names === undefined || nodesKey === undefined || itemsKey === undefined) return { value, items: null };
  const list = (value as Record<string, Record<string, unknown>>)[nodesKey]!;
  const stubs = new Array(names.length);
  for (let i = 0; i < names.length; i++) stubs[i] = { metadata: { name: names[i] } };
  list[itemsKey] = stubs;
  // Ranges that disagree with the object model (pathological duplicate keys) are not used.
  if (!ranges || ranges.length !== 2 * names.length) return { value, items: null };
  return { value, items: { nodesKey, itemsKey, names, ranges } };
}

/** Parses a body on the calling thread (same result as the pool). */
export function parseJsonProjected(bytes: Uint8Array): ProjectedJson {
  const r = jsonTask(bytes, 'both');
  return assemble(r, r.ranges);
}

/** Shared body buffers kept for reuse (each up to the body size limit). */
const SPARE_BODY_BUFFERS_MAX = 2;

/** Pool settings. */
export interface JsonParsePoolOptions {
  /** Worker threads; 0 parses every body on the calling thread. Two let parse and scan overlap. */
  readonly threads: number;
  /** Bodies shorter than this are parsed inline (a worker round trip costs ~0.1 ms). */
  readonly inlineBelowBytes: number;
}

/**
 * Defaults: two workers (one parses while the other scans; the main thread mostly waits for a
 * large body anyway), one on a single core; bodies of 1 MiB and more go to workers.
 */
export const JSON_PARSE_POOL_DEFAULTS: JsonParsePoolOptions = {
  threads: Math.min(2, availableParallelism()),
  inlineBelowBytes: 1 << 20,
};

/** Messages between the pool and its workers (every cross-thread type lives here). */
interface TaskMessage {
  readonly id: number;
  readonly body: Uint8Array;
  readonly mode: 'parse' | 'scan' | 'both';
}
type ReplyMessage =
  | { readonly id: number; readonly ok: true; readonly result: JsonTaskResult }
  | { readonly id: number; readonly ok: false; readonly message: string };

/** Error from a worker's parse (the body is not valid JSON): the error class does not cross threads. */
export class JsonBodyError extends Error {
  override readonly name = 'JsonBodyError';
}

const WORKER_SOURCE = `'use strict';
const { parentPort } = require('node:worker_threads');
const jsonTask = (${jsonTask.toString()});
parentPort.on('message', (m) => {
  let result;
  try {
    result = jsonTask(m.body, m.mode);
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, message: String((e && e.message) || e) });
    return;
  }
  parentPort.postMessage({ id: m.id, ok: true, result }, result.ranges ? [result.ranges.buffer] : []);
});
`;

interface Task {
  readonly id: number;
  readonly body: Uint8Array;
  readonly mode: TaskMessage['mode'];
  readonly resolve: (r: JsonTaskResult) => void;
  readonly reject: (e: Error) => void;
  /** Workers that died running this task. */
  attempts: number;
}

interface Slot {
  worker: Worker;
  task: Task | null;
}

/**
 * A fixed set of parse workers with a FIFO queue. A worker that dies is replaced and its task is
 * retried once on the replacement; a second death fails the task (a body that kills a worker
 * would likely kill the main thread too). Idle workers are unref'd: they never keep the process
 * alive.
 */
export class JsonParsePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  /** Shared body buffers ready for reuse, and worker tasks still reading each buffer. */
  private spares: SharedArrayBuffer[] = [];
  private readonly readers = new Map<SharedArrayBuffer, number>();
  private readonly releasing = new Set<SharedArrayBuffer>();
  private nextId = 1;
  private closed = false;
  /** Bodies parsed by workers, scans run beside a parse, and worker deaths (for metrics and tests). */
  offloaded = 0;
  parallelScans = 0;
  workerDeaths = 0;

  constructor(readonly options: JsonParsePoolOptions = JSON_PARSE_POOL_DEFAULTS) {
    for (let i = 0; i < options.threads; i++) this.slots.push({ worker: this.spawn(), task: null });
  }

  /** Whether a body of this size goes to a worker. */
  offloads(byteLength: number): boolean {
    return this.slots.length > 0 && byteLength >= this.options.inlineBelowBytes;
  }

  /**
   * A buffer for a body of `byteLength` bytes: shared memory when it will be parsed by a worker,
   * so the workers read the bytes where the server wrote them. Large shared buffers are reused
   * (see release): fresh memory costs a page fault per 4 KiB on first touch, about as much as
   * receiving the body, and large external allocations push V8 into extra garbage collections.
   */
  allocate(byteLength: number): Uint8Array {
    if (!this.offloads(byteLength)) return Buffer.allocUnsafe(byteLength);
    let best = -1;
    for (let i = 0; i < this.spares.length; i++) {
      const cap = this.spares[i]!.byteLength;
      if (cap >= byteLength && (best < 0 || cap < this.spares[best]!.byteLength)) best = i;
    }
    const sab = best >= 0 ? this.spares.splice(best, 1)[0]! : new SharedArrayBuffer(byteLength);
    return new Uint8Array(sab, 0, byteLength);
  }

  /**
   * Gives a body buffer from allocate() back for reuse once nothing reads it any more (its
   * answer is sent, and no worker task still scans it). Other buffers are ignored.
   */
  release(body: Uint8Array): void {
    const sab = body.buffer;
    if (!(sab instanceof SharedArrayBuffer) || this.closed) return;
    if ((this.readers.get(sab) ?? 0) > 0) {
      this.releasing.add(sab);
      return;
    }
    this.keep(sab);
  }

  private keep(sab: SharedArrayBuffer): void {
    this.releasing.delete(sab);
    if (this.spares.includes(sab)) return;
    this.spares.push(sab);
    // Keep the largest few: enough for the requests in flight at once, bounded memory.
    this.spares.sort((a, b) => b.byteLength - a.byteLength);
    this.spares.length = Math.min(this.spares.length, SPARE_BODY_BUFFERS_MAX);
  }

  /** Parses a body (inline when small or when the pool has no workers). Rejects with JsonBodyError on bad JSON. */
  async parse(body: Uint8Array): Promise<ProjectedJson> {
    if (!this.offloads(body.byteLength) || this.closed) {
      try {
        return parseJsonProjected(body);
      } catch (e) {
        throw new JsonBodyError((e as Error).message);
      }
    }
    let shared = body;
    if (!(body.buffer instanceof SharedArrayBuffer)) {
      shared = new Uint8Array(new SharedArrayBuffer(body.byteLength));
      shared.set(body);
    }
    this.offloaded++;
    // Scan in a second worker while the first parses, when one is idle.
    const idle = this.slots.filter((s) => !s.task).length - this.queue.length;
    if (idle >= 2) {
      this.parallelScans++;
      const scanned = this.run(shared, 'scan');
      const parsed = this.run(shared, 'parse');
      const [p, s] = await Promise.all([parsed, scanned.catch(() => ({ ranges: null }))]);
      return assemble(p, s.ranges);
    }
    const r = await this.run(shared, 'both');
    return assemble(r, r.ranges);
  }

  /** Stops the workers; queued and later calls run inline. */
  async close(): Promise<void> {
    this.closed = true;
    this.spares = [];
    for (const t of this.queue.splice(0)) this.runInline(t);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private run(body: Uint8Array, mode: TaskMessage['mode']): Promise<JsonTaskResult> {
    const sab = body.buffer as SharedArrayBuffer;
    this.readers.set(sab, (this.readers.get(sab) ?? 0) + 1);
    const done = () => {
      const n = (this.readers.get(sab) ?? 1) - 1;
      if (n > 0) this.readers.set(sab, n);
      else {
        this.readers.delete(sab);
        if (this.releasing.has(sab)) this.keep(sab);
      }
    };
    return new Promise<JsonTaskResult>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++, body, mode, attempts: 0,
        resolve: (r) => { done(); resolve(r); },
        reject: (e) => { done(); reject(e); },
      });
      this.pump();
    });
  }

  private runInline(t: Task): void {
    try {
      t.resolve(jsonTask(t.body, t.mode));
    } catch (e) {
      t.reject(new JsonBodyError((e as Error).message));
    }
  }

  private spawn(): Worker {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    w.on('message', (m: ReplyMessage) => this.onReply(w, m));
    w.on('error', () => {
      /* handled by 'exit' */
    });
    w.on('exit', () => this.onExit(w));
    return w;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.task) continue;
      const t = this.queue.shift()!;
      slot.task = t;
      // Busy workers hold the process open (a request is waiting); idle ones do not.
      slot.worker.ref();
      const msg: TaskMessage = { id: t.id, body: t.body, mode: t.mode };
      slot.worker.postMessage(msg);
    }
  }

  private onReply(w: Worker, m: ReplyMessage): void {
    const slot = this.slots.find((s) => s.worker === w);
    const t = slot?.task;
    if (!slot || !t || t.id !== m.id) return;
    slot.task = null;
    w.unref();
    if (m.ok) t.resolve(m.result);
    else t.reject(new JsonBodyError(m.message));
    this.pump();
  }

  private onExit(w: Worker): void {
    const slot = this.slots.find((s) => s.worker === w);
    if (!slot || this.closed) return;
    this.workerDeaths++;
    const t = slot.task;
    slot.task = null;
    slot.worker = this.spawn();
    if (t) {
      t.attempts++;
      if (t.attempts >= 2) {
        t.reject(new PodfitError('PODFIT_ERR_PARALLEL_WORKER_DIED', `the parse worker died twice on a ${t.body.byteLength}-byte body`));
      } else {
        this.queue.unshift(t);
      }
    }
    this.pump();
  }
}

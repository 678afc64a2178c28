/**
 * Parsing large extender bodies off the event loop (DESIGN.md "Kernels and threads": workers pay
 * for parsing large extender bodies). A filter request carrying 5,000 full Node objects is tens
 * of megabytes and JSON.parse of it takes hundreds of milliseconds; on the main thread that would
 * stall /healthz and every small request behind it.
 *
 * What crosses threads is kept small: the body bytes live in a SharedArrayBuffer (the server
 * writes the request into it as it arrives, so no copy), the worker parses them and replaces each
 * `Nodes.items[i]` by a `{metadata:{name}}` stub (see src/api/extender.ts), and sends back the
 * projected value plus the byte range of every item. The heavy object graph never leaves the
 * worker.
 *
 * Worker code: the worker runs `parseJsonProjected` itself, serialised with
 * Function.prototype.toString into an `eval` worker. The function is deliberately
 * self-contained (no imports, only globals), which makes the same worker work whether this module
 * runs compiled from dist/ (the CLI) or from TypeScript sources under vitest, where a `.ts`
 * worker file could not be loaded by Node 20. A test checks the worker path and the inline path
 * give identical results.
 *
 * Self-contained on purpose: the batch-scheduling pools of src/parallel/ live in other files.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** A parsed body: the (projected) JSON value and, when it had `Nodes.items`, each item's byte range. */
export interface ProjectedJson {
  readonly value: unknown;
  /** `[start0, end0, start1, end1, ...]` byte offsets of Nodes.items elements, or null. */
  readonly itemRanges: Uint32Array | null;
  /** True when the items were replaced by name stubs (then itemRanges is set). */
  readonly projected: boolean;
}

/**
 * JSON.parse of a UTF-8 body, with Nodes.items projected to name stubs and their byte ranges
 * recorded. Throws SyntaxError on malformed JSON. MUST stay self-contained: it is serialised into
 * the worker, so it may use globals (Buffer, JSON, typed arrays) but nothing imported, and its
 * helpers are nested.
 *
 * Field matching follows Go's encoding/json (case-insensitive, last key wins); if the object
 * model and the byte scan ever disagree on the item count (pathological duplicate keys), the
 * items are left unprojected and itemRanges is null, so callers re-encode them instead.
 */
export function parseJsonProjected(bytes: Uint8Array): ProjectedJson {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const value: unknown = JSON.parse(b.toString('utf8'));
  const fold = (k: string) => k.toLowerCase().replace(/\u017f/g, 's');
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  // The last key matching `field` case-insensitively (Go assigns every match in turn).
  const lastKey = (o: Record<string, unknown>, field: string): string | undefined => {
    let found: string | undefined;
    for (const k of Object.keys(o)) if (fold(k) === field) found = k;
    return found;
  };
  if (!isObj(value)) return { value, itemRanges: null, projected: false };
  const nodesKey = lastKey(value, 'nodes');
  const list = nodesKey === undefined ? undefined : value[nodesKey];
  if (!isObj(list)) return { value, itemRanges: null, projected: false };
  const itemsKey = lastKey(list, 'items');
  const items = itemsKey === undefined ? undefined : list[itemsKey];
  if (!Array.isArray(items) || itemsKey === undefined) return { value, itemRanges: null, projected: false };

  // Byte scan. The text is valid JSON (JSON.parse accepted it), so only strings and nesting need
  // tracking; strings are skipped with Buffer.indexOf (native memchr).
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
      let k = e - 1;
      let slashes = 0;
      while (b[k] === 0x5c) {
        slashes++;
        k--;
      }
      if ((slashes & 1) === 0) return e + 1;
    }
  };
  const skipValue = (p: number): number => {
    const c = b[p]!;
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
    while (p < len) {
      const d = b[p]!;
      if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
      p++;
    }
    return p;
  };
  const keyAt = (start: number, end: number): string => {
    const raw = b.toString('utf8', start + 1, end - 1);
    return raw.includes('\\') ? (JSON.parse(b.toString('utf8', start, end)) as string) : raw;
  };
  // Iterates an object's members: calls fn(key, valueStart) which returns the value's end.
  const members = (p: number, fn: (key: string, at: number) => number): number => {
    p = ws(p + 1);
    while (p < len && b[p] !== 0x7d) {
      const keyEnd = skipString(p);
      const key = keyAt(p, keyEnd);
      p = ws(ws(keyEnd) + 1);
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
        if (b[at2] !== 0x5b) {
          ranges = null;
          return skipValue(at2);
        }
        const r: number[] = [];
        let p = ws(at2 + 1);
        while (p < len && b[p] !== 0x5d) {
          const end = skipValue(p);
          r.push(p, end);
          p = ws(end);
          if (b[p] === 0x2c) p = ws(p + 1);
        }
        ranges = r;
        return p + 1;
      });
    });
  }
  const found = ranges as number[] | null;
  if (found === null || found.length !== 2 * items.length) return { value, itemRanges: null, projected: false };
  const stubs = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i] as { metadata?: { name?: unknown } } | null;
    const name = it !== null && typeof it === 'object' && !Array.isArray(it) && it.metadata !== null && typeof it.metadata === 'object' ? it.metadata.name : undefined;
    // Anything that is not a named object is passed through whole, for the decoder to reject.
    stubs[i] = typeof name === 'string' ? { metadata: { name } } : it;
  }
  list[itemsKey] = stubs;
  return { value, itemRanges: Uint32Array.from(found), projected: true };
}

/** Pool settings. */
export interface JsonParsePoolOptions {
  /** Worker threads; 0 parses every body on the calling thread. */
  readonly threads: number;
  /** Bodies shorter than this are parsed inline (a worker round trip costs ~0.1 ms). */
  readonly inlineBelowBytes: number;
}

/** Defaults: one worker per spare core (at most 2), bodies of 1 MiB and more go to a worker. */
export const JSON_PARSE_POOL_DEFAULTS: JsonParsePoolOptions = {
  threads: Math.max(1, Math.min(2, availableParallelism() - 1)),
  inlineBelowBytes: 1 << 20,
};

/** Messages between the pool and its workers (every cross-thread type lives here). */
interface ParseRequest {
  readonly id: number;
  readonly body: Uint8Array;
}
type ParseReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown; readonly ranges: Uint32Array | null; readonly projected: boolean }
  | { readonly id: number; readonly ok: false; readonly message: string };

/** Error from a worker's parse (the body is not valid JSON): the error class does not cross threads. */
export class JsonBodyError extends Error {
  override readonly name = 'JsonBodyError';
}

const WORKER_SOURCE = `'use strict';
const { parentPort } = require('node:worker_threads');
const parseJsonProjected = (${parseJsonProjected.toString()});
parentPort.on('message', (m) => {
  let r;
  try {
    r = parseJsonProjected(m.body);
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, message: String((e && e.message) || e) });
    return;
  }
  parentPort.postMessage({ id: m.id, ok: true, value: r.value, ranges: r.itemRanges, projected: r.projected },
    r.itemRanges ? [r.itemRanges.buffer] : []);
});
`;

interface Task {
  readonly id: number;
  readonly body: Uint8Array;
  readonly resolve: (r: ProjectedJson) => void;
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
 * would likely kill the main thread too). Workers are unref'd: an idle pool never keeps the
 * process alive.
 */
export class JsonParsePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  /** Bodies parsed by workers, and worker deaths (for metrics). */
  offloaded = 0;
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
   * so the worker reads the bytes where the server wrote them.
   */
  allocate(byteLength: number): Uint8Array {
    return this.offloads(byteLength) ? new Uint8Array(new SharedArrayBuffer(byteLength)) : Buffer.allocUnsafe(byteLength);
  }

  /** Parses a body (inline when small or when the pool has no workers). Rejects with JsonBodyError on bad JSON. */
  parse(body: Uint8Array): Promise<ProjectedJson> {
    if (!this.offloads(body.byteLength) || this.closed) {
      try {
        return Promise.resolve(parseJsonProjected(body));
      } catch (e) {
        return Promise.reject(new JsonBodyError((e as Error).message));
      }
    }
    let shared = body;
    if (!(body.buffer instanceof SharedArrayBuffer)) {
      shared = new Uint8Array(new SharedArrayBuffer(body.byteLength));
      shared.set(body);
    }
    return new Promise<ProjectedJson>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, body: shared, resolve, reject, attempts: 0 });
      this.pump();
    });
  }

  /** Stops the workers; queued and later calls parse inline. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = this.queue.splice(0);
    for (const t of pending) this.runInline(t);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private runInline(t: Task): void {
    try {
      t.resolve(parseJsonProjected(t.body));
    } catch (e) {
      t.reject(new JsonBodyError((e as Error).message));
    }
  }

  private spawn(): Worker {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    w.on('message', (m: ParseReply) => this.onReply(w, m));
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
      const msg: ParseRequest = { id: t.id, body: t.body };
      slot.worker.postMessage(msg);
    }
  }

  private onReply(w: Worker, m: ParseReply): void {
    const slot = this.slots.find((s) => s.worker === w);
    const t = slot?.task;
    if (!slot || !t || t.id !== m.id) return;
    slot.task = null;
    w.unref();
    this.offloaded++;
    if (m.ok) t.resolve({ value: m.value, itemRanges: m.ranges, projected: m.projected });
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
        t.reject(new Error(`PODFIT_ERR_PARALLEL_WORKER_DIED: the parse worker died twice on a ${t.body.byteLength}-byte body`));
      } else {
        this.queue.unshift(t);
      }
    }
    this.pump();
  }
}

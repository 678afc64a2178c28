/**
 * The extender's HTTP(S) server: kube-scheduler POSTs `<urlPrefix>/<verb>` (K8S-FACTS.md §2.1);
 * probes and Prometheus GET /healthz, /readyz, /metrics, /version.
 *
 * Robustness: every limit is a flag (defaults in src/model/limits.ts). Bodies are bounded
 * (413, checked against Content-Length before reading), compressed bodies are refused (415),
 * headers and whole requests have timeouts (Node's server timeouts, checked often enough to fire
 * on time; malformed HTTP gets 400/408/431 from the clientError handler), verb requests run at most
 * `inFlightMax` at a time with a bounded queue (429 beyond), malformed JSON and wrong shapes get
 * 400 with the reason in `Error`, and bodies of `inlineBelowBytes` and more are read into shared
 * memory and parsed by worker threads (src/parallel/json-parse-pool.ts) so /healthz and small
 * requests stay fast. SIGTERM (via
 * shutdown()) turns /readyz to 503, stops accepting, lets in-flight requests finish (bounded by
 * drainTimeoutMs) and closes every connection.
 *
 * Logs: one JSON line (pino) per verb request, and every line about a request carries its request
 * id (the client's X-Request-Id if it sent a sane one, else a generated one, echoed back). Verb
 * answers carry a W3C Server-Timing header: read (receiving the body), parse, cycle (decode,
 * schedule, encode).
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { InputError } from '../api/errors.js';
import { ModelInputError } from '../model/errors.js';
import {
  canonicalizeGoKeys,
  decodeExtenderArgs,
  decodeExtenderBindingArgs,
  decodeExtenderPreemptionArgs,
  decodeNodeItem,
  encodeBareError,
  encodeBindingResult,
  encodeFilterError,
  encodeFilterResult,
  encodeHostPriorityList,
  encodeHostPriorityListById,
  encodePreemptionResult,
  rawPodKey,
  type ExtenderArgs,
  type FilterResultOut,
} from '../api/extender.js';
import { JsonBodyError, JsonParsePool, type JsonParsePoolOptions, type ProjectedJson } from '../parallel/json-parse-pool.js';
import { makeAuthenticator } from './auth.js';
import { ExtenderHttpError, ExtenderInternalError, type ExtenderErrorCode } from './errors.js';
import { filterResultOut, type Extender, type FilterOutcome, type NodeItems } from './extender.js';
import type { ExtenderMetrics } from './metrics.js';

/**
 * Most time between two checks of the header and request timeouts. Node does not time these per
 * connection: it checks every open connection on an interval (`connectionsCheckingInterval`, 30 s
 * by default), so a 10 s headers timeout fired anywhere from 10 to 40 s. The server checks every
 * tenth of the shorter timeout, and at least once a second, so a timeout fires within 10% (at most
 * 1 s) of its flag. A check walks the open connections in C++ (kube-scheduler keeps a few), so even
 * a 10 ms interval costs nothing measurable. (A limit; it belongs with src/model/limits.ts.)
 */
export const TIMEOUT_CHECK_INTERVAL_MS_MAX = 1_000;
/** Least time between two timeout checks, for timeouts of a few milliseconds (tests). */
const TIMEOUT_CHECK_INTERVAL_MS_MIN = 5;

/** How often the server checks the header and request timeouts (see TIMEOUT_CHECK_INTERVAL_MS_MAX). */
export function timeoutCheckIntervalMs(headersTimeoutMs: number, requestTimeoutMs: number): number {
  const shortest = Math.min(headersTimeoutMs, requestTimeoutMs);
  return Math.max(TIMEOUT_CHECK_INTERVAL_MS_MIN, Math.min(TIMEOUT_CHECK_INTERVAL_MS_MAX, Math.floor(shortest / 10)));
}

/** The four extender verbs. */
export const VERBS = ['filter', 'prioritize', 'preempt', 'bind'] as const;
export type Verb = (typeof VERBS)[number];

/** Server settings (the `podfit serve` flags). */
export interface ServerOptions {
  readonly port: number;
  /** Address to bind; '' = all addresses. */
  readonly address: string;
  /** Path prefix before the verbs ('' or '/something'); kube's urlPrefix path. */
  readonly pathPrefix: string;
  /** Path segment of each verb; '' disables it (404). */
  readonly verbs: Readonly<Record<Verb, string>>;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer; readonly clientCa?: string | Buffer };
  readonly bearerToken?: string;
  readonly bodyBytesMax: number;
  readonly headerBytesMax: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly inFlightMax: number;
  readonly queuedMax: number;
  readonly drainTimeoutMs: number;
  readonly parsePool: JsonParsePoolOptions;
  /** Ready (and answering verbs) even while the cluster state has no nodes (`--allow-empty`). */
  readonly allowEmpty?: boolean;
}

/** What /version reports. */
export interface VersionInfo {
  readonly version: string;
  readonly [k: string]: unknown;
}

type Route =
  | { kind: 'verb'; verb: Verb }
  | { kind: 'healthz' | 'readyz' | 'metrics' | 'version' }
  | { kind: 'none' };

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const JSON_TYPE = 'application/json';

/**
 * Log calls for one request: every line carries `reqId`. Cheaper than a pino child per request
 * (which serialises its bindings up front) on a path that handles hundreds of requests a second.
 */
class RequestLog {
  constructor(private readonly logger: Logger, private readonly reqId: string) {}
  info(obj: Record<string, unknown>, msg: string): void {
    if (this.logger.isLevelEnabled('info')) this.logger.info({ reqId: this.reqId, ...obj }, msg);
  }
  warn(obj: Record<string, unknown>, msg: string): void {
    if (this.logger.isLevelEnabled('warn')) this.logger.warn({ reqId: this.reqId, ...obj }, msg);
  }
  error(obj: Record<string, unknown>, msg: string): void {
    this.logger.error({ reqId: this.reqId, ...obj }, msg);
  }
  debug(obj: Record<string, unknown>, msg: string): void {
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ reqId: this.reqId, ...obj }, msg);
  }
}

/** Normalises a path prefix: leading slash, no trailing slash, '' for the root. */
export function normalizePathPrefix(p: string): string {
  let s = p.trim().replace(/\/+$/, '');
  if (s && !s.startsWith('/')) s = `/${s}`;
  return s;
}

/** The extender HTTP(S) server. */
export class ExtenderServer {
  readonly server: Server;
  readonly pool: JsonParsePool;
  private readonly routes = new Map<string, Route>();
  private readonly authenticate: ReturnType<typeof makeAuthenticator>;
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];
  private active = 0;
  private draining = false;
  private readonly idPrefix = randomBytes(4).toString('hex');
  private nextId = 0;
  private url = '';

  constructor(
    readonly extender: Extender,
    readonly options: ServerOptions,
    readonly logger: Logger,
    readonly metrics: ExtenderMetrics,
    readonly versionInfo: VersionInfo,
  ) {
    const prefix = normalizePathPrefix(options.pathPrefix);
    for (const verb of VERBS) {
      const seg = options.verbs[verb].replace(/^\/+/, '');
      if (seg) this.routes.set(`${prefix}/${seg}`, { kind: 'verb', verb });
    }
    for (const k of ['healthz', 'readyz', 'metrics', 'version'] as const) if (!this.routes.has(`/${k}`)) this.routes.set(`/${k}`, { kind: k });
    this.authenticate = makeAuthenticator({ clientCert: !!options.tls?.clientCa, bearerToken: options.bearerToken });
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const common = {
      maxHeaderSize: options.headerBytesMax,
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: options.headersTimeoutMs,
      connectionsCheckingInterval: timeoutCheckIntervalMs(options.headersTimeoutMs, options.requestTimeoutMs),
    };
    this.server = options.tls
      ? createHttpsServer({
        ...common,
        cert: options.tls.cert,
        key: options.tls.key,
        ca: options.tls.clientCa,
        requestCert: !!options.tls.clientCa,
        // Verified per request (auth.ts) so refusals are counted 401/403s, not handshake failures.
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
      }, handler)
      : createHttpServer(common, handler);
    this.server.keepAliveTimeout = options.keepAliveTimeoutMs;
    // Last: its worker threads would keep the process alive if anything above threw.
    this.pool = new JsonParsePool(options.parsePool);
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => this.onClientError(err, socket));
  }

  /** Starts listening; resolves with the base URL. */
  listen(): Promise<{ url: string; port: number; address: string }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      const done = () => {
        this.server.off('error', reject);
        const a = this.server.address() as AddressInfo;
        const host = this.options.address === '' || a.address === '::' || a.address === '0.0.0.0' ? '127.0.0.1' : a.family === 'IPv6' ? `[${a.address}]` : a.address;
        this.url = `${this.options.tls ? 'https' : 'http'}://${host}:${a.port}`;
        resolve({ url: this.url, port: a.port, address: a.address });
      };
      if (this.options.address) this.server.listen(this.options.port, this.options.address, done);
      else this.server.listen(this.options.port, done);
    });
  }

  /**
   * Why verbs cannot be answered yet, or null: the cluster state has not synced, or it has no
   * nodes (an empty or pods-only snapshot, a cluster without nodes) unless allowEmpty.
   */
  private notReady(): string | null {
    const source = this.extender.source;
    if (!source.ready()) return 'cluster state not synced';
    if (!this.options.allowEmpty && source.state.nodeCount === 0) return 'cluster state has no nodes (podfit serve --allow-empty serves without nodes)';
    return null;
  }

  /** Requests being handled (any path). */
  get activeRequests(): number {
    return this.active;
  }

  /** Whether shutdown has begun. */
  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Graceful stop: /readyz answers 503, no new connections, in-flight requests finish (up to
   * drainTimeoutMs), then every connection is closed and the parse workers stop.
   */
  async shutdown(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeIdleConnections();
    const deadline = Date.now() + this.options.drainTimeoutMs;
    while (this.active > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      this.server.closeIdleConnections();
    }
    if (this.active > 0) this.logger.warn({ active: this.active }, 'drain timeout: closing connections with requests in flight');
    this.server.closeAllConnections();
    await closed;
    await this.pool.close();
  }

  private route(url: string): Route {
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    return this.routes.get(path) ?? { kind: 'none' };
  }

  private requestId(req: IncomingMessage): string {
    const h = req.headers['x-request-id'];
    if (typeof h === 'string' && REQUEST_ID.test(h)) return h;
    return `${this.idPrefix}-${(this.nextId++).toString(36)}`;
  }

  private onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
    this.metrics.errors.inc({ verb: 'other', code: 'PODFIT_ERR_EXTENDER_BAD_REQUEST' });
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    const body = encodeBareError(`malformed HTTP request: ${err.code ?? err.message}`);
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    this.active++;
    const reqId = this.requestId(req);
    res.setHeader('X-Request-Id', reqId);
    const log = new RequestLog(this.logger, reqId);
    const route = this.route(req.url ?? '/');
    const label = route.kind === 'verb' ? route.verb : route.kind === 'none' ? 'other' : route.kind;
    const info: Record<string, unknown> = {};
    try {
      switch (route.kind) {
        case 'healthz':
          this.requireGet(req);
          this.send(res, 200, 'ok\n', 'text/plain');
          break;
        case 'readyz': {
          this.requireGet(req);
          const why = this.draining ? 'shutting down' : this.notReady();
          this.send(res, why ? 503 : 200, `${why ?? 'ok'}\n`, 'text/plain');
          break;
        }
        case 'metrics':
          this.requireGet(req);
          this.requireAuth(req, log);
          this.send(res, 200, await this.metrics.registry.metrics(), this.metrics.registry.contentType);
          break;
        case 'version':
          this.requireGet(req);
          this.requireAuth(req, log);
          this.send(res, 200, JSON.stringify(this.versionInfo), JSON_TYPE);
          break;
        case 'verb':
          await this.handleVerb(route.verb, req, res, log, info);
          break;
        default:
          throw new ExtenderHttpError('PODFIT_ERR_EXTENDER_NOT_FOUND', `no such path: ${(req.url ?? '').slice(0, 200)}`);
      }
    } catch (e) {
      this.sendError(route, req, res, e, log, label);
    } finally {
      this.active--;
      const seconds = (performance.now() - t0) / 1000;
      this.metrics.requests.inc({ verb: label, code: String(res.statusCode) });
      this.metrics.requestDuration.observe({ verb: label }, seconds);
      if (route.kind === 'verb') {
        log.info({ verb: route.verb, status: res.statusCode, durationMs: Math.round(seconds * 1e4) / 10, ...info }, 'request');
      } else {
        log.debug({ path: (req.url ?? '').slice(0, 200), status: res.statusCode }, 'request');
      }
    }
  }

  private requireGet(req: IncomingMessage): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new ExtenderHttpError('PODFIT_ERR_EXTENDER_METHOD_NOT_ALLOWED', `${req.method} not allowed here; use GET`);
  }

  private requireAuth(req: IncomingMessage, log: RequestLog): void {
    const a = this.authenticate(req);
    if (a.ok) return;
    this.metrics.authFailures.inc({ reason: a.reason });
    log.warn({ reason: a.reason, remote: req.socket.remoteAddress }, 'authentication failed');
    throw new ExtenderHttpError(a.status === 401 ? 'PODFIT_ERR_EXTENDER_UNAUTHENTICATED' : 'PODFIT_ERR_EXTENDER_FORBIDDEN', a.message);
  }

  private acquire(): Promise<void> | void {
    if (this.inFlight < this.options.inFlightMax) {
      this.inFlight++;
      this.metrics.inFlight.set(this.inFlight);
      return;
    }
    if (this.waiters.length >= this.options.queuedMax) {
      throw new ExtenderHttpError('PODFIT_ERR_EXTENDER_OVERLOADED', `too many requests: ${this.inFlight} in flight and ${this.waiters.length} queued`);
    }
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.metrics.queued.set(this.waiters.length);
    });
  }

  private release(): void {
    const next = this.waiters.shift();
    this.metrics.queued.set(this.waiters.length);
    if (next) next(); // the slot passes to the next request
    else {
      this.inFlight--;
      this.metrics.inFlight.set(this.inFlight);
    }
  }

  private async handleVerb(verb: Verb, req: IncomingMessage, res: ServerResponse, log: RequestLog, info: Record<string, unknown>): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      throw new ExtenderHttpError('PODFIT_ERR_EXTENDER_METHOD_NOT_ALLOWED', `${req.method} not allowed; extender verbs are POST`);
    }
    this.requireAuth(req, log);
    const notReady = this.notReady();
    if (notReady) throw new ExtenderHttpError('PODFIT_ERR_EXTENDER_NOT_READY', notReady);
    await this.acquire();
    try {
      const tr = performance.now();
      const body = await this.readBody(req);
      info.bodyBytes = body.byteLength;
      this.metrics.bodyBytes.observe({ verb }, body.byteLength);
      const where = this.pool.offloads(body.byteLength) ? 'worker' : 'inline';
      const tp = performance.now();
      // kube-scheduler's usual filter/prioritize body goes the byte-level way (fast-args.ts);
      // anything else is parsed below.
      let fast: Uint8Array | null = null;
      if (where === 'inline' && (verb === 'filter' || verb === 'prioritize')) {
        let threw = true;
        try {
          fast = this.runFast(verb, body, log, info);
          threw = false;
        } finally {
          // Timed when it answered or failed (a fallback to the general path is timed there).
          if (threw || fast !== null) this.metrics.schedulingDuration.observe({ verb }, (performance.now() - tp) / 1000);
        }
      }
      if (fast !== null) {
        const te = performance.now();
        res.setHeader('Server-Timing', `read;dur=${(tp - tr).toFixed(3)}, cycle;dur=${(te - tp).toFixed(3)}`);
        res.once('close', () => this.pool.release(body));
        this.send(res, 200, fast, JSON_TYPE);
        return;
      }
      let parsed: ProjectedJson;
      try {
        parsed = await this.pool.parse(body);
      } catch (e) {
        if (e instanceof JsonBodyError) throw new ExtenderHttpError('PODFIT_ERR_EXTENDER_BAD_JSON', `invalid JSON: ${e.message}`);
        throw e;
      }
      const ts = performance.now();
      this.metrics.parseDuration.observe({ where }, (ts - tp) / 1000);
      let answer: string | Uint8Array | Uint8Array[];
      try {
        answer = await this.runVerb(verb, body, parsed, log, info);
      } finally {
        this.metrics.schedulingDuration.observe({ verb }, (performance.now() - ts) / 1000);
      }
      // W3C Server-Timing: receiving the body, parsing it, and the verb itself (decode, schedule, encode).
      const ms = (a: number, b: number) => (b - a).toFixed(3);
      res.setHeader('Server-Timing', `read;dur=${ms(tr, tp)}, parse;dur=${ms(tp, ts)}, cycle;dur=${ms(ts, performance.now())}`);
      // The answer may be slices of the body: the buffer is reused only once it has been sent.
      res.once('close', () => this.pool.release(body));
      this.send(res, 200, answer, JSON_TYPE);
    } finally {
      this.release();
    }
  }

  /** filter or prioritize straight from the body's bytes; null when the body needs parsing. */
  private runFast(verb: 'filter' | 'prioritize', body: Uint8Array, log: RequestLog, info: Record<string, unknown>): Uint8Array | null {
    const ext = this.extender;
    if (verb === 'filter') {
      const r = ext.filterBytes(body);
      if (!r) return null;
      info.pod = r.pod.key;
      info.nodes = r.nodes.length;
      return this.filterAnswer(r.outcome, { nodeItems: null, nodeNames: null, namesById: r.names }, log, info) as Uint8Array;
    }
    const r = ext.prioritizeBytes(body);
    if (!r) return null;
    info.pod = r.pod.key;
    info.nodes = r.nodes.length;
    return encodeHostPriorityListById(r.names, r.scores);
  }

  /** A filter outcome's answer (either path): counts and logs a plugin error, encodes the result. */
  private filterAnswer(
    out: FilterOutcome,
    nodes: Pick<FilterResultOut, 'nodeItems' | 'nodeNames' | 'namesById'>,
    log: RequestLog,
    info: Record<string, unknown>,
  ): Uint8Array | Uint8Array[] {
    info.passed = out.passed.length;
    if (out.error) {
      this.metrics.errors.inc({ verb: 'filter', code: 'PODFIT_ERR_EXTENDER_FILTER_FAILED' });
      log.warn({ err: out.error }, 'filter failed');
    }
    return encodeFilterResult(filterResultOut(out, nodes));
  }

  /** Runs one verb on a parsed body; resolves with the answer's body (always HTTP 200). */
  private async runVerb(verb: Verb, body: Uint8Array, parsed: ProjectedJson, log: RequestLog, info: Record<string, unknown>): Promise<string | Uint8Array | Uint8Array[]> {
    const ext = this.extender;
    switch (verb) {
      case 'filter': {
        const args = decodeExtenderArgs(parsed.value);
        const items = this.nodeItems(args, body, parsed);
        const out = ext.filter(args, items?.access ?? null);
        info.pod = rawPodKey(args.pod);
        info.nodes = (args.nodeNames ?? args.nodes ?? []).length;
        return this.filterAnswer(out, { nodeItems: args.nodes !== null && items ? items.answer(out.passed) : null, nodeNames: args.nodeNames }, log, info);
      }
      case 'prioritize': {
        const args = decodeExtenderArgs(parsed.value);
        const items = this.nodeItems(args, body, parsed);
        const out = ext.prioritize(args, items?.access ?? null);
        info.pod = rawPodKey(args.pod);
        info.nodes = out.hosts.length;
        return encodeHostPriorityList(out.hosts, out.scores);
      }
      case 'preempt': {
        const args = decodeExtenderPreemptionArgs(parsed.value);
        const out = ext.preempt(args);
        info.pod = rawPodKey(args.pod);
        info.nodes = args.nodes.size;
        info.nodesKept = out.size;
        return encodePreemptionResult(out);
      }
      case 'bind': {
        const args = decodeExtenderBindingArgs(parsed.value);
        info.pod = `${args.podNamespace}/${args.podName}`;
        info.node = args.node;
        const error = await ext.bind(args);
        if (error) {
          this.metrics.errors.inc({ verb, code: 'PODFIT_ERR_EXTENDER_BIND_FAILED' });
          log.warn({ err: error, pod: info.pod, node: args.node }, 'bind failed');
        }
        return encodeBindingResult(error);
      }
    }
  }

  /**
   * Node item access for a Nodes-mode request: decoded objects (only for nodes podfit does not
   * know) and the answer's bytes for the surviving items, as slices of the request body with runs
   * of consecutive survivors in one slice.
   */
  private nodeItems(args: ExtenderArgs, body: Uint8Array, parsed: ProjectedJson): { access: NodeItems; answer(passed: readonly number[]): Uint8Array[] } | null {
    if (args.nodes === null) return null;
    const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const ranges = parsed.items?.ranges ?? null;
    let raw: unknown[] | undefined;
    const rawItems = (): unknown[] => {
      if (!raw) {
        const top = canonicalizeGoKeys(parsed.value as Record<string, unknown>, ['Nodes']);
        raw = (canonicalizeGoKeys(top.Nodes as Record<string, unknown>, ['items']).items as unknown[] | null) ?? [];
      }
      return raw;
    };
    return {
      access: {
        node: (i) => decodeNodeItem(ranges ? JSON.parse(buf.toString('utf8', ranges[2 * i]!, ranges[2 * i + 1]!)) : rawItems()[i], i),
      },
      answer: (passed) => {
        if (!ranges) return passed.map((i) => Buffer.from(JSON.stringify(rawItems()[i])));
        const runs: Uint8Array[] = [];
        for (let k = 0; k < passed.length;) {
          const first = passed[k]!;
          let last = first;
          while (k + 1 < passed.length && passed[k + 1] === last + 1) last = passed[++k]!;
          runs.push(buf.subarray(ranges[2 * first]!, ranges[2 * last + 1]!));
          k++;
        }
        return runs;
      },
    };
  }

  /** Reads the body within the size limit, into shared memory when a worker will parse it. */
  private readBody(req: IncomingMessage): Promise<Uint8Array> {
    const max = this.options.bodyBytesMax;
    const enc = req.headers['content-encoding'];
    if (enc && enc.toLowerCase() !== 'identity') {
      throw new ExtenderHttpError('PODFIT_ERR_EXTENDER_UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${enc} not supported; send plain JSON`);
    }
    const tooLarge = (n: number) => new ExtenderHttpError('PODFIT_ERR_EXTENDER_BODY_TOO_LARGE', `request body of ${n} bytes exceeds the limit of ${max} bytes (--max-body-bytes)`);
    const cl = req.headers['content-length'];
    const declared = cl === undefined ? undefined : Number(cl);
    if (declared !== undefined && declared > max) throw tooLarge(declared);
    return new Promise<Uint8Array>((resolve, reject) => {
      let fixed: Uint8Array | null = declared !== undefined && Number.isSafeInteger(declared) ? this.pool.allocate(declared) : null;
      const chunks: Buffer[] = [];
      let total = 0;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        req.removeAllListeners('data');
        reject(e);
      };
      req.on('data', (c: Buffer) => {
        if (failed) return;
        if (total + c.length > max) return fail(tooLarge(total + c.length));
        if (fixed && total + c.length <= fixed.byteLength) fixed.set(c, total);
        else {
          if (fixed) {
            chunks.push(Buffer.from(fixed.buffer, fixed.byteOffset, total));
            fixed = null;
          }
          chunks.push(c);
        }
        total += c.length;
      });
      req.once('end', () => {
        if (failed) return;
        if (fixed) resolve(total === fixed.byteLength ? fixed : fixed.subarray(0, total));
        else resolve(Buffer.concat(chunks, total));
      });
      req.once('error', (e) => fail(e));
      req.once('close', () => {
        if (!req.complete) fail(new Error('client closed the connection before sending the whole body'));
      });
    });
  }

  private send(res: ServerResponse, status: number, body: string | Uint8Array | readonly Uint8Array[], type: string): void {
    if (res.headersSent || res.destroyed) return;
    // While draining, ask clients to reconnect elsewhere (another replica) for the next request.
    if (this.draining) res.setHeader('Connection', 'close');
    if (typeof body === 'string' || body instanceof Uint8Array) {
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength });
      res.end(body);
      return;
    }
    let length = 0;
    for (const c of body) length += c.byteLength;
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': length });
    // Corked, the chunks go out in one writev: no copy of the (possibly huge) answer.
    res.cork();
    for (const c of body) res.write(c);
    res.uncork();
    res.end();
  }

  private sendError(route: Route, req: IncomingMessage, res: ServerResponse, e: unknown, log: RequestLog, label: string): void {
    let code: ExtenderErrorCode;
    let message: string;
    if (e instanceof ExtenderHttpError) {
      code = e.code;
      message = e.message;
    } else if (e instanceof InputError || e instanceof ModelInputError) {
      // A ModelInputError here had no verb to prefix it (decodePod and resolveNodes do); still a 400.
      code = 'PODFIT_ERR_EXTENDER_BAD_REQUEST';
      message = e.message;
    } else if (e instanceof ExtenderInternalError) {
      code = 'PODFIT_ERR_EXTENDER_INTERNAL';
      message = e.message;
    } else {
      code = 'PODFIT_ERR_EXTENDER_INTERNAL';
      message = `internal error: ${(e as Error)?.message ?? String(e)}`;
      log.error({ err: e }, 'unexpected error');
    }
    const status = new ExtenderHttpError(code, message).status;
    this.metrics.errors.inc({ verb: label, code });
    if (status >= 400 && status !== 401 && status !== 403) log.warn({ code, status, err: message }, 'request failed');
    if (!req.complete) {
      // Node discards an unread body after the answer so the connection can be reused; that is
      // fine for a body at most twice the limit (the client then reads its 413 instead of a reset),
      // beyond that the connection is closed rather than read on.
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (!(declared <= 2 * this.options.bodyBytesMax)) res.setHeader('Connection', 'close');
    }
    if (status === 401 && this.options.bearerToken) res.setHeader('WWW-Authenticate', 'Bearer');
    let body: string;
    if (route.kind === 'verb') {
      body = route.verb === 'filter' ? encodeFilterError(message) : route.verb === 'bind' ? encodeBindingResult(message) : encodeBareError(message);
    } else {
      body = encodeBareError(message);
    }
    this.send(res, status, body, JSON_TYPE);
  }
}

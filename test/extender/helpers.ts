/**
 * Test helpers for the extender: a server over a snapshot on 127.0.0.1:0, and a raw HTTP(S) client
 * that sends bodies the way kube-scheduler's Go client does (POST, Content-Type: application/json,
 * Content-Length, keep-alive).
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { SchedulerConfig } from '../../src/api/config.js';
import { SnapshotSource } from '../../src/cluster/snapshot-source.js';
import { BindError, type ClusterSource, type PodRef, type SourceStats } from '../../src/cluster/source.js';
import type { ClusterState } from '../../src/model/cluster-state.js';
import type { PodInfo } from '../../src/model/pod-info.js';
import { defaultExtenderConfig } from '../../src/extender/default-config.js';
import { Extender } from '../../src/extender/extender.js';
import { createLogger } from '../../src/extender/logger.js';
import { ExtenderMetrics } from '../../src/extender/metrics.js';
import { ExtenderServer, type ServerOptions } from '../../src/extender/server.js';
import { createKernels } from '../../src/kernel/engine.js';
import type { EngineName } from '../../src/kernel/kernels.js';
import {
  EXTENDER_BODY_BYTES_MAX, EXTENDER_DRAIN_TIMEOUT_MS, EXTENDER_HEADER_BYTES_MAX, EXTENDER_HEADERS_TIMEOUT_MS, EXTENDER_IN_FLIGHT_MAX,
  EXTENDER_KEEPALIVE_TIMEOUT_MS, EXTENDER_QUEUED_MAX, EXTENDER_REQUEST_TIMEOUT_MS,
} from '../../src/model/limits.js';
import { REGISTRY } from '../../src/plugins/registry.js';

export const FIXTURES = new URL('../fixtures/extender/', import.meta.url).pathname;
export const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
export const tlsFile = (name: string) => readFileSync(join(FIXTURES, 'tls', name), 'utf8');

/** A copy of the fixture cluster in a temp dir (tests may rewrite it). */
export function tempCluster(name = 'cluster.json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'podfit-ext-'));
  const path = join(dir, 'cluster.json');
  copyFileSync(join(FIXTURES, name), path);
  return path;
}

/** Server defaults for tests: random port on 127.0.0.1, small limits where tests need them. */
export function serverOptions(over: Partial<ServerOptions> = {}): ServerOptions {
  return {
    port: 0,
    address: '127.0.0.1',
    pathPrefix: '',
    verbs: { filter: 'filter', prioritize: 'prioritize', preempt: 'preempt', bind: 'bind' },
    bodyBytesMax: EXTENDER_BODY_BYTES_MAX,
    headerBytesMax: EXTENDER_HEADER_BYTES_MAX,
    headersTimeoutMs: EXTENDER_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: EXTENDER_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: EXTENDER_KEEPALIVE_TIMEOUT_MS,
    inFlightMax: EXTENDER_IN_FLIGHT_MAX,
    queuedMax: EXTENDER_QUEUED_MAX,
    drainTimeoutMs: EXTENDER_DRAIN_TIMEOUT_MS,
    parsePool: { threads: 0, inlineBelowBytes: 1 << 20 },
    ...over,
  };
}

/** Log lines captured from the server's pino logger. */
export class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) this.lines.push(JSON.parse(l) as Record<string, unknown>);
    cb();
  }
}

/** A running test server. */
export interface TestServer {
  readonly url: string;
  readonly server: ExtenderServer;
  readonly source: ClusterSource;
  readonly extender: Extender;
  readonly metrics: ExtenderMetrics;
  readonly logs: LogCapture;
  close(): Promise<void>;
}

/** Starts a server over `source` (default: a snapshot of the fixture cluster). */
export async function startServer(opts: { options?: Partial<ServerOptions>; source?: ClusterSource; config?: SchedulerConfig; engine?: EngineName } = {}): Promise<TestServer> {
  const kernels = await createKernels(opts.engine ?? 'js');
  const source = opts.source ?? new SnapshotSource(tempCluster(), { pollIntervalMs: 0, tableMemory: () => kernels.createTableMemory() });
  const extender = new Extender(source, opts.config ?? defaultExtenderConfig(), kernels, REGISTRY, { seed: 1 });
  const metrics = new ExtenderMetrics(() => source, { defaultMetrics: false });
  const logs = new LogCapture();
  const logger = createLogger('info', logs);
  const server = new ExtenderServer(extender, serverOptions(opts.options), logger, metrics, { version: 'test' });
  const { url } = await server.listen();
  return {
    url, server, source, extender, metrics, logs,
    async close() {
      await server.shutdown();
      await source.stop();
    },
  };
}

/** A response. */
export interface Res {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  json<T = unknown>(): T;
}

const httpAgent = new HttpAgent({ keepAlive: true });

/** Sends a request like Go's net/http client (or with the given overrides). */
export function send(
  url: string,
  opts: { method?: string; body?: string | Buffer; headers?: Record<string, string>; tls?: { ca?: string; cert?: string; key?: string }; agent?: HttpAgent | HttpsAgent | false } = {},
): Promise<Res> {
  const u = new URL(url);
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  const headers: Record<string, string> = {
    'User-Agent': 'Go-http-client/1.1',
    ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } : {}),
    'Accept-Encoding': 'gzip',
    ...opts.headers,
  };
  const isHttps = u.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (isHttps ? httpsRequest : httpRequest)(u, {
      method: opts.method ?? (body !== undefined ? 'POST' : 'GET'),
      headers,
      agent: opts.agent ?? (isHttps ? false : httpAgent),
      ...(isHttps ? { ca: opts.tls?.ca, cert: opts.tls?.cert, key: opts.tls?.key } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POST a JSON body to `<url>/<verb>`. */
export const post = (base: string, verb: string, body: string | Buffer | object, headers?: Record<string, string>) =>
  send(`${base}/${verb}`, { body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body), headers });

/** Lower-cases the extender's own (PascalCase) keys, as kube's compatibility test does. */
export function lowerExtenderKeys(v: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) out[keys.includes(k) ? k.toLowerCase() : k] = val;
  return out;
}

/** A ClusterSource over an in-memory state (unit tests); binds place pods in memory. */
export class MemorySource implements ClusterSource {
  readonly kind = 'snapshot' as const;
  isReady = true;
  constructor(public state: ClusterState, private readonly pending: PodInfo[] = []) {}
  ready(): boolean {
    return this.isReady;
  }
  findPendingPod(ref: PodRef): PodInfo | undefined {
    return this.pending.find((p) => (ref.uid && p.uid === ref.uid) || p.key === `${ref.namespace}/${ref.name}`);
  }
  async bind(ref: PodRef, pod: PodInfo | undefined, nodeName: string): Promise<void> {
    const info = pod ?? this.findPendingPod(ref);
    if (!info) throw new BindError(`pod ${ref.namespace}/${ref.name} unknown`);
    this.state.addPod(info, nodeName);
  }
  stats(): SourceStats {
    return { nodes: this.state.nodeCount, pods: [...this.state.placedPods()].length, assumedPods: 0, pendingPods: this.pending.length };
  }
  async stop(): Promise<void> {}
}

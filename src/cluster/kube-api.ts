/**
 * Raw JSON requests to the Kubernetes API with @kubernetes/client-node's KubeConfig supplying the
 * server, TLS material and credentials (kubeconfig or in-cluster service account).
 *
 * Lists go through here rather than the generated CoreV1Api because the generated client turns
 * every object into model classes (timestamps become Date objects) at a cost that matters for
 * 150,000 pods; raw API JSON is also exactly what watch events, snapshot files and extender bodies
 * carry, so one set of zod schemas decodes all of them.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { PodfitError } from '../model/error-codes.js';

/** How long the credentials of a kept-alive KubeApi are reused before the KubeConfig is asked again. */
const KEPT_ALIVE_OPTIONS_MS = 60_000;

/** A non-2xx answer from the API server; `status` is the metav1.Status body when there was one. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly statusCode: number,
    message: string,
    /** metav1.Status reason, e.g. `Expired`, `Conflict`, `NotFound`. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** The text of a metav1.Status body (or the raw body). */
export function statusMessage(statusCode: number, body: string): { message: string; reason?: string } {
  try {
    const s = JSON.parse(body) as { kind?: string; message?: string; reason?: string };
    if (s && typeof s === 'object' && typeof s.message === 'string') return { message: s.message, reason: s.reason };
  } catch {
    /* not JSON */
  }
  const text = body.trim().slice(0, 300);
  return { message: text ? `HTTP ${statusCode}: ${text}` : `HTTP ${statusCode}` };
}

/** Minimal API client over a KubeConfig. */
export class KubeApi {
  constructor(
    readonly kc: KubeConfig,
    /** Per-request timeout, connect to last byte (lists of large clusters take seconds). */
    readonly timeoutMs = 60_000,
    /** Bound on opening the connection (TCP and TLS); by default only timeoutMs bounds it. */
    readonly connectTimeoutMs?: number,
    /**
     * Keep connections open and reuse them (at most this many at once): the client library makes
     * a new agent, so a new TLS connection, per request, which a scheduler writing thousands of
     * bindings cannot afford. 0 (the default) keeps the library's agent.
     */
    readonly keepAliveSockets = 0,
  ) {}

  private agent: HttpsAgent | undefined;

  /** The API server URL of the current context. */
  get server(): string {
    const c = this.kc.getCurrentCluster();
    if (!c) throw new PodfitError('PODFIT_ERR_LIVE_NO_CLUSTER', 'the kubeconfig has no current cluster');
    return c.server.replace(/\/+$/, '');
  }

  /**
   * Sends a request; resolves with the status and body text (any status). `contentType` for
   * patches (`application/strategic-merge-patch+json`, `application/merge-patch+json`).
   */
  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ statusCode: number; body: string }> {
    const url = new URL(this.server + path);
    const opts: RequestOptions = {
      method,
      headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
      timeout: this.timeoutMs,
    };
    if (this.keepAliveSockets > 0 && url.protocol === 'https:') await this.applyKeptAlive(opts);
    else await this.kc.applyToHTTPSOptions(opts);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      const done = () => timers.forEach(clearTimeout);
      const req = send(url, opts, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          done();
          resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (e) => {
          done();
          reject(e);
        });
      });
      let connected = false;
      const timedOut = (ms: number) =>
        Object.assign(new Error(connected ? `${method} ${path}: no answer within ${ms} ms` : `no connection within ${ms} ms`), { code: 'ETIMEDOUT' });
      // The socket timeout is an idle timeout; the deadline also bounds a server that trickles.
      timers.push(setTimeout(() => req.destroy(timedOut(this.timeoutMs)), this.timeoutMs));
      const connectMs = this.connectTimeoutMs;
      req.once('socket', (sock) => {
        if (!sock.connecting) {
          connected = true; // a kept-alive socket
          return;
        }
        const t = connectMs === undefined ? undefined : setTimeout(() => req.destroy(timedOut(connectMs)), connectMs);
        if (t) timers.push(t);
        sock.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
          connected = true;
          clearTimeout(t);
        });
      });
      req.on('timeout', () => req.destroy(timedOut(this.timeoutMs)));
      req.on('error', (e) => {
        done();
        reject(e);
      });
      req.end(payload);
    });
  }

  /**
   * The credentials and TLS material of the KubeConfig on one kept-alive agent. The library's
   * options are taken again every KEPT_ALIVE_OPTIONS_MS (tokens rotate: a service account's is
   * re-read from its file, exec plugins are re-run), not per request: they build an agent each time.
   */
  private async applyKeptAlive(opts: RequestOptions): Promise<void> {
    const now = Date.now();
    if (!this.keptAlive || now >= this.keptAlive.until) {
      const o: RequestOptions = { headers: {} };
      await this.kc.applyToHTTPSOptions(o);
      const agent = new HttpsAgent({
        keepAlive: true, noDelay: true, maxSockets: this.keepAliveSockets, ca: o.ca, cert: o.cert, key: o.key,
        ...(o.rejectUnauthorized !== undefined ? { rejectUnauthorized: o.rejectUnauthorized } : {}),
        ...(o.servername ? { servername: o.servername } : {}),
      });
      // Connections of the previous agent close once idle; the TLS material may have changed too.
      const old = this.agent;
      if (old) setTimeout(() => old.destroy(), this.timeoutMs).unref();
      this.agent = agent;
      this.keptAlive = { headers: { ...(o.headers as Record<string, string>) }, auth: o.auth, until: now + KEPT_ALIVE_OPTIONS_MS };
    }
    opts.headers = { ...this.keptAlive.headers, ...(opts.headers as Record<string, string>) };
    if (this.keptAlive.auth) opts.auth = this.keptAlive.auth;
    opts.agent = this.agent;
  }

  private keptAlive: { headers: Record<string, string>; auth?: string | null; until: number } | undefined;

  /** Closes kept-alive connections. */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
    this.keptAlive = undefined;
  }

  /** GET returning parsed JSON; non-2xx throws KubeApiError. */
  async getJson<T>(path: string): Promise<T> {
    const r = await this.request('GET', path);
    if (r.statusCode < 200 || r.statusCode > 299) {
      const { message, reason } = statusMessage(r.statusCode, r.body);
      throw new KubeApiError(r.statusCode, `GET ${path}: ${message}`, reason);
    }
    return JSON.parse(r.body) as T;
  }
}

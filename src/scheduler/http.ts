/**
 * The scheduler's probe and metrics endpoints: GET /healthz (the process runs), /readyz (the
 * informers have listed and are in sync: a standby is as ready as the leader, so a rolling update
 * never waits for leadership), /metrics (Prometheus text).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SchedulerMetrics } from './metrics.js';

/** What the endpoints read. */
export interface ProbeTarget {
  ready(): boolean;
  isActive(): boolean;
}

/** A running endpoint server. */
export interface ProbeServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the server on `address`:`port` (port 0: any free port). */
export async function startProbeServer(target: ProbeTarget, metrics: SchedulerMetrics, port: number, address?: string): Promise<ProbeServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    switch (path) {
      case '/healthz':
      case '/livez':
        return send(200, 'ok\n');
      case '/readyz':
        return target.ready() ? send(200, `ok (${target.isActive() ? 'leader' : 'standby'})\n`) : send(503, 'informers not synced\n');
      case '/metrics':
        metrics.registry.metrics().then((text) => send(200, text, metrics.registry.contentType), (e: Error) => send(500, `${e.message}\n`));
        return;
      default:
        return send(404, 'not found\n');
    }
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    url: `http://${host}:${a.port}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

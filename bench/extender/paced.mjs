// An open-loop, evenly paced HTTP load generator. autocannon's rate limit refills a per-connection
// budget once a second, so "500 requests/s" becomes a burst at full speed at the start of every
// second; kube-scheduler's calls arrive spread out. This sends request i at start + i/rate
// whatever happened to earlier ones (keep-alive connections, at most `connections` in flight) and
// measures latency from the intended send time, so queueing delays are not hidden
// (no coordinated omission).
import http from 'node:http';
import net from 'node:net';
import { pct } from './common.mjs';

/**
 * What one run records: per request i, its latency from when it was due (NaN if it failed) and
 * from when it was sent, and the status codes. Shared by paced() and pacedRaw().
 */
class Recorder {
  constructor(total) {
    this.total = total;
    this.lat = new Float64Array(total);
    this.service = new Float64Array(total);
    this.codes = new Map();
    this.errors = 0;
    this.done = 0;
    this.finished = new Promise((r) => (this.finish = r));
  }

  answered(i, status, intended, t0, t1) {
    this.lat[i] = t1 - intended;
    this.service[i] = t1 - t0;
    this.codes.set(status, (this.codes.get(status) ?? 0) + 1);
    this.count();
  }

  failed(i) {
    this.errors++;
    this.lat[i] = NaN;
    this.count();
  }

  count() {
    if (++this.done === this.total) this.finish();
  }

  /** The run's figures; with keepSamples, each request's due/sent/done times on CLOCK_MONOTONIC. */
  summary(start, interval, keepSamples) {
    const ok = [...this.lat].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    const svc = [...this.service].filter((x) => x > 0).sort((a, b) => a - b);
    return {
      requests: this.total, errors: this.errors, codes: Object.fromEntries(this.codes), achievedRate: Math.round(this.total / ((performance.now() - start) / 1000)),
      latencyMs: { p50: r3(pct(ok, 50)), p90: r3(pct(ok, 90)), p99: r3(pct(ok, 99)), p999: r3(pct(ok, 99.9)), max: r3(ok[ok.length - 1]) },
      serviceMs: { p50: r3(pct(svc, 50)), p99: r3(pct(svc, 99)) },
      // To line requests up with kernel traces.
      ...(keepSamples ? { samples: samplesOf(this.lat, this.service, start, interval) } : {}),
    };
  }
}

const r3 = (x) => Math.round(x * 1000) / 1000;

/** Calls fire(i, intended) for request i at start + i * interval (open loop), from 20 ms on. */
function schedule(total, interval, fire) {
  const start = performance.now() + 20;
  let sent = 0;
  const tick = () => {
    const now = performance.now();
    while (sent < total && start + sent * interval <= now) {
      fire(sent, start + sent * interval);
      sent++;
    }
    if (sent < total) setTimeout(tick, Math.max(0, Math.min(1, start + sent * interval - now)));
  };
  setTimeout(tick, 20);
  return start;
}

/** Runs `rate` requests/s for `durationS` seconds, cycling through `requests` ({path, body, method?, headers?}). */
export async function paced({ url, rate, durationS, requests, connections = 16, headers = {} }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const interval = 1000 / rate;
  const rec = new Recorder(Math.round(rate * durationS));
  const bodies = requests.map((r) => ({ path: r.path, method: r.method ?? 'POST', body: Buffer.from(r.body ?? ''), headers: r.headers ?? {} }));
  const start = schedule(rec.total, interval, (i, intended) => {
    const r = bodies[i % bodies.length];
    const t0 = performance.now();
    const req = http.request(`${url}${r.path}`, { method: r.method, agent, headers: { 'content-type': 'application/json', 'content-length': r.body.length, ...headers, ...r.headers } }, (res) => {
      res.resume();
      res.on('end', () => rec.answered(i, res.statusCode, intended, t0, performance.now()));
    });
    req.on('error', () => rec.failed(i));
    req.end(r.body);
  });
  await rec.finished;
  agent.destroy();
  return rec.summary(start, interval, false);
}

function samplesOf(lat, service, start, interval) {
  const mono = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  return Array.from(lat, (l, i) => {
    const due = start + i * interval;
    return { due: due + mono, sent: due + l - service[i] + mono, done: due + l + mono };
  });
}

/**
 * The same open-loop schedule and measurement on raw keep-alive TCP connections: each request is
 * encoded to bytes once, responses are read by their Content-Length. Far lighter than
 * `http.request` per call (wrk2's way), so the generator's own CPU use and garbage-collection
 * pauses, which land in the measured latencies, shrink; `paced()` stays for comparison.
 * Requests: {path, body, method?, headers?}; plain HTTP/1.1 servers that send Content-Length.
 */
export async function pacedRaw({ url, rate, durationS, requests, connections = 16, headers = {}, keepSamples = false }) {
  const { hostname, port } = new URL(url);
  const interval = 1000 / rate;
  const rec = new Recorder(Math.round(rate * durationS));
  const wire = requests.map((r) => {
    const body = Buffer.from(r.body ?? '');
    const h = { host: `${hostname}:${port}`, 'content-type': 'application/json', 'content-length': body.length, ...headers, ...r.headers };
    const head = `${r.method ?? 'POST'} ${r.path} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, 'latin1'), body]);
  });
  const idle = [];
  const waiting = []; // [index, intended] sent as soon as a connection is free
  const conns = await Promise.all(Array.from({ length: connections }, () => new Promise((resolve, reject) => {
    const sock = net.connect({ host: hostname, port: Number(port) }, () => resolve(conn));
    sock.setNoDelay(true);
    const conn = { sock, cur: null, buf: Buffer.alloc(0) };
    sock.on('error', (e) => {
      if (!conn.cur) return reject(e);
      rec.failed(conn.cur.i);
      conn.cur = null;
    });
    sock.on('data', (chunk) => {
      conn.buf = conn.buf.length ? Buffer.concat([conn.buf, chunk]) : chunk;
      for (;;) {
        const end = conn.buf.indexOf('\r\n\r\n');
        if (end < 0 || !conn.cur) return;
        const head = conn.buf.latin1Slice(0, end);
        const m = /content-length:\s*(\d+)/i.exec(head);
        const need = end + 4 + (m ? Number(m[1]) : 0);
        if (conn.buf.length < need) return;
        const status = Number(head.slice(9, 12));
        conn.buf = conn.buf.subarray(need);
        const { i, t0, intended } = conn.cur;
        conn.cur = null;
        rec.answered(i, status, intended, t0, performance.now());
        const next = waiting.shift();
        if (next) send(conn, next[0], next[1]);
        else idle.push(conn);
      }
    });
  })));
  idle.push(...conns);
  // How late the generator itself sends (its own stalls: timers, GC, CPU): reported, because
  // an open-loop generator charges them to the server.
  const lateness = [];
  const send = (conn, i, intended) => {
    const t0 = performance.now();
    lateness.push(t0 - intended);
    conn.cur = { i, t0, intended };
    conn.sock.write(wire[i % wire.length]);
  };
  const start = schedule(rec.total, interval, (i, intended) => {
    const c = idle.shift();
    if (c) send(c, i, intended);
    else waiting.push([i, intended]);
  });
  await rec.finished;
  for (const c of conns) c.sock.destroy();
  lateness.sort((a, b) => a - b);
  return {
    generator: 'raw',
    sendLateMs: { p50: r3(pct(lateness, 50)), p99: r3(pct(lateness, 99)), max: r3(lateness[lateness.length - 1]) },
    ...rec.summary(start, interval, keepSamples),
  };
}

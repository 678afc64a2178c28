// An open-loop, evenly paced HTTP load generator. autocannon's rate limit refills a per-connection
// budget once a second, so "500 requests/s" becomes a burst at full speed at the start of every
// second; kube-scheduler's calls arrive spread out. This sends request i at start + i/rate
// whatever happened to earlier ones (keep-alive connections, at most `connections` in flight) and
// measures latency from the intended send time, so queueing delays are not hidden
// (no coordinated omission).
import http from 'node:http';
import { pct } from './common.mjs';

/** Runs `rate` requests/s for `durationS` seconds, cycling through `requests` ({path, body, method?, headers?}). */
export async function paced({ url, rate, durationS, requests, connections = 16, headers = {} }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const interval = 1000 / rate;
  const total = Math.round(rate * durationS);
  const lat = new Float64Array(total);
  const service = new Float64Array(total);
  const codes = new Map();
  let errors = 0;
  let done = 0;
  const start = performance.now() + 20;
  const bodies = requests.map((r) => ({ path: r.path, method: r.method ?? 'POST', body: Buffer.from(r.body ?? ''), headers: r.headers ?? {} }));
  await new Promise((resolve) => {
    const finish = () => {
      if (++done === total) resolve();
    };
    const fire = (i, intended) => {
      const r = bodies[i % bodies.length];
      const t0 = performance.now();
      const req = http.request(`${url}${r.path}`, { method: r.method, agent, headers: { 'content-type': 'application/json', 'content-length': r.body.length, ...headers, ...r.headers } }, (res) => {
        res.resume();
        res.on('end', () => {
          const t1 = performance.now();
          lat[i] = t1 - intended;
          service[i] = t1 - t0;
          codes.set(res.statusCode, (codes.get(res.statusCode) ?? 0) + 1);
          finish();
        });
      });
      req.on('error', () => {
        errors++;
        lat[i] = NaN;
        finish();
      });
      req.end(r.body);
    };
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
  });
  agent.destroy();
  const ok = [...lat].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const svc = [...service].filter((x) => x > 0).sort((a, b) => a - b);
  const r3 = (x) => Math.round(x * 1000) / 1000;
  return {
    requests: total, errors, codes: Object.fromEntries(codes), achievedRate: Math.round(total / ((performance.now() - start) / 1000)),
    latencyMs: { p50: r3(pct(ok, 50)), p90: r3(pct(ok, 90)), p99: r3(pct(ok, 99)), p999: r3(pct(ok, 99.9)), max: r3(ok[ok.length - 1]) },
    serviceMs: { p50: r3(pct(svc, 50)), p99: r3(pct(svc, 99)) },
  };
}

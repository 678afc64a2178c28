/**
 * A bounded load test on 127.0.0.1 (autocannon, at most 3,000 requests): good and bad requests
 * interleaved on keep-alive connections, no transport errors, no 5xx, answers still right after.
 * The performance goals themselves are measured by bench/extender/ (BENCHMARKS.md).
 */
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, post, send, startServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ options: { bodyBytesMax: 64 * 1024 } });
});
afterAll(async () => {
  await t.close();
});

describe('load', () => {
  it('3,000 mixed requests over 16 connections: no errors, no 5xx, every answer as expected', async () => {
    const json = { 'content-type': 'application/json' };
    const requests = [
      { method: 'POST' as const, path: '/filter', headers: json, body: fixture('filter-nodenames.request.json') },
      { method: 'POST' as const, path: '/prioritize', headers: json, body: fixture('prioritize-nodenames.request.json') },
      { method: 'POST' as const, path: '/filter', headers: json, body: fixture('filter-nodes.request.json') },
      { method: 'POST' as const, path: '/preempt', headers: json, body: fixture('preempt-metavictims.request.json') },
      { method: 'POST' as const, path: '/filter', headers: json, body: '{"Pod":' },
      { method: 'POST' as const, path: '/prioritize', headers: json, body: '{"Pod":{"metadata":{},"spec":{}},"NodeNames":["ghost"]}' },
      { method: 'POST' as const, path: '/filter', headers: json, body: 'x'.repeat(70 * 1024) },
      { method: 'GET' as const, path: '/healthz' },
    ];
    const codes = new Map<number, number>();
    const inst = autocannon({ url: t.url, connections: 16, amount: 3000, requests, timeout: 10 });
    inst.on('response', (_c: unknown, status: number) => codes.set(status, (codes.get(status) ?? 0) + 1));
    const res = await inst;
    expect(res.errors).toBe(0);
    expect(res.timeouts).toBe(0);
    const total = [...codes.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(3000);
    expect([...codes.keys()].sort()).toEqual([200, 400, 413]);
    // Each connection walks the list in order: 5 of 8 requests answer 200, 2 answer 400, 1 413.
    expect(codes.get(200)! / total).toBeCloseTo(5 / 8, 1);
    expect((await post(t.url, 'filter', fixture('filter-nodenames.request.json'))).text + '\n').toBe(fixture('filter-nodenames.response.json'));
    const m = (await send(`${t.url}/metrics`)).text;
    expect(m).not.toMatch(/podfit_extender_requests_total\{verb="[a-z]+",code="5\d\d"\}/);
    expect(t.source.state.nodeCount).toBe(5);
  });
});

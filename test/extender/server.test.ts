/** HTTP behaviour of `podfit serve`: routing, limits, errors, probes, metrics, logs, drain. */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, post, send, startServer, type TestServer } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const filterBody = () => JSON.parse(fixture('filter-nodenames.request.json')) as Record<string, unknown>;

/** Writes raw bytes on a fresh connection and returns what the server answers. */
function raw(url: string, data: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => s.write(data));
    let out = '';
    s.on('data', (c) => (out += c.toString()));
    s.on('end', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

describe('request errors: 4xx with a clear Error, never a crash', () => {
  it.each([
    ['filter', '{"Pod":', 400, /^invalid JSON: /],
    ['filter', '', 400, /^invalid JSON: /],
    ['filter', '[1,2]', 400, /^ExtenderArgs: expected a JSON object, got an array$/],
    ['filter', '{"Pod":{"metadata":{},"spec":{}},"NodeNames":[3]}', 400, /^ExtenderArgs: invalid value at NodeNames\[0\]/],
    ['prioritize', '{"Pod":{"metadata":{},"spec":{}}}', 400, /one of Nodes .* or NodeNames .* must be set/],
    ['preempt', '{"Pod":{"metadata":{},"spec":{}},"NodeNameToMetaVictims":{"n-nope":{"Pods":[{"UID":"x"}]}}}', 400, /1 node\(s\) unknown to podfit's cluster state: "n-nope"/],
    ['bind', '{"PodName":"x"}', 400, /Node is required/],
    ['prioritize', '{"Pod":{"metadata":{},"spec":{"containers":7}},"NodeNames":["n-big"]}', 400, /^Pod: invalid value at Pod\.spec\.containers/],
    ['filter', '{"Pod":{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":"1 core"}}}]}},"NodeNames":["n-big"]}', 400, /^Pod: pod default\/p: invalid quantity "1 core" at spec\.containers\[0\]\.resources\.requests\.cpu/],
  ])('%s %s -> %i', async (verb, body, status, message) => {
    t = await startServer();
    const res = await post(t.url, verb, body);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/json');
    const e = res.json<{ Error: string }>();
    expect(e.Error).toMatch(message);
    if (verb === 'filter') expect(Object.keys(e)).toEqual(['Nodes', 'NodeNames', 'FailedNodes', 'FailedAndUnresolvableNodes', 'Error']);
  });

  it('names the item, node and field of a bad quantity in a Nodes-mode node (the model\'s error, answered as 400)', async () => {
    t = await startServer();
    const req = JSON.parse(fixture('filter-nodes.request.json')) as { Nodes: { items: Array<{ metadata: { name: string }; status: { allocatable: Record<string, string> } }> } };
    const n = req.Nodes.items[5]!; // n-new: unknown to the state, so the model reads its allocatable
    expect(n.metadata.name).toBe('n-new');
    n.status.allocatable.cpu = 'lots';
    const res = await post(t.url, 'filter', JSON.stringify(req));
    expect(res.status).toBe(400);
    expect(res.json<{ Error: string }>().Error).toBe('Nodes.items[5]: node n-new: invalid quantity "lots" at status.allocatable.cpu: quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'');
    expect(t.source.state.getNode('n-new')).toBeUndefined();
  });

  it('names the unknown nodes of a NodeNames request (at most 10, then a count)', async () => {
    t = await startServer();
    const body = filterBody();
    body.NodeNames = ['n-big', ...Array.from({ length: 12 }, (_, i) => `ghost-${i}`)];
    const res = await post(t.url, 'filter', body);
    expect(res.status).toBe(400);
    expect(res.json<{ Error: string }>().Error).toBe(
      `NodeNames: 12 node(s) unknown to podfit's cluster state: ${Array.from({ length: 10 }, (_, i) => `"ghost-${i}"`).join(', ')} and 2 more`,
    );
  });

  it('413 for a body over the limit, from Content-Length and from a chunked upload', async () => {
    t = await startServer({ options: { bodyBytesMax: 1000 } });
    const big = JSON.stringify({ ...filterBody(), pad: 'x'.repeat(2000) });
    const res = await post(t.url, 'filter', big);
    expect(res.status).toBe(413);
    expect(res.json<{ Error: string }>().Error).toMatch(/request body of \d+ bytes exceeds the limit of 1000 bytes/);
    const chunked = await raw(t.url, `POST /filter HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${(2000).toString(16)}\r\n${'x'.repeat(2000)}\r\n0\r\n\r\n`);
    expect(chunked).toMatch(/^HTTP\/1\.1 413 /);
    // Still serving.
    expect((await send(`${t.url}/healthz`)).status).toBe(200);
  });

  it('415 for compressed bodies, 404 for other paths, 405 for wrong methods', async () => {
    t = await startServer();
    expect((await post(t.url, 'filter', '{}', { 'Content-Encoding': 'gzip' })).status).toBe(415);
    expect((await post(t.url, 'nope', '{}')).status).toBe(404);
    const get = await send(`${t.url}/filter`);
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect((await send(`${t.url}/healthz`, { method: 'POST', body: '{}' })).status).toBe(405);
  });

  it('431 for oversized headers and 400 for malformed HTTP, then keeps serving', async () => {
    t = await startServer({ options: { headerBytesMax: 2048 } });
    expect(await raw(t.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4096)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 /);
    expect(await raw(t.url, 'BLAH\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect((await send(`${t.url}/healthz`)).text).toBe('ok\n');
  });

  it('429 when every slot and the queue are taken', async () => {
    t = await startServer({ options: { inFlightMax: 1, queuedMax: 0 } });
    // Hold the only slot with a request whose body never finishes.
    const u = new URL(t.url);
    const hold = connect(Number(u.port), u.hostname);
    await new Promise<void>((r) => hold.on('connect', () => r()));
    hold.write('POST /filter HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    await new Promise((r) => setTimeout(r, 50));
    const res = await post(t.url, 'filter', filterBody());
    expect(res.status).toBe(429);
    expect(res.json<{ Error: string }>().Error).toMatch(/too many requests: 1 in flight and 0 queued/);
    hold.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect((await post(t.url, 'filter', filterBody())).status).toBe(200);
  });

  it('fuzzed bodies (fast-check) always get 200 or 400 and the server stays healthy', async () => {
    const fc = (await import('fast-check')).default;
    t = await startServer();
    const base = filterBody();
    // Mutated copies are other objects to the server: it reuses the PodInfo of a uid@resourceVersion
    // it decoded before (an object version never changes in the API), so a mutation that kept both
    // would stand for the fixture's pod in the last request below.
    const mutable = JSON.parse(JSON.stringify(base)) as { Pod: { metadata: { uid?: string } } };
    mutable.Pod.metadata.uid = 'fuzzed-uid';
    const server = t;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string(),
          fc.record({ Pod: fc.oneof(fc.jsonValue(), fc.constant(base.Pod)), NodeNames: fc.oneof(fc.jsonValue(), fc.array(fc.constantFrom('n-big', 'n-small', 'x'))) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
          fc.tuple(fc.constant(JSON.stringify(mutable)), fc.nat(), fc.string()).map(([s, at, ins]) => s.slice(0, at % s.length) + ins + s.slice(at % s.length)),
        ),
        fc.constantFrom('filter', 'prioritize', 'preempt', 'bind'),
        async (body, verb) => {
          const res = await post(server.url, verb, body);
          expect([200, 400]).toContain(res.status);
          const parsed = res.json<unknown>();
          if (res.status === 400) expect(typeof (parsed as { Error?: unknown }).Error).toBe('string');
        },
      ),
      { numRuns: 150 },
    );
    expect((await send(`${t.url}/healthz`)).status).toBe(200);
    expect((await post(t.url, 'filter', fixture('filter-nodenames.request.json'))).text + '\n').toBe(fixture('filter-nodenames.response.json'));
  });
});

describe('routing', () => {
  it('serves the verbs under a path prefix with custom verb names, and disabled verbs are 404', async () => {
    t = await startServer({ options: { pathPrefix: 'scheduler/', verbs: { filter: 'podfit-filter', prioritize: 'prioritize', preempt: '', bind: 'bind' } } });
    expect((await post(`${t.url}/scheduler`, 'podfit-filter', fixture('filter-nodenames.request.json'))).status).toBe(200);
    expect((await post(`${t.url}/scheduler`, 'prioritize', fixture('prioritize-nodenames.request.json'))).status).toBe(200);
    expect((await post(`${t.url}/scheduler`, 'preempt', fixture('preempt-metavictims.request.json'))).status).toBe(404);
    expect((await post(t.url, 'filter', fixture('filter-nodenames.request.json'))).status).toBe(404);
  });
});

describe('probes, version, metrics, logs', () => {
  it('healthz, readyz, version', async () => {
    t = await startServer();
    expect((await send(`${t.url}/healthz`)).text).toBe('ok\n');
    expect((await send(`${t.url}/readyz`)).status).toBe(200);
    expect((await send(`${t.url}/version`)).json()).toEqual({ version: 'test' });
  });

  it('counts requests, latency, cycle time, cache sizes and errors per verb', async () => {
    t = await startServer();
    await post(t.url, 'filter', fixture('filter-nodenames.request.json'));
    await post(t.url, 'prioritize', fixture('prioritize-nodenames.request.json'));
    await post(t.url, 'filter', '{');
    const m = (await send(`${t.url}/metrics`)).text;
    expect(m).toContain('podfit_extender_requests_total{verb="filter",code="200"} 1');
    expect(m).toContain('podfit_extender_requests_total{verb="filter",code="400"} 1');
    expect(m).toContain('podfit_extender_requests_total{verb="prioritize",code="200"} 1');
    expect(m).toMatch(/podfit_extender_request_duration_seconds_count\{verb="filter"\} 2/);
    expect(m).toMatch(/podfit_extender_scheduling_duration_seconds_count\{verb="prioritize"\} 1/);
    expect(m).toContain('podfit_extender_errors_total{verb="filter",code="PODFIT_ERR_EXTENDER_BAD_JSON"} 1');
    expect(m).toContain('podfit_cache_nodes 5');
    expect(m).toContain('podfit_cache_pods 5');
    expect(m).toContain('podfit_cache_pending_pods 1');
    expect(m).toContain('podfit_ready 1');
  });

  it('logs one JSON line per verb request with its request id, echoed in X-Request-Id', async () => {
    t = await startServer();
    const a = await post(t.url, 'filter', fixture('filter-nodenames.request.json'), { 'X-Request-Id': 'kube-abc-1' });
    expect(a.headers['x-request-id']).toBe('kube-abc-1');
    const b = await post(t.url, 'filter', '{');
    const generated = b.headers['x-request-id'] as string;
    expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
    const lines = t.logs.lines;
    const first = lines.filter((l) => l.reqId === 'kube-abc-1');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ msg: 'request', verb: 'filter', status: 200, nodes: 5, passed: 1, pod: 'shop/web-pending' });
    const second = lines.filter((l) => l.reqId === generated);
    expect(second.map((l) => l.msg)).toEqual(['request failed', 'request']);
    // Every line about a request carries its id.
    for (const l of lines) if (l.msg === 'request' || l.msg === 'request failed') expect(typeof l.reqId).toBe('string');
  });
});

describe('large bodies off the event loop', () => {
  it('a multi-megabyte Nodes body is parsed in a worker while /healthz keeps answering', async () => {
    t = await startServer({ options: { parsePool: { threads: 1, inlineBelowBytes: 1 << 20 } } });
    const req = JSON.parse(fixture('filter-nodes.request.json')) as { Nodes: { items: Array<{ metadata: { name: string; labels?: Record<string, string> } }> } };
    const template = req.Nodes.items[5]!; // n-new: unknown to the state, evaluated from the body
    const items = [];
    for (let i = 0; i < 3000; i++) {
      const n = structuredClone(template);
      n.metadata.name = `gen-${i}`;
      n.metadata.labels = { ...n.metadata.labels, 'kubernetes.io/hostname': `gen-${i}`, pad: 'p'.repeat(300) };
      items.push(n);
    }
    req.Nodes.items = [...req.Nodes.items, ...items];
    const body = JSON.stringify(req);
    expect(body.length).toBeGreaterThan(5e6);
    const pending = post(t.url, 'filter', body);
    const probes: number[] = [];
    const probe = async () => {
      const t0 = performance.now();
      await send(`${t!.url}/healthz`);
      probes.push(performance.now() - t0);
    };
    await new Promise((r) => setTimeout(r, 5));
    await probe();
    const res = await pending;
    await probe();
    expect(res.status).toBe(200);
    const out = res.json<{ Nodes: { items: Array<{ metadata: { name: string } }> }; FailedNodes: Record<string, string> }>();
    expect(out.Nodes.items.map((n) => n.metadata.name).slice(0, 2)).toEqual(['n-big', 'n-new']);
    expect(Object.keys(out.FailedNodes)).toEqual(['n-small', 'n-full']);
    expect(out.Nodes.items).toHaveLength(3002);
    expect(t.server.pool.offloaded).toBe(1);
    expect(t.source.state.nodeCount).toBe(5);
    expect(Math.max(...probes)).toBeLessThan(1000);
  });
});

describe('shutdown', () => {
  it('drains: in-flight requests finish, readyz turns 503, then the port closes', async () => {
    const s = await startServer();
    const u = new URL(s.url);
    const sock = connect(Number(u.port), u.hostname);
    await new Promise<void>((r) => sock.on('connect', () => r()));
    const body = fixture('filter-nodenames.request.json');
    sock.write(`POST /filter HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`);
    while (s.server.activeRequests === 0) await new Promise((r) => setTimeout(r, 5));
    let answer = '';
    sock.on('data', (c) => (answer += c.toString()));
    // The server closing its side does not mean this side has read the answer yet.
    const clientClosed = new Promise<void>((r) => sock.on('close', () => r()));
    const stopping = s.server.shutdown();
    expect(s.server.isDraining).toBe(true);
    sock.write(body.slice(10));
    await stopping;
    await s.source.stop();
    await clientClosed;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('Connection: close');
    await expect(send(`${s.url}/healthz`)).rejects.toThrow();
  });
});

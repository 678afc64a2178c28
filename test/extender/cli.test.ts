/**
 * `podfit serve` through the CLI entry (main(argv, io)): the printed curl line works, SIGTERM
 * drains and exits 0, bad flags exit 2, and the live path end to end (kubeconfig -> fake API
 * server -> readiness -> filter -> bind creates a Binding).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { DEFAULT_EXTENDER_CONFIG_FILE, DEFAULT_EXTENDER_CONFIG_YAML } from '../../src/extender/default-config.js';
import { FakeApiServer } from '../cluster/live-fake-apiserver.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { FIXTURES, post, send, tlsFile } from './helpers.js';

interface Running {
  readonly url: string;
  readonly out: string[];
  readonly exit: Promise<number>;
  /** Delivers SIGTERM to the server's own handler (not to the test process's other listeners). */
  term(): void;
}

async function serve(args: string[]): Promise<Running> {
  const before = new Set(process.listeners('SIGTERM'));
  const out: string[] = [];
  const err: string[] = [];
  const exit = main(['node', 'podfit', 'serve', '--port', '0', '--address', '127.0.0.1', '--log-level', 'silent', ...args], {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
  });
  const deadline = Date.now() + 10_000;
  while (!out.join('').includes('listening on')) {
    if (Date.now() > deadline) throw new Error(`serve did not start: ${err.join('')}`);
    const early = await Promise.race([exit, new Promise<null>((r) => setTimeout(() => r(null), 10))]);
    if (early !== null) throw new Error(`serve exited with ${early}: ${err.join('')}`);
  }
  const url = /listening on (\S+)/.exec(out.join(''))![1]!;
  const handler = process.listeners('SIGTERM').find((l) => !before.has(l))!;
  return { url, out, exit, term: () => (handler as () => void)() };
}

let running: Running | undefined;
afterEach(async () => {
  running?.term();
  await running?.exit;
  running = undefined;
});

describe('podfit serve (CLI)', () => {
  it('prints a curl line that works, answers it, and exits 0 on SIGTERM', async () => {
    running = await serve(['--cluster', join(FIXTURES, 'cluster.json')]);
    const text = running.out.join('');
    expect(text).toMatch(/^podfit serve: listening on http:\/\/127\.0\.0\.1:\d+ \(snapshot .*cluster\.json, 5 nodes; verbs under \/\)\n/);
    const curl = /try: (curl .*)\n/.exec(text)![1]!;
    expect(curl).toMatch(/^curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/filter -H 'Content-Type: application\/json' -d '\{.*\}'$/);
    const body = /-d '(.*)'$/.exec(curl)![1]!;
    const res = await post(running.url, 'filter', body);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ NodeNames: ['n-small', 'n-big'], FailedAndUnresolvableNodes: { 'n-tainted': 'node(s) had untolerated taint {dedicated: gpu}' }, Error: '' });
    const exit = running.exit;
    running.term();
    running = undefined;
    expect(await exit).toBe(0);
  });

  it('reloads the snapshot file when it changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podfit-cli-'));
    const file = join(dir, 'cluster.json');
    writeFileSync(file, readFileSync(join(FIXTURES, 'cluster.json')));
    running = await serve(['--cluster', file, '--reload-interval-ms', '20']);
    const one = { Pod: makePod('p', 'ns').req({ cpu: '1' }).build(), NodeNames: ['n-extra'] };
    expect((await post(running.url, 'filter', one)).status).toBe(400);
    const cluster = JSON.parse(readFileSync(file, 'utf8')) as { items: unknown[] };
    cluster.items.push({ apiVersion: 'v1', kind: 'Node', ...makeNode('n-extra').capacity({ cpu: '2', memory: '1Gi', pods: 10 }).build() });
    writeFileSync(file, JSON.stringify(cluster));
    const deadline = Date.now() + 5000;
    let res;
    do {
      await new Promise((r) => setTimeout(r, 30));
      res = await post(running.url, 'filter', one);
    } while (res.status !== 200 && Date.now() < deadline);
    expect(res.json()).toMatchObject({ NodeNames: ['n-extra'] });
    // A broken file keeps the last good state.
    writeFileSync(file, '{ not json');
    await new Promise((r) => setTimeout(r, 150));
    expect((await post(running.url, 'filter', one)).status).toBe(200);
    const m = await send(`${running.url}/metrics`);
    expect(m.text).toMatch(/podfit_snapshot_reloads_total\{result="ok"\} [1-9]/);
    expect(m.text).toMatch(/podfit_snapshot_reloads_total\{result="error"\} [1-9]/);
  });

  it('is not ready while the snapshot has no nodes (a pods-only file), and ready once it has', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podfit-cli-'));
    const file = join(dir, 'cluster.json');
    const pod = { apiVersion: 'v1', kind: 'Pod', ...makePod('p', 'ns').req({ cpu: '1' }).build() };
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod] }));
    running = await serve(['--cluster', file, '--reload-interval-ms', '20']);
    expect(running.out.join('')).toMatch(/snapshot .*cluster\.json, 0 nodes;.*\nnot ready: the snapshot has no nodes; \/readyz answers 503 until it has \(--allow-empty serves without nodes\)\n/);
    const ready = await send(`${running.url}/readyz`);
    expect([ready.status, ready.text]).toEqual([503, 'cluster state has no nodes (podfit serve --allow-empty serves without nodes)\n']);
    const filter = await post(running.url, 'filter', { Pod: pod, NodeNames: ['n1'] });
    expect(filter.status).toBe(503);
    expect(filter.json()).toMatchObject({ Error: 'cluster state has no nodes (podfit serve --allow-empty serves without nodes)' });
    const node = { apiVersion: 'v1', kind: 'Node', ...makeNode('n1').capacity({ cpu: '2', memory: '1Gi', pods: 10 }).build() };
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [node, pod] }));
    const deadline = Date.now() + 5000;
    while ((await send(`${running.url}/readyz`)).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect((await send(`${running.url}/readyz`)).status).toBe(200);
  });

  it('with --allow-empty, is ready without nodes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podfit-cli-'));
    const file = join(dir, 'empty.yaml');
    writeFileSync(file, '');
    running = await serve(['--cluster', file, '--allow-empty']);
    expect(running.out.join('')).not.toMatch(/not ready/);
    expect((await send(`${running.url}/readyz`)).status).toBe(200);
  });

  it.each([
    [['--cluster', 'x.json', '--kubeconfig', 'y'], /use only one of --cluster, --kubeconfig and --in-cluster/],
    [['--cluster', join(FIXTURES, 'cluster.json'), '--client-ca', 'ca.crt'], /--client-ca needs --tls-cert and --tls-key/],
    [['--cluster', join(FIXTURES, 'cluster.json'), '--tls-cert', 'a.crt'], /--tls-cert and --tls-key go together/],
    [['--cluster', join(FIXTURES, 'cluster.json'), '--max-body-bytes', '-1'], /--max-body-bytes: expected an integer >= 1/],
    [['--cluster', join(FIXTURES, 'cluster.json'), '--port', '70000'], /--port: expected 0\.\.65535/],
    [['--cluster', join(FIXTURES, 'nope.json')], /nope\.json: no such file/],
    [['--cluster', join(FIXTURES, 'cluster.json'), '--config', join(FIXTURES, 'cluster.json')], /cluster\.json/],
  ])('bad flags %j exit 2 naming the problem', async (args, message) => {
    const err: string[] = [];
    const code = await main(['node', 'podfit', 'serve', '--log-level', 'silent', ...args], { stdout: () => {}, stderr: (s) => err.push(s) });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(message);
  });

  it('needs a cluster source outside a cluster', async () => {
    const saved = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    const err: string[] = [];
    try {
      expect(await main(['node', 'podfit', 'serve'], { stdout: () => {}, stderr: (s) => err.push(s) })).toBe(2);
    } finally {
      if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
    }
    expect(err.join('')).toMatch(/one of --cluster <file>, --kubeconfig <file> or --in-cluster is required/);
  });

  it('the built-in profile is the file in examples/config', () => {
    const file = new URL(`../../${DEFAULT_EXTENDER_CONFIG_FILE}`, import.meta.url);
    expect(readFileSync(file, 'utf8')).toBe(DEFAULT_EXTENDER_CONFIG_YAML);
  });
});

describe('podfit serve --kubeconfig (live, against the fake API server)', () => {
  it('gets ready after the initial lists, filters on the watched state, binds through the API', async () => {
    const api = new FakeApiServer({ cert: tlsFile('server.crt'), key: tlsFile('server.key') });
    await api.start();
    try {
      for (const n of ['n1', 'n2']) api.addNode(makeNode(n).capacity({ cpu: '4', memory: '8Gi', pods: 110 }).build() as never);
      api.addPod(makePod('busy', 'app').req({ cpu: '3500m' }).nodeName('n1').build() as never);
      const pending = makePod('web', 'app').req({ cpu: '1' }).build();
      api.addPod(pending as never);
      const dir = mkdtempSync(join(tmpdir(), 'podfit-kc-'));
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, api.kubeconfig(tlsFile('ca.crt')));
      running = await serve(['--kubeconfig', kubeconfig]);
      const deadline = Date.now() + 5000;
      while ((await send(`${running.url}/readyz`)).status !== 200) {
        if (Date.now() > deadline) throw new Error('never ready');
        await new Promise((r) => setTimeout(r, 20));
      }
      const res = await post(running.url, 'filter', { Pod: pending, Nodes: null, NodeNames: ['n1', 'n2'] });
      expect(res.json()).toMatchObject({ NodeNames: ['n2'], FailedNodes: { n1: 'Insufficient cpu' } });
      const bind = await post(running.url, 'bind', { PodName: 'web', PodNamespace: 'app', PodUID: pending.metadata.uid, Node: 'n2' });
      expect(bind.json()).toEqual({ Error: '' });
      expect((api.pod('app', 'web')!.spec as { nodeName?: string }).nodeName).toBe('n2');
      const conflict = await post(running.url, 'bind', { PodName: 'web', PodNamespace: 'app', PodUID: pending.metadata.uid, Node: 'n1' });
      expect(conflict.status).toBe(200);
      expect(conflict.json<{ Error: string }>().Error).toMatch(/already assigned to node "n2"/);
      const m = (await send(`${running.url}/metrics`)).text;
      expect(m).toContain('podfit_live_binds_total{outcome="bound"} 1');
      expect(m).toContain('podfit_live_relists_total{resource="pods",reason="initial"} 1');
      expect(m).toContain('podfit_cache_nodes 2');
      const exit = running.exit;
      running.term();
      running = undefined;
      expect(await exit).toBe(0);
    } finally {
      await api.stop();
    }
  });
});

describe('podfit serve signals', () => {
  it('a SIGTERM during start-up still ends in a clean exit 0', async () => {
    const before = new Set(process.listeners('SIGTERM'));
    const out: string[] = [];
    const exit = main(['node', 'podfit', 'serve', '--cluster', join(FIXTURES, 'cluster.json'), '--port', '0', '--address', '127.0.0.1', '--log-level', 'silent'], { stdout: (s) => out.push(s), stderr: () => {} });
    // The handler is installed before the snapshot is loaded and the port opened.
    await new Promise((r) => setImmediate(r));
    const handler = process.listeners('SIGTERM').find((l) => !before.has(l));
    expect(handler).toBeDefined();
    (handler as () => void)();
    expect(await exit).toBe(0);
    expect(process.listeners('SIGTERM').filter((l) => !before.has(l))).toEqual([]);
  });

  it('removes its signal handlers when start-up fails', async () => {
    const before = process.listeners('SIGTERM').length;
    const code = await main(['node', 'podfit', 'serve', '--cluster', join(FIXTURES, 'nope.json'), '--log-level', 'silent'], { stdout: () => {}, stderr: () => {} });
    expect(code).toBe(2);
    expect(process.listeners('SIGTERM')).toHaveLength(before);
  });
});

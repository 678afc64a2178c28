/**
 * `podfit snapshot` end to end against the fake API server: the List it writes (JSON and YAML)
 * is what `podfit schedule --cluster` reads, with the placements of the objects it came from;
 * pages and expired continue tokens; failures (403, refused, hanging) as exit 2 with the server
 * and the cause within the bound and no file left behind; --anonymize stable across runs; the
 * progress line only on a terminal; flag errors.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { main } from '../../src/cli/main.js';
import { SNAPSHOT_RESOURCES } from '../../src/cluster/collect.js';
import { pruneObject } from '../../src/cluster/prune.js';
import { makePod } from '../helpers/builders.js';
import { runCli } from '../helpers/cli.js';
import { closedPort, hangingServer, startFakeCluster, type FakeCluster } from '../helpers/fake-cluster.js';
import { realisticCluster, SECRET_STRINGS } from '../helpers/realistic-cluster.js';

type Obj = Record<string, any>;

let dir: string;
let fake: FakeCluster;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'podfit-snapshot-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  fake = await startFakeCluster(realisticCluster());
});
afterEach(async () => {
  await fake.stop();
});

const file = (name: string) => path.join(dir, name);
const schedule = async (cluster: string) => {
  const r = await runCli('schedule', '--cluster', cluster, '--all-pending', '-o', 'json', '--workers', '0');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Obj;
};

describe('podfit snapshot', () => {
  it('writes one v1 List (JSON, one item a line) that schedule reads, placing pods as the original objects do', async () => {
    const r = await runCli('snapshot', '--kubeconfig', fake.kubeconfig);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Obj;
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(r.stdout.split('\n').length).toBe(list.items.length + 3);
    expect([...new Set(list.items.map((o: Obj) => o.kind))]).toEqual(SNAPSHOT_RESOURCES.map((x) => x.kind));
    expect(r.stdout).not.toContain('managedFields');
    // One short line of counts; no progress line when stderr is not a terminal.
    expect(r.stderr).toMatch(/^snapshot: 6 Node, 4 Namespace, 3 PriorityClass, 22 Pod, 1 PodDisruptionBudget, .* from https:\/\/127\.0\.0\.1:\d+ in \d+\.\d s\n$/);
    expect(r.stderr).not.toContain('\r');
    const snap = file('snap.json');
    writeFileSync(snap, r.stdout);
    const original = file('original.json');
    writeFileSync(original, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: realisticCluster() }));
    expect(await schedule(snap)).toEqual(await schedule(original));
  });

  it('writes YAML with --format yaml -o FILE: the same objects, read back by schedule', async () => {
    const json = await runCli('snapshot', '--kubeconfig', fake.kubeconfig);
    const out = file('snap.yaml');
    const r = await runCli('snapshot', '--kubeconfig', fake.kubeconfig, '--format', 'yaml', '-o', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('apiVersion: v1\nkind: List\nitems:\n- ')).toBe(true);
    expect(parseYaml(text)).toEqual(JSON.parse(json.stdout));
    const jsonFile = file('snap-for-yaml.json');
    writeFileSync(jsonFile, json.stdout);
    expect(await schedule(out)).toEqual(await schedule(jsonFile));
  });

  it('reads large lists in pages of 500 and starts a list over when its continue token expires', async () => {
    for (let i = 0; i < 1200; i++) fake.api.addPod(makePod(`bulk-${i}`, 'payments').req({ cpu: '1m' }).nodeName(`orion-worker-${(i % 6) + 1}`).build() as never);
    fake.api.expireContinues = 1;
    const r = await runCli('snapshot', '--kubeconfig', fake.kubeconfig, '-o', file('bulk.json'));
    expect(r.code).toBe(0);
    const pods = (JSON.parse(readFileSync(file('bulk.json'), 'utf8')) as Obj).items.filter((o: Obj) => o.kind === 'Pod');
    expect(pods).toHaveLength(1222);
    expect(new Set(pods.map((p: Obj) => p.metadata.name)).size).toBe(1222);
    const lists = fake.api.requests.filter((q) => q.path === '/api/v1/pods');
    // Page 1, page 2 (410 Expired), then pages 1, 2, 3.
    expect(lists.map((q) => [q.query.get('limit'), Boolean(q.query.get('continue'))])).toEqual([['500', false], ['500', true], ['500', false], ['500', true], ['500', true]]);
  });

  it('403: exit 2 naming the resource and the RBAC file, and no file written', async () => {
    fake.api.forbidden.add('policy/v1/poddisruptionbudgets');
    const out = file('forbidden.json');
    const r = await runCli('snapshot', '--kubeconfig', fake.kubeconfig, '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: PODFIT_ERR_LIVE_FORBIDDEN: https:\/\/127\.0\.0\.1:\d+: not allowed to list poddisruptionbudgets\.policy \(403: .*\); .*deploy\/snapshot-rbac\.yaml.*\n$/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a refused connection: exit 2 at once with the server and the cause', async () => {
    const port = await closedPort();
    const kubeconfig = fake.writeKubeconfig('refused', (t) => t.replace(fake.api.url, `https://127.0.0.1:${port}`));
    const t0 = Date.now();
    const r = await runCli('snapshot', '--kubeconfig', kubeconfig);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: PODFIT_ERR_LIVE_UNREACHABLE: cannot reach the API server https://127.0.0.1:${port}: connection refused (is the server address right, and the API server up?) [ECONNREFUSED]\n`);
    expect(r.stdout).toBe('');
  });

  it('a server that never answers: exit 2 within --timeout', async () => {
    const hang = await hangingServer('tcp');
    try {
      const kubeconfig = fake.writeKubeconfig('hang', (t) => t.replace(fake.api.url, hang.url));
      const t0 = Date.now();
      const r = await runCli('snapshot', '--kubeconfig', kubeconfig, '--timeout', '500ms');
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`error: PODFIT_ERR_LIVE_UNREACHABLE: cannot reach the API server ${hang.url}: timed out: no connection within 500 ms\n`);
    } finally {
      await hang.close();
    }
  });

  it('--anonymize: two runs give the same bytes, no original name is left, and schedule reads it cleanly', async () => {
    const a = await runCli('snapshot', '--kubeconfig', fake.kubeconfig, '--anonymize');
    const b = await runCli('snapshot', '--kubeconfig', fake.kubeconfig, '--anonymize');
    expect(a.code).toBe(0);
    expect(a.stderr).toMatch(/, anonymized\n$/);
    expect(b.stdout).toBe(a.stdout);
    expect(SECRET_STRINGS.filter((s) => a.stdout.includes(s))).toEqual([]);
    const anon = file('anon.json');
    writeFileSync(anon, a.stdout);
    const report = await schedule(anon);
    const original = file('original-for-anon.json');
    writeFileSync(original, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: realisticCluster().map((o) => pruneObject(o)) }));
    expect(report.totals).toEqual((await schedule(original)).totals);
  });

  it('draws a progress line on a terminal and clears it before the counts', async () => {
    let stderr = '';
    const code = await main(['node', 'podfit', 'snapshot', '--kubeconfig', fake.kubeconfig, '-o', file('tty.json')], { stdout: () => {}, stderr: (s) => { stderr += s; }, stderrIsTTY: true });
    expect(code).toBe(0);
    expect(stderr).toContain('\r\x1b[Klisting nodes: 6');
    expect(stderr).toContain('\r\x1b[Klisting pods: 22');
    expect(stderr).toMatch(/\r\x1b\[Ksnapshot: 6 Node, /);
  });

  it.each([
    [[], /one of --kubeconfig <file> or --in-cluster is required/],
    [['--kubeconfig', 'k', '--in-cluster'], /--kubeconfig and --in-cluster: give one of them/],
    [['--in-cluster', '--context', 'x'], /--context needs --kubeconfig/],
    [['--kubeconfig', 'k', '--format', 'xml'], /--format: expected one of json, yaml, got "xml"/],
    [['--kubeconfig', 'k', '--timeout', 'soon'], /--timeout: expected a duration such as 30s, 500ms or 2m, got "soon"/],
    [['--kubeconfig', '/nonexistent/kubeconfig'], /^error: \/nonexistent\/kubeconfig: /],
  ])('flags %j: exit 2 with a message', async (args, message) => {
    const r = await runCli('snapshot', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('--context picks a context of the kubeconfig, and an unknown one is exit 2 listing those there are', async () => {
    const ok = await runCli('snapshot', '--kubeconfig', fake.kubeconfig, '--context', 'fake', '-o', file('ctx.json'));
    expect(ok.code).toBe(0);
    const bad = await runCli('snapshot', '--kubeconfig', fake.kubeconfig, '--context', 'prod');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`error: ${fake.kubeconfig}: no context "prod" (contexts: fake)\n`);
  });

  it('--in-cluster outside a pod is exit 2', async () => {
    const saved = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      const r = await runCli('snapshot', '--in-cluster');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--in-cluster: KUBERNETES_SERVICE_HOST is not set/);
    } finally {
      if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
    }
  });
});

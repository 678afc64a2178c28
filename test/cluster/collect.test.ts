/**
 * collectClusterObjects against the fake API server: every resource of the table, kinds set on
 * raw list items, pruning, non-terminal pods only, pages, expired continue tokens, and each way a
 * cluster can refuse (403, 401, 404, 500, refused, hanging, TLS) as a catalogue error naming the
 * server and the cause within the bound.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectClusterObjects, SNAPSHOT_RESOURCES, type CollectOptions } from '../../src/cluster/collect.js';
import { buildClusterState, snapshotFromRaw } from '../../src/cluster/snapshot.js';
import { errorCode } from '../../src/model/error-codes.js';
import { SNAPSHOT_LIST_RESTARTS_MAX } from '../../src/model/limits.js';
import { makePod } from '../helpers/builders.js';
import { closedPort, hangingServer, startFakeCluster, type FakeCluster } from '../helpers/fake-cluster.js';
import { realisticCluster } from '../helpers/realistic-cluster.js';

type Obj = Record<string, any>;

let fake: FakeCluster;
beforeEach(async () => {
  const finished = makePod('finished-job-pod', 'payments').req({ cpu: '1' }).nodeName('orion-worker-1').phase('Succeeded').build();
  fake = await startFakeCluster([...realisticCluster(), finished as unknown as Obj]);
});
afterEach(async () => {
  await fake.stop();
});

const kc = (file = fake.kubeconfig) => {
  const k = new KubeConfig();
  k.loadFromFile(file);
  return k;
};
const collect = (opts: CollectOptions = {}, file?: string) => collectClusterObjects(kc(file), opts);
/** The error a collection fails with, and how long it took. */
async function failure(run: () => Promise<unknown>): Promise<{ err: Error; ms: number }> {
  const t0 = Date.now();
  try {
    await run();
  } catch (e) {
    return { err: e as Error, ms: Date.now() - t0 };
  }
  throw new Error('expected the collection to fail');
}
const listsOf = (resource: string) => fake.api.requests.filter((r) => r.path === resource && r.query.get('watch') !== 'true');

describe('collectClusterObjects', () => {
  it('lists every resource of the table, sets kind and apiVersion on raw items, prunes, and skips terminal pods', async () => {
    const r = await collect();
    const kinds = [...new Set(r.items.map((i) => i.obj.kind))];
    expect(kinds).toEqual(SNAPSHOT_RESOURCES.map((x) => x.kind));
    expect([...r.counts.keys()]).toEqual(SNAPSHOT_RESOURCES.map((x) => x.kind));
    const expected = realisticCluster().filter((o: Obj) => !(o.kind === 'Pod' && ['Succeeded', 'Failed'].includes(o.status?.phase)));
    for (const x of SNAPSHOT_RESOURCES) expect(r.counts.get(x.kind), x.kind).toBe(expected.filter((o) => o.kind === x.kind).length);
    for (const { obj } of r.items) {
      expect(obj.apiVersion).toBe(SNAPSHOT_RESOURCES.find((x) => x.kind === obj.kind)!.apiVersion);
      expect(obj.metadata).not.toHaveProperty('managedFields');
    }
    expect(r.items.some((i) => (i.obj.metadata as Obj).name === 'finished-job-pod')).toBe(false);
    expect(listsOf('/api/v1/pods')[0]!.query.get('fieldSelector')).toBe('status.phase!=Succeeded,status.phase!=Failed');
    expect(r.server).toBe(fake.api.url);
    expect(r.warnings).toEqual([]);
    // What `podfit capacity --kubeconfig` does with it: no unsupported-kind warnings, a state.
    const snap = snapshotFromRaw(r.items, r.server);
    expect(snap.warnings).toEqual([]);
    const loaded = buildClusterState(snap, r.server);
    expect(loaded.state.nodeCount).toBe(6);
    expect(loaded.warnings).toEqual([]);
  });

  it('keeps objects whole with keepAll', async () => {
    const r = await collect({ keepAll: true });
    expect(r.items.find((i) => i.obj.kind === 'Node')!.obj.metadata).toHaveProperty('managedFields');
  });

  it('follows continue tokens across pages (limit on every request) and reports progress per page', async () => {
    const progress: string[] = [];
    const r = await collect({ pageSize: 4, onProgress: (res, n) => progress.push(`${res}:${n}`) });
    const pods = r.items.filter((i) => i.obj.kind === 'Pod');
    expect(pods).toHaveLength(r.counts.get('Pod')!);
    expect(new Set(pods.map((p) => (p.obj.metadata as Obj).name)).size).toBe(pods.length);
    const lists = listsOf('/api/v1/pods');
    expect(lists.length).toBe(Math.ceil(pods.length / 4));
    expect(lists.every((l) => l.query.get('limit') === '4')).toBe(true);
    expect(lists.slice(1).every((l) => l.query.get('continue'))).toBe(true);
    expect(progress.filter((p) => p.startsWith('pods:'))).toEqual(lists.map((_, i) => `pods:${Math.min(pods.length, (i + 1) * 4)}`));
  });

  it('starts a resource over when its continue token expires (410 Expired), with no object twice', async () => {
    fake.api.expireContinues = 1;
    const r = await collect({ pageSize: 4 });
    const names = r.items.filter((i) => i.obj.kind === 'Node').map((i) => (i.obj.metadata as Obj).name);
    expect(names).toEqual(['orion-worker-1', 'orion-worker-2', 'orion-worker-3', 'orion-worker-4', 'orion-worker-5', 'orion-worker-6']);
    // nodes: page 1, page 2 (410), then page 1 and page 2 again.
    expect(listsOf('/api/v1/nodes').map((l) => Boolean(l.query.get('continue')))).toEqual([false, true, false, true]);
  });

  it('gives up with LIST_FAILED when the continue token keeps expiring', async () => {
    fake.api.expireContinues = 100;
    const { err } = await failure(() => collect({ pageSize: 4 }));
    expect(errorCode(err)).toBe('PODFIT_ERR_LIVE_LIST_FAILED');
    expect(err.message).toContain(`the continue token expired ${SNAPSHOT_LIST_RESTARTS_MAX + 1} times`);
    expect(listsOf('/api/v1/nodes').filter((l) => !l.query.get('continue'))).toHaveLength(SNAPSHOT_LIST_RESTARTS_MAX + 1);
  });

  it('403 names the resource, the server and the RBAC file to apply', async () => {
    fake.api.forbidden.add('apps/v1/deployments');
    const { err } = await failure(() => collect());
    expect(errorCode(err)).toBe('PODFIT_ERR_LIVE_FORBIDDEN');
    expect(err.message).toContain(fake.api.url);
    expect(err.message).toContain('not allowed to list deployments.apps');
    expect(err.message).toContain('cannot list resource "deployments" in API group "apps"');
    expect(err.message).toContain('deploy/snapshot-rbac.yaml');
  });

  it('skips a resource the server does not serve (404) with a warning', async () => {
    fake.api.notServed.add('storage.k8s.io/v1/csinodes');
    const r = await collect();
    expect(r.counts.get('CSINode')).toBe(0);
    expect(r.warnings).toEqual([`${fake.api.url}: the server does not serve csinodes.storage.k8s.io (storage.k8s.io/v1); the snapshot has none`]);
  });

  it('a 404 for a core resource means the server is not an API server: LIST_FAILED', async () => {
    fake.api.notServed.add('nodes');
    const { err } = await failure(() => collect());
    expect(errorCode(err)).toBe('PODFIT_ERR_LIVE_LIST_FAILED');
    expect(err.message).toBe(`PODFIT_ERR_LIVE_LIST_FAILED: ${fake.api.url}: listing nodes: 404 (is ${fake.api.url} a Kubernetes API server?)`);
  });

  it('401 says the credentials were rejected', async () => {
    const { err } = await failure(() => collect({}, fake.writeKubeconfig('bad-token', (t) => t.replace(`token: ${fake.api.token}`, 'token: expired'))));
    expect(errorCode(err)).toBe('PODFIT_ERR_LIVE_UNAUTHORIZED');
    expect(err.message).toContain(`the API server ${fake.api.url} rejected the kubeconfig's credentials (401`);
  });

  it('another API error is LIST_FAILED with the server\'s message', async () => {
    fake.api.failLists = 1;
    const { err } = await failure(() => collect());
    expect(errorCode(err)).toBe('PODFIT_ERR_LIVE_LIST_FAILED');
    expect(err.message).toMatch(/listing nodes: GET \/api\/v1\/nodes\?limit=500: Internal error occurred: injected/);
  });

  it('a refused connection fails at once, naming the server and the cause', async () => {
    const port = await closedPort();
    const file = fake.writeKubeconfig('refused', (t) => t.replace(fake.api.url, `https://127.0.0.1:${port}`));
    const { err, ms } = await failure(() => collect({}, file));
    expect(errorCode(err)).toBe('PODFIT_ERR_LIVE_UNREACHABLE');
    expect(err.message).toBe(`PODFIT_ERR_LIVE_UNREACHABLE: cannot reach the API server https://127.0.0.1:${port}: connection refused (is the server address right, and the API server up?) [ECONNREFUSED]`);
    expect(ms).toBeLessThan(2000);
  });

  it.each([
    ['accepts and never completes TLS', 'tcp', { connectTimeoutMs: 300, requestTimeoutMs: 5000 }, /timed out: no connection within 300 ms/],
    ['completes TLS and never answers', 'https', { connectTimeoutMs: 5000, requestTimeoutMs: 400 }, /timed out: GET \/api\/v1\/nodes\?limit=500: no answer within 400 ms/],
  ] as const)('a server that %s fails within the bound', async (_, mode, opts, cause) => {
    const hang = await hangingServer(mode);
    try {
      const file = fake.writeKubeconfig(`hang-${mode}`, (t) => t.replace(fake.api.url, hang.url));
      const { err, ms } = await failure(() => collect(opts, file));
      expect(errorCode(err)).toBe('PODFIT_ERR_LIVE_UNREACHABLE');
      expect(err.message).toContain(hang.url);
      expect(err.message).toMatch(cause);
      expect(ms).toBeLessThan(2500);
    } finally {
      await hang.close();
    }
  });

  it('a certificate the kubeconfig does not trust is a TLS error', async () => {
    const file = fake.writeKubeconfig('no-ca', (t) => t.replace(/ {4}certificate-authority-data: .*\n/, ''));
    const { err } = await failure(() => collect({}, file));
    expect(errorCode(err)).toBe('PODFIT_ERR_LIVE_UNREACHABLE');
    expect(err.message).toMatch(/cannot reach the API server https:\/\/127\.0\.0\.1:\d+: TLS error: .*certificate.* \[[A-Z_]+\] \(check certificate-authority/);
  });
});

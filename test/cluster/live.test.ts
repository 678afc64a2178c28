/**
 * The live source against a fake API server speaking the real list/watch/binding wire format:
 * paginated lists, watch events, 410 Gone (watch and continue token), reconnects, readiness,
 * Bindings (UID precondition, idempotent retries, API errors) and assumed pods.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveCluster, type LiveClusterHooks } from '../../src/cluster/live.js';
import { BindError } from '../../src/cluster/source.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { tlsFile } from '../extender/helpers.js';
import { FakeApiServer } from './live-fake-apiserver.js';

type Obj = Parameters<FakeApiServer['addNode']>[0];
const node = (name: string, cpu = '4') => makeNode(name).capacity({ cpu, memory: '8Gi', pods: 110 }).build() as unknown as Obj;
const pod = (name: string, nodeName?: string, cpu = '1', phase?: string) => {
  const b = makePod(name, 'app').req({ cpu, memory: '1Gi' });
  if (nodeName) b.nodeName(nodeName);
  if (phase) b.phase(phase);
  return b.build() as unknown as Obj;
};

/** Polls until `fn` is true (watch events arrive asynchronously). */
async function until(fn: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let api: FakeApiServer;
let live: LiveCluster | undefined;
let events: string[];

beforeEach(async () => {
  api = new FakeApiServer({ cert: tlsFile('server.crt'), key: tlsFile('server.key') });
  await api.start();
  for (const n of ['n1', 'n2', 'n3']) api.addNode(node(n));
  api.addPod(pod('a', 'n1'));
  api.addPod(pod('b', 'n2'));
  api.addPod(pod('c', 'n2', '500m'));
  api.addPod(pod('done', 'n3', '4', 'Succeeded'));
  api.addPod(pod('waiting'));
  events = [];
});
afterEach(async () => {
  await live?.stop();
  live = undefined;
  await api.stop();
});

function start(opts: { ttl?: number; staleAfterMs?: number; token?: string } = {}): LiveCluster {
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig(tlsFile('ca.crt')).replace(`token: ${api.token}`, `token: ${opts.token ?? api.token}`));
  const hooks: LiveClusterHooks = {
    relist: (r, why) => events.push(`relist ${r} ${why}`),
    watchEvent: () => {},
    bind: (o) => events.push(`bind ${o}`),
    assumedExpired: () => events.push('expired'),
  };
  live = new LiveCluster({
    kubeConfig: kc,
    assumedPodTtlMs: opts.ttl ?? 60_000,
    staleAfterMs: opts.staleAfterMs,
    reflector: { pageSize: 2, watchTimeoutSeconds: 60, backoffInitialMs: 20, backoffMaxMs: 100 },
    bindRetryDelayMs: 5,
    hooks,
  });
  return live;
}
const podsOn = (l: LiveCluster, n: string) => l.state.getNode(n)?.pods.map((p) => p.name).sort() ?? null;

describe('list and watch', () => {
  it('lists in pages (continue tokens), skips terminal pods, keeps pending pods for bind, then is ready', async () => {
    const l = start();
    expect(l.ready()).toBe(false);
    await l.start();
    expect(l.ready()).toBe(true);
    expect(l.state.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3']);
    expect(podsOn(l, 'n1')).toEqual(['a']);
    expect(podsOn(l, 'n2')).toEqual(['b', 'c']);
    expect(podsOn(l, 'n3')).toEqual([]);
    expect(l.state.requestedOf(l.state.getNode('n2')!, 'cpu')).toBe(1500);
    expect(l.findPendingPod({ namespace: 'app', name: 'waiting', uid: '' })?.name).toBe('waiting');
    expect(l.stats()).toEqual({ nodes: 3, pods: 3, assumedPods: 0, pendingPods: 1 });
    const lists = api.requests.filter((r) => r.path === '/api/v1/pods' && r.query.get('watch') !== 'true');
    expect(lists.map((r) => r.query.has('continue'))).toEqual([false, true]);
    expect(lists[0]!.query.get('fieldSelector')).toBe('status.phase!=Succeeded,status.phase!=Failed');
    expect(events).toEqual(['relist nodes initial', 'relist pods initial']);
  });

  it('applies watch events: nodes and pods added, changed and deleted; pods leaving the selector', async () => {
    const l = start();
    await l.start();
    await until(() => api.watchCount('pods') === 1 && api.watchCount('nodes') === 1, 'watches');
    api.addNode(node('n4', '16'));
    api.addPod(pod('d', 'n4', '2'));
    api.addPod(pod('waiting', 'n1'));
    api.deletePod('app', 'b');
    api.addPod(pod('c', 'n2', '500m', 'Succeeded'));
    await until(() => podsOn(l, 'n4')?.length === 1 && podsOn(l, 'n2')?.length === 0 && podsOn(l, 'n1')?.length === 2, 'events applied');
    expect(l.state.allocatableOf(l.state.getNode('n4')!, 'cpu')).toBe(16000);
    expect(l.findPendingPod({ namespace: 'app', name: 'waiting', uid: '' })).toBeUndefined();
    expect(l.state.requestedOf(l.state.getNode('n2')!, 'cpu')).toBe(0);
    // A deleted node's pods wait for it; they come back with it.
    api.deleteNode('n1');
    await until(() => !l.state.getNode('n1'), 'node deleted');
    api.addNode(node('n1'));
    await until(() => podsOn(l, 'n1')?.length === 2, 'pods restored with their node');
  });

  it('a pod bound to a node not seen yet waits for the node', async () => {
    const l = start();
    await l.start();
    await until(() => api.watchCount('pods') === 1, 'watch');
    api.addPod(pod('early', 'n9'));
    await new Promise((r) => setTimeout(r, 50));
    expect(l.state.placementOf('app/early')).toBeUndefined();
    api.addNode(node('n9'));
    await until(() => podsOn(l, 'n9')?.[0] === 'early', 'orphan placed');
  });

  it('relists after 410 Gone on the watch and picks up changes made meanwhile', async () => {
    const l = start();
    await l.start();
    await until(() => api.watchCount('pods') === 1, 'watch');
    // The watch times out normally; resuming it from the last resourceVersion meets a compacted
    // history (etcd compaction): 200, then an ERROR event with a 410 Expired Status.
    api.expireWatches = 1;
    api.endWatches('pods');
    api.addPod(pod('later', 'n3'));
    await until(() => events.includes('relist pods expired') && podsOn(l, 'n3')?.[0] === 'later', 'relist after 410');
    expect(l.ready()).toBe(true);
  });

  it('restarts a list whose continue token expired (410) from the beginning', async () => {
    api.expireContinues = 1;
    const l = start();
    await l.start();
    // 3 nodes in pages of 2: the second page's token is refused once, so the list starts over.
    const nodeLists = api.requests.filter((r) => r.path === '/api/v1/nodes' && r.query.get('watch') !== 'true');
    expect(nodeLists.map((r) => r.query.has('continue'))).toEqual([false, true, false, true]);
    expect(l.state.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3']);
    expect(podsOn(l, 'n2')).toEqual(['b', 'c']);
  });

  it('on API failures backs off and relists ("reconnect"); readiness drops when out of sync too long and returns', async () => {
    const l = start({ staleAfterMs: 100 });
    await l.start();
    await until(() => api.watchCount('pods') === 1, 'watch');
    api.failWatches = 1000;
    api.failLists = 1000;
    api.dropConnections();
    await until(() => !l.ready(), 'not ready while failing', 5000);
    api.addPod(pod('meanwhile', 'n3'));
    api.failWatches = 0;
    api.failLists = 0;
    await until(() => l.ready() && podsOn(l, 'n3')?.[0] === 'meanwhile', 'recovered', 5000);
    expect(events).toContain('relist pods reconnect');
  });

  it('watches that end at once are retried with backoff, not in a tight loop', async () => {
    const l = start();
    await l.start();
    await until(() => api.watchCount('pods') === 1, 'watch');
    api.closeWatchesAtOnce = true;
    api.endWatches();
    const before = api.requests.filter((r) => r.query.get('watch') === 'true').length;
    await new Promise((r) => setTimeout(r, 600));
    const watches = api.requests.filter((r) => r.query.get('watch') === 'true').length - before;
    // Backoff 20 ms doubling to 100 ms (jittered): a handful of retries per resource, not hundreds.
    expect(watches).toBeGreaterThan(2);
    expect(watches).toBeLessThan(40);
    api.closeWatchesAtOnce = false;
    api.addPod(pod('after', 'n3'));
    await until(() => podsOn(l, 'n3')?.[0] === 'after', 'watching again');
  });

  it('a relist removes what disappeared while not watching', async () => {
    const l = start();
    await l.start();
    await until(() => api.watchCount('pods') === 1, 'watch');
    api.failWatches = 1000;
    api.dropConnections();
    api.deletePod('app', 'a');
    api.deleteNode('n3');
    api.failWatches = 0;
    await until(() => podsOn(l, 'n1')?.length === 0 && !l.state.getNode('n3'), 'relist removed objects');
  });

  it('rejected credentials keep it unready (401 from the API server), without crashing', async () => {
    const l = start({ token: 'wrong' });
    void l.start();
    await new Promise((r) => setTimeout(r, 200));
    expect(l.ready()).toBe(false);
    expect(api.requests.length).toBeGreaterThan(1);
  });
});

describe('bind', () => {
  const ref = { namespace: 'app', name: 'waiting', uid: 'uid-app-waiting' };

  it('creates the Binding with the UID precondition, assumes the pod, and the watch confirms it', async () => {
    const l = start();
    await l.start();
    await until(() => api.watchCount('pods') === 1, 'watch');
    await l.bind(ref, undefined, 'n3');
    const b = api.requests.find((r) => r.path === '/api/v1/namespaces/app/pods/waiting/binding');
    expect(b?.method).toBe('POST');
    expect((api.pod('app', 'waiting')!.spec as { nodeName?: string }).nodeName).toBe('n3');
    expect(podsOn(l, 'n3')).toEqual(['waiting']);
    await until(() => l.state.placementOf('app/waiting')?.assumed === false, 'confirmed by the watch');
    expect(l.stats().assumedPods).toBe(0);
    expect(events).toContain('bind bound');
  });

  it('is idempotent: binding again to the same node succeeds (409 checked against the pod); another node fails', async () => {
    const l = start();
    await l.start();
    await l.bind(ref, undefined, 'n3');
    await l.bind(ref, undefined, 'n3');
    expect(events.filter((e) => e.startsWith('bind'))).toEqual(['bind bound', 'bind already_bound']);
    await expect(l.bind(ref, undefined, 'n1')).rejects.toThrow(/binding pod app\/waiting to node n1: Operation cannot be fulfilled on pods\/binding "waiting": pod waiting is already assigned to node "n3" \(HTTP 409\) \(it is bound to node n3\)/);
  });

  it('retries transient API errors, returns others with the API message', async () => {
    const l = start();
    await l.start();
    api.bindFailures = [500, 503];
    await l.bind(ref, undefined, 'n3');
    expect(api.requests.filter((r) => r.path.endsWith('/binding'))).toHaveLength(3);
    const other = { namespace: 'app', name: 'other', uid: '' };
    api.addPod(pod('other'));
    api.bindFailures = [403];
    const err = await l.bind(other, undefined, 'n1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BindError);
    expect((err as Error).message).toBe('binding pod app/other to node n1: pods "other" is forbidden: User "system:serviceaccount:kube-system:podfit" cannot create resource "pods/binding" (HTTP 403)');
    api.bindFailures = [500, 500, 500];
    await expect(l.bind(other, undefined, 'n1')).rejects.toThrow(/etcdserver: request timed out \(HTTP 500\)/);
    await expect(l.bind({ namespace: 'app', name: 'ghost', uid: '' }, undefined, 'n1')).rejects.toThrow(/pods "ghost" not found \(HTTP 404\)/);
    await expect(l.bind({ namespace: 'app', name: 'other', uid: 'not-its-uid' }, undefined, 'n1')).rejects.toThrow(/Precondition failed/);
    expect(events.filter((e) => e === 'bind error')).toHaveLength(4);
  });

  it('forgets an assumption the watch never confirms (TTL)', async () => {
    const l = start({ ttl: 150 });
    await l.start();
    api.emitBindEvents = false;
    const info = makePodInfo(makePod('waiting', 'app').req({ cpu: '1', memory: '1Gi' }).build());
    await l.bind(ref, info, 'n3');
    expect(l.state.placementOf('app/waiting')?.assumed).toBe(true);
    expect(l.stats().assumedPods).toBe(1);
    await until(() => l.state.placementOf('app/waiting') === undefined, 'assumption expired', 3000);
    expect(events).toContain('expired');
  });
});

/**
 * `podfit scheduler` without leader election, against the fake API server: which pods it serves,
 * bindings, events and the PodScheduled condition as kube writes them, unschedulable pods moved by
 * a node added, scheduling gates, a pod bound elsewhere meanwhile (409), binding errors, watch
 * expiry and preemption.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApiServer } from '../cluster/live-fake-apiserver.js';
import type { StandaloneScheduler } from '../../src/scheduler/standalone.js';
import { bindingsByPod, node, pod, startApi, startScheduler, until, type Obj } from './helpers.js';

let api: FakeApiServer;
let running: StandaloneScheduler[] = [];

beforeEach(async () => {
  api = await startApi();
});
afterEach(async () => {
  for (const s of running) await s.stop(false);
  running = [];
  await api.stop();
});

async function start(opts: Parameters<typeof startScheduler>[1] = {}) {
  const r = await startScheduler(api, opts);
  running.push(r.s);
  return r;
}

type Ev = { reason: string; type: string; action: string; note: string; reportingController: string; regarding: { name: string; kind: string; uid: string } };
const events = () => api.objectsOf('events.k8s.io/v1/events') as unknown as Ev[];
const condition = (name: string) => ((api.pod('app', name)?.status as { conditions?: Array<Record<string, unknown>> } | undefined)?.conditions ?? []).find((c) => c.type === 'PodScheduled');

describe('podfit scheduler', () => {
  it('binds its own pending pods once each, bin-packed, with kube\'s Scheduled event; never touches other pods', async () => {
    for (const n of ['n1', 'n2', 'n3']) api.addNode(node(n));
    api.addPod(pod('running', '1', (b) => b.nodeName('n2')));
    api.addPod(pod('other', '1', (b) => b.schedulerName('default-scheduler')));
    for (let i = 0; i < 6; i++) api.addPod(pod(`p${i}`));
    await start();
    await until(() => api.bindings.length === 6, 'six bindings');
    const by = bindingsByPod(api);
    expect([...by.keys()].sort()).toEqual(['app/p0', 'app/p1', 'app/p2', 'app/p3', 'app/p4', 'app/p5']);
    for (const nodes of by.values()) expect(nodes).toHaveLength(1);
    // MostAllocated: n2 (already 1 cpu used) fills first (3 more), then one more node gets 3... all on 2 nodes.
    const used = new Set(api.bindings.map((b) => b.node));
    expect(used.size).toBe(2);
    expect(api.bindings.filter((b) => b.node === 'n2')).toHaveLength(3);
    expect(api.pod('app', 'other')!.spec).not.toHaveProperty('nodeName');
    expect(api.requests.filter((r) => r.path.includes('/pods/other/'))).toEqual([]);
    await until(() => events().length === 6, 'six events');
    const ev = events().find((e) => e.regarding.name === 'p0')!;
    expect(ev).toMatchObject({ reason: 'Scheduled', type: 'Normal', action: 'Binding', reportingController: 'podfit', regarding: { kind: 'Pod', uid: 'uid-app-p0' } });
    expect(ev.note).toBe(`Successfully assigned app/p0 to ${api.pod('app', 'p0')!.spec && (api.pod('app', 'p0')!.spec as { nodeName: string }).nodeName}`);
  });

  it('an unschedulable pod gets PodScheduled=False (Unschedulable, kube\'s FitError) and FailedScheduling, then binds when a node is added', async () => {
    for (const n of ['n1', 'n2']) api.addNode(node(n));
    api.addPod(pod('big', '6'));
    const { s } = await start();
    await until(() => condition('big') !== undefined, 'the condition');
    expect(condition('big')).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.' });
    await until(() => events().some((e) => e.reason === 'FailedScheduling'), 'the event');
    expect(events().find((e) => e.reason === 'FailedScheduling')).toMatchObject({ type: 'Warning', action: 'Scheduling', note: condition('big')!.message });
    await until(() => s.queue.counts().unschedulable === 1, 'the pod parked as unschedulable');
    // Our own status patch does not move it back (a status-only update).
    await new Promise((r) => setTimeout(r, 300));
    expect(s.queue.counts().unschedulable).toBe(1);
    api.addNode(node('n3', '8'));
    await until(() => api.bindings.length === 1, 'the binding after NodeAdd', 5000);
    expect(api.bindings[0]).toEqual({ pod: 'app/big', node: 'n3' });
  });

  it('a node update that changes nothing scheduling reads (a heartbeat) leaves unschedulable pods parked; a label change moves them', async () => {
    const ready = (at: number) => [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date(at).toISOString() }];
    const n1 = node('n1') as Obj & { status: { conditions?: unknown[] }; metadata: { labels: Record<string, string> } };
    n1.status.conditions = ready(Date.now());
    api.addNode(n1);
    api.addPod(pod('picky', '1', (b) => b.nodeSelector({ disk: 'ssd' })));
    const { s } = await start();
    await until(() => s.queue.counts().unschedulable === 1, 'the pod parked');
    const beat = structuredClone(n1);
    beat.status.conditions = ready(Date.now() + 10_000);
    api.addNode(beat);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.queue.counts()).toMatchObject({ unschedulable: 1, active: 0, backoff: 0 });
    const labeled = structuredClone(beat);
    labeled.metadata.labels.disk = 'ssd';
    api.addNode(labeled);
    await until(() => api.bindings.length === 1, 'the binding after the label change', 5000);
  });

  it('holds gated pods without writing to them, and schedules them once the gates are removed', async () => {
    api.addNode(node('n1'));
    const gated = pod('gated');
    (gated.spec as { schedulingGates?: Array<{ name: string }> }).schedulingGates = [{ name: 'example.com/quota' }];
    api.addPod(gated);
    const { s } = await start();
    await until(() => s.queue.counts().gated === 1, 'the gated pod');
    await new Promise((r) => setTimeout(r, 300));
    expect(api.bindings).toEqual([]);
    expect(api.requests.filter((r) => r.path.includes('/pods/gated/'))).toEqual([]);
    const open = structuredClone(api.pod('app', 'gated')!);
    (open.spec as { schedulingGates?: unknown[] }).schedulingGates = [];
    api.addPod(open);
    await until(() => api.bindings.length === 1, 'the binding');
    expect(s.queue.counts()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 0 });
  });

  it('a pod bound elsewhere meanwhile (409) is dropped, and the state keeps the other binding', async () => {
    api.addNode(node('n1'));
    api.addNode(node('n2'));
    api.addPod(pod('raced'));
    api.beforeBinding = (ns, name) => {
      api.beforeBinding = null;
      const p = structuredClone(api.pod(ns, name)!);
      (p.spec as { nodeName?: string }).nodeName = 'n2';
      api.addPod(p as Obj);
    };
    const { s, outcomes } = await start();
    await until(() => outcomes.length === 1, 'the outcome');
    expect(outcomes[0]).toMatchObject({ pod: 'app/raced', result: 'conflict' });
    await until(() => s.live.state.placementOf('app/raced')?.node.name === 'n2' && !s.live.state.placementOf('app/raced')!.assumed, 'the watch');
    await new Promise((r) => setTimeout(r, 200));
    expect(api.bindings).toEqual([]);
    expect(s.queue.has('app/raced')).toBe(false);
  });

  it('a failed binding (API error) is a SchedulerError: condition, event, retried after backoff', async () => {
    api.addNode(node('n1'));
    api.addPod(pod('p'));
    api.bindFailures = [403];
    const { outcomes } = await start();
    await until(() => outcomes.length === 2, 'the retried binding', 6000);
    expect(api.bindings).toHaveLength(1);
    expect(outcomes.map((o) => o.result)).toEqual(['error', 'scheduled']);
    expect(outcomes[0]!.message).toMatch(/^binding rejected: .*forbidden/);
    await until(() => events().some((e) => e.reason === 'FailedScheduling'), 'the event');
    // The condition was written while it failed (the binding's own watch event keeps it).
    expect(condition('p')).toMatchObject({ reason: 'SchedulerError' });
  });

  it('a transient binding failure (500) is retried by the binder: one attempt, bound once', async () => {
    api.addNode(node('n1'));
    api.addPod(pod('p'));
    api.bindFailures = [500, 503];
    const { outcomes } = await start();
    await until(() => outcomes.length === 1, 'the outcome');
    expect(outcomes[0]).toMatchObject({ result: 'scheduled', node: 'n1' });
    expect(api.bindings).toHaveLength(1);
    expect(api.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pods/p/binding'))).toHaveLength(3);
  });

  it('relists after a watch expires (410) and schedules pods created meanwhile', async () => {
    api.addNode(node('n1'));
    const { s } = await start();
    api.compact();
    api.expireWatches = 2;
    api.endWatches();
    api.addPod(pod('after'));
    await until(() => api.bindings.length === 1, 'the binding after the relist');
    expect(s.live.pods.resourceVersion).not.toBe('');
  });

  it('preempts: victims deleted through the API, nominatedNodeName set, then the pod binds there', async () => {
    api.addNode(node('n1', '2'));
    api.addPod(pod('victim', '2', (b) => b.nodeName('n1').priority(0).schedulerName('default-scheduler')));
    api.addPod(pod('vip', '2', (b) => b.priority(1000)));
    const { outcomes } = await start();
    await until(() => api.bindings.length === 1, 'the binding after preemption', 6000);
    expect(api.bindings[0]).toEqual({ pod: 'app/vip', node: 'n1' });
    expect(api.pod('app', 'victim')).toBeUndefined();
    expect(api.requests.some((r) => r.method === 'DELETE' && r.path === '/api/v1/namespaces/app/pods/victim')).toBe(true);
    expect(outcomes[0]).toMatchObject({ result: 'unschedulable' });
    expect(events().some((e) => e.reason === 'Preempted' && e.regarding.name === 'victim')).toBe(true);
    const nominated = api.requests.filter((r) => r.method === 'PATCH' && r.path === '/api/v1/namespaces/app/pods/vip/status');
    expect(nominated.length).toBeGreaterThan(0);
    expect((api.pod('app', 'vip')!.status as { nominatedNodeName?: string }).nominatedNodeName).toBe('n1');
  });
});

describe('podfit scheduler backoff (fake clock)', () => {
  it('retries a failed binding only once kube\'s backoff has passed on the queue\'s clock: 1 s, then 2 s', async () => {
    const clock = { t: 1_000_000, now() { return this.t; } };
    api.addNode(node('n1'));
    api.addPod(pod('p'));
    api.bindFailures = [403, 403];
    const { s, outcomes } = await start({ clock });
    await until(() => outcomes.length === 1 && s.queue.counts().backoff === 1, 'the first failure');
    clock.t += 999;
    await new Promise((r) => setTimeout(r, 1300)); // the backoff flush runs every second
    expect(outcomes).toHaveLength(1);
    clock.t += 1;
    await until(() => outcomes.length === 2, 'the second attempt', 3000);
    expect(s.queue.counts().backoff).toBe(1);
    clock.t += 1999;
    await new Promise((r) => setTimeout(r, 1300));
    expect(outcomes).toHaveLength(2);
    clock.t += 1;
    await until(() => outcomes.length === 3, 'the third attempt', 3000);
    expect(outcomes.map((o) => o.result)).toEqual(['error', 'error', 'scheduled']);
    expect(api.bindings).toHaveLength(1);
  });
});

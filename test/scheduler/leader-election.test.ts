/**
 * Lease leader election (src/scheduler/leader-election.ts) against the fake API server: the Lease
 * fields as client-go writes them, optimistic concurrency, the renew deadline, release on SIGTERM;
 * and two schedulers sharing one API server: only the leader binds, failover binds every pod
 * exactly once.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeApi } from '../../src/cluster/kube-api.js';
import { LeaderElector, leaderElectionConfigError, type LeaderElectorOptions } from '../../src/scheduler/leader-election.js';
import type { StandaloneScheduler } from '../../src/scheduler/standalone.js';
import type { FakeApiServer } from '../cluster/live-fake-apiserver.js';
import { tlsFile } from '../extender/helpers.js';
import { bindingsByPod, FAST_LEASE, node, pod, startApi, startScheduler, until } from './helpers.js';

let api: FakeApiServer;
const cleanup: Array<() => Promise<void>> = [];

beforeEach(async () => {
  api = await startApi();
});
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  await api.stop();
});

interface LeaseSpec { holderIdentity: string; leaseDurationSeconds: number; acquireTime: string; renewTime: string; leaseTransitions: number }
const lease = () => (api.objectsOf('coordination.k8s.io/v1/leases')[0] as unknown as { spec: LeaseSpec } | undefined)?.spec;

function elector(identity: string, extra: Partial<LeaderElectorOptions> = {}): LeaderElector {
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig(tlsFile('ca.crt')));
  const e = new LeaderElector(new KubeApi(kc, FAST_LEASE.renewDeadlineMs), { ...FAST_LEASE, leaseDurationMs: 2000, identity, ...extra });
  cleanup.push(() => e.stop(false));
  return e;
}

describe('LeaderElector', () => {
  it('validates the durations as client-go does', () => {
    expect(leaderElectionConfigError({ leaseDurationMs: 15000, renewDeadlineMs: 10000, retryPeriodMs: 2000 })).toBeNull();
    expect(leaderElectionConfigError({ leaseDurationMs: 10000, renewDeadlineMs: 10000, retryPeriodMs: 2000 })).toMatch(/leaseDuration must be greater than renewDeadline/);
    expect(leaderElectionConfigError({ leaseDurationMs: 15000, renewDeadlineMs: 2400, retryPeriodMs: 2000 })).toMatch(/renewDeadline must be greater than retryPeriod\*JitterFactor/);
  });

  it('creates the Lease, renews keeping acquireTime, respects another holder, releases on stop, counts transitions', async () => {
    const a = elector('a');
    const b = elector('b');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    const first = lease()!;
    expect(first).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 2, leaseTransitions: 0 });
    expect(first.acquireTime).toBe(first.renewTime);
    expect(first.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await new Promise((r) => setTimeout(r, 20));
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(lease()).toMatchObject({ holderIdentity: 'a', acquireTime: first.acquireTime, leaseTransitions: 0 });
    expect(lease()!.renewTime > first.renewTime).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(b.leader).toBe('a');
    // a leads through the loop, then releases.
    a.start();
    await until(() => a.isLeader(), 'a leading');
    await a.stop(true);
    expect(a.isLeader()).toBe(false);
    expect(lease()).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 0 });
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(lease()).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('of two candidates writing at once only one wins (resourceVersion conflict: 409)', async () => {
    const a = elector('a');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    a.start();
    await until(() => a.isLeader(), 'a leading');
    await a.stop(true);
    const results = await Promise.all(['b', 'c', 'd'].map((id) => elector(id).tryAcquireOrRenew()));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(api.requests.some((r) => r.method === 'PUT' && r.path.includes('/leases/'))).toBe(true);
  });

  it('a leader that cannot renew stops leading when the renew deadline passes', async () => {
    let stoppedAt = 0;
    const a = elector('a', { onStoppedLeading: () => (stoppedAt = Date.now()) });
    a.start();
    await until(() => a.isLeader(), 'a leading');
    const down = Date.now();
    api.leaseDown = true;
    await until(() => !a.isLeader(), 'leadership lost', 3000);
    // The last successful renewal was at most one retry period before `down`.
    expect(stoppedAt - down).toBeLessThanOrEqual(FAST_LEASE.renewDeadlineMs + 100);
    expect(stoppedAt - down).toBeGreaterThanOrEqual(FAST_LEASE.renewDeadlineMs - FAST_LEASE.retryPeriodMs - 100);
    api.leaseDown = false;
    await until(() => a.isLeader(), 'leading again', 3000);
  });
});

describe('two schedulers sharing one API server', () => {
  async function pair() {
    const one = await startScheduler(api, { identity: 'one', leaderElection: FAST_LEASE, bindsInFlightMax: 2 });
    cleanup.push(() => one.s.stop(false));
    await until(() => one.s.isActive(), 'the first leader');
    const two = await startScheduler(api, { identity: 'two', leaderElection: FAST_LEASE, bindsInFlightMax: 2 });
    cleanup.push(() => two.s.stop(false));
    return { leader: one, standby: two };
  }
  const bindAll = (n: number) => {
    for (let i = 0; i < n; i++) api.addPod(pod(`p${String(i).padStart(2, '0')}`, '100m'));
  };

  it('only the leader binds; after the leader dies (no release) the standby binds the rest, each pod exactly once', async () => {
    for (const n of ['n1', 'n2', 'n3']) api.addNode(node(n, '4', '64Gi'));
    const { leader, standby } = await pair();
    api.bindDelayMs = 40;
    bindAll(40);
    await until(() => api.bindings.length >= 8, 'some bindings');
    expect(standby.outcomes).toEqual([]);
    expect(standby.s.isActive()).toBe(false);
    const killedAt = Date.now();
    await leader.s.stop(false); // a crash: the Lease is left to expire
    const byLeader = leader.outcomes.length;
    expect(byLeader).toBeLessThan(40);
    await until(() => api.bindings.length === 40, 'all bound', 10_000);
    const tookOver = standby.outcomes.length > 0;
    expect(tookOver).toBe(true);
    expect(Date.now() - killedAt).toBeGreaterThan(FAST_LEASE.leaseDurationMs - 600);
    const by = bindingsByPod(api);
    expect(by.size).toBe(40);
    for (const nodes of by.values()) expect(nodes).toHaveLength(1);
    // The answer to the last binding may still be on its way.
    await until(() => [...leader.outcomes, ...standby.outcomes].filter((o) => o.result === 'scheduled').length === 40, 'every outcome');
    expect([...leader.outcomes, ...standby.outcomes].filter((o) => o.result !== 'scheduled')).toEqual([]);
    expect(lease()).toMatchObject({ holderIdentity: 'two', leaseTransitions: 1 });
  });

  it('a leader stopped with release (SIGTERM) hands over within a few retry periods', async () => {
    api.addNode(node('n1'));
    const { leader, standby } = await pair();
    const t0 = Date.now();
    await leader.s.stop(true);
    await until(() => standby.s.isActive(), 'the standby leading', 3000);
    expect(Date.now() - t0).toBeLessThan(FAST_LEASE.retryPeriodMs * 2.2 + 500);
    api.addPod(pod('after'));
    await until(() => api.bindings.length === 1, 'the binding');
    // The API server records the binding before the scheduler has read the answer (as above).
    await until(() => standby.outcomes.length === 1, 'the outcome');
    expect(standby.outcomes).toHaveLength(1);
    expect(leader.outcomes).toHaveLength(0);
  });

  it('while the Lease cannot be renewed nobody binds; once it can, a leader finishes the queue', async () => {
    api.addNode(node('n1'));
    const { leader, standby } = await pair();
    api.leaseDown = true;
    await until(() => !leader.s.isActive(), 'leadership lost', 3000);
    bindAll(5);
    await new Promise((r) => setTimeout(r, 800));
    expect(api.bindings).toEqual([]);
    expect(standby.s.isActive()).toBe(false);
    api.leaseDown = false;
    await until(() => api.bindings.length === 5, 'all bound', 8000);
  });
});

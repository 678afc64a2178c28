/**
 * Standalone schedulers against the fake API server (test/cluster/live-fake-apiserver.ts), all on
 * 127.0.0.1: builders for nodes and pods in the fake's wire shape, and a scheduler factory.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { createKernels } from '../../src/kernel/engine.js';
import { REGISTRY } from '../../src/plugins/registry.js';
import { defaultSchedulerConfig } from '../../src/scheduler/default-config.js';
import { StandaloneScheduler, type LeaderElectionSettings, type PodOutcomeEvent } from '../../src/scheduler/standalone.js';
import type { Clock } from '../../src/framework/queue.js';
import type { SchedulerConfig } from '../../src/api/config.js';
import { makeNode, makePod, type PodBuilder } from '../helpers/builders.js';
import { tlsFile } from '../extender/helpers.js';
import { FakeApiServer } from '../cluster/live-fake-apiserver.js';

export type Obj = Parameters<FakeApiServer['addNode']>[0];

export const node = (name: string, cpu = '4', memory = '8Gi') => makeNode(name).capacity({ cpu, memory, pods: 110 }).build() as unknown as Obj;
export const pod = (name: string, cpu = '1', edit?: (b: PodBuilder) => void) => {
  const b = makePod(name, 'app').req({ cpu, memory: '1Gi' }).schedulerName('podfit').created('2024-01-01T00:00:00Z');
  edit?.(b);
  return b.build() as unknown as Obj;
};

/** Polls until `fn` is true. */
export async function until(fn: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startApi(): Promise<FakeApiServer> {
  const api = new FakeApiServer({ cert: tlsFile('server.crt'), key: tlsFile('server.key') });
  await api.start();
  return api;
}

/** Short leader election durations for tests (client-go's ratios kept). */
export const FAST_LEASE: LeaderElectionSettings = { namespace: 'kube-system', name: 'podfit-scheduler', leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 };

/** A scheduler on the fake server, with its outcomes recorded. */
export async function startScheduler(api: FakeApiServer, opts: {
  identity?: string; leaderElection?: LeaderElectionSettings | null; clock?: Clock; config?: SchedulerConfig; bindsInFlightMax?: number; start?: boolean;
} = {}): Promise<{ s: StandaloneScheduler; outcomes: PodOutcomeEvent[] }> {
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig(tlsFile('ca.crt')));
  const s = new StandaloneScheduler({
    kubeConfig: kc,
    config: opts.config ?? defaultSchedulerConfig(),
    kernels: await createKernels('js'),
    registry: REGISTRY,
    identity: opts.identity ?? 'replica-a',
    leaderElection: opts.leaderElection ?? null,
    clock: opts.clock,
    bindsInFlightMax: opts.bindsInFlightMax,
    bindRetryDelayMs: 10,
    reflector: { backoffInitialMs: 20, backoffMaxMs: 200 },
  });
  const outcomes: PodOutcomeEvent[] = [];
  s.outcomes.push((e) => outcomes.push(e));
  if (opts.start ?? true) await s.start();
  return { s, outcomes };
}

/** Every binding the fake server accepted, as pod -> nodes (a pod bound twice shows two). */
export function bindingsByPod(api: FakeApiServer): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const b of api.bindings) m.set(b.pod, [...(m.get(b.pod) ?? []), b.node]);
  return m;
}

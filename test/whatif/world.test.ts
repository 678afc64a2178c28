/**
 * WhatifWorld's copies and handovers (whatif/world.ts), and the scenario's last part answered on
 * the cluster after the steps itself (whatif/scenario.ts): a copy's changes never show in the
 * original; a handed-over world shares the cluster and leaves the old world spent; and every
 * question, answered last on the handed-over cluster, gives the answer it gives on a copy, also
 * after steps that scheduled (the old scheduler's PRNG has moved on; the new one starts afresh).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultSchedulerConfig } from '../../src/api/config.js';
import { readScenario } from '../../src/api/scenario-files.js';
import { buildClusterState, loadClusterSnapshot } from '../../src/cluster/snapshot.js';
import { createKernels } from '../../src/kernel/engine.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { REGISTRY } from '../../src/plugins/registry.js';
import { runScenario, ScenarioRun, scenarioResult, type ScenarioRunOptions } from '../../src/whatif/scenario.js';
import { placePending } from '../../src/whatif/place.js';
import { WhatifWorld } from '../../src/whatif/world.js';
import { makeNode, makePod } from '../helpers/builders.js';

const dir = mkdtempSync(path.join(tmpdir(), 'podfit-world-'));
let n = 0;
const put = (text: string, ext = 'yaml') => {
  const p = path.join(dir, `f${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
};

/** Six equal nodes (every placement a tie the PRNG breaks), a ReplicaSet's pods on two of them. */
function clusterFile(): string {
  const items: unknown[] = Array.from({ length: 6 }, (_, i) => makeNode(`n${i}`).capacity({ cpu: '4', memory: '16Gi', pods: 110 }).label('zone', `z${i % 2}`).build());
  for (let i = 0; i < 4; i++) {
    const p = makePod(`web-${i}`).req({ cpu: '500m', memory: '1Gi' }).label('app', 'web').nodeName(`n${i % 2}`).build();
    items.push({ ...p, metadata: { ...p.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'web-uid', controller: true }] } });
  }
  return put(stringify({ apiVersion: 'v1', kind: 'List', items }));
}

const podTemplate = (name: string, cpu: string) => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu, memory: '512Mi' } } }] } });
const mostAllocated = () => put(stringify({
  apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration',
  profiles: [{ schedulerName: 'default-scheduler', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }] } } }] }],
}));

async function options(scenarioPath: string): Promise<{ s: ReturnType<typeof readScenario>; opts: () => ScenarioRunOptions }> {
  const s = readScenario(scenarioPath, { validation: 'strict' });
  const kernels = await createKernels('js');
  // A fresh cluster per run: runs change the states they are given.
  const opts = (): ScenarioRunOptions => ({
    engine: { kernels, registry: REGISTRY, seed: 7 },
    cluster: buildClusterState(loadClusterSnapshot(s.cluster!), s.cluster!, kernels.createTableMemory()),
  });
  return { s, opts };
}

/** A result as JSON without minNodes' clock readings (`seconds`), the one field that differs between runs. */
const text = (v: unknown) => JSON.stringify(v, (k, x: unknown) => (k === 'seconds' ? undefined : x));

describe('the last question answered on the cluster after the steps gives the answer of a copy', () => {
  const cluster = clusterFile();
  const steps = [
    { addPods: { template: podTemplate('a', '300m'), replicas: 9 } },
    { schedule: {} },
    { addPods: { template: podTemplate('late', '3500m'), replicas: 3 } },
  ];
  const maxReplicas = (name: string, cpu: string) => ({ name, maxReplicas: { template: podTemplate(name, cpu) } });
  const cases: Array<[string, unknown[], unknown[]]> = [
    ['maxReplicas after maxReplicas and a drain, steps that schedule', steps, [maxReplicas('first', '700m'), { name: 'd', drain: { nodes: ['n1'] } }, maxReplicas('last', '300m')]],
    ['maxReplicas alone, no steps', [], [maxReplicas('only', '300m')]],
    ['a drain last', steps, [maxReplicas('m', '250m'), { name: 'd', drain: { nodes: ['n0', 'n3'] } }]],
    ['a compare last, its steps replayed under each profile', steps, [maxReplicas('m', '250m'), { name: 'c', compare: { configs: ['default', mostAllocated()] } }]],
    ['a compare last, nothing to replay', steps.filter((s) => !('schedule' in s)), [{ name: 'c', compare: { configs: [mostAllocated(), 'default'] } }]],
    ['a minNodes last', steps, [maxReplicas('m', '250m'), { name: 'mn', minNodes: { nodeTemplates: [{ template: { metadata: { name: 'big' }, status: { allocatable: { cpu: '8', memory: '32Gi', pods: '110' } } } }], timeLimit: 2 } }]],
  ];
  it.each(cases)('%s', async (_what, scenarioSteps, questions) => {
    const file = put(JSON.stringify({ apiVersion: 'podfit/v1alpha1', kind: 'Scenario', cluster, steps: scenarioSteps, questions }), 'json');
    const { s, opts } = await options(file);
    const onCopies = new ScenarioRun(s, opts());
    const answers = onCopies.parts().map((p) => onCopies.answer(p));
    const taken = runScenario(s, opts());
    expect(text(taken)).toBe(text(scenarioResult(s, onCopies.summary, answers)));
    // Answered on copies, the run's cluster after the steps is as it was: the same answers again.
    expect(text(onCopies.parts().map((p) => onCopies.answer(p)))).toBe(text(answers));
  });

  it('the run answers nothing after its last part', async () => {
    const file = put(JSON.stringify({ apiVersion: 'podfit/v1alpha1', kind: 'Scenario', cluster, steps, questions: [maxReplicas('m', '300m')] }), 'json');
    const { s, opts } = await options(file);
    const run = new ScenarioRun(s, opts());
    const p = run.parts()[0]!;
    const last = run.answer(p, true);
    expect(last).toMatchObject({ type: 'maxReplicas' });
    expect(() => run.answer(p)).toThrow(/handed over/);
    expect(() => run.answer(p, true)).toThrow(/handed over/);
  });
});

describe('WhatifWorld', () => {
  async function world(): Promise<WhatifWorld> {
    const kernels = await createKernels('js');
    const file = clusterFile();
    const c = buildClusterState(loadClusterSnapshot(file), file, kernels.createTableMemory());
    return WhatifWorld.create({ kernels, registry: REGISTRY, seed: 1 }, defaultSchedulerConfig(), c.state, c.objects, c.pending, []);
  }
  const pendingPod = (name: string) => makePod(name).req({ cpu: '1' }).build();

  it("a copy's placements, pending pods and node changes never show in the original, nor the original's in the copy", async () => {
    const w = await world();
    const c = w.clone();
    c.pending.push(makePodInfo(pendingPod('only-in-copy')));
    placePending(c);
    c.state.removeNode('n5');
    w.state.getNode('n4')!.unschedulable = true;
    expect(c.state.nodes.map((x) => x.name)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(c.state.nodes.reduce((sum, x) => sum + x.pods.length, 0)).toBe(5);
    expect(c.pending).toEqual([]);
    expect(w.pending).toEqual([]);
    expect(w.state.nodes.map((x) => [x.name, x.pods.length])).toEqual([['n0', 2], ['n1', 2], ['n2', 0], ['n3', 0], ['n4', 0], ['n5', 0]]);
    expect(w.state.requestedOf(w.state.getNode('n0')!, 'cpu')).toBe(1000);
    expect(c.state.getNode('n4')!.unschedulable).toBe(false);
  });

  it('handOver gives the same cluster to a new scheduler, and the old world can be neither copied nor handed on', async () => {
    const w = await world();
    const h = w.handOver();
    expect(h.state).toBe(w.state);
    expect(h.pending).toBe(w.pending);
    expect(h.scheduler).not.toBe(w.scheduler);
    expect(h.scheduler.prng.draws).toBe(0);
    expect(() => w.clone()).toThrow(/handed over/);
    expect(() => w.handOver()).toThrow(/handed over/);
    // The new world is an ordinary one: it copies and hands on.
    expect(h.clone().state).not.toBe(h.state);
    expect(h.handOver().state).toBe(h.state);
  });
});

/**
 * examples/whatif/: every example scenario, run as a person runs it (`podfit whatif F -o json`),
 * with what each shows checked by hand against examples/whatif/cluster.yaml: pools a (a-1, a-2)
 * and b (b-1, b-2) of 4 CPU / 8 GiB nodes; a-1 runs web-1 (1 CPU), db-0 (2 CPU), fluentd-a-1 and
 * the mirror pod kube-proxy-a-1 (100m each); a-2 runs web-2 and fluentd; b-1 web-3 and fluentd;
 * b-2 fluentd only; batch-1 (500m) is pending. PDB db allows no disruption, PDB web one.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CompareResult, DrainResult, MaxReplicasResult, MinNodesQuestionResult, StepResult, WhatifResult } from '../../src/whatif/result.js';
import { runCli } from '../helpers/cli.js';

const DIR = 'examples/whatif';

async function run(file: string): Promise<WhatifResult> {
  const r = await runCli('whatif', `${DIR}/${file}`, '-o', 'json');
  expect(r.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as WhatifResult;
}

/** Pods per node after the steps, as `node: [pods]` (pods bound and placed). */
const podsOn = (r: WhatifResult, node: string) => r.scenario.after.nodes.find((n) => n.name === node)!.pods;
const cpuOn = (r: WhatifResult, node: string) => r.scenario.after.nodes.find((n) => n.name === node)!.requested.cpu;
const step = (r: WhatifResult, i: number): StepResult => r.scenario.steps[i]!;

describe('examples/whatif: one per step', () => {
  it('addNodes: big-0 and big-1 join, and 16 more api pods fit on each', async () => {
    const r = await run('step-add-nodes.yaml');
    expect(r.scenario.after.nodes.map((n) => n.name)).toEqual(['a-1', 'a-2', 'b-1', 'b-2', 'big-0', 'big-1']);
    expect(step(r, 0).summary).toBe('added 2 nodes big-0..big-1');
    expect((r.questions[0] as MaxReplicasResult).replicas).toBe(7 + 16 + 16);
  });

  it('addPods: six api pods, then schedule places them and batch-1', async () => {
    const r = await run('step-add-pods.yaml');
    expect(step(r, 1)).toMatchObject({ type: 'schedule', scheduled: 7, unschedulable: [] });
    // 6 CPU of api + 500m of batch-1 on top of the 5.5 CPU running (3.2 on a-1, 1.1 on a-2 and b-1, 0.1 on b-2).
    expect(r.scenario.after.nodes.reduce((s, n) => s + n.requested.cpu!, 0)).toBe(5500 + 6000 + 500);
  });

  it('apply: pods, a PriorityClass and a PDB are added, and the pods scheduled', async () => {
    const r = await run('step-apply.yaml');
    expect(step(r, 0).summary).toBe('examples/whatif/apply-objects.yaml: 2 pending pods; added 1 PriorityClass, 1 PodDisruptionBudget');
    expect(step(r, 1)).toMatchObject({ scheduled: 3, unschedulable: [] });
  });

  it('cordon: nothing new lands on pool b', async () => {
    const r = await run('step-cordon.yaml');
    expect(r.scenario.after.nodes.filter((n) => n.unschedulable).map((n) => n.name)).toEqual(['b-1', 'b-2']);
    expect(podsOn(r, 'b-1')).toBe(2);
    expect(podsOn(r, 'b-2')).toBe(1);
    expect(step(r, 2)).toMatchObject({ scheduled: 4 });
  });

  it('drain: web-2 leaves a-2 for another node, fluentd stays, a-2 is cordoned', async () => {
    const r = await run('step-drain.yaml');
    const s = step(r, 0);
    expect(s.evicted).toHaveLength(1);
    expect(s.evicted![0]).toMatchObject({ pod: 'default/web-2', from: 'a-2' });
    expect(s.evicted![0]!.to).not.toBe('a-2');
    expect(s.evicted![0]!.to).not.toBeNull();
    const a2 = r.scenario.after.nodes.find((n) => n.name === 'a-2')!;
    expect(a2).toMatchObject({ pods: 1, unschedulable: true });
    expect(a2.requested.cpu).toBe(100);
  });

  it('removeNodes: b-1 is gone and web-3 runs elsewhere', async () => {
    const r = await run('step-remove-nodes.yaml');
    expect(r.scenario.after.nodes.map((n) => n.name)).toEqual(['a-1', 'a-2', 'b-2']);
    expect(step(r, 0).summary).toBe('removed 1 node; 1 pod pending again');
    expect(step(r, 1)).toMatchObject({ scheduled: 2, unschedulable: [] });
    expect(r.scenario.after.nodes.reduce((s, n) => s + n.pods, 0)).toBe(9 - 2 + 2); // 9 placed, b-1's two gone, web-3 and batch-1 placed
  });

  it('removePods: the three web pods are deleted', async () => {
    const r = await run('step-remove-pods.yaml');
    expect(step(r, 0).summary).toBe('removed 3 pods (3 placed, 0 pending)');
    expect(cpuOn(r, 'a-1')).toBe(2200);
    expect(cpuOn(r, 'b-1')).toBe(100);
  });

  it('schedule: batch-1 goes to b-2, the emptiest node (LeastAllocated, BalancedAllocation)', async () => {
    const r = await run('step-schedule.yaml');
    expect(step(r, 0)).toMatchObject({ scheduled: 1, unschedulable: [] });
    expect(cpuOn(r, 'b-2')).toBe(600);
  });
});

describe('examples/whatif: one per question', () => {
  it('maxReplicas: 7 more api pods fit (0 on a-1, 2 on a-2, 2 on b-1, 3 on b-2); a limit stops at 3', async () => {
    const r = await run('question-max-replicas.yaml');
    const q = r.questions[0] as MaxReplicasResult;
    expect(q).toMatchObject({ name: 'more-api', type: 'maxReplicas', replicas: 7 });
    expect(q.failReason).toEqual({ failType: 'Unschedulable', failMessage: '0/4 nodes are available: 1 Insufficient memory, 4 Insufficient cpu.' });
    expect(Object.fromEntries(q.replicasOnNodes.map((x) => [x.nodeName, x.replicas]))).toEqual({ 'a-2': 2, 'b-1': 2, 'b-2': 3 });
    expect(r.questions[1]).toMatchObject({ replicas: 3, failReason: { failType: 'LimitReached', failMessage: 'Maximum number of pods simulated: 3' } });
    // Questions run on copies: the scenario's cluster is unchanged.
    expect(r.scenario.after).toEqual(r.scenario.before);
  });

  it('drain: pool a is not drainable (PDB db blocks db-0); both web pods move one at a time', async () => {
    const r = await run('question-drain.yaml');
    const q = r.questions[0] as DrainResult;
    expect(q).toMatchObject({ type: 'drain', drainable: false, nodes: ['a-1', 'a-2'] });
    expect(q.pods.map((p) => [p.pod, p.from, p.to === null ? null : p.to.startsWith('b-')])).toEqual([
      ['default/web-1', 'a-1', true], ['default/db-0', 'a-1', null], ['default/web-2', 'a-2', true],
    ]);
    expect(q.pods[1]!.reason).toBe("Cannot evict pod as it would violate the pod's disruption budget. (PodDisruptionBudget default/db)");
    expect(q.blockingPdbs).toEqual([{ pdb: 'default/db', pods: ['default/db-0'] }]);
    expect(q.ignored).toEqual(['default/fluentd-a-1', 'default/kube-proxy-a-1', 'default/fluentd-a-2']);
    expect(r.questions[1]).toMatchObject({ drainable: true, pods: [], ignored: ['default/fluentd-b-2'] });
  });

  it("compare (a ReplicaSet's pods): 200 replicas on 50 empty nodes use 50 under MostAllocated in the default profile, 13 under NodeResourcesFit alone", async () => {
    const r = await run('compare-replicaset/scenario.yaml');
    const q = r.questions[0] as CompareResult;
    expect(q.profiles.map((p) => [p.config, p.scheduled, p.unschedulable, p.nodesUsed])).toEqual([
      ['../compare-profiles/most-allocated.yaml', 200, 0, 50],
      ['../compare-profiles/fit-only.yaml', 200, 0, 13],
      ['default', 200, 0, 50],
    ]);
    // Packed: 12 nodes full by CPU (16 x 250m), 8 pods on the 13th; the full nodes' 8 GiB of memory each is stranded.
    const packed = q.profiles[1]!;
    expect(packed.fragmentation).toEqual({ stranded: { cpu: 0, memory: 12 * 8 * 2 ** 30, pods: 12 * 94 }, strandedShare: expect.any(Object), nodes: 12 });
    expect(packed.utilization.cpu!.mean).toBeCloseTo(0.25, 10);
    expect(q.profiles[2]!.utilization.cpu).toEqual({ mean: 0.25, stddev: 0, min: 0.25, max: 0.25 });
  });

  // The issue's example itself: the Deployment expands into its ReplicaSet's pods (whatif/expand.ts).
  it('compare (the issue example): a Deployment of 200 replicas on 50 empty nodes: 50 nodes vs 13', async () => {
    const r = await run('compare-profiles/scenario.yaml');
    expect(r.scenario.steps[1]!.summary).toMatch(/: 200 pending pods; added 1 Deployment, 1 ReplicaSet$/);
    const q = r.questions[0] as CompareResult;
    expect(q.profiles.map((p) => [p.scheduled, p.nodesUsed])).toEqual([[200, 50], [200, 13]]);
  });

  // examples/whatif/min-nodes: two 4-CPU nodes with 1 CPU free each (too little for a 2-CPU worker).
  it('minNodes (objective cost): 20 workers on 2 compute (8 each, 0.68) + 1 general (4, 0.384) = 1.744, the cheapest mix', async () => {
    const r = await run('min-nodes/cheapest-mix.yaml');
    const q = r.questions[0] as MinNodesQuestionResult;
    expect(q).toMatchObject({ name: 'cheapest', type: 'minNodes', objective: 'cost', nodes: 3, byTemplate: { general: 1, compute: 2 }, unschedulable: [] });
    expect(q.cost).toBeCloseTo(1.744, 9);
    expect(q.lowerBound).toBeLessThanOrEqual(q.cost!);
    expect(Object.keys(q.placements)).toHaveLength(20);
    expect(new Set(Object.values(q.placements))).toEqual(new Set(Object.keys(q.addedNodes)));
  });

  it('minNodes (pending pods of addPods steps): 10 workers need 3 general nodes, the lower bound; huge-0 fits no shape', async () => {
    const r = await run('min-nodes/pending-pods.yaml');
    const q = r.questions[0] as MinNodesQuestionResult;
    expect(q).toMatchObject({ name: 'how-many', type: 'minNodes', nodes: 3, byTemplate: { general: 3 }, lowerBound: 3, gap: 0 });
    expect(Object.keys(q.addedNodes)).toEqual(['extra-0', 'extra-1', 'extra-2']);
    expect(Object.keys(q.placements).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `default/worker-${i}`).sort());
    expect(q.unschedulable.map((u) => u.pod)).toEqual(['default/huge-0']);
    expect(q.unschedulable[0]!.reason).toMatch(/Insufficient cpu/);
  });

  it('every scenario in examples/whatif is run by a test here', () => {
    const files = readdirSync(DIR).filter((f) => /^(step|question)-.*\.yaml$/.test(f)).sort();
    const steps = ['addNodes', 'addPods', 'apply', 'cordon', 'drain', 'removeNodes', 'removePods', 'schedule'].map((s) => `step-${s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.yaml`);
    expect(files).toEqual([...['question-drain.yaml', 'question-max-replicas.yaml'], ...steps.sort()].sort());
    expect(readdirSync(`${DIR}/min-nodes`).filter((f) => f.endsWith('.yaml') && !/^(cluster|node-|pod-)/.test(f)).sort()).toEqual(['cheapest-mix.yaml', 'pending-pods.yaml']);
  });
});

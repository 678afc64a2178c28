/**
 * The preempt verb's victim selection (kube's selectVictimsOnNode reprieve, on the victims
 * kube-scheduler proposes), table-driven on a small cluster.
 */
import { describe, expect, it } from 'vitest';
import type { ExtenderPreemptionArgs } from '../../src/api/extender.js';
import { defaultExtenderConfig } from '../../src/extender/default-config.js';
import { Extender } from '../../src/extender/extender.js';
import { moreImportantFirst } from '../../src/extender/preempt.js';
import { createKernels } from '../../src/kernel/engine.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { makeNode, makePod, type PodBuilder } from '../helpers/builders.js';
import { MemorySource } from './helpers.js';
import { REGISTRY } from '../../src/plugins/registry.js';

interface Placed {
  readonly node: string;
  readonly pod: PodBuilder;
  readonly assumed?: boolean;
}

async function setup(nodes: Array<ReturnType<typeof makeNode>>, placed: Placed[]) {
  const state = new ClusterState();
  for (const n of nodes) state.addNode(n.build());
  for (const p of placed) state.addPod(makePodInfo(p.pod.build()), p.node, p.assumed ?? false);
  const ext = new Extender(new MemorySource(state), defaultExtenderConfig(), await createKernels('js'), REGISTRY);
  return { state, ext };
}

const node = (name: string, cpu = '4') => makeNode(name).capacity({ cpu, memory: '8Gi', pods: 110 });
const victim = (name: string, cpu: string, priority: number, start?: string) => {
  const b = makePod(name, 'team').req({ cpu, memory: '100Mi' }).priority(priority);
  if (start) b.obj.status = { ...b.obj.status, startTime: start };
  return b;
};
const args = (pod: PodBuilder, nodes: Record<string, string[]>, pdb = 0): ExtenderPreemptionArgs => ({
  pod: pod.build(),
  form: 'MetaVictims',
  nodes: new Map(Object.entries(nodes).map(([n, uids]) => [n, { uids, pods: null, numPDBViolations: pdb }])),
});
const answer = (out: Map<string, { uids: string[]; numPDBViolations: number }>) => Object.fromEntries([...out].map(([n, v]) => [n, v.uids]));
const preemptor = (cpu: string) => makePod('urgent', 'prod').req({ cpu, memory: '100Mi' }).priority(1000);

describe('preempt: victims minimised on podfit filters', () => {
  it.each([
    {
      name: 'only the victims needed for the preemptor to fit are kept; higher priority reprieved first',
      placed: [{ node: 'n1', pod: victim('a', '2', 10) }, { node: 'n1', pod: victim('b', '1', 20) }, { node: 'n1', pod: victim('c', '1', 5) }],
      cpu: '2', proposed: { n1: ['uid-team-a', 'uid-team-b', 'uid-team-c'] },
      // Remove all: 4 free. Reprieve b (20): 3 free, fits. a (10): 1 free, no -> victim. c (5): 2 free... after a is out: used b+c = 2, free 2 -> fits, c reprieved.
      want: { n1: ['uid-team-a'] },
    },
    {
      name: 'equal priority: the pod that started earlier is reprieved first',
      placed: [{ node: 'n1', pod: victim('old', '2', 0, '2026-01-01T00:00:00Z') }, { node: 'n1', pod: victim('new', '2', 0, '2026-06-01T00:00:00Z') }],
      cpu: '2', proposed: { n1: ['uid-team-new', 'uid-team-old'] },
      want: { n1: ['uid-team-new'] },
    },
    {
      name: 'a node where the preemptor fails the filters even with every victim gone is dropped',
      placed: [{ node: 'n1', pod: victim('a', '1', 0) }],
      cpu: '8', proposed: { n1: ['uid-team-a'] },
      want: {},
    },
    {
      name: 'victims podfit does not know on that node stay victims',
      placed: [{ node: 'n1', pod: victim('a', '3', 0) }, { node: 'n2', pod: victim('elsewhere', '1', 0) }],
      cpu: '2', proposed: { n1: ['uid-team-a', 'uid-ghost', 'uid-team-elsewhere'] },
      want: { n1: ['uid-team-a', 'uid-ghost', 'uid-team-elsewhere'] },
    },
    {
      name: 'when podfit needs no eviction, kube\'s victims come back unchanged (an empty list is an error for kube)',
      placed: [{ node: 'n1', pod: victim('a', '1', 0) }],
      cpu: '1', proposed: { n1: ['uid-team-a'] },
      want: { n1: ['uid-team-a'] },
    },
    {
      name: 'nodes are answered independently, in request order',
      placed: [{ node: 'n1', pod: victim('a', '3', 0) }, { node: 'n2', pod: victim('b', '4', 0) }],
      cpu: '2', proposed: { n2: ['uid-team-b'], n1: ['uid-team-a'] },
      want: { n2: ['uid-team-b'], n1: ['uid-team-a'] },
    },
  ])('$name', async ({ placed, cpu, proposed, want }) => {
    const { state, ext } = await setup([node('n1'), node('n2')], placed);
    const before = state.nodes.map((n) => [n.name, state.requestedOf(n, 'cpu'), n.pods.map((p) => p.key).sort()]);
    expect(answer(ext.preempt(args(preemptor(cpu), proposed as Record<string, string[]>)))).toEqual(want);
    // The dry run leaves the state as it found it.
    expect(state.nodes.map((n) => [n.name, state.requestedOf(n, 'cpu'), n.pods.map((p) => p.key).sort()])).toEqual(before);
  });

  it('a victim holding a host port the preemptor needs stays a victim even when resources suffice', async () => {
    const porty = makePod('porty', 'team').hostPort(8080).priority(0);
    const { ext } = await setup([node('n1')], [{ node: 'n1', pod: victim('small', '1', 0) }, { node: 'n1', pod: porty }]);
    const pod = makePod('urgent', 'prod').req({ cpu: '1' }).hostPort(8080).priority(1000);
    expect(answer(ext.preempt(args(pod, { n1: ['uid-team-small', 'uid-team-porty'] })))).toEqual({ n1: ['uid-team-porty'] });
  });

  it('NumPDBViolations is passed through, capped at the number of victims returned', async () => {
    const { ext } = await setup([node('n1')], [{ node: 'n1', pod: victim('a', '2', 0) }, { node: 'n1', pod: victim('b', '2', 5) }]);
    const out = ext.preempt(args(preemptor('2'), { n1: ['uid-team-a', 'uid-team-b'] }, 2));
    expect(out.get('n1')).toEqual({ uids: ['uid-team-a'], numPDBViolations: 1 });
  });

  it('keeps assumed pods assumed after the dry run', async () => {
    const { state, ext } = await setup([node('n1')], [{ node: 'n1', pod: victim('a', '3', 0), assumed: true }]);
    ext.preempt(args(preemptor('2'), { n1: ['uid-team-a'] }));
    expect(state.placementOf('team/a')?.assumed).toBe(true);
  });

  it('orders importance like kube MoreImportantPod: priority, then start time (unstarted last)', () => {
    const p = (name: string, prio: number, start?: string) => makePodInfo(victim(name, '1', prio, start).build());
    const sorted = [p('x', 0), p('y', 0, '2026-01-02T00:00:00Z'), p('z', 5), p('w', 0, '2026-01-01T00:00:00Z')].sort(moreImportantFirst).map((q) => q.name);
    expect(sorted).toEqual(['z', 'w', 'y', 'x']);
  });
});

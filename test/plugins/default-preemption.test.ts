/**
 * DefaultPreemption, after kube-scheduler v1.32's default_preemption_test.go (TestPostFilter,
 * TestDryRunPreemption, TestSelectBestCandidate, TestPodEligibleToPreemptOthers,
 * TestCalculateNumCandidates) and preemption_test.go: full scheduling cycles with the default
 * profile, so the messages are the ones `podfit schedule` prints.
 */
import { describe, expect, it } from 'vitest';
import type { Node, Pod, Taint } from '../../src/api/k8s.js';
import type { PodDisruptionBudget, PriorityClass } from '../../src/api/k8s-extra.js';
import { defaultSchedulerConfig } from '../../src/api/config.js';
import { Scheduler } from '../../src/framework/scheduler.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import { ClusterObjects } from '../../src/model/cluster-objects.js';
import { ClusterState, type NodeInfo } from '../../src/model/cluster-state.js';
import { makePodInfo, type PodInfo } from '../../src/model/pod-info.js';
import {
  calculateNumCandidates, compilePdbs, filterPodsWithPDBViolation, pickOneNodeForPreemption, type Candidate,
} from '../../src/plugins/default-preemption/index.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { REGISTRY } from '../../src/plugins/registry.js';

const kernels = createJsKernels();
const LOW = 0;
const MID = 100;
const HIGH = 1000;

function node(name: string, cpu = '2', opts: { taint?: Taint; labels?: Record<string, string> } = {}): Node {
  const b = makeNode(name).capacity({ cpu, memory: '8Gi', pods: 110 });
  if (opts.taint) b.taint(opts.taint);
  for (const [k, v] of Object.entries(opts.labels ?? {})) b.label(k, v);
  return b.build();
}
function pod(name: string, priority: number | null, cpu: string, opts: { node?: string; labels?: Record<string, string>; start?: string; patch?: (p: Pod) => void } = {}): Pod {
  const b = makePod(name).req({ cpu });
  if (priority !== null) b.priority(priority);
  if (opts.node) b.nodeName(opts.node);
  for (const [k, v] of Object.entries(opts.labels ?? {})) b.label(k, v);
  const p = b.build();
  if (opts.start) p.status = { ...(p.status ?? {}), startTime: opts.start };
  opts.patch?.(p);
  return p;
}
interface Extra {
  pdbs?: PodDisruptionBudget[];
  classes?: PriorityClass[];
}
function schedule(nodes: Node[], existing: Pod[], incoming: Pod, extra: Extra = {}) {
  const state = new ClusterState();
  const objects = new ClusterObjects();
  for (const pc of extra.classes ?? []) objects.addPriorityClass(pc);
  for (const pdb of extra.pdbs ?? []) objects.addPodDisruptionBudget(pdb);
  for (const n of nodes) state.addNode(n);
  for (const p of existing) {
    const info = makePodInfo(p);
    objects.admitPod(info);
    state.addPod(info, p.spec.nodeName!);
  }
  const scheduler = new Scheduler({ registry: REGISTRY, state, config: defaultSchedulerConfig(), kernels, objects });
  const before = snapshotOf(state);
  const result = scheduler.schedulePod(makePodInfo(incoming));
  // Dry runs must leave the cluster exactly as it was.
  expect(snapshotOf(state)).toEqual(before);
  return { result, state, victims: (result.victims ?? []).map((v) => v.name) };
}
function snapshotOf(state: ClusterState) {
  return state.nodes.map((n) => ({ node: n.name, pods: n.pods.map((p) => p.key), cpu: state.requestedOf(n, 'cpu'), ports: n.usedPorts.length }));
}
const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });
const pdb = (name: string, matchLabels: Record<string, string>, disruptionsAllowed: number, disruptedPods?: Record<string, string>): PodDisruptionBudget => ({
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' },
  spec: { selector: { matchLabels } }, status: { disruptionsAllowed, ...(disruptedPods ? { disruptedPods } : {}) },
});

describe('DefaultPreemption PostFilter (kube TestPostFilter)', () => {
  it('a pod with higher priority can be made schedulable: nominated node and victims', () => {
    const { result, victims } = schedule([node('node1')], [pod('p1', LOW, '2', { node: 'node1' })], pod('p', HIGH, '1'));
    expect(result.selectedNode).toBeNull();
    expect(result.nominatedNode).toBe('node1');
    expect(victims).toEqual(['p1']);
    // Preemption succeeded: the FitError carries no preemption part.
    expect(result.message).toBe('0/1 nodes are available: 1 Insufficient cpu.');
  });

  it('a pod with tied priority is still unschedulable', () => {
    const { result } = schedule([node('node1')], [pod('p1', MID, '2', { node: 'node1' })], pod('p', MID, '1'));
    expect(result.nominatedNode).toBeNull();
    expect(result.victims).toBeUndefined();
    expect(result.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
  });

  it('preemption respects UnschedulableAndUnresolvable node statuses', () => {
    const taint: Taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
    const { result } = schedule([node('node1', '2', { taint })], [pod('p1', LOW, '2', { node: 'node1' })], pod('p', HIGH, '1'));
    expect(result.message).toBe('0/1 nodes are available: 1 node(s) had untolerated taint {k: v}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
  });

  it('a pod can be made schedulable on one of two nodes', () => {
    const { result, victims } = schedule(
      [node('node1'), node('node2')],
      [pod('p1', HIGH + 1, '2', { node: 'node1' }), pod('p2', LOW, '2', { node: 'node2' })],
      pod('p', HIGH, '1'),
    );
    expect(result.nominatedNode).toBe('node2');
    expect(victims).toEqual(['p2']);
  });

  it('no candidate when removing every lower-priority pod is not enough', () => {
    const { result } = schedule([node('node1'), node('node2')], [pod('p1', LOW, '1', { node: 'node1' }), pod('p2', LOW, '1', { node: 'node2' })], pod('p', HIGH, '3'));
    expect(result.message).toBe('0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 Insufficient cpu.');
  });

  it('no candidate with mixed reasons: no lower-priority pod, not enough cpu, unresolvable', () => {
    const taint: Taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
    const { result } = schedule(
      [node('node1'), node('node2'), node('node3', '2', { taint }), node('node4')],
      [
        pod('p1', HIGH, '2', { node: 'node1' }),
        pod('p2a', HIGH, '1500m', { node: 'node2' }), pod('p2b', LOW, '500m', { node: 'node2' }),
        pod('p4', HIGH, '2', { node: 'node4' }),
      ],
      pod('p', HIGH, '1'),
    );
    expect(result.message).toBe(
      '0/4 nodes are available: 1 node(s) had untolerated taint {k: v}, 3 Insufficient cpu. '
      + 'preemption: 0/4 nodes are available: 1 Insufficient cpu, 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  it('preemptionPolicy Never: not eligible (from the pod or from its PriorityClass)', () => {
    const never = pod('p', HIGH, '1', { patch: (p) => { p.spec.preemptionPolicy = 'Never'; } });
    const { result } = schedule([node('node1')], [pod('p1', LOW, '2', { node: 'node1' })], never);
    expect(result.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
    expect(result.nominatedNode).toBeNull();
    const viaClass = pod('q', null, '1', { patch: (p) => { p.spec.priorityClassName = 'batch-high'; } });
    const r2 = schedule([node('node1')], [pod('p1', LOW, '2', { node: 'node1' })], viaClass, { classes: [pc('batch-high', HIGH, { preemptionPolicy: 'Never' })] });
    expect(r2.result.message).toMatch(/preemption: not eligible due to preemptionPolicy=Never\.$/);
  });

  it('a terminating lower-priority pod on the nominated node makes the pod wait', () => {
    const terminating = pod('old', LOW, '2', {
      node: 'node1',
      patch: (p) => {
        p.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
        (p.status as Record<string, unknown>).conditions = [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }];
      },
    });
    const nominated = pod('p', HIGH, '1', { patch: (p) => { p.status = { nominatedNodeName: 'node1' }; } });
    const { result } = schedule([node('node1')], [terminating], nominated);
    expect(result.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.');
  });

  it('there is nothing to preempt for a pod that fits nowhere because of Unresolvable filters only', () => {
    const { result } = schedule([node('node1')], [], pod('p', HIGH, '1', { patch: (p) => { p.spec.nodeSelector = { disk: 'ssd' }; } }));
    expect(result.message).toBe("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
  });
});

describe('DefaultPreemption victims (kube SelectVictimsOnNode / TestDryRunPreemption)', () => {
  it('reprieves the most important pods first and evicts only what is needed', () => {
    const { result, victims } = schedule(
      [node('node1', '3')],
      [pod('low1', 1, '1', { node: 'node1' }), pod('low2', 2, '1', { node: 'node1' }), pod('mid', 5, '1', { node: 'node1' })],
      pod('p', 10, '1'),
    );
    expect(result.nominatedNode).toBe('node1');
    expect(victims).toEqual(['low1']);
  });

  it('evicts several pods when one is not enough, most important first in the list', () => {
    const { victims } = schedule(
      [node('node1', '4')],
      [pod('a', 1, '1', { node: 'node1' }), pod('b', 3, '1', { node: 'node1' }), pod('c', 2, '1', { node: 'node1' }), pod('keep', 50, '1', { node: 'node1' })],
      pod('p', 10, '3'),
    );
    expect(victims).toEqual(['b', 'c', 'a']);
  });

  it('equal priorities: the later-started pod is more expendable', () => {
    const { victims } = schedule(
      [node('node1', '2')],
      [pod('old', 1, '1', { node: 'node1', start: '2024-01-01T00:00:00Z' }), pod('new', 1, '1', { node: 'node1', start: '2024-06-01T00:00:00Z' })],
      pod('p', 10, '1'),
    );
    expect(victims).toEqual(['new']);
  });

  it('a PDB-violating pod is reprieved first; a violation is counted when it still has to go', () => {
    // kube "preemption with violation of same pdb": both pods must go, the PDB allows one.
    const both = schedule(
      [node('node1', '2')],
      [pod('p1', LOW, '1', { node: 'node1', labels: { app: 'foo' } }), pod('p2', LOW, '1', { node: 'node1', labels: { app: 'foo' } })],
      pod('p', HIGH, '2'),
      { pdbs: [pdb('pdb', { app: 'foo' }, 1)] },
    );
    expect(both.victims.sort()).toEqual(['p1', 'p2']);
    // When either pod would do, the PDB-protected one is kept.
    const one = schedule(
      [node('node1', '2')],
      [pod('guarded', LOW, '1', { node: 'node1', labels: { app: 'db' } }), pod('free', LOW, '1', { node: 'node1', labels: { app: 'web' } })],
      pod('p', HIGH, '1'),
      { pdbs: [pdb('db', { app: 'db' }, 0)] },
    );
    expect(one.victims).toEqual(['free']);
  });

  it('prefers a node without PDB violations over one with fewer victims', () => {
    const { result } = schedule(
      [node('node1', '2'), node('node2', '2')],
      [
        pod('g1', LOW, '2', { node: 'node1', labels: { app: 'db' } }),
        pod('w1', LOW, '1', { node: 'node2', labels: { app: 'web' } }), pod('w2', LOW, '1', { node: 'node2', labels: { app: 'web' } }),
      ],
      pod('p', HIGH, '2'),
      { pdbs: [pdb('db', { app: 'db' }, 0)] },
    );
    expect(result.nominatedNode).toBe('node2');
  });

  it('pods already in disruptedPods and empty PDB selectors do not count as violations', () => {
    const infos = [makePodInfo(pod('a', LOW, '1', { labels: { app: 'x' } })), makePodInfo(pod('b', LOW, '1', { labels: { app: 'x' } })), makePodInfo(pod('c', LOW, '1'))];
    const split = (pdbs: PodDisruptionBudget[]) => {
      const r = filterPodsWithPDBViolation(infos, compilePdbs(pdbs));
      return [r.violating.map((p) => p.name), r.nonViolating.map((p) => p.name)];
    };
    expect(split([pdb('x', { app: 'x' }, 1)])).toEqual([['b'], ['a', 'c']]);
    expect(split([pdb('x', { app: 'x' }, 0, { a: '2024-01-01T00:00:00Z' })])).toEqual([['b'], ['a', 'c']]);
    expect(split([{ ...pdb('x', {}, 0), spec: { selector: {} } }])).toEqual([[], ['a', 'b', 'c']]);
    expect(split([{ ...pdb('x', { app: 'x' }, 0), metadata: { name: 'x', namespace: 'other' } }])).toEqual([[], ['a', 'b', 'c']]);
  });

  it('InterPodAffinity: evicting the lower-priority pod that the preemptor is anti-affine to', () => {
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'noisy' } } }] } };
    const { result, victims } = schedule(
      [node('node1', '4')],
      [pod('noisy', LOW, '1', { node: 'node1', labels: { app: 'noisy' } }), pod('quiet', LOW, '1', { node: 'node1', labels: { app: 'quiet' } })],
      pod('p', HIGH, '1', { patch: (p) => { p.spec.affinity = anti; } }),
    );
    expect(result.message).toBe("0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules.");
    expect(result.nominatedNode).toBe('node1');
    expect(victims).toEqual(['noisy']);
  });

  it('PodTopologySpread: removing and re-adding pods keeps the spread counts right', () => {
    const spread = (maxSkew: number) => (p: Pod) => {
      p.spec.topologySpreadConstraints = [{ maxSkew, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'x' } } }];
    };
    const taint: Taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
    const nodes = [node('node1', '8'), node('node2', '8', { taint })];
    const existing = [pod('a1', 1, '1', { node: 'node1', labels: { app: 'x' } }), pod('a2', 2, '1', { node: 'node1', labels: { app: 'x' } })];
    // node1 holds 2 matching pods, node2 0 (it counts: nodeTaintsPolicy defaults to Ignore).
    const r1 = schedule(nodes, existing, pod('p', HIGH, '1', { labels: { app: 'x' }, patch: spread(1) }));
    expect(r1.result.message).toBe("0/2 nodes are available: 1 node(s) didn't match pod topology spread constraints, 1 node(s) had untolerated taint {k: v}.");
    expect(r1.victims).toEqual(['a2', 'a1']);
    // maxSkew 2: one pod can stay (the more important a2 is reprieved).
    const r2 = schedule(nodes, existing, pod('p', HIGH, '1', { labels: { app: 'x' }, patch: spread(2) }));
    expect(r2.victims).toEqual(['a1']);
  });
});

describe('DefaultPreemption PriorityClasses', () => {
  it('priorityClassName resolves the preemptor priority; globalDefault applies to pods without one', () => {
    const classes = [pc('high', HIGH), pc('default-low', 5, { globalDefault: true })];
    const named = pod('p', null, '1', { patch: (p) => { p.spec.priorityClassName = 'high'; } });
    const { result, victims } = schedule([node('node1')], [pod('e', null, '2', { node: 'node1' })], named, { classes });
    expect(result.nominatedNode).toBe('node1');
    expect(victims).toEqual(['e']);
    // The existing pod got the globalDefault value (5): a pod with explicit priority 5 cannot preempt it.
    const tied = schedule([node('node1')], [pod('e', null, '2', { node: 'node1' })], pod('p', 5, '1'), { classes });
    expect(tied.result.message).toMatch(/No preemption victims found for incoming pod\.$/);
  });

  it('the lowest-valued globalDefault class wins; system classes resolve without objects', () => {
    const objects = new ClusterObjects();
    objects.addPriorityClass(pc('a', 30, { globalDefault: true }));
    objects.addPriorityClass(pc('b', 20, { globalDefault: true }));
    const plain = makePodInfo(pod('x', null, '1'));
    expect(objects.admitPod(plain)).toBeUndefined();
    expect(plain.priority).toBe(20);
    const critical = makePodInfo(pod('y', null, '1', { patch: (p) => { p.spec.priorityClassName = 'system-node-critical'; } }));
    objects.admitPod(critical);
    expect(critical.priority).toBe(2000001000);
    const missing = makePodInfo(pod('z', null, '1', { patch: (p) => { p.spec.priorityClassName = 'nope'; } }));
    expect(objects.admitPod(missing)).toBe('pod default/z: no PriorityClass with name nope was found; using priority 0');
    const explicit = makePodInfo(pod('w', 7, '1', { patch: (p) => { p.spec.priorityClassName = 'a'; } }));
    objects.admitPod(explicit);
    expect(explicit.priority).toBe(7);
  });
});

describe('DefaultPreemption candidate choice (kube pickOneNodeForPreemption / TestSelectBestCandidate)', () => {
  const fake = (name: string): NodeInfo => ({ name } as NodeInfo);
  const v = (name: string, priority: number, start?: string): PodInfo => {
    const info = makePodInfo(pod(name, priority, '1', { start }));
    return info;
  };
  const c = (n: string, victims: PodInfo[], numPDBViolations = 0): Candidate => ({ node: fake(n), victims, numPDBViolations });

  it.each([
    { name: 'fewest PDB violations first', cands: [c('a', [v('x', 1)], 1), c('b', [v('y', 5), v('z', 5)], 0)], want: 'b' },
    { name: 'then the lowest highest-priority victim', cands: [c('a', [v('x', 10)]), c('b', [v('y', 5), v('z', 5)])], want: 'b' },
    { name: 'then the smallest priority sum', cands: [c('a', [v('x', 5), v('y', 4)]), c('b', [v('z', 5), v('w', 1)])], want: 'b' },
    { name: 'negative priorities: more pods is a larger sum', cands: [c('a', [v('x', -5), v('y', -5)]), c('b', [v('z', -5)])], want: 'b' },
    { name: 'more victims make a larger sum (fewest victims)', cands: [c('a', [v('x', 5), v('y', 0), v('q', 0)]), c('b', [v('z', 5), v('w', 0)])], want: 'b' },
    {
      name: 'then the latest start among the highest-priority victims',
      cands: [c('a', [v('x', 5, '2024-01-01T00:00:00Z')]), c('b', [v('y', 5, '2024-03-01T00:00:00Z')])], want: 'b',
    },
    { name: 'pods that have not started count as started now (latest)', cands: [c('a', [v('x', 5, '2024-01-01T00:00:00Z')]), c('b', [v('y', 5)])], want: 'b' },
    { name: 'full tie: the first candidate (node order)', cands: [c('a', [v('x', 5)]), c('b', [v('y', 5)])], want: 'a' },
  ])('$name', ({ cands, want }) => {
    expect(pickOneNodeForPreemption(cands)!.node.name).toBe(want);
  });

  it('calculates the number of candidates like kube (TestCalculateNumCandidates)', () => {
    const args = { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 };
    expect(calculateNumCandidates(10, args)).toBe(10);
    expect(calculateNumCandidates(1000, args)).toBe(100);
    expect(calculateNumCandidates(5000, args)).toBe(500);
    expect(calculateNumCandidates(1000, { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: 5 })).toBe(5);
    expect(calculateNumCandidates(1000, { minCandidateNodesPercentage: 25, minCandidateNodesAbsolute: 0 })).toBe(250);
  });
});

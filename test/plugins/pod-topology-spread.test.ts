/**
 * PodTopologySpread, ported from kube-scheduler v1.32's podtopologyspread filtering_test.go
 * (TestPreFilterState, TestSingleConstraint, TestMultipleConstraints) and scoring_test.go
 * (TestPodTopologySpreadScore): same clusters, same expected counts, codes and scores.
 */
import { describe, expect, it } from 'vitest';
import type { LabelSelector, Node, Pod, Taint, TopologySpreadConstraint } from '../../src/api/k8s.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import type { FrameworkHandle } from '../../src/framework/interfaces.js';
import { Code, Status } from '../../src/framework/status.js';
import { ClusterObjects } from '../../src/model/cluster-objects.js';
import { ClusterState, type NodeInfo } from '../../src/model/cluster-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { argsSchema } from '../../src/plugins/pod-topology-spread/args.js';
import {
  ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH, PreFilterState, newPodTopologySpread,
} from '../../src/plugins/pod-topology-spread/index.js';
import { makePod } from '../helpers/builders.js';

const HOST = 'kubernetes.io/hostname';
const exists = (key: string): LabelSelector => ({ matchExpressions: [{ key, operator: 'Exists' }] });
const fooSelector = exists('foo');
const barSelector = exists('bar');
const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** kube's st.MakeNode(): only the labels given (no automatic hostname). */
function node(name: string, labels: Record<string, string>, taints: Taint[] = []): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints }, status: { allocatable: { cpu: '32', memory: '64Gi', pods: '110' } } };
}
/** kube's st.MakePod().Name(n).Node(node).Label(k, "")... */
function pod(name: string, nodeName: string | undefined, labels: Record<string, string>, opts: { ns?: string; terminating?: boolean } = {}): Pod {
  const b = makePod(name, opts.ns ?? 'default').labels(labels);
  if (nodeName) b.nodeName(nodeName);
  const p = b.build();
  if (opts.terminating) p.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  return p;
}
/** kube's SpreadConstraint(maxSkew, key, when, selector, minDomains, nodeAffinityPolicy, nodeTaintsPolicy, matchLabelKeys). */
function sc(
  maxSkew: number, topologyKey: string, whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway', labelSelector: LabelSelector | null,
  extra: Partial<TopologySpreadConstraint> = {},
): TopologySpreadConstraint {
  return { maxSkew, topologyKey, whenUnsatisfiable, labelSelector, ...extra };
}
function incoming(labels: Record<string, string>, constraints: TopologySpreadConstraint[], patch: (p: Pod) => void = () => {}): Pod {
  const p = pod('p', undefined, labels);
  p.spec.topologySpreadConstraints = constraints;
  patch(p);
  return p;
}

interface Setup {
  state: ClusterState;
  plugin: ReturnType<typeof newPodTopologySpread>;
  nodes: NodeInfo[];
}
function setup(nodes: Node[], existing: Pod[], opts: { objects?: ClusterObjects; args?: unknown } = {}): Setup {
  const state = new ClusterState();
  for (const n of nodes) state.addNode(n);
  // Pods on nodes the snapshot does not have are not seen (kube: no NodeInfo lists them).
  for (const p of existing) if (state.getNode(p.spec.nodeName!)) state.addPod(makePodInfo(p), p.spec.nodeName!);
  const handle = { state, kernels: { engine: 'js' }, profileName: 'default-scheduler', objects: opts.objects } as unknown as FrameworkHandle;
  const args = argsSchema.parse(opts.args ?? {});
  return { state, plugin: newPodTopologySpread(args, handle), nodes: state.nodes };
}

/** kube's criticalPaths comparison: ties sorted by topology value. */
function paths(s: PreFilterState): Array<[[string, number], [string, number]]> {
  return s.criticalPaths.map((p) => {
    const a: [string, number] = [p.v0, p.n0];
    const b: [string, number] = [p.v1, p.n1];
    return a[1] === b[1] && a[0] > b[0] ? [b, a] : [a, b];
  });
}

describe('PodTopologySpread PreFilter state (kube TestPreFilterState)', () => {
  const zoneNodes = [
    node('node-a', { zone: 'zone1', node: 'node-a' }),
    node('node-b', { zone: 'zone1', node: 'node-b' }),
    node('node-x', { zone: 'zone2', node: 'node-x' }),
    node('node-y', { zone: 'zone2', node: 'node-y' }),
  ];
  const fiveFoo = [
    pod('p-a1', 'node-a', { foo: '' }), pod('p-a2', 'node-a', { foo: '' }), pod('p-b1', 'node-b', { foo: '' }),
    pod('p-y1', 'node-y', { foo: '' }), pod('p-y2', 'node-y', { foo: '' }),
  ];
  const sevenFoo = [...fiveFoo, pod('p-y3', 'node-y', { foo: '' }), pod('p-y4', 'node-y', { foo: '' })];
  const threeNodes = (cTaints: Taint[] = [], labels: Record<string, string>[] = [{ foo: '' }, { foo: '' }, { bar: '' }]) => [
    node('node-a', { node: 'node-a', ...labels[0] }),
    node('node-b', { node: 'node-b', ...labels[1] }),
    node('node-c', { node: 'node-c', ...labels[2] }, cTaints),
  ];
  const barPods = [pod('p-a', 'node-a', { bar: '' }), pod('p-b', 'node-b', { bar: '' }), pod('p-c', 'node-b', { bar: '' }), pod('p-d', 'node-c', {})];
  const cases: Array<{ name: string; pod: Pod; nodes: Node[]; existing: Pod[]; tp: Array<Record<string, number>>; paths: Array<[[string, number], [string, number]]> }> = [
    {
      name: 'clean cluster with one spreadConstraint',
      pod: incoming({ foo: '' }, [sc(5, 'zone', 'DoNotSchedule', { matchLabels: { foo: 'bar' } })]),
      nodes: zoneNodes, existing: [],
      tp: [{ zone1: 0, zone2: 0 }], paths: [[['zone1', 0], ['zone2', 0]]],
    },
    {
      name: 'normal case with one spreadConstraint',
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector)]),
      nodes: zoneNodes, existing: fiveFoo,
      tp: [{ zone1: 3, zone2: 2 }], paths: [[['zone2', 2], ['zone1', 3]]],
    },
    {
      name: 'normal case with null label selector',
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', null)]),
      nodes: zoneNodes, existing: fiveFoo,
      tp: [{ zone1: 0, zone2: 0 }], paths: [[['zone1', 0], ['zone2', 0]]],
    },
    {
      name: 'normal case with one spreadConstraint, on a 3-zone cluster',
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector)]),
      nodes: [...zoneNodes, node('node-o', { zone: 'zone3', node: 'node-o' }), node('node-p', { zone: 'zone3', node: 'node-p' })],
      existing: fiveFoo,
      tp: [{ zone1: 3, zone2: 2, zone3: 0 }], paths: [[['zone3', 0], ['zone2', 2]]],
    },
    {
      name: "namespace mismatch doesn't count",
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector)]),
      nodes: zoneNodes,
      existing: [
        pod('p-a1', 'node-a', { foo: '' }), pod('p-a2', 'node-a', { foo: '' }, { ns: 'ns1' }), pod('p-b1', 'node-b', { foo: '' }),
        pod('p-y1', 'node-y', { foo: '' }, { ns: 'ns2' }), pod('p-y2', 'node-y', { foo: '' }),
      ],
      tp: [{ zone1: 2, zone2: 1 }], paths: [[['zone2', 1], ['zone1', 2]]],
    },
    {
      name: 'normal case with two spreadConstraints',
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector), sc(1, 'node', 'DoNotSchedule', fooSelector)]),
      nodes: zoneNodes, existing: sevenFoo,
      tp: [{ zone1: 3, zone2: 4 }, { 'node-a': 2, 'node-b': 1, 'node-x': 0, 'node-y': 4 }],
      paths: [[['zone1', 3], ['zone2', 4]], [['node-x', 0], ['node-b', 1]]],
    },
    {
      name: 'soft spreadConstraints should be bypassed',
      pod: incoming({ foo: '' }, [
        sc(1, 'zone', 'ScheduleAnyway', fooSelector), sc(1, 'zone', 'DoNotSchedule', fooSelector),
        sc(1, 'node', 'ScheduleAnyway', fooSelector), sc(1, 'node', 'DoNotSchedule', fooSelector),
      ]),
      nodes: [zoneNodes[0]!, zoneNodes[1]!, zoneNodes[3]!], existing: sevenFoo,
      tp: [{ zone1: 3, zone2: 4 }, { 'node-a': 2, 'node-b': 1, 'node-y': 4 }],
      paths: [[['zone1', 3], ['zone2', 4]], [['node-b', 1], ['node-a', 2]]],
    },
    {
      name: 'different labelSelectors - simple version',
      pod: incoming({ foo: '', bar: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector), sc(1, 'node', 'DoNotSchedule', barSelector)]),
      nodes: [zoneNodes[0]!, zoneNodes[1]!, zoneNodes[3]!],
      existing: [pod('p-a', 'node-a', { foo: '' }), pod('p-b', 'node-b', { bar: '' })],
      tp: [{ zone1: 1, zone2: 0 }, { 'node-a': 0, 'node-b': 1, 'node-y': 0 }],
      paths: [[['zone2', 0], ['zone1', 1]], [['node-a', 0], ['node-y', 0]]],
    },
    {
      name: 'NodeAffinityPolicy honored with labelSelectors',
      pod: incoming({ foo: '' }, [sc(1, 'node', 'DoNotSchedule', barSelector)], (p) => { p.spec.nodeSelector = { foo: '' }; }),
      nodes: threeNodes(), existing: barPods,
      tp: [{ 'node-a': 1, 'node-b': 2 }], paths: [[['node-a', 1], ['node-b', 2]]],
    },
    {
      name: 'NodeAffinityPolicy ignored with labelSelectors',
      pod: incoming({ foo: '' }, [sc(1, 'node', 'DoNotSchedule', barSelector, { nodeAffinityPolicy: 'Ignore' })], (p) => { p.spec.nodeSelector = { foo: '' }; }),
      nodes: threeNodes(), existing: barPods,
      tp: [{ 'node-a': 1, 'node-b': 2, 'node-c': 0 }], paths: [[['node-c', 0], ['node-a', 1]]],
    },
    {
      name: 'NodeAffinityPolicy honored with nodeAffinity',
      pod: incoming({ foo: '' }, [sc(1, 'node', 'DoNotSchedule', barSelector)], (p) => {
        p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'foo', operator: 'In', values: [''] }] }] } } };
      }),
      nodes: threeNodes(), existing: barPods,
      tp: [{ 'node-a': 1, 'node-b': 2 }], paths: [[['node-a', 1], ['node-b', 2]]],
    },
    {
      name: 'NodeTaintsPolicy ignored (the default)',
      pod: incoming({ foo: '' }, [sc(1, 'node', 'DoNotSchedule', barSelector)]),
      nodes: threeNodes([UNSCHEDULABLE_TAINT], [{}, {}, { bar: '' }]), existing: barPods,
      tp: [{ 'node-a': 1, 'node-b': 2, 'node-c': 0 }], paths: [[['node-c', 0], ['node-a', 1]]],
    },
    {
      name: 'NodeTaintsPolicy honored',
      pod: incoming({ foo: '' }, [sc(1, 'node', 'DoNotSchedule', barSelector, { nodeTaintsPolicy: 'Honor' })]),
      nodes: threeNodes([UNSCHEDULABLE_TAINT], [{}, {}, { bar: '' }]), existing: barPods,
      tp: [{ 'node-a': 1, 'node-b': 2 }], paths: [[['node-a', 1], ['node-b', 2]]],
    },
    {
      name: 'NodeTaintsPolicy honored with tolerated taints',
      pod: incoming({ foo: '' }, [sc(1, 'node', 'DoNotSchedule', barSelector, { nodeTaintsPolicy: 'Honor' })], (p) => {
        p.spec.tolerations = [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }];
      }),
      nodes: threeNodes([UNSCHEDULABLE_TAINT], [{}, {}, { bar: '' }]), existing: barPods,
      tp: [{ 'node-a': 1, 'node-b': 2, 'node-c': 0 }], paths: [[['node-c', 0], ['node-a', 1]]],
    },
    {
      name: 'two node inclusion Constraints, zone: honor/ignore, node: ignore/ignore',
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector), sc(1, 'node', 'DoNotSchedule', fooSelector, { nodeAffinityPolicy: 'Ignore' })], (p) => {
        p.spec.nodeSelector = { foo: '' };
      }),
      nodes: [
        node('node-a', { zone: 'zone1', node: 'node-a', foo: '' }),
        node('node-b', { zone: 'zone1', node: 'node-b' }),
        node('node-x', { zone: 'zone2', node: 'node-x', foo: '' }),
      ],
      existing: [pod('p-b1', 'node-b', { foo: '' }), pod('p-b2', 'node-b', { foo: '' }), pod('p-x1', 'node-x', { foo: '' })],
      tp: [{ zone1: 0, zone2: 1 }, { 'node-a': 0, 'node-b': 2, 'node-x': 1 }],
      paths: [[['zone1', 0], ['zone2', 1]], [['node-a', 0], ['node-x', 1]]],
    },
    {
      name: 'matchLabelKeys narrow the selector to the pod\'s own values',
      pod: incoming({ foo: '', rev: 'v2' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector, { matchLabelKeys: ['rev', 'absent'] })]),
      nodes: zoneNodes,
      existing: [pod('a1', 'node-a', { foo: '', rev: 'v1' }), pod('a2', 'node-a', { foo: '', rev: 'v2' }), pod('y1', 'node-y', { foo: '', rev: 'v2' }), pod('y2', 'node-y', { rev: 'v2' })],
      tp: [{ zone1: 1, zone2: 1 }], paths: [[['zone1', 1], ['zone2', 1]]],
    },
    {
      name: 'matchLabelKeys with a nil selector select by the keys alone',
      pod: incoming({ rev: 'v2' }, [sc(1, 'zone', 'DoNotSchedule', null, { matchLabelKeys: ['rev'] })]),
      nodes: zoneNodes,
      existing: [pod('a1', 'node-a', { rev: 'v1' }), pod('y1', 'node-y', { rev: 'v2' }), pod('y2', 'node-y', { rev: 'v2' })],
      tp: [{ zone1: 0, zone2: 2 }], paths: [[['zone1', 0], ['zone2', 2]]],
    },
  ];
  it.each(cases)('$name', (c) => {
    const { plugin, nodes } = setup(c.nodes, c.existing);
    const cs = new CycleState();
    const r = plugin.preFilter(cs, makePodInfo(c.pod), nodes);
    expect(r.status).toBeNull();
    const s = cs.read<PreFilterState>('PreFilterPodTopologySpread')!;
    expect(s.tpValueToMatchNum.map((m) => Object.fromEntries(m))).toEqual(c.tp);
    expect(paths(s)).toEqual(c.paths);
  });

  it('returns Skip for a pod without hard constraints (and no DoNotSchedule defaults)', () => {
    const { plugin, nodes } = setup(zoneNodes, []);
    expect(plugin.preFilter(new CycleState(), makePodInfo(incoming({ foo: '' }, [sc(1, 'zone', 'ScheduleAnyway', fooSelector)])), nodes).status!.code).toBe(Code.Skip);
    expect(plugin.preFilter(new CycleState(), makePodInfo(pod('plain', undefined, { foo: '' })), nodes).status!.code).toBe(Code.Skip);
  });

  it('reports an invalid selector as an error', () => {
    const { plugin, nodes } = setup(zoneNodes, []);
    const bad = incoming({}, [sc(1, 'zone', 'DoNotSchedule', { matchExpressions: [{ key: 'foo', operator: 'In', values: [] }] })]);
    const st = plugin.preFilter(new CycleState(), makePodInfo(bad), nodes).status!;
    expect(st.code).toBe(Code.Error);
    expect(st.message()).toMatch(/^get constraints from pod: obtaining pod's hard topology spread constraints: matchExpressions\[0\]\.values/);
  });
});

type Want = Record<string, Code>;
function runFilter(nodesIn: Node[], existing: Pod[], p: Pod): { codes: Want; statuses: Record<string, Status | null> } {
  const { plugin, nodes } = setup(nodesIn, existing);
  const cs = new CycleState();
  const info = makePodInfo(p);
  const pre = plugin.preFilter(cs, info, nodes);
  expect(pre.status).toBeNull();
  const out: Array<Status | null> = nodes.map(() => null);
  plugin.filter(cs, info, nodes, out);
  const codes: Want = {};
  const statuses: Record<string, Status | null> = {};
  nodes.forEach((n, i) => {
    codes[n.name] = out[i]?.code ?? Code.Success;
    statuses[n.name] = out[i] ?? null;
  });
  return { codes, statuses };
}

describe('PodTopologySpread Filter (kube TestSingleConstraint / TestMultipleConstraints)', () => {
  const four = [
    node('node-a', { zone: 'zone1', node: 'node-a' }), node('node-b', { zone: 'zone1', node: 'node-b' }),
    node('node-x', { zone: 'zone2', node: 'node-x' }), node('node-y', { zone: 'zone2', node: 'node-y' }),
  ];
  const spread2103 = [
    pod('p-a1', 'node-a', { foo: '' }), pod('p-a2', 'node-a', { foo: '' }), pod('p-b1', 'node-b', { foo: '' }),
    pod('p-y1', 'node-y', { foo: '' }), pod('p-y2', 'node-y', { foo: '' }), pod('p-y3', 'node-y', { foo: '' }),
  ];
  const S = Code.Success;
  const U = Code.Unschedulable;
  const R = Code.UnschedulableAndUnresolvable;
  const cases: Array<{ name: string; pod: Pod; nodes: Node[]; existing: Pod[]; want: Want }> = [
    {
      name: 'no existing pods',
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector)]), nodes: four, existing: [],
      want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S },
    },
    {
      name: "no existing pods, incoming pod doesn't match itself",
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', barSelector)]), nodes: four, existing: [],
      want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S },
    },
    {
      name: 'existing pods in a different namespace do not count',
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector)]), nodes: four,
      existing: [
        pod('p-a1', 'node-a', { foo: '' }, { ns: 'ns1' }), pod('p-b1', 'node-a', { foo: '' }, { ns: 'ns2' }),
        pod('p-x1', 'node-x', { foo: '' }), pod('p-y1', 'node-y', { foo: '' }),
      ],
      want: { 'node-a': S, 'node-b': S, 'node-x': U, 'node-y': U },
    },
    {
      name: 'pods spread across zones as 3/3, all nodes fit',
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector)]), nodes: four, existing: spread2103,
      want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S },
    },
    {
      name: "pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector)]),
      nodes: [four[0]!, node('node-b', { zon: 'zone1', node: 'node-b' }), four[2]!, four[3]!],
      existing: [pod('p-a1', 'node-a', { foo: '' }), pod('p-b1', 'node-b', { foo: '' }), pod('p-x1', 'node-x', { foo: '' }), pod('p-y1', 'node-y', { foo: '' })],
      want: { 'node-a': S, 'node-b': R, 'node-x': U, 'node-y': U },
    },
    {
      name: "pod cannot be scheduled as all nodes don't have label 'rack'",
      pod: incoming({ foo: '' }, [sc(1, 'rack', 'DoNotSchedule', fooSelector)]), nodes: [four[0]!, four[2]!], existing: [],
      want: { 'node-a': R, 'node-x': R },
    },
    {
      name: 'pods spread across nodes as 2/1/0/3, only node-x fits',
      pod: incoming({ foo: '' }, [sc(1, 'node', 'DoNotSchedule', fooSelector)]), nodes: four, existing: spread2103,
      want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U },
    },
    {
      name: 'pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit',
      pod: incoming({ foo: '' }, [sc(2, 'node', 'DoNotSchedule', fooSelector)]), nodes: four, existing: spread2103,
      want: { 'node-a': U, 'node-b': S, 'node-x': S, 'node-y': U },
    },
    {
      name: "pods spread across nodes as 2/1/0/3, but pod doesn't match itself",
      pod: incoming({ bar: '' }, [sc(1, 'node', 'DoNotSchedule', fooSelector)]), nodes: four, existing: spread2103,
      want: { 'node-a': U, 'node-b': S, 'node-x': S, 'node-y': U },
    },
    {
      // Only node-a and node-y count (2/~1~/~0~/3); NodeAffinity itself is not run here.
      name: 'incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits',
      pod: incoming({ foo: '' }, [sc(1, 'node', 'DoNotSchedule', fooSelector)], (p) => {
        p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node', operator: 'In', values: ['node-a', 'node-y'] }] }] } } };
      }),
      nodes: four, existing: spread2103,
      want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': U },
    },
    {
      name: 'terminating Pods should be excluded',
      pod: incoming({ foo: '' }, [sc(1, 'node', 'DoNotSchedule', fooSelector)]),
      nodes: [node('node-a', { node: 'node-a' }), node('node-b', { node: 'node-b' })],
      existing: [pod('p-a', 'node-a', { foo: '' }, { terminating: true }), pod('p-b', 'node-b', { foo: '' })],
      want: { 'node-a': S, 'node-b': U },
    },
    {
      name: 'minDomains above the number of domains treats the global minimum as 0',
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector, { minDomains: 3 })]), nodes: four,
      existing: [pod('a1', 'node-a', { foo: '' }), pod('b1', 'node-b', { foo: '' }), pod('x1', 'node-x', { foo: '' })],
      want: { 'node-a': U, 'node-b': U, 'node-x': U, 'node-y': U },
    },
    {
      name: 'minDomains met: the global minimum counts',
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector, { minDomains: 2 })]), nodes: four,
      existing: [pod('a1', 'node-a', { foo: '' }), pod('b1', 'node-b', { foo: '' }), pod('x1', 'node-x', { foo: '' })],
      want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': S },
    },
    {
      // 1. zone: any zone; 2. node: only node-x. Intersection: node-x.
      name: 'two Constraints on zone and node, spreads = [3/3, 2/1/0/3]',
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector), sc(1, 'node', 'DoNotSchedule', fooSelector)]), nodes: four, existing: spread2103,
      want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U },
    },
    {
      // zone: only zone1 (3 vs 4); node: only node-x. The intersection is empty.
      name: 'two Constraints on zone and node, spreads = [3/4, 2/1/0/4]',
      pod: incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector), sc(1, 'node', 'DoNotSchedule', fooSelector)]), nodes: four,
      existing: [...spread2103, pod('p-y4', 'node-y', { foo: '' })],
      want: { 'node-a': U, 'node-b': U, 'node-x': U, 'node-y': U },
    },
    {
      // zone (foo): zone1 3 vs zone2 0 -> zone2; node (bar): node-b, node-x, node-y have no bar pods.
      name: 'Constraints hold different labelSelectors, spreads = [1/0, 0/0/1/0]',
      pod: incoming({ foo: '', bar: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector), sc(1, 'node', 'DoNotSchedule', barSelector)]), nodes: four,
      existing: [pod('p-a1', 'node-a', { foo: '' }), pod('p-x1', 'node-x', { bar: '' })],
      want: { 'node-a': U, 'node-b': U, 'node-x': U, 'node-y': S },
    },
  ];
  it.each(cases)('$name', (c) => {
    expect(runFilter(c.nodes, c.existing, c.pod).codes).toEqual(c.want);
  });

  it("uses kube's reason strings", () => {
    const { statuses } = runFilter(
      [node('node-a', { zone: 'z1' }), node('node-b', { zon: 'z1' }), node('node-c', { zone: 'z2' })],
      [pod('a1', 'node-a', { foo: '' })],
      incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector)]),
    );
    expect(statuses['node-a']!.reasons).toEqual([ERR_REASON_CONSTRAINTS_NOT_MATCH]);
    expect(statuses['node-a']!.reasons[0]).toBe("node(s) didn't match pod topology spread constraints");
    expect(statuses['node-b']!.reasons).toEqual([ERR_REASON_NODE_LABEL_NOT_MATCH]);
    expect(statuses['node-b']!.reasons[0]).toBe("node(s) didn't match pod topology spread constraints (missing required label)");
    expect(statuses['node-c']).toBeNull();
  });

  it('keeps its counts through addPod/removePod and clones them for dry runs', () => {
    const { plugin, nodes, state } = setup(four, [pod('a1', 'node-a', { foo: '' })]);
    const cs = new CycleState();
    const p = makePodInfo(incoming({ foo: '' }, [sc(1, 'zone', 'DoNotSchedule', fooSelector)]));
    plugin.preFilter(cs, p, nodes);
    const copy = cs.clone();
    const a1 = state.placementOf('default/a1')!.pod;
    const nodeA = state.getNode('node-a')!;
    expect(plugin.removePod!(copy, p, a1, nodeA)).toBeNull();
    const out: Array<Status | null> = nodes.map(() => null);
    plugin.filter(copy, p, nodes, out);
    expect(out.every((s) => s === null)).toBe(true);
    // The original state still sees zone1 at 1.
    const out2: Array<Status | null> = nodes.map(() => null);
    plugin.filter(cs, p, nodes, out2);
    expect(out2.map((s) => s?.code ?? Code.Success)).toEqual([U, U, S, S]);
    // A pod from another namespace changes nothing.
    const other = makePodInfo(pod('o', 'node-x', { foo: '' }, { ns: 'other' }));
    plugin.addPod!(copy, p, other, state.getNode('node-x')!);
    expect(copy.read<PreFilterState>('PreFilterPodTopologySpread')!.tpValueToMatchNum[0]!.get('zone2')).toBe(0);
  });
});

describe('PodTopologySpread Score (kube TestPodTopologySpreadScore)', () => {
  const hostNodes = (names: string[]) => names.map((n) => node(n, { [HOST]: n }));
  const foo = (name: string, n: string) => pod(name, n, { foo: '' });
  const nFoo = (n: string, count: number, prefix = `p-${n.slice(-1)}`) => Array.from({ length: count }, (_, i) => foo(`${prefix}${i + 1}`, n));
  function score(nodesIn: Node[], failed: Node[], existing: Pod[], p: Pod, objects?: ClusterObjects, args?: unknown): Record<string, number> {
    const { plugin, state } = setup([...nodesIn, ...failed], existing, { objects, args });
    const filtered = nodesIn.map((n) => state.getNode(n.metadata.name!)!);
    const cs = new CycleState();
    const info = makePodInfo(p);
    const ps = plugin.preScore(cs, info, filtered);
    const out = new Float64Array(filtered.length);
    if (ps && ps.code === Code.Skip) return Object.fromEntries(filtered.map((n) => [n.name, 0]));
    expect(ps).toBeNull();
    expect(plugin.score(cs, info, filtered, out)).toBeNull();
    expect(plugin.normalizeScore!(cs, info, filtered, out)).toBeNull();
    return Object.fromEntries(filtered.map((n, i) => [n.name, out[i]!]));
  }
  const soft = (maxSkew: number, key = HOST, sel: LabelSelector | null = fooSelector) => incoming({ foo: '' }, [sc(maxSkew, key, 'ScheduleAnyway', sel)]);

  it.each([
    { name: 'one constraint on node, no existing pods', nodes: ['node-a', 'node-b'], failed: [], existing: [], pod: soft(1), want: { 'node-a': 100, 'node-b': 100 } },
    {
      name: 'one constraint on node, only one node is candidate', nodes: ['node-a'], failed: ['node-b'],
      existing: [...nFoo('node-a', 2), ...nFoo('node-b', 1)], pod: soft(1), want: { 'node-a': 100 },
    },
    {
      name: 'one constraint on node, all nodes have the same number of matching pods', nodes: ['node-a', 'node-b'], failed: [],
      existing: [...nFoo('node-a', 1), ...nFoo('node-b', 1)], pod: soft(1), want: { 'node-a': 100, 'node-b': 100 },
    },
    {
      name: 'one constraint on node, all 4 nodes are candidates (2/1/0/3)', nodes: ['node-a', 'node-b', 'node-c', 'node-d'], failed: [],
      existing: [...nFoo('node-a', 2), ...nFoo('node-b', 1), ...nFoo('node-d', 3)], pod: soft(1),
      want: { 'node-a': 20, 'node-b': 60, 'node-c': 100, 'node-d': 0 },
    },
    {
      name: 'one constraint on node, null selector', nodes: ['node-a', 'node-b', 'node-c', 'node-d'], failed: [],
      existing: [...nFoo('node-a', 2), ...nFoo('node-b', 1), ...nFoo('node-d', 3)], pod: soft(1, HOST, null),
      want: { 'node-a': 100, 'node-b': 100, 'node-c': 100, 'node-d': 100 },
    },
    {
      name: 'one constraint on node, all 4 nodes are candidates, maxSkew=2', nodes: ['node-a', 'node-b', 'node-c', 'node-d'], failed: [],
      existing: [...nFoo('node-a', 2), ...nFoo('node-b', 1), ...nFoo('node-d', 3)], pod: soft(2),
      want: { 'node-a': 33, 'node-b': 66, 'node-c': 100, 'node-d': 16 },
    },
    {
      name: 'one constraint on node, all 4 nodes are candidates, maxSkew=3 (4/3/2/1)', nodes: ['node-a', 'node-b', 'node-c', 'node-d'], failed: [],
      existing: [...nFoo('node-a', 4), ...nFoo('node-b', 3), ...nFoo('node-c', 2), ...nFoo('node-d', 1)], pod: soft(3),
      want: { 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 },
    },
    {
      name: 'one constraint on node, 3 out of 4 nodes are candidates (4/2/1/~3~)', nodes: ['node-a', 'node-b', 'node-x'], failed: ['node-y'],
      existing: [...nFoo('node-a', 4), ...nFoo('node-b', 2), ...nFoo('node-x', 1), ...nFoo('node-y', 3)], pod: soft(1),
      want: { 'node-a': 33, 'node-b': 83, 'node-x': 100 },
    },
  ])('$name', (c) => {
    expect(score(hostNodes(c.nodes), hostNodes(c.failed), c.existing, c.pod)).toEqual(c.want);
  });

  it("one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key", () => {
    const existing = [...nFoo('node-a', 4), ...nFoo('node-b', 2), ...nFoo('node-x', 1), ...nFoo('node-y', 3)];
    const got = score([node('node-a', { [HOST]: 'node-a' }), node('node-b', { n: 'node-b' }), node('node-x', { [HOST]: 'node-x' })], [node('node-y', { [HOST]: 'node-y' })], existing, soft(1));
    expect(got).toEqual({ 'node-a': 16, 'node-b': 0, 'node-x': 100 });
  });

  it('one constraint on zone, 3 out of 4 nodes are candidates', () => {
    const existing = [...nFoo('node-a', 4), ...nFoo('node-b', 2), ...nFoo('node-x', 1), ...nFoo('node-y', 3)];
    const z = (n: string, zone: string) => node(n, { zone, [HOST]: n });
    expect(score([z('node-a', 'zone1'), z('node-b', 'zone1'), z('node-x', 'zone2')], [z('node-y', 'zone2')], existing, soft(1, 'zone')))
      .toEqual({ 'node-a': 75, 'node-b': 75, 'node-x': 100 });
  });

  it('two Constraints on zone and node, 2 out of 4 nodes are candidates (2/~1~/2/~4~)', () => {
    const existing = [...nFoo('node-a', 2), ...nFoo('node-b', 1), ...nFoo('node-x', 2), ...nFoo('node-y', 4)];
    const z = (n: string, zone: string) => node(n, { zone, [HOST]: n });
    const p = incoming({ foo: '' }, [sc(1, 'zone', 'ScheduleAnyway', fooSelector), sc(1, HOST, 'ScheduleAnyway', fooSelector)]);
    // zone1 = 3, zone2 = 6 (all nodes count); hostname per node; weights ln(4) and ln(4).
    expect(score([z('node-a', 'zone1'), z('node-x', 'zone2')], [z('node-b', 'zone1'), z('node-y', 'zone2')], existing, p))
      .toEqual({ 'node-a': 100, 'node-x': 63 });
  });

  it('system defaulting, nodes without zone, pods selected by a Service: hostname spreading only', () => {
    const objects = new ClusterObjects();
    objects.addService({ kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { selector: { foo: '' } } });
    const existing = [...nFoo('node-a', 4), ...nFoo('node-b', 3), ...nFoo('node-c', 2), ...nFoo('node-d', 1)];
    expect(score(hostNodes(['node-a', 'node-b', 'node-c', 'node-d']), [], existing, pod('p', undefined, { foo: '' }), objects))
      .toEqual({ 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 });
    // Without a selecting Service (or controller) there is nothing to spread.
    expect(score(hostNodes(['node-a', 'node-b']), [], existing, pod('p', undefined, { foo: '' }), new ClusterObjects()))
      .toEqual({ 'node-a': 0, 'node-b': 0 });
  });

  it('system defaulting takes the selector of the controlling ReplicaSet', () => {
    const objects = new ClusterObjects();
    objects.addReplicaSet({ kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } } } });
    const owned = (name: string, n: string) => pod(name, n, { app: 'web' });
    const existing = [owned('w1', 'node-a'), owned('w2', 'node-a'), owned('w3', 'node-b')];
    const p = pod('p', undefined, { app: 'web' });
    p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', controller: true }];
    const z = (n: string, zone: string) => node(n, { [HOST]: n, 'topology.kubernetes.io/zone': zone });
    // hostname (maxSkew 3, weight ln 5): 2/1/0 pods; zone (maxSkew 5, weight ln 4): za=3, zb=0.
    // Raw 13/12/6 -> 100*(13+6-s)/13.
    expect(score([z('node-a', 'za'), z('node-b', 'za'), z('node-c', 'zb')], [], existing, p, objects))
      .toEqual({ 'node-a': 46, 'node-b': 53, 'node-c': 100 });
    // A ReplicaSet the snapshot does not have: no default spreading.
    expect(score([z('node-a', 'za'), z('node-c', 'zb')], [], existing, p, new ClusterObjects())).toEqual({ 'node-a': 0, 'node-c': 0 });
  });

  it('List defaulting with DoNotSchedule defaultConstraints filters pods selected by a Service', () => {
    const objects = new ClusterObjects();
    objects.addService({ kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { selector: { app: 'web' } } });
    const args = { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] };
    const { plugin, nodes } = setup([node('a', { zone: 'z1' }), node('b', { zone: 'z2' })], [pod('w1', 'a', { app: 'web' })], { objects, args });
    const cs = new CycleState();
    const p = makePodInfo(pod('p', undefined, { app: 'web' }));
    expect(plugin.preFilter(cs, p, nodes).status).toBeNull();
    const out: Array<Status | null> = [null, null];
    plugin.filter(cs, p, nodes, out);
    expect(out.map((s) => s?.code ?? Code.Success)).toEqual([Code.Unschedulable, Code.Success]);
  });
});

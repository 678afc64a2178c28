/**
 * InterPodAffinity, ported from kube-scheduler v1.32's interpodaffinity filtering_test.go
 * (TestRequiredAffinitySingleNode, TestRequiredAffinityMultipleNodes, namespaceSelector cases) and
 * scoring_test.go (TestPreferredAffinity, TestPreferredAffinityWithHardPodAffinitySymmetricWeight):
 * same clusters, same verdicts and reason strings, same normalized scores.
 */
import { describe, expect, it } from 'vitest';
import type { Affinity, LabelSelector, Node, Pod, PodAffinityTerm } from '../../src/api/k8s.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import type { FrameworkHandle } from '../../src/framework/interfaces.js';
import { Code, Status } from '../../src/framework/status.js';
import { ClusterObjects } from '../../src/model/cluster-objects.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { TopologyIndex } from '../../src/model/topology-index.js';
import { argsSchema } from '../../src/plugins/inter-pod-affinity/args.js';
import {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH, newInterPodAffinity,
} from '../../src/plugins/inter-pod-affinity/index.js';
import { makePod } from '../helpers/builders.js';

function node(name: string, labels: Record<string, string>): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: {}, status: { allocatable: { cpu: '32', memory: '64Gi', pods: '110' } } };
}
function pod(name: string, nodeName: string | undefined, labels: Record<string, string>, affinity?: Affinity, ns = 'default'): Pod {
  const b = makePod(name, ns).labels(labels);
  if (nodeName) b.nodeName(nodeName);
  if (affinity) b.affinity(affinity);
  return b.build();
}
const sel = (key: string, operator: string, values?: string[]): LabelSelector => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
const term = (labelSelector: LabelSelector | null, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ labelSelector, topologyKey, ...extra });
const required = (affinity: PodAffinityTerm[] = [], anti: PodAffinityTerm[] = []): Affinity => ({
  ...(affinity.length ? { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: affinity } } : {}),
  ...(anti.length ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: anti } } : {}),
});
const preferred = (affinity: Array<[number, PodAffinityTerm]> = [], anti: Array<[number, PodAffinityTerm]> = []): Affinity => ({
  ...(affinity.length ? { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: affinity.map(([weight, podAffinityTerm]) => ({ weight, podAffinityTerm })) } } : {}),
  ...(anti.length ? { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: anti.map(([weight, podAffinityTerm]) => ({ weight, podAffinityTerm })) } } : {}),
});

function setup(nodes: Node[], existing: Pod[], opts: { objects?: ClusterObjects; args?: unknown } = {}) {
  const state = new ClusterState();
  for (const n of nodes) state.addNode(n);
  const objects = opts.objects ?? new ClusterObjects();
  for (const p of existing) {
    if (!state.getNode(p.spec.nodeName!)) continue;
    const info = makePodInfo(p);
    objects.admitPod(info);
    state.addPod(info, p.spec.nodeName!);
  }
  const handle = { state, kernels: { engine: 'js' }, profileName: 'default-scheduler', objects } as unknown as FrameworkHandle;
  return { state, objects, plugin: newInterPodAffinity(argsSchema.parse(opts.args ?? {}), handle) };
}

/** PreFilter + Filter on every node: status per node (null = passes; Skip = Filter not run). */
function filter(nodes: Node[], existing: Pod[], p: Pod, objects?: ClusterObjects): Record<string, Status | null> {
  const { state, plugin, objects: objs } = setup(nodes, existing, { objects });
  const info = makePodInfo(p);
  objs.admitPod(info);
  const cs = new CycleState();
  const pre = plugin.preFilter(cs, info, state.nodes);
  if (pre.status?.code === Code.Skip) return Object.fromEntries(state.nodes.map((n) => [n.name, null]));
  expect(pre.status).toBeNull();
  const out: Array<Status | null> = state.nodes.map(() => null);
  plugin.filter(cs, info, state.nodes, out);
  return Object.fromEntries(state.nodes.map((n, i) => [n.name, out[i] ?? null]));
}
const ok = null;
const AFF = [Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH] as const;
const ANTI = [Code.Unschedulable, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH] as const;
const EXIST = [Code.Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH] as const;
const view = (r: Record<string, Status | null>) => Object.fromEntries(Object.entries(r).map(([k, s]) => [k, s === null ? null : [s.code, s.reasons.join(', ')]]));

describe('InterPodAffinity Filter, one node (kube TestRequiredAffinitySingleNode)', () => {
  const podLabel = { service: 'securityscan' };
  const podLabel2 = { security: 'S1' };
  const node1 = node('node1', { region: 'r1', zone: 'z11' });
  const inSecurityscan = sel('service', 'In', ['securityscan', 'value2']);
  const cases: Array<{ name: string; pod: Pod; pods: Pod[]; want: readonly [Code, string] | null }> = [
    { name: 'a pod without required pod affinity schedules onto a node with no existing pods', pod: pod('p', undefined, {}), pods: [], want: ok },
    {
      name: 'satisfies required PodAffinity using In operator that matches the existing pod',
      pod: pod('p', undefined, podLabel2, required([term(inSecurityscan, 'region')])), pods: [pod('e', 'node1', podLabel)], want: ok,
    },
    {
      name: 'satisfies required PodAffinity using NotIn operator that matches the existing pod',
      pod: pod('p', undefined, podLabel2, required([term(sel('service', 'NotIn', ['securityscan3', 'value3']), 'region')])), pods: [pod('e', 'node1', podLabel)], want: ok,
    },
    {
      name: 'does not satisfy PodAffinity because of a different namespace',
      pod: pod('p', undefined, podLabel2, required([term(inSecurityscan, 'region', { namespaces: ['DiffNameSpace'] })])),
      pods: [pod('e', 'node1', podLabel, undefined, 'ns')], want: AFF,
    },
    {
      name: "doesn't satisfy PodAffinity because of an unmatching labelSelector",
      pod: pod('p', undefined, podLabel, required([term(sel('service', 'In', ['antivirusscan', 'value2']), 'region')])), pods: [pod('e', 'node1', podLabel)], want: AFF,
    },
    {
      name: 'satisfies PodAffinity with different label operators in multiple terms',
      pod: pod('p', undefined, podLabel2, required([
        term({ matchExpressions: [{ key: 'service', operator: 'Exists' }, { key: 'wrongkey', operator: 'DoesNotExist' }] }, 'region'),
        term({ matchExpressions: [{ key: 'service', operator: 'In', values: ['securityscan'] }, { key: 'service', operator: 'NotIn', values: ['WrongValue'] }] }, 'region'),
      ])),
      pods: [pod('e', 'node1', podLabel)], want: ok,
    },
    {
      name: 'matchExpressions are ANDed: one unmatched item blocks the node',
      pod: pod('p', undefined, podLabel2, required([
        term({ matchExpressions: [{ key: 'service', operator: 'Exists' }, { key: 'wrongkey', operator: 'DoesNotExist' }] }, 'region'),
        term({ matchExpressions: [{ key: 'service', operator: 'In', values: ['securityscan2'] }, { key: 'service', operator: 'NotIn', values: ['WrongValue'] }] }, 'region'),
      ])),
      pods: [pod('e', 'node1', podLabel)], want: AFF,
    },
    {
      name: 'satisfies PodAffinity and PodAntiAffinity with the existing pod',
      pod: pod('p', undefined, podLabel2, required([term(inSecurityscan, 'region')], [term(sel('service', 'In', ['antivirusscan', 'value2']), 'node')])),
      pods: [pod('e', 'node1', podLabel)], want: ok,
    },
    {
      name: 'satisfies PodAffinity, PodAntiAffinity and PodAntiAffinity symmetry with the existing pod',
      pod: pod('p', undefined, podLabel2, required([term(inSecurityscan, 'region')], [term(sel('service', 'In', ['antivirusscan', 'value2']), 'node')])),
      pods: [pod('e', 'node1', podLabel, required([], [term(sel('service', 'In', ['antivirusscan', 'value2']), 'node')]))], want: ok,
    },
    {
      name: "satisfies PodAffinity but doesn't satisfy PodAntiAffinity with the existing pod",
      pod: pod('p', undefined, podLabel2, required([term(inSecurityscan, 'region')], [term(inSecurityscan, 'zone')])),
      pods: [pod('e', 'node1', podLabel)], want: ANTI,
    },
    {
      name: "satisfies PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod",
      pod: pod('p', undefined, podLabel, required([term(inSecurityscan, 'region')], [term(sel('service', 'In', ['antivirusscan', 'value2']), 'node')])),
      pods: [pod('e', 'node1', podLabel, required([], [term(inSecurityscan, 'zone')]))], want: EXIST,
    },
    {
      name: 'pod matches its own label in PodAffinity, the matching pod is on another (unknown) node',
      pod: pod('p', undefined, podLabel, required([term(sel('service', 'NotIn', ['securityscan', 'value2']), 'region')])),
      pods: [pod('e', 'machine2', podLabel)], want: AFF,
    },
    {
      name: 'existing PodAntiAffinity is respected when the pod has no anti-affinity: not satisfied',
      pod: pod('p', undefined, podLabel), pods: [pod('e', 'node1', podLabel, required([], [term(inSecurityscan, 'zone')]))], want: EXIST,
    },
    {
      name: 'existing PodAntiAffinity is respected when the pod has no anti-affinity: satisfied',
      pod: pod('p', undefined, podLabel), pods: [pod('e', 'node1', podLabel, required([], [term(sel('service', 'NotIn', ['securityscan', 'value2']), 'zone')]))], want: ok,
    },
    {
      name: 'existing pod anti-affinity with a topology key the node lacks does not apply',
      pod: pod('p', undefined, podLabel), pods: [pod('e', 'node1', podLabel, required([], [term(inSecurityscan, 'rack')]))], want: ok,
    },
    {
      name: 'a nil labelSelector in a required affinity term matches nothing',
      pod: pod('p', undefined, podLabel, required([term(null, 'region')])), pods: [pod('e', 'node1', podLabel)], want: AFF,
    },
  ];
  it.each(cases)('$name', (c) => {
    const got = filter([node1], c.pods, c.pod);
    expect(view(got)).toEqual({ node1: c.want === null ? null : [...c.want] });
  });
});

describe('InterPodAffinity Filter, several nodes (kube TestRequiredAffinityMultipleNodes)', () => {
  const podLabelA = { foo: 'bar' };
  const china = node('node1', { region: 'China' });
  const chinaAz1 = node('node2', { region: 'China', az: 'az1' });
  const india = node('node3', { region: 'India' });

  it('all nodes in the topology domain of a matching pod pass', () => {
    const got = filter([china, chinaAz1, india], [pod('e', 'node1', podLabelA)], pod('p', undefined, {}, required([term(sel('foo', 'In', ['bar']), 'region')])));
    expect(view(got)).toEqual({ node1: ok, node2: ok, node3: [...AFF] });
  });

  it('the first pod of a self-affine collection is not blocked, but nodes lacking the key are', () => {
    const nodes = [node('n1', { zone: 'z1' }), node('n2', { zone: 'z2' }), node('n3', { rack: 'r1' })];
    const got = filter(nodes, [], pod('p', undefined, podLabelA, required([term(sel('foo', 'In', ['bar']), 'zone')])));
    expect(view(got)).toEqual({ n1: ok, n2: ok, n3: [...AFF] });
  });

  it('once a matching pod exists, self-affinity no longer helps other domains', () => {
    const nodes = [node('n1', { zone: 'z1' }), node('n2', { zone: 'z2' })];
    const got = filter(nodes, [pod('e', 'n1', podLabelA)], pod('p', undefined, podLabelA, required([term(sel('foo', 'In', ['bar']), 'zone')])));
    expect(view(got)).toEqual({ n1: ok, n2: [...AFF] });
  });

  it('anti-affinity blocks the whole domain of a matching pod (pod and existing pod both directions)', () => {
    const nodes = [node('n1', { zone: 'z1' }), node('n2', { zone: 'z1' }), node('n3', { zone: 'z2' })];
    const anti = required([], [term(sel('foo', 'In', ['bar']), 'zone')]);
    expect(view(filter(nodes, [pod('e', 'n1', podLabelA)], pod('p', undefined, podLabelA, anti)))).toEqual({ n1: [...ANTI], n2: [...ANTI], n3: ok });
    expect(view(filter(nodes, [pod('e', 'n1', podLabelA, anti)], pod('p', undefined, podLabelA)))).toEqual({ n1: [...EXIST], n2: [...EXIST], n3: ok });
  });

  it('affinity terms must all match the same existing pods (podMatchesAllAffinityTerms)', () => {
    const nodes = [node('n1', { zone: 'z1', region: 'r1' }), node('n2', { zone: 'z2', region: 'r1' })];
    // One pod matches term A, another term B: no pod matches both, and the pod does not match itself.
    const p = pod('p', undefined, {}, required([term(sel('a', 'Exists'), 'zone'), term(sel('b', 'Exists'), 'region')]));
    expect(view(filter(nodes, [pod('x', 'n1', { a: '1' }), pod('y', 'n1', { b: '1' })], p))).toEqual({ n1: [...AFF], n2: [...AFF] });
    // A pod matching both terms satisfies them in its own zone and region.
    expect(view(filter(nodes, [pod('x', 'n1', { a: '1', b: '1' })], p))).toEqual({ n1: ok, n2: [...AFF] });
  });
});

describe('InterPodAffinity namespaces and namespaceSelector', () => {
  const nodes = [node('n1', { zone: 'z1' }), node('n2', { zone: 'z2' })];
  function objectsWith(ns: Record<string, Record<string, string>>): ClusterObjects {
    const o = new ClusterObjects();
    for (const [name, labels] of Object.entries(ns)) o.addNamespace({ kind: 'Namespace', metadata: { name, labels } });
    return o;
  }

  it('namespaceSelector selects the namespaces of matching pods (affinity)', () => {
    const objects = objectsWith({ team1: { team: 'team1' }, team2: { team: 'team2' } });
    const p = pod('p', undefined, {}, required([term(sel('app', 'In', ['db']), 'zone', { namespaceSelector: { matchLabels: { team: 'team1' } } })]));
    expect(view(filter(nodes, [pod('db', 'n1', { app: 'db' }, undefined, 'team1')], p, objects))).toEqual({ n1: ok, n2: [...AFF] });
    expect(view(filter(nodes, [pod('db', 'n1', { app: 'db' }, undefined, 'team2')], p, objectsWith({ team1: { team: 'team1' }, team2: { team: 'team2' } })))).toEqual({ n1: [...AFF], n2: [...AFF] });
  });

  it('an empty namespaceSelector matches every namespace; namespaces and selector are ORed', () => {
    const p = pod('p', undefined, {}, required([], [term(sel('app', 'In', ['db']), 'zone', { namespaceSelector: {} })]));
    expect(view(filter(nodes, [pod('db', 'n1', { app: 'db' }, undefined, 'far-away')], p))).toEqual({ n1: [...ANTI], n2: ok });
    const q = pod('q', undefined, {}, required([], [term(sel('app', 'In', ['db']), 'zone', { namespaces: ['a'], namespaceSelector: { matchLabels: { team: 'x' } } })]));
    const objects = objectsWith({ a: {}, b: { team: 'x' }, c: {} });
    expect(view(filter(nodes, [pod('d1', 'n1', { app: 'db' }, undefined, 'a'), pod('d2', 'n2', { app: 'db' }, undefined, 'c')], q, objects))).toEqual({ n1: [...ANTI], n2: ok });
  });

  it("existing pods' namespaceSelector is matched against the incoming pod's namespace labels", () => {
    const objects = objectsWith({ prod: { env: 'prod' }, dev: { env: 'dev' } });
    const anti = required([], [term(sel('app', 'In', ['web']), 'zone', { namespaceSelector: { matchLabels: { env: 'prod' } } })]);
    const existing = [pod('guard', 'n1', {}, anti, 'dev')];
    expect(view(filter(nodes, existing, pod('web', undefined, { app: 'web' }, undefined, 'prod'), objects))).toEqual({ n1: [...EXIST], n2: ok });
    expect(view(filter(nodes, existing, pod('web', undefined, { app: 'web' }, undefined, 'dev'), objectsWith({ prod: { env: 'prod' }, dev: { env: 'dev' } })))).toEqual({ n1: ok, n2: ok });
  });

  it('namespaces of pods are known even without Namespace objects (kubernetes.io/metadata.name)', () => {
    const p = pod('p', undefined, {}, required([term(sel('app', 'In', ['db']), 'zone', { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } })]));
    expect(view(filter(nodes, [pod('db', 'n2', { app: 'db' }, undefined, 'data')], p))).toEqual({ n1: [...AFF], n2: ok });
  });
});

describe('InterPodAffinity PreFilter extensions (preemption dry runs)', () => {
  it('removing the matching pod lifts anti-affinity; the original state is untouched', () => {
    const nodes = [node('n1', { zone: 'z1' }), node('n2', { zone: 'z2' })];
    const { state, plugin } = setup(nodes, [pod('e', 'n1', { app: 'x' }, required([], [term(sel('app', 'In', ['web']), 'zone')])), pod('f', 'n2', { app: 'web' })]);
    const p = makePodInfo(pod('p', undefined, { app: 'web' }, required([], [term(sel('app', 'In', ['web']), 'zone')])));
    const cs = new CycleState();
    expect(plugin.preFilter(cs, p, state.nodes).status).toBeNull();
    const copy = cs.clone();
    const out = () => [null, null] as Array<Status | null>;
    const o1 = out();
    plugin.filter(cs, p, state.nodes, o1);
    expect(o1.map((s) => s?.reasons[0] ?? 'ok')).toEqual([ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH]);
    expect(plugin.removePod!(copy, p, state.placementOf('default/e')!.pod, state.getNode('n1')!)).toBeNull();
    expect(plugin.removePod!(copy, p, state.placementOf('default/f')!.pod, state.getNode('n2')!)).toBeNull();
    const o2 = out();
    plugin.filter(copy, p, state.nodes, o2);
    expect(o2).toEqual([null, null]);
    const o3 = out();
    plugin.filter(cs, p, state.nodes, o3);
    expect(o3.map((s) => s?.code)).toEqual([Code.Unschedulable, Code.Unschedulable]);
    expect(plugin.addPod!(copy, p, state.placementOf('default/f')!.pod, state.getNode('n2')!)).toBeNull();
    const o4 = out();
    plugin.filter(copy, p, state.nodes, o4);
    expect(o4.map((s) => s?.reasons[0] ?? 'ok')).toEqual(['ok', ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH]);
  });
});

describe('InterPodAffinity Score (kube TestPreferredAffinity)', () => {
  const s1 = { security: 'S1' };
  const s2 = { security: 'S2' };
  const china = (n: string) => node(n, { region: 'China' });
  const india = (n: string) => node(n, { region: 'India' });
  const az1 = (n: string) => node(n, { az: 'az1' });
  const az2 = (n: string) => node(n, { az: 'az2' });
  const chinaAz1 = (n: string) => node(n, { region: 'China', az: 'az1' });
  const stayWithS1InRegion = preferred([[5, term(sel('security', 'In', ['S1']), 'region')]]);
  const stayWithS2InRegion = preferred([[6, term(sel('security', 'In', ['S2']), 'region')]]);
  const awayFromS1InAz = preferred([], [[5, term(sel('security', 'In', ['S1']), 'az')]]);
  const awayFromS2InAz = preferred([], [[5, term(sel('security', 'In', ['S2']), 'az')]]);
  const stayWithS1InRegionAwayFromS2InAz = preferred([[8, term(sel('security', 'In', ['S1']), 'region')]], [[5, term(sel('security', 'In', ['S2']), 'az')]]);
  const hardAffinity = required([
    term(sel('security', 'In', ['S1', 'value2']), 'region'),
    term({ matchExpressions: [{ key: 'security', operator: 'Exists' }, { key: 'wrongkey', operator: 'DoesNotExist' }] }, 'region'),
  ]);

  function score(nodes: Node[], existing: Pod[], p: Pod, args?: unknown, objects?: ClusterObjects): Record<string, number> {
    const { state, plugin, objects: objs } = setup(nodes, existing, { args, objects });
    const info = makePodInfo(p);
    objs.admitPod(info);
    const cs = new CycleState();
    const ps = plugin.preScore(cs, info, state.nodes);
    if (ps?.code === Code.Skip) return Object.fromEntries(state.nodes.map((n) => [n.name, 0]));
    expect(ps).toBeNull();
    const out = new Float64Array(state.nodes.length);
    expect(plugin.score(cs, info, state.nodes, out)).toBeNull();
    expect(plugin.normalizeScore!(cs, info, state.nodes, out)).toBeNull();
    return Object.fromEntries(state.nodes.map((n, i) => [n.name, out[i]!]));
  }

  it.each([
    {
      name: 'all nodes score the same when the pod has no affinity',
      pod: pod('p', undefined, s1), pods: [], nodes: [china('node1'), india('node2'), az1('node3')],
      want: { node1: 0, node2: 0, node3: 0 },
    },
    {
      name: 'the node whose topology holds matching pods scores highest',
      pod: pod('p', undefined, s1, stayWithS1InRegion),
      pods: [pod('a', 'node1', s1), pod('b', 'node2', s2), pod('c', 'node3', s1)],
      nodes: [china('node1'), india('node2'), az1('node3')],
      want: { node1: 100, node2: 0, node3: 0 },
    },
    {
      name: 'all nodes sharing the topology value of a matching pod score the same',
      pod: pod('p', undefined, {}, stayWithS1InRegion), pods: [pod('a', 'node1', s1)],
      nodes: [china('node1'), chinaAz1('node2'), india('node3')],
      want: { node1: 100, node2: 100, node3: 0 },
    },
    {
      name: 'equal totals in every topology give every node 0 (max == min)',
      pod: pod('p', undefined, {}, stayWithS2InRegion),
      pods: [pod('a', 'node1', s2), pod('b', 'node2', s1), pod('c', 'node3', s2), pod('d', 'node4', s2), pod('e', 'node5', s2)],
      nodes: [china('node1'), india('node2'), china('node3'), india('node4'), india('node5')],
      // China: 2 x 6 = 12, India: 2 x 6 = 12.
      want: { node1: 0, node2: 0, node3: 0, node4: 0, node5: 0 },
    },
    {
      name: 'the node in the topology with fewer matching pods scores lower',
      pod: pod('p', undefined, {}, stayWithS2InRegion),
      pods: [pod('a', 'node1', s2), pod('c', 'node3', s2), pod('d', 'node4', s2)],
      nodes: [china('node1'), india('node2'), china('node3'), india('node4'), node('node5', {})],
      // China 12, India 6, node5 (no region) 0.
      want: { node1: 100, node2: 50, node3: 100, node4: 50, node5: 0 },
    },
    {
      name: 'anti-affinity: the node without matching pods scores highest',
      pod: pod('p', undefined, {}, awayFromS1InAz), pods: [pod('a', 'node1', s1), pod('b', 'node2', s2)],
      nodes: [az1('node1'), node('node2', { region: 'China' })],
      want: { node1: 0, node2: 100 },
    },
    {
      name: 'anti-affinity across zones',
      pod: pod('p', undefined, {}, awayFromS2InAz), pods: [pod('a', 'node1', s1), pod('b', 'node2', s2)],
      nodes: [az1('node1'), az2('node2')],
      want: { node1: 100, node2: 0 },
    },
    {
      name: 'affinity and anti-affinity together',
      pod: pod('p', undefined, {}, stayWithS1InRegionAwayFromS2InAz), pods: [pod('a', 'node1', s1), pod('b', 'node2', s2)],
      nodes: [chinaAz1('node1'), node('node2', { region: 'India', az: 'az2' })],
      want: { node1: 100, node2: 0 },
    },
    {
      name: 'negative raw scores are normalized by min/max',
      pod: pod('p', undefined, {}, preferred([[5, term(sel('security', 'In', ['S2']), 'az')]], [[5, term(sel('security', 'In', ['S1']), 'az')]])),
      pods: [pod('a', 'node1', s1), pod('b', 'node2', s2)],
      nodes: [az1('node1'), az2('node2'), node('node3', { az: 'az3' })],
      // raw -5 / 5 / 0 -> 0 / 100 / 50.
      want: { node1: 0, node2: 100, node3: 50 },
    },
  ])('$name', (c) => {
    expect(score(c.nodes, c.pods, c.pod)).toEqual(c.want);
  });

  it("existing pods' preferred terms count for the incoming pod (symmetry)", () => {
    const nodes = [china('node1'), india('node2'), az1('node3')];
    const existing = [pod('a', 'node1', {}, stayWithS1InRegion), pod('b', 'node2', {}, awayFromS1InAz), pod('c', 'node3', {}, awayFromS1InAz)];
    // node1 +5 (China); node2 has no az so its anti term lands nowhere; node3 -5 (az1).
    expect(score(nodes, existing, pod('p', undefined, s1))).toEqual({ node1: 100, node2: 50, node3: 0 });
    // ignorePreferredTermsOfExistingPods: a pod without preferences skips scoring.
    expect(score(nodes, existing, pod('p', undefined, s1), { ignorePreferredTermsOfExistingPods: true })).toEqual({ node1: 0, node2: 0, node3: 0 });
  });

  it("existing pods' required affinity counts with hardPodAffinityWeight (kube TestPreferredAffinityWithHardPodAffinitySymmetricWeight)", () => {
    const nodes = [china('node1'), india('node2'), az1('node3')];
    const existing = [pod('a', 'node1', {}, hardAffinity), pod('b', 'node2', {}, hardAffinity)];
    const incomingS1 = pod('p', undefined, s1);
    expect(score(nodes, existing, incomingS1, { hardPodAffinityWeight: 1 })).toEqual({ node1: 100, node2: 100, node3: 0 });
    expect(score(nodes, existing, incomingS1, { hardPodAffinityWeight: 0 })).toEqual({ node1: 0, node2: 0, node3: 0 });
    // Weights add up per term: hardPodAffinityWeight 10 x 2 terms on node1 vs one preferred term of weight 5 elsewhere.
    const mixed = [pod('a', 'node1', {}, hardAffinity), pod('b', 'node3', {}, preferred([[5, term(sel('security', 'Exists'), 'az')]]))];
    expect(score(nodes, mixed, incomingS1, { hardPodAffinityWeight: 10 })).toEqual({ node1: 100, node2: 0, node3: 25 });
  });

  it('namespaceSelector in preferred terms uses the namespaces of the cluster', () => {
    const objects = new ClusterObjects();
    objects.addNamespace({ kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' } } });
    const nodes = [az1('node1'), az2('node2')];
    const p = pod('p', undefined, {}, preferred([[7, term(sel('app', 'Exists'), 'az', { namespaceSelector: { matchLabels: { team: 'a' } } })]]));
    expect(score(nodes, [pod('x', 'node1', { app: '1' }, undefined, 'team-a'), pod('y', 'node2', { app: '1' }, undefined, 'default')], p, undefined, objects))
      .toEqual({ node1: 100, node2: 0 });
  });
});

describe('InterPodAffinity cost', () => {
  it('visits only related pods: unrelated pods and terms do not enter a cycle', () => {
    const nodes = Array.from({ length: 20 }, (_, i) => node(`n${i}`, { zone: `z${i % 4}`, 'kubernetes.io/hostname': `n${i}` }));
    const unrelated = Array.from({ length: 2000 }, (_, i) => pod(`u${i}`, `n${i % 20}`, { app: `other-${i % 7}` }, i % 10 === 0 ? required([], [term(sel('app', 'In', ['other-3']), 'zone')]) : undefined, i % 2 ? 'noise' : 'default'));
    const related = [pod('db-1', 'n1', { app: 'db' }), pod('db-2', 'n5', { app: 'db' })];
    const { state, plugin } = setup(nodes, [...unrelated, ...related]);
    const ix = TopologyIndex.of(state);
    const p = makePodInfo(pod('web', undefined, { app: 'web' }, { ...required([term(sel('app', 'In', ['db']), 'zone')]), ...preferred([], [[3, term(sel('app', 'In', ['web']), 'kubernetes.io/hostname')]]) }));
    const before = ix.stats.queryPodChecks;
    const cs = new CycleState();
    expect(plugin.preFilter(cs, p, state.nodes).status).toBeNull();
    const out: Array<Status | null> = state.nodes.map(() => null);
    plugin.filter(cs, p, state.nodes, out);
    expect(out.filter((s) => s === null)).toHaveLength(5);
    plugin.preScore(cs, p, state.nodes);
    // Only the two db pods were looked at (the web query found no candidate at all).
    expect(ix.stats.queryPodChecks - before).toBe(2);
  });
});

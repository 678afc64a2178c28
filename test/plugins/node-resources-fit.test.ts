import { describe, it, expect } from 'vitest';
import type { Node, Pod } from '../../src/api/k8s.js';
import { ClusterState, type NodeInfo } from '../../src/model/cluster-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { Code, type Status } from '../../src/framework/status.js';
import type { FrameworkHandle, FrameworkRunner } from '../../src/framework/interfaces.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import { definition, NAME, PRE_FILTER_STATE_KEY, type NodeResourcesFitPlugin } from '../../src/plugins/node-resources-fit/index.js';
import { argsSchema, type NodeResourcesFitArgs, type ScoringStrategy } from '../../src/plugins/node-resources-fit/args.js';
import { isIgnored } from '../../src/plugins/node-resources-fit/fit-request.js';
import { makeNode, makePod, type PodBuilder } from '../helpers/builders.js';

type Res = Record<string, string>;

const kernels = createJsKernels();
const defaultResources = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];
const extendedRes = 'abc.com/xyz';
const extendedResourceSet = [...defaultResources, { name: extendedRes, weight: 1 }];

function handleFor(state: ClusterState): FrameworkHandle {
  return { state, kernels, profileName: 'default-scheduler', binder: { bind: async () => {} }, framework: {} as FrameworkRunner };
}

function args(overrides: Partial<NodeResourcesFitArgs> = {}): NodeResourcesFitArgs {
  return {
    ignoredResources: [],
    ignoredResourceGroups: [],
    scoringStrategy: { type: 'LeastAllocated', resources: defaultResources },
    ...overrides,
  };
}

/** A cluster of `nodes` with `pods` placed on `spec.nodeName`, and the plugin built on it. */
function setup(nodes: Node[], pods: Pod[], a: NodeResourcesFitArgs = args()) {
  const state = new ClusterState();
  for (const n of nodes) state.addNode(n);
  pods.forEach((p, i) => {
    p.metadata.name = `existing-${i}`;
    state.addPod(makePodInfo(p), p.spec.nodeName!);
  });
  const plugin = definition.factory(a, handleFor(state)) as NodeResourcesFitPlugin;
  return { state, plugin, nodes: state.nodes as readonly NodeInfo[] };
}

function runFilter(plugin: NodeResourcesFitPlugin, pod: Pod, nodes: readonly NodeInfo[]): Array<Status | null> {
  const cs = new CycleState();
  const pf = plugin.preFilter(cs, makePodInfo(pod), nodes);
  expect(pf.status).toBeNull();
  const out: Array<Status | null> = nodes.map(() => null);
  plugin.filter(cs, makePodInfo(pod), nodes, out);
  return out;
}

function runScore(plugin: NodeResourcesFitPlugin, pod: Pod, nodes: readonly NodeInfo[], preScore = true): { scores: number[]; status: Status | null } {
  const cs = new CycleState();
  const info = makePodInfo(pod);
  if (preScore) expect(plugin.preScore(cs, info, nodes)).toBeNull();
  const out = new Float64Array(nodes.length);
  const status = plugin.score(cs, info, nodes, out);
  return { scores: Array.from(out), status };
}

/** kube's newResourcePod: one container per request list (cpu in milli, the rest in units). */
function resourcePod(...containers: Res[]): PodBuilder {
  const b = makePod('incoming');
  for (const c of containers) b.req(c);
  return b;
}
/** kube's newResourceInitPod: init containers with these requests. */
function withInit(b: PodBuilder, ...inits: Res[]): PodBuilder {
  for (const c of inits) b.initReq(c);
  return b;
}

/** kube's makeResources(milliCPU, memory, pods, extendedA, storage, hugePageA) for Filter tests. */
function fitNode(cpuMilli: number, memory: number, pods: number, extA: number, storage: number, hugeA: number): Node {
  return makeNode('node')
    .capacity({
      cpu: `${cpuMilli}m`, memory: `${memory}`, pods: `${pods}`, 'example.com/aaa': `${extA}`,
      'ephemeral-storage': `${storage}`, 'hugepages-2Mi': `${hugeA}`,
    })
    .build();
}

const insufficient = (r: string) => `Insufficient ${r}`;

describe('NodeResourcesFit Filter (kube TestEnoughRequests)', () => {
  const extA = 'example.com/aaa';
  const extB = 'example.com/bbb';
  const k8sA = 'kubernetes.io/something';
  const k8sB = 'subdomain.kubernetes.io/something';
  const huge = 'hugepages-2Mi';
  const cases: Array<{ name: string; pod: PodBuilder; existing: Res; args?: Partial<NodeResourcesFitArgs>; reasons: string[] | null }> = [
    { name: 'no resources requested always fits', pod: makePod('incoming'), existing: { cpu: '10m', memory: '20' }, reasons: null },
    { name: 'too many resources fails', pod: resourcePod({ cpu: '1m', memory: '1' }), existing: { cpu: '10m', memory: '20' }, reasons: [insufficient('cpu'), insufficient('memory')] },
    { name: 'too many resources fails due to init container cpu', pod: withInit(resourcePod({ cpu: '1m', memory: '1' }), { cpu: '3m', memory: '1' }), existing: { cpu: '8m', memory: '19' }, reasons: [insufficient('cpu')] },
    { name: 'too many resources fails due to highest init container cpu', pod: withInit(resourcePod({ cpu: '1m', memory: '1' }), { cpu: '3m', memory: '1' }, { cpu: '2m', memory: '1' }), existing: { cpu: '8m', memory: '19' }, reasons: [insufficient('cpu')] },
    { name: 'too many resources fails due to init container memory', pod: withInit(resourcePod({ cpu: '1m', memory: '1' }), { cpu: '1m', memory: '3' }), existing: { cpu: '9m', memory: '19' }, reasons: [insufficient('memory')] },
    { name: 'too many resources fails due to highest init container memory', pod: withInit(resourcePod({ cpu: '1m', memory: '1' }), { cpu: '1m', memory: '3' }, { cpu: '1m', memory: '2' }), existing: { cpu: '9m', memory: '19' }, reasons: [insufficient('memory')] },
    { name: "init container fits because it's the max, not sum, of containers and init containers", pod: withInit(resourcePod({ cpu: '1m', memory: '1' }), { cpu: '1m', memory: '1' }), existing: { cpu: '9m', memory: '19' }, reasons: null },
    { name: "multiple init containers fit because it's the max, not sum, of containers and init containers", pod: withInit(resourcePod({ cpu: '1m', memory: '1' }), { cpu: '1m', memory: '1' }, { cpu: '1m', memory: '1' }), existing: { cpu: '9m', memory: '19' }, reasons: null },
    { name: 'both resources fit', pod: resourcePod({ cpu: '1m', memory: '1' }), existing: { cpu: '5m', memory: '5' }, reasons: null },
    { name: 'one resource memory fits', pod: resourcePod({ cpu: '2m', memory: '1' }), existing: { cpu: '9m', memory: '5' }, reasons: [insufficient('cpu')] },
    { name: 'one resource cpu fits', pod: resourcePod({ cpu: '1m', memory: '2' }), existing: { cpu: '5m', memory: '19' }, reasons: [insufficient('memory')] },
    { name: 'equal edge case', pod: resourcePod({ cpu: '5m', memory: '1' }), existing: { cpu: '5m', memory: '19' }, reasons: null },
    { name: 'equal edge case for init container', pod: withInit(resourcePod({ cpu: '4m', memory: '1' }), { cpu: '5m', memory: '1' }), existing: { cpu: '5m', memory: '19' }, reasons: null },
    { name: 'extended resource fits', pod: resourcePod({ [extA]: '1' }), existing: {}, reasons: null },
    { name: 'extended resource fits for init container', pod: withInit(resourcePod({}), { [extA]: '1' }), existing: {}, reasons: null },
    { name: 'extended resource capacity enforced', pod: resourcePod({ cpu: '1m', memory: '1', [extA]: '10' }), existing: { cpu: '0', memory: '0', [extA]: '0' }, reasons: [insufficient(extA)] },
    { name: 'extended resource capacity enforced for init container', pod: withInit(resourcePod({}), { cpu: '1m', memory: '1', [extA]: '10' }), existing: { cpu: '0', memory: '0', [extA]: '0' }, reasons: [insufficient(extA)] },
    { name: 'extended resource allocatable enforced', pod: resourcePod({ cpu: '1m', memory: '1', [extA]: '1' }), existing: { cpu: '0', memory: '0', [extA]: '5' }, reasons: [insufficient(extA)] },
    { name: 'extended resource allocatable enforced for init container', pod: withInit(resourcePod({}), { cpu: '1m', memory: '1', [extA]: '1' }), existing: { cpu: '0', memory: '0', [extA]: '5' }, reasons: [insufficient(extA)] },
    { name: 'extended resource allocatable enforced for multiple containers', pod: resourcePod({ cpu: '1m', memory: '1', [extA]: '3' }, { cpu: '1m', memory: '1', [extA]: '3' }), existing: { cpu: '0', memory: '0', [extA]: '2' }, reasons: [insufficient(extA)] },
    { name: 'extended resource allocatable admits multiple init containers', pod: withInit(resourcePod({}), { cpu: '1m', memory: '1', [extA]: '3' }, { cpu: '1m', memory: '1', [extA]: '3' }), existing: { cpu: '0', memory: '0', [extA]: '2' }, reasons: null },
    { name: 'extended resource allocatable enforced for multiple init containers', pod: withInit(resourcePod({}), { cpu: '1m', memory: '1', [extA]: '6' }, { cpu: '1m', memory: '1', [extA]: '3' }), existing: { cpu: '0', memory: '0', [extA]: '2' }, reasons: [insufficient(extA)] },
    { name: 'extended resource allocatable enforced for unknown resource', pod: resourcePod({ cpu: '1m', memory: '1', [extB]: '1' }), existing: { cpu: '0', memory: '0' }, reasons: [insufficient(extB)] },
    { name: 'extended resource allocatable enforced for unknown resource for init container', pod: withInit(resourcePod({}), { cpu: '1m', memory: '1', [extB]: '1' }), existing: { cpu: '0', memory: '0' }, reasons: [insufficient(extB)] },
    { name: 'kubernetes.io resource capacity enforced', pod: resourcePod({ cpu: '1m', memory: '1', [k8sA]: '10' }), existing: { cpu: '0', memory: '0' }, reasons: [insufficient(k8sA)] },
    { name: 'kubernetes.io resource capacity enforced for init container', pod: withInit(resourcePod({}), { cpu: '1m', memory: '1', [k8sB]: '10' }), existing: { cpu: '0', memory: '0' }, reasons: [insufficient(k8sB)] },
    { name: 'hugepages resource capacity enforced', pod: resourcePod({ cpu: '1m', memory: '1', [huge]: '10' }), existing: { cpu: '0', memory: '0', [huge]: '0' }, reasons: [insufficient(huge)] },
    { name: 'hugepages resource capacity enforced for init container', pod: withInit(resourcePod({}), { cpu: '1m', memory: '1', [huge]: '10' }), existing: { cpu: '0', memory: '0', [huge]: '0' }, reasons: [insufficient(huge)] },
    { name: 'hugepages resource allocatable enforced for multiple containers', pod: resourcePod({ cpu: '1m', memory: '1', [huge]: '3' }, { cpu: '1m', memory: '1', [huge]: '3' }), existing: { cpu: '0', memory: '0', [huge]: '2' }, reasons: [insufficient(huge)] },
    { name: 'skip checking ignored extended resource', pod: resourcePod({ cpu: '1m', memory: '1', [extB]: '1' }), existing: { cpu: '0', memory: '0' }, args: { ignoredResources: ['example.com/bbb'] }, reasons: null },
    { name: 'resources + pod overhead fits', pod: resourcePod({ cpu: '1m', memory: '1' }).overhead({ cpu: '3m', memory: '13' }), existing: { cpu: '5m', memory: '5' }, reasons: null },
    { name: 'requests + overhead does not fit for memory', pod: resourcePod({ cpu: '1m', memory: '1' }).overhead({ cpu: '1m', memory: '15' }), existing: { cpu: '5m', memory: '5' }, reasons: [insufficient('memory')] },
    { name: 'skip checking ignored extended resource via resource groups', pod: resourcePod({ cpu: '1m', memory: '1', [extB]: '1', [k8sA]: '1' }), existing: { cpu: '0', memory: '0' }, args: { ignoredResourceGroups: ['example.com'] }, reasons: [insufficient(k8sA)] },
    { name: 'skip checking extended resource request with quantity zero via resource groups', pod: resourcePod({ cpu: '1m', memory: '1', [extA]: '0' }), existing: { cpu: '0', memory: '0', [extA]: '6' }, reasons: null },
    { name: 'skip checking resource request with quantity zero', pod: resourcePod({ cpu: '0', memory: '0', 'ephemeral-storage': '0', [extA]: '1' }), existing: { cpu: '20m', memory: '30', [extA]: '1' }, reasons: null },
    // Sidecars (restartPolicy Always init containers, SidecarContainers on in 1.32, §6.1 step 2).
    { name: 'sidecar adds to the steady-state sum', pod: withSidecar(resourcePod({ cpu: '1m' }), { cpu: '2m' }), existing: { cpu: '8m' }, reasons: [insufficient('cpu')] },
    { name: 'a regular init container only needs the max', pod: withInit(resourcePod({ cpu: '1m' }), { cpu: '2m' }), existing: { cpu: '8m' }, reasons: null },
    { name: 'init container after a sidecar peaks at init + sidecar', pod: withInit(withSidecar(resourcePod({ cpu: '1m' }), { cpu: '1m' }), { cpu: '3m' }), existing: { cpu: '7m' }, reasons: [insufficient('cpu')] },
    { name: 'init container after a sidecar fits with room for both', pod: withInit(withSidecar(resourcePod({ cpu: '1m' }), { cpu: '1m' }), { cpu: '3m' }), existing: { cpu: '6m' }, reasons: null },
    { name: 'init container before a sidecar does not add it', pod: withSidecar(withInit(resourcePod({ cpu: '1m' }), { cpu: '3m' }), { cpu: '1m' }), existing: { cpu: '7m' }, reasons: null },
    // Reasons keep kube's order: cpu, memory, ephemeral-storage, then scalars (sorted by name here).
    { name: 'all reasons in check order, scalars sorted', pod: resourcePod({ [k8sA]: '1', [huge]: '9', [extB]: '1', 'ephemeral-storage': '30', memory: '30', cpu: '30m' }), existing: {}, reasons: [insufficient('cpu'), insufficient('memory'), insufficient('ephemeral-storage'), insufficient(extB), insufficient(huge), insufficient(k8sA)] },
  ];

  function withSidecar(b: PodBuilder, ...sidecars: Res[]): PodBuilder {
    for (const c of sidecars) b.initReq(c, true);
    return b;
  }

  for (const c of cases) {
    it(c.name, () => {
      const existing = makePod('existing').nodeName('node').req(c.existing).build();
      const { plugin, nodes } = setup([fitNode(10, 20, 32, 5, 20, 5)], [existing], args(c.args));
      const [status] = runFilter(plugin, c.pod.build(), nodes);
      if (c.reasons === null) {
        expect(status).toBeNull();
      } else {
        expect(status?.code).toBe(Code.Unschedulable);
        expect(status?.reasons).toEqual(c.reasons);
      }
    });
  }
});

describe('NodeResourcesFit Filter: pod count (kube TestNotEnoughRequests)', () => {
  const cases: Array<{ name: string; pod: PodBuilder; existing: Res }> = [
    { name: "even without specified resources, predicate fails when there's no space for additional pod", pod: makePod('incoming'), existing: { cpu: '10m', memory: '20' } },
    { name: "even if both resources fit, predicate fails when there's no space for additional pod", pod: resourcePod({ cpu: '1m', memory: '1' }), existing: { cpu: '5m', memory: '5' } },
    { name: "even for equal edge case, predicate fails when there's no space for additional pod", pod: resourcePod({ cpu: '5m', memory: '1' }), existing: { cpu: '5m', memory: '19' } },
    { name: "even for equal edge case, predicate fails when there's no space for additional pod due to init container", pod: withInit(resourcePod({ cpu: '5m', memory: '1' }), { cpu: '5m', memory: '1' }), existing: { cpu: '5m', memory: '19' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const node = makeNode('node').allocatable({ cpu: '10m', memory: '20', pods: '1' }).build();
      const existing = makePod('existing').nodeName('node').req(c.existing).build();
      const { plugin, nodes } = setup([node], [existing]);
      const [status] = runFilter(plugin, c.pod.build(), nodes);
      expect(status?.code).toBe(Code.Unschedulable);
      expect(status?.reasons).toEqual(['Too many pods']);
    });
  }

  it('"Too many pods" comes first and other reasons follow it', () => {
    const node = makeNode('node').allocatable({ cpu: '10m', memory: '20', pods: '1' }).build();
    const { plugin, nodes } = setup([node], [makePod('existing').nodeName('node').req({ cpu: '8m' }).build()]);
    const [status] = runFilter(plugin, resourcePod({ cpu: '3m' }).build(), nodes);
    expect(status?.reasons).toEqual(['Too many pods', 'Insufficient cpu']);
  });

  it('a node without a pods allocatable fits no pod at all', () => {
    const { plugin, nodes } = setup([makeNode('node').capacity({ cpu: '1', memory: '1Gi' }).build()], []);
    expect(runFilter(plugin, makePod('incoming').build(), nodes)[0]?.reasons).toEqual(['Too many pods']);
  });
});

describe('NodeResourcesFit Filter: ephemeral storage (kube TestStorageRequests)', () => {
  const cases: Array<{ name: string; pod: PodBuilder; existing: Res; reasons: string[] | null }> = [
    { name: 'empty storage requested, and pod fits', pod: resourcePod({ cpu: '1m', memory: '1' }), existing: { cpu: '2m', memory: '10' }, reasons: null },
    { name: 'storage ephemeral local storage request exceeds allocatable', pod: resourcePod({ 'ephemeral-storage': '25' }), existing: { cpu: '2m', memory: '2' }, reasons: [insufficient('ephemeral-storage')] },
    { name: 'ephemeral local storage is sufficient', pod: resourcePod({ 'ephemeral-storage': '5' }), existing: { cpu: '2m', memory: '2', 'ephemeral-storage': '10' }, reasons: null },
    { name: 'pod fits', pod: resourcePod({ 'ephemeral-storage': '10' }), existing: { cpu: '2m', memory: '2' }, reasons: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { plugin, nodes } = setup([fitNode(10, 20, 32, 5, 20, 5)], [makePod('existing').nodeName('node').req(c.existing).build()]);
      const [status] = runFilter(plugin, c.pod.build(), nodes);
      if (c.reasons === null) expect(status).toBeNull();
      else expect(status?.reasons).toEqual(c.reasons);
    });
  }
});

describe('NodeResourcesFit PreFilter/Filter plumbing', () => {
  it('allows a pod with restartable init containers (SidecarContainers is on in 1.32; kube TestRestartableInitContainers)', () => {
    const node = makeNode('node').allocatable({ cpu: '0', memory: '0', pods: '1' }).build();
    const { plugin, nodes } = setup([node], []);
    const pod = makePod('incoming').container({ name: 'regular' }).build();
    pod.spec.initContainers = [{ name: 'restartable-init', restartPolicy: 'Always' }];
    expect(runFilter(plugin, pod, nodes)).toEqual([null]);
  });

  it('Filter without PreFilter is an Error (kube TestPreFilterDisabled)', () => {
    const { plugin, nodes } = setup([fitNode(10, 20, 32, 5, 20, 5)], []);
    const out: Array<Status | null> = [null];
    plugin.filter(new CycleState(), makePodInfo(makePod('incoming').build()), nodes, out);
    expect(out[0]?.code).toBe(Code.Error);
    expect(out[0]?.message()).toBe(`error reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
  });

  it('filters a batch of nodes in node order and shares one Status per distinct verdict', () => {
    const nodeObjs = [4, 1, 4, 2, 8, 1].map((cpu, i) => makeNode(`n${i}`).capacity({ cpu: `${cpu}`, memory: '4Gi', pods: i === 5 ? '0' : '10' }).build());
    const { plugin, nodes } = setup(nodeObjs, []);
    const out = runFilter(plugin, resourcePod({ cpu: '2', memory: '1Gi' }).build(), nodes);
    expect(out.map((s) => s?.reasons ?? null)).toEqual([null, ['Insufficient cpu'], null, null, null, ['Too many pods', 'Insufficient cpu']]);
    expect(out[1]).toBeDefined();
    const again = runFilter(plugin, resourcePod({ cpu: '3' }).build(), nodes);
    expect(again[1]).toBe(again[3]);
  });

  it('a resource declared by a node added after the pod was decoded is checked through its slot', () => {
    const { state, plugin } = setup([makeNode('a').capacity({ cpu: '1', pods: '10' }).build()], []);
    state.addNode(makeNode('b').capacity({ cpu: '1', pods: '10', 'example.com/gpu': '2' }).build());
    const out = runFilter(plugin, resourcePod({ 'example.com/gpu': '1' }).build(), state.nodes);
    expect(out.map((s) => s?.reasons ?? null)).toEqual([['Insufficient example.com/gpu'], null]);
  });

  it('handles pods with more than 31 requested resources (multi-word masks)', () => {
    const names = Array.from({ length: 35 }, (_, i) => `example.com/r${String(i).padStart(2, '0')}`);
    const cap: Res = { cpu: '1', pods: '10' };
    for (const n of names) cap[n] = '1';
    const { plugin, nodes } = setup([makeNode('node').capacity(cap).build()], []);
    const req: Res = {};
    names.forEach((n, i) => (req[n] = i === 0 || i === 31 || i === 34 ? '2' : '1'));
    const [status] = runFilter(plugin, resourcePod(req).build(), nodes);
    expect(status?.reasons).toEqual([names[0]!, names[31]!, names[34]!].map(insufficient));
  });

  it('ignoredResources / ignoredResourceGroups apply to extended resources only', () => {
    const ig = { names: new Set(['hugepages-2Mi', 'example.com/a']), groups: new Set(['kubernetes.io', 'example.org']) };
    expect(isIgnored('example.com/a', ig)).toBe(true);
    expect(isIgnored('example.org/x', ig)).toBe(true);
    expect(isIgnored('example.com/b', ig)).toBe(false);
    expect(isIgnored('hugepages-2Mi', ig)).toBe(false);
    expect(isIgnored('kubernetes.io/foo', ig)).toBe(false);
  });
});

describe('NodeResourcesFit Score (kube TestFitScore)', () => {
  const nodes = () => [
    makeNode('node1').capacity({ cpu: '4000', memory: '10000' }).build(),
    makeNode('node2').capacity({ cpu: '6000', memory: '10000' }).build(),
  ];
  const existing = () => [
    makePod().nodeName('node1').req({ cpu: '2000', memory: '4000' }).build(),
    makePod().nodeName('node2').req({ cpu: '1000', memory: '2000' }).build(),
  ];
  const rtcr = (shape: Array<[number, number]>): ScoringStrategy => ({
    type: 'RequestedToCapacityRatio',
    resources: defaultResources,
    requestedToCapacityRatio: { shape: shape.map(([utilization, score]) => ({ utilization, score })) },
  });
  const cases: Array<{ name: string; pod: Res; strategy: ScoringStrategy; want: number[] }> = [
    { name: 'RequestedToCapacityRatio case1', pod: { cpu: '3000', memory: '5000' }, strategy: rtcr([[0, 10], [100, 0]]), want: [10, 32] },
    { name: 'RequestedToCapacityRatio case2', pod: { cpu: '3000', memory: '5000' }, strategy: rtcr([[0, 0], [100, 10]]), want: [95, 68] },
    { name: 'MostAllocated', pod: { cpu: '1000', memory: '2000' }, strategy: { type: 'MostAllocated', resources: defaultResources }, want: [67, 36] },
    { name: 'LeastAllocated', pod: { cpu: '1000', memory: '2000' }, strategy: { type: 'LeastAllocated', resources: defaultResources }, want: [32, 63] },
  ];
  for (const c of cases) {
    for (const preScore of [true, false]) {
      it(`${c.name}${preScore ? '' : ' if PreScore is not called'}`, () => {
        const { plugin, nodes: ns } = setup(nodes(), existing(), args({ scoringStrategy: c.strategy }));
        const { scores, status } = runScore(plugin, makePod('incoming').req(c.pod).build(), ns, preScore);
        expect(status).toBeNull();
        expect(scores).toEqual(c.want);
      });
    }
  }
});

interface ScoreCase {
  name: string;
  pod: Pod;
  nodes: Node[];
  existing?: Pod[];
  resources: Array<{ name: string; weight: number }>;
  want: number[];
  wantError?: boolean;
}

function runScoreCases(type: 'LeastAllocated' | 'MostAllocated', cases: ScoreCase[]) {
  for (const c of cases) {
    it(c.name, () => {
      const { plugin, nodes } = setup(c.nodes, c.existing ?? [], args({ scoringStrategy: { type, resources: c.resources } }));
      const { scores, status } = runScore(plugin, c.pod, nodes);
      if (c.wantError) expect(status?.code).toBe(Code.Error);
      else expect(status).toBeNull();
      expect(scores).toEqual(c.want);
    });
  }
}

const node = (name: string, cap: Res) => makeNode(name).capacity(cap).build();
const two = (cpu1: string, mem1: string, cpu2: string, mem2: string) => [node('node1', { cpu: cpu1, memory: mem1 }), node('node2', { cpu: cpu2, memory: mem2 })];
const onNode = (n: string, req?: Res) => (req ? makePod().nodeName(n).req(req).build() : makePod().nodeName(n).build());
const bigPod = () => makePod('incoming').req({ cpu: '1000', memory: '2000' }).req({ cpu: '2000', memory: '3000' }).build();

describe('NodeResourcesFit LeastAllocated (kube TestLeastAllocatedScoringStrategy)', () => {
  runScoreCases('LeastAllocated', [
    { name: 'nothing scheduled, nothing requested', pod: makePod('incoming').build(), nodes: two('4000', '10000', '4000', '10000'), resources: defaultResources, want: [100, 100] },
    { name: 'nothing scheduled, resources requested, differently sized nodes', pod: bigPod(), nodes: two('4000', '10000', '6000', '10000'), resources: defaultResources, want: [37, 50] },
    { name: 'Resources not set, pods scheduled with error', pod: bigPod(), nodes: two('4000', '10000', '6000', '10000'), resources: [], want: [0, 0], wantError: true },
    { name: 'no resources requested, pods scheduled', pod: makePod('incoming').build(), nodes: two('4000', '10000', '4000', '10000'), existing: [onNode('node1'), onNode('node1'), onNode('node2'), onNode('node2')], resources: defaultResources, want: [100, 100] },
    {
      name: 'no resources requested, pods scheduled with resources', pod: makePod('incoming').build(), nodes: two('10000', '20000', '10000', '20000'),
      existing: [onNode('node1', { cpu: '3000', memory: '0' }), onNode('node1', { cpu: '3000', memory: '0' }), onNode('node2', { cpu: '3000', memory: '0' }), onNode('node2', { cpu: '3000', memory: '5000' })],
      resources: defaultResources, want: [70, 57],
    },
    { name: 'resources requested, pods scheduled with resources', pod: bigPod(), nodes: two('10000', '20000', '10000', '20000'), existing: [onNode('node1', { cpu: '3000', memory: '0' }), onNode('node2', { cpu: '3000', memory: '5000' })], resources: defaultResources, want: [57, 45] },
    { name: 'resources requested, pods scheduled with resources, differently sized nodes', pod: bigPod(), nodes: two('10000', '20000', '10000', '50000'), existing: [onNode('node1', { cpu: '3000', memory: '0' }), onNode('node2', { cpu: '3000', memory: '5000' })], resources: defaultResources, want: [57, 60] },
    { name: 'requested resources exceed node capacity', pod: makePod('incoming').req({ cpu: '3000', memory: '0' }).build(), nodes: two('4000', '10000', '4000', '10000'), existing: [onNode('node1', { cpu: '3000', memory: '0' }), onNode('node2', { cpu: '3000', memory: '5000' })], resources: defaultResources, want: [50, 25] },
    { name: 'zero node resources, pods scheduled with resources', pod: makePod('incoming').build(), nodes: [makeNode('node1').build(), makeNode('node2').build()], existing: [onNode('node1', { cpu: '3000', memory: '0' }), onNode('node2', { cpu: '3000', memory: '5000' })], resources: defaultResources, want: [0, 0] },
    { name: 'nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes', pod: bigPod(), nodes: two('4000', '10000', '6000', '10000'), resources: [{ name: 'memory', weight: 2 }, { name: 'cpu', weight: 1 }], want: [41, 50] },
    { name: 'bypass extended resource if the pod does not request', pod: bigPod(), nodes: [node('node1', { cpu: '6000', memory: '10000' }), node('node2', { cpu: '6000', memory: '10000', [extendedRes]: '4' })], resources: extendedResourceSet, want: [50, 50] },
    { name: 'honor extended resource if the pod requests', pod: makePod('incoming').req({ cpu: '3000', memory: '5000', [extendedRes]: '2' }).build(), nodes: [node('node1', { cpu: '6000', memory: '10000', [extendedRes]: '4' }), node('node2', { cpu: '6000', memory: '10000', [extendedRes]: '10' })], resources: extendedResourceSet, want: [50, 60] },
    { name: "if the node doesn't have a resource", pod: makePod('incoming').req({ cpu: '3000', memory: '4000' }).build(), nodes: [node('node1', { cpu: '6000', memory: '10000' }), node('node2', { cpu: '6000', memory: '10000', [extendedRes]: '4' })], resources: [{ name: extendedRes, weight: 2 }, { name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }], want: [55, 55] },
  ]);
});

describe('NodeResourcesFit MostAllocated (kube TestMostAllocatedScoringStrategy)', () => {
  runScoreCases('MostAllocated', [
    { name: 'nothing scheduled, nothing requested', pod: makePod('incoming').build(), nodes: two('4000', '10000', '4000', '10000'), resources: defaultResources, want: [0, 0] },
    { name: 'nothing scheduled, resources requested, differently sized nodes', pod: bigPod(), nodes: two('4000', '10000', '6000', '10000'), resources: defaultResources, want: [62, 50] },
    { name: 'Resources not set, pods scheduled with error', pod: bigPod(), nodes: two('4000', '10000', '6000', '10000'), resources: [], want: [0, 0], wantError: true },
    {
      name: 'no resources requested, pods scheduled with resources', pod: makePod('incoming').build(), nodes: two('10000', '20000', '10000', '20000'),
      existing: [onNode('node1', { cpu: '3000', memory: '0' }), onNode('node1', { cpu: '3000', memory: '0' }), onNode('node2', { cpu: '3000', memory: '0' }), onNode('node2', { cpu: '3000', memory: '5000' })],
      resources: defaultResources, want: [30, 42],
    },
    { name: 'resources requested, pods scheduled with resources', pod: bigPod(), nodes: two('10000', '20000', '10000', '20000'), existing: [onNode('node1', { cpu: '3000', memory: '0' }), onNode('node2', { cpu: '3000', memory: '5000' })], resources: defaultResources, want: [42, 55] },
    { name: 'resources requested equal node capacity', pod: makePod('incoming').req({ cpu: '2000', memory: '4000' }).req({ cpu: '3000', memory: '5000' }).build(), nodes: two('5000', '10000', '10000', '9000'), resources: defaultResources, want: [95, 75] },
    { name: 'nothing scheduled, resources requested, differently sized nodes (weighted)', pod: bigPod(), nodes: two('4000', '10000', '6000', '10000'), resources: [{ name: 'memory', weight: 2 }, { name: 'cpu', weight: 1 }], want: [58, 50] },
    {
      name: 'no resources requested, pods scheduled, nonzero request for resource', pod: makePod('incoming').container({ name: 'container' }).build(), nodes: two('250m', '1000Mi', '250m', '1000Mi'),
      existing: [makePod().nodeName('node1').container({ name: 'container' }).build(), makePod().nodeName('node1').container({ name: 'container' }).build()],
      resources: defaultResources, want: [80, 30],
    },
    { name: 'bypass extended resource if the pod does not request', pod: bigPod(), nodes: [node('node1', { cpu: '6000', memory: '10000' }), node('node2', { cpu: '6000', memory: '10000', [extendedRes]: '4' })], resources: extendedResourceSet, want: [50, 50] },
    { name: 'honor extended resource if the pod request', pod: makePod('incoming').req({ cpu: '3000', memory: '5000', [extendedRes]: '2' }).build(), nodes: [node('node1', { cpu: '6000', memory: '10000', [extendedRes]: '4' }), node('node2', { cpu: '6000', memory: '10000', [extendedRes]: '10' })], resources: extendedResourceSet, want: [50, 40] },
    { name: "if the node doesn't have a resource", pod: makePod('incoming').req({ cpu: '3000', memory: '4000' }).build(), nodes: [node('node1', { cpu: '6000', memory: '10000' }), node('node2', { cpu: '6000', memory: '10000', [extendedRes]: '4' })], resources: [{ name: extendedRes, weight: 2 }, { name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }], want: [45, 45] },
  ]);
});

describe('NodeResourcesFit args validation cases of the kube score tests', () => {
  it.each([
    ['resource with negative weight', [{ name: 'memory', weight: -1 }, { name: 'cpu', weight: 1 }], 'scoringStrategy.resources[0].weight'],
    ['resource weight larger than MaxNodeScore', [{ name: 'memory', weight: 1 }, { name: 'cpu', weight: 101 }], 'scoringStrategy.resources[1].weight'],
  ])('%s is rejected', (_name, resources, path) => {
    const r = argsSchema.safeParse({ scoringStrategy: { type: 'MostAllocated', resources } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.').replace(/\.(\d+)/g, '[$1]'))).toContain(path);
  });
});

describe('NodeResourcesFit RequestedToCapacityRatio (kube TestRequestedToCapacityRatioScoringStrategy)', () => {
  const shape = [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }];
  const cases: Array<{ name: string; pod: Pod; nodes: Node[]; existing: Pod[]; want: number[] }> = [
    { name: 'nothing scheduled, nothing requested (default - least requested nodes have priority)', pod: makePod('incoming').build(), nodes: two('4000', '10000', '4000', '10000'), existing: [onNode('node1'), onNode('node1')], want: [100, 100] },
    { name: 'nothing scheduled, resources requested, differently sized nodes (default - least requested nodes have priority)', pod: bigPod(), nodes: two('4000', '10000', '6000', '10000'), existing: [onNode('node1'), onNode('node1')], want: [38, 50] },
    { name: 'no resources requested, pods scheduled with resources (default - least requested nodes have priority)', pod: makePod('incoming').build(), nodes: two('4000', '10000', '6000', '10000'), existing: [onNode('node1', { cpu: '3000', memory: '5000' }), onNode('node2', { cpu: '3000', memory: '5000' })], want: [38, 50] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { plugin, nodes } = setup(c.nodes, c.existing, args({ scoringStrategy: { type: 'RequestedToCapacityRatio', resources: defaultResources, requestedToCapacityRatio: { shape } } }));
      expect(runScore(plugin, c.pod, nodes).scores).toEqual(c.want);
    });
  }
});

/** kube's makeNode(name, milliCPU, memory, extended) of the bin-packing tests. */
function binNode(name: string, ext: Record<string, number>): Node {
  const cap: Res = { cpu: '4000m', memory: `${10000 * 1024 * 1024}` };
  for (const [k, v] of Object.entries(ext)) cap[k] = `${v}`;
  return makeNode(name).capacity(cap).build();
}

describe('NodeResourcesFit bin packing (kube TestResourceBinPackingSingleExtended)', () => {
  const ext1 = { 'intel.com/foo': 4 };
  const ext2 = { 'intel.com/foo': 8 };
  const cases: Array<{ name: string; pod: Pod; existing: Pod[]; want: number[] }> = [
    { name: 'nothing scheduled, nothing requested', pod: makePod('incoming').build(), existing: [], want: [0, 0] },
    { name: 'resources requested, pods scheduled with less resources', pod: makePod('incoming').req({ 'intel.com/foo': '2' }).build(), existing: [], want: [2, 5] },
    { name: 'resources requested, pods scheduled with resources, on node with existing pod running', pod: makePod('incoming').req({ 'intel.com/foo': '2' }).build(), existing: [onNode('node2', { 'intel.com/foo': '2' })], want: [2, 10] },
    { name: 'resources requested, pods scheduled with more resources', pod: makePod('incoming').req({ 'intel.com/foo': '4' }).build(), existing: [], want: [5, 10] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = args({ scoringStrategy: { type: 'RequestedToCapacityRatio', resources: [{ name: 'intel.com/foo', weight: 1 }], requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 1 }] } } });
      const { plugin, nodes } = setup([binNode('node1', ext2), binNode('node2', ext1)], c.existing, a);
      expect(runScore(plugin, c.pod, nodes).scores).toEqual(c.want);
    });
  }
});

describe('NodeResourcesFit bin packing (kube TestResourceBinPackingMultipleExtended)', () => {
  const ext1 = { 'intel.com/foo': 4, 'intel.com/bar': 8 };
  const ext2 = { 'intel.com/foo': 8, 'intel.com/bar': 4 };
  const pod1 = { 'intel.com/foo': '2', 'intel.com/bar': '2' };
  const pod2 = { 'intel.com/foo': '4', 'intel.com/bar': '2' };
  const cases: Array<{ name: string; pod: Pod; existing: Pod[]; want: number[] }> = [
    { name: 'nothing scheduled, nothing requested', pod: makePod('incoming').build(), existing: [], want: [0, 0] },
    { name: 'resources requested, pods scheduled with less resources', pod: makePod('incoming').req(pod1).build(), existing: [], want: [4, 3] },
    { name: 'resources requested, pods scheduled with resources, on node with existing pod running', pod: makePod('incoming').req(pod1).build(), existing: [onNode('node2', pod2)], want: [4, 7] },
    { name: 'resources requested, pods scheduled with more resources', pod: makePod('incoming').req(pod2).build(), existing: [], want: [5, 5] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = args({
        scoringStrategy: {
          type: 'RequestedToCapacityRatio',
          resources: [{ name: 'intel.com/foo', weight: 3 }, { name: 'intel.com/bar', weight: 5 }],
          requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 1 }] },
        },
      });
      const { plugin, nodes } = setup([binNode('node1', ext2), binNode('node2', ext1)], c.existing, a);
      expect(runScore(plugin, c.pod, nodes).scores).toEqual(c.want);
    });
  }
});

describe('NodeResourcesFit definition', () => {
  it('is registered under its kube name with all four points and defaulted args', () => {
    expect(definition.name).toBe(NAME);
    expect(definition.points).toEqual(['preFilter', 'filter', 'preScore', 'score']);
    expect(definition.implemented).toBe(true);
    const parsed = definition.argsSchema!.parse({});
    expect(parsed.scoringStrategy).toEqual({ type: 'LeastAllocated', resources: defaultResources });
    const { plugin } = setup([], [], parsed);
    expect((plugin as { normalizeScore?: unknown }).normalizeScore).toBeUndefined();
  });

  it('scores the pods resource and non-scalar unknown names as absent (kube returns 0,0 for them)', () => {
    const { plugin, nodes } = setup(two('4000', '10000', '4000', '10000'), [], args({ scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'pods', weight: 1 }, { name: 'storage', weight: 1 }, { name: 'cpu', weight: 1 }] } }));
    expect(runScore(plugin, makePod('incoming').req({ cpu: '1000' }).build(), nodes).scores).toEqual([25, 25]);
  });
});

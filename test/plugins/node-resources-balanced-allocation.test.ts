import { describe, it, expect } from 'vitest';
import type { Node, Pod } from '../../src/api/k8s.js';
import { ClusterState, type NodeInfo } from '../../src/model/cluster-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { Code } from '../../src/framework/status.js';
import type { FrameworkHandle, FrameworkRunner } from '../../src/framework/interfaces.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import {
  definition,
  NAME,
  type NodeResourcesBalancedAllocationPlugin,
} from '../../src/plugins/node-resources-balanced-allocation/index.js';
import type { NodeResourcesBalancedAllocationArgs } from '../../src/plugins/node-resources-balanced-allocation/args.js';
import { makeNode, makePod } from '../helpers/builders.js';

type Res = Record<string, string>;

const kernels = createJsKernels();
const defaultSet = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];

function setup(nodes: Node[], pods: Pod[], args: NodeResourcesBalancedAllocationArgs = { resources: defaultSet }) {
  const state = new ClusterState();
  for (const n of nodes) state.addNode(n);
  pods.forEach((p, i) => {
    p.metadata.name = `existing-${i}`;
    state.addPod(makePodInfo(p), p.spec.nodeName!);
  });
  const handle: FrameworkHandle = { state, kernels, profileName: 'default-scheduler', binder: { bind: async () => {} }, framework: {} as FrameworkRunner };
  const plugin = definition.factory(args, handle) as NodeResourcesBalancedAllocationPlugin;
  return { state, plugin, nodes: state.nodes as readonly NodeInfo[] };
}

function runScore(plugin: NodeResourcesBalancedAllocationPlugin, pod: Pod, nodes: readonly NodeInfo[], preScore = true) {
  const cs = new CycleState();
  const info = makePodInfo(pod);
  const preStatus = preScore ? plugin.preScore(cs, info, nodes) : null;
  const out = new Float64Array(nodes.length);
  const status = plugin.score(cs, info, nodes, out);
  return { preStatus, status, scores: Array.from(out) };
}

/** kube's makeNode(name, milliCPU, memory, extended): allocatable = capacity. */
function node(name: string, milliCPU: number, memory: number, ext: Record<string, number> = {}): Node {
  const cap: Res = { cpu: `${milliCPU}m`, memory: `${memory}` };
  for (const [k, v] of Object.entries(ext)) cap[k] = `${v}`;
  return makeNode(name).capacity(cap).build();
}

// kube's pod specs of TestNodeResourcesBalancedAllocation.
const cpuAndMemory = (nodeName?: string) => {
  const b = makePod().req({ cpu: '1000m', memory: '2000' }).req({ cpu: '2000m', memory: '3000' });
  return (nodeName ? b.nodeName(nodeName) : b).build();
};
const cpuAndMemoryAndGPU = (nodeName: string) =>
  makePod().nodeName(nodeName).req({ cpu: '1000m', memory: '2000' }).req({ cpu: '2000m', memory: '3000', 'nvidia.com/gpu': '3' }).build();
const cpuOnly = (nodeName: string) => makePod().nodeName(nodeName).req({ cpu: '1000m', memory: '0' }).req({ cpu: '2000m', memory: '0' }).build();
const noContainers = (nodeName?: string) => (nodeName ? makePod().nodeName(nodeName).build() : makePod('incoming').build());

describe('NodeResourcesBalancedAllocation (kube TestNodeResourcesBalancedAllocation)', () => {
  const gpuSet = [...defaultSet, { name: 'nvidia.com/gpu', weight: 1 }];
  const cases: Array<{ name: string; pod: Pod; nodes: Node[]; existing?: Pod[]; resources?: typeof defaultSet; want: number[]; preScore?: boolean }> = [
    // fractions 0 and 0: std 0 -> 100
    { name: 'nothing scheduled, nothing requested', pod: noContainers(), nodes: [node('node1', 4000, 10000), node('node2', 4000, 10000)], want: [100, 100] },
    // node1: cpu 3000/4000 = .75, memory 5000/10000 = .5, std .125 -> 87; node2: .5/.5 -> 100
    { name: 'nothing scheduled, resources requested, differently sized nodes', pod: cpuAndMemory(), nodes: [node('node1', 4000, 10000), node('node2', 6000, 10000)], want: [87, 100] },
    { name: 'no resources requested, pods without container scheduled', pod: noContainers(), nodes: [node('node1', 4000, 10000), node('node2', 4000, 10000)], existing: [noContainers('node1'), noContainers('node1'), noContainers('node2'), noContainers('node2')], want: [100, 100] },
    { name: 'no resources requested, pods with container scheduled', pod: noContainers(), nodes: [node('node1', 250, 1000 * 1024 * 1024), node('node2', 250, 1000 * 1024 * 1024)], existing: [noContainers('node1'), noContainers('node1')], want: [100, 100] },
    // node1: cpu .6, memory 0: std .3 -> 70; node2: cpu .6, memory .25: std .175 -> 82
    { name: 'no resources requested, pods scheduled with resources', pod: noContainers(), nodes: [node('node1', 10000, 20000), node('node2', 10000, 20000)], existing: [cpuOnly('node1'), cpuOnly('node1'), cpuOnly('node2'), cpuAndMemory('node2')], want: [70, 82] },
    { name: 'resources requested, pods scheduled with resources', pod: cpuAndMemory(), nodes: [node('node1', 10000, 20000), node('node2', 10000, 20000)], existing: [cpuOnly('node1'), cpuAndMemory('node2')], want: [82, 95] },
    { name: 'resources requested, pods scheduled with resources, differently sized nodes', pod: cpuAndMemory(), nodes: [node('node1', 10000, 20000), node('node2', 10000, 50000)], existing: [cpuOnly('node1'), cpuAndMemory('node2')], want: [82, 80] },
    // node1: cpu 6000/6000 = 1, memory 0: std .5 -> 50; node2: cpu 1, memory .5: std .25 -> 75
    { name: 'requested resources at node capacity', pod: cpuOnly('node1'), nodes: [node('node1', 6000, 10000), node('node2', 6000, 10000)], existing: [cpuOnly('node1'), cpuAndMemory('node2')], want: [50, 75] },
    // nothing has allocatable: no fractions, std 0 -> 100
    { name: 'zero node resources, pods scheduled with resources', pod: noContainers(), nodes: [node('node1', 0, 0), node('node2', 0, 0)], existing: [cpuOnly('node1'), cpuAndMemory('node2')], want: [100, 100] },
    // node1: cpu 3000/3500, memory 5000/40000, gpu 4/8: std .3002 -> 70; node2: gpu 1/8: std .345 -> 65
    { name: 'include scalar resource on a node for balanced resource allocation', pod: makePod('incoming').req({ memory: '0', 'nvidia.com/gpu': '1' }).build(), nodes: [node('node1', 3500, 40000, { 'nvidia.com/gpu': 8 }), node('node2', 3500, 40000, { 'nvidia.com/gpu': 8 })], existing: [cpuAndMemory('node2'), cpuAndMemoryAndGPU('node1')], resources: gpuSet, want: [70, 65] },
    // the pod requests no gpu: gpu is skipped, one fraction left, std 0 -> 100
    { name: 'node without the scalar resource results to a higher score', pod: noContainers(), nodes: [node('node1', 3500, 40000, { 'nvidia.com/gpu': 8 }), node('node2', 3500, 40000)], existing: [cpuOnly('node1'), cpuOnly('node2')], resources: [{ name: 'cpu', weight: 1 }, { name: 'nvidia.com/gpu', weight: 1 }], want: [100, 100] },
    { name: 'resources requested, pods scheduled with resources if PreScore not called', pod: cpuAndMemory(), nodes: [node('node1', 10000, 20000), node('node2', 10000, 20000)], existing: [cpuOnly('node1'), cpuAndMemory('node2')], want: [82, 95], preScore: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { plugin, nodes } = setup(c.nodes, c.existing ?? [], { resources: c.resources ?? defaultSet });
      const r = runScore(plugin, c.pod, nodes, c.preScore ?? true);
      expect(r.preStatus).toBeNull();
      expect(r.status).toBeNull();
      expect(r.scores).toEqual(c.want);
    });
  }
});

describe('NodeResourcesBalancedAllocation v1.32 specifics', () => {
  it('scores a best-effort pod (PreScore returns Success, not the v1.33 Skip)', () => {
    const { plugin, nodes } = setup([node('node1', 10000, 20000), node('node2', 10000, 20000)], [cpuOnly('node1')]);
    const r = runScore(plugin, makePod('incoming').container({ name: 'c' }).build(), nodes);
    expect(r.preStatus).toBeNull();
    // node1: cpu .3, memory 0 -> std .15 -> 85; node2 idle -> 100
    expect(r.scores).toEqual([85, 100]);
  });

  it('uses real requests, not the non-zero defaults (unlike Fit scoring)', () => {
    // Each existing container without requests would count 100m / 200Mi under non-zero rules.
    const nodes = [node('node1', 1000, 1000 * 1024 * 1024)];
    const { plugin, nodes: ns } = setup(nodes, [makePod().nodeName('node1').container({ name: 'c' }).build()]);
    expect(runScore(plugin, makePod('incoming').req({ cpu: '500m' }).build(), ns).scores).toEqual([75]);
  });

  it('ignores weights (kube validation pins them to 1; the scorer never reads them)', () => {
    const nodes = () => [node('node1', 4000, 10000)];
    const b = setup(nodes(), [], { resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 7 }] });
    expect(runScore(b.plugin, cpuAndMemory(), b.nodes).scores).toEqual([87]);
  });

  it('errors when no resources are configured (kube: "resources not found")', () => {
    const { plugin, nodes } = setup([node('node1', 4000, 10000)], [], { resources: [] });
    const r = runScore(plugin, cpuAndMemory(), nodes);
    expect(r.status?.code).toBe(Code.Error);
    expect(r.status?.message()).toBe('resources not found');
  });

  it('is registered under its kube name with defaulted args and no NormalizeScore', () => {
    expect(definition.name).toBe(NAME);
    expect(definition.points).toEqual(['preScore', 'score']);
    expect(definition.implemented).toBe(true);
    const parsed = definition.argsSchema!.parse({});
    expect(parsed).toEqual({ resources: defaultSet });
    const { plugin } = setup([], [], parsed);
    expect((plugin as { normalizeScore?: unknown }).normalizeScore).toBeUndefined();
  });
});

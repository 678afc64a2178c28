import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/model/cluster-state.js';
import { ModelInputError } from '../../src/model/errors.js';
import { clonePodInfo, makePodInfo } from '../../src/model/pod-info.js';
import { makeNode, makePod } from '../helpers/builders.js';

describe('ClusterState node images', () => {
  const img = (tag: string) => ({ names: [`registry.example.com/app@sha256:${'ab'.repeat(32)}`, `registry.example.com/app:${tag}`], sizeBytes: 1000 });
  // Names from separate parses, as a Node list gives them: equal strings, distinct objects.
  const parsed = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

  it('counts nodes per image name through adds, updates and removals, and forgets names no node has', () => {
    const state = new ClusterState();
    state.addNode(parsed(makeNode('a').images([img('v1')]).build()));
    state.addNode(parsed(makeNode('b').images([img('v1'), img('v2')]).build()));
    const sha = `registry.example.com/app@sha256:${'ab'.repeat(32)}`;
    expect(state.imageNodeCount.get(sha)).toBe(2); // a node counts once per name
    expect(state.imageNodeCount.get('registry.example.com/app:v1')).toBe(2);
    expect(state.getNode('b')!.images.get('registry.example.com/app:v2')).toBe(1000);
    state.updateNode(parsed(makeNode('a').images([img('v3')]).build()));
    expect(state.imageNodeCount.get('registry.example.com/app:v1')).toBe(1);
    expect(state.imageNodeCount.get('registry.example.com/app:v3')).toBe(1);
    state.removeNode('a');
    state.removeNode('b');
    expect(state.imageNodeCount.size).toBe(0);
    // The table of shared names empties with the counts (no names kept for nodes gone).
    expect((state as unknown as { imageNames: Map<string, string> }).imageNames.size).toBe(0);
  });
});

describe('ClusterState bad input', () => {
  // The model's own error, with the path inside the object; the edges add the file or request.
  it.each([
    ['a bad allocatable quantity', (s: ClusterState) => s.addNode(makeNode('n').capacity({ cpu: 'lots' }).build()), /^node n: invalid quantity "lots" at status\.allocatable\.cpu: quantities must match/, 'status.allocatable.cpu'],
    ['a negative allocatable (the API server refuses it)', (s: ClusterState) => s.addNode(makeNode('n').capacity({ cpu: '4', memory: '-4Gi' }).build()), /^node n: status\.allocatable\.memory: Invalid value: "-4Gi": must be greater than or equal to 0$/, 'status.allocatable.memory'],
    ['a negative capacity read for a missing allocatable', (s: ClusterState) => s.addNode({ ...makeNode('n').build(), status: { capacity: { cpu: -4 } } }), /^node n: status\.capacity\.cpu: Invalid value: "-4": must be greater than or equal to 0$/, 'status.capacity.cpu'],
    ['a fractional pod count', (s: ClusterState) => s.addNode(makeNode('n').capacity({ pods: '1.5' }).build()), /^node n: status\.allocatable\.pods: Invalid value: "1\.5": must be an integer$/, 'status.allocatable.pods'],
    ['a fractional extended resource', (s: ClusterState) => s.addNode(makeNode('n').capacity({ 'nvidia.com/gpu': '500m' }).build()), /^node n: status\.allocatable\.nvidia\.com\/gpu: Invalid value: "500m": must be an integer$/, 'status.allocatable.nvidia.com/gpu'],
    ['a negative allocatable on update', (s: ClusterState) => s.updateNode(makeNode('a').capacity({ cpu: '-1' }).build()), /^node a: status\.allocatable\.cpu: Invalid value: "-1": must be greater than or equal to 0$/, 'status.allocatable.cpu'],
    ['a duplicate node', (s: ClusterState) => s.addNode(makeNode('a').build()), /^duplicate node a$/, 'metadata.name'],
    ['a node without a name', (s: ClusterState) => s.addNode({ ...makeNode('x').build(), metadata: {} }), /^node without metadata\.name$/, 'metadata.name'],
    ['a pod on an unknown node', (s: ClusterState) => s.addPod(makePodInfo(makePod('p').build()), 'nope'), /^pod default\/p: node nope not found$/, 'spec.nodeName'],
  ])('throws ModelInputError on %s, leaving the state as it was', (_, act, message, field) => {
    const state = new ClusterState();
    state.addNode(makeNode('a').capacity({ cpu: '1' }).build());
    expect(() => act(state)).toThrow(ModelInputError);
    expect(() => act(state)).toThrow(message);
    expect(() => act(state)).toThrow(expect.objectContaining({ field }));
    expect(state.nodes.map((n) => n.name)).toEqual(['a']);
    expect(state.allocatableOf(state.getNode('a')!, 'cpu')).toBe(1000);
    expect(state.placementOf('default/p')).toBeUndefined();
  });
});

describe('ClusterState requested amounts', () => {
  // applyPod resolves a requests map to table slots once and reuses that for the next pod of the
  // same map (clones share one); a different map, or a new resource re-laying out the table, resolves again.
  it('adds and removes each pod\'s own requests, for shared and separate maps and across a re-layout', () => {
    const state = new ClusterState();
    state.addNode(makeNode('a').capacity({ cpu: '8', memory: '16Gi', pods: '110', 'example.com/gpu': '4' }).build());
    const node = state.getNode('a')!;
    const small = makePodInfo(makePod('s').req({ cpu: '100m', memory: '1Gi' }).build());
    const clone = clonePodInfo(small, 's2', 'uid-s2');
    const big = makePodInfo(makePod('b').req({ cpu: '2', memory: '2Gi' }).build());
    const gpu = makePodInfo(makePod('g').req({ cpu: '1', 'example.com/gpu': '2', 'example.com/fpga': '1' }).build());
    const expectRequested = (cpu: number, memGi: number, gpus: number, pods: number) => {
      expect(state.requestedOf(node, 'cpu')).toBe(cpu);
      expect(state.requestedOf(node, 'memory')).toBe(memGi * 2 ** 30);
      expect(state.requestedOf(node, 'example.com/gpu')).toBe(gpus);
      expect(state.requestedOf(node, 'pods')).toBe(pods);
    };
    state.addPod(small, 'a');
    state.addPod(clone, 'a');
    expectRequested(200, 2, 0, 2);
    state.addPod(big, 'a');
    expectRequested(2200, 4, 0, 3);
    state.addPod(gpu, 'a'); // example.com/fpga is new to the table: a re-layout
    expectRequested(3200, 4, 2, 4);
    expect(state.requestedOf(node, 'example.com/fpga')).toBe(1);
    state.removePod(clone.key);
    expectRequested(3100, 3, 2, 3);
    state.removePod(gpu.key);
    state.removePod(small.key);
    state.removePod(big.key);
    expectRequested(0, 0, 0, 0);
    expect(state.requestedOf(node, 'example.com/fpga')).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/model/cluster-state.js';
import { ModelInputError } from '../../src/model/errors.js';
import { makePodInfo } from '../../src/model/pod-info.js';
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

import { describe, it, expect } from 'vitest';
import type { Node, Pod } from '../../src/api/k8s.js';
import type { ScorePlugin } from '../../src/framework/interfaces.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { calculatePriority, definition } from '../../src/plugins/image-locality/index.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { build, clusterOf, scoreAll } from './shared/plugin-harness.js';

const mb = 1024 * 1024;
type Images = Array<{ names: string[]; sizeBytes: number }>;

const podOf = (containers: string[], init: string[] = []): Pod => {
  const b = makePod('p');
  for (const img of containers) b.image(img);
  const p = b.build();
  if (init.length > 0) p.spec.initContainers = init.map((image, i) => ({ name: `i${i}`, image }));
  return p;
};
const imageNode = (name: string, images: Images): Node => makeNode(name).images(images).build();

// kube's image_locality_test.go node fixtures.
const node403002000: Images = [
  { names: ['gcr.io/40:latest', 'gcr.io/40:v1', 'gcr.io/40:v1'], sizeBytes: 40 * mb },
  { names: ['gcr.io/300:latest', 'gcr.io/300:v1'], sizeBytes: 300 * mb },
  { names: ['gcr.io/2000:latest'], sizeBytes: 2000 * mb },
];
const node25010: Images = [
  { names: ['gcr.io/250:latest'], sizeBytes: 250 * mb },
  { names: ['gcr.io/10:latest', 'gcr.io/10:v1'], sizeBytes: 10 * mb },
];
const node60040900: Images = [
  { names: ['gcr.io/600:latest'], sizeBytes: 600 * mb },
  { names: ['gcr.io/40:latest'], sizeBytes: 40 * mb },
  { names: ['gcr.io/900:latest'], sizeBytes: 900 * mb },
];
const node300600900: Images = [
  { names: ['gcr.io/300:latest'], sizeBytes: 300 * mb },
  { names: ['gcr.io/600:latest'], sizeBytes: 600 * mb },
  { names: ['gcr.io/900:latest'], sizeBytes: 900 * mb },
];
const node400030: Images = [
  { names: ['gcr.io/4000:latest'], sizeBytes: 4000 * mb },
  { names: ['gcr.io/30:latest'], sizeBytes: 30 * mb },
];
const node203040: Images = [
  { names: ['gcr.io/20:latest'], sizeBytes: 20 * mb },
  { names: ['gcr.io/30:latest'], sizeBytes: 30 * mb },
  { names: ['gcr.io/40:latest'], sizeBytes: 40 * mb },
];

// Port of kube's TestImageLocalityPriority (v1.30+: init containers count, threshold x containers).
describe('ImageLocality', () => {
  const cases: Array<{ name: string; pod: Pod; nodes: Node[]; expected: number[] }> = [
    {
      // node1: 40M/2 < 23M -> 0; node2: 100 * (250M/2 - 23M) / (1000M*2 - 23M) = 5
      name: 'two images spread on two nodes, prefer the larger image one',
      pod: podOf(['gcr.io/40', 'gcr.io/250']),
      nodes: [imageNode('node1', node403002000), imageNode('node2', node25010)],
      expected: [0, 5],
    },
    {
      // node1: 100 * ((40M + 300M)/2 - 23M) / (1000M*2 - 23M) = 7
      name: 'two images on one node, prefer this node',
      pod: podOf(['gcr.io/40', 'gcr.io/300']),
      nodes: [imageNode('node1', node403002000), imageNode('node2', node25010)],
      expected: [7, 0],
    },
    {
      name: 'if exceed limit, use limit',
      pod: podOf(['gcr.io/10', 'gcr.io/4000']),
      nodes: [imageNode('node1', node400030), imageNode('node2', node25010)],
      expected: [100, 0],
    },
    {
      // node1: 100 * (4000M/3 - 23M) / (1000M*2 - 23M) = 66
      name: 'if exceed limit, use limit (with node which has no images present)',
      pod: podOf(['gcr.io/10', 'gcr.io/4000']),
      nodes: [imageNode('node1', node400030), imageNode('node2', node25010), imageNode('node3', [])],
      expected: [66, 0, 0],
    },
    {
      // node1: 100 * (600M*2/3 + 900M*2/3 - 23M) / (1000M*3 - 23M) = 32; node2 adds 300M/3 -> 36
      name: 'pod with multiple large images, node2 is preferred',
      pod: podOf(['gcr.io/300', 'gcr.io/600', 'gcr.io/900']),
      nodes: [imageNode('node1', node60040900), imageNode('node2', node300600900), imageNode('node3', [])],
      expected: [32, 36, 0],
    },
    {
      // node1: 100 * (30M + 40M/2 - 23M) / (1000M*2 - 23M) = 1
      name: 'pod with multiple small images',
      pod: podOf(['gcr.io/30', 'gcr.io/40']),
      nodes: [imageNode('node1', node203040), imageNode('node2', node400030)],
      expected: [1, 0],
    },
    {
      // node1: 100 * (300M/2 - 23M) / (1000M*2 - 23M) = 6
      name: 'include InitContainers: two images spread on two nodes, prefer the larger image one',
      pod: podOf(['gcr.io/30'], ['gcr.io/300']),
      nodes: [imageNode('node1', node403002000), imageNode('node2', node203040)],
      expected: [6, 0],
    },
    {
      // The same image in two containers counts twice (no de-duplication in v1.32):
      // 2 * 300M/2 = 300M -> 100 * (300M - 23M) / (2000M - 23M) = 14
      name: 'a repeated image is counted once per container',
      pod: podOf(['gcr.io/300', 'gcr.io/300']),
      nodes: [imageNode('node1', node403002000), imageNode('node2', node203040)],
      expected: [14, 0],
    },
    {
      name: 'tagged image names are looked up as written',
      pod: podOf(['gcr.io/300:v1']),
      nodes: [imageNode('node1', node403002000), imageNode('node2', [])],
      // 300M/2 = 150M -> 100 * (150M - 23M) / (1000M - 23M) = 12
      expected: [12, 0],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = clusterOf(c.nodes);
      const p = build<ScorePlugin>(definition, state);
      expect(p.normalizeScore).toBeUndefined();
      expect(scoreAll(p, new CycleState(), makePodInfo(c.pod), state)).toEqual(c.expected);
    });
  }
  it('a pod without containers scores 0 (no division by zero, no -0)', () => {
    expect(Object.is(calculatePriority(0, 0), 0)).toBe(true);
    // Go's arithmetic for an (unreachable) positive sum with no containers: clamped to max = 0 -> 100.
    expect(calculatePriority(50 * mb, 0)).toBe(100);
  });
  it('the spread factor follows node additions and removals', () => {
    const state = clusterOf([imageNode('node1', node300600900), imageNode('node2', [])]);
    const p = build<ScorePlugin>(definition, state);
    const pod = makePodInfo(podOf(['gcr.io/900']));
    // 900M * 1/2 = 450M -> 100 * (450M - 23M) / 977M = 43
    expect(scoreAll(p, new CycleState(), pod, state)).toEqual([43, 0]);
    state.addNode(imageNode('node3', node300600900));
    // 900M * 2/3 = 600M -> 100 * 577M / 977M = 59
    expect(scoreAll(p, new CycleState(), pod, state)).toEqual([59, 0, 59]);
    state.removeNode('node2');
    expect(scoreAll(p, new CycleState(), pod, state)).toEqual([100 * 877 / 977 | 0, 100 * 877 / 977 | 0]);
  });
});

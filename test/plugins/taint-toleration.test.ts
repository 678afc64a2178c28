import { describe, it, expect } from 'vitest';
import type { Taint, Toleration } from '../../src/api/k8s.js';
import type { FilterPlugin, PreScorePlugin, ScorePlugin } from '../../src/framework/interfaces.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { Code } from '../../src/framework/status.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { definition } from '../../src/plugins/taint-toleration/index.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { build, clusterOf, filterAll, scoreAll, statusView } from './shared/plugin-harness.js';

type TaintToleration = FilterPlugin & PreScorePlugin & ScorePlugin;

const podWith = (tolerations: Toleration[]) => {
  const b = makePod('pod1');
  for (const t of tolerations) b.toleration(t);
  return makePodInfo(b.build());
};
const nodeWith = (name: string, taints: Taint[]) => {
  const b = makeNode(name);
  for (const t of taints) b.taint(t);
  return b.build();
};

// Port of kube's TestTaintTolerationScore (cases up to v1.32; Gt/Lt operators came later).
describe('TaintToleration score', () => {
  const cases: Array<{ name: string; tolerations: Toleration[]; nodes: Array<[string, Taint[]]>; expected: number[] }> = [
    {
      name: 'node with taints tolerated by the pod, gets a higher score than those node with intolerable taints',
      tolerations: [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }],
      nodes: [
        ['nodeA', [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }]],
        ['nodeB', [{ key: 'foo', value: 'blah', effect: 'PreferNoSchedule' }]],
      ],
      expected: [100, 0],
    },
    {
      name: 'the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has',
      tolerations: [
        { key: 'cpu-type', operator: 'Equal', value: 'arm64', effect: 'PreferNoSchedule' },
        { key: 'disk-type', operator: 'Equal', value: 'ssd', effect: 'PreferNoSchedule' },
      ],
      nodes: [
        ['nodeA', []],
        ['nodeB', [{ key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }]],
        ['nodeC', [{ key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }, { key: 'disk-type', value: 'ssd', effect: 'PreferNoSchedule' }]],
      ],
      expected: [100, 100, 100],
    },
    {
      name: 'the more intolerable taints a node has, the lower score it gets.',
      tolerations: [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }],
      nodes: [
        ['nodeA', []],
        ['nodeB', [{ key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }]],
        ['nodeC', [{ key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }, { key: 'disk-type', value: 'ssd', effect: 'PreferNoSchedule' }]],
      ],
      expected: [100, 50, 0],
    },
    {
      name: 'only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function',
      tolerations: [
        { key: 'cpu-type', operator: 'Equal', value: 'arm64', effect: 'NoSchedule' },
        { key: 'disk-type', operator: 'Equal', value: 'ssd', effect: 'NoSchedule' },
      ],
      nodes: [
        ['nodeA', []],
        ['nodeB', [{ key: 'cpu-type', value: 'arm64', effect: 'NoSchedule' }]],
        ['nodeC', [{ key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }, { key: 'disk-type', value: 'ssd', effect: 'PreferNoSchedule' }]],
      ],
      expected: [100, 100, 0],
    },
    {
      name: 'Default behaviour No taints and tolerations, lands on node with no taints',
      tolerations: [],
      nodes: [
        ['nodeA', []],
        ['nodeB', [{ key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }]],
      ],
      expected: [100, 0],
    },
    {
      name: 'a toleration with empty effect counts for PreferNoSchedule taints',
      tolerations: [{ key: 'cpu-type', operator: 'Exists' }],
      nodes: [
        ['nodeA', []],
        ['nodeB', [{ key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }]],
        ['nodeC', [{ key: 'gpu', value: 'x', effect: 'PreferNoSchedule' }]],
      ],
      expected: [100, 100, 0],
    },
    {
      name: 'no node has an intolerable taint: every node gets 100',
      tolerations: [],
      nodes: [
        ['nodeA', []],
        ['nodeB', [{ key: 'k', value: 'v', effect: 'NoSchedule' }]],
      ],
      expected: [100, 100],
    },
    {
      name: 'three counts normalize with truncation (100 - 100*s/max)',
      tolerations: [],
      nodes: [
        ['nodeA', [{ key: 'a', effect: 'PreferNoSchedule' }]],
        ['nodeB', [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }]],
        ['nodeC', [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }, { key: 'c', effect: 'PreferNoSchedule' }]],
      ],
      // 100 - trunc(100*1/3) = 67, 100 - trunc(100*2/3) = 34, 0
      expected: [67, 34, 0],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = clusterOf(c.nodes.map(([n, t]) => nodeWith(n, t)));
      const p = build<TaintToleration>(definition, state);
      const cs = new CycleState();
      const pod = podWith(c.tolerations);
      expect(p.preScore(cs, pod, state.nodes)).toBeNull();
      expect(scoreAll(p, cs, pod, state)).toEqual(c.expected);
    });
  }
  it('raw scores are the counts of intolerable PreferNoSchedule taints', () => {
    const state = clusterOf([
      nodeWith('a', [{ key: 'x', effect: 'PreferNoSchedule' }, { key: 'y', effect: 'PreferNoSchedule' }, { key: 'z', effect: 'NoSchedule' }]),
      nodeWith('b', []),
    ]);
    const p = build<TaintToleration>(definition, state);
    const cs = new CycleState();
    const pod = podWith([{ key: 'y', operator: 'Exists', effect: 'PreferNoSchedule' }]);
    p.preScore(cs, pod, state.nodes);
    expect(scoreAll(p, cs, pod, state, false)).toEqual([1, 0]);
  });
  it('Score without PreScore state is an Error', () => {
    const state = clusterOf([nodeWith('a', [])]);
    const p = build<TaintToleration>(definition, state);
    const st = p.score(new CycleState(), podWith([]), state.nodes, new Float64Array(1));
    expect(st?.code).toBe(Code.Error);
  });
});

// Port of kube's TestTaintTolerationFilter with v1.32's reason `node(s) had untolerated taint {k: v}`.
describe('TaintToleration filter', () => {
  const untolerated = (key: string, value: string) => ({ code: Code.UnschedulableAndUnresolvable, reasons: [`node(s) had untolerated taint {${key}: ${value}}`] });
  const cases: Array<{ name: string; tolerations: Toleration[]; taints: Taint[]; want: unknown }> = [
    {
      name: "A pod having no tolerations can't be scheduled onto a node with nonempty taints",
      tolerations: [],
      taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }],
      want: untolerated('dedicated', 'user1'),
    },
    {
      name: 'A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule',
      tolerations: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }],
      taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }],
      want: null,
    },
    {
      name: "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }],
      taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }],
      want: untolerated('dedicated', 'user1'),
    },
    {
      name: 'A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node',
      tolerations: [{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }],
      taints: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }],
      want: null,
    },
    {
      name: 'A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node',
      tolerations: [
        { key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' },
        { key: 'foo', operator: 'Exists', effect: 'NoSchedule' },
      ],
      taints: [
        { key: 'dedicated', value: 'user2', effect: 'NoSchedule' },
        { key: 'foo', value: 'bar', effect: 'NoSchedule' },
      ],
      want: null,
    },
    {
      name: "A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node",
      tolerations: [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }],
      taints: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }],
      want: untolerated('foo', 'bar'),
    },
    {
      name: 'The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node',
      tolerations: [{ key: 'foo', operator: 'Equal', value: 'bar' }],
      taints: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }],
      want: null,
    },
    {
      name: "The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }],
      taints: [{ key: 'dedicated', value: 'user1', effect: 'PreferNoSchedule' }],
      want: null,
    },
    {
      name: 'The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node',
      tolerations: [],
      taints: [{ key: 'dedicated', value: 'user1', effect: 'PreferNoSchedule' }],
      want: null,
    },
    {
      name: 'NoExecute taints are enforced too',
      tolerations: [{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }],
      taints: [{ key: 'foo', value: 'bar', effect: 'NoExecute' }],
      want: untolerated('foo', 'bar'),
    },
    {
      name: 'a taint without value prints an empty value after the space',
      tolerations: [],
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
      want: untolerated('node-role.kubernetes.io/control-plane', ''),
    },
    {
      name: 'the first untolerated taint in node order is reported',
      tolerations: [{ key: 'a', operator: 'Exists' }],
      taints: [
        { key: 'p', value: '1', effect: 'PreferNoSchedule' },
        { key: 'a', value: '1', effect: 'NoSchedule' },
        { key: 'b', value: '2', effect: 'NoExecute' },
        { key: 'c', value: '3', effect: 'NoSchedule' },
      ],
      want: untolerated('b', '2'),
    },
    {
      name: 'empty key with Exists tolerates every taint',
      tolerations: [{ operator: 'Exists' }],
      taints: [{ key: 'a', value: '1', effect: 'NoSchedule' }, { key: 'b', effect: 'NoExecute' }],
      want: null,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = clusterOf([nodeWith('nodeA', c.taints)]);
      const p = build<TaintToleration>(definition, state);
      const [got] = filterAll(p, new CycleState(), podWith(c.tolerations), state);
      expect(statusView(got)).toEqual(c.want);
    });
  }
  it('nodes of one class share one prebuilt status; untainted nodes pass', () => {
    const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    const state = clusterOf([nodeWith('a', [taint]), nodeWith('b', []), nodeWith('c', [taint])]);
    const p = build<TaintToleration>(definition, state);
    const got = filterAll(p, new CycleState(), podWith([]), state);
    expect(got[1]).toBeNull();
    expect(got[0]).not.toBeNull();
    expect(got[0]).toBe(got[2]);
    // And across cycles.
    const again = filterAll(p, new CycleState(), podWith([]), state);
    expect(again[0]).toBe(got[0]);
  });
});

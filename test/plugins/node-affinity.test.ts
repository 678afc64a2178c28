import { describe, it, expect } from 'vitest';
import type { Affinity, NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from '../../src/api/k8s.js';
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../../src/framework/interfaces.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { Code } from '../../src/framework/status.js';
import { InputError } from '../../src/api/errors.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import {
  definition,
  ERR_REASON_CONFLICT,
  ERR_REASON_ENFORCED,
  ERR_REASON_POD,
  newNodeAffinity,
} from '../../src/plugins/node-affinity/index.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { build, clusterOf, filterAll, handleFor, scoreAll, statusView } from './shared/plugin-harness.js';

type NodeAffinity = PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin;

const expr = (key: string, operator: NodeSelectorRequirement['operator'], values?: string[]): NodeSelectorRequirement =>
  values === undefined ? { key, operator } : { key, operator, values };
const nameIn = (...values: string[]): NodeSelectorRequirement => ({ key: 'metadata.name', operator: 'In', values });
const required = (...terms: NodeSelectorTerm[]): Affinity => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
const preferred = (...terms: PreferredSchedulingTerm[]): Affinity => ({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms } });
const podWith = (o: { nodeSelector?: Record<string, string>; affinity?: Affinity }): Pod => {
  const b = makePod('p');
  if (o.nodeSelector) b.nodeSelector(o.nodeSelector);
  if (o.affinity) b.affinity(o.affinity);
  return b.build();
};
const rejectedPod = { code: Code.UnschedulableAndUnresolvable, reasons: [ERR_REASON_POD] };
const rejectedEnforced = { code: Code.UnschedulableAndUnresolvable, reasons: [ERR_REASON_ENFORCED] };
const skip = { code: Code.Skip, reasons: [] };

interface FilterCase {
  name: string;
  pod: Pod;
  labels?: Record<string, string>;
  nodeName?: string;
  args?: unknown;
  runPreFilter?: boolean;
  wantPreFilterStatus?: unknown;
  wantPreFilterResult?: string[];
  wantStatus?: unknown;
}

// Port of kube's nodeaffinity TestNodeAffinity (PreFilter + Filter).
describe('NodeAffinity filter', () => {
  const cases: FilterCase[] = [
    { name: 'missing labels', pod: podWith({ nodeSelector: { foo: 'bar' } }), wantStatus: rejectedPod },
    { name: 'same labels', pod: podWith({ nodeSelector: { foo: 'bar' } }), labels: { foo: 'bar' } },
    { name: 'node labels are superset', pod: podWith({ nodeSelector: { foo: 'bar' } }), labels: { foo: 'bar', baz: 'blah' } },
    { name: 'node labels are subset', pod: podWith({ nodeSelector: { foo: 'bar', baz: 'blah' } }), labels: { foo: 'bar' }, wantStatus: rejectedPod },
    {
      name: 'Pod with matchExpressions using In operator that matches the existing node',
      pod: podWith({ affinity: required({ matchExpressions: [expr('foo', 'In', ['bar', 'value2'])] }) }),
      labels: { foo: 'bar' },
    },
    {
      name: 'Pod with matchExpressions using Gt operator that matches the existing node',
      pod: podWith({ affinity: required({ matchExpressions: [expr('kernel-version', 'Gt', ['0204'])] }) }),
      labels: { 'kernel-version': '0206' },
    },
    {
      name: 'Pod with matchExpressions using NotIn operator that matches the existing node',
      pod: podWith({ affinity: required({ matchExpressions: [expr('mem-type', 'NotIn', ['DDR', 'DDR2'])] }) }),
      labels: { 'mem-type': 'DDR3' },
    },
    {
      name: 'Pod with matchExpressions using Exists operator that matches the existing node',
      pod: podWith({ affinity: required({ matchExpressions: [expr('GPU', 'Exists')] }) }),
      labels: { GPU: 'NVIDIA-GRID-K1' },
    },
    {
      name: "Pod with affinity that don't match node's labels won't schedule onto the node",
      pod: podWith({ affinity: required({ matchExpressions: [expr('foo', 'In', ['value1', 'value2'])] }) }),
      labels: { foo: 'bar' },
      wantStatus: rejectedPod,
    },
    {
      name: "Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node",
      pod: podWith({ affinity: required({ matchExpressions: [] }) }),
      labels: { foo: 'bar' },
      wantStatus: rejectedPod,
    },
    { name: 'Pod with no Affinity will schedule onto a node', pod: podWith({}), labels: { foo: 'bar' }, wantPreFilterStatus: skip },
    {
      name: 'Pod with Affinity but nil NodeSelector will schedule onto a node',
      pod: podWith({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: null } } }),
      labels: { foo: 'bar' },
      wantPreFilterStatus: skip,
    },
    {
      name: 'Pod with multiple matchExpressions ANDed that matches the existing node',
      pod: podWith({ affinity: required({ matchExpressions: [expr('GPU', 'Exists'), expr('GPU', 'NotIn', ['AMD', 'INTER'])] }) }),
      labels: { GPU: 'NVIDIA-GRID-K1' },
    },
    {
      name: "Pod with multiple matchExpressions ANDed that doesn't match the existing node",
      pod: podWith({ affinity: required({ matchExpressions: [expr('GPU', 'Exists'), expr('GPU', 'In', ['AMD', 'INTER'])] }) }),
      labels: { GPU: 'NVIDIA-GRID-K1' },
      wantStatus: rejectedPod,
    },
    {
      name: "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
      pod: podWith({
        affinity: required(
          { matchExpressions: [expr('foo', 'In', ['bar', 'value2'])] },
          { matchExpressions: [expr('diffkey', 'In', ['wrong', 'value2'])] },
        ),
      }),
      labels: { foo: 'bar' },
    },
    {
      name: 'Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, will schedule onto the node',
      pod: podWith({ nodeSelector: { foo: 'bar' }, affinity: required({ matchExpressions: [expr('foo', 'Exists')] }) }),
      labels: { foo: 'bar' },
    },
    {
      name: "Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that we are deprecating) is not satisfied, won't schedule onto the node",
      pod: podWith({ nodeSelector: { foo: 'bar' }, affinity: required({ matchExpressions: [expr('foo', 'Exists')] }) }),
      labels: { foo: 'barrrrrr' },
      wantStatus: rejectedPod,
    },
    {
      name: "Pod with an invalid value in Affinity term won't be scheduled onto the node",
      pod: podWith({ affinity: required({ matchExpressions: [expr('foo', 'NotIn', ['invalid value: ___@#$%^'])] }) }),
      labels: { foo: 'bar' },
      wantStatus: rejectedPod,
    },
    {
      name: 'Pod with matchFields using In operator that matches the existing node',
      pod: podWith({ affinity: required({ matchFields: [nameIn('node1')] }) }),
      nodeName: 'node1',
      wantPreFilterResult: ['node1'],
    },
    {
      name: 'Pod with matchFields using In operator that does not match the existing node',
      pod: podWith({ affinity: required({ matchFields: [nameIn('node1')] }) }),
      nodeName: 'node2',
      wantStatus: rejectedPod,
      wantPreFilterResult: ['node1'],
    },
    {
      name: 'Pod with two terms: matchFields does not match, but matchExpressions matches',
      pod: podWith({ affinity: required({ matchFields: [nameIn('node1'), nameIn('node2')] }, { matchExpressions: [expr('foo', 'In', ['bar'])] }) }),
      nodeName: 'node2',
      labels: { foo: 'bar' },
    },
    {
      name: 'Pod with one term: matchFields does not match, but matchExpressions matches',
      pod: podWith({ affinity: required({ matchFields: [nameIn('node1')], matchExpressions: [expr('foo', 'In', ['bar'])] }) }),
      nodeName: 'node2',
      labels: { foo: 'bar' },
      wantPreFilterResult: ['node1'],
      wantStatus: rejectedPod,
    },
    {
      name: 'Pod with one term: both matchFields and matchExpressions match',
      pod: podWith({ affinity: required({ matchFields: [nameIn('node1')], matchExpressions: [expr('foo', 'In', ['bar'])] }) }),
      nodeName: 'node1',
      labels: { foo: 'bar' },
      wantPreFilterResult: ['node1'],
    },
    {
      name: 'Pod with two terms: both matchFields and matchExpressions do not match',
      pod: podWith({ affinity: required({ matchFields: [nameIn('node1')] }, { matchExpressions: [expr('foo', 'In', ['not-match-to-bar'])] }) }),
      nodeName: 'node2',
      labels: { foo: 'bar' },
      wantStatus: rejectedPod,
    },
    {
      name: 'Pod with two terms of node.Name affinity',
      pod: podWith({ affinity: required({ matchFields: [nameIn('node1')] }, { matchFields: [nameIn('node2')] }) }),
      nodeName: 'node2',
      wantPreFilterResult: ['node1', 'node2'],
    },
    {
      name: 'Pod with two conflicting mach field requirements',
      pod: podWith({ affinity: required({ matchFields: [nameIn('node1'), nameIn('node2')] }) }),
      nodeName: 'node2',
      labels: { foo: 'bar' },
      wantPreFilterStatus: { code: Code.UnschedulableAndUnresolvable, reasons: [ERR_REASON_CONFLICT] },
      wantStatus: rejectedPod,
    },
    {
      name: 'matchFields NotIn on metadata.name excludes that node only',
      pod: podWith({ affinity: required({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node2'] }] }) }),
      nodeName: 'node2',
      wantStatus: rejectedPod,
    },
    {
      name: "Matches added affinity and Pod's node affinity",
      pod: podWith({ affinity: required({ matchExpressions: [expr('zone', 'In', ['foo'])] }) }),
      nodeName: 'node2',
      labels: { zone: 'foo' },
      args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [nameIn('node2')] }] } } },
    },
    {
      name: "Matches added affinity but not Pod's node affinity",
      pod: podWith({ affinity: required({ matchExpressions: [expr('zone', 'In', ['bar'])] }) }),
      nodeName: 'node2',
      labels: { zone: 'foo' },
      args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [nameIn('node2')] }] } } },
      wantStatus: rejectedPod,
    },
    {
      name: "Doesn't match added affinity",
      pod: podWith({}),
      nodeName: 'node2',
      labels: { zone: 'foo' },
      args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr('zone', 'In', ['bar'])] }] } } },
      wantStatus: rejectedEnforced,
    },
    {
      name: 'added affinity is checked before the pod affinity (its reason wins)',
      pod: podWith({ nodeSelector: { zone: 'other' } }),
      labels: { zone: 'foo' },
      args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr('zone', 'In', ['bar'])] }] } } },
      wantStatus: rejectedEnforced,
    },
    {
      name: 'Matches node selector correctly even if PreFilter is not called',
      pod: podWith({ nodeSelector: { foo: 'bar' } }),
      labels: { foo: 'bar', baz: 'blah' },
      runPreFilter: false,
    },
    {
      name: 'Matches node affinity correctly even if PreFilter is not called',
      pod: podWith({ affinity: required({ matchExpressions: [expr('GPU', 'Exists'), expr('GPU', 'NotIn', ['AMD', 'INTER'])] }) }),
      labels: { GPU: 'NVIDIA-GRID-K1' },
      runPreFilter: false,
    },
    {
      name: 'Rejects by node affinity even if PreFilter is not called',
      pod: podWith({ affinity: required({ matchExpressions: [expr('GPU', 'DoesNotExist')] }) }),
      labels: { GPU: 'NVIDIA-GRID-K1' },
      runPreFilter: false,
      wantStatus: rejectedPod,
    },
    {
      name: 'nodeSelector on the hostname label is evaluated against the node itself',
      pod: podWith({ nodeSelector: { 'kubernetes.io/hostname': 'node7' } }),
      nodeName: 'node7',
    },
    {
      name: 'nodeSelector on another hostname rejects',
      pod: podWith({ nodeSelector: { 'kubernetes.io/hostname': 'node8' } }),
      nodeName: 'node7',
      wantStatus: rejectedPod,
    },
    {
      name: 'Lt with a non-integer node label does not match',
      pod: podWith({ affinity: required({ matchExpressions: [expr('kernel-version', 'Lt', ['10'])] }) }),
      labels: { 'kernel-version': 'v5' },
      wantStatus: rejectedPod,
    },
    {
      name: 'empty nodeSelector map is not nil: no Skip, everything matches',
      pod: podWith({ nodeSelector: {} }),
      labels: { foo: 'bar' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const node = makeNode(c.nodeName ?? 'node').labels(c.labels ?? {}).build();
      const state = clusterOf([node]);
      const p = build<NodeAffinity>(definition, state, c.args ?? {});
      const cs = new CycleState();
      const pod = makePodInfo(c.pod);
      if (c.runPreFilter ?? true) {
        const pre = p.preFilter(cs, pod, state.nodes);
        expect(statusView(pre.status)).toEqual(c.wantPreFilterStatus ?? null);
        expect(pre.result?.nodeNames ? [...pre.result.nodeNames].sort() : undefined).toEqual(c.wantPreFilterResult);
      }
      // kube's table runs Filter even after a Skip; the result must still be right.
      const [got] = filterAll(p, cs, pod, state);
      expect(statusView(got)).toEqual(c.wantStatus ?? null);
    });
  }

  it('filters a batch with a hostname term per node and class terms per class', () => {
    const nodes = ['n1', 'n2', 'n3', 'n4'].map((n, i) => makeNode(n).label('zone', i < 2 ? 'a' : 'b').build());
    const state = clusterOf(nodes);
    const p = build<NodeAffinity>(definition, state);
    const run = (pod: Pod) => {
      const cs = new CycleState();
      const pi = makePodInfo(pod);
      p.preFilter(cs, pi, state.nodes);
      return filterAll(p, cs, pi, state).map((s) => s === null);
    };
    expect(run(podWith({ nodeSelector: { zone: 'b' } }))).toEqual([false, false, true, true]);
    expect(run(podWith({ affinity: required({ matchExpressions: [expr('kubernetes.io/hostname', 'In', ['n2', 'n3'])] }) }))).toEqual([false, true, true, false]);
    expect(run(podWith({ affinity: required({ matchExpressions: [expr('zone', 'In', ['a'])] }, { matchFields: [nameIn('n4')] }) }))).toEqual([true, true, false, true]);
  });

  it('a required selector with no terms matches nothing', () => {
    const state = clusterOf([makeNode('n').build()]);
    const p = build<NodeAffinity>(definition, state);
    const cs = new CycleState();
    const pod = makePodInfo(podWith({ affinity: required() }));
    expect(p.preFilter(cs, pod, state.nodes)).toEqual({ status: null });
    expect(statusView(filterAll(p, cs, pod, state)[0])).toEqual(rejectedPod);
  });

  it('invalid addedAffinity fails plugin construction (args schema or factory)', () => {
    const bad = { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'foo', operator: 'In', values: [] }] }] } } };
    expect(() => build<NodeAffinity>(definition, clusterOf([]), bad)).toThrow();
    const state = clusterOf([]);
    expect(() => newNodeAffinity(bad as never, handleFor(state))).toThrow(InputError);
  });
});

// Port of kube's TestNodeAffinityPriority (+ PreScore Skip, added since v1.28).
describe('NodeAffinity score', () => {
  const label1 = { foo: 'bar' };
  const label2 = { key: 'value' };
  const label3 = { az: 'az1' };
  const label4 = { abc: 'az11', def: 'az22' };
  const label5 = { foo: 'bar', key: 'value', az: 'az1' };
  const affinity1 = preferred({ weight: 2, preference: { matchExpressions: [expr('foo', 'In', ['bar'])] } });
  const affinity2 = preferred(
    { weight: 2, preference: { matchExpressions: [expr('foo', 'In', ['bar'])] } },
    { weight: 4, preference: { matchExpressions: [expr('key', 'In', ['value'])] } },
    { weight: 5, preference: { matchExpressions: [expr('foo', 'In', ['bar']), expr('key', 'In', ['value']), expr('az', 'In', ['az1'])] } },
  );
  const cases: Array<{
    name: string;
    pod: Pod;
    nodes: Array<[string, Record<string, string>]>;
    expected: number[];
    args?: unknown;
    wantPreScore?: unknown;
    runPreScore?: boolean;
  }> = [
    {
      name: 'all nodes are same priority as NodeAffinity is nil',
      pod: podWith({}),
      nodes: [['node1', label1], ['node2', label2], ['node3', label3]],
      wantPreScore: skip,
      expected: [0, 0, 0],
    },
    {
      name: "no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero",
      pod: podWith({ affinity: affinity1 }),
      nodes: [['node1', label4], ['node2', label2], ['node3', label3]],
      expected: [0, 0, 0],
    },
    {
      name: 'only node1 matches the preferred scheduling requirements of pod',
      pod: podWith({ affinity: affinity1 }),
      nodes: [['node1', label1], ['node2', label2], ['node3', label3]],
      expected: [100, 0, 0],
    },
    {
      name: 'all nodes matches the preferred scheduling requirements of pod but with different priorities ',
      pod: podWith({ affinity: affinity2 }),
      nodes: [['node1', label1], ['node5', label5], ['node2', label2]],
      expected: [18, 100, 36],
    },
    {
      name: 'added affinity',
      pod: podWith({}),
      nodes: [['node1', label1], ['node2', label2]],
      args: { addedAffinity: affinity1.nodeAffinity },
      expected: [100, 0],
    },
    {
      name: 'added affinity and pod has default affinity',
      pod: podWith({ affinity: affinity1 }),
      nodes: [['node1', label1], ['node2', label2], ['node3', label5]],
      args: { addedAffinity: preferred({ weight: 3, preference: { matchExpressions: [expr('key', 'In', ['value'])] } }).nodeAffinity },
      expected: [40, 60, 100],
    },
    {
      name: 'calculate the priorities correctly even if PreScore is not called',
      pod: podWith({ affinity: affinity2 }),
      nodes: [['node1', label1], ['node5', label5], ['node2', label2]],
      runPreScore: false,
      expected: [18, 100, 36],
    },
    {
      name: 'a term with weight 0 is ignored; an empty preferred list is not a Skip',
      pod: podWith({ affinity: preferred({ weight: 0, preference: { matchExpressions: [expr('foo', 'In', ['bar'])] } }) }),
      nodes: [['node1', label1], ['node2', label2]],
      expected: [0, 0],
    },
    {
      name: 'preferred terms on the hostname and on matchFields score per node',
      pod: podWith({
        affinity: preferred(
          { weight: 10, preference: { matchExpressions: [expr('kubernetes.io/hostname', 'In', ['node2'])] } },
          { weight: 30, preference: { matchFields: [nameIn('node3')] } },
          { weight: 5, preference: { matchExpressions: [expr('foo', 'Exists')] } },
        ),
      }),
      nodes: [['node1', label1], ['node2', label1], ['node3', label2]],
      // raw 5, 15, 30 -> 100*5/30 = 16, 100*15/30 = 50, 100
      expected: [16, 50, 100],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = clusterOf(c.nodes.map(([n, l]) => makeNode(n).labels(l).build()));
      const p = build<NodeAffinity>(definition, state, c.args ?? {});
      const cs = new CycleState();
      const pod = makePodInfo(c.pod);
      if (c.runPreScore ?? true) expect(statusView(p.preScore(cs, pod, state.nodes))).toEqual(c.wantPreScore ?? null);
      expect(scoreAll(p, cs, pod, state)).toEqual(c.expected);
    });
  }
  it('raw score is the sum of matching weights', () => {
    const state = clusterOf([makeNode('node1').labels(label1).build(), makeNode('node5').labels(label5).build()]);
    const p = build<NodeAffinity>(definition, state);
    const cs = new CycleState();
    const pod = makePodInfo(podWith({ affinity: affinity2 }));
    p.preScore(cs, pod, state.nodes);
    expect(scoreAll(p, cs, pod, state, false)).toEqual([2, 11]);
  });
  it('an invalid preferred term is an Error at PreScore', () => {
    const state = clusterOf([makeNode('n').build()]);
    const p = build<NodeAffinity>(definition, state);
    const pod = makePodInfo(podWith({ affinity: preferred({ weight: 1, preference: { matchExpressions: [expr('foo', 'Gt', ['x'])] } }) }));
    const st = p.preScore(new CycleState(), pod, state.nodes);
    expect(st?.code).toBe(Code.Error);
    expect(st?.message()).toContain("for 'Gt', 'Lt' operators, the value must be an integer");
  });
});

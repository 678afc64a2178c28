/**
 * The node-class cache must be invisible: label/taint plugins evaluated once per class give the
 * same verdicts and scores as a plain per-node evaluation on the node's own labels and taints.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { Affinity, NodeSelectorRequirement, NodeSelectorTerm, PreferredSchedulingTerm, Taint, Toleration } from '../../../src/api/k8s.js';
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../../../src/framework/interfaces.js';
import type { Status } from '../../../src/framework/status.js';
import type { NodeInfo } from '../../../src/model/cluster-state.js';
import { CycleState } from '../../../src/framework/cycle-state.js';
import { makePodInfo, type PodInfo } from '../../../src/model/pod-info.js';
import { ClassMemo } from '../../../src/plugins/shared/class-memo.js';
import {
  compileNodeSelector,
  compilePreferredTerms,
  getRequiredNodeAffinity,
  nodeSelectorMatches,
  preferredScore,
  requiredNodeAffinityMatches,
} from '../../../src/plugins/shared/label-selector.js';
import { findUntoleratedTaint, isDoNotScheduleTaint, TAINT_NODE_UNSCHEDULABLE, tolerationsTolerateTaint } from '../../../src/plugins/shared/taints.js';
import { definition as nodeAffinityDef, ERR_REASON_ENFORCED, ERR_REASON_POD } from '../../../src/plugins/node-affinity/index.js';
import {
  countIntolerablePreferNoSchedule,
  definition as taintDef,
  preferNoScheduleTolerations,
  untoleratedTaintReason,
} from '../../../src/plugins/taint-toleration/index.js';
import { definition as unschedulableDef, ERR_REASON_UNSCHEDULABLE } from '../../../src/plugins/node-unschedulable/index.js';
import { makeNode, makePod } from '../../helpers/builders.js';
import { build, clusterOf } from './plugin-harness.js';

describe('ClassMemo', () => {
  it('computes once per class per reset', () => {
    const memo = new ClassMemo<string | null>();
    const calls: number[] = [];
    const compute = (c: number) => {
      calls.push(c);
      return c === 1 ? null : `v${c}`;
    };
    memo.reset(3);
    expect([0, 1, 0, 2, 1, 0].map((c) => memo.get(c, compute))).toEqual(['v0', null, 'v0', 'v2', null, 'v0']);
    expect(calls).toEqual([0, 1, 2]);
    memo.reset(3);
    memo.get(1, compute);
    expect(calls).toEqual([0, 1, 2, 1]);
  });
});

// ---- random clusters and pods ------------------------------------------------------------------

type NodeAffinitySpec = NonNullable<Affinity['nodeAffinity']>;

const NODE_NAMES = Array.from({ length: 24 }, (_, i) => `n${i}`);
const TAINTS: Taint[] = [
  { key: 'k1', value: 'v1', effect: 'NoSchedule' },
  { key: 'k2', effect: 'PreferNoSchedule' },
  { key: 'k3', value: 'v3', effect: 'NoExecute' },
  { key: 'k4', value: 'x', effect: 'PreferNoSchedule' },
];
const TOLERATIONS: Toleration[] = [
  { key: 'k1', operator: 'Exists' },
  { key: 'k2', effect: 'PreferNoSchedule' },
  { operator: 'Exists', effect: 'PreferNoSchedule' },
  { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' },
  { key: 'k3', value: 'v3' },
  { key: 'k4', operator: 'Equal', value: 'y' },
];
const LABEL_VALUES: Record<string, string[]> = { zone: ['a', 'b', 'c'], tier: ['x', 'y'], num: ['1', '5', '10', 'abc'] };
const KEYS = ['zone', 'tier', 'num', 'kubernetes.io/hostname', 'missing'];

const nodeArb = fc.record({
  labels: fc.record({
    zone: fc.option(fc.constantFrom(...LABEL_VALUES.zone!), { nil: undefined }),
    tier: fc.option(fc.constantFrom(...LABEL_VALUES.tier!), { nil: undefined }),
    num: fc.option(fc.constantFrom(...LABEL_VALUES.num!), { nil: undefined }),
  }),
  taints: fc.subarray(TAINTS),
  unschedulable: fc.boolean(),
});

const valueFor = (key: string) =>
  key === 'kubernetes.io/hostname' ? fc.constantFrom(...NODE_NAMES.slice(0, 8)) : fc.constantFrom(...(LABEL_VALUES[key] ?? ['a']), 'zzz');

const requirementArb: fc.Arbitrary<NodeSelectorRequirement> = fc.constantFrom(...KEYS).chain((key) =>
  fc.oneof(
    fc.record({ key: fc.constant(key), operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.uniqueArray(valueFor(key), { minLength: 1, maxLength: 3 }) }),
    fc.record({ key: fc.constant(key), operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
    fc.record({ key: fc.constant(key), operator: fc.constantFrom('Gt' as const, 'Lt' as const), values: fc.constantFrom('0', '3', '7').map((v) => [v]) }),
  ),
);
const fieldArb: fc.Arbitrary<NodeSelectorRequirement> = fc.record({
  key: fc.constant('metadata.name'),
  operator: fc.constantFrom('In' as const, 'NotIn' as const),
  values: fc.constantFrom(...NODE_NAMES.slice(0, 8)).map((n) => [n]),
});
const termArb: fc.Arbitrary<NodeSelectorTerm> = fc.record(
  { matchExpressions: fc.array(requirementArb, { maxLength: 2 }), matchFields: fc.array(fieldArb, { maxLength: 1 }) },
  { requiredKeys: [] },
);
const preferredArb: fc.Arbitrary<PreferredSchedulingTerm> = fc.record({ weight: fc.integer({ min: 0, max: 10 }), preference: termArb });
const nodeAffinityArb: fc.Arbitrary<NodeAffinitySpec> = fc.record(
  {
    requiredDuringSchedulingIgnoredDuringExecution: fc.record({ nodeSelectorTerms: fc.array(termArb, { minLength: 1, maxLength: 3 }) }),
    preferredDuringSchedulingIgnoredDuringExecution: fc.array(preferredArb, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const podArb = fc.record({
  nodeSelector: fc.option(fc.dictionary(fc.constantFrom('zone', 'tier', 'kubernetes.io/hostname'), fc.constantFrom('a', 'b', 'x', 'n1', 'n2'), { maxKeys: 2 }), { nil: undefined }),
  nodeAffinity: fc.option(nodeAffinityArb, { nil: undefined }),
  tolerations: fc.subarray(TOLERATIONS),
});
// Nodes are drawn from a few shapes so that they share classes (differing only in hostname).
const nodesArb = fc
  .array(nodeArb, { minLength: 1, maxLength: 4 })
  .chain((shapes) => fc.array(fc.constantFrom(...shapes), { minLength: 1, maxLength: NODE_NAMES.length }));
const scenarioArb = fc.record({
  nodes: nodesArb,
  pods: fc.array(podArb, { minLength: 1, maxLength: 3 }),
  added: fc.option(nodeAffinityArb, { nil: undefined }),
  mask: fc.array(fc.boolean(), { minLength: NODE_NAMES.length, maxLength: NODE_NAMES.length }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function setup(s: Scenario) {
  const state = clusterOf(
    s.nodes.map((n, i) => {
      const b = makeNode(NODE_NAMES[i]).unschedulable(n.unschedulable);
      for (const [k, v] of Object.entries(n.labels)) if (v !== undefined) b.label(k, v);
      for (const t of n.taints) b.taint(t);
      return b.build();
    }),
  );
  const pods = s.pods.map((p, i) => {
    const b = makePod(`p${i}`);
    if (p.nodeSelector) b.nodeSelector(p.nodeSelector);
    if (p.nodeAffinity) b.affinity({ nodeAffinity: p.nodeAffinity });
    for (const t of p.tolerations) b.toleration(t);
    return makePodInfo(b.build());
  });
  // Filters see only the nodes that passed earlier plugins: a subset, in node order.
  const candidates = state.nodes.filter((_, i) => s.mask[i]);
  return { state, pods, candidates };
}

function runFilter(p: FilterPlugin, cs: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Array<string | null> {
  const out: Array<Status | null> = new Array(nodes.length).fill(null);
  p.filter(cs, pod, nodes, out);
  return out.map((s) => (s ? `${s.code}:${s.reasons.join('|')}` : null));
}
function runScore(p: ScorePlugin, cs: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
  const out = new Float64Array(nodes.length);
  expect(p.score(cs, pod, nodes, out)).toBeNull();
  return [...out];
}
const unresolvable = (reason: string) => `3:${reason}`;

describe('node-class evaluation equals per-node evaluation (randomized clusters)', () => {
  it('TaintToleration filter and score', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { state, pods, candidates } = setup(s);
        const p = build<FilterPlugin & PreScorePlugin & ScorePlugin>(taintDef, state);
        for (const pod of pods) {
          const cs = new CycleState();
          const want = candidates.map((n) => {
            const t = findUntoleratedTaint(n.taints, pod.tolerations, isDoNotScheduleTaint);
            return t ? unresolvable(untoleratedTaintReason(t)) : null;
          });
          expect(runFilter(p, cs, pod, candidates)).toEqual(want);
          p.preScore(cs, pod, candidates);
          const prefer = preferNoScheduleTolerations(pod.tolerations);
          expect(runScore(p, cs, pod, candidates)).toEqual(candidates.map((n) => countIntolerablePreferNoSchedule(n.taints, prefer)));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('NodeUnschedulable filter', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { state, pods, candidates } = setup(s);
        const p = build<FilterPlugin>(unschedulableDef, state);
        for (const pod of pods) {
          const tolerated = tolerationsTolerateTaint(pod.tolerations, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
          const want = candidates.map((n) => (n.node.spec?.unschedulable && !tolerated ? unresolvable(ERR_REASON_UNSCHEDULABLE) : null));
          expect(runFilter(p, new CycleState(), pod, candidates)).toEqual(want);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('NodeAffinity filter and score, with and without addedAffinity', () => {
    let classShared = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { state, pods, candidates } = setup(s);
        if (state.classes.length < state.nodes.length) classShared++;
        const p = build<PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin>(nodeAffinityDef, state, s.added ? { addedAffinity: s.added } : {});
        const addedReq = s.added?.requiredDuringSchedulingIgnoredDuringExecution;
        const added = addedReq ? compileNodeSelector(addedReq) : null;
        const addedPrefC = compilePreferredTerms(s.added?.preferredDuringSchedulingIgnoredDuringExecution ?? []);
        if (!addedPrefC.ok) throw new Error(addedPrefC.error);
        for (const pod of pods) {
          // Reference: every node on its own labels (hostname included) and name.
          const req = getRequiredNodeAffinity(pod.nodeSelector, pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
          const want = candidates.map((n) => {
            if (added && !nodeSelectorMatches(added, n.labels, n.name)) return unresolvable(ERR_REASON_ENFORCED);
            return requiredNodeAffinityMatches(req, n.labels, n.name) ? null : unresolvable(ERR_REASON_POD);
          });
          const cs = new CycleState();
          p.preFilter(cs, pod, state.nodes);
          expect(runFilter(p, cs, pod, candidates)).toEqual(want);

          const podPref = compilePreferredTerms(pod.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []);
          if (!podPref.ok) throw new Error(podPref.error);
          const wantScores = candidates.map((n) => preferredScore(addedPrefC.terms, n.labels, n.name) + preferredScore(podPref.terms, n.labels, n.name));
          p.preScore(cs, pod, candidates);
          expect(runScore(p, cs, pod, candidates)).toEqual(wantScores);
        }
      }),
      { numRuns: 200 },
    );
    // The property only means something if nodes really share classes.
    expect(classShared).toBeGreaterThan(50);
  });
});

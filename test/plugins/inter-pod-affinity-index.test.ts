/**
 * InterPodAffinity's indexes (existing pods' terms grouped per equal term and counted per node row,
 * (key, value) pairs as value ids per node row) against a straightforward recomputation that
 * walks every placed pod the way kube does (filtering.go / scoring.go): random clusters changed
 * step by step (pods added and removed, nodes relabelled, removed and added) with one plugin
 * instance kept across the steps, so the incremental upkeep is what is checked. Verdicts, raw and
 * normalized scores, preemption's AddPod/RemovePod on a cloned state, and nodes handed in from a
 * state copy or with relabelled NodeInfos must all agree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Affinity, Node, Pod, PodAffinityTerm } from '../../src/api/k8s.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import type { FrameworkHandle } from '../../src/framework/interfaces.js';
import { Code, type Status } from '../../src/framework/status.js';
import { ClusterObjects } from '../../src/model/cluster-objects.js';
import { ClusterState, type NodeInfo } from '../../src/model/cluster-state.js';
import { labelSelectorMatches, requirementsMatch } from '../../src/model/label-selector.js';
import { makePodInfo, type PodInfo } from '../../src/model/pod-info.js';
import { NO_VALUE, TopologyIndex, TopologyValues } from '../../src/model/topology-index.js';
import { argsSchema } from '../../src/plugins/inter-pod-affinity/args.js';
import {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH, newInterPodAffinity,
} from '../../src/plugins/inter-pod-affinity/index.js';
import { podTermsOf, termMatches, type AffinityTerm } from '../../src/plugins/inter-pod-affinity/terms.js';
import { makeNode, makePod } from '../helpers/builders.js';

const HOST = 'kubernetes.io/hostname';
const NAMESPACES = { default: { env: 'prod' }, other: { env: 'dev' } } as const;

/** A small pool, so equal terms on different pods (one group) are common. */
const TERMS: PodAffinityTerm[] = [
  { topologyKey: 'zone', labelSelector: { matchLabels: { app: 'a0' } } },
  { topologyKey: 'zone', labelSelector: { matchLabels: { app: 'a0' } }, namespaces: ['default', 'other'] },
  { topologyKey: HOST, labelSelector: { matchLabels: { app: 'a1' } } },
  { topologyKey: HOST, labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a0', 'a1'] }] } },
  { topologyKey: 'region', labelSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a2'] }] } },
  { topologyKey: 'zone', labelSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, namespaceSelector: {} },
  { topologyKey: 'region', labelSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, namespaceSelector: { matchLabels: { env: 'dev' } } },
  { topologyKey: 'zone', labelSelector: {} },
  { topologyKey: 'missing', labelSelector: { matchLabels: { app: 'a0' } } },
  { topologyKey: 'zone', labelSelector: null },
];

const termArb = fc.constantFrom(...TERMS);
const podSpecArb = fc.record({
  ns: fc.constantFrom('default', 'other'),
  app: fc.constantFrom('a0', 'a1', 'a2'),
  tier: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
  reqAff: fc.array(termArb, { maxLength: 2 }),
  reqAnti: fc.array(termArb, { maxLength: 2 }),
  prefAff: fc.array(fc.tuple(fc.integer({ min: 1, max: 100 }), termArb), { maxLength: 2 }),
  prefAnti: fc.array(fc.tuple(fc.integer({ min: 1, max: 100 }), termArb), { maxLength: 2 }),
});
type PodSpec = typeof podSpecArb extends fc.Arbitrary<infer T> ? T : never;

let podSeq = 0;
function buildPod(s: PodSpec): Pod {
  const b = makePod(`p${podSeq++}`, s.ns).label('app', s.app);
  if (s.tier) b.label('tier', s.tier);
  const a: Affinity = {};
  if (s.reqAff.length || s.prefAff.length) {
    a.podAffinity = {
      ...(s.reqAff.length ? { requiredDuringSchedulingIgnoredDuringExecution: s.reqAff } : {}),
      ...(s.prefAff.length ? { preferredDuringSchedulingIgnoredDuringExecution: s.prefAff.map(([weight, podAffinityTerm]) => ({ weight, podAffinityTerm })) } : {}),
    };
  }
  if (s.reqAnti.length || s.prefAnti.length) {
    a.podAntiAffinity = {
      ...(s.reqAnti.length ? { requiredDuringSchedulingIgnoredDuringExecution: s.reqAnti } : {}),
      ...(s.prefAnti.length ? { preferredDuringSchedulingIgnoredDuringExecution: s.prefAnti.map(([weight, podAffinityTerm]) => ({ weight, podAffinityTerm })) } : {}),
    };
  }
  if (a.podAffinity || a.podAntiAffinity) b.affinity(a);
  return b.build();
}

const nodeLabelsArb = fc.record({
  zone: fc.option(fc.constantFrom('z1', 'z2', 'z3'), { nil: undefined }),
  region: fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined }),
  host: fc.boolean(),
});
type NodeSpec = typeof nodeLabelsArb extends fc.Arbitrary<infer T> ? T : never;
function buildNode(name: string, s: Partial<NodeSpec>): Node {
  const b = makeNode(name).capacity({ cpu: '64', memory: '256Gi', pods: 1000 });
  if (s.zone) b.label('zone', s.zone);
  if (s.region) b.label('region', s.region);
  if (s.host) b.label(HOST, name);
  return b.build();
}

const opArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('add' as const), pod: podSpecArb, node: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('relabel' as const), node: fc.nat(), labels: nodeLabelsArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeNode' as const), node: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('addNode' as const), labels: nodeLabelsArb }) },
);

interface Placed {
  readonly pod: PodInfo;
  readonly node: NodeInfo;
}

type Verdict = [Code, string] | null;
const pairKey = (key: string, labels: Readonly<Record<string, string>>) => (Object.hasOwn(labels, key) ? `${key}\u0000${labels[key]}` : null);
const bump = (m: Map<string, number>, k: string | null, d: number) => {
  if (k !== null) m.set(k, (m.get(k) ?? 0) + d);
};

/** The incoming pod's term matching a pod, with kube's namespaceSelector merge over the known namespaces. */
function incomingMatches(t: AffinityTerm, p: PodInfo, objects: ClusterObjects): boolean {
  const sel = t.namespaceSelector;
  const nsOk = sel.kind === 'everything' || t.namespaces.has(p.namespace)
    || (sel.kind === 'requirements' && [...objects.allNamespaces()].some(([name, labels]) => name === p.namespace && labelSelectorMatches(sel, labels)));
  return nsOk && t.selector !== null && requirementsMatch(t.selector, p.labels);
}

/** kube's PreFilter + Filter, walking every placed pod. 'skip' when PreFilter skips. */
function refFilter(incoming: PodInfo, placed: readonly Placed[], nodes: readonly NodeInfo[], objects: ClusterObjects): Verdict[] | 'skip' {
  const terms = podTermsOf(incoming);
  const aff = terms.requiredAffinity ?? [];
  const anti = terms.requiredAntiAffinity ?? [];
  const nsLabels = objects.namespaceLabels(incoming.namespace);
  const existing = new Map<string, number>();
  const affinity = new Map<string, number>();
  const antiCounts = new Map<string, number>();
  const allMatch = (p: PodInfo) => aff.length > 0 && aff.every((t) => incomingMatches(t, p, objects));
  for (const { pod, node } of placed) {
    for (const t of podTermsOf(pod).requiredAntiAffinity ?? []) if (termMatches(t, incoming, nsLabels)) bump(existing, pairKey(t.topologyKey, node.labels), 1);
    if (allMatch(pod)) for (const t of aff) bump(affinity, pairKey(t.topologyKey, node.labels), 1);
    for (const t of anti) if (incomingMatches(t, pod, objects)) bump(antiCounts, pairKey(t.topologyKey, node.labels), 1);
  }
  const nonZero = (m: Map<string, number>) => [...m.values()].filter((v) => v !== 0).length;
  if (nonZero(existing) === 0 && aff.length === 0 && anti.length === 0) return 'skip';
  const self = nonZero(affinity) === 0 && allMatch(incoming);
  return nodes.map((n): Verdict => {
    let exist = true;
    for (const t of aff) {
      const k = pairKey(t.topologyKey, n.labels);
      if (k === null) return [Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH];
      if ((affinity.get(k) ?? 0) <= 0) exist = false;
    }
    if (!exist && !self) return [Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH];
    if (nonZero(antiCounts) > 0) {
      for (const t of anti) {
        const k = pairKey(t.topologyKey, n.labels);
        if (k !== null && (antiCounts.get(k) ?? 0) > 0) return [Code.Unschedulable, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH];
      }
    }
    for (const key of Object.keys(n.labels)) {
      if ((existing.get(pairKey(key, n.labels)!) ?? 0) > 0) return [Code.Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH];
    }
    return null;
  });
}

/** kube's PreScore + Score + NormalizeScore (default args), walking every placed pod. */
function refScore(incoming: PodInfo, placed: readonly Placed[], nodes: readonly NodeInfo[], objects: ClusterObjects): { raw: number[]; normalized: number[] } | 'skip' {
  const terms = podTermsOf(incoming);
  const nsLabels = objects.namespaceLabels(incoming.namespace);
  const m = new Map<string, number>();
  for (const { pod, node } of placed) {
    for (const t of terms.preferredAffinity ?? []) if (incomingMatches(t, pod, objects)) bump(m, pairKey(t.topologyKey, node.labels), t.weight);
    for (const t of terms.preferredAntiAffinity ?? []) if (incomingMatches(t, pod, objects)) bump(m, pairKey(t.topologyKey, node.labels), -t.weight);
    const own = podTermsOf(pod);
    for (const t of own.requiredAffinity ?? []) if (termMatches(t, incoming, nsLabels)) bump(m, pairKey(t.topologyKey, node.labels), 1);
    for (const t of own.preferredAffinity ?? []) if (termMatches(t, incoming, nsLabels)) bump(m, pairKey(t.topologyKey, node.labels), t.weight);
    for (const t of own.preferredAntiAffinity ?? []) if (termMatches(t, incoming, nsLabels)) bump(m, pairKey(t.topologyKey, node.labels), -t.weight);
  }
  if (m.size === 0) return 'skip';
  const raw = nodes.map((n) => Object.keys(n.labels).reduce((s, k) => s + (m.get(pairKey(k, n.labels)!) ?? 0), 0));
  const min = Math.min(...raw);
  const max = Math.max(...raw);
  return { raw, normalized: raw.map((s) => (max > min ? Math.trunc(100 * ((s - min) / (max - min))) : 0)) };
}

function setup() {
  const state = new ClusterState();
  const objects = new ClusterObjects();
  for (const [name, labels] of Object.entries(NAMESPACES)) objects.addNamespace({ kind: 'Namespace', metadata: { name, labels: { ...labels } } });
  const handle = { state, kernels: { engine: 'js' }, profileName: 'default-scheduler', objects } as unknown as FrameworkHandle;
  return { state, objects, plugin: newInterPodAffinity(argsSchema.parse({}), handle) };
}

const view = (out: Array<Status | null>): Verdict[] => out.map((s) => (s === null ? null : [s.code, s.reasons.join(', ')]));

describe('InterPodAffinity indexes against a per-pod recomputation', () => {
  // Small clusters (term groups mostly read per-value sums) and larger ones (more walk their rows).
  it.each([
    { minNodes: 1, maxNodes: 8, maxOps: 25, runs: 150 },
    { minNodes: 64, maxNodes: 90, maxOps: 12, runs: 25 },
  ])('same verdicts and scores on random clusters changed step by step ($minNodes-$maxNodes nodes)', ({ minNodes, maxNodes, maxOps, runs }) => {
    fc.assert(
      fc.property(
        fc.array(nodeLabelsArb, { minLength: minNodes, maxLength: maxNodes }),
        fc.array(opArb, { minLength: 1, maxLength: maxOps }),
        fc.array(fc.tuple(podSpecArb, podSpecArb, fc.nat(), fc.array(fc.nat(3), { maxLength: maxNodes + 4 })), { minLength: 1, maxLength: 4 }),
        (nodeSpecs, ops, probes) => {
          const { state, objects, plugin } = setup();
          let nodeSeq = 0;
          for (const s of nodeSpecs) state.addNode(buildNode(`n${nodeSeq++}`, s));
          const place = (p: Pod, node: NodeInfo) => {
            const info = makePodInfo(p);
            objects.admitPod(info);
            state.addPod(info, node.name);
          };
          const check = () => {
            if (state.nodes.length === 0) return;
            const placed: Placed[] = [...state.placedPods()].map((p) => ({ pod: p.pod, node: p.node }));
            for (const [spec, extraSpec, pick, foreign] of probes) {
              const incoming = makePodInfo(buildPod(spec));
              objects.admitPod(incoming);
              // Nodes as Filter and Score get them: the state's, a copy's, ones with a fresh labels
              // object, ones with a zone no node of the state has (pairs the value tables lack).
              const copy = state.clone();
              const nodes = state.nodes.map((n, i): NodeInfo => {
                switch (foreign[i] ?? 0) {
                  case 1: return copy.getNode(n.name)!;
                  case 2: return { ...n, labels: { ...n.labels } };
                  case 3: return { ...n, labels: { ...n.labels, zone: 'z9' } };
                  default: return n;
                }
              });
              const cs = new CycleState();
              // The state's own node list (walked by row) or an equal list (walked node by node).
              const pre = plugin.preFilter(cs, incoming, pick % 2 ? state.nodes : [...state.nodes]);
              const want = refFilter(incoming, placed, nodes, objects);
              if (want === 'skip') expect(pre.status?.code).toBe(Code.Skip);
              else {
                expect(pre.status).toBeNull();
                const copyCs = cs.clone();
                const out: Array<Status | null> = nodes.map(() => null);
                plugin.filter(cs, incoming, nodes, out);
                expect(view(out)).toEqual(want);
                // Preemption: remove a placed pod, then add another one, on the cloned state only.
                const victim = placed.length > 0 ? placed[pick % placed.length]! : null;
                let after = placed;
                if (victim) {
                  expect(plugin.removePod!(copyCs, incoming, victim.pod, victim.node)).toBeNull();
                  after = placed.filter((p) => p !== victim);
                }
                const extra = makePodInfo(buildPod(extraSpec));
                objects.admitPod(extra);
                const target = nodes[pick % nodes.length]!;
                expect(plugin.addPod!(copyCs, incoming, extra, target)).toBeNull();
                after = [...after, { pod: extra, node: target }];
                const want2 = refFilter(incoming, after, nodes, objects);
                const out2: Array<Status | null> = nodes.map(() => null);
                plugin.filter(copyCs, incoming, nodes, out2);
                expect(view(out2)).toEqual(want2 === 'skip' ? nodes.map(() => null) : want2);
                const out3: Array<Status | null> = nodes.map(() => null);
                plugin.filter(cs, incoming, nodes, out3);
                expect(view(out3)).toEqual(want);
              }
              const ps = plugin.preScore(cs, incoming, state.nodes);
              const wantScore = refScore(incoming, placed, nodes, objects);
              if (wantScore === 'skip') expect(ps?.code).toBe(Code.Skip);
              else {
                expect(ps).toBeNull();
                const scores = new Float64Array(nodes.length);
                expect(plugin.score(cs, incoming, nodes, scores)).toBeNull();
                expect([...scores]).toEqual(wantScore.raw);
                expect(plugin.normalizeScore!(cs, incoming, nodes, scores)).toBeNull();
                expect([...scores]).toEqual(wantScore.normalized);
              }
            }
          };
          for (const op of ops) {
            switch (op.op) {
              case 'add':
                if (state.nodes.length > 0) place(buildPod(op.pod), state.nodes[op.node % state.nodes.length]!);
                break;
              case 'remove': {
                const all = [...state.placedPods()];
                if (all.length > 0) state.removePod(all[op.pick % all.length]!.pod.key);
                break;
              }
              case 'relabel':
                if (state.nodes.length > 0) {
                  const n = state.nodes[op.node % state.nodes.length]!;
                  state.updateNode(buildNode(n.name, op.labels));
                }
                break;
              case 'removeNode':
                if (state.nodes.length > 1) state.removeNode(state.nodes[op.node % state.nodes.length]!.name);
                break;
              case 'addNode':
                state.addNode(buildNode(`n${nodeSeq++}`, op.labels));
                break;
            }
            check();
          }
        },
      ),
      { numRuns: runs },
    );
  });
});

describe('TopologyValues', () => {
  it('gives each node row the id of its value, recognises nodes from elsewhere and is rebuilt after node changes', () => {
    const state = new ClusterState();
    state.addNode(buildNode('a', { zone: 'z1', host: true }));
    state.addNode(buildNode('b', { zone: 'z2', host: true }));
    state.addNode(buildNode('c', { host: true }));
    const ix = TopologyIndex.of(state);
    const tv = ix.topologyValues('zone');
    expect(ix.topologyValues('zone')).toBe(tv);
    const [a, b, c] = state.nodes as [NodeInfo, NodeInfo, NodeInfo];
    expect([tv.idOf(a), tv.idOf(b), tv.idOf(c)]).toEqual([0, 1, NO_VALUE]);
    expect(tv.values).toEqual(['z1', 'z2']);
    // A NodeInfo with other labels on the same row is answered from its labels.
    expect(tv.idOf({ ...a, labels: { zone: 'z2' } })).toBe(1);
    expect(tv.idOf({ ...a, labels: { zone: 'z9' } })).toBe(-2);
    expect(tv.idOf({ ...a, labels: {} })).toBe(NO_VALUE);
    state.updateNode(buildNode('c', { zone: 'z1', host: true }));
    const tv2 = ix.topologyValues('zone');
    expect(tv2).not.toBe(tv);
    expect(tv2.idOf(state.getNode('c')!)).toBe(0);
    expect(new TopologyValues('zone', [], 0).idByRow).toHaveLength(0);
  });
});

/**
 * Class batching with dynamic parts (traits `domain`, `topology`: PodTopologySpread's zone and
 * hostname spreading): the batch follows every placement and removal through the plugin's exact
 * extensions (preFilterFollow, preScoreFollow) and asks the plugin again per class or per node. On
 * random clusters with zones, it must decide what one full cycle per pod decides while other pods
 * are placed and removed between its decisions (the removals go through the -1 path), and the
 * follow-ups must equal a fresh PreFilter / PreScore.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Node, Pod, TopologySpreadConstraint } from '../../src/api/k8s.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { Scheduler } from '../../src/framework/scheduler.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { ClusterObjects } from '../../src/model/cluster-objects.js';
import { makePodInfo, podClassKey, type PodInfo } from '../../src/model/pod-info.js';
import { REGISTRY } from '../../src/plugins/registry.js';
import { newPodTopologySpread, type PreFilterState } from '../../src/plugins/pod-topology-spread/index.js';
import { newInterPodAffinity } from '../../src/plugins/inter-pod-affinity/index.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { KEYED_GROUPS_PER_CLASS } from '../../src/model/limits.js';
import { config as configOf } from '../helpers/random-cluster.js';
import { scheduleAndBind } from '../../src/workloads/runner.js';

/** Class batching's decisions against one full cycle per pod's: the same nodes and PRNG draws. */
function expectSameDecisions(got: { out: unknown[]; draws: number }, ref: { out: unknown[]; draws: number }): void {
  expect(got.out).toEqual(ref.out);
  expect(got.draws).toBe(ref.draws);
}

const DEFAULT = configOf('profiles: [{schedulerName: default-scheduler}]');

const constraintArb = fc.record({
  key: fc.constantFrom('zone', 'kubernetes.io/hostname'),
  hard: fc.boolean(),
  maxSkew: fc.constantFrom(1, 2),
  app: fc.constantFrom('a', 'b'),
  minDomains: fc.option(fc.constantFrom(2, 4), { nil: undefined }),
});

/** A few pod templates with spread constraints (each one class), and plain ones. */
const templateArb = fc.record({
  app: fc.constantFrom('a', 'b'),
  cpu: fc.constantFrom('100m', '500m', '1'),
  spread: fc.array(constraintArb, { minLength: 0, maxLength: 2 }),
  // Required inter-pod (anti-)affinity: InterPodAffinity's Filter reads `domain` (zone) or `topology` (hostname).
  anti: fc.option(fc.record({ key: fc.constantFrom('zone', 'kubernetes.io/hostname'), app: fc.constantFrom('a', 'b') }), { nil: undefined }),
  affinity: fc.option(fc.record({ key: fc.constantFrom('zone', 'kubernetes.io/hostname'), app: fc.constantFrom('a', 'b') }), { nil: undefined }),
  // Preferred ones: InterPodAffinity's Score reads `domain` or `topology` (followed by preScoreFollow).
  preferred: fc.option(fc.record({ key: fc.constantFrom('zone', 'kubernetes.io/hostname'), app: fc.constantFrom('a', 'b'), anti: fc.boolean(), weight: fc.constantFrom(1, 50, 100) }), { nil: undefined }),
});

/** What happens between decisions: schedule a replica of template t, remove the k-th placed pod, place a foreign pod directly. */
const stepArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('schedule' as const), t: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), k: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('place' as const), node: fc.nat(20), app: fc.constantFrom('a', 'b') }) },
);

const nodeArb = fc.record({ zone: fc.option(fc.constantFrom('z1', 'z2', 'z3'), { nil: undefined }, ), cpu: fc.constantFrom('2', '4') });

function nodeOf(i: number, n: { zone: string | undefined; cpu: string }): Node {
  const b = makeNode(`n${i}`).capacity({ cpu: n.cpu, memory: '8Gi', pods: 20 });
  if (n.zone) b.label('zone', n.zone);
  return b.build();
}

type Term = { key: string; app: string } | undefined;
type Preferred = { key: string; app: string; anti: boolean; weight: number } | undefined;
function podOf(name: string, t: { app: string; cpu: string; spread: Array<{ key: string; hard: boolean; maxSkew: number; app: string; minDomains: number | undefined }>; anti?: Term; affinity?: Term; preferred?: Preferred }): Pod {
  const pod = makePod(name).req({ cpu: t.cpu }).label('app', t.app).build();
  const term = (x: NonNullable<Term>) => [{ topologyKey: x.key, labelSelector: { matchLabels: { app: x.app } } }];
  const pref = t.preferred ? [{ weight: t.preferred.weight, podAffinityTerm: term(t.preferred)[0]! }] : undefined;
  if (t.anti || t.affinity || pref) {
    const antiPart = { ...(t.anti ? { requiredDuringSchedulingIgnoredDuringExecution: term(t.anti) } : {}), ...(pref && t.preferred!.anti ? { preferredDuringSchedulingIgnoredDuringExecution: pref } : {}) };
    const affPart = { ...(t.affinity ? { requiredDuringSchedulingIgnoredDuringExecution: term(t.affinity) } : {}), ...(pref && !t.preferred!.anti ? { preferredDuringSchedulingIgnoredDuringExecution: pref } : {}) };
    pod.spec.affinity = {
      ...(Object.keys(antiPart).length > 0 ? { podAntiAffinity: antiPart } : {}),
      ...(Object.keys(affPart).length > 0 ? { podAffinity: affPart } : {}),
    };
  }
  if (t.spread.length > 0) {
    pod.spec.topologySpreadConstraints = t.spread.map((c): TopologySpreadConstraint => ({
      maxSkew: c.maxSkew, topologyKey: c.key, whenUnsatisfiable: c.hard ? 'DoNotSchedule' : 'ScheduleAnyway',
      labelSelector: { matchLabels: { app: c.app } },
      ...(c.hard && c.minDomains !== undefined ? { minDomains: c.minDomains } : {}),
    }));
  }
  return pod;
}

type Step = { kind: 'schedule'; t: number } | { kind: 'remove'; k: number } | { kind: 'place'; node: number; app: string };

function run(nodes: readonly Node[], templates: ReadonlyArray<Parameters<typeof podOf>[1]>, steps: readonly Step[], classBatching: boolean) {
  const kernels = createJsKernels();
  const state = new ClusterState(kernels.createTableMemory());
  for (const n of nodes) state.addNode(n);
  const s = new Scheduler({ registry: REGISTRY, state, config: DEFAULT, kernels, seed: 7, classBatching });
  const out: Array<string | null> = [];
  const placed: string[] = [];
  let seq = 0;
  for (const st of steps) {
    if (st.kind === 'remove') {
      if (placed.length === 0) continue;
      const key = placed.splice(st.k % placed.length, 1)[0]!;
      state.removePod(key);
      out.push(`-${key}`);
    } else if (st.kind === 'place') {
      const node = state.nodes[st.node % state.nodes.length]!;
      const pod = makePodInfo(makePod(`f${seq++}`).req({ cpu: '100m' }).label('app', st.app).build());
      state.addPod(pod, node.name);
      placed.push(pod.key);
    } else {
      const t = templates[st.t % templates.length]!;
      const pod = makePodInfo(podOf(`t${st.t % templates.length}-${seq++}`, t));
      podClassKey(pod);
      const fw = s.frameworkFor(pod)!;
      const cs = fw.newCycleState();
      const r = s.schedulePod(pod, {}, fw, cs);
      out.push(`${r.selectedNode}/${r.feasibleNodes}`);
      if (r.selectedNode) {
        expect(s.commit(fw, cs, pod, r.selectedNode)).toEqual({ kind: 'bound' });
        placed.push(pod.key);
      }
    }
  }
  return { out, draws: s.prng.draws, dynamic: s.defaultFramework.classBatches.dynamicDecisions };
}

/**
 * Pods owned by a ReplicaSet get kube's system default spreading with a selector deduced from the
 * ReplicaSet and the Services selecting them; Services come and go between decisions.
 */
function runOwned(nodes: readonly Node[], steps: ReadonlyArray<{ kind: 'schedule' | 'service' | 'unservice' | 'place'; n: number }>, classBatching: boolean) {
  const kernels = createJsKernels();
  const state = new ClusterState(kernels.createTableMemory());
  for (const n of nodes) state.addNode(n);
  const objects = new ClusterObjects();
  objects.addReplicaSet({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template: {} } } as never);
  const s = new Scheduler({ registry: REGISTRY, state, config: DEFAULT, kernels, seed: 3, classBatching, objects });
  const out: string[] = [];
  let seq = 0;
  for (const st of steps) {
    if (st.kind === 'service') objects.addService({ apiVersion: 'v1', kind: 'Service', metadata: { name: `s${st.n % 2}`, namespace: 'default' }, spec: { selector: st.n % 2 ? { tier: 'front' } : { app: 'web' } } } as never);
    else if (st.kind === 'unservice') objects.removeService('default', `s${st.n % 2}`);
    else if (st.kind === 'place') {
      const node = state.nodes[st.n % state.nodes.length]!;
      state.addPod(makePodInfo(makePod(`f${seq++}`).req({ cpu: '100m' }).label('app', 'web').build()), node.name);
    } else {
      const p = makePod(`web-${seq++}`).req({ cpu: '100m' }).label('app', 'web').label('tier', 'front').build();
      p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs', controller: true }];
      const pod = makePodInfo(p);
      podClassKey(pod);
      const fw = s.frameworkFor(pod)!;
      const cs = fw.newCycleState();
      const r = s.schedulePod(pod, {}, fw, cs);
      out.push(`${r.selectedNode}/${r.feasibleNodes}`);
      if (r.selectedNode) s.commit(fw, cs, pod, r.selectedNode);
    }
  }
  return { out, draws: s.prng.draws, dynamic: s.defaultFramework.classBatches.dynamicDecisions };
}

describe('class batching with dynamic parts (PodTopologySpread)', () => {
  it('follows the default spreading selector as Services come and go (ReplicaSet pods)', () => {
    let dynamic = 0;
    fc.assert(
      fc.property(
        fc.array(nodeArb, { minLength: 2, maxLength: 12 }),
        fc.array(fc.record({ kind: fc.constantFrom('schedule', 'schedule', 'schedule', 'service', 'unservice', 'place') as fc.Arbitrary<'schedule' | 'service' | 'unservice' | 'place'>, n: fc.nat(30) }), { minLength: 5, maxLength: 50 }),
        (nodeSpecs, steps) => {
          const nodes = nodeSpecs.map((n, i) => nodeOf(i, n));
          const ref = runOwned(nodes, steps, false);
          const got = runOwned(nodes, steps, true);
          expectSameDecisions(got, ref);
          dynamic += got.dynamic;
        },
      ),
      { numRuns: 100 },
    );
    expect(dynamic).toBeGreaterThan(100);
  });

  it('decides like one full cycle per pod while pods are placed and removed around it', () => {
    let dynamic = 0;
    fc.assert(
      fc.property(
        fc.array(nodeArb, { minLength: 2, maxLength: 14 }),
        fc.array(templateArb, { minLength: 1, maxLength: 4 }),
        fc.array(stepArb, { minLength: 5, maxLength: 60 }),
        (nodeSpecs, templates, steps) => {
          const nodes = nodeSpecs.map((n, i) => nodeOf(i, n));
          const ref = run(nodes, templates, steps, false);
          const got = run(nodes, templates, steps, true);
          expectSameDecisions(got, ref);
          dynamic += got.dynamic;
        },
      ),
      { numRuns: 150 },
    );
    expect(dynamic).toBeGreaterThan(100);
  });

  it('follows placements and removals exactly: preFilterFollow and preScoreFollow equal a fresh PreFilter and PreScore', () => {
    fc.assert(
      fc.property(
        fc.array(nodeArb, { minLength: 2, maxLength: 10 }),
        templateArb.filter((t) => t.spread.length > 0).map((t) => ({ ...t, anti: undefined, affinity: undefined, preferred: undefined })),
        fc.array(fc.record({ node: fc.nat(20), app: fc.constantFrom('a', 'b'), remove: fc.boolean() }), { minLength: 1, maxLength: 30 }),
        (nodeSpecs, t, moves) => {
          const kernels = createJsKernels();
          const state = new ClusterState(kernels.createTableMemory());
          nodeSpecs.forEach((n, i) => state.addNode(nodeOf(i, n)));
          const plugin = newPodTopologySpread(undefined, { state, objects: undefined } as never);
          const pod = makePodInfo(podOf('incoming', t));
          const followed = new CycleState();
          plugin.preFilter(followed, pod, state.nodes);
          plugin.preScore(followed, pod, state.nodes);
          const placed: PodInfo[] = [];
          moves.forEach((m, i) => {
            if (m.remove && placed.length > 0) {
              const other = placed.splice(m.node % placed.length, 1)[0]!;
              const node = state.placementOf(other.key)!.node;
              state.removePod(other.key);
              plugin.preFilterFollow!(followed, pod, other, node, -1);
              plugin.preScoreFollow!(followed, pod, other, node, -1);
            } else {
              const node = state.nodes[m.node % state.nodes.length]!;
              const other = makePodInfo(makePod(`o${i}`).label('app', m.app).build());
              state.addPod(other, node.name);
              placed.push(other);
              plugin.preFilterFollow!(followed, pod, other, node, 1);
              plugin.preScoreFollow!(followed, pod, other, node, 1);
            }
          });
          const fresh = new CycleState();
          const pre = plugin.preFilter(fresh, pod, state.nodes);
          plugin.preScore(fresh, pod, state.nodes);
          const scoresOf = (cs: CycleState) => {
            const out = new Float64Array(state.nodes.length);
            plugin.score(cs, pod, state.nodes, out);
            return [...out];
          };
          const verdictsOf = (cs: CycleState) => {
            const out = new Array(state.nodes.length).fill(null);
            plugin.filter(cs, pod, state.nodes, out);
            return out.map((s) => s?.message() ?? null);
          };
          if (pre.status === null) {
            const a = followed.read<PreFilterState>('PreFilterPodTopologySpread')!;
            const b = fresh.read<PreFilterState>('PreFilterPodTopologySpread')!;
            expect(a.tpValueToMatchNum.map((m) => Object.fromEntries(m))).toEqual(b.tpValueToMatchNum.map((m) => Object.fromEntries(m)));
            expect(a.constraints.map((_, i) => a.minMatchNum(i))).toEqual(b.constraints.map((_, i) => b.minMatchNum(i)));
            expect(verdictsOf(followed)).toEqual(verdictsOf(fresh));
          }
          if (followed.read('PreScorePodTopologySpread')) expect(scoresOf(followed)).toEqual(scoresOf(fresh));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('class batching with keyed spreading scores (ScorePlugin.scoreKeys, preScoreNodeFollow)', () => {
  /** Small nodes, some without a zone or a hostname label, that fill and empty often. */
  const smallNodeArb = fc.record({ zone: fc.option(fc.constantFrom('z1', 'z2', 'z3'), { nil: undefined }), cpu: fc.constantFrom('1', '2', '8'), hostname: fc.boolean() });
  const smallNode = (i: number, n: { zone: string | undefined; cpu: string; hostname: boolean }): Node => {
    const node = nodeOf(i, n);
    if (!n.hostname && node.metadata.labels) delete node.metadata.labels['kubernetes.io/hostname'];
    return node;
  };
  /** ScheduleAnyway spreading only (keyed when no other per-node part is dynamic), pods that fill small nodes. */
  const softTemplateArb = fc.record({
    app: fc.constantFrom('a', 'b'),
    cpu: fc.constantFrom('100m', '250m', '500m'),
    spread: fc.array(constraintArb.map((c) => ({ ...c, hard: false })), { minLength: 1, maxLength: 2 }),
  });
  const churnArb = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('schedule' as const), t: fc.nat(3) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), k: fc.nat(50) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('place' as const), node: fc.nat(20), app: fc.constantFrom('a', 'b') }) },
  );

  it('decides like one full cycle per pod while nodes fill and empty (the feasible set moves under the followed PreScore)', () => {
    let dynamic = 0;
    fc.assert(
      fc.property(
        fc.array(smallNodeArb, { minLength: 2, maxLength: 24 }),
        fc.array(softTemplateArb, { minLength: 1, maxLength: 2 }),
        fc.array(churnArb, { minLength: 10, maxLength: 160 }),
        (nodeSpecs, templates, steps) => {
          const nodes = nodeSpecs.map((n, i) => smallNode(i, n));
          const ref = run(nodes, templates, steps, false);
          const got = run(nodes, templates, steps, true);
          expectSameDecisions(got, ref);
          dynamic += got.dynamic;
        },
      ),
      { numRuns: 200 },
    );
    expect(dynamic).toBeGreaterThan(500);
  });

  it('grows the groups when a class holds more keys than KEYED_GROUPS_PER_CLASS (many replicas per node)', () => {
    const place = (classBatching: boolean) => {
      const kernels = createJsKernels();
      const state = new ClusterState(kernels.createTableMemory());
      for (let i = 0; i < 3; i++) state.addNode(makeNode(`n${i}`).label('zone', 'z1').capacity({ cpu: '64', memory: '64Gi', pods: 200 }).build());
      const objects = new ClusterObjects();
      objects.addReplicaSet({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template: {} } } as never);
      const s = new Scheduler({ registry: REGISTRY, state, config: DEFAULT, kernels, seed: 4, classBatching, objects });
      const out: Array<string | null> = [];
      for (let i = 0; i < 3 * (KEYED_GROUPS_PER_CLASS + 10); i++) {
        // Every 7th pod bigger (a class of its own): the counts per node drift apart, so a class holds many keys.
        const p = makePod(`web-${i}`).req({ cpu: i % 7 === 0 ? '3' : '100m' }).label('app', 'web').build();
        p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs', controller: true }];
        const pod = makePodInfo(p);
        podClassKey(pod);
        out.push(scheduleAndBind(s, pod) as string | null);
      }
      return { out, draws: s.prng.draws, dynamic: s.defaultFramework.classBatches.dynamicDecisions };
    };
    const ref = place(false);
    const got = place(true);
    expectSameDecisions(got, ref);
    expect(got.dynamic).toBeGreaterThan(got.out.length / 2);
  });

  it('preScoreNodeFollow equals a fresh PreScore on the new node list, and equal keys in a class mean equal scores', () => {
    fc.assert(
      fc.property(
        fc.array(smallNodeArb, { minLength: 2, maxLength: 10 }),
        softTemplateArb,
        fc.boolean(),
        fc.array(fc.record({ node: fc.nat(20), app: fc.constantFrom('a', 'b'), kind: fc.constantFrom('toggle', 'toggle', 'add', 'remove') }), { minLength: 1, maxLength: 30 }),
        (nodeSpecs, t, owned, moves) => {
          const kernels = createJsKernels();
          const state = new ClusterState(kernels.createTableMemory());
          nodeSpecs.forEach((n, i) => state.addNode(smallNode(i, n)));
          const objects = new ClusterObjects();
          objects.addReplicaSet({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: t.app } }, template: {} } } as never);
          const plugin = newPodTopologySpread(undefined, { state, objects } as never);
          // Owned pods without constraints get the System defaults (hostname and zone).
          const p = podOf('incoming', owned ? { ...t, spread: [] } : t);
          if (owned) p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs', controller: true }];
          const pod = makePodInfo(p);
          const listed = state.nodes.map(() => true);
          const list = () => state.nodes.filter((_, i) => listed[i]);
          const followed = new CycleState();
          if (plugin.preScore(followed, pod, list()) !== null) return;
          const placed: PodInfo[] = [];
          moves.forEach((m, i) => {
            const at = m.node % state.nodes.length;
            if (m.kind === 'toggle') {
              listed[at] = !listed[at];
              expect(plugin.preScoreNodeFollow!(followed, pod, state.nodes[at]!, listed[at]!)).toBe(true);
            } else if (m.kind === 'remove' && placed.length > 0) {
              const other = placed.splice(m.node % placed.length, 1)[0]!;
              const node = state.placementOf(other.key)!.node;
              state.removePod(other.key);
              plugin.preScoreFollow!(followed, pod, other, node, -1);
            } else {
              const node = state.nodes[at]!;
              const other = makePodInfo(makePod(`o${i}`).label('app', m.app).build());
              state.addPod(other, node.name);
              placed.push(other);
              plugin.preScoreFollow!(followed, pod, other, node, 1);
            }
          });
          const nodes = list();
          const fresh = new CycleState();
          plugin.preScore(fresh, pod, nodes);
          const scoresOf = (cs: CycleState) => {
            const out = new Float64Array(nodes.length);
            plugin.score(cs, pod, nodes, out);
            const raw = [...out];
            plugin.normalizeScore!(cs, pod, nodes, out);
            return { raw, normalized: [...out] };
          };
          const a = scoresOf(followed);
          expect(a).toEqual(scoresOf(fresh));
          // The keys' contract: one raw score per (class, key), and a key that only the node's pods move.
          const keyOf = plugin.scoreKeys!(followed, pod);
          if (keyOf === null) return;
          const seen = new Map<string, number>();
          nodes.forEach((node, j) => {
            const k = `${node.classId}/${keyOf(node)}`;
            if (seen.has(k)) expect(a.raw[j]).toBe(seen.get(k));
            else seen.set(k, a.raw[j]!);
          });
          const freshKey = plugin.scoreKeys!(fresh, pod)!;
          expect(nodes.map((node) => freshKey(node))).toEqual(nodes.map((node) => keyOf(node)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('InterPodAffinity traits read nothing for pods no placed term matches', () => {
  /** Replicas of app=web scheduled among pods with required anti-affinity; `matching` of those select app=web. */
  function runAmong(classBatching: boolean, matchingAt: number) {
    const kernels = createJsKernels();
    const state = new ClusterState(kernels.createTableMemory());
    for (let i = 0; i < 12; i++) state.addNode(nodeOf(i, { zone: `z${i % 3}`, cpu: '4' }));
    const anti = (name: string, selects: string) => {
      const p = makePod(name).req({ cpu: '100m' }).label('app', 'db').build();
      p.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: selects } } }] } };
      return makePodInfo(p);
    };
    for (let i = 0; i < 4; i++) state.addPod(anti(`db-${i}`, 'db'), `n${i}`);
    const s = new Scheduler({ registry: REGISTRY, state, config: DEFAULT, kernels, seed: 5, classBatching });
    const out: Array<string | null> = [];
    for (let i = 0; i < 30; i++) {
      // From `matchingAt` on, a pod whose anti-affinity selects app=web sits on n5: web pods must avoid it.
      if (i === matchingAt) state.addPod(anti('guard', 'web'), 'n5');
      const pod = makePodInfo(makePod(`web-${i}`).req({ cpu: '100m' }).label('app', 'web').build());
      podClassKey(pod);
      out.push(scheduleAndBind(s, pod) as string | null);
    }
    const cb = s.defaultFramework.classBatches;
    return { out, draws: s.prng.draws, decisions: cb.decisions, dynamic: cb.dynamicDecisions };
  }

  it('batches them while the anti-affinity pods select other labels, and with the dynamic Filter once one selects them', () => {
    const ref = runAmong(false, 15);
    const got = runAmong(true, 15);
    expectSameDecisions(got, ref);
    expect(got.out.slice(15)).not.toContain('n5');
    // Node-local batching before the matching pod arrived (the first pod of a class takes the
    // cycle); after it, InterPodAffinity's Filter reads `topology` (a hostname term): a new batch
    // follows placements, built on the first pod after the switch.
    expect(got.decisions - got.dynamic).toBe(14);
    expect(got.dynamic).toBe(15);
  });
});

describe('InterPodAffinity follows placements exactly', () => {
  const termArb = fc.record({ key: fc.constantFrom('zone', 'kubernetes.io/hostname'), app: fc.constantFrom('a', 'b') });
  /** A pod with any mix of inter-pod terms (as podOf builds them). */
  const podSpecArb = fc.record({
    app: fc.constantFrom('a', 'b'), cpu: fc.constant('100m'), spread: fc.constant(null).map((): Parameters<typeof podOf>[1]['spread'] => []),
    anti: fc.option(termArb, { nil: undefined }), affinity: fc.option(termArb, { nil: undefined }),
    preferred: fc.option(fc.record({ key: fc.constantFrom('zone', 'kubernetes.io/hostname'), app: fc.constantFrom('a', 'b'), anti: fc.boolean(), weight: fc.constantFrom(1, 50) }), { nil: undefined }),
  });

  it('preFilterFollow and preScoreFollow equal a fresh PreFilter and PreScore', () => {
    fc.assert(
      fc.property(
        fc.array(nodeArb, { minLength: 2, maxLength: 10 }),
        podSpecArb,
        fc.array(fc.record({ node: fc.nat(20), pod: podSpecArb }), { minLength: 0, maxLength: 8 }),
        fc.array(fc.record({ node: fc.nat(20), pod: podSpecArb, remove: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        fc.constantFrom(0, 1, 5),
        (nodeSpecs, incomingSpec, initial, moves, hardPodAffinityWeight) => {
          const kernels = createJsKernels();
          const state = new ClusterState(kernels.createTableMemory());
          nodeSpecs.forEach((n, i) => state.addNode(nodeOf(i, n)));
          const plugin = newInterPodAffinity({ hardPodAffinityWeight, ignorePreferredTermsOfExistingPods: false }, { state, objects: undefined } as never);
          const pod = makePodInfo(podOf('incoming', incomingSpec));
          // Start from a few placed pods so both states are written.
          const placed: PodInfo[] = initial.map((m, i) => {
            const other = makePodInfo(podOf(`i${i}`, m.pod));
            state.addPod(other, state.nodes[m.node % state.nodes.length]!.name);
            return other;
          });
          const followed = new CycleState();
          const pre0 = plugin.preFilter(followed, pod, state.nodes);
          const score0 = plugin.preScore(followed, pod, state.nodes);
          moves.forEach((m, i) => {
            let other: PodInfo;
            let node;
            let delta: 1 | -1;
            if (m.remove && placed.length > 0) {
              other = placed.splice(m.node % placed.length, 1)[0]!;
              node = state.placementOf(other.key)!.node;
              state.removePod(other.key);
              delta = -1;
            } else {
              node = state.nodes[m.node % state.nodes.length]!;
              other = makePodInfo(podOf(`o${i}`, m.pod));
              state.addPod(other, node.name);
              placed.push(other);
              delta = 1;
            }
            if (pre0.status === null) plugin.preFilterFollow!(followed, pod, other, node, delta);
            if (score0 === null) plugin.preScoreFollow!(followed, pod, other, node, delta);
          });
          const fresh = new CycleState();
          const pre = plugin.preFilter(fresh, pod, state.nodes);
          const score = plugin.preScore(fresh, pod, state.nodes);
          const n = state.nodes.length;
          if (pre0.status === null && pre.status === null) {
            const verdicts = (cs: CycleState) => {
              const out = new Array(n).fill(null);
              plugin.filter(cs, pod, state.nodes, out);
              return out.map((st) => st?.message() ?? null);
            };
            expect(verdicts(followed)).toEqual(verdicts(fresh));
          }
          if (score0 === null) {
            const scores = (cs: CycleState | null) => {
              if (cs === null) return new Array(n).fill(0);
              const out = new Float64Array(n);
              plugin.score(cs, pod, state.nodes, out);
              plugin.normalizeScore!(cs, pod, state.nodes, out);
              return [...out];
            };
            // A fresh PreScore that skips scores nothing: the followed sums must then be flat.
            expect(scores(followed)).toEqual(scores(score === null ? fresh : null));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('class batching backs off a class whose builds keep declining', () => {
  it('preferred affinity to pods that never come: a few builds, not one per pod, and the same nodes', () => {
    const place = (classBatching: boolean) => {
      const kernels = createJsKernels();
      const state = new ClusterState(kernels.createTableMemory());
      for (let i = 0; i < 9; i++) state.addNode(nodeOf(i, { zone: `z${i % 3}`, cpu: '32' }));
      const s = new Scheduler({ registry: REGISTRY, state, config: DEFAULT, kernels, seed: 9, classBatching });
      const out: Array<string | null> = [];
      for (let i = 0; i < 200; i++) {
        // PreScore of InterPodAffinity skips while no pod matches the preferred term: a dynamic
        // part that skipped at the build, so every build declines.
        const p = podOf(`web-${i}`, { app: 'a', cpu: '100m', spread: [], preferred: { key: 'zone', app: 'ghost', anti: false, weight: 10 } });
        const pod = makePodInfo(p);
        podClassKey(pod);
        out.push(scheduleAndBind(s, pod) as string | null);
      }
      return { out, builds: s.defaultFramework.classBatches.builds, draws: s.prng.draws };
    };
    const ref = place(false);
    const got = place(true);
    expectSameDecisions(got, ref);
    expect(got.builds).toBeGreaterThan(0);
    expect(got.builds).toBeLessThan(15);
  });
});

/**
 * Random clusters, pods and profiles for the property tests that compare executions (the general
 * path, the fused cycle, class batching, worker speculation): one generator, shared.
 */
import fc from 'fast-check';
import { parseSchedulerConfig, type SchedulerConfig } from '../../src/api/config.js';
import type { Node, Pod, Taint, Toleration } from '../../src/api/k8s.js';
import { makeNode, makePod } from './builders.js';

export const GPU = 'example.com/gpu';
export const TAINTS: Taint[] = [
  { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
  { key: 'spot', value: 'true', effect: 'PreferNoSchedule' },
  { key: 'flaky', effect: 'PreferNoSchedule' },
  { key: 'maint', effect: 'NoExecute' },
];
export const TOLERATIONS: Toleration[] = [
  { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
  { key: 'spot', operator: 'Exists' },
  { operator: 'Exists', effect: 'PreferNoSchedule' },
];
export const IMAGES = ['registry.example/app:1', 'registry.example/big:2', 'nginx'];

/** Mostly `common`, now and then `rare`. */
export const often = <T,>(common: fc.Arbitrary<T>, rare: fc.Arbitrary<T>, weight = 5) =>
  fc.oneof({ weight, arbitrary: common }, { weight: 1, arbitrary: rare });
const oneIn = (n: number) => fc.integer({ min: 0, max: n - 1 }).map((x) => x === 0);

/** Mostly roomy nodes (so most cycles score several nodes), some tight or odd ones. */
export const nodeArb = fc.record({
  cpu: often(fc.constantFrom('4', '16', '3500m'), fc.constantFrom('0', '500m')),
  memory: often(fc.constantFrom('8Gi', '32Gi'), fc.constantFrom('0', '1Gi')),
  pods: often(fc.constantFrom(110, 30, 12), fc.constantFrom(0, 1, 3)),
  ephemeral: fc.option(fc.constantFrom('10Gi', '80Ti', '8191Pi'), { nil: undefined }),
  gpu: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  zone: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
  disk: fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }),
  taints: often(fc.constant<Taint[]>([]), fc.subarray(TAINTS, { minLength: 1, maxLength: 2 })),
  unschedulable: oneIn(20),
  images: fc.subarray(IMAGES, { maxLength: 2 }),
});

/**
 * A topology spread constraint: zone (class-level domains: PodTopologySpread reads `domain`) or
 * hostname (per-node domains: `topology`), hard or soft, with the API's optional fields now and then.
 */
const spreadArb = fc.record({
  key: fc.constantFrom('zone', 'kubernetes.io/hostname'),
  hard: fc.boolean(),
  maxSkew: fc.constantFrom(1, 1, 2, 3),
  app: fc.constantFrom('a0', 'a1', 'a2'),
  minDomains: often(fc.constant(undefined), fc.constantFrom(2, 4), 4),
  nodeAffinityPolicy: often(fc.constant(undefined), fc.constantFrom('Honor' as const, 'Ignore' as const), 4),
  nodeTaintsPolicy: often(fc.constant(undefined), fc.constantFrom('Honor' as const, 'Ignore' as const), 4),
});
type SpreadSpec = typeof spreadArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * Pod specs. Most are plain replicas; some read more than the node (spread constraints, inter-pod
 * affinity: the general path), some read the node itself (a hostname preference, a pinned node,
 * host ports: class batching with per-node parts, never the fused scan).
 */
export const podArb = fc.record({
  cpu: fc.option(fc.constantFrom('0', '100m', '500m', '1', '3'), { nil: undefined }),
  memory: fc.option(fc.constantFrom('200Mi', '1Gi', '2Gi'), { nil: undefined }),
  ephemeral: often(fc.constant(undefined), fc.constantFrom('1Gi', '70Ti')),
  gpu: often(fc.constant(undefined), fc.integer({ min: 1, max: 2 })),
  tolerations: fc.subarray(TOLERATIONS, { maxLength: 2 }),
  zoneSelector: often(fc.constant(undefined), fc.constantFrom('a', 'b')),
  preferDisk: fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }),
  hostnameAffinity: oneIn(10),
  image: fc.option(fc.constantFrom(...IMAGES), { nil: undefined }),
  hostPort: oneIn(10),
  nodeName: often(fc.constant(undefined), fc.constantFrom('n1', 'n2')),
  app: fc.constantFrom('a0', 'a1', 'a2'),
  spread: often(fc.constant<SpreadSpec[]>([]), fc.array(spreadArb, { minLength: 1, maxLength: 2 }), 3),
  antiAffinity: oneIn(25),
});

export type NodeSpec = typeof nodeArb extends fc.Arbitrary<infer T> ? T : never;
export type PodSpec = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

/** Node i of a spec. */
export function nodeOf(i: number, n: NodeSpec): Node {
  const res: Record<string, string | number> = { cpu: n.cpu, memory: n.memory, pods: n.pods };
  if (n.ephemeral) res['ephemeral-storage'] = n.ephemeral;
  if (n.gpu !== undefined) res[GPU] = n.gpu;
  const b = makeNode(`n${i}`).capacity(res);
  if (n.zone) b.label('zone', n.zone);
  if (n.disk) b.label('disk', n.disk);
  for (const t of n.taints) b.taint(t);
  if (n.unschedulable) b.unschedulable();
  if (n.images.length > 0) b.images(n.images.map((img, k) => ({ names: [img], sizeBytes: (k + 1) * 300 * 1024 * 1024 })));
  return b.build();
}

/** Pod `p<i>` of a spec (pods of one spec differ only in name: one pod class). */
export function podOf(i: number, p: PodSpec): Pod {
  const req: Record<string, string | number> = {};
  if (p.cpu !== undefined) req.cpu = p.cpu;
  if (p.memory !== undefined) req.memory = p.memory;
  if (p.ephemeral !== undefined) req['ephemeral-storage'] = p.ephemeral;
  if (p.gpu !== undefined) req[GPU] = p.gpu;
  const b = makePod(`p${i}`).req(req, p.image).label('app', p.app);
  for (const t of p.tolerations) b.toleration(t);
  if (p.zoneSelector) b.nodeSelector({ zone: p.zoneSelector });
  const preferred = [];
  if (p.preferDisk) preferred.push({ weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In' as const, values: [p.preferDisk] }] } });
  if (p.hostnameAffinity) preferred.push({ weight: 3, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In' as const, values: ['n0', 'n1'] }] } });
  const affinity: Record<string, unknown> = {};
  if (preferred.length > 0) affinity.nodeAffinity = { preferredDuringSchedulingIgnoredDuringExecution: preferred };
  if (p.antiAffinity) {
    affinity.podAntiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'a0' } } }] };
  }
  if (Object.keys(affinity).length > 0) b.affinity(affinity as Parameters<typeof b.affinity>[0]);
  if (p.hostPort) b.hostPort(8080);
  if (p.nodeName) b.nodeName(p.nodeName);
  const pod = b.build();
  if (p.spread.length > 0) {
    pod.spec.topologySpreadConstraints = p.spread.map((c) => ({
      maxSkew: c.maxSkew, topologyKey: c.key, whenUnsatisfiable: c.hard ? 'DoNotSchedule' as const : 'ScheduleAnyway' as const,
      labelSelector: { matchLabels: { app: c.app } },
      // minDomains is valid with DoNotSchedule only.
      ...(c.hard && c.minDomains !== undefined ? { minDomains: c.minDomains } : {}),
      ...(c.nodeAffinityPolicy ? { nodeAffinityPolicy: c.nodeAffinityPolicy } : {}),
      ...(c.nodeTaintsPolicy ? { nodeTaintsPolicy: c.nodeTaintsPolicy } : {}),
    }));
  }
  return pod;
}

/** A queue: pod specs, each repeated like the replicas of a workload, optionally interleaved. */
export const queueArb = fc
  .tuple(fc.array(fc.tuple(podArb, fc.integer({ min: 1, max: 8 })), { minLength: 1, maxLength: 12 }), fc.boolean())
  .map(([specs, interleave]) => {
    const runs = specs.map(([p, n]) => Array.from({ length: n }, () => p));
    if (!interleave) return runs.flat();
    const out: PodSpec[] = [];
    for (let k = 0; runs.some((r) => k < r.length); k++) for (const r of runs) if (k < r.length) out.push(r[k]!);
    return out;
  });

/** Named configurations: kube's default profile, the scoring variants the kernels implement, sampling. */
export const CONFIGS: Record<string, string> = {
  default: '',
  mostAllocated: `
profiles:
- schedulerName: default-scheduler
  plugins:
    multiPoint:
      enabled: [{name: NodeResourcesFit, weight: 3}, {name: TaintToleration, weight: 5}]
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
        resources: [{name: cpu, weight: 2}, {name: memory, weight: 1}, {name: ${GPU}, weight: 5}]`,
  rtcr: `
profiles:
- schedulerName: default-scheduler
  pluginConfig:
  - name: NodeResourcesFit
    args:
      ignoredResources: [${GPU}]
      scoringStrategy:
        type: RequestedToCapacityRatio
        resources: [{name: cpu, weight: 1}, {name: memory, weight: 3}, {name: ephemeral-storage, weight: 1}]
        requestedToCapacityRatio:
          shape: [{utilization: 0, score: 0}, {utilization: 30, score: 7}, {utilization: 100, score: 10}]
  - name: NodeResourcesBalancedAllocation
    args:
      resources: [{name: cpu, weight: 1}, {name: memory, weight: 1}, {name: ${GPU}, weight: 1}]
  - name: NodeAffinity
    args:
      addedAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: NotIn, values: [n2]}]}]
        preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 7
          preference: {matchExpressions: [{key: zone, operator: In, values: [c]}]}`,
  sampled: `
percentageOfNodesToScore: 50
profiles:
- schedulerName: default-scheduler`,
};

/**
 * Random profiles: kube's default plugins with random Score weights (0 disables a Score plugin),
 * a random NodeResourcesFit strategy, and sometimes no NodeResourcesFit Filter at all.
 */
export const profileArb = fc
  .record({
    taint: fc.integer({ min: 0, max: 5 }),
    affinity: fc.integer({ min: 0, max: 5 }),
    fit: fc.integer({ min: 0, max: 5 }),
    balanced: fc.integer({ min: 0, max: 3 }),
    image: fc.integer({ min: 0, max: 3 }),
    spread: fc.integer({ min: 0, max: 3 }),
    strategy: fc.constantFrom('LeastAllocated', 'MostAllocated'),
    noFitFilter: oneIn(6),
  })
  .map((p) => {
    const enabled = [
      ['TaintToleration', p.taint], ['NodeAffinity', p.affinity], ['NodeResourcesFit', p.fit],
      ['NodeResourcesBalancedAllocation', p.balanced], ['ImageLocality', p.image], ['PodTopologySpread', p.spread],
    ].filter(([, w]) => (w as number) > 0).map(([n, w]) => `{name: ${n}, weight: ${w}}`);
    return `
profiles:
- schedulerName: default-scheduler
  plugins:
    score:
      disabled: [{name: '*'}]
      enabled: [${enabled.join(', ')}]${p.noFitFilter ? '\n    filter:\n      disabled: [{name: NodeResourcesFit}]' : ''}
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: ${p.strategy}
        resources: [{name: cpu, weight: 1}, {name: memory, weight: 2}]`;
  });

/** Parses a configuration body (no apiVersion/kind header needed). */
export function config(body: string, name = 'random.yaml'): SchedulerConfig {
  return parseSchedulerConfig(`apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n${body}`, name);
}

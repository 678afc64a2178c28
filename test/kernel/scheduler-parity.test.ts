/**
 * Scheduler-level parity: on random clusters, pod sequences and configurations, every engine (js,
 * wasm SIMD, wasm scalar), with the fused cycle on or off, makes the same decisions: same node,
 * same FitError text, same feasible count, same PRNG draws, hence the same placement checksum.
 * The reference is the js engine on the general (per-plugin) path.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSchedulerConfig, type SchedulerConfig } from '../../src/api/config.js';
import type { Node, Pod, Taint, Toleration } from '../../src/api/k8s.js';
import { Scheduler } from '../../src/framework/scheduler.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import type { Kernels } from '../../src/kernel/kernels.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { PlacementChecksum } from '../../src/workloads/checksum.js';
import { scheduleAndBind } from '../../src/workloads/runner.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { loadWasmKernels } from './wasm-helper.js';

let engines: Array<[string, Kernels]>;
beforeAll(async () => {
  engines = [['js', createJsKernels()], ['wasm-simd', await loadWasmKernels('simd')], ['wasm-scalar', await loadWasmKernels('scalar')]];
});

const GPU = 'example.com/gpu';
const TAINTS: Taint[] = [
  { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
  { key: 'spot', value: 'true', effect: 'PreferNoSchedule' },
  { key: 'flaky', effect: 'PreferNoSchedule' },
  { key: 'maint', effect: 'NoExecute' },
];
const TOLERATIONS: Toleration[] = [
  { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
  { key: 'spot', operator: 'Exists' },
  { operator: 'Exists', effect: 'PreferNoSchedule' },
];
const IMAGES = ['registry.example/app:1', 'registry.example/big:2', 'nginx'];

/** Mostly roomy nodes (so most cycles score several nodes), some tight or odd ones. */
const often = <T,>(common: fc.Arbitrary<T>, rare: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: common }, { weight: 1, arbitrary: rare });
const nodeArb = fc.record({
  cpu: often(fc.constantFrom('4', '16', '3500m'), fc.constantFrom('0', '500m')),
  memory: often(fc.constantFrom('8Gi', '32Gi'), fc.constantFrom('0', '1Gi')),
  pods: often(fc.constantFrom(110, 30), fc.constantFrom(0, 1, 3)),
  ephemeral: fc.option(fc.constantFrom('10Gi', '80Ti', '8191Pi'), { nil: undefined }),
  gpu: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  zone: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
  disk: fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }),
  taints: often(fc.constant<Taint[]>([]), fc.subarray(TAINTS, { minLength: 1, maxLength: 2 })),
  unschedulable: fc.integer({ min: 0, max: 19 }).map((x) => x === 0),
  images: fc.subarray(IMAGES, { maxLength: 2 }),
});

const podArb = fc.record({
  cpu: fc.option(fc.constantFrom('0', '100m', '1', '3'), { nil: undefined }),
  memory: fc.option(fc.constantFrom('200Mi', '2Gi'), { nil: undefined }),
  ephemeral: often(fc.constant(undefined), fc.constantFrom('1Gi', '70Ti')),
  gpu: often(fc.constant(undefined), fc.integer({ min: 1, max: 2 })),
  tolerations: fc.subarray(TOLERATIONS, { maxLength: 2 }),
  zoneSelector: often(fc.constant(undefined), fc.constantFrom('a', 'b')),
  preferDisk: fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }),
  hostnameAffinity: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
  image: fc.option(fc.constantFrom(...IMAGES), { nil: undefined }),
  hostPort: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
  nodeName: often(fc.constant(undefined), fc.constantFrom('n1', 'n2')),
});

/** Configurations: default plus the scoring variants the kernels implement. */
const CONFIGS: Record<string, string> = {
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

type NodeSpec = typeof nodeArb extends fc.Arbitrary<infer T> ? T : never;
type PodSpec = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

function nodeOf(i: number, n: NodeSpec): Node {
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

function podOf(i: number, p: PodSpec): Pod {
  const req: Record<string, string | number> = {};
  if (p.cpu !== undefined) req.cpu = p.cpu;
  if (p.memory !== undefined) req.memory = p.memory;
  if (p.ephemeral !== undefined) req['ephemeral-storage'] = p.ephemeral;
  if (p.gpu !== undefined) req[GPU] = p.gpu;
  const b = makePod(`p${i}`).req(req, p.image);
  for (const t of p.tolerations) b.toleration(t);
  if (p.zoneSelector) b.nodeSelector({ zone: p.zoneSelector });
  const preferred = [];
  if (p.preferDisk) preferred.push({ weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In' as const, values: [p.preferDisk] }] } });
  if (p.hostnameAffinity) preferred.push({ weight: 3, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In' as const, values: ['n0', 'n1'] }] } });
  if (preferred.length > 0) b.affinity({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred } });
  if (p.hostPort) b.hostPort(8080);
  if (p.nodeName) b.nodeName(p.nodeName);
  return b.build();
}

interface Decision {
  node: string | null;
  message: string | undefined;
  feasible: number;
}

/** How cycles run: the general per-plugin path, or fused with or without the score cache. */
type Mode = 'general' | 'fused' | 'fused-uncached';

async function run(kernels: Kernels, mode: Mode, config: SchedulerConfig, nodes: Node[], pods: Pod[], seed: number) {
  const state = new ClusterState(kernels.createTableMemory());
  for (const n of nodes) state.addNode(n);
  const scheduler = new Scheduler({ state, config, kernels, seed, fusedCycle: mode !== 'general', scoreCache: mode === 'fused' });
  const decisions: Decision[] = [];
  const checksum = new PlacementChecksum();
  for (const p of pods) {
    const pod = makePodInfo(p);
    const fw = scheduler.frameworkFor(pod)!;
    const cs = fw.newCycleState();
    const r = scheduler.schedulePod(pod, {}, fw, cs);
    decisions.push({ node: r.selectedNode, message: r.message, feasible: r.feasibleNodes });
    if (r.selectedNode && !scheduler.assume(fw, cs, pod, r.selectedNode)) await scheduler.bind(fw, cs, pod, r.selectedNode);
    checksum.add(pod.key, state.placementOf(pod.key)?.node.name ?? null);
  }
  return { decisions, checksum: checksum.digest(), draws: scheduler.prng.draws };
}

describe('scheduler parity: js/wasm engines, fused and general paths', () => {
  it('make identical decisions on random clusters, pods and configurations', async () => {
    const configs = Object.fromEntries(Object.entries(CONFIGS).map(([k, v]) => [k, parseSchedulerConfig(`apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n${v}`, `${k}.yaml`)]));
    await fc.assert(
      fc.asyncProperty(
        fc.array(nodeArb, { minLength: 1, maxLength: 30 }),
        // Pod specs, each repeated like the replicas of a workload (what the score cache is for).
        fc.array(fc.tuple(podArb, fc.integer({ min: 1, max: 6 })), { minLength: 1, maxLength: 15 }),
        fc.constantFrom(...Object.keys(CONFIGS)),
        fc.integer({ min: 0, max: 1000 }),
        async (nodeSpecs, podSpecs, configName, seed) => {
          const nodes = nodeSpecs.map((n, i) => nodeOf(i, n));
          const pods = podSpecs.flatMap(([p, replicas]) => Array.from({ length: replicas }, () => p)).map((p, i) => podOf(i, p));
          const config = configs[configName]!;
          const ref = await run(engines[0]![1], 'general', config, nodes, pods, seed);
          for (const [name, k] of engines) {
            for (const mode of ['general', 'fused', 'fused-uncached'] as const) {
              if (name === 'js' && mode === 'general') continue;
              const got = await run(k, mode, config, nodes, pods, seed);
              expect(got, `${name} ${mode} config=${configName}`).toEqual(ref);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('normalizes class-scoped scores over the classes that have a feasible node only', async () => {
    // A (infeasible: 1 cpu) has 2 PreferNoSchedule taints, B one, C none. TaintToleration's
    // normalization must use max = 1 (B, C): C gets 100, B 0; with A counted B would get 50, and
    // B's MostAllocated lead (a nearly full node) would then win.
    const config = parseSchedulerConfig(`apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n${CONFIGS.mostAllocated}`, 'most.yaml');
    const nodes = [
      makeNode('a').capacity({ cpu: '1', memory: '32Gi', pods: 110 }).taint(TAINTS[1]!).taint(TAINTS[2]!).build(),
      makeNode('b').capacity({ cpu: '4', memory: '4Gi', pods: 110 }).taint(TAINTS[1]!).build(),
      makeNode('c').capacity({ cpu: '16', memory: '32Gi', pods: 110 }).build(),
    ];
    const filler = makePod('filler').req({ cpu: '1900m', memory: '2969Mi' }).nodeName('b').build();
    const pod = makePod('p').req({ cpu: '2', memory: '1Gi' }).build();
    for (const [name, k] of engines) {
      for (const fused of [false, true]) {
        const state = new ClusterState(k.createTableMemory());
        for (const n of nodes) state.addNode(n);
        state.addPod(makePodInfo(filler), 'b');
        const scheduler = new Scheduler({ state, config, kernels: k, seed: 1, fusedCycle: fused });
        expect(scheduler.schedulePod(makePodInfo(pod)).selectedNode, `${name} fused=${fused}`).toBe('c');
      }
    }
  });

  it('takes the fused path for the default profile (and not when explaining)', async () => {
    for (const [, k] of engines) {
      const state = new ClusterState(k.createTableMemory());
      for (let i = 0; i < 20; i++) state.addNode(makeNode(`n${i}`).capacity({ cpu: '4', memory: '8Gi', pods: 110 }).build());
      const config = parseSchedulerConfig('apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n', 'default.yaml');
      const scheduler = new Scheduler({ state, config, kernels: k, seed: 1 });
      const fw = scheduler.defaultFramework;
      let fusedCalls = 0;
      const filter = fw.fused.filter.bind(fw.fused);
      fw.fused.filter = (cs, pod) => {
        fusedCalls++;
        return filter(cs, pod);
      };
      const pod = makePodInfo(makePod('p').req({ cpu: '1', memory: '1Gi' }).build());
      expect(scheduler.schedulePod(pod).selectedNode).not.toBeNull();
      expect(fusedCalls).toBe(1);
      scheduler.schedulePod(pod, { explain: true });
      expect(fusedCalls).toBe(1);
      // Every node: one decision of the fused path equals the general one (same PRNG state).
      const general = new Scheduler({ state, config, kernels: k, seed: 1, fusedCycle: false });
      const fresh = new Scheduler({ state, config, kernels: k, seed: 1 });
      expect(fresh.schedulePod(pod).selectedNode).toBe(general.schedulePod(pod).selectedNode);
    }
  });
});

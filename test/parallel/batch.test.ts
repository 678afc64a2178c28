/**
 * Batch scheduling on worker threads gives the placements of sequential scheduling, byte for byte
 * (same nodes, same placement checksum, same PRNG draws), on random clusters, pod sequences,
 * profiles and batch shapes; and losing a worker mid-batch (it dies or throws) loses no pod.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SchedulerConfig } from '../../src/api/config.js';
import type { Node, Pod } from '../../src/api/k8s.js';
import { Scheduler } from '../../src/framework/scheduler.js';
import type { WasmKernels } from '../../src/kernel/wasm-kernels.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { BatchScheduler, type BatchStats } from '../../src/parallel/batch.js';
import { classKeyOf as speculationKey } from '../../src/model/pod-info.js';
import type { SessionFaults } from '../../src/parallel/messages.js';
import { WorkerPool } from '../../src/parallel/pool.js';
import { PlacementChecksum } from '../../src/workloads/checksum.js';
import { scheduleAndBind } from '../../src/workloads/runner.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { CONFIGS, config as configOf, nodeArb, nodeOf, podArb, podOf } from '../helpers/random-cluster.js';
import { loadWasmKernels } from '../kernel/wasm-helper.js';
import { REGISTRY } from '../../src/plugins/registry.js';

let kernels: WasmKernels;
let pool: WorkerPool;
const logs: string[] = [];
beforeAll(async () => {
  kernels = await loadWasmKernels('simd');
  pool = new WorkerPool({ threads: 2, log: (line) => logs.push(line) });
});
afterAll(async () => {
  await pool.close();
});

const configs: Record<string, SchedulerConfig> = Object.fromEntries(Object.entries(CONFIGS).map(([k, v]) => [k, configOf(v, `${k}.yaml`)]));

interface Run {
  nodes: Array<string | null>;
  checksum: string;
  draws: number;
}

function newScheduler(config: SchedulerConfig, nodes: readonly Node[], seed: number, placed: readonly Pod[]): Scheduler {
  const state = new ClusterState(kernels.createTableMemory());
  for (const n of nodes) state.addNode(n);
  for (const p of placed) state.addPod(makePodInfo(p), p.spec.nodeName!);
  return new Scheduler({ registry: REGISTRY, state, config, kernels, seed });
}

async function sequential(config: SchedulerConfig, nodes: readonly Node[], pods: readonly Pod[], seed: number, placed: readonly Pod[] = []): Promise<Run> {
  const s = newScheduler(config, nodes, seed, placed);
  const checksum = new PlacementChecksum();
  const out: Array<string | null> = [];
  for (const p of pods) {
    const pod = makePodInfo(p);
    const node = await scheduleAndBind(s, pod);
    out.push(node);
    checksum.add(pod.key, node);
  }
  return { nodes: out, checksum: checksum.digest(), draws: s.prng.draws };
}

async function batched(
  config: SchedulerConfig, nodes: readonly Node[], pods: readonly Pod[], seed: number,
  opts: { chunkPods: number; windowChunks?: number; workers?: number; faults?: SessionFaults; placed?: readonly Pod[]; prepare?: boolean; adaptive?: boolean },
): Promise<Run & { stats: BatchStats; outcomes: number }> {
  const s = newScheduler(config, nodes, seed, opts.placed ?? []);
  const queue = pods.map((p) => makePodInfo(p));
  const batch = new BatchScheduler(s, queue, {
    // Two sessions even on a 2-core machine (where a batch runs one by default): summaries from
    // concurrent writers must be exact too.
    pool, workers: opts.workers ?? 2, maxSessions: 2, chunkPods: opts.chunkPods, windowChunks: opts.windowChunks, faults: opts.faults,
    adaptive: opts.adaptive ?? false,
    cluster: { kind: 'objects', nodes, others: [], fileName: 'test' },
    pods: { kind: 'objects', pods },
  });
  if (opts.prepare) await batch.prepare();
  const out: Array<string | null> = new Array(pods.length).fill(null);
  let outcomes = 0;
  const stats = await batch.run((i, o) => {
    outcomes++;
    out[i] = o.node;
  });
  const checksum = new PlacementChecksum();
  queue.forEach((p, i) => checksum.add(p.key, out[i]!));
  return { nodes: out, checksum: checksum.digest(), draws: s.prng.draws, stats, outcomes };
}

describe('batch scheduling on worker threads', () => {
  it('places every pod exactly as sequential scheduling does (random clusters, pods, profiles, chunk shapes)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(nodeArb, { minLength: 1, maxLength: 40 }),
        // Pod specs, each repeated like the replicas of a workload.
        fc.array(fc.tuple(podArb, fc.integer({ min: 1, max: 25 })), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...Object.keys(CONFIGS)),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        async (nodeSpecs, podSpecs, configName, seed, chunkPods, windowChunks, adaptive) => {
          const nodes = nodeSpecs.map((n, i) => nodeOf(i, n));
          const pods = podSpecs.flatMap(([p, replicas]) => Array.from({ length: replicas }, () => p)).map((p, i) => podOf(i, p));
          const config = configs[configName]!;
          const ref = await sequential(config, nodes, pods, seed);
          const got = await batched(config, nodes, pods, seed, { chunkPods, windowChunks, adaptive });
          expect(got.outcomes).toBe(pods.length);
          expect({ nodes: got.nodes, checksum: got.checksum, draws: got.draws }, `config=${configName} chunk=${chunkPods} window=${windowChunks}`).toEqual(ref);
        },
      ),
      { numRuns: Number(process.env.BATCH_RUNS ?? 40) },
    );
  });

  it('decides from summaries exactly: ties merged with re-checked rows, both levels, class verdicts (fast-path workloads)', async () => {
    // Pods every worker can summarize (class-scoped plugins only), on larger clusters of a few
    // node shapes: most pods are decided from summaries while earlier commits keep changing rows.
    const fastPod = podArb.map((p) => ({ ...p, hostnameAffinity: false, hostPort: false, nodeName: undefined, spread: [], antiAffinity: false }));
    let speculated = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(nodeArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 20, max: 120 }),
        fc.array(fc.tuple(fastPod, fc.integer({ min: 5, max: 60 })), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('default', 'mostAllocated', 'rtcr'),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 2, max: 16 }),
        fc.integer({ min: 1, max: 3 }),
        async (shapes, nodeCount, podSpecs, configName, seed, chunkPods, windowChunks) => {
          const nodes = Array.from({ length: nodeCount }, (_, i) => nodeOf(i, shapes[i % shapes.length]!));
          const pods = podSpecs.flatMap(([p, replicas]) => Array.from({ length: replicas }, () => p)).map((p, i) => podOf(i, p));
          const config = configs[configName]!;
          const ref = await sequential(config, nodes, pods, seed);
          const got = await batched(config, nodes, pods, seed, { chunkPods, windowChunks, prepare: true });
          speculated += got.stats.speculated;
          expect({ nodes: got.nodes, checksum: got.checksum, draws: got.draws }, `config=${configName} chunk=${chunkPods} window=${windowChunks}`).toEqual(ref);
        },
      ),
      { numRuns: Number(process.env.BATCH_RUNS ?? 25) },
    );
    expect(speculated).toBeGreaterThan(100);
  });

  it('decides most pods of a homogeneous workload from worker summaries, across tie levels', async () => {
    // 30 equal nodes, 200 equal pods: every pod ties the nodes with the fewest pods, and each
    // round of placements uses up a level (the summaries' second level carries on).
    const nodes = Array.from({ length: 30 }, (_, i) => makeNode(`n${i}`).capacity({ cpu: '4', memory: '32Gi', pods: 110 }).build());
    const pods = Array.from({ length: 200 }, (_, i) => makePod(`p${i}`).req({ cpu: '100m', memory: '500Mi' }).build());
    for (const seed of [1, 7]) {
      const ref = await sequential(configs.default!, nodes, pods, seed);
      const got = await batched(configs.default!, nodes, pods, seed, { chunkPods: 8, windowChunks: 2, prepare: true });
      expect({ nodes: got.nodes, checksum: got.checksum, draws: got.draws }).toEqual(ref);
      expect(got.stats.workers).toBeGreaterThan(0);
      expect(got.stats.speculated + got.stats.undecided + 8 * got.stats.chunksByMain).toBeGreaterThanOrEqual(200);
      expect(got.stats.speculated).toBeGreaterThan(150);
      // Equal pods share one cycle per chunk (speculation keys).
      expect(got.stats.workerCycles).toBeGreaterThan(0);
      expect(got.stats.workerCycles).toBeLessThanOrEqual(got.stats.chunks);
    }
  });

  it('reuses a speculation only between pods with equal keys (interleaved workloads stay exact)', async () => {
    // Two workloads interleaved pod by pod, differing only in the zone they select: each chunk
    // needs one cycle per workload, and a pod never takes the other workload's summary.
    const nodes = Array.from({ length: 24 }, (_, i) => makeNode(`n${i}`).capacity({ cpu: '4', memory: '32Gi', pods: 110 }).label('zone', i % 3 ? 'a' : 'b').build());
    const pods = Array.from({ length: 240 }, (_, i) => makePod(`p${i}`).req({ cpu: '100m', memory: '500Mi' }).nodeSelector({ zone: i % 2 ? 'a' : 'b' }).build());
    for (const seed of [3, 8]) {
      const ref = await sequential(configs.default!, nodes, pods, seed);
      const got = await batched(configs.default!, nodes, pods, seed, { chunkPods: 12, windowChunks: 2, workers: 1, prepare: true });
      expect({ nodes: got.nodes, checksum: got.checksum, draws: got.draws }).toEqual(ref);
      expect(got.stats.speculated).toBeGreaterThan(120);
      expect(got.stats.workerCycles).toBeLessThanOrEqual(2 * got.stats.chunks);
      expect(got.stats.workerCycles).toBeGreaterThan(got.stats.chunks - got.stats.chunksByMain);
    }
  });

  it('decides pods with a single feasible node from summaries, until that node is full', async () => {
    // One node in zone z: pods selecting z have one feasible node (no scoring in the cycle), and
    // once it is full they fit nowhere (the main thread's cycle reports it).
    const nodes = Array.from({ length: 20 }, (_, i) => makeNode(`n${i}`).capacity({ cpu: '4', memory: '32Gi', pods: 110 }).label('zone', i === 7 ? 'z' : 'y').build());
    const pods = Array.from({ length: 60 }, (_, i) => makePod(`p${i}`).req({ cpu: '200m' }).nodeSelector({ zone: 'z' }).build());
    const ref = await sequential(configs.default!, nodes, pods, 2);
    const got = await batched(configs.default!, nodes, pods, 2, { chunkPods: 8, windowChunks: 2, prepare: true });
    expect({ nodes: got.nodes, checksum: got.checksum, draws: got.draws }).toEqual(ref);
    expect(ref.nodes.filter((n) => n === 'n7')).toHaveLength(20);
    expect(ref.nodes.slice(20)).toEqual(new Array(40).fill(null));
    expect(got.stats.speculated).toBeGreaterThanOrEqual(10);
  });

  it('stops speculating while a placed pod has inter-pod affinity terms (and stays exact)', async () => {
    const nodes = Array.from({ length: 10 }, (_, i) => makeNode(`n${i}`).capacity({ cpu: '4', memory: '32Gi', pods: 110 }).build());
    const pods = Array.from({ length: 40 }, (_, i) => makePod(`p${i}`).req({ cpu: '100m' }).label('app', 'web').build());
    const placed = [
      makePod('guard').req({ cpu: '100m' }).nodeName('n3')
        .affinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } })
        .build(),
    ];
    const ref = await sequential(configs.default!, nodes, pods, 3, placed);
    const got = await batched(configs.default!, nodes, pods, 3, { chunkPods: 8, placed });
    expect({ nodes: got.nodes, checksum: got.checksum, draws: got.draws }).toEqual(ref);
    expect(got.nodes).not.toContain('n3');
    expect(got.stats.workers).toBe(0);
    expect(got.stats.reason).toMatch(/InterPodAffinity's Filter reads (pods|topology|domain)/);
  });

  it('schedules in this thread with the same result when the profile samples nodes', async () => {
    const nodes = Array.from({ length: 120 }, (_, i) => makeNode(`n${i}`).capacity({ cpu: '4', memory: '32Gi', pods: 110 }).build());
    const pods = Array.from({ length: 30 }, (_, i) => makePod(`p${i}`).req({ cpu: '1' }).build());
    const ref = await sequential(configs.sampled!, nodes, pods, 5);
    const got = await batched(configs.sampled!, nodes, pods, 5, { chunkPods: 8 });
    expect({ nodes: got.nodes, checksum: got.checksum, draws: got.draws }).toEqual(ref);
    expect(got.stats.reason).toMatch(/percentageOfNodesToScore/);
  });
});

describe('pod class keys (speculation shares one cycle per class and chunk)', () => {
  const base = () => makePod('a').req({ cpu: '100m' }).label('app', 'web').build();
  it('ignore identity: name, uid, timestamps', () => {
    const a = base();
    const b = base();
    b.metadata.name = 'b';
    b.metadata.uid = 'uid-b';
    b.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
    b.metadata.resourceVersion = '7';
    expect(speculationKey(b)).toBe(speculationKey(a));
  });
  it.each([
    ['a label', (p: Pod) => { p.metadata.labels = { app: 'api' }; }],
    ['the namespace', (p: Pod) => { p.metadata.namespace = 'other'; }],
    ['an annotation', (p: Pod) => { p.metadata.annotations = { x: 'y' }; }],
    ['an owner', (p: Pod) => { p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u' }]; }],
    ['a request', (p: Pod) => { p.spec.containers![0]!.resources = { requests: { cpu: '200m' } }; }],
    ['the priority', (p: Pod) => { p.spec.priority = 5; }],
    ['a nominated node', (p: Pod) => { p.status = { nominatedNodeName: 'n1' }; }],
  ])('tells pods apart by %s', (_what, change) => {
    const b = base();
    change(b);
    expect(speculationKey(b)).not.toBe(speculationKey(base()));
  });
});

describe('batch faults', () => {
  const nodes = Array.from({ length: 40 }, (_, i) => makeNode(`n${i}`).capacity({ cpu: '8', memory: '32Gi', pods: 110 }).label('zone', i % 2 ? 'a' : 'b').build());
  const pods = Array.from({ length: 300 }, (_, i) => makePod(`p${i}`).req({ cpu: i % 3 ? '100m' : '250m', memory: '300Mi' }).build());

  it('a worker that dies mid-chunk is replaced and its chunk scheduled on the main thread: nothing lost', async () => {
    const ref = await sequential(configs.default!, nodes, pods, 11);
    logs.length = 0;
    const got = await batched(configs.default!, nodes, pods, 11, { chunkPods: 10, faults: { exitOnChunk: 2 } });
    expect(got.outcomes).toBe(pods.length);
    expect({ nodes: got.nodes, checksum: got.checksum, draws: got.draws }).toEqual(ref);
    expect(got.stats.sessionFailures).toBeGreaterThanOrEqual(1);
    expect(logs.join('\n')).toMatch(/batch session \d+ failed.*exited with code/);
  });

  it('a worker that throws mid-chunk: the error is logged with its cause, the batch still matches', async () => {
    const ref = await sequential(configs.default!, nodes, pods, 12);
    logs.length = 0;
    const got = await batched(configs.default!, nodes, pods, 12, { chunkPods: 10, faults: { throwOnChunk: 3 } });
    expect(got.outcomes).toBe(pods.length);
    expect({ nodes: got.nodes, checksum: got.checksum, draws: got.draws }).toEqual(ref);
    expect(got.stats.sessionFailures).toBeGreaterThanOrEqual(1);
    expect(logs.join('\n')).toMatch(/PODFIT_ERR_PARALLEL_INJECTED.*\(cause: SessionFaults\.throwOnChunk\)/);
  });
});

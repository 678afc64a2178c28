/**
 * Realistic WhatifResult objects (src/whatif/result.ts) for the report's tests and benchmark,
 * without the scenario runner: a cluster of three node pools (general, memory-heavy, GPU) with
 * seeded random requests, steps that add nodes and pods, schedule (some pods do not fit, with
 * kube's FitError messages), cordon and drain, and one answer of each question kind.
 */
import type {
  ClusterUsage, CompareResult, DrainedPod, DrainResult, MaxReplicasResult, NodeUsage, ProfileOutcome, QuestionResult, StepResult,
  UnschedulablePod, UtilizationStats, WhatifResult, WhatifSweepResult,
} from '../../src/whatif/result.js';

export interface WhatifFixtureOptions {
  /** Nodes before the steps (5 more are added by a step). Default 50. */
  readonly nodes?: number;
  readonly seed?: number;
  /** Puts markup into every kind of string the page shows (pod, node, PDB, config and file names, reasons). */
  readonly hostile?: boolean;
  /** Adds a minNodes answer (issue 14's `-o json` keys plus fields the page has no section for, so it draws them generically). Default true. */
  readonly minNodes?: boolean;
}

const GI = 1024 ** 3;

/** mulberry32: a small seeded PRNG, so fixtures are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pool { prefix: string; cpuMilli: number; memoryBytes: number; pods: number; gpus: number }
const POOLS: Pool[] = [
  { prefix: 'general', cpuMilli: 15_890, memoryBytes: 60 * GI, pods: 110, gpus: 0 },
  { prefix: 'memory', cpuMilli: 7_910, memoryBytes: 122 * GI, pods: 110, gpus: 0 },
  { prefix: 'gpu', cpuMilli: 31_850, memoryBytes: 240 * GI, pods: 58, gpus: 4 },
];

function node(name: string, pool: Pool, fill: number, rnd: () => number): NodeUsage {
  const allocatable: Record<string, number> = { cpu: pool.cpuMilli, memory: pool.memoryBytes, pods: pool.pods, 'ephemeral-storage': 95 * GI };
  if (pool.gpus) allocatable['nvidia.com/gpu'] = pool.gpus;
  const pods = Math.round(fill * pool.pods * 0.4 * (0.5 + rnd()));
  const requested: Record<string, number> = {
    cpu: Math.round(Math.min(1, fill * (0.6 + 0.5 * rnd())) * pool.cpuMilli / 10) * 10,
    memory: Math.round(Math.min(1, fill * (0.5 + 0.6 * rnd())) * pool.memoryBytes / 2 ** 20) * 2 ** 20,
    pods,
  };
  if (pool.gpus) requested['nvidia.com/gpu'] = Math.min(pool.gpus, Math.floor(rnd() * (pool.gpus + 1)));
  return { name, allocatable, requested, pods, unschedulable: false };
}

/** Adds `cpuMilli`/`memoryBytes`/pods to a node, as placed pods would (capped at allocatable). */
function addLoad(n: NodeUsage, pods: number, cpuMilli: number, memoryBytes: number): NodeUsage {
  const cap = (r: string, v: number) => Math.min(n.allocatable[r] ?? 0, (n.requested[r] ?? 0) + v);
  return { ...n, pods: n.pods + pods, requested: { ...n.requested, cpu: cap('cpu', cpuMilli), memory: cap('memory', memoryBytes), pods: cap('pods', pods) } };
}

function stats(usage: ClusterUsage, resource: string): UtilizationStats {
  const u = usage.nodes.filter((n) => (n.allocatable[resource] ?? 0) > 0).map((n) => (n.requested[resource] ?? 0) / n.allocatable[resource]!);
  const mean = u.reduce((s, v) => s + v, 0) / Math.max(1, u.length);
  const stddev = Math.sqrt(u.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, u.length));
  return { mean, stddev, min: Math.min(...u), max: Math.max(...u) };
}

const fitError = (nodes: number, parts: Array<[number, string]>) =>
  `0/${nodes} nodes are available: ${parts.map(([c, r]) => `${c} ${r}`).sort().join(', ')}. preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod.`;

/** A WhatifResult of `nodes` nodes, every step kind that reports something and all three questions. */
export function makeWhatifResult(opts: WhatifFixtureOptions = {}): WhatifResult {
  const count = opts.nodes ?? 50;
  const rnd = prng(opts.seed ?? 7);
  const mark = opts.hostile ? '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">' : '';
  const nodeName = (pool: Pool, i: number) => `${pool.prefix}-${i}${opts.hostile && i === 1 ? mark : ''}`;

  const poolOf = (i: number) => POOLS[i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2]!;
  const before: ClusterUsage = { nodes: Array.from({ length: count }, (_, i) => node(nodeName(poolOf(i), i), poolOf(i), 0.2 + 0.6 * rnd(), rnd)) };
  const added = Array.from({ length: 5 }, (_, i) => ({ ...node(`big-${i}`, POOLS[0]!, 0, rnd), requested: { cpu: 0, memory: 0, pods: 0 }, pods: 0 }));
  const N = count + added.length;

  const scheduledPods = 180;
  const unschedulable: UnschedulablePod[] = Array.from({ length: 20 }, (_, i) => ({
    pod: `shop/web-${i}${i === 0 ? mark : ''}`,
    reason: i % 3 === 0
      ? fitError(N, [[N - 8, 'Insufficient cpu'], [8, "node(s) didn't match Pod's node affinity/selector"]])
      : fitError(N, [[N - 12 - (i % 4), 'Insufficient memory'], [12 + (i % 4), 'Insufficient cpu']]),
  }));
  const cordoned = new Set([before.nodes[0]!.name, before.nodes[1]!.name]);
  let after: ClusterUsage = {
    nodes: [...before.nodes, ...added].map((n, i) => {
      const placed = i < count ? Math.floor(rnd() * 5) : 8;
      return { ...addLoad(n, placed, placed * 500, placed * GI), unschedulable: cordoned.has(n.name) };
    }),
  };
  const evicted: DrainedPod[] = [
    { pod: `batch/report-0${mark}`, from: before.nodes[2]!.name, to: 'big-0' },
    { pod: 'batch/report-1', from: before.nodes[2]!.name, to: null, reason: fitError(N, [[N, 'Insufficient memory']]) },
  ];
  after = { nodes: after.nodes.map((n) => (n.name === before.nodes[2]!.name ? { ...n, pods: Math.max(0, n.pods - 2), unschedulable: true } : n)) };
  const steps: StepResult[] = [
    { index: 0, type: 'addNodes', summary: 'added 5 nodes big-0..big-4' },
    { index: 1, type: 'addPods', summary: `added 200 pending pods shop/web-0..shop/web-199${mark}` },
    { index: 2, type: 'schedule', summary: `scheduled ${scheduledPods} of 200 pending pods`, scheduled: scheduledPods, unschedulable },
    { index: 3, type: 'cordon', summary: `cordoned ${[...cordoned].join(', ')}` },
    { index: 4, type: 'drain', summary: `drained ${before.nodes[2]!.name}: 1 pod moved, 1 fits nowhere`, evicted },
  ];

  return {
    scenario: {
      file: `examples/whatif/capacity-plan${mark}.yaml`, cluster: '/data/snapshots/prod-eu-1.json', config: null, seed: 1,
      before, after, steps, warnings: [`2 pods reference PriorityClass "batch-low"${mark}, which the snapshot lacks; their priority is 0`],
    },
    questions: [maxReplicas(after, rnd), drain(after, rnd, mark), compare(after, rnd, mark), ...(opts.minNodes === false ? [] : [minNodes(after, rnd, mark)])],
  };
}

/**
 * A minNodes answer shaped as issue 14 gives its `-o json` keys (nodes, byTemplate, cost,
 * lowerBound, gap, placements, unschedulable, seconds) plus the per-node fill after it. Typed as a
 * QuestionResult only by a cast: it carries keys result.ts's MinNodesQuestionResult does not have
 * (heuristics, options), so the page's generic drawing of unknown fields is what it tests.
 */
function minNodes(base: ClusterUsage, rnd: () => number, mark: string): QuestionResult {
  const added = Array.from({ length: 12 }, (_, i) => {
    const pool = i < 9 ? POOLS[0]! : POOLS[2]!;
    const n = node(`${i < 9 ? 'm5-2xlarge' : 'g5-4xlarge'}-${i}${i === 0 ? mark : ''}`, pool, 0.6 + 0.4 * rnd(), rnd);
    return n;
  });
  const placements: Record<string, string> = {};
  for (let k = 0; k < 60; k++) placements[`batch/train-${k}${k === 0 ? mark : ''}`] = added[k % added.length]!.name;
  const result = {
    name: 'how-many', type: 'minNodes', nodes: 12, byTemplate: { 'm5.2xlarge': 9, [`g5.4xlarge${mark}`]: 3 }, cost: 7.296,
    lowerBound: 11, gap: 1 / 11, placements,
    unschedulable: [{ pod: `batch/huge-0${mark}`, reason: fitError(base.nodes.length + 12, [[base.nodes.length + 12, 'Insufficient memory']]) }],
    seconds: 1.84, after: { nodes: [...base.nodes, ...added] },
    heuristics: [{ name: 'ffd-sum', nodes: 13 }, { name: 'bin-centric', nodes: 12 }, { name: 'local-search', nodes: 12 }],
    options: { objective: 'nodes', timeLimitSeconds: 10, nested: { deep: [1, 2, 3] } },
  };
  return result as unknown as QuestionResult;
}

function maxReplicas(base: ClusterUsage, rnd: () => number): MaxReplicasResult {
  const onNodes = base.nodes.filter((n) => !n.unschedulable).map((n) => {
    const freeCpu = (n.allocatable.cpu ?? 0) - (n.requested.cpu ?? 0);
    const freeMem = (n.allocatable.memory ?? 0) - (n.requested.memory ?? 0);
    return { nodeName: n.name, replicas: Math.max(0, Math.min(Math.floor(freeCpu / 500), Math.floor(freeMem / (2 * GI)), Math.floor(rnd() * 30))) };
  }).filter((r) => r.replicas > 0);
  const by = new Map(onNodes.map((r) => [r.nodeName, r.replicas]));
  const after = { nodes: base.nodes.map((n) => addLoad(n, by.get(n.name) ?? 0, (by.get(n.name) ?? 0) * 500, (by.get(n.name) ?? 0) * 2 * GI)) };
  const replicas = onNodes.reduce((s, r) => s + r.replicas, 0);
  return {
    name: 'more-web', type: 'maxReplicas', replicas, replicasOnNodes: onNodes, after,
    failReason: { failType: 'Unschedulable', failMessage: fitError(base.nodes.length, [[base.nodes.length - 3, 'Insufficient cpu'], [3, 'node(s) were unschedulable']]) },
  };
}

function drain(base: ClusterUsage, rnd: () => number, mark: string): DrainResult {
  const drained = base.nodes.slice(3, 7).map((n) => n.name);
  const targets = base.nodes.slice(10).map((n) => n.name);
  const pods: DrainedPod[] = [];
  const blocked: string[] = [];
  drained.forEach((from, d) => {
    for (let k = 0; k < 6 + d; k++) {
      const pod = `prod/api-${d}-${k}${k === 0 && d === 0 ? mark : ''}`;
      const roll = rnd();
      if (roll < 0.1) {
        blocked.push(pod);
        pods.push({ pod, from, to: null, reason: `evicting would violate PodDisruptionBudget prod/api-pdb${mark} (0 disruptions allowed)` });
      } else if (roll < 0.25) {
        pods.push({ pod, from, to: null, reason: fitError(base.nodes.length, [[base.nodes.length - 4, 'Insufficient memory'], [4, 'node(s) were unschedulable']]) });
      } else {
        pods.push({ pod, from, to: targets[Math.floor(rnd() * targets.length)]! });
      }
    }
  });
  const moved = new Map<string, number>();
  for (const p of pods) if (p.to) moved.set(p.to, (moved.get(p.to) ?? 0) + 1);
  const after = {
    nodes: base.nodes.map((n) => (drained.includes(n.name)
      ? { ...n, unschedulable: true, pods: 1, requested: { ...n.requested, cpu: 100, memory: 128 * 2 ** 20, pods: 1 } }
      : addLoad(n, moved.get(n.name) ?? 0, (moved.get(n.name) ?? 0) * 250, (moved.get(n.name) ?? 0) * GI / 2))),
  };
  return {
    name: 'retire-pool-a', type: 'drain', drainable: false, nodes: drained, pods, after,
    blockingPdbs: blocked.length ? [{ pdb: `prod/api-pdb${mark}`, pods: blocked }] : [],
    ignored: drained.map((n) => `kube-system/node-exporter-${n}`),
  };
}

function compare(base: ClusterUsage, rnd: () => number, mark: string): CompareResult {
  const profile = (config: string, packed: boolean): ProfileOutcome => {
    const allocation = {
      nodes: base.nodes.map((n, i) => {
        const share = packed ? (i % 3 === 0 ? 0 : 1.4) : 1;
        const p = Math.round(3 * share * (0.5 + rnd()));
        return addLoad(n, p, p * 400, p * GI);
      }),
    };
    const resources = ['cpu', 'memory', 'pods', 'nvidia.com/gpu'];
    const scheduled = packed ? 1910 : 1960;
    return {
      config, scheduled, unschedulable: 2000 - scheduled,
      nodesUsed: allocation.nodes.filter((n) => n.pods > 0).length,
      utilization: Object.fromEntries(resources.map((r) => [r, stats(allocation, r)])),
      fragmentation: { stranded: { cpu: packed ? 12_000 : 31_500, memory: (packed ? 20 : 55) * GI }, strandedShare: { cpu: packed ? 0.08 : 0.21, memory: packed ? 0.05 : 0.17 }, nodes: packed ? 4 : 11 },
      unschedulableReasons: [
        { reason: fitError(base.nodes.length, [[base.nodes.length, 'Insufficient cpu']]), pods: packed ? 60 : 30 },
        { reason: fitError(base.nodes.length, [[base.nodes.length - 2, 'Insufficient memory'], [2, 'node(s) had untolerated taint {nvidia.com/gpu: present}']]), pods: packed ? 30 : 10 },
      ],
      allocation,
    };
  };
  return { name: 'profiles', type: 'compare', profiles: [profile('least-allocated.yaml', false), profile(`most-allocated.yaml${mark}`, true)] };
}

/** A sweep of `points` runs over the node count (each run a makeWhatifResult with its own seed). */
export function makeWhatifSweep(points: number, opts: WhatifFixtureOptions = {}): WhatifSweepResult {
  const runs = Array.from({ length: points }, (_, k) => {
    const r = makeWhatifResult({ ...opts, nodes: (opts.nodes ?? 20) + 10 * k, seed: (opts.seed ?? 7) + k });
    return { ...r, scenario: { ...r.scenario, sweep: { index: k, values: { 'steps[0].addNodes.count': 10 * k, 'questions[0].maxReplicas.template': 'web.yaml' } } } };
  });
  return { sweep: { total: points }, runs };
}

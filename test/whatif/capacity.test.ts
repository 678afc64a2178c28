/**
 * `podfit capacity`'s engine (src/whatif/capacity.ts): cluster-capacity's answers on its own demo,
 * closed-form counts where nodes are independent (resource-only templates, 10 to 50,000 nodes),
 * the clones' placements equal to one full cycle per clone (class batching off), several
 * templates one after another, --replicas, --max-limit and preemption.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultSchedulerConfig, type SchedulerConfig } from '../../src/api/config.js';
import type { Node, Pod } from '../../src/api/k8s.js';
import { Scheduler } from '../../src/framework/scheduler.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { parseQuantityExact, quantityMilliValue, quantityValue } from '../../src/model/quantity.js';
import { REGISTRY } from '../../src/plugins/registry.js';
import { capacityConfig, capacityDefaults, limitReachedMessage, replicasPlacedMessage, runCapacity, type CapacityOptions, type CapacityOutcome } from '../../src/whatif/capacity.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { config as configOf, nodeArb, nodeOf, podArb, podOf, profileArb } from '../helpers/random-cluster.js';

interface Setup {
  nodes: readonly Node[];
  running?: ReadonlyArray<[Pod, string]>;
  config?: SchedulerConfig;
  seed?: number;
  classBatching?: boolean;
  fusedCycle?: boolean;
}

/** Runs templates (each `[pod, replicas?]`) on a fresh cluster. */
function capacity(setup: Setup, templates: ReadonlyArray<[Pod, number?]>, opts: CapacityOptions = {}): CapacityOutcome & { scheduler: Scheduler } {
  const kernels = createJsKernels();
  const state = new ClusterState(kernels.createTableMemory());
  for (const n of setup.nodes) state.addNode(n);
  for (const [p, node] of setup.running ?? []) state.addPod(makePodInfo(p), node);
  const scheduler = new Scheduler({
    registry: REGISTRY, state, kernels, config: capacityConfig(setup.config ?? defaultSchedulerConfig(), opts.preemption === true), seed: setup.seed ?? 7,
    classBatching: setup.classBatching ?? true, fusedCycle: setup.fusedCycle ?? true,
  });
  const out = runCapacity(scheduler, templates.map(([pod, replicas]) => ({
    info: makePodInfo(capacityDefaults(pod)), source: 'test', ...(replicas !== undefined ? { replicas } : {}),
  })), opts);
  return { ...out, scheduler };
}

const node = (name: string, cpu: string, memory: string, pods: number | string = 110, extra: Record<string, string | number> = {}) =>
  makeNode(name).capacity({ cpu, memory, pods, ...extra }).build();

/** cluster-capacity's README demo: four nodes of 2 CPU / 4 GB, a 150m / 100Mi pod. */
const DEMO_NODES = [1, 2, 3, 4].map((i) => node(`node-${i}`, '2', '4Gi'));
const SMALL_POD = makePod('small-pod').reqLim({ cpu: '150m', memory: '100Mi' }, { cpu: '150m', memory: '100Mi' }).build();

describe('capacity: cluster-capacity semantics', () => {
  it("answers cluster-capacity's README demo: 52 instances, 13 per node, stopped by Insufficient cpu", () => {
    const r = capacity({ nodes: DEMO_NODES }, [[SMALL_POD]]);
    const t = r.templates[0]!;
    expect(t.placed).toBe(52);
    expect([...t.replicasOnNodes.values()]).toEqual([13, 13, 13, 13]);
    expect(t.stop).toEqual({ type: 'Unschedulable', message: '0/4 nodes are available: 4 Insufficient cpu.' });
    expect([...t.failSummary]).toEqual([['Insufficient cpu', 4]]);
    expect(r.remaining.find((x) => x.resource === 'cpu')).toEqual({ resource: 'cpu', allocatable: 8000, requested: 7800, free: 200 });
  });

  it('counts what the running pods leave: six 150m replicas take the demo from 52 to 46', () => {
    const running: Array<[Pod, string]> = [0, 1, 2, 3, 4, 5].map((k) => [
      makePod(`guestbook-${k}`).req({ cpu: '150m', memory: '100Mi' }).build(), `node-${(k % 4) + 1}`,
    ]);
    expect(capacity({ nodes: DEMO_NODES, running }, [[SMALL_POD]]).templates[0]!.placed).toBe(46);
  });

  it('names the clones <name>-<k> and leaves them placed on the cluster', () => {
    const r = capacity({ nodes: DEMO_NODES }, [[SMALL_POD]], { maxLimit: 3 });
    const names = r.scheduler.state.nodes.flatMap((n) => n.pods.map((p) => p.name)).sort();
    expect(names).toEqual(['small-pod-0', 'small-pod-1', 'small-pod-2']);
  });

  it('stops at --max-limit with LimitReached, even when more would fit', () => {
    const t = capacity({ nodes: DEMO_NODES }, [[SMALL_POD]], { maxLimit: 10 }).templates[0]!;
    expect(t.placed).toBe(10);
    expect(t.stop).toEqual({ type: 'LimitReached', message: limitReachedMessage(10) });
    expect(t.failSummary.size).toBe(0);
  });

  it('reports Unschedulable, not LimitReached, when the limit is above what fits', () => {
    const t = capacity({ nodes: DEMO_NODES }, [[SMALL_POD]], { maxLimit: 53 }).templates[0]!;
    expect(t.placed).toBe(52);
    expect(t.stop.type).toBe('Unschedulable');
  });

  it("gives kube's message when no node fits the template at all (filters other than resources)", () => {
    const pod = makePod('picky').req({ cpu: '100m' }).nodeSelector({ disk: 'ssd' }).build();
    const t = capacity({ nodes: DEMO_NODES }, [[pod]]).templates[0]!;
    expect(t.placed).toBe(0);
    expect(t.stop.message).toBe("0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector.");
  });

  it("on an empty cluster: 0 instances and kube's no-nodes message", () => {
    const t = capacity({ nodes: [] }, [[SMALL_POD]]).templates[0]!;
    expect(t.placed).toBe(0);
    expect(t.stop).toEqual({ type: 'Unschedulable', message: 'no nodes available to schedule pods' });
  });

  it('runs several templates one after another, each on the cluster the earlier ones left', () => {
    const big = makePod('big-pod').req({ cpu: '1', memory: '1Gi' }).build();
    const r = capacity({ nodes: DEMO_NODES }, [[big], [SMALL_POD]]);
    expect(r.templates[0]!.placed).toBe(8);
    expect(r.templates[1]!.placed).toBe(0);
    const r2 = capacity({ nodes: DEMO_NODES }, [[SMALL_POD], [big]]);
    expect(r2.templates.map((t) => t.placed)).toEqual([52, 0]);
    // The same template twice: the second run finds the cluster full, and its clones' names go on.
    const r3 = capacity({ nodes: DEMO_NODES }, [[SMALL_POD, 10], [SMALL_POD]]);
    expect(r3.templates.map((t) => t.placed)).toEqual([10, 42]);
    const names = new Set(r3.scheduler.state.nodes.flatMap((n) => n.pods.map((p) => p.name)));
    expect(names.size).toBe(52);
  });

  it('--replicas places exactly N and reports how many did not fit and why', () => {
    const r = capacity({ nodes: DEMO_NODES }, [[SMALL_POD, 60]]);
    const t = r.templates[0]!;
    expect([t.placed, t.notPlaced]).toEqual([52, 8]);
    expect(t.stop.type).toBe('Unschedulable');
    const ok = capacity({ nodes: DEMO_NODES }, [[SMALL_POD, 20]]).templates[0]!;
    expect([ok.placed, ok.notPlaced]).toEqual([20, 0]);
    expect(ok.stop).toEqual({ type: 'LimitReached', message: replicasPlacedMessage(20) });
  });

  it('skips clone names the cluster already has', () => {
    const running: Array<[Pod, string]> = [[makePod('small-pod-0').req({ cpu: '100m' }).build(), 'node-1']];
    const r = capacity({ nodes: DEMO_NODES, running }, [[SMALL_POD, 2]]);
    const names = r.scheduler.state.nodes.flatMap((n) => n.pods.map((p) => p.name)).sort();
    expect(names).toEqual(['small-pod-0', 'small-pod-1', 'small-pod-2']);
  });

  it('is deterministic: same cluster, template and seed, same distribution', () => {
    const nodes = Array.from({ length: 30 }, (_, i) => node(`n${i}`, '4', '8Gi'));
    const a = capacity({ nodes, seed: 3 }, [[SMALL_POD, 100]]).templates[0]!;
    const b = capacity({ nodes, seed: 3 }, [[SMALL_POD, 100]]).templates[0]!;
    expect([...a.replicasOnNodes]).toEqual([...b.replicasOnNodes]);
  });
});

describe('capacity: preemption (--priority)', () => {
  const PREEMPT_CONFIG = defaultSchedulerConfig();
  const lowPods: Array<[Pod, string]> = [1, 2].flatMap((i) => [0, 1].map((k): [Pod, string] => [
    makePod(`batch-${i}-${k}`).req({ cpu: '900m', memory: '1Gi' }).priority(0).created(`2026-01-0${k + 1}T00:00:00Z`).build(), `node-${i}`,
  ]));
  const nodes = [node('node-1', '2', '4Gi'), node('node-2', '2', '4Gi')];

  it('without preemption the clones stop where the low-priority pods leave no room', () => {
    const pod = makePod('urgent').req({ cpu: '1', memory: '1Gi' }).priority(1000).build();
    const t = capacity({ nodes, running: lowPods, config: PREEMPT_CONFIG }, [[pod]], { preemption: false }).templates[0]!;
    expect(t.placed).toBe(0);
    expect(t.evicted).toEqual([]);
  });

  it('with preemption the clones evict lower-priority pods and report them', () => {
    const pod = makePod('urgent').req({ cpu: '1', memory: '1Gi' }).priority(1000).build();
    const r = capacity({ nodes, running: lowPods, config: PREEMPT_CONFIG }, [[pod]], { preemption: true });
    const t = r.templates[0]!;
    // Each node: two 900m pods; a 1-cpu clone needs one victim, the second clone the other one.
    expect(t.placed).toBe(4);
    expect(t.evicted.map((e) => e.pod).sort()).toEqual(['default/batch-1-0', 'default/batch-1-1', 'default/batch-2-0', 'default/batch-2-1']);
    for (const e of t.evicted) expect(e.priority).toBe(0);
    const left = r.scheduler.state.nodes.flatMap((n) => n.pods.map((p) => p.name));
    expect(left.every((n) => n.startsWith('urgent-'))).toBe(true);
    expect(t.stop.type).toBe('Unschedulable');
    expect(t.stop.message).toMatch(/^0\/2 nodes are available: 2 Insufficient cpu\. preemption: /);
  });

  it('never evicts pods of equal or higher priority', () => {
    const pod = makePod('peer').req({ cpu: '1' }).priority(0).build();
    const t = capacity({ nodes, running: lowPods, config: PREEMPT_CONFIG }, [[pod]], { preemption: true }).templates[0]!;
    expect(t.evicted).toEqual([]);
    expect(t.placed).toBe(0);
  });
});

/** The closed form for a resource-only template: each node independently takes floor(free / request) per resource, and its free pod slots. */
function closedForm(nodes: ReadonlyArray<{ alloc: Record<string, number>; used: Record<string, number> }>, req: Record<string, number>): number {
  let total = 0;
  for (const n of nodes) {
    let k = (n.alloc.pods ?? 0) - (n.used.pods ?? 0);
    for (const [r, q] of Object.entries(req)) {
      if (q <= 0) continue;
      k = Math.min(k, Math.floor(((n.alloc[r] ?? 0) - (n.used[r] ?? 0)) / q));
    }
    total += Math.max(0, k);
  }
  return total;
}

const MI = 1024 * 1024;
const base = (r: string, text: string): number => (r === 'cpu' ? quantityMilliValue(parseQuantityExact(text)) : quantityValue(parseQuantityExact(text)));

/** A resource-only cluster: random allocatables (cpu, memory, pods, a GPU on some) and some running pods. */
const resourceClusterArb = (minNodes: number, maxNodes: number) => fc.record({
  nodes: fc.array(fc.record({
    cpu: fc.constantFrom('2', '4', '3500m', '16', '0'),
    memory: fc.constantFrom('4Gi', '8Gi', '16000Mi', '1Gi'),
    pods: fc.constantFrom(110, 30, 8, 0),
    gpu: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
    running: fc.array(fc.record({ cpu: fc.constantFrom('100m', '250m', '1'), memory: fc.constantFrom('128Mi', '1Gi') }), { maxLength: 4 }),
  }), { minLength: minNodes, maxLength: maxNodes }),
  template: fc.record({
    cpu: fc.option(fc.constantFrom('50m', '150m', '333m', '1', '2500m'), { nil: undefined }),
    memory: fc.option(fc.constantFrom('64Mi', '100Mi', '1Gi', '3Gi'), { nil: undefined }),
    gpu: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  }),
  seed: fc.integer({ min: 0, max: 1000 }),
});

describe('capacity: closed-form counts (resource-only templates: nodes are independent)', () => {
  it('equals the closed form on random clusters of 10 to 300 nodes', () => {
    fc.assert(fc.property(resourceClusterArb(10, 300), ({ nodes: specs, template, seed }) => {
      const nodes: Node[] = [];
      const running: Array<[Pod, string]> = [];
      const model: Array<{ alloc: Record<string, number>; used: Record<string, number> }> = [];
      specs.forEach((s, i) => {
        const res: Record<string, string | number> = { cpu: s.cpu, memory: s.memory, pods: s.pods };
        if (s.gpu !== undefined) res['example.com/gpu'] = s.gpu;
        nodes.push(makeNode(`n${i}`).capacity(res).build());
        const alloc = { cpu: base('cpu', s.cpu), memory: base('memory', s.memory), pods: s.pods, 'example.com/gpu': s.gpu ?? 0 };
        const used = { cpu: 0, memory: 0, pods: 0, 'example.com/gpu': 0 };
        s.running.forEach((p, k) => {
          running.push([makePod(`r${i}-${k}`).req({ cpu: p.cpu, memory: p.memory }).build(), `n${i}`]);
          used.cpu += base('cpu', p.cpu);
          used.memory += base('memory', p.memory);
          used.pods++;
        });
        model.push({ alloc, used });
      });
      const req: Record<string, string | number> = {};
      if (template.cpu) req.cpu = template.cpu;
      if (template.memory) req.memory = template.memory;
      if (template.gpu) req['example.com/gpu'] = template.gpu;
      const pod = makePod('t').req(req).build();
      const expected = closedForm(model, {
        cpu: template.cpu ? base('cpu', template.cpu) : 0,
        memory: template.memory ? base('memory', template.memory) : 0,
        'example.com/gpu': template.gpu ?? 0,
      });
      const t = capacity({ nodes, running, seed }, [[pod]]).templates[0]!;
      expect(t.placed).toBe(expected);
      if (t.placed > 0) expect([...t.replicasOnNodes.values()].reduce((a, b) => a + b, 0)).toBe(expected);
    }), { numRuns: 40 });
  });

  it('equals the closed form on 50,000 nodes of mixed shapes', () => {
    const shapes = [{ cpu: '4', memory: '16Gi' }, { cpu: '8', memory: '32Gi' }, { cpu: '2', memory: '7800Mi' }];
    const nodes = Array.from({ length: 50_000 }, (_, i) => node(`n${i}`, shapes[i % 3]!.cpu, shapes[i % 3]!.memory));
    const pod = makePod('web').req({ cpu: '1500m', memory: '3Gi' }).build();
    // 4 cpu / 16Gi -> min(2, 5) = 2; 8 / 32Gi -> min(5, 10) = 5; 2 / 7800Mi -> min(1, 2) = 1.
    const perCycle = 2 + 5 + 1;
    const t = capacity({ nodes }, [[pod]]).templates[0]!;
    expect(t.placed).toBe(Math.floor(50_000 / 3) * perCycle + (50_000 % 3 >= 1 ? 2 : 0) + (50_000 % 3 >= 2 ? 5 : 0));
    expect(t.replicasOnNodes.size).toBe(50_000);
    void MI;
  }, 60_000);
});

describe('capacity: the clones go where one full cycle per clone puts them', () => {
  it('class batching and the fused cycle give the general path\'s placements (random clusters, templates, profiles)', () => {
    fc.assert(fc.property(
      fc.array(nodeArb, { minLength: 1, maxLength: 12 }), podArb, fc.array(podArb, { maxLength: 6 }), profileArb, fc.integer({ min: 0, max: 100 }),
      (nodeSpecs, templateSpec, runningSpecs, profile, seed) => {
        const nodes = nodeSpecs.map((n, i) => nodeOf(i, n));
        const running: Array<[Pod, string]> = runningSpecs.map((p, i) => [{ ...podOf(100 + i, { ...p, nodeName: undefined }) }, `n${i % nodes.length}`]);
        const config = configOf(profile);
        const template = podOf(0, { ...templateSpec, nodeName: undefined });
        const fast = capacity({ nodes, running, config, seed }, [[template, 40]]).templates[0]!;
        const slow = capacity({ nodes, running, config, seed, classBatching: false, fusedCycle: false }, [[template, 40]]).templates[0]!;
        expect([...fast.replicasOnNodes]).toEqual([...slow.replicasOnNodes]);
        expect(fast.placed).toBe(slow.placed);
        expect(fast.stop).toEqual(slow.stop);
      },
    ), { numRuns: 60 });
  });
});

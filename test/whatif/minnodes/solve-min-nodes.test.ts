/**
 * solveMinNodes (src/whatif/minnodes/index.ts) on small clusters: existing free capacity first,
 * added nodes named and labelled from their template, pods with constraints the numbers cannot see
 * (anti-affinity, node selectors, taints) placed by the real scheduler, kube's reason for pods no
 * template holds, and every placement replayed through the full filter set on a fresh copy of the
 * cluster, in the answer's order (a placement the filters reject is a bug).
 */
import { describe, expect, it } from 'vitest';
import { defaultSchedulerConfig } from '../../../src/api/config.js';
import type { Node, Pod } from '../../../src/api/k8s.js';
import { Scheduler } from '../../../src/framework/scheduler.js';
import { createJsKernels } from '../../../src/kernel/js-kernels.js';
import { ClusterState } from '../../../src/model/cluster-state.js';
import { makePodInfo } from '../../../src/model/pod-info.js';
import { REGISTRY } from '../../../src/plugins/registry.js';
import { solveMinNodes, type MinNodesOptions, type MinNodesResult } from '../../../src/whatif/minnodes/index.js';
import { makeNode, makePod } from '../../helpers/builders.js';

interface Setup { nodes?: readonly Node[]; running?: ReadonlyArray<[Pod, string]> }

function schedulerFor(setup: Setup): Scheduler {
  const kernels = createJsKernels();
  const state = new ClusterState(kernels.createTableMemory());
  for (const n of setup.nodes ?? []) state.addNode(n);
  for (const [p, node] of setup.running ?? []) state.addPod(makePodInfo(p), node);
  return new Scheduler({ registry: REGISTRY, state, kernels, config: defaultSchedulerConfig(), seed: 7 });
}

function run(setup: Setup, pending: readonly Pod[], opts: MinNodesOptions): MinNodesResult & { scheduler: Scheduler } {
  const scheduler = schedulerFor(setup);
  const r = solveMinNodes(scheduler, pending.map((p) => makePodInfo(p)), { timeLimitSeconds: 5, ...opts });
  return { ...r, scheduler };
}

/**
 * Replays an answer on a fresh copy of the cluster: the added nodes (as the solver built them),
 * then each placement in order, each first passing PreFilter and every Filter plugin on its node.
 * Returns the placements the filters reject.
 */
function rejectedOnReplay(setup: Setup, pending: readonly Pod[], r: MinNodesResult & { scheduler: Scheduler }): string[] {
  const s = schedulerFor(setup);
  for (const name of Object.keys(r.addedNodes)) s.state.addNode(structuredClone(r.scheduler.state.getNode(name)!.node));
  const byKey = new Map(pending.map((p) => { const i = makePodInfo(p); return [i.key, i] as const; }));
  const bad: string[] = [];
  for (const [key, nodeName] of Object.entries(r.placements)) {
    const pod = byKey.get(key)!;
    const fw = s.frameworkFor(pod)!;
    const cs = fw.newCycleState();
    const pre = fw.runPreFilter(cs, pod, s.state.nodes);
    const node = s.state.getNode(nodeName)!;
    const ok = (!pre.status || pre.status.isSuccess()) && (!pre.nodeNames || pre.nodeNames.has(nodeName)) && fw.runFilterPluginsOnNode(cs, pod, node) === null;
    if (!ok) bad.push(`${key} -> ${nodeName}`);
    s.state.addPod(pod, nodeName);
  }
  return bad;
}

const tmpl = (name: string, cpu: string, memory: string, pods = 110) => makeNode(name).label('pool', name).capacity({ cpu, memory, pods }).build();
const pod = (name: string, cpu: string, memory: string) => makePod(name).req({ cpu, memory });

describe('solveMinNodes', () => {
  it('uses the free capacity of existing nodes first (no node added when it suffices)', () => {
    const setup: Setup = { nodes: [tmpl('old', '4', '8Gi')], running: [[pod('run', '1', '1Gi').build(), 'old']] };
    const pending = [1, 2, 3].map((i) => pod(`p${i}`, '1', '1Gi').build());
    const r = run(setup, pending, { templates: [{ node: tmpl('m5', '8', '32Gi') }] });
    expect(r.nodes).toBe(0);
    expect(r.lowerBound).toBe(0);
    expect(r.gap).toBe(0);
    expect(Object.values(r.placements)).toEqual(['old', 'old', 'old']);
    expect(rejectedOnReplay(setup, pending, r)).toEqual([]);
  });

  it('adds the fewest nodes, named <prefix>-<i> with the template labels and taints; bound and gap', () => {
    const template = makeNode('batch').label('pool', 'batch').capacity({ cpu: '4', memory: '16Gi', pods: 110 }).taint({ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }).build();
    const tol = { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' } as const;
    // 12 pods of 1 cpu: 3 nodes of 4 cpu, exactly the volume bound.
    const pending = Array.from({ length: 12 }, (_, i) => pod(`w${i}`, '1', '1Gi').toleration(tol).build());
    const r = run({}, pending, { templates: [{ node: template, prefix: 'pool-b' }] });
    expect(r.type).toBe('minNodes');
    expect(r.nodes).toBe(3);
    expect(r.byTemplate).toEqual({ batch: 3 });
    expect(r.lowerBound).toBe(3);
    expect(r.gap).toBe(0);
    expect(Object.keys(r.addedNodes)).toEqual(['pool-b-0', 'pool-b-1', 'pool-b-2']);
    const added = r.scheduler.state.getNode('pool-b-1')!;
    expect(added.labels).toMatchObject({ pool: 'batch', 'kubernetes.io/hostname': 'pool-b-1' });
    expect(added.taints).toEqual([{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }]);
    expect(Object.keys(r.placements)).toHaveLength(12);
    expect(rejectedOnReplay({}, pending, r)).toEqual([]);
  });

  it("a pod no template can hold is unschedulable with kube's FitError; a pod without the toleration too", () => {
    const template = makeNode('t').capacity({ cpu: '2', memory: '4Gi', pods: 110 }).taint({ key: 'dedicated', value: 'x', effect: 'NoSchedule' }).build();
    const tol = { key: 'dedicated', operator: 'Exists' } as const;
    const pending = [pod('big', '3', '1Gi').toleration(tol).build(), pod('plain', '1', '1Gi').build(), pod('ok', '1', '1Gi').toleration(tol).build()];
    const r = run({}, pending, { templates: [{ node: template }] });
    expect(r.nodes).toBe(1);
    expect(r.placements).toEqual({ 'default/ok': 't-0' });
    const reasons = Object.fromEntries(r.unschedulable.map((u) => [u.pod, u.reason]));
    expect(reasons['default/big']).toMatch(/^0\/\d+ nodes are available: .*Insufficient cpu/);
    expect(reasons['default/plain']).toMatch(/^0\/\d+ nodes are available: .*untolerated taint \{dedicated: x\}/);
  });

  it('pods with anti-affinity, node selectors and spread are placed by the real scheduler; every placement passes the filters', () => {
    const small = tmpl('small', '2', '4Gi');
    const gpu = makeNode('gpu').label('pool', 'gpu').label('accelerator', 'yes').capacity({ cpu: '8', memory: '32Gi', pods: 110 }).build();
    const anti = {
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] },
    };
    const pending: Pod[] = [
      ...Array.from({ length: 4 }, (_, i) => pod(`db${i}`, '100m', '128Mi').label('app', 'db').affinity(anti).build()),
      ...Array.from({ length: 3 }, (_, i) => pod(`train${i}`, '2', '8Gi').nodeSelector({ accelerator: 'yes' }).build()),
      ...Array.from({ length: 10 }, (_, i) => pod(`web${i}`, '500m', '1Gi').build()),
      ...Array.from({ length: 4 }, (_, i) => pod(`spread${i}`, '250m', '256Mi').label('app', 'sp').spreadConstraint({
        maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'sp' } },
      }).build()),
    ];
    const r = run({ nodes: [tmpl('old', '2', '4Gi')] }, pending, { templates: [{ node: small }, { node: gpu }] });
    expect(r.unschedulable).toEqual([]);
    expect(Object.keys(r.placements)).toHaveLength(pending.length);
    // db pods: four distinct nodes; train pods only on gpu nodes.
    expect(new Set([0, 1, 2, 3].map((i) => r.placements[`default/db${i}`])).size).toBe(4);
    for (let i = 0; i < 3; i++) expect(r.addedNodes[r.placements[`default/train${i}`]!]).toBe('gpu');
    // The bound counts the pods the real scheduler placed: 12.4 cpu, 2 free on `old`, 8 per node at most.
    expect(r.lowerBound).toBe(2);
    expect(r.nodes).toBeGreaterThanOrEqual(r.lowerBound);
    expect(rejectedOnReplay({ nodes: [tmpl('old', '2', '4Gi')] }, pending, r)).toEqual([]);
  });

  it('cost: the cheapest mix of priced templates, and the same answer for the same seed', () => {
    const pending = Array.from({ length: 16 }, (_, i) => pod(`p${i}`, '1', '2Gi').build());
    const templates = [{ node: tmpl('s', '2', '4Gi'), price: 1 }, { node: tmpl('l', '8', '16Gi'), price: 3 }];
    const a = run({}, pending, { templates, objective: 'cost', seed: 5 });
    // 16 cpu: two `l` (6) beat eight `s` (8).
    expect(a.byTemplate).toEqual({ s: 0, l: 2 });
    expect(a.cost).toBe(6);
    expect(a.lowerBound).toBeLessThanOrEqual(6);
    const b = run({}, pending, { templates, objective: 'cost', seed: 5 });
    expect(b.placements).toEqual(a.placements);
    expect(rejectedOnReplay({}, pending, a)).toEqual([]);
  });

  it('random mixes of shapes: never below the bound, every placement accepted by the filters', () => {
    let x = 99;
    const rnd = (k: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % k);
    for (let trial = 0; trial < 3; trial++) {
      const pending = Array.from({ length: 60 }, (_, i) => pod(`r${trial}-${i}`, `${100 * (1 + rnd(20))}m`, `${128 * (1 + rnd(24))}Mi`).build());
      const setup: Setup = { nodes: [tmpl('old-a', '4', '8Gi'), tmpl('old-b', '2', '16Gi')], running: [[pod('busy', '1500m', '2Gi').build(), 'old-a']] };
      const r = run(setup, pending, { templates: [{ node: tmpl('m', '4', '16Gi') }], effortMax: 2_000_000 });
      expect(r.unschedulable).toEqual([]);
      expect(r.nodes).toBeGreaterThanOrEqual(r.lowerBound);
      expect(r.nodes).toBeLessThanOrEqual(r.numeric.ffdNodes);
      expect(rejectedOnReplay(setup, pending, r)).toEqual([]);
    }
  });
});

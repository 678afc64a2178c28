/**
 * ClusterState.clone (a what-if question's own copy): the copy equals its source (nodes, rows,
 * classes, placements, every table cell), changes to either never show in the other, and a
 * scheduler on the copy decides exactly as one on a state built afresh from the same objects, on
 * random clusters, queues and profiles, with both engines.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultSchedulerConfig } from '../../src/api/config.js';
import { Scheduler } from '../../src/framework/scheduler.js';
import { createKernels } from '../../src/kernel/engine.js';
import type { Kernels } from '../../src/kernel/kernels.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { ClusterObjects } from '../../src/model/cluster-objects.js';
import { makePodInfo, podClassKey } from '../../src/model/pod-info.js';
import { REGISTRY } from '../../src/plugins/registry.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { config, nodeArb, nodeOf, podArb, podOf, profileArb, queueArb } from '../helpers/random-cluster.js';

/** Everything observable of a state, as plain data. */
function dump(s: ClusterState): unknown {
  const t = s.table;
  const cells: number[] = [];
  for (const n of s.nodes) {
    for (let slot = 0; slot < t.slotCount; slot++) cells.push(t.getAllocatable(slot, n.row), t.getRequested(slot, n.row));
    cells.push(t.getNonZeroCpu(n.row), t.getNonZeroMemory(n.row), t.rowVersion(n.row));
  }
  return {
    nodes: s.nodes.map((n) => ({ name: n.name, row: n.row, seq: n.seq, classId: n.classId, pods: n.pods.map((p) => p.key), ports: n.usedPorts, unschedulable: n.unschedulable })),
    classes: s.classes.map((c) => ({ id: c.id, key: c.key, members: c.members })),
    placed: [...s.placedPods()].map((p) => [p.pod.key, p.node.name, p.assumed]),
    slots: t.slots.names,
    cells,
    images: [...s.imageNodeCount],
    epoch: t.epoch,
    generation: [s.generation, s.nodeGeneration],
  };
}

const build = (kernels: Kernels, nodes: ReturnType<typeof nodeOf>[], running: Array<[ReturnType<typeof podOf>, string]>) => {
  const state = new ClusterState(kernels.createTableMemory());
  for (const n of nodes) state.addNode(n);
  for (const [p, node] of running) state.addPod(makePodInfo(p), node);
  return state;
};

describe('ClusterState.clone', () => {
  it('copies nodes, rows, classes, placements and every cell; later changes stay on their side', async () => {
    const kernels = await createKernels('js');
    const nodes = [makeNode('a').capacity({ cpu: '4', memory: '8Gi', pods: 10, 'example.com/gpu': 2 }).label('zone', 'x').build(), makeNode('b').capacity({ cpu: '2', memory: '4Gi', pods: 10 }).build()];
    const state = build(kernels, nodes, [[makePod('p1').req({ cpu: '1', memory: '1Gi' }).hostPort(80).build(), 'a']]);
    state.removeNode('b');
    state.addNode(makeNode('c').capacity({ cpu: '8', memory: '8Gi', pods: 10 }).build()); // reuses b's row
    const copy = state.clone(kernels.createTableMemory());
    expect(dump(copy)).toEqual(dump(state));
    const before = dump(state);

    copy.addPod(makePodInfo(makePod('p2').req({ cpu: '2' }).build()), 'c');
    copy.removePod('default/p1');
    copy.updateNode({ ...copy.getNode('a')!.node, spec: { unschedulable: true } });
    copy.addNode(makeNode('d').capacity({ cpu: '1', memory: '1Gi', pods: 5, 'example.com/fpga': 1 }).build()); // a new slot: the copy's table re-lays out
    copy.removeNode('c');
    expect(dump(state)).toEqual(before);
    expect(state.getNode('a')!.pods.map((p) => p.key)).toEqual(['default/p1']);
    expect(state.getNode('a')!.usedPorts).toHaveLength(1);

    const copy2 = state.clone(kernels.createTableMemory());
    state.addPod(makePodInfo(makePod('p3').req({ cpu: '3' }).build()), 'c');
    expect(copy2.placementOf('default/p3')).toBeUndefined();
    expect(copy2.requestedOf(copy2.getNode('c')!, 'cpu')).toBe(0);
  });

  it('ClusterObjects.clone: additions to the copy do not show in the source', () => {
    const objs = new ClusterObjects();
    objs.addPriorityClass({ kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    const copy = objs.clone();
    copy.addPriorityClass({ kind: 'PriorityClass', metadata: { name: 'low' }, value: 1 });
    copy.addPodDisruptionBudget({ kind: 'PodDisruptionBudget', metadata: { name: 'b' } });
    copy.addService({ kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'a' } } });
    expect(copy.classPriority('high')).toBe(1000);
    expect(objs.classPriority('low')).toBeUndefined();
    expect(objs.pdbs).toHaveLength(0);
    expect(objs.servicesIn('default')).toHaveLength(0);
  });

  for (const engine of ['js', 'wasm'] as const) {
    it(`${engine}: a scheduler on a copy places a queue exactly as one on a state built afresh (random clusters, queues, profiles)`, async () => {
      const kernels = await createKernels(engine);
      await fc.assert(
        fc.asyncProperty(
          fc.array(nodeArb, { minLength: 1, maxLength: 12 }),
          fc.array(fc.tuple(podArb, fc.nat()), { maxLength: 10 }),
          queueArb,
          fc.option(profileArb, { nil: undefined }),
          async (nodeSpecs, runningSpecs, queueSpecs, profile) => {
            const nodes = nodeSpecs.map((n, i) => nodeOf(i, n));
            const running = runningSpecs.map(([p, k], i) => {
              const pod = podOf(1000 + i, { ...p, nodeName: undefined });
              return [pod, nodes[k % nodes.length]!.metadata.name!] as [typeof pod, string];
            });
            const cfg = profile ? config(profile) : defaultSchedulerConfig();
            const place = (state: ClusterState) => {
              const s = new Scheduler({ state, config: cfg, kernels, registry: REGISTRY, seed: 3 });
              return queueSpecs.map((spec, i) => {
                const pod = makePodInfo(podOf(i, spec));
                podClassKey(pod);
                const r = s.schedulePod(pod);
                if (r.selectedNode) s.commit(s.frameworkFor(pod)!, s.frameworkFor(pod)!.newCycleState(), pod, r.selectedNode);
                return r.selectedNode ?? r.message;
              });
            };
            const source = build(kernels, nodes, running);
            // The source has had a scheduler of its own (listeners, caches): the copy has none.
            new Scheduler({ state: source, config: cfg, kernels, registry: REGISTRY, seed: 3 });
            const copy = source.clone(kernels.createTableMemory());
            const fresh = build(kernels, nodes, running);
            expect(place(copy)).toEqual(place(fresh));
            expect(dump(source)).toEqual(dump(build(kernels, nodes, running)));
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});

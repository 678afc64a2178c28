/**
 * Expanded pods on the real engine: the DaemonSet controller's node term and tolerations put each
 * DaemonSet pod on its node (a cordoned one too) and nowhere else, and a Deployment's pods fit
 * like any pods (the made pods decode into PodInfos the scheduler reads).
 */
import { describe, expect, it } from 'vitest';
import { defaultSchedulerConfig } from '../../src/api/config.js';
import { Scheduler } from '../../src/framework/scheduler.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { REGISTRY } from '../../src/plugins/registry.js';
import { makeNode } from '../helpers/builders.js';
import { daemonSet, deployment, expand, node } from './expand-helpers.js';

describe('expand: the pods on the scheduler', () => {
  it('puts each DaemonSet pod on its node (cordoned included) or nowhere, and fits the Deployment around them', () => {
    const nodes = [
      node('a'),
      node('b', (n) => n.unschedulable().taint({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })),
      node('c'),
      makeNode('tiny').capacity({ cpu: '10m', memory: '16Gi', pods: 110 }).build(),
    ];
    const e = expand([daemonSet('agent'), deployment('web', 4)], { nodes });
    const kernels = createJsKernels();
    const state = new ClusterState(kernels.createTableMemory());
    for (const n of nodes) state.addNode(n);
    const scheduler = new Scheduler({ registry: REGISTRY, state, kernels, config: defaultSchedulerConfig(), seed: 1 });
    const placed: Array<[string, string | null]> = [];
    for (const pod of e.pods) {
      const info = makePodInfo(pod);
      const r = scheduler.schedulePod(info);
      placed.push([pod.metadata.name!.replace(/-[^-]+$/, ''), r.selectedNode]);
      if (r.selectedNode) state.addPod(info, r.selectedNode);
    }
    // The pod for `tiny` does not fit there and goes nowhere else: its node term pins it.
    expect(placed.slice(0, 4)).toEqual([['agent', 'a'], ['agent', 'b'], ['agent', 'c'], ['agent', null]]);
    const web = placed.slice(4);
    expect(web).toHaveLength(4);
    for (const [, n] of web) expect(['a', 'c']).toContain(n);
  });
});

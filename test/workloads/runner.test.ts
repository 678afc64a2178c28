/**
 * The bench workload's objects (clones of scheduler_perf's templates, exactly as they were
 * written out before the templates: the placement checksums depend on them).
 */
import { describe, expect, it } from 'vitest';
import { defaultSchedulerConfig } from '../../src/api/config.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import { buildWorkload, workloadTemplates } from '../../src/workloads/runner.js';
import { defaultPerfNode, defaultPerfPod } from '../../src/workloads/scheduling-basic.js';

describe('SchedulingBasic objects', () => {
  it('are scheduler_perf node-default and pod-default, named as before', () => {
    expect(defaultPerfNode(4)).toEqual({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'scheduler-perf-4', labels: { 'kubernetes.io/hostname': 'scheduler-perf-4' } },
      spec: {},
      status: {
        capacity: { pods: '110', cpu: '4', memory: '32Gi' },
        allocatable: { pods: '110', cpu: '4', memory: '32Gi' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
    expect(defaultPerfPod(2, 'init-pod')).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'init-pod-2', namespace: 'sched-test', uid: 'sched-test-init-pod-2' },
      spec: {
        containers: [{
          name: 'pause',
          image: 'registry.k8s.io/pause:3.10',
          ports: [{ containerPort: 80 }],
          resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } },
        }],
      },
      status: {},
    });
  });

  it('buildWorkload builds what its templates describe (what a batch worker rebuilds)', () => {
    const spec = { workload: 'SchedulingBasic' as const, nodes: 5, initPods: 2, pods: 3 };
    const { state, init, measured } = buildWorkload(spec);
    const t = workloadTemplates(spec);
    expect(state.nodes.map((n) => n.name)).toEqual(Array.from({ length: 5 }, (_, i) => defaultPerfNode(i).metadata.name));
    expect(t.cluster.count).toBe(5);
    expect(t.pods.runs).toEqual([{ namePrefix: 'init-pod-', count: 2 }, { namePrefix: 'pod-', count: 3 }]);
    expect(init.map((p) => p.pod)).toEqual([0, 1].map((i) => defaultPerfPod(i, 'init-pod')));
    expect(measured.map((p) => p.pod)).toEqual([0, 1, 2].map((i) => defaultPerfPod(i)));
  });
});

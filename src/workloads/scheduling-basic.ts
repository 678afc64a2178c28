/**
 * scheduler_perf-style workloads (K8S-FACTS.md §9.1). SchedulingBasic: N nodes like scheduler_perf's
 * node-default.yaml (4 cpu, 32Gi memory, 110 pods) and pods like pod-default.yaml
 * (one pause container requesting 100m cpu and 500Mi memory), default profile.
 */
import type { Node, Pod } from '../api/k8s.js';

/** scheduler_perf's default node, named `scheduler-perf-<i>`. */
export function defaultPerfNode(i: number): Node {
  const name = `scheduler-perf-${i}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: {
      capacity: { pods: '110', cpu: '4', memory: '32Gi' },
      allocatable: { pods: '110', cpu: '4', memory: '32Gi' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

/** scheduler_perf's default pod, named `<prefix>-<i>` in namespace `namespace`. */
export function defaultPerfPod(i: number, prefix = 'pod', namespace = 'sched-test'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${prefix}-${i}`, namespace, uid: `${namespace}-${prefix}-${i}` },
    spec: {
      containers: [{
        name: 'pause',
        image: 'registry.k8s.io/pause:3.10',
        ports: [{ containerPort: 80 }],
        resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } },
      }],
    },
    status: {},
  };
}

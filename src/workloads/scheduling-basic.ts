/**
 * scheduler_perf-style workloads (K8S-FACTS.md §9.1). SchedulingBasic: N nodes like scheduler_perf's
 * node-default.yaml (4 cpu, 32Gi memory, 110 pods) and pods like pod-default.yaml
 * (one pause container requesting 100m cpu and 500Mi memory), default profile.
 *
 * Nodes and pods are clones of one template each (model/templates.ts), so a batch's workers
 * rebuild the same cluster and queue from the templates alone (parallel/messages.ts
 * ReplicaCluster, ReplicaPods).
 */
import type { Node, Pod } from '../api/k8s.js';
import { nodeFromTemplate, podFromTemplate } from '../model/templates.js';

/** scheduler_perf's default node; its clones are named `scheduler-perf-<i>`. */
export const PERF_NODE_TEMPLATE: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {},
  spec: {},
  status: {
    capacity: { pods: '110', cpu: '4', memory: '32Gi' },
    allocatable: { pods: '110', cpu: '4', memory: '32Gi' },
    conditions: [{ type: 'Ready', status: 'True' }],
  },
};

/** Name prefix of the default nodes. */
export const PERF_NODE_PREFIX = 'scheduler-perf-';

/** scheduler_perf's default pod, in namespace `sched-test`. */
export const PERF_POD_TEMPLATE: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'sched-test' },
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

/** scheduler_perf's default node, named `scheduler-perf-<i>`. */
export function defaultPerfNode(i: number): Node {
  return nodeFromTemplate(PERF_NODE_TEMPLATE, PERF_NODE_PREFIX, i);
}

/** scheduler_perf's default pod, named `<prefix>-<i>` in namespace `sched-test`. */
export function defaultPerfPod(i: number, prefix = 'pod'): Pod {
  return podFromTemplate(PERF_POD_TEMPLATE, `${prefix}-`, i);
}

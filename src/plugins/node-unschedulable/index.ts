/**
 * NodeUnschedulable (kube `nodeunschedulable`, Filter): cordoned nodes (`spec.unschedulable`)
 * reject pods unless the pod tolerates the `node.kubernetes.io/unschedulable:NoSchedule` taint.
 * The toleration check depends only on the pod, so it runs once per cycle; each node then costs
 * one flag read (cheaper than a class lookup).
 */
import type { Taint } from '../../api/k8s.js';
import type { FilterPlugin, PluginDefinition } from '../../framework/interfaces.js';
import { Status } from '../../framework/status.js';
import { TAINT_NODE_UNSCHEDULABLE, tolerationsTolerateTaint } from '../shared/taints.js';

/** kube's plugin name. */
export const NAME = 'NodeUnschedulable';

/** kube's ErrReasonUnschedulable. */
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const REJECTED = Status.unresolvable(ERR_REASON_UNSCHEDULABLE);
const UNSCHEDULABLE_TAINT: Taint = { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' };

/** Registry entry for NodeUnschedulable. */
export const definition: PluginDefinition = {
  name: NAME,
  points: ['filter'],
  implemented: true,
  // `unschedulable` is part of the node's class.
  traits: { filter: () => 'class' },
  factory: (): FilterPlugin => ({
    name: NAME,
    filter(_cs, pod, nodes, out) {
      if (tolerationsTolerateTaint(pod.tolerations, UNSCHEDULABLE_TAINT)) return;
      for (let i = 0; i < nodes.length; i++) if (nodes[i]!.unschedulable) out[i] = REJECTED;
    },
  }),
};

/**
 * SchedulingGates (kube `schedulinggates`, PreEnqueue): a pod that still lists
 * `spec.schedulingGates` is held back from the active queue until every gate is removed.
 */
import type { PluginDefinition, PreEnqueuePlugin } from '../../framework/interfaces.js';
import type { PodInfo } from '../../model/pod-info.js';
import { Status } from '../../framework/status.js';

/** kube's plugin name. */
export const NAME = 'SchedulingGates';

/**
 * kube: UnschedulableAndUnresolvable `waiting for scheduling gates: [a b]` (Go's %v of the gate
 * names). Built once per pod on its way into the queue, not in a per-node loop.
 */
export function preEnqueue(pod: PodInfo): Status | null {
  const gates = pod.pod.spec.schedulingGates;
  if (!gates || gates.length === 0) return null;
  return Status.unresolvable(`waiting for scheduling gates: [${gates.map((g) => g.name).join(' ')}]`);
}

/** Registry entry for SchedulingGates. */
export const definition: PluginDefinition = {
  name: NAME,
  points: ['preEnqueue'],
  implemented: true,
  factory: (): PreEnqueuePlugin => ({ name: NAME, preEnqueue }),
};

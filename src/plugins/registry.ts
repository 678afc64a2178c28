/**
 * The plugin registry: one line per plugin, in kube-scheduler's registration order
 * (the default profile's order, K8S-FACTS.md §4.2). Adding a plugin = its folder + one line here.
 */
import type { PluginDefinition, PluginRegistry } from '../framework/interfaces.js';
import { definition as SchedulingGates } from './scheduling-gates/index.js';
import { definition as PrioritySort } from './priority-sort/index.js';
import { definition as NodeUnschedulable } from './node-unschedulable/index.js';
import { definition as NodeName } from './node-name/index.js';
import { definition as TaintToleration } from './taint-toleration/index.js';
import { definition as NodeAffinity } from './node-affinity/index.js';
import { definition as NodePorts } from './node-ports/index.js';
import { definition as NodeResourcesFit } from './node-resources-fit/index.js';
import { definition as VolumeRestrictions } from './volume-restrictions/index.js';
import { definition as NodeVolumeLimits } from './node-volume-limits/index.js';
import { definition as VolumeBinding } from './volume-binding/index.js';
import { definition as VolumeZone } from './volume-zone/index.js';
import { definition as PodTopologySpread } from './pod-topology-spread/index.js';
import { definition as InterPodAffinity } from './inter-pod-affinity/index.js';
import { definition as DefaultPreemption } from './default-preemption/index.js';
import { definition as NodeResourcesBalancedAllocation } from './node-resources-balanced-allocation/index.js';
import { definition as ImageLocality } from './image-locality/index.js';
import { definition as DefaultBinder } from './default-binder/index.js';

/** Every known plugin, in registration order. */
export const PLUGINS: readonly PluginDefinition<any>[] = [
  SchedulingGates,
  PrioritySort,
  NodeUnschedulable,
  NodeName,
  TaintToleration,
  NodeAffinity,
  NodePorts,
  NodeResourcesFit,
  VolumeRestrictions,
  NodeVolumeLimits,
  VolumeBinding,
  VolumeZone,
  PodTopologySpread,
  InterPodAffinity,
  DefaultPreemption,
  NodeResourcesBalancedAllocation,
  ImageLocality,
  DefaultBinder,
];

const BY_NAME = new Map(PLUGINS.map((p) => [p.name, p]));

/** Looks a plugin up by kube name. */
export function getPluginDefinition(name: string): PluginDefinition<any> | undefined {
  return BY_NAME.get(name);
}

/** The built-in plugins, as the framework is handed them. */
export const REGISTRY: PluginRegistry = { all: PLUGINS, get: getPluginDefinition };

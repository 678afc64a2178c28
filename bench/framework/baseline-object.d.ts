// Types of baseline-object.js for its TypeScript test (bench/ files are plain JS).
import type { Node, Taint } from '../../src/api/k8s.js';
import type { HostPort, PodInfo } from '../../src/model/pod-info.js';

/** One node, as an object with resource maps (kube's NodeInfo, ported directly). */
export interface BaselineNode {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  readonly allocatable: Record<string, number>;
  readonly requested: Record<string, number>;
  readonly nonZeroRequested: { cpu: number; memory: number };
  readonly pods: PodInfo[];
  readonly usedPorts: HostPort[];
  readonly images: Map<string, number>;
}

/** The baseline scheduler over its own node objects. */
export interface ObjectBaselineScheduler {
  readonly nodes: BaselineNode[];
  /** Adds a node (allocatable decoded like ClusterState does). */
  addNode(node: Node): BaselineNode;
  /** Assumes a pod on a node (kube's NodeInfo.AddPod). */
  assume(pod: PodInfo, nodeName: string): void;
  /** Forgets an assumed pod (kube's NodeInfo.RemovePod). */
  forget(pod: PodInfo, nodeName: string): void;
  /** One scheduling cycle: the chosen node's name, or null. */
  schedule(pod: PodInfo): string | null;
}

/** The class, over podfit's helpers loaded by `load(modulePath)` (a path under dist/ or src/; default dist/). */
export function loadObjectBaseline(load?: (modulePath: string) => Promise<unknown>): Promise<new (seed?: number) => ObjectBaselineScheduler>;

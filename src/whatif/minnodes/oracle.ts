/**
 * From the cluster to the numeric model (model.ts): which pending pods the numbers can decide, and
 * the tables the packing reads.
 *
 * A pod is "numeric" when only its requests and its tolerations decide where it may go: no
 * nodeName, nodeSelector, affinity of any kind, topology spread or host port. For those the
 * filters that can say no are NodeResourcesFit (requests against allocatable minus requested,
 * pods included: the model's dimensions), TaintToleration and NodeUnschedulable (the static
 * `allow` tables, from the taint helpers kube's plugins use, in model/taints.ts). Every other pod
 * is left to the real scheduler (index.ts), and every numeric placement is checked by the full
 * filter set anyway: the model proposes, the filters decide.
 */
import type { Node } from '../../api/k8s.js';
import type { ClusterState, NodeInfo } from '../../model/cluster-state.js';
import { nodeAllocatable } from '../../model/cluster-state.js';
import type { PodInfo } from '../../model/pod-info.js';
import { PODS } from '../../model/resources.js';
import { findUntoleratedTaint, isDoNotScheduleTaint, TAINT_NODE_UNSCHEDULABLE, tolerationsTolerateTaint } from '../../model/taints.js';
import type { Taint, Toleration } from '../../api/k8s.js';
import type { ModelTemplate, VectorModel } from './model.js';

/** Whether the numeric model can decide a pod (see the file comment). */
export function isNumericPod(p: PodInfo): boolean {
  const a = p.affinity;
  const hasAffinity = a !== undefined && (a.nodeAffinity !== undefined || a.podAffinity !== undefined || a.podAntiAffinity !== undefined);
  return p.nodeName === undefined && (p.nodeSelector === undefined || Object.keys(p.nodeSelector).length === 0) && !hasAffinity
    && p.topologySpreadConstraints.length === 0 && p.hostPorts.length === 0;
}

/** The taint NodeUnschedulable checks a cordoned node with. */
const UNSCHEDULABLE_TAINT: Taint = { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' };

/** kube's NodeUnschedulable + TaintToleration verdicts for a pod on a node's spec, as a boolean. */
export function taintsAllow(tolerations: readonly Toleration[], taints: readonly Taint[], unschedulable: boolean): boolean {
  if (unschedulable && !tolerationsTolerateTaint(tolerations, UNSCHEDULABLE_TAINT)) return false;
  return findUntoleratedTaint(taints, tolerations, isDoNotScheduleTaint) === undefined;
}

/** A node template as the model sees it (name, price, max, the Node). */
export interface TemplateSpec {
  readonly name: string;
  readonly node: Node;
  readonly price: number;
  readonly max: number;
}

/** Builds the model for `pods` (numeric ones) on the state's nodes plus the templates. */
export function buildModel(state: ClusterState, pods: readonly PodInfo[], templates: readonly TemplateSpec[], existingNodes: readonly NodeInfo[] = state.nodes): VectorModel {
  const dimSet = new Set<string>();
  for (const p of pods) for (const [r, v] of p.requests) if (v > 0 && r !== PODS) dimSet.add(r);
  const dimNames = [PODS, ...[...dimSet].sort()];
  const D = dimNames.length;
  const n = pods.length;
  const req = new Float64Array(n * D);
  pods.forEach((p, i) => {
    req[i * D] = 1;
    for (let d = 1; d < D; d++) req[i * D + d] = p.requests.get(dimNames[d]!) ?? 0;
  });
  // Groups: pods with equal tolerations (the only input of the allow tables); shapes: group + requests.
  const groupOf = new Map<string, number>();
  const groupTol: (readonly Toleration[])[] = [];
  const group = Int32Array.from(pods, (p) => {
    const k = JSON.stringify(p.tolerations);
    let g = groupOf.get(k);
    if (g === undefined) {
      groupOf.set(k, (g = groupOf.size));
      groupTol.push(p.tolerations);
    }
    return g;
  });
  const shapeOf = new Map<string, number>();
  const shape = Int32Array.from(pods, (_, i) => {
    const k = `${group[i]}|${Array.from(req.subarray(i * D, (i + 1) * D)).join(',')}`;
    let s = shapeOf.get(k);
    if (s === undefined) shapeOf.set(k, (s = shapeOf.size));
    return s;
  });
  const G = groupOf.size;
  const E = existingNodes.length;
  const existingCap = new Float64Array(E * D);
  const existingLoad = new Float64Array(E * D);
  const allowExisting = new Uint8Array(G * E);
  existingNodes.forEach((node, e) => {
    for (let d = 0; d < D; d++) {
      existingCap[e * D + d] = state.allocatableOf(node, dimNames[d]!);
      existingLoad[e * D + d] = state.requestedOf(node, dimNames[d]!);
    }
    for (let g = 0; g < G; g++) allowExisting[g * E + e] = taintsAllow(groupTol[g]!, node.taints, node.unschedulable) ? 1 : 0;
  });
  const T = templates.length;
  const templateCap = new Float64Array(T * D);
  const allowTemplate = new Uint8Array(G * T);
  templates.forEach((t, k) => {
    const alloc = nodeAllocatable(t.node);
    for (let d = 0; d < D; d++) templateCap[k * D + d] = alloc.get(dimNames[d]!) ?? 0;
    const taints = (t.node.spec?.taints ?? []) as readonly Taint[];
    for (let g = 0; g < G; g++) allowTemplate[g * T + k] = taintsAllow(groupTol[g]!, taints, t.node.spec?.unschedulable === true) ? 1 : 0;
  });
  const modelTemplates: ModelTemplate[] = templates.map((t) => ({ name: t.name, price: t.price, max: t.max }));
  return {
    dims: D, dimNames, items: n, req, group, groups: G, shape, shapes: shapeOf.size,
    existing: E, existingCap, existingLoad, templates: modelTemplates, templateCap, allowExisting, allowTemplate,
    groupCap: new Int32Array(G), constrained: new Int32Array(0), constrainedIndex: new Int32Array(G).fill(-1), conflict: new Uint8Array(0),
  };
}

/**
 * The DaemonSet controller of kube v1.32 (pkg/controller/daemon), as far as the pods it creates:
 * one per node it should run on, pending, pinned to that node by node affinity, for the scheduler
 * to place or not (the point of a what-if: a DaemonSet pod that does not fit stays pending).
 *
 * - The pod template gets the controller's tolerations (util.AddOrUpdateDaemonPodTolerations):
 *   not-ready and unreachable (NoExecute), disk-pressure, memory-pressure, pid-pressure and
 *   unschedulable (NoSchedule), and network-unavailable (NoSchedule) for hostNetwork pods; a
 *   toleration of the template that matches one (key, operator, value, effect) is replaced by it.
 *   It is labelled `controller-revision-hash` and `pod-template-generation`.
 * - A node gets a pod when the controller's NodeShouldRunDaemonPod says it should run one: the
 *   template's nodeName (if set) is the node, its nodeSelector and required node affinity match the
 *   node, and the node has no NoSchedule or NoExecute taint the tolerations above leave
 *   untolerated. `spec.unschedulable` itself is not looked at (the controller tolerates the
 *   unschedulable taint), so cordoned nodes get DaemonSet pods, as in kube.
 * - Each pod's required node affinity is util.ReplaceDaemonSetPodNodeNameNodeAffinity's: the
 *   template's requiredDuringSchedulingIgnoredDuringExecution terms are *replaced* by the one term
 *   `matchFields: metadata.name In [<node>]` (the controller already checked the template's terms
 *   against the node; kube does not AND them), preferred terms and the nodeSelector are kept.
 */
import type { Affinity, Node, Pod, Toleration } from '../api/k8s.js';
import type { DaemonSet, PodTemplateSpec } from '../api/k8s-workloads.js';
import { getRequiredNodeAffinity, OBJECT_NAME_FIELD, requiredNodeAffinityMatches } from '../model/label-selector.js';
import { findUntoleratedTaint, TAINT_NODE_UNSCHEDULABLE } from '../model/taints.js';
import { admitWorkload, CONTROLLER_REVISION_HASH_LABEL } from './expand-apps.js';
import { templateHash } from './expand-names.js';
import { admittedSpec, checkSelectorSelectsTemplate, compileSelector, podFromTemplate, TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE, type Expansion, type LabelMatch, type Owner } from './expand-pods.js';

/** The DaemonSet controller's generation label (apps/v1beta1 DaemonSetTemplateGenerationKey). */
export const DAEMONSET_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** Where the API server keeps a DaemonSet's template generation (apps/v1 DeprecatedTemplateGeneration). */
const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** The tolerations AddOrUpdateDaemonPodTolerations adds, in its order; the last only for hostNetwork pods. */
const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: TAINT_NODE_NOT_READY, operator: 'Exists', effect: 'NoExecute' },
  { key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: TAINT_NODE_UNSCHEDULABLE, operator: 'Exists', effect: 'NoSchedule' },
];
const NETWORK_UNAVAILABLE_TOLERATION: Toleration = { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' };

/** A DaemonSet ready to make pods: its controller reference, selector and the controller's pod template. */
export interface DaemonSetPlan {
  readonly ds: DaemonSet;
  readonly owner: Owner;
  readonly match: LabelMatch;
  readonly template: PodTemplateSpec;
  /** The template's spec with the controller's tolerations and the API server's defaults, shared by the pods. */
  readonly spec: Pod['spec'];
  readonly where: string;
}

/** Admits a DaemonSet (namespace, uid) and builds the controller's pod template (util.CreatePodTemplate). */
export function planDaemonSet(run: Expansion, input: DaemonSet, where: string): DaemonSetPlan {
  const { obj: ds, owner } = admitWorkload(run, input, 'apps/v1', 'DaemonSet');
  const match = compileSelector(ds.spec.selector, where);
  checkSelectorSelectsTemplate('DaemonSet', ds.spec.selector, match, ds.spec.template, where);
  const labels = {
    ...(ds.spec.template.metadata?.labels ?? {}),
    [DAEMONSET_TEMPLATE_GENERATION_LABEL]: templateGeneration(ds),
    [CONTROLLER_REVISION_HASH_LABEL]: templateHash(ds.spec.template, ds.status?.collisionCount),
  };
  let tolerations = [...(ds.spec.template.spec.tolerations ?? [])];
  for (const t of ds.spec.template.spec.hostNetwork ? [...DAEMON_TOLERATIONS, NETWORK_UNAVAILABLE_TOLERATION] : DAEMON_TOLERATIONS) tolerations = addOrUpdateToleration(tolerations, t);
  const spec = admittedSpec({ ...ds.spec.template.spec, tolerations });
  const template = { ...ds.spec.template, metadata: { ...ds.spec.template.metadata, labels }, spec };
  return { ds, owner, match, template, spec, where };
}

/**
 * The template generation the controller labels pods with (util.GetTemplateGeneration): the
 * annotation the API server keeps it in, 1 for a DaemonSet it creates (which sets it so).
 */
function templateGeneration(ds: DaemonSet): string {
  const v = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return v && /^\d+$/.test(v) ? v : '1';
}

/** v1helper.AddOrUpdateTolerationInPodSpec: replaces the tolerations that match `t` (Toleration.MatchToleration), else appends it. */
function addOrUpdateToleration(list: readonly Toleration[], t: Toleration): Toleration[] {
  const same = (a: Toleration) => (a.key ?? '') === (t.key ?? '') && (a.effect ?? '') === (t.effect ?? '') && (a.operator ?? '') === (t.operator ?? '') && (a.value ?? '') === (t.value ?? '');
  let updated = false;
  const out = list.map((a) => {
    if (!same(a)) return a;
    updated = true;
    return { ...t };
  });
  if (!updated) out.push({ ...t });
  return out;
}

/**
 * The controller's NodeShouldRunDaemonPod (its first answer, shouldRun): the template's nodeName,
 * required node affinity (nodeSelector AND required terms) and NoSchedule/NoExecute taints against
 * the template's tolerations with the controller's added.
 */
export function shouldRunOn(plan: DaemonSetPlan, node: Node): boolean {
  const name = node.metadata.name ?? '';
  const spec = plan.spec;
  if (spec.nodeName && spec.nodeName !== name) return false;
  const required = getRequiredNodeAffinity(spec.nodeSelector, spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
  if (!requiredNodeAffinityMatches(required, node.metadata.labels ?? {}, name)) return false;
  const untolerated = findUntoleratedTaint(node.spec?.taints ?? [], spec.tolerations ?? [], (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  return untolerated === undefined;
}

/**
 * Makes the plan's pods for `nodes`, in node order: one per node it should run on and where it
 * has no active pod yet (bound there, or pinned there by its node affinity).
 */
export function daemonPods(run: Expansion, plan: DaemonSetPlan, nodes: readonly Node[]): void {
  const covered = new Set(run.activePodsOf(plan.owner, plan.match).map(targetNode));
  const targets = nodes.filter((n) => !covered.has(n.metadata.name ?? '') && shouldRunOn(plan, n));
  run.reserve(targets.length, plan.where);
  for (const node of targets) {
    const name = node.metadata.name ?? '';
    const spec = { ...plan.spec, affinity: replaceNodeNameAffinity(plan.spec.affinity, name) };
    const prng = run.prng('pods', plan.owner.kind, plan.owner.namespace, plan.owner.name, name);
    run.addPod(podFromTemplate(plan.template, plan.owner, spec), prng, plan.where, plan.spec);
  }
}

/** The node a DaemonSet pod is for: spec.nodeName, else its node affinity's metadata.name (util.GetTargetNodeName). */
function targetNode(p: Pod): string | undefined {
  if (p.spec.nodeName) return p.spec.nodeName;
  for (const term of p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) if (f.key === OBJECT_NAME_FIELD && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

/** util.ReplaceDaemonSetPodNodeNameNodeAffinity, on copies (the template's affinity is shared). */
export function replaceNodeNameAffinity(affinity: Affinity | null | undefined, nodeName: string): Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: OBJECT_NAME_FIELD, operator: 'In' as const, values: [nodeName] }] }] };
  return { ...affinity, nodeAffinity: { ...affinity?.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required } };
}

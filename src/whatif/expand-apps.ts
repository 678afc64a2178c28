/**
 * The replica controllers of kube v1.32, as far as what they create: the Deployment controller
 * (a ReplicaSet `<deployment>-<pod-template-hash>`), the ReplicaSet and ReplicationController
 * controllers (`replicas` pods `<owner>-<5 chars>`, the pods they already have counted), and the
 * StatefulSet controller (pods `<set>-<ordinal>`). What they delete is not modelled: a workload
 * with more pods than replicas keeps them, and a Deployment's older ReplicaSets are not scaled
 * down (rollouts are not modelled; a warning says so).
 */
import { InputError } from '../api/errors.js';
import type { Pod } from '../api/k8s.js';
import type { Deployment, PodTemplateSpec, ReplicaSetWorkload, ReplicationControllerWorkload, StatefulSetWorkload } from '../api/k8s-workloads.js';
import { parseMilliValue } from '../model/quantity.js';
import { canonicalJson, templateHash } from './expand-names.js';
import { admittedSpec, checkSelectorSelectsTemplate, compileSelector, podFromTemplate, type Expansion, type LabelMatch, type Owner } from './expand-pods.js';

/** The label the Deployment controller adds to its ReplicaSets and their pods (apps/v1 DefaultDeploymentUniqueLabelKey). */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/** The StatefulSet and DaemonSet controllers' revision label (apps/v1 ControllerRevisionHashLabelKey). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
/** A StatefulSet pod's name, as a label (apps/v1 StatefulSetPodNameLabel). */
export const STATEFULSET_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** A StatefulSet pod's ordinal, as a label (apps/v1 PodIndexLabel; PodIndexLabel is on by default since 1.28). */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/**
 * A workload as the API server stores it: namespace defaulted, uid and creation time set; its
 * controller reference target. Without a uid, one that exists (its pods name it) keeps its uid.
 */
export function admitWorkload<T extends { metadata: { name: string; namespace?: string; uid?: string; creationTimestamp?: string | null } }>(
  run: Expansion,
  obj: T,
  apiVersion: string,
  kind: string,
): { obj: T; owner: Owner } {
  const namespace = obj.metadata.namespace || 'default';
  const uid = obj.metadata.uid || run.existingUid(kind, namespace, obj.metadata.name) || run.uidFor(kind, namespace, obj.metadata.name);
  const metadata = { ...obj.metadata, namespace, uid };
  if (run.now !== undefined) metadata.creationTimestamp ??= run.now;
  return { obj: { ...obj, apiVersion, kind, metadata }, owner: { apiVersion, kind, name: obj.metadata.name, namespace, uid } };
}

/**
 * The ReplicaSet controller's scale-up: `replicas` minus the active pods it already has, each
 * `generateName: <owner>-` with a seeded suffix, in creation order.
 */
function replicaPods(run: Expansion, owner: Owner, match: LabelMatch, replicas: number, template: PodTemplateSpec | null | undefined, where: string): void {
  const have = run.activePodsOf(owner, match).length;
  if (have > replicas) run.warnings.push(`${where}: has ${have} pods, more than its ${replicas} replicas; scale-down is not modelled, none removed`);
  const diff = replicas - have;
  if (diff <= 0) return;
  if (!template) throw new InputError(`${where}: invalid value at spec.template: Required value`, 'spec.template');
  run.reserve(diff, where);
  const spec = admittedSpec(template.spec);
  const prng = run.prng('pods', owner.kind, owner.namespace, owner.name);
  for (let i = 0; i < diff; i++) run.addPod(podFromTemplate(template, owner, spec), prng, where);
}

/** apps/v1 ReplicaSet. */
export function expandReplicaSet(run: Expansion, rs: ReplicaSetWorkload, where: string): void {
  const { obj, owner } = admitWorkload(run, rs, 'apps/v1', 'ReplicaSet');
  const match = compileSelector(rs.spec.selector, where);
  checkSelectorSelectsTemplate('ReplicaSet', rs.spec.selector, match, rs.spec.template, where);
  run.objects.push(obj);
  replicaPods(run, owner, match, rs.spec.replicas ?? 1, rs.spec.template, where);
}

/** core/v1 ReplicationController: selector and labels default to the template's labels. */
export function expandReplicationController(run: Expansion, rc: ReplicationControllerWorkload, where: string): void {
  const templateLabels = rc.spec.template?.metadata?.labels ?? {};
  const selector = rc.spec.selector && Object.keys(rc.spec.selector).length > 0 ? rc.spec.selector : templateLabels;
  if (Object.keys(selector).length === 0) throw new InputError(`${where}: invalid value at spec.selector: Required value`, 'spec.selector');
  const labels = rc.metadata.labels && Object.keys(rc.metadata.labels).length > 0 ? rc.metadata.labels : templateLabels;
  const defaulted = { ...rc, metadata: { ...rc.metadata, labels }, spec: { ...rc.spec, selector } };
  const { obj, owner } = admitWorkload(run, defaulted, 'v1', 'ReplicationController');
  const match = compileSelector({ matchLabels: selector }, where);
  if (rc.spec.template && !match(templateLabels)) {
    throw new InputError(`${where}: invalid value at spec.template.metadata.labels: \`selector\` does not match template \`labels\``, 'spec.template.metadata.labels');
  }
  run.objects.push(obj);
  replicaPods(run, owner, match, rc.spec.replicas ?? 1, rc.spec.template, where);
}

/**
 * apps/v1 Deployment: the ReplicaSet `<name>-<pod-template-hash>` its controller makes for the
 * template (labels, selector and pod template carrying the hash), scaled to `replicas` at once
 * (a new Deployment has no old ReplicaSet to surge against), then that ReplicaSet's pods. A
 * paused Deployment makes nothing.
 */
export function expandDeployment(run: Expansion, d: Deployment, where: string): void {
  const { obj, owner } = admitWorkload(run, d, 'apps/v1', 'Deployment');
  const match = compileSelector(d.spec.selector, where);
  checkSelectorSelectsTemplate('Deployment', d.spec.selector, match, d.spec.template, where);
  run.objects.push(obj);
  if (d.spec.paused) {
    run.warnings.push(`${where}: paused: its controller creates no ReplicaSet, so no pods`);
    return;
  }
  const hash = currentTemplateHash(run, d, owner, match);
  const replicas = d.spec.replicas ?? 1;
  const rs = deploymentReplicaSet(d, owner, hash, replicas);
  const rsAdmitted = admitWorkload(run, rs, 'apps/v1', 'ReplicaSet');
  run.objects.push(rsAdmitted.obj);
  const older = run.activePodsSelected(owner.namespace, match).filter((p) => p.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] !== hash).length;
  if (older > 0) run.warnings.push(`${where}: ${older} existing pod(s) of another template kept as they are (rollouts are not modelled)`);
  const rsMatch = compileSelector(rs.spec.selector, where);
  replicaPods(run, rsAdmitted.owner, rsMatch, replicas, rs.spec.template, `${where}: ReplicaSet ${owner.namespace}/${rs.metadata.name}`);
}

/**
 * The pod-template-hash of the Deployment's new ReplicaSet. kube's FindNewReplicaSet looks for a
 * ReplicaSet of the Deployment whose template equals the Deployment's (ignoring the hash label) and
 * keeps its name; a new one is named by ComputeHash. The context holds pods, not ReplicaSets, and
 * podfit's hash is not kube's, so a ReplicaSet that exists is found through its pods: pods the
 * Deployment selects, controlled by a ReplicaSet `<deployment>-<their pod-template-hash>`, whose
 * containers have the template's names, images and resources (quantities by value). Otherwise the
 * hash of the template (expand-names.ts).
 */
function currentTemplateHash(run: Expansion, d: Deployment, owner: Owner, match: LabelMatch): string {
  const computed = templateHash(d.spec.template, d.status?.collisionCount);
  const shape = containersShape(d.spec.template.spec.containers);
  let found: string | undefined;
  for (const p of run.activePodsSelected(owner.namespace, match)) {
    const h = p.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
    const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller === true);
    if (!h || ref?.kind !== 'ReplicaSet' || ref.name !== `${owner.name}-${h}`) continue;
    if (h === computed) return computed;
    if (found === undefined && containersShape(p.spec.containers) === shape) found = h;
  }
  return found ?? computed;
}

/** What of a pod's containers a template comparison looks at: names, images, resources by value. */
function containersShape(containers: Pod['spec']['containers']): string {
  const byValue = (m: Record<string, string | number | null> | null | undefined) =>
    Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, safeMilli(v)]));
  return canonicalJson((containers ?? []).map((c) => ({
    name: c.name,
    image: c.image ?? '',
    requests: byValue(c.resources?.requests),
    limits: byValue(c.resources?.limits),
  })));
}

/** A quantity in milli-units, or its text when it is not one (it then only equals itself). */
function safeMilli(v: string | number | null): string {
  try {
    return v === null ? '' : String(parseMilliValue(v));
  } catch {
    return `!${String(v)}`;
  }
}

/** The ReplicaSet the Deployment controller creates for its template (getNewReplicaSet). */
function deploymentReplicaSet(d: Deployment, owner: Owner, hash: string, replicas: number): ReplicaSetWorkload & { spec: { template: PodTemplateSpec } } {
  const labels = { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const selector = { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: owner.namespace,
      labels,
      annotations: {
        'deployment.kubernetes.io/revision': '1',
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge(d, replicas)),
      },
      ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas, selector, template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, labels } } },
  };
}

/** The Deployment's maxSurge in pods (RollingUpdate: an int, or a percentage rounded up; default 25%; Recreate: 0). */
function maxSurge(d: Deployment, replicas: number): number {
  if (d.spec.strategy?.type === 'Recreate') return 0;
  const v = d.spec.strategy?.rollingUpdate?.maxSurge ?? '25%';
  if (typeof v === 'number') return v;
  const pct = /^(\d+)%$/.exec(v);
  return pct ? Math.ceil((Number(pct[1]) * replicas) / 100) : 0;
}

/**
 * apps/v1 StatefulSet: pods `<name>-<ordinal>` for ordinals `start` .. `start + replicas - 1`
 * (spec.ordinals.start, default 0), labelled with their name, ordinal and the set's revision,
 * hostname the pod's name and subdomain the set's serviceName. All are made pending at once, in
 * ordinal order; with the default OrderedReady policy kube makes each only once the previous one
 * is Running and Ready, so a pod that does not fit would hold back those after it. Ordinals
 * whose pod exists are skipped. volumeClaimTemplates' claims are not modelled (a warning says so).
 */
export function expandStatefulSet(run: Expansion, sts: StatefulSetWorkload, where: string): void {
  const { obj, owner } = admitWorkload(run, sts, 'apps/v1', 'StatefulSet');
  const match = compileSelector(sts.spec.selector, where);
  checkSelectorSelectsTemplate('StatefulSet', sts.spec.selector, match, sts.spec.template, where);
  run.objects.push(obj);
  if ((sts.spec.volumeClaimTemplates ?? []).length > 0) {
    run.warnOnce('sts-claims', `${where}: volumeClaimTemplates are not modelled: its pods get no PersistentVolumeClaim volumes (the volume plugins do not see them)`);
  }
  const revision = `${owner.name}-${templateHash(sts.spec.template, sts.status?.collisionCount)}`;
  const spec = admittedSpec(sts.spec.template.spec);
  const own = new Set(run.activePodsOf(owner, match).map((p) => p.metadata.name));
  const prng = run.prng('pods', owner.kind, owner.namespace, owner.name);
  const start = sts.spec.ordinals?.start ?? 0;
  run.reserve((sts.spec.replicas ?? 1) - own.size, where);
  for (let ord = start; ord < start + (sts.spec.replicas ?? 1); ord++) {
    const name = `${owner.name}-${ord}`;
    if (own.has(name)) continue;
    if (run.names.has(owner.namespace, name)) {
      run.warnings.push(`${where}: pod ${owner.namespace}/${name} exists and is not an active pod of this StatefulSet; ordinal ${ord} not created`);
      continue;
    }
    run.addPod(statefulSetPod(sts, owner, spec, name, ord, revision), prng, where, spec);
  }
}

/** newStatefulSetPod: the template's pod named for its ordinal, with its identity labels and hostname. */
function statefulSetPod(sts: StatefulSetWorkload, owner: Owner, spec: Pod['spec'], name: string, ord: number, revision: string): Pod {
  const labels = {
    ...(sts.spec.template.metadata?.labels ?? {}),
    [CONTROLLER_REVISION_HASH_LABEL]: revision,
    [STATEFULSET_POD_NAME_LABEL]: name,
    [POD_INDEX_LABEL]: String(ord),
  };
  const podSpec = { ...spec, hostname: name } as Pod['spec'] & Record<string, unknown>;
  if (sts.spec.serviceName) podSpec.subdomain = sts.spec.serviceName;
  const pod = podFromTemplate(sts.spec.template, owner, podSpec, labels);
  pod.metadata.name = name;
  return pod;
}

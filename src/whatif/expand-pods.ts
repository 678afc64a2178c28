/**
 * What every controller of the workload expansion shares: the run's state (names taken, warnings,
 * what was made), pods made from a template as kube's controller.GetPodFromTemplate makes them,
 * the API server's defaults and admission on the way in, the pods a controller already owns, and
 * the check that each made pod is one podfit decodes (the Pod schema, then makePodInfo).
 */
import { DEFAULT_SCHEDULER_NAME } from '../api/config.js';
import { InputError } from '../api/errors.js';
import type { LabelSelector, ObjectMeta, Pod, Toleration } from '../api/k8s.js';
import { podSchema } from '../api/k8s.js';
import type { PodTemplateSpec } from '../api/k8s-workloads.js';
import { decodeObject } from '../api/objects.js';
import { Prng } from '../framework/prng.js';
import { ModelInputError } from '../model/errors.js';
import { labelSelectorAsSelector, labelSelectorMatches, type Labels } from '../model/label-selector.js';
import { EXPAND_PODS_MAX } from '../model/limits.js';
import { makePodInfo } from '../model/pod-info.js';
import { NameBook, namePrng, seededUid } from './expand-names.js';
import type { ExpandContext } from './expand.js';

/** kube's v1.TaintNodeNotReady and v1.TaintNodeUnreachable. */
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** The DefaultTolerationSeconds admission plugin's default (its flag's default, 300 s). */
const DEFAULT_TOLERATION_SECONDS = 300;

/** The controller of a pod: who its controller ownerReference names. */
export interface Owner {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
}

/** metav1.NewControllerRef: the reference a controller puts on what it creates. */
export function controllerRef(o: Owner): NonNullable<ObjectMeta['ownerReferences']>[number] {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.name, uid: o.uid, controller: true, blockOwnerDeletion: true };
}

/** A label test compiled from a selector. */
export type LabelMatch = (labels: Labels) => boolean;

/** Compiles a metav1 LabelSelector (an invalid one is the caller's InputError, at `where`). */
export function compileSelector(sel: LabelSelector | null | undefined, where: string): LabelMatch {
  const r = labelSelectorAsSelector(sel);
  if (!r.ok) throw new InputError(`${where}: invalid value at spec.selector: ${r.error}`, 'spec.selector');
  const compiled = r.selector;
  return (labels) => labelSelectorMatches(compiled, labels);
}

/**
 * apps/v1 validation of a controller's selector against its template: not empty, and selecting
 * the template's labels (kube: "`selector` does not match template `labels`").
 */
export function checkSelectorSelectsTemplate(kind: string, sel: LabelSelector, match: LabelMatch, template: PodTemplateSpec | null | undefined, where: string): void {
  if (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
    throw new InputError(`${where}: invalid value at spec.selector: empty selector is invalid for ${kind.toLowerCase()}`, 'spec.selector');
  }
  if (template && !match(template.metadata?.labels ?? {})) {
    throw new InputError(`${where}: invalid value at spec.template.metadata.labels: \`selector\` does not match template \`labels\``, 'spec.template.metadata.labels');
  }
}

/** The state of one expansion: pods and objects made so far, names taken, warnings. */
export class Expansion {
  readonly pods: Pod[] = [];
  readonly objects: Record<string, unknown>[] = [];
  readonly warnings: string[] = [];
  readonly names: NameBook;
  private readonly warned = new Set<string>();
  /** Specs (or shapes, see addPod) whose pods passed checkPod. */
  private readonly checkedShapes = new WeakSet<object>();
  private readonly existing: readonly Pod[];
  private readonly existingByNamespace = new Map<string, readonly Pod[]>();

  constructor(readonly ctx: ExpandContext) {
    this.existing = ctx.existingPods ?? [];
    this.names = new NameBook(this.existing);
  }

  /** A warning said once per `key` (a limitation that holds for every object of a kind). */
  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnings.push(message);
  }

  /** The generator of one object's names and uids (see namePrng). */
  prng(...identity: readonly string[]): Prng {
    return namePrng(this.ctx.seed, ...identity);
  }

  /** The uid the API server would give an object that has none: seeded by the object's identity. */
  uidFor(kind: string, namespace: string, name: string): string {
    return seededUid(this.prng('uid', kind, namespace, name));
  }

  /** Refuses to make `n` more pods beyond EXPAND_PODS_MAX, before making any. */
  reserve(n: number, where: string): void {
    if (this.pods.length + n > EXPAND_PODS_MAX) {
      throw new InputError(`${where}: would make ${n} pods, ${this.pods.length + n} in all, beyond the ${EXPAND_PODS_MAX} one expansion may make (EXPAND_PODS_MAX)`);
    }
  }

  /** `metadata.creationTimestamp` of made objects, when the context gives a time. */
  get now(): string | undefined {
    return this.ctx.now;
  }

  /**
   * The existing pods a controller counts as its own (kube's ClaimPods, then FilterActivePods): in
   * its namespace, selected by its selector, controlled by it or by nothing (an orphan it adopts),
   * neither Succeeded, Failed nor being deleted.
   */
  activePodsOf(owner: Owner, match: LabelMatch): Pod[] {
    return this.activePodsSelected(owner.namespace, match).filter((p) => ownedOrOrphan(p, owner));
  }

  /**
   * The uid of an object that exists already, as its pods' controller references give it (kind
   * and name in `namespace`): applying an object that exists updates it, keeping its uid, so
   * the pods it has stay its own.
   */
  existingUid(kind: string, namespace: string, name: string): string | undefined {
    for (const p of this.existingIn(namespace)) {
      const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller === true);
      if (ref?.uid && ref.kind === kind && ref.name === name) return ref.uid;
    }
    return undefined;
  }

  /** The existing active pods of a namespace a selector selects, whoever controls them. */
  activePodsSelected(namespace: string, match: LabelMatch): Pod[] {
    return this.existingIn(namespace).filter((p) => isActive(p) && match(p.metadata.labels ?? {}));
  }

  /** The existing pods of a namespace (indexed on first use: workloads of one namespace share the scan). */
  private existingIn(namespace: string): readonly Pod[] {
    let list = this.existingByNamespace.get(namespace);
    if (!list) {
      list = this.existing.filter((p) => (p.metadata.namespace || 'default') === namespace);
      this.existingByNamespace.set(namespace, list);
    }
    return list;
  }

  /**
   * Adds a pod the controller made: its name (the fixed one, or drawn from generateName), uid and
   * creation time, then the check that podfit decodes it. `where` names the workload.
   *
   * The check (about 150 µs a pod) runs once per spec object: a workload's pods share their
   * spec, and their metadata comes from a template the workload's schema validated plus names
   * the controller made. `sameShapeAs` vouches for a pod whose spec is its own but differs from
   * one already checked only in what the controller sets per pod (a DaemonSet pod's node term,
   * an Indexed Job pod's index): the spec checked for the first is taken as checking the rest.
   * The schemas have no defaults or transforms, so a pod not decoded equals its decoded form.
   */
  addPod(pod: Pod, prng: Prng, where: string, sameShapeAs?: object): Pod {
    const meta = pod.metadata;
    const ns = meta.namespace || 'default';
    if (meta.name) this.names.take(ns, meta.name);
    else meta.name = this.names.generate(ns, meta.generateName ?? '', prng);
    meta.uid ??= seededUid(prng);
    if (this.now !== undefined) meta.creationTimestamp ??= this.now;
    const key = sameShapeAs ?? pod.spec;
    if (this.checkedShapes.has(key)) {
      this.pods.push(pod);
      return pod;
    }
    const checked = checkPod(pod, where);
    this.checkedShapes.add(key);
    this.pods.push(checked);
    return checked;
  }
}

/** Not terminal and not being deleted (kube's controller.IsPodActive). */
export function isActive(p: Pod): boolean {
  const phase = p.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !p.metadata.deletionTimestamp;
}

/** The pod's controller reference names `owner` (by uid when both have one), or there is none. */
export function ownedOrOrphan(p: Pod, owner: Owner): boolean {
  const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return true;
  if (ref.uid && owner.uid) return ref.uid === owner.uid;
  return ref.kind === owner.kind && ref.name === owner.name;
}

/**
 * The pod a controller asks for (controller.GetPodFromTemplate): the template's labels,
 * annotations and finalizers, `generateName: <owner>-`, the controller reference, the owner's
 * namespace and the template's spec. `spec` is the spec to use (the template's, defaulted once per
 * workload and shared by its pods, as clonePodInfo shares a template's spec; nothing writes it).
 */
export function podFromTemplate(template: PodTemplateSpec, owner: Owner, spec: Pod['spec'], labels?: Record<string, string>): Pod {
  const tm = template.metadata;
  const metadata: Pod['metadata'] = {
    generateName: `${owner.name}-`,
    namespace: owner.namespace,
    labels: { ...(labels ?? tm?.labels ?? {}) },
    ownerReferences: [controllerRef(owner)],
  };
  if (tm?.annotations && Object.keys(tm.annotations).length > 0) metadata.annotations = { ...tm.annotations };
  const finalizers = (tm as { finalizers?: unknown } | null | undefined)?.finalizers;
  if (Array.isArray(finalizers) && finalizers.length > 0) (metadata as Record<string, unknown>).finalizers = [...(finalizers as string[])];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status: { phase: 'Pending' } };
}

/**
 * A pod spec as the API server stores it, for the fields scheduling reads: kube's defaults
 * (schedulerName, restartPolicy unless `keepRestartPolicy`, dnsPolicy) and the
 * DefaultTolerationSeconds admission plugin's tolerations of the not-ready and unreachable
 * NoExecute taints for 300 s, unless the pod already tolerates them. A new object; `spec` is
 * not written.
 */
export function admittedSpec(spec: Pod['spec'], keepRestartPolicy = false): Pod['spec'] {
  const out = { ...spec } as Pod['spec'] & Record<string, unknown>;
  out.schedulerName ||= DEFAULT_SCHEDULER_NAME;
  if (!keepRestartPolicy) out.restartPolicy ??= 'Always';
  out.dnsPolicy ??= 'ClusterFirst';
  out.tolerations = withDefaultTolerationSeconds(spec.tolerations ?? []);
  if (out.tolerations.length === 0) delete out.tolerations;
  return out;
}

/** DefaultTolerationSeconds: the two NoExecute tolerations a pod gets unless it has them. */
function withDefaultTolerationSeconds(tolerations: readonly Toleration[]): Toleration[] {
  const out = [...tolerations];
  for (const key of [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]) {
    if (!tolerations.some((t) => coversNoExecute(t, key))) {
      out.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
    }
  }
  return out;
}

/**
 * The admission plugin's own test (not ToleratesTaint: operator and value are not looked at): a
 * toleration with the key, or with no key, and with the NoExecute effect or none.
 */
function coversNoExecute(t: Toleration, key: string): boolean {
  return (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect);
}

/**
 * Passes a made pod through the decoding podfit applies to every pod it reads (the Pod schema,
 * then makePodInfo's quantities), so a template podfit cannot read fails here, naming the
 * workload, and not later in a plugin.
 */
export function checkPod(pod: Pod, where: string): Pod {
  const decoded = decodeObject(podSchema, { obj: pod as unknown as Record<string, unknown>, where: '' }, where);
  try {
    makePodInfo(decoded);
  } catch (e) {
    if (e instanceof ModelInputError) throw new InputError(`${where}: ${e.message}`, e.field);
    throw e;
  }
  return decoded;
}

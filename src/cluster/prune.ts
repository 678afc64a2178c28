/**
 * Dropping what no podfit plugin reads from objects listed off a live cluster, so a snapshot of a
 * large cluster is a fraction of `kubectl get -o json`'s size: metadata.managedFields (often 1-3 KB
 * an object), the `kubectl.kubernetes.io/last-applied-configuration` annotation (a second copy of
 * the object), and the parts of `status` nobody reads (container statuses, addresses, node info and
 * conditions, workload progress counters).
 *
 * Status kept, per kind, because podfit reads it (grep src/ before dropping more):
 * - Pod: phase (terminal pods are ignored), nominatedNodeName (the scheduler and preemption),
 *   startTime (preemption's victim order), and the DisruptionTarget condition (preemption's
 *   podTerminatingByPreemption). Container statuses are dropped: model/pod-info.ts's storedPod
 *   drops them too, requests come from the spec.
 * - Node: allocatable and capacity (fit and scores), images (ImageLocality).
 * - PodDisruptionBudget: disruptionsAllowed and disruptedPods (preemption).
 * - PersistentVolumeClaim: phase, capacity and accessModes: small, and whether a claim is bound is
 *   what the volume plugins (not modelled yet) will ask first.
 * Every other kind's status is dropped. Specs are kept whole.
 */

/** The annotation kubectl apply keeps: a full second copy of the object. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

type Obj = Record<string, unknown>;

/** Status fields kept per kind (any kind not listed loses its status). */
const STATUS_KEPT: Readonly<Record<string, readonly string[]>> = {
  Pod: ['phase', 'nominatedNodeName', 'startTime', 'conditions'],
  Node: ['allocatable', 'capacity', 'images'],
  PodDisruptionBudget: ['disruptionsAllowed', 'disruptedPods'],
  PersistentVolumeClaim: ['phase', 'capacity', 'accessModes'],
};

/** Pod conditions podfit reads (default-preemption's podTerminatingByPreemption). */
const POD_CONDITIONS_KEPT: ReadonlySet<string> = new Set(['DisruptionTarget']);

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy of `obj` without managedFields, the last-applied annotation and unread status. */
export function pruneObject(obj: Obj): Obj {
  const out: Obj = { ...obj };
  if (isObj(obj.metadata)) out.metadata = pruneMetadata(obj.metadata);
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  if ('status' in obj) {
    const kept = STATUS_KEPT[kind];
    const status = isObj(obj.status) && kept ? pickStatus(kind, obj.status, kept) : undefined;
    if (status) out.status = status;
    else delete out.status;
  }
  return out;
}

/** Metadata without managedFields and the last-applied annotation. */
export function pruneMetadata(meta: Obj): Obj {
  const { managedFields: _m, ...rest } = meta;
  if (isObj(rest.annotations) && LAST_APPLIED_ANNOTATION in rest.annotations) {
    const { [LAST_APPLIED_ANNOTATION]: _l, ...annotations } = rest.annotations;
    if (Object.keys(annotations).length > 0) rest.annotations = annotations;
    else delete rest.annotations;
  }
  return rest;
}

function pickStatus(kind: string, status: Obj, kept: readonly string[]): Obj | undefined {
  const out: Obj = {};
  for (const k of kept) if (status[k] !== undefined) out[k] = status[k];
  if (kind === 'Pod' && Array.isArray(out.conditions)) {
    const conditions = (out.conditions as unknown[]).filter((c) => isObj(c) && POD_CONDITIONS_KEPT.has(String(c.type)));
    if (conditions.length > 0) out.conditions = conditions;
    else delete out.conditions;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

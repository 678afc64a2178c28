/**
 * PLACEHOLDER of branch i13-whatif: the API of workload expansion (ExpandContext, Expanded,
 * expandWorkloads, daemonSetPodsForNodes) exactly as branch i13-expand defines it, with bodies
 * that only pass Pods and plain objects through. At merge, take i13-expand's src/whatif/expand.ts
 * (and its expand-*.ts) whole: the scenario runner codes against this API only.
 *
 * What the placeholder does: Pods pass through as the API server stores them (namespace
 * `default` when unset; a name is required); Namespaces, Services, PodDisruptionBudgets,
 * PriorityClasses (and the storage kinds) pass through to `objects`; workload kinds are kept in
 * `objects` (so DaemonSets are known for nodes added later) but make no pods here, with a warning.
 */
import { InputError } from '../api/errors.js';
import type { Node, Pod } from '../api/k8s.js';
import { podSchema } from '../api/k8s.js';
import { decodeObject } from '../api/objects.js';

/** What the expansion reads of the cluster. */
export interface ExpandContext {
  /** Nodes of the cluster (DaemonSets make one pod per eligible node). */
  readonly nodes: readonly Node[];
  /** Pods that already exist (a ReplicaSet/StatefulSet/Job with running pods only adds what is missing; names must not collide). */
  readonly existingPods?: readonly Pod[];
  /** Deterministic suffixes: seeded, so the same scenario gives the same pod names. */
  readonly seed: number;
  /** The time the objects are created (creationTimestamp of generated objects); absent: none is set. */
  readonly now?: string;
  /** Where the objects come from (a file name), for messages. */
  readonly source?: string;
  /** Where each object is inside the source (`RawObject.where` of api/objects.ts: `items[2]`), by index; absent: `object <n>`. */
  readonly positions?: readonly string[];
}

/** What the controllers would create. */
export interface Expanded {
  /** Pending pods the controllers would create, in the order they would create them. */
  readonly pods: Pod[];
  /** Objects to add to the cluster's objects: the workloads themselves and what they create, plus PDBs, PriorityClasses, Namespaces, Services passed through. */
  readonly objects: Record<string, unknown>[];
  readonly warnings: string[];
}

const PASS_THROUGH_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Service', 'PodDisruptionBudget', 'PriorityClass', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'CSINode',
]);
const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'Job', 'DaemonSet', 'CronJob']);

/** Expands workload objects, in input order, into the pods their controllers would create (placeholder: see the file comment). */
export function expandWorkloads(objects: readonly Record<string, unknown>[], ctx: ExpandContext): Expanded {
  const out: Expanded = { pods: [], objects: [], warnings: [] };
  const source = ctx.source ?? 'apply';
  const taken = new Set((ctx.existingPods ?? []).map((p) => `${p.metadata.namespace || 'default'}/${p.metadata.name}`));
  objects.forEach((obj, i) => {
    const at = `${source}: ${ctx.positions?.[i] || `object ${i + 1}`}`;
    const kind = typeof obj.kind === 'string' ? obj.kind : '';
    if (kind === 'Pod') {
      const pod = decodeObject(podSchema, { obj, where: '' }, at);
      const namespace = pod.metadata.namespace || 'default';
      if (!pod.metadata.name) throw new InputError(`${at}: Pod: invalid value at metadata.name: Required value`, 'metadata.name');
      const key = `${namespace}/${pod.metadata.name}`;
      if (taken.has(key)) throw new InputError(`${at}: Pod ${key}: already exists`, 'metadata.name');
      taken.add(key);
      const meta = { ...pod.metadata, namespace, ...(ctx.now && !pod.metadata.creationTimestamp ? { creationTimestamp: ctx.now } : {}) };
      out.pods.push({ ...pod, metadata: meta });
    } else if (PASS_THROUGH_KINDS.has(kind)) out.objects.push(obj);
    else if (WORKLOAD_KINDS.has(kind)) {
      out.objects.push(obj);
      out.warnings.push(`${at}: ${kind}: workload expansion is not on this build yet (branch i13-expand); no pods made`);
    } else out.warnings.push(`${at}: ${kind ? `kind ${kind}` : 'an object without a kind'} is not a workload podfit expands; skipped`);
  });
  return out;
}

/** The pods DaemonSets add for nodes added later (placeholder: none). */
export function daemonSetPodsForNodes(_daemonSets: readonly Record<string, unknown>[], _nodes: readonly Node[], _ctx: ExpandContext): Pod[] {
  return [];
}

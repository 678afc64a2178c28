/**
 * Workload expansion for `podfit whatif`: the pods kube's controllers (v1.32) would create for
 * the objects of an `apply` step, named, labelled and owned as they make them, pending for the
 * scheduler. Deployment (through its ReplicaSet), ReplicaSet, ReplicationController, StatefulSet
 * and Job in expand-apps.ts and expand-job.ts, DaemonSet in expand-daemonset.ts; names, hashes
 * and uids are seeded (expand-names.ts), so a scenario gives the same pods on every run.
 *
 * Pods in the files pass through as the API server would store them (namespace `default`, a name
 * for a generateName, a uid). Namespaces, Services, PodDisruptionBudgets, PriorityClasses and the
 * storage objects pass through to `objects`. A CronJob is recognised and skipped with a warning
 * (its Jobs start on a schedule; apply its jobTemplate as a Job to model one run). Any other kind
 * is skipped with a warning naming it and where it is. An object that fails validation is an
 * InputError naming the file, the object and the field: nothing of the apply is half made.
 *
 * Existing pods (`ExpandContext.existingPods`) a workload controls or would adopt count toward
 * what it wants, so only what is missing is made; an object without a uid whose pods exist takes
 * their controller reference's uid (applying an object that exists updates it).
 *
 * What is not modelled, as in time: scale-downs and rollouts (existing pods are counted, never
 * removed), Job retries and backoff, StatefulSet OrderedReady's one-at-a-time start, and
 * PersistentVolumeClaims from volumeClaimTemplates (warned once). Template hashes
 * (`pod-template-hash`, `controller-revision-hash`) are FNV-1a of the template's canonical JSON,
 * encoded as kube encodes them, not kube's exact values (kube hashes the Go struct's printed form;
 * see expand-names.ts): a Deployment whose pods already run under another hash finds its
 * ReplicaSet through them (expand-apps.ts, currentTemplateHash), and a cluster DaemonSet's pods on
 * added nodes carry podfit's revision hash, not the one its running pods show.
 */
import type { z } from 'zod';
import { InputError } from '../api/errors.js';
import type { Node, Pod } from '../api/k8s.js';
import { podSchema } from '../api/k8s.js';
import { EXTRA_KIND_SCHEMAS } from '../api/k8s-extra.js';
import { daemonSetSchema, isWorkloadKind, workloadSchema, type Workload, type WorkloadKind } from '../api/k8s-workloads.js';
import { decodeObject } from '../api/objects.js';
import { expandDeployment, expandReplicaSet, expandReplicationController, expandStatefulSet } from './expand-apps.js';
import { daemonPods, planDaemonSet } from './expand-daemonset.js';
import { expandJob } from './expand-job.js';
import { admittedSpec, Expansion } from './expand-pods.js';

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
  /** Pending pods the controllers would create, in the order they would create them, and the Pods of the files (one with spec.nodeName is bound there, as the API server takes it). */
  readonly pods: Pod[];
  /** Objects to add to the cluster's objects: the workloads themselves and what they create (ReplicaSets of Deployments), plus PDBs, PriorityClasses, Namespaces, Services passed through. */
  readonly objects: Record<string, unknown>[];
  readonly warnings: string[];
}

/** The API version each workload kind is read as (its served version in kube v1.32). */
const WORKLOAD_API_VERSIONS: Readonly<Record<WorkloadKind, string>> = {
  Deployment: 'apps/v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1',
  ReplicationController: 'v1', Job: 'batch/v1', CronJob: 'batch/v1',
};

/** Kinds passed through to `objects` as they are (after validation for the ones podfit reads). */
const PASS_THROUGH_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Service', 'PodDisruptionBudget', 'PriorityClass', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'CSINode',
]);

/** Expands workload objects, in input order, into the pods their controllers would create. */
export function expandWorkloads(objects: readonly Record<string, unknown>[], ctx: ExpandContext): Expanded {
  const run = new Expansion(ctx);
  const source = ctx.source ?? 'apply';
  objects.forEach((obj, i) => {
    const position = ctx.positions?.[i] || `object ${i + 1}`;
    const kind = typeof obj.kind === 'string' ? obj.kind : '';
    const at = `${source}: ${position}`;
    if (kind === 'Pod') passPod(run, obj, at);
    else if (isWorkloadKind(kind)) {
      const expected = WORKLOAD_API_VERSIONS[kind];
      if (typeof obj.apiVersion === 'string' && obj.apiVersion !== expected) run.warnings.push(`${at}: ${kind} ${identity(obj)}: apiVersion ${obj.apiVersion} read as ${expected}`);
      expandWorkload(run, decodeObject(workloadSchema(kind), { obj, where: position }, source), `${at}: ${kind} ${identity(obj)}`);
    }
    else if (PASS_THROUGH_KINDS.has(kind)) {
      // The table pairs schemas with kinds; the objects are only validated here, kept as loose records.
      const schema = (EXTRA_KIND_SCHEMAS as unknown as Record<string, z.ZodType<Record<string, unknown>> | undefined>)[kind];
      run.objects.push(schema ? decodeObject(schema, { obj, where: position }, source) : obj);
    } else run.warnings.push(`${at}: ${kind ? `kind ${kind}` : 'an object without a kind'} is not a workload podfit expands; skipped`);
  });
  return { pods: run.pods, objects: run.objects, warnings: run.warnings };
}

/** `<namespace>/<name>` of a raw object, for messages. */
function identity(obj: Record<string, unknown>): string {
  const meta = (obj.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return `${typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default'}/${typeof meta.name === 'string' ? meta.name : ''}`;
}

/** Runs the controller of a decoded workload. */
function expandWorkload(run: Expansion, w: Workload, where: string): void {
  switch (w.kind) {
    case 'Deployment':
      return expandDeployment(run, w, where);
    case 'ReplicaSet':
      return expandReplicaSet(run, w, where);
    case 'ReplicationController':
      return expandReplicationController(run, w, where);
    case 'StatefulSet':
      return expandStatefulSet(run, w, where);
    case 'Job':
      return expandJob(run, w, where);
    case 'DaemonSet': {
      const plan = planDaemonSet(run, w, where);
      run.objects.push(plan.ds);
      return daemonPods(run, plan, run.ctx.nodes);
    }
    case 'CronJob':
      run.warnings.push(`${where}: not expanded: a CronJob starts Jobs on a schedule; apply its jobTemplate as a Job to model one run`);
      return;
  }
}

/**
 * A Pod of the files, as the API server stores it: namespace `default` when unset, a name drawn
 * for a generateName, a uid and the creation time when missing, the API server's defaults; a name
 * that exists already is an error (the API server's AlreadyExists).
 */
function passPod(run: Expansion, obj: Record<string, unknown>, at: string): void {
  const pod = decodeObject(podSchema, { obj, where: '' }, at);
  const namespace = pod.metadata.namespace || 'default';
  const name = pod.metadata.name;
  if (!name && !pod.metadata.generateName) throw new InputError(`${at}: Pod: invalid value at metadata.name: Required value: name or generateName is required`, 'metadata.name');
  const where = `${at}: Pod ${namespace}/${name ?? pod.metadata.generateName}`;
  if (name && run.names.has(namespace, name)) throw new InputError(`${where}: already exists`, 'metadata.name');
  const prng = run.prng('pod', namespace, name ?? pod.metadata.generateName ?? '');
  run.addPod({ ...pod, metadata: { ...pod.metadata, namespace }, spec: admittedSpec(pod.spec) }, prng, where);
}

/**
 * The pods DaemonSets add for nodes added later (an addNodes step after an apply): for each
 * DaemonSet (as `Expanded.objects` holds it, or any DaemonSet object), a pod on each of `nodes` it
 * should run on and has no pod on yet (`ctx.existingPods`). `ctx.nodes` is not read. Names are
 * seeded by the DaemonSet and the node, so they do not depend on when the node came.
 */
export function daemonSetPodsForNodes(daemonSets: readonly Record<string, unknown>[], nodes: readonly Node[], ctx: ExpandContext): Pod[] {
  const run = new Expansion(ctx);
  const source = ctx.source ?? 'daemonSetPodsForNodes';
  for (const obj of daemonSets) {
    const ds = decodeObject(daemonSetSchema, { obj, where: '' }, source);
    daemonPods(run, planDaemonSet(run, ds, `${source}: DaemonSet ${identity(obj)}`), nodes);
  }
  return run.pods;
}


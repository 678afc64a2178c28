/**
 * zod schemas for the workload objects `podfit whatif` expands into pods as their controllers
 * would (whatif/expand.ts): apps/v1 Deployment, ReplicaSet, StatefulSet, DaemonSet, core/v1
 * ReplicationController, batch/v1 Job, and CronJob (recognised, not expanded). Loose objects like
 * k8s.ts: unknown fields are kept and passed on; only what the controllers read is typed. The pod
 * template's spec is the Pod's spec schema, so a template is validated as its pods would be.
 */
import { z } from 'zod';
import { labelSelectorSchema, objectMetaSchema, podSpecSchema } from './k8s.js';

const stringMap = z.record(z.string(), z.string());
const metaSchema = objectMetaSchema.extend({ name: z.string().min(1) });
const count = z.number().int().min(0);
/** An IntOrString (maxSurge, maxUnavailable): `3` or `"25%"`. */
const intOrStringSchema = z.union([z.number().int(), z.string()]);

/** core/v1 PodTemplateSpec: the pods' labels and annotations, and their spec. */
export const podTemplateSpecSchema = z.looseObject({
  metadata: objectMetaSchema.nullish(),
  spec: podSpecSchema,
});

/** apps/v1 Deployment. */
export const deploymentSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('Deployment'),
  metadata: metaSchema,
  spec: z.looseObject({
    replicas: count.nullish(),
    selector: labelSelectorSchema,
    template: podTemplateSpecSchema,
    paused: z.boolean().nullish(),
    strategy: z
      .looseObject({
        type: z.enum(['Recreate', 'RollingUpdate']).nullish(),
        rollingUpdate: z.looseObject({ maxSurge: intOrStringSchema.nullish(), maxUnavailable: intOrStringSchema.nullish() }).nullish(),
      })
      .nullish(),
  }),
  status: z.looseObject({ collisionCount: count.nullish() }).nullish(),
});

/** apps/v1 ReplicaSet (a template is required once replicas > 0). */
export const replicaSetWorkloadSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('ReplicaSet'),
  metadata: metaSchema,
  spec: z.looseObject({
    replicas: count.nullish(),
    selector: labelSelectorSchema,
    template: podTemplateSpecSchema.nullish(),
  }),
});

/** core/v1 ReplicationController: a label map selector, defaulted to the template's labels. */
export const replicationControllerWorkloadSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('ReplicationController'),
  metadata: metaSchema,
  spec: z.looseObject({
    replicas: count.nullish(),
    selector: stringMap.nullish(),
    template: podTemplateSpecSchema.nullish(),
  }),
});

/** apps/v1 StatefulSet. */
export const statefulSetWorkloadSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('StatefulSet'),
  metadata: metaSchema,
  spec: z.looseObject({
    replicas: count.nullish(),
    selector: labelSelectorSchema,
    template: podTemplateSpecSchema,
    serviceName: z.string().nullish(),
    podManagementPolicy: z.enum(['OrderedReady', 'Parallel']).nullish(),
    ordinals: z.looseObject({ start: count.nullish() }).nullish(),
    volumeClaimTemplates: z.array(z.looseObject({ metadata: objectMetaSchema })).nullish(),
  }),
  status: z.looseObject({ collisionCount: count.nullish() }).nullish(),
});

/** apps/v1 DaemonSet. */
export const daemonSetSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('DaemonSet'),
  metadata: metaSchema.extend({ generation: z.number().int().nullish() }),
  spec: z.looseObject({
    selector: labelSelectorSchema,
    template: podTemplateSpecSchema,
  }),
  status: z.looseObject({ collisionCount: count.nullish() }).nullish(),
});

/** batch/v1 Job; status.succeeded and status.completedIndexes say what is already done. */
export const jobSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('Job'),
  metadata: metaSchema,
  spec: z.looseObject({
    parallelism: count.nullish(),
    completions: count.nullish(),
    completionMode: z.enum(['NonIndexed', 'Indexed']).nullish(),
    suspend: z.boolean().nullish(),
    manualSelector: z.boolean().nullish(),
    selector: labelSelectorSchema.nullish(),
    template: podTemplateSpecSchema,
  }),
  status: z.looseObject({ succeeded: count.nullish(), completedIndexes: z.string().nullish() }).nullish(),
});

/** batch/v1 CronJob: recognised so it can be named in a warning (its runs are time-based). */
export const cronJobSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('CronJob'),
  metadata: metaSchema,
});

/** Decoded object types. */
export type PodTemplateSpec = z.infer<typeof podTemplateSpecSchema>;
export type Deployment = z.infer<typeof deploymentSchema>;
export type ReplicaSetWorkload = z.infer<typeof replicaSetWorkloadSchema>;
export type ReplicationControllerWorkload = z.infer<typeof replicationControllerWorkloadSchema>;
export type StatefulSetWorkload = z.infer<typeof statefulSetWorkloadSchema>;
export type DaemonSet = z.infer<typeof daemonSetSchema>;
export type Job = z.infer<typeof jobSchema>;
export type CronJob = z.infer<typeof cronJobSchema>;

/** Schema per workload kind. */
export const WORKLOAD_KIND_SCHEMAS = {
  Deployment: deploymentSchema,
  ReplicaSet: replicaSetWorkloadSchema,
  ReplicationController: replicationControllerWorkloadSchema,
  StatefulSet: statefulSetWorkloadSchema,
  DaemonSet: daemonSetSchema,
  Job: jobSchema,
  CronJob: cronJobSchema,
} as const;

/** A workload kind expandWorkloads recognises. */
export type WorkloadKind = keyof typeof WORKLOAD_KIND_SCHEMAS;

/** A decoded workload, by kind. */
export type Workload = { [K in WorkloadKind]: z.infer<(typeof WORKLOAD_KIND_SCHEMAS)[K]> }[WorkloadKind];

/** Whether a kind is a workload kind. */
export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return Object.hasOwn(WORKLOAD_KIND_SCHEMAS, kind);
}

/** The schema of a workload kind, typed as the union (decode with api/objects.ts decodeObject, which names the file and the object). */
export function workloadSchema(kind: WorkloadKind): z.ZodType<Workload> {
  // The table pairs schemas with kinds; TypeScript cannot narrow the indexed union by itself.
  return WORKLOAD_KIND_SCHEMAS[kind] as unknown as z.ZodType<Workload>;
}

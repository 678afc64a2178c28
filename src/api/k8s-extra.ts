/**
 * zod schemas for the Kubernetes objects a cluster file may carry next to Nodes and Pods, with
 * the fields the scheduler reads: Namespace (namespaceSelector), Service, ReplicaSet, StatefulSet,
 * ReplicationController (PodTopologySpread's system default selector), policy/v1
 * PodDisruptionBudget (preemption) and scheduling.k8s.io/v1 PriorityClass (pod priority). Loose
 * objects, like k8s.ts: unknown fields are kept.
 */
import { z } from 'zod';
import { labelSelectorSchema, objectMetaSchema } from './k8s.js';

const stringMap = z.record(z.string(), z.string());
const metaSchema = objectMetaSchema.extend({ name: z.string() });

/** core/v1 Namespace (its labels feed namespaceSelectors). */
export const namespaceSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('Namespace'),
  metadata: metaSchema,
});

/** core/v1 Service (spec.selector: a label map; nil selects nothing). */
export const serviceSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('Service'),
  metadata: metaSchema,
  spec: z.looseObject({ selector: stringMap.nullish() }).nullish(),
});

/** ReplicaSet and StatefulSet (apps/v1): a metav1 LabelSelector. */
const appsWorkloadSchema = <K extends string>(kind: K) =>
  z.looseObject({
    apiVersion: z.string().optional(),
    kind: z.literal(kind),
    metadata: metaSchema,
    spec: z.looseObject({ selector: labelSelectorSchema.nullish() }).nullish(),
  });
/** apps/v1 ReplicaSet. */
export const replicaSetSchema = appsWorkloadSchema('ReplicaSet');
/** apps/v1 StatefulSet. */
export const statefulSetSchema = appsWorkloadSchema('StatefulSet');

/** ReplicationController (core/v1): a plain label map selector. */
export const replicationControllerSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('ReplicationController'),
  metadata: metaSchema,
  spec: z.looseObject({ selector: stringMap.nullish() }).nullish(),
});

/** policy/v1 PodDisruptionBudget: preemption reads status.disruptionsAllowed and status.disruptedPods. */
export const podDisruptionBudgetSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('PodDisruptionBudget'),
  metadata: metaSchema,
  spec: z.looseObject({ selector: labelSelectorSchema.nullish() }).nullish(),
  status: z
    .looseObject({
      disruptionsAllowed: z.number().int().nullish(),
      disruptedPods: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
});

/** scheduling.k8s.io/v1 PriorityClass. */
export const priorityClassSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('PriorityClass'),
  metadata: metaSchema,
  value: z.number().int(),
  globalDefault: z.boolean().nullish(),
  preemptionPolicy: z.enum(['PreemptLowerPriority', 'Never']).nullish(),
});

/** Decoded object types. */
export type Namespace = z.infer<typeof namespaceSchema>;
export type Service = z.infer<typeof serviceSchema>;
export type ReplicaSet = z.infer<typeof replicaSetSchema>;
export type StatefulSet = z.infer<typeof statefulSetSchema>;
export type ReplicationController = z.infer<typeof replicationControllerSchema>;
export type PodDisruptionBudget = z.infer<typeof podDisruptionBudgetSchema>;
export type PriorityClass = z.infer<typeof priorityClassSchema>;

/** Schema per kind, for decoding `ClusterSnapshot.others`. */
export const EXTRA_KIND_SCHEMAS = {
  Namespace: namespaceSchema,
  Service: serviceSchema,
  ReplicaSet: replicaSetSchema,
  StatefulSet: statefulSetSchema,
  ReplicationController: replicationControllerSchema,
  PodDisruptionBudget: podDisruptionBudgetSchema,
  PriorityClass: priorityClassSchema,
} as const;

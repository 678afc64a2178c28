/**
 * zod schemas for the Kubernetes objects podfit reads (core/v1 Node and Pod, and the List
 * wrappers kubectl prints). Loose objects: Kubernetes keeps adding fields, and unknown ones are
 * kept, not rejected. Only the fields the scheduler uses are typed.
 */
import { z } from 'zod';

const stringMap = z.record(z.string(), z.string());
/** What a JSON/YAML value is, in words (`array`, not typeof's `object`), for messages. */
export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v;
}

/** A quantity as it appears in JSON/YAML: a string, a bare number, or null. */
export const quantitySchema = z.union([z.string(), z.number(), z.null()], {
  error: (issue) => `expected a quantity (string or number), got ${jsonKind(issue.input)}`,
});
const resourceListSchema = z.record(z.string(), quantitySchema);

export const ownerReferenceSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string(),
  name: z.string(),
  uid: z.string().optional(),
  controller: z.boolean().optional(),
});

export const objectMetaSchema = z.looseObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  labels: stringMap.nullish(),
  annotations: stringMap.nullish(),
  creationTimestamp: z.string().nullish(),
  deletionTimestamp: z.string().nullish(),
  ownerReferences: z.array(ownerReferenceSchema).nullish(),
  resourceVersion: z.string().optional(),
});

export const labelSelectorRequirementSchema = z.looseObject({
  key: z.string(),
  operator: z.string(),
  values: z.array(z.string()).nullish(),
});
export const labelSelectorSchema = z.looseObject({
  matchLabels: stringMap.nullish(),
  matchExpressions: z.array(labelSelectorRequirementSchema).nullish(),
});

export const nodeSelectorRequirementSchema = z.looseObject({
  key: z.string(),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
  values: z.array(z.string()).nullish(),
});
export const nodeSelectorTermSchema = z.looseObject({
  matchExpressions: z.array(nodeSelectorRequirementSchema).nullish(),
  matchFields: z.array(nodeSelectorRequirementSchema).nullish(),
});
export const nodeSelectorSchema = z.looseObject({
  nodeSelectorTerms: z.array(nodeSelectorTermSchema),
});
export const preferredSchedulingTermSchema = z.looseObject({
  weight: z.number().int(),
  preference: nodeSelectorTermSchema,
});
export const nodeAffinitySchema = z.looseObject({
  requiredDuringSchedulingIgnoredDuringExecution: nodeSelectorSchema.nullish(),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(preferredSchedulingTermSchema).nullish(),
});

export const podAffinityTermSchema = z.looseObject({
  labelSelector: labelSelectorSchema.nullish(),
  namespaces: z.array(z.string()).nullish(),
  topologyKey: z.string(),
  namespaceSelector: labelSelectorSchema.nullish(),
  matchLabelKeys: z.array(z.string()).nullish(),
  mismatchLabelKeys: z.array(z.string()).nullish(),
});
export const weightedPodAffinityTermSchema = z.looseObject({
  weight: z.number().int(),
  podAffinityTerm: podAffinityTermSchema,
});
export const podAffinitySchema = z.looseObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTermSchema).nullish(),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(weightedPodAffinityTermSchema).nullish(),
});
export const affinitySchema = z.looseObject({
  nodeAffinity: nodeAffinitySchema.nullish(),
  podAffinity: podAffinitySchema.nullish(),
  podAntiAffinity: podAffinitySchema.nullish(),
});

export const tolerationSchema = z.looseObject({
  key: z.string().nullish(),
  operator: z.enum(['Exists', 'Equal', '']).nullish(),
  value: z.string().nullish(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute', '']).nullish(),
  tolerationSeconds: z.number().nullish(),
});
export const taintSchema = z.looseObject({
  key: z.string(),
  value: z.string().nullish(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
  timeAdded: z.string().nullish(),
});

export const containerPortSchema = z.looseObject({
  containerPort: z.number().int(),
  hostPort: z.number().int().nullish(),
  hostIP: z.string().nullish(),
  protocol: z.string().nullish(),
  name: z.string().nullish(),
});
export const resourceRequirementsSchema = z.looseObject({
  requests: resourceListSchema.nullish(),
  limits: resourceListSchema.nullish(),
});
export const containerSchema = z.looseObject({
  name: z.string(),
  image: z.string().nullish(),
  resources: resourceRequirementsSchema.nullish(),
  ports: z.array(containerPortSchema).nullish(),
  restartPolicy: z.string().nullish(),
});

export const topologySpreadConstraintSchema = z.looseObject({
  maxSkew: z.number().int(),
  topologyKey: z.string(),
  whenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway']),
  labelSelector: labelSelectorSchema.nullish(),
  minDomains: z.number().int().nullish(),
  nodeAffinityPolicy: z.enum(['Honor', 'Ignore']).nullish(),
  nodeTaintsPolicy: z.enum(['Honor', 'Ignore']).nullish(),
  matchLabelKeys: z.array(z.string()).nullish(),
});

export const podSpecSchema = z.looseObject({
  containers: z.array(containerSchema).nullish(),
  initContainers: z.array(containerSchema).nullish(),
  overhead: resourceListSchema.nullish(),
  resources: resourceRequirementsSchema.nullish(),
  nodeName: z.string().nullish(),
  nodeSelector: stringMap.nullish(),
  affinity: affinitySchema.nullish(),
  tolerations: z.array(tolerationSchema).nullish(),
  schedulerName: z.string().nullish(),
  priority: z.number().int().nullish(),
  priorityClassName: z.string().nullish(),
  preemptionPolicy: z.enum(['PreemptLowerPriority', 'Never']).nullish(),
  topologySpreadConstraints: z.array(topologySpreadConstraintSchema).nullish(),
  hostNetwork: z.boolean().nullish(),
  schedulingGates: z.array(z.looseObject({ name: z.string() })).nullish(),
  volumes: z.array(z.looseObject({ name: z.string() })).nullish(),
});
export const podStatusSchema = z.looseObject({
  phase: z.string().nullish(),
  nominatedNodeName: z.string().nullish(),
  startTime: z.string().nullish(),
});
export const podSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
  spec: podSpecSchema,
  status: podStatusSchema.nullish(),
});

export const containerImageSchema = z.looseObject({
  names: z.array(z.string()).nullish(),
  sizeBytes: z.number().nullish(),
});
export const nodeSpecSchema = z.looseObject({
  unschedulable: z.boolean().nullish(),
  taints: z.array(taintSchema).nullish(),
  podCIDR: z.string().nullish(),
});
export const nodeStatusSchema = z.looseObject({
  capacity: resourceListSchema.nullish(),
  allocatable: resourceListSchema.nullish(),
  images: z.array(containerImageSchema).nullish(),
  conditions: z.array(z.looseObject({ type: z.string(), status: z.string() })).nullish(),
});
export const nodeSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
  spec: nodeSpecSchema.nullish(),
  status: nodeStatusSchema.nullish(),
});

export type ObjectMeta = z.infer<typeof objectMetaSchema>;
export type LabelSelector = z.infer<typeof labelSelectorSchema>;
export type LabelSelectorRequirement = z.infer<typeof labelSelectorRequirementSchema>;
export type NodeSelector = z.infer<typeof nodeSelectorSchema>;
export type NodeSelectorTerm = z.infer<typeof nodeSelectorTermSchema>;
export type NodeSelectorRequirement = z.infer<typeof nodeSelectorRequirementSchema>;
export type PreferredSchedulingTerm = z.infer<typeof preferredSchedulingTermSchema>;
export type Affinity = z.infer<typeof affinitySchema>;
export type PodAffinityTerm = z.infer<typeof podAffinityTermSchema>;
export type WeightedPodAffinityTerm = z.infer<typeof weightedPodAffinityTermSchema>;
export type Toleration = z.infer<typeof tolerationSchema>;
export type Taint = z.infer<typeof taintSchema>;
export type Container = z.infer<typeof containerSchema>;
export type ContainerPort = z.infer<typeof containerPortSchema>;
export type TopologySpreadConstraint = z.infer<typeof topologySpreadConstraintSchema>;
export type Pod = z.infer<typeof podSchema>;
export type Node = z.infer<typeof nodeSchema>;

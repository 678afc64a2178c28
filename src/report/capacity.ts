/**
 * `podfit capacity` answers, in cluster-capacity's shapes: the ClusterCapacityReview object
 * (`-o json|yaml`, the fields and names of cluster-capacity's pkg/framework/report.go, so a
 * program reading its JSON reads podfit's) and the text report ("The cluster can schedule N
 * instance(s) of the pod NAME.", "Termination reason: ...", with --verbose the requirements and the
 * per-node distribution). podfit's additions come after cluster-capacity's fields and lines:
 * per-template stop reasons and replica counts, preempted pods, and the remaining capacity.
 */
import type { Container, Pod } from '../api/k8s.js';
import { addExact, canonicalQuantity, parseQuantityExact, quantityFormatOf, quantityValue, type ExactQuantity, type QuantityFormat } from '../model/quantity.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY, isScalarResourceName } from '../model/resources.js';
import type { CapacityOutcome, RemainingResource, StopReason, TemplateOutcome } from '../whatif/capacity.js';

/** cluster-capacity's GPU key, misspelt as in its report.go (kept: readers of its JSON expect it). */
export const CC_GPU_RESOURCE = 'nvdia.com/gpu';
const STORAGE = 'storage';

/** cluster-capacity's Resources. */
export interface CapacityResourcesJson {
  primaryResources: Record<string, string>;
  scalarResources: Record<string, number> | null;
}

/** The ClusterCapacityReview podfit prints. */
export interface ClusterCapacityReviewJson {
  kind: 'ClusterCapacityReview';
  spec: {
    templates: Pod[];
    /** --max-limit (0: none), or the --replicas of a single template. */
    replicas: number;
    podRequirements: Array<{
      podName: string;
      resources: CapacityResourcesJson;
      limits: CapacityResourcesJson;
      nodeSelectors: Record<string, string> | null;
    }>;
  };
  status: {
    creationTimestamp: string;
    /** Clones placed, over all templates. */
    replicas: number;
    /** The stop reason of the last template (cluster-capacity runs one). */
    failReason: { failType: string; failMessage: string };
    pods: Array<{
      podName: string;
      replicasOnNodes: Array<{ nodeName: string; replicas: number }>;
      failSummary: Array<{ reason: string; count: number }> | null;
      /** podfit: this template's own stop reason, its --replicas and how many of them did not fit. */
      failReason: { failType: string; failMessage: string };
      requestedReplicas?: number;
      unscheduledReplicas?: number;
      /** podfit: pods the clones preempted (--priority / --preemption). */
      preempted?: Array<{ pod: string; node: string; priority: number; by: string }>;
    }>;
    /** podfit: the cluster's capacity left per resource after the run (sums over nodes). */
    remainingCapacity: Record<string, { allocatable: string; requested: string; free: string }>;
    nodes: number;
  };
}

/** Resource sums of one list field (requests or limits) over the regular containers, as cluster-capacity computes them. */
function containerResources(pod: Pod, field: 'requests' | 'limits'): CapacityResourcesJson {
  type Sum = { q: ExactQuantity; format: QuantityFormat };
  const zero = (format: QuantityFormat): Sum => ({ q: { num: 0n, den: 1n }, format });
  const primary = new Map<string, Sum>([
    [CPU, zero('DecimalSI')], [MEMORY, zero('BinarySI')], [STORAGE, zero('BinarySI')], [EPHEMERAL_STORAGE, zero('BinarySI')], [CC_GPU_RESOURCE, zero('DecimalSI')],
  ]);
  let scalar: Record<string, number> | null = null;
  for (const c of (pod.spec.containers ?? []) as Container[]) {
    const list = (c.resources?.[field] ?? {}) as Record<string, string | number | null>;
    for (const [name, raw] of Object.entries(list)) {
      if (raw === null || raw === undefined) continue;
      const q = parseQuantityExact(raw);
      const cur = name === CC_GPU_RESOURCE ? undefined : primary.get(name);
      if (cur) {
        // Quantity.Add keeps the receiver's format: the container's.
        primary.set(name, { q: addExact(q, cur.q), format: quantityFormatOf(raw) });
      } else if (isScalarResourceName(name)) {
        scalar ??= {};
        scalar[name] = (scalar[name] ?? 0) + quantityValue(q);
      }
    }
  }
  const primaryResources: Record<string, string> = {};
  for (const name of [...primary.keys()].sort()) {
    const s = primary.get(name)!;
    primaryResources[name] = canonicalQuantity(s.q, s.format);
  }
  return { primaryResources, scalarResources: scalar };
}

/** A resource amount in base units (cpu millicores) as a Quantity string. */
export function amountText(resource: string, amount: number): string {
  const q: ExactQuantity = resource === CPU ? { num: BigInt(amount), den: 1000n } : { num: BigInt(amount), den: 1n };
  const binary = resource === MEMORY || resource === EPHEMERAL_STORAGE || resource.startsWith('hugepages-');
  return canonicalQuantity(q, binary ? 'BinarySI' : 'DecimalSI');
}

const reasonJson = (s: StopReason) => ({ failType: s.type, failMessage: s.message });

/** The ClusterCapacityReview of a run. */
export function capacityReview(outcome: CapacityOutcome, opts: { maxLimit?: number; now?: Date } = {}): ClusterCapacityReviewJson {
  const ts = outcome.templates;
  const single = ts.length === 1 ? ts[0]!.template.replicas : undefined;
  const last = ts[ts.length - 1];
  const remaining: ClusterCapacityReviewJson['status']['remainingCapacity'] = {};
  for (const r of outcome.remaining) {
    remaining[r.resource] = { allocatable: amountText(r.resource, r.allocatable), requested: amountText(r.resource, r.requested), free: amountText(r.resource, r.free) };
  }
  return {
    kind: 'ClusterCapacityReview',
    spec: {
      templates: ts.map((t) => t.template.info.pod),
      replicas: single ?? opts.maxLimit ?? 0,
      podRequirements: ts.map((t) => {
        const pod = t.template.info.pod;
        return {
          podName: t.template.info.name,
          resources: containerResources(pod, 'requests'),
          limits: containerResources(pod, 'limits'),
          nodeSelectors: pod.spec.nodeSelector && Object.keys(pod.spec.nodeSelector).length > 0 ? { ...pod.spec.nodeSelector } : null,
        };
      }),
    },
    status: {
      creationTimestamp: (opts.now ?? new Date()).toISOString(),
      replicas: ts.reduce((n, t) => n + t.placed, 0),
      failReason: last ? reasonJson(last.stop) : { failType: '', failMessage: '' },
      pods: ts.map((t) => ({
        podName: t.template.info.name,
        replicasOnNodes: [...t.replicasOnNodes].map(([nodeName, replicas]) => ({ nodeName, replicas })),
        failSummary: t.failSummary.size > 0 ? [...t.failSummary].map(([reason, count]) => ({ reason, count })) : null,
        failReason: reasonJson(t.stop),
        ...(t.template.replicas !== undefined ? { requestedReplicas: t.template.replicas, unscheduledReplicas: t.notPlaced } : {}),
        ...(t.evicted.length > 0 ? { preempted: t.evicted.map((e) => ({ ...e })) } : {}),
      })),
      remainingCapacity: remaining,
      nodes: outcome.nodes,
    },
  };
}

/** labels.SelectorFromSet(set).String(): `k=v` pairs sorted by key, comma separated. */
function selectorText(set: Record<string, string>): string {
  return Object.keys(set).sort().map((k) => `${k}=${set[k]}`).join(',');
}

function requirementsText(t: TemplateOutcome, req: ClusterCapacityReviewJson['spec']['podRequirements'][number]): string {
  const p = req.resources.primaryResources;
  let s = `${t.template.info.name} pod requirements:\n\t- CPU: ${p[CPU]}\n\t- Memory: ${p[MEMORY]}\n`;
  if (p[EPHEMERAL_STORAGE] !== '0') s += `\t- Ephemeral Storage: ${p[EPHEMERAL_STORAGE]}\n`;
  for (const [name, v] of Object.entries(req.resources.scalarResources ?? {})) s += `\t- ${name}: ${v}\n`;
  if (req.nodeSelectors) s += `\t- NodeSelector: ${selectorText(req.nodeSelectors)}\n`;
  return s + '\n';
}

function remainingText(rs: readonly RemainingResource[], nodes: number): string {
  if (rs.length === 0) return '';
  let s = `\nRemaining capacity (${nodes} node(s)):\n`;
  for (const r of rs) s += `\t- ${r.resource}: ${amountText(r.resource, r.free)} free of ${amountText(r.resource, r.allocatable)} allocatable\n`;
  return s;
}

/** The text report (cluster-capacity's pretty print, then podfit's additions). */
export function capacityText(outcome: CapacityOutcome, review: ClusterCapacityReviewJson, verbose: boolean): string {
  const ts = outcome.templates;
  let s = '';
  if (verbose) ts.forEach((t, i) => { s += requirementsText(t, review.spec.podRequirements[i]!); });
  for (const t of ts) {
    s += `The cluster can schedule ${t.placed} instance(s) of the pod ${t.template.info.name}.\n`;
    if (t.template.replicas !== undefined && t.notPlaced > 0) {
      s += `${t.notPlaced} of the ${t.template.replicas} requested instance(s) of the pod ${t.template.info.name} did not fit.\n`;
    }
  }
  s += '\n';
  if (ts.length === 1) s += `Termination reason: ${ts[0]!.stop.type}: ${ts[0]!.stop.message}\n`;
  else for (const t of ts) s += `Termination reason (${t.template.info.name}): ${t.stop.type}: ${t.stop.message}\n`;
  const evicted = ts.flatMap((t) => t.evicted);
  if (evicted.length > 0) {
    s += `\nThe clones preempted ${evicted.length} pod(s) of lower priority${verbose ? ':' : '.'}\n`;
    if (verbose) for (const e of evicted) s += `\t- ${e.pod} (priority ${e.priority}) on ${e.node}, by ${e.by}\n`;
  }
  if (verbose && ts.some((t) => t.placed > 0)) {
    for (const t of ts) {
      if (t.failSummary.size === 0) continue;
      s += 'fit failure summary on nodes: ';
      for (const [reason, count] of t.failSummary) s += `${reason} (${count}), `;
      s += '\n';
    }
    s += '\nPod distribution among nodes:\n';
    for (const t of ts) {
      s += `${t.template.info.name}\n`;
      for (const [node, n] of t.replicasOnNodes) s += `\t- ${node}: ${n} instance(s)\n`;
    }
  }
  return s + remainingText(outcome.remaining, outcome.nodes);
}

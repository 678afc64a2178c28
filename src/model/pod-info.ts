/**
 * PodInfo: a pod decoded once into what the scheduler needs (integer requests, ports,
 * tolerations, affinity), so no plugin re-parses quantities or walks containers per node.
 */
import type { Affinity, Container, Pod, Toleration, TopologySpreadConstraint } from '../api/k8s.js';
import type { Placement } from './cluster-state.js';
import { keyHash } from './keyed-table.js';
import { parseQuantityExact, QuantityError, type ExactQuantity } from './quantity.js';
import { ModelInputError } from './errors.js';
import { invalidValueMessage, requestLimitProblem, resourceQuantityProblem } from './resource-validation.js';
import { CPU, MEMORY, isTrackedResource, type ResourceList } from './resources.js';
import { DEFAULT_MEMORY_REQUEST_BYTES, DEFAULT_MILLI_CPU_REQUEST } from './limits.js';

/** A host port a pod claims (NodePorts). */
export interface HostPort {
  readonly hostIP: string;
  readonly protocol: string;
  readonly port: number;
}

/** Everything the scheduler reads of a pod, computed once. */
export interface PodInfo {
  /** `<namespace>/<name>`. */
  readonly key: string;
  /** keyHash(key) (model/keyed-table.ts), computed once: the state's tables look the pod up by it. */
  readonly keyHash: number;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly pod: Pod;
  readonly labels: Readonly<Record<string, string>>;
  /** Resolved priority (spec.priority, else 0; PriorityClass resolution happens at load). */
  priority: number;
  /** Fit-filter requests (kube PodRequests): cpu milli, others base units; only non-zero entries. */
  readonly requests: ResourceList;
  /** Scoring requests with kube's non-zero defaults for missing cpu/memory keys. */
  readonly nonZeroCpuMilli: number;
  readonly nonZeroMemoryBytes: number;
  readonly hostPorts: readonly HostPort[];
  readonly tolerations: readonly Toleration[];
  readonly nodeSelector: Readonly<Record<string, string>> | undefined;
  readonly affinity: Affinity | undefined;
  readonly topologySpreadConstraints: readonly TopologySpreadConstraint[];
  readonly schedulerName: string;
  /** spec.nodeName, when bound (or asked for). */
  readonly nodeName: string | undefined;
  /** Container images of init + regular containers, in spec order. */
  readonly images: readonly string[];
  /** Creation time in ms since epoch (0 when absent): queue order and preemption tie-breaks. */
  readonly creationMs: number;
  /** Sidecars (restartPolicy Always init containers) present. */
  readonly hasRestartableInit: boolean;
  /**
   * The pod's class key (podClassKey), computed on first use or set by whoever clones the pod
   * from a template (every clone of one template has the same key).
   */
  classKey?: string;
  /**
   * Cloned from a template (capacity, bench and what-if clones): more pods of its class follow,
   * so class batching builds on the first one instead of waiting for the second.
   */
  cloned?: boolean;
  /**
   * The placement of the ClusterState that placed this pod last, while that state holds it (its
   * own bookkeeping, written only by model/cluster-state.ts): the state finds the pod's placement
   * from the pod without a keyed lookup. Another state (a clone sharing the PodInfo) finds it by key.
   */
  placement?: Placement;
}

/**
 * A pod's class: pods with equal keys differ only in identity (name, uid, generateName,
 * timestamps, resourceVersion), as the clones of a template or the replicas of a workload do.
 * The key is everything else of the object, so any field a plugin might read keeps two pods apart
 * (a missed match costs a cycle, never a wrong answer). Class batching and worker speculation
 * share one decision among the pods of a class.
 */
export function podClassKey(info: PodInfo): string {
  return (info.classKey ??= classKeyOf(info.pod));
}

/** The class key of a Pod object (see podClassKey). */
export function classKeyOf(pod: Pod): string {
  const { name: _n, uid: _u, generateName: _g, creationTimestamp: _c, resourceVersion: _r, managedFields: _m, selfLink: _s, ...meta } =
    pod.metadata as Pod['metadata'] & Record<string, unknown>;
  return JSON.stringify([pod.apiVersion ?? null, pod.kind ?? null, meta, pod.spec ?? null, pod.status ?? null]);
}

/** Exact rational accumulator for request sums (denominators are powers of ten). */
class Amount {
  constructor(public num = 0n, public den = 1n) {}
  static of(q: ExactQuantity): Amount {
    return new Amount(q.num, q.den);
  }
  add(o: Amount): Amount {
    if (this.den === o.den) return new Amount(this.num + o.num, this.den);
    const den = this.den > o.den ? this.den : o.den;
    return new Amount(this.num * (den / this.den) + o.num * (den / o.den), den);
  }
  cmp(o: Amount): number {
    const a = this.num * o.den;
    const b = o.num * this.den;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  /** MilliValue (cpu) or Value (others), rounded up away from zero. */
  toInt(milli: boolean): number {
    let n = milli ? this.num * 1000n : this.num;
    const neg = n < 0n;
    if (neg) n = -n;
    let q = n / this.den;
    if (q * this.den !== n) q += 1n;
    return Number(neg ? -q : q);
  }
}

type AmountList = Map<string, Amount>;

function addInto(dst: AmountList, src: AmountList): void {
  for (const [k, v] of src) {
    const cur = dst.get(k);
    dst.set(k, cur ? cur.add(v) : v);
  }
}
function maxInto(dst: AmountList, src: AmountList): void {
  for (const [k, v] of src) {
    const cur = dst.get(k);
    if (!cur || v.cmp(cur) > 0) dst.set(k, v);
  }
}

function parseList(
  list: Record<string, string | number | null> | null | undefined,
  where: string,
  field: string,
): AmountList {
  const out: AmountList = new Map();
  if (!list) return out;
  for (const [name, raw] of Object.entries(list)) {
    if (raw === null) continue;
    let q: ExactQuantity;
    try {
      q = parseQuantityExact(raw);
    } catch (e) {
      if (e instanceof QuantityError) {
        throw new ModelInputError(`${where}: invalid quantity ${JSON.stringify(raw)} at ${field}.${name}: ${e.message}`, `${field}.${name}`);
      }
      throw e;
    }
    const problem = resourceQuantityProblem(name, q);
    if (problem) throw new ModelInputError(`${where}: ${invalidValueMessage(`${field}.${name}`, raw, problem)}`, `${field}.${name}`);
    out.set(name, Amount.of(q));
  }
  return out;
}

/**
 * A container's effective requests: requests, with limits filling missing keys (API-server
 * defaulting); a request above its limit is refused as the API server's validation does.
 */
function containerRequests(c: Container, where: string, field: string): AmountList {
  const req = parseList(c.resources?.requests, where, `${field}.resources.requests`);
  const lim = parseList(c.resources?.limits, where, `${field}.resources.limits`);
  for (const [k, v] of lim) {
    const r = req.get(k);
    if (!r) {
      req.set(k, v);
      continue;
    }
    const problem = requestLimitProblem(k, r, v, c.resources!.limits![k]!);
    if (problem) {
      const path = `${field}.resources.requests`;
      throw new ModelInputError(`${where}: ${invalidValueMessage(path, c.resources!.requests![k]!, problem)}`, path);
    }
  }
  return req;
}

function withNonMissing(reqs: AmountList, defaults: AmountList | undefined): AmountList {
  if (!defaults) return reqs;
  const out: AmountList = new Map(reqs);
  for (const [k, v] of defaults) if (!reqs.has(k)) out.set(k, v);
  return out;
}

/**
 * kube's resourcehelper.PodRequests: regular containers summed; init containers walked in order,
 * sidecars (restartPolicy Always) added to the running sum and to every later init container's
 * peak; result = max(sum, max init peak) + overhead. `nonMissing` applies kube's per-container
 * defaults for missing keys (scoring only).
 */
function podRequestsExact(pod: Pod, where: string, nonMissing?: AmountList): AmountList {
  const reqs: AmountList = new Map();
  const containers = pod.spec.containers ?? [];
  containers.forEach((c, i) => addInto(reqs, withNonMissing(containerRequests(c, where, `spec.containers[${i}]`), nonMissing)));
  const restartableSum: AmountList = new Map();
  const initPeak: AmountList = new Map();
  (pod.spec.initContainers ?? []).forEach((c, i) => {
    const cReqs = withNonMissing(containerRequests(c, where, `spec.initContainers[${i}]`), nonMissing);
    if (c.restartPolicy === 'Always') {
      addInto(reqs, cReqs);
      addInto(restartableSum, cReqs);
      maxInto(initPeak, restartableSum);
    } else {
      const t: AmountList = new Map(cReqs);
      addInto(t, restartableSum);
      maxInto(initPeak, t);
    }
  });
  maxInto(reqs, initPeak);
  addInto(reqs, parseList(pod.spec.overhead, where, 'spec.overhead'));
  return reqs;
}

const NON_MISSING: AmountList = new Map([
  [CPU, new Amount(BigInt(DEFAULT_MILLI_CPU_REQUEST), 1000n)],
  [MEMORY, new Amount(BigInt(DEFAULT_MEMORY_REQUEST_BYTES), 1n)],
]);

function toResourceList(list: AmountList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of list) {
    if (!isTrackedResource(k)) continue;
    const n = v.toInt(k === CPU);
    if (n !== 0) out.set(k, n);
  }
  return out;
}

/** Pod requests as the Fit filter sees them (integers, zero entries dropped). */
export function computePodRequests(pod: Pod, where = podKey(pod)): ResourceList {
  return toResourceList(podRequestsExact(pod, where));
}

/** Non-zero cpu/memory requests used by Fit scoring and NonZeroRequested. */
export function computeNonZeroRequests(pod: Pod, where = podKey(pod)): { cpuMilli: number; memoryBytes: number } {
  const r = podRequestsExact(pod, where, NON_MISSING);
  return { cpuMilli: r.get(CPU)?.toInt(true) ?? 0, memoryBytes: r.get(MEMORY)?.toInt(false) ?? 0 };
}

/** `<namespace>/<name>` with kube's default namespace. */
export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace || 'default'}/${pod.metadata.name ?? pod.metadata.generateName ?? ''}`;
}

function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const visit = (cs: readonly Container[] | null | undefined) => {
    for (const c of cs ?? []) {
      for (const p of c.ports ?? []) {
        if (!p.hostPort || p.hostPort <= 0) continue;
        out.push({ hostIP: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
      }
    }
  };
  // kube v1.32 counts regular containers only (NodePorts getContainerPorts and
  // NodeInfo.updateUsedPorts); restartable init containers' ports are counted from v1.34
  // (PR #132040, backported to a 1.33 patch), so sidecars are deliberately left out here.
  visit(pod.spec.containers);
  return out;
}

/**
 * The Pod as kept in PodInfo: without metadata.managedFields and the container statuses, which
 * nothing in podfit reads and which are most of a pod's size as the API server lists it
 * (managedFields alone is often 1-3 KB a pod). The pod is returned as is when it has neither.
 */
export function storedPod(pod: Pod): Pod {
  const meta = pod.metadata as Pod['metadata'] & { managedFields?: unknown };
  const st = pod.status as (Pod['status'] & Record<string, unknown>) | undefined;
  const statuses = st !== undefined && st !== null && (st.containerStatuses !== undefined || st.initContainerStatuses !== undefined || st.ephemeralContainerStatuses !== undefined);
  if (meta.managedFields === undefined && !statuses) return pod;
  const { managedFields: _m, ...metadata } = meta;
  const out = { ...pod, metadata } as Pod;
  if (statuses) {
    const { containerStatuses: _c, initContainerStatuses: _i, ephemeralContainerStatuses: _e, ...rest } = st!;
    out.status = rest as Pod['status'];
  }
  return out;
}

/** Decodes a (validated) Pod into a PodInfo. Throws ModelInputError naming the field on bad quantities. */
export function makePodInfo(pod: Pod): PodInfo {
  pod = storedPod(pod);
  const key = podKey(pod);
  const where = `pod ${key}`;
  const nz = computeNonZeroRequests(pod, where);
  const images: string[] = [];
  for (const c of pod.spec.initContainers ?? []) if (c.image) images.push(c.image);
  for (const c of pod.spec.containers ?? []) if (c.image) images.push(c.image);
  const created = pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : 0;
  return {
    key,
    keyHash: keyHash(key),
    namespace: pod.metadata.namespace || 'default',
    name: pod.metadata.name ?? '',
    uid: pod.metadata.uid ?? '',
    pod,
    labels: pod.metadata.labels ?? {},
    priority: pod.spec.priority ?? 0,
    requests: computePodRequests(pod, where),
    nonZeroCpuMilli: nz.cpuMilli,
    nonZeroMemoryBytes: nz.memoryBytes,
    hostPorts: hostPortsOf(pod),
    tolerations: pod.spec.tolerations ?? [],
    nodeSelector: pod.spec.nodeSelector ?? undefined,
    affinity: pod.spec.affinity ?? undefined,
    topologySpreadConstraints: pod.spec.topologySpreadConstraints ?? [],
    schedulerName: pod.spec.schedulerName || 'default-scheduler',
    nodeName: pod.spec.nodeName || undefined,
    images,
    creationMs: Number.isFinite(created) ? created : 0,
    hasRestartableInit: (pod.spec.initContainers ?? []).some((c) => c.restartPolicy === 'Always'),
    classKey: undefined,
    cloned: false,
    placement: undefined,
  };
}

/**
 * The clone of a decoded template under a new identity (name and uid; namespace, spec and the
 * rest shared): what a capacity run or a what-if places thousands of times. Only the identity
 * differs, so nothing is re-decoded, and the clone belongs to its template's class
 * (podClassKey) and is marked `cloned`. The Pod object gets its own metadata and status objects
 * (a clone's status may carry its nominatedNodeName); the spec is shared and never written.
 */
export function clonePodInfo(template: PodInfo, name: string, uid: string): PodInfo {
  const src = template.pod;
  const pod: Pod = { apiVersion: src.apiVersion, kind: src.kind, metadata: { ...src.metadata, name, uid }, spec: src.spec, status: { ...src.status } };
  const key = `${template.namespace}/${name}`;
  // Every field spelled out (not a spread of the template): the clone gets the same object shape
  // as a decoded pod, and building it is a plain allocation, several times cheaper than a spread.
  return {
    key,
    keyHash: keyHash(key),
    namespace: template.namespace,
    name,
    uid,
    pod,
    labels: template.labels,
    priority: template.priority,
    requests: template.requests,
    nonZeroCpuMilli: template.nonZeroCpuMilli,
    nonZeroMemoryBytes: template.nonZeroMemoryBytes,
    hostPorts: template.hostPorts,
    tolerations: template.tolerations,
    nodeSelector: template.nodeSelector,
    affinity: template.affinity,
    topologySpreadConstraints: template.topologySpreadConstraints,
    schedulerName: template.schedulerName,
    nodeName: template.nodeName,
    images: template.images,
    creationMs: template.creationMs,
    hasRestartableInit: template.hasRestartableInit,
    classKey: podClassKey(template),
    cloned: true,
    placement: undefined,
  };
}

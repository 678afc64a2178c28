/**
 * Fluent builders for tests, after kube's st.MakePod()/MakeNode() (pkg/scheduler/testing).
 * They produce plain Kubernetes objects (the same shapes kubectl prints), so tests exercise the
 * real decoding path.
 */
import type { Node, Pod, Taint, Toleration, Affinity, TopologySpreadConstraint, Container } from '../../src/api/k8s.js';

type Res = Record<string, string | number>;

export class PodBuilder {
  readonly obj: Pod;
  constructor(name = 'pod', namespace = 'default') {
    this.obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid: `uid-${namespace}-${name}` }, spec: { containers: [] }, status: {} };
  }
  name(n: string): this { this.obj.metadata.name = n; this.obj.metadata.uid = `uid-${this.obj.metadata.namespace}-${n}`; return this; }
  namespace(ns: string): this { this.obj.metadata.namespace = ns; return this; }
  uid(u: string): this { this.obj.metadata.uid = u; return this; }
  label(k: string, v: string): this { (this.obj.metadata.labels ??= {})[k] = v; return this; }
  labels(l: Record<string, string>): this { for (const [k, v] of Object.entries(l)) this.label(k, v); return this; }
  /** Adds a container with these requests (kube's Req). */
  req(requests: Res, image?: string): this {
    const c: Container = { name: `c${this.obj.spec.containers!.length}`, resources: { requests: { ...requests } } };
    if (image) c.image = image;
    this.obj.spec.containers!.push(c);
    return this;
  }
  /** Adds a container with requests and limits. */
  reqLim(requests: Res, limits: Res): this {
    this.obj.spec.containers!.push({ name: `c${this.obj.spec.containers!.length}`, resources: { requests: { ...requests }, limits: { ...limits } } });
    return this;
  }
  /** Adds a container (raw). */
  container(c: Partial<Container>): this { this.obj.spec.containers!.push({ name: `c${this.obj.spec.containers!.length}`, ...c }); return this; }
  /** Adds an init container with these requests; `sidecar` sets restartPolicy Always. */
  initReq(requests: Res, sidecar = false): this {
    const c: Container = { name: `i${(this.obj.spec.initContainers ??= []).length}`, resources: { requests: { ...requests } } };
    if (sidecar) c.restartPolicy = 'Always';
    this.obj.spec.initContainers!.push(c);
    return this;
  }
  overhead(o: Res): this { this.obj.spec.overhead = { ...o }; return this; }
  image(img: string): this { this.obj.spec.containers!.push({ name: `c${this.obj.spec.containers!.length}`, image: img }); return this; }
  hostPort(port: number, protocol = 'TCP', hostIP = ''): this {
    this.obj.spec.containers!.push({ name: `c${this.obj.spec.containers!.length}`, ports: [{ containerPort: port, hostPort: port, protocol, ...(hostIP ? { hostIP } : {}) }] });
    return this;
  }
  nodeName(n: string): this { this.obj.spec.nodeName = n; return this; }
  nodeSelector(s: Record<string, string>): this { this.obj.spec.nodeSelector = { ...s }; return this; }
  affinity(a: Affinity): this { this.obj.spec.affinity = a; return this; }
  toleration(t: Toleration): this { (this.obj.spec.tolerations ??= []).push(t); return this; }
  priority(p: number): this { this.obj.spec.priority = p; return this; }
  schedulerName(s: string): this { this.obj.spec.schedulerName = s; return this; }
  spreadConstraint(c: TopologySpreadConstraint): this { (this.obj.spec.topologySpreadConstraints ??= []).push(c); return this; }
  phase(p: string): this { this.obj.status = { ...(this.obj.status ?? {}), phase: p }; return this; }
  created(iso: string): this { this.obj.metadata.creationTimestamp = iso; return this; }
  nominatedNodeName(n: string): this { this.obj.status = { ...(this.obj.status ?? {}), nominatedNodeName: n }; return this; }
  build(): Pod { return structuredClone(this.obj); }
}

export class NodeBuilder {
  readonly obj: Node;
  constructor(name = 'node') {
    this.obj = { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {}, status: { allocatable: {}, capacity: {} } };
  }
  name(n: string): this { this.obj.metadata.name = n; return this; }
  label(k: string, v: string): this { (this.obj.metadata.labels ??= {})[k] = v; return this; }
  labels(l: Record<string, string>): this { for (const [k, v] of Object.entries(l)) this.label(k, v); return this; }
  /** Sets allocatable (and capacity) — kube's Capacity() in st builders sets both. */
  capacity(r: Res): this { this.obj.status!.allocatable = { ...r }; this.obj.status!.capacity = { ...r }; return this; }
  allocatable(r: Res): this { this.obj.status!.allocatable = { ...r }; return this; }
  taint(t: Taint): this { (this.obj.spec!.taints ??= []).push(t); return this; }
  unschedulable(u = true): this { this.obj.spec!.unschedulable = u; return this; }
  images(list: Array<{ names: string[]; sizeBytes: number }>): this { this.obj.status!.images = list; return this; }
  build(): Node { return structuredClone(this.obj); }
}

/** kube's st.MakePod(). */
export const makePod = (name?: string, namespace?: string) => new PodBuilder(name, namespace);
/** kube's st.MakeNode(). */
export const makeNode = (name?: string) => new NodeBuilder(name);

/**
 * ClusterState: nodes (in input order), the pods on each, and the NodeTable holding every
 * resource number. All mutations are O(resources) on the table; the plugins read NodeInfo for
 * labels/taints/ports/images and the table for numbers.
 */
import type { Node, Taint } from '../api/k8s.js';
import { parseQuantityExact, quantityMilliValue, quantityValue, QuantityError, type ExactQuantity } from './quantity.js';
import { invalidValueMessage, resourceQuantityProblem } from './resource-validation.js';
import { ModelInputError } from './errors.js';
import { CPU, isTrackedResource, PODS, type ResourceList } from './resources.js';
import { CPU_SLOT, MEMORY_SLOT, NodeTable, PODS_SLOT, type TableMemory } from './node-table.js';
import { KeyedTable } from './keyed-table.js';
import { PLACEMENT_LOG_SIZE } from './limits.js';
import type { HostPort, PodInfo } from './pod-info.js';

/** Label keys unique per node, ignored when grouping nodes into classes. */
export const PER_NODE_LABELS: ReadonlySet<string> = new Set(['kubernetes.io/hostname']);

/** One node: identity, labels, taints, its pods. Resource numbers live in the NodeTable row. */
export interface NodeInfo {
  readonly name: string;
  node: Node;
  labels: Readonly<Record<string, string>>;
  taints: readonly Taint[];
  unschedulable: boolean;
  /** Row in the NodeTable; stable for the node's lifetime. */
  readonly row: number;
  /** Insertion sequence number: sorting by it gives input (node) order. */
  readonly seq: number;
  /** Node class: nodes with equal labels (minus per-node ones), taints and unschedulable flag. */
  classId: number;
  /** Pods on the node, bound and assumed. */
  readonly pods: PodInfo[];
  /** Host ports in use. */
  readonly usedPorts: HostPort[];
  /** Image name -> size in bytes, from status.images. */
  images: Map<string, number>;
  /** Bumped on every change to the node or its pods. */
  generation: number;
}

/** A node class: the shared label/taint view that label and taint plugins evaluate once. */
export interface NodeClass {
  readonly id: number;
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  /** Number of live nodes in this class. */
  members: number;
}

/**
 * The Node as kept in NodeInfo: what the scheduler reads after writeNode (name, labels, spec,
 * allocatable/capacity). The rest of a real Node (status.images, already copied into
 * NodeInfo.images; conditions, addresses, nodeInfo, annotations, managedFields) is most of its
 * size, ~10 KB a node, and nothing reads it.
 */
export function storedNode(node: Node): Node {
  const { annotations: _a, managedFields: _m, ...metadata } = node.metadata as Node['metadata'] & { annotations?: unknown; managedFields?: unknown };
  const st = node.status;
  return { ...node, metadata, status: st ? { allocatable: st.allocatable, capacity: st.capacity } : st } as Node;
}

/** Allocatable as integers (cpu milli), by resource name. */
export function nodeAllocatable(node: Node): Map<string, number> {
  const name = node.metadata.name ?? '';
  const src = node.status?.allocatable ?? node.status?.capacity ?? {};
  const field = node.status?.allocatable ? 'status.allocatable' : 'status.capacity';
  const out = new Map<string, number>();
  for (const [k, raw] of Object.entries(src)) {
    if (raw === null || !isTrackedResource(k)) continue;
    let q: ExactQuantity;
    try {
      q = parseQuantityExact(raw);
    } catch (e) {
      if (e instanceof QuantityError) {
        throw new ModelInputError(`node ${name}: invalid quantity ${JSON.stringify(raw)} at ${field}.${k}: ${e.message}`, `${field}.${k}`);
      }
      throw e;
    }
    // The API server refuses such a node (ValidateResourceQuantityValue); a negative amount would count as room.
    const problem = resourceQuantityProblem(k, q);
    if (problem) throw new ModelInputError(`node ${name}: ${invalidValueMessage(`${field}.${k}`, raw, problem)}`, `${field}.${k}`);
    out.set(k, k === CPU ? quantityMilliValue(q) : quantityValue(q));
  }
  return out;
}

function classKeyOf(labels: Record<string, string>, taints: readonly Taint[], unschedulable: boolean): string {
  const ls = Object.keys(labels)
    .filter((k) => !PER_NODE_LABELS.has(k))
    .sort()
    .map((k) => [k, labels[k]]);
  const ts = taints.map((t) => [t.key, t.value ?? '', t.effect]);
  return JSON.stringify([ls, ts, unschedulable]);
}

/** A placed pod: its node, and whether it is only assumed (not yet confirmed bound). */
export interface Placement {
  readonly pod: PodInfo;
  readonly node: NodeInfo;
  assumed: boolean;
  /** The state holding it (a pod's `placement` is this state's when `owner` is). */
  readonly owner: ClusterState;
  /** The topology index's slot for it (model/topology-index.ts); -1 until indexed. */
  indexSlot: number;
}

/**
 * Observer of pod placements (derived indexes such as the topology index keep themselves current
 * with it). Called after the state changed; a removed node reports each of its pods first. The
 * placement object is the state's own, the same from add to remove (an index may keep it).
 */
export interface PodListener {
  onPodAdded(placement: Placement): void;
  onPodRemoved(placement: Placement): void;
}

/** The cluster as the scheduler sees it. */
export class ClusterState {
  readonly table: NodeTable;
  /** Nodes in input order (the order every plugin and selectHost sees). */
  readonly nodes: NodeInfo[] = [];
  private readonly byName = new Map<string, NodeInfo>();
  private readonly freeRows: number[] = [];
  private nextRow = 0;
  private nextSeq = 0;
  /** Pods bound or assumed to a node, by key. */
  private readonly placed = new KeyedTable<Placement>((p) => p.pod.key);
  readonly classes: NodeClass[] = [];
  private readonly classByKey = new Map<string, NodeClass>();
  /** image name -> number of nodes having it (ImageLocality's spread factor). */
  readonly imageNodeCount = new Map<string, number>();
  /** Each image name of imageNodeCount, as the one string the node image maps share. */
  private readonly imageNames = new Map<string, string>();
  /** Bumped on every mutation. */
  generation = 0;
  /** Bumped when the node set, node order or any node's class changes (not on pod changes). */
  nodeGeneration = 0;
  private readonly podListeners: PodListener[] = [];
  /**
   * The placement log (placementsSince): the last PLACEMENT_LOG_SIZE placements and removals, by
   * placementSeq, kept from the first call of keepPlacementLog on (logStart); null until then
   * (most runs never read it, and its writes are the cost of every placement).
   */
  private logPlacements: Array<Placement | undefined> | null = null;
  private logDeltas: Int8Array | null = null;
  private logStart = 0;
  /** Placements and removals of pods so far (the placement log's clock). */
  placementSeq = 0;

  constructor(memory?: TableMemory) {
    this.table = new NodeTable(memory);
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  getNode(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  /** Registers a placement observer (kept for the state's lifetime). */
  addPodListener(l: PodListener): void {
    this.podListeners.push(l);
  }

  /**
   * Visits, in order, the placements (+1) and removals (-1) of pods since the log's clock read
   * `seq` (a removed node's pods count as removals). False, having visited nothing, when the log no
   * longer holds them all (more than PLACEMENT_LOG_SIZE since), or when `visit` returns false (it
   * stops there).
   */
  placementsSince(seq: number, visit: (placement: Placement, delta: 1 | -1) => boolean): boolean {
    const end = this.placementSeq;
    if (seq > end || end - seq > PLACEMENT_LOG_SIZE) return false;
    if (seq === end) return true;
    const log = this.logPlacements;
    const deltas = this.logDeltas;
    if (log === null || deltas === null || seq < this.logStart) return false;
    for (let q = seq; q < end; q++) {
      const i = q % PLACEMENT_LOG_SIZE;
      if (!visit(log[i]!, deltas[i] as 1 | -1)) return false;
    }
    return true;
  }

  /** Starts (or keeps) the placement log: placementsSince answers for every clock reading from now on. */
  keepPlacementLog(): void {
    if (this.logPlacements !== null) return;
    this.logPlacements = new Array<Placement | undefined>(PLACEMENT_LOG_SIZE);
    this.logDeltas = new Int8Array(PLACEMENT_LOG_SIZE);
    this.logStart = this.placementSeq;
  }

  private logPlacement(p: Placement, delta: 1 | -1): void {
    const log = this.logPlacements;
    if (log !== null) {
      const i = this.placementSeq % PLACEMENT_LOG_SIZE;
      log[i] = p;
      this.logDeltas![i] = delta;
    }
    this.placementSeq++;
  }

  /** A capacity hint: `count` more placements are coming (a bulk load, a benchmark's pods). */
  reservePlacements(count: number): void {
    this.placed.reserve(this.placed.size + count);
  }

  /** Where a pod is placed (bound or assumed), if anywhere. */
  placementOf(podKey: string): Placement | undefined {
    return this.placed.get(podKey);
  }

  /** All placed pods (bound and assumed). */
  *placedPods(): IterableIterator<Placement> {
    yield* this.placed.values();
  }

  private classFor(labels: Record<string, string>, taints: readonly Taint[], unschedulable: boolean): NodeClass {
    const key = classKeyOf(labels, taints, unschedulable);
    let c = this.classByKey.get(key);
    if (!c) {
      const shared: Record<string, string> = {};
      for (const k of Object.keys(labels)) if (!PER_NODE_LABELS.has(k)) shared[k] = labels[k]!;
      c = { id: this.classes.length, key, labels: shared, taints, unschedulable, members: 0 };
      this.classes.push(c);
      this.classByKey.set(key, c);
    }
    return c;
  }

  private writeNode(info: NodeInfo, node: Node): void {
    const t = this.table;
    const alloc = nodeAllocatable(node);
    for (const name of alloc.keys()) t.slotFor(name);
    t.ensure(info.row + 1);
    for (let s = 0; s < t.slotCount; s++) t.setAllocatable(s, info.row, 0);
    for (const [name, v] of alloc) t.setAllocatable(t.slots.slotOf(name), info.row, v);
    info.node = storedNode(node);
    info.labels = node.metadata.labels ?? {};
    info.taints = node.spec?.taints ?? [];
    info.unschedulable = node.spec?.unschedulable ?? false;
    const cls = this.classFor(info.labels as Record<string, string>, info.taints, info.unschedulable);
    cls.members++;
    info.classId = cls.id;
    for (const img of info.images.keys()) this.bumpImage(img, -1);
    info.images = new Map();
    for (const im of node.status?.images ?? []) {
      for (const n of im.names ?? []) info.images.set(this.imageName(n), im.sizeBytes ?? 0);
    }
    for (const img of info.images.keys()) this.bumpImage(img, 1);
    info.generation++;
    t.touch(info.row);
    this.generation++;
    this.nodeGeneration++;
  }

  private bumpImage(img: string, d: number): void {
    const n = (this.imageNodeCount.get(img) ?? 0) + d;
    if (n <= 0) {
      this.imageNodeCount.delete(img);
      this.imageNames.delete(img);
    } else this.imageNodeCount.set(img, n);
  }

  /**
   * One string per distinct image name, shared by every node's image map: a parsed Node list has
   * its own copy of each name per node (50 names of ~100 bytes on a typical node, most of them on
   * many nodes), ~5 KB a node otherwise.
   */
  private imageName(name: string): string {
    const known = this.imageNames.get(name);
    if (known !== undefined) return known;
    this.imageNames.set(name, name);
    return name;
  }

  /** Adds a node at the end of the node order. Throws ModelInputError on a duplicate or bad quantity. */
  addNode(node: Node): NodeInfo {
    const name = node.metadata.name;
    if (!name) throw new ModelInputError('node without metadata.name', 'metadata.name');
    if (this.byName.has(name)) throw new ModelInputError(`duplicate node ${name}`, 'metadata.name');
    nodeAllocatable(node); // validate before touching anything
    const row = this.freeRows.pop() ?? this.nextRow++;
    this.table.ensure(row + 1);
    this.table.clearRow(row);
    const info: NodeInfo = {
      name, node, labels: {}, taints: [], unschedulable: false, row, seq: this.nextSeq++, classId: -1,
      pods: emptyObjectArray<PodInfo>(), usedPorts: emptyObjectArray<HostPort>(), images: new Map(), generation: 0,
    };
    this.writeNode(info, node);
    this.nodes.push(info);
    this.byName.set(name, info);
    return info;
  }

  /** Replaces a node object (labels, taints, allocatable) keeping its pods and place in order. */
  updateNode(node: Node): NodeInfo {
    const info = this.byName.get(node.metadata.name ?? '');
    if (!info) return this.addNode(node);
    nodeAllocatable(node);
    const cls = this.classes[info.classId];
    if (cls) cls.members--;
    this.writeNode(info, node);
    return info;
  }

  /** Removes a node and forgets its pods' placements. */
  removeNode(name: string): void {
    const info = this.byName.get(name);
    if (!info) return;
    for (const p of info.pods) {
      const placement = this.placed.delete(p.key, p.keyHash);
      if (!placement) continue;
      if (p.placement === placement) p.placement = undefined;
      this.logPlacement(placement, -1);
      for (const l of this.podListeners) l.onPodRemoved(placement);
    }
    for (const img of info.images.keys()) this.bumpImage(img, -1);
    const cls = this.classes[info.classId];
    if (cls) cls.members--;
    this.byName.delete(name);
    this.nodes.splice(this.nodes.indexOf(info), 1);
    this.table.clearRow(info.row);
    this.freeRows.push(info.row);
    this.generation++;
    this.nodeGeneration++;
  }

  private applyPod(info: NodeInfo, pod: PodInfo, sign: 1 | -1): void {
    const t = this.table;
    const row = info.row;
    if (pod.requests !== this.requestsOf || t.layoutVersion !== this.requestsLayout) this.resolveRequests(pod.requests);
    // Cell access, not column views: a view would allocate a subarray per resource per assume.
    t.applyRequests(row, this.requestSlots, this.requestAmounts, pod.nonZeroCpuMilli, pod.nonZeroMemoryBytes, sign);
    info.generation++;
    this.generation++;
  }

  /**
   * applyPod's table slots and amounts of the last requests it applied (the clones of a template,
   * the replicas of a run share one requests map), for the table layout they were resolved on.
   */
  private requestsOf: ResourceList | null = null;
  private requestsLayout = -1;
  private readonly requestSlots: number[] = [];
  private readonly requestAmounts: number[] = [];

  private resolveRequests(requests: ResourceList): void {
    const t = this.table;
    this.requestSlots.length = 0;
    this.requestAmounts.length = 0;
    for (const [name, v] of requests) {
      if (name === PODS) continue;
      this.requestSlots.push(t.slotFor(name)); // slotFor may re-lay out the table first
      this.requestAmounts.push(v);
    }
    this.requestsOf = requests;
    this.requestsLayout = t.layoutVersion;
  }

  /**
   * Places a pod on a node (bound, or assumed when `assumed`). Replaces an earlier placement of
   * its key. Returns the placement (the state's own object, as listeners see it).
   */
  addPod(pod: PodInfo, nodeName: string, assumed = false): Placement {
    const info = this.byName.get(nodeName);
    if (!info) throw new ModelInputError(`pod ${pod.key}: node ${nodeName} not found`, 'spec.nodeName');
    return this.addPodTo(pod, info, assumed);
  }

  /** addPod onto a node the caller holds (one of this state's `nodes`): no lookup by name. */
  addPodTo(pod: PodInfo, info: NodeInfo, assumed = false): Placement {
    // The same PodInfo placed here already is found from the pod; another PodInfo of its key by key.
    const own = this.ownPlacement(pod);
    if (own !== undefined) this.unplace(own);
    else {
      const other = this.placed.get(pod.key, pod.keyHash);
      if (other !== undefined) this.unplace(other);
    }
    info.pods.push(pod);
    // Indexed loops on the per-pod path: for-of builds an iterator, slow until the JIT gets to it.
    const ports = pod.hostPorts;
    for (let i = 0; i < ports.length; i++) info.usedPorts.push(ports[i]!);
    this.applyPod(info, pod, 1);
    const placement: Placement = { pod, node: info, assumed, owner: this, indexSlot: -1 };
    this.placed.set(placement, pod.keyHash);
    pod.placement = placement;
    this.logPlacement(placement, 1);
    const listeners = this.podListeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]!.onPodAdded(placement);
    return placement;
  }

  /** The pod's placement in this state when this PodInfo is the one placed (no keyed lookup). */
  private ownPlacement(pod: PodInfo): Placement | undefined {
    const p = pod.placement;
    return p !== undefined && p.owner === this ? p : undefined;
  }

  /** Where this pod (this PodInfo, or another of its key) is placed, if anywhere. */
  placementOfPod(pod: PodInfo): Placement | undefined {
    // ownPlacement spelled out: every commit confirms through here, one call instead of two.
    const own = pod.placement;
    return own !== undefined && own.owner === this ? own : this.placed.get(pod.key, pod.keyHash);
  }

  /** Removes a placed pod; returns false if it was not placed. */
  removePod(podKey: string): boolean {
    const p = this.placed.get(podKey);
    if (!p) return false;
    this.unplace(p);
    return true;
  }

  /** Removes the pod of a placement of this state. */
  private unplace(p: Placement): void {
    const info = p.node;
    const i = info.pods.indexOf(p.pod);
    if (i >= 0) info.pods.splice(i, 1);
    for (const hp of p.pod.hostPorts) {
      const j = info.usedPorts.indexOf(hp);
      if (j >= 0) info.usedPorts.splice(j, 1);
    }
    this.applyPod(info, p.pod, -1);
    this.placed.delete(p.pod.key, p.pod.keyHash);
    if (p.pod.placement === p) p.pod.placement = undefined;
    this.logPlacement(p, -1);
    for (const l of this.podListeners) l.onPodRemoved(p);
  }

  /** Confirms a pod placed on `nodeName` (true), or does nothing when it is not placed there (false). */
  confirmOn(pod: PodInfo, nodeName: string): boolean {
    const p = this.placementOfPod(pod);
    if (p === undefined || p.node.name !== nodeName) return false;
    p.assumed = false;
    return true;
  }

  /** Marks an assumed pod as confirmed (bound by the API). */
  confirm(pod: PodInfo): void {
    const p = this.placementOfPod(pod);
    if (p) p.assumed = false;
  }

  /**
   * A copy for a what-if question (DESIGN "Capacity planning": a column copy, not a deep copy of
   * objects): the same nodes in the same order on the same rows and classes, the same placements,
   * the NodeTable's columns copied into `memory`. Objects nothing changes in place (Node objects,
   * labels, taints, image maps, PodInfos) are shared; what mutations change (node infos, their pod
   * and port lists, placements, classes' member counts) is copied. Placement listeners are not:
   * the schedulers built on the copy register their own. O(nodes + placed pods).
   */
  clone(memory?: TableMemory): ClusterState {
    const c = new ClusterState(memory);
    c.table.copyFrom(this.table);
    c.nextRow = this.nextRow;
    c.nextSeq = this.nextSeq;
    for (const r of this.freeRows) c.freeRows.push(r);
    for (const cls of this.classes) {
      const copy: NodeClass = { ...cls };
      c.classes.push(copy);
      c.classByKey.set(copy.key, copy);
    }
    for (const [img, n] of this.imageNodeCount) c.imageNodeCount.set(img, n);
    for (const [img, name] of this.imageNames) c.imageNames.set(img, name);
    for (const n of this.nodes) {
      const info: NodeInfo = {
        name: n.name, node: n.node, labels: n.labels, taints: n.taints, unschedulable: n.unschedulable, row: n.row, seq: n.seq,
        classId: n.classId, pods: [...n.pods], usedPorts: [...n.usedPorts], images: n.images, generation: n.generation,
      };
      c.nodes.push(info);
      c.byName.set(info.name, info);
    }
    // The copy's own placement objects (`owner` is the copy: a shared PodInfo's `placement` stays the
    // source's, and the copy finds its own by key).
    for (const p of this.placed.values()) {
      c.placed.set({ pod: p.pod, node: c.byName.get(p.node.name)!, assumed: p.assumed, owner: c, indexSlot: -1 }, p.pod.keyHash);
    }
    c.generation = this.generation;
    c.nodeGeneration = this.nodeGeneration;
    return c;
  }

  /** Convenience readers for tests and reports. */
  allocatableOf(node: NodeInfo, resource: string): number {
    const s = this.table.slots.slotOf(resource);
    return s < 0 || s >= this.table.slotCount ? 0 : this.table.getAllocatable(s, node.row);
  }
  requestedOf(node: NodeInfo, resource: string): number {
    const s = this.table.slots.slotOf(resource);
    return s < 0 || s >= this.table.slotCount ? 0 : this.table.getRequested(s, node.row);
  }
  nonZeroRequestedOf(node: NodeInfo): { cpuMilli: number; memoryBytes: number } {
    return { cpuMilli: this.table.getNonZeroCpu(node.row), memoryBytes: this.table.getNonZeroMemory(node.row) };
  }
}

export { CPU_SLOT, MEMORY_SLOT };

/**
 * An empty array whose elements are objects from the start. V8 makes `[]` an array of small
 * integers and changes its kind at the first object pushed; every node's first pod did that, and
 * the per-pod path optimized before a node got its first pod was thrown away (deoptimized) there.
 * A copy of an array that held an object keeps the object kind.
 */
function emptyObjectArray<T>(): T[] {
  return OBJECT_KIND.slice() as T[];
}
const OBJECT_KIND: unknown[] = [{}];
OBJECT_KIND.length = 0;

/**
 * TopologyIndex: what PodTopologySpread and InterPodAffinity need to know about the pods already
 * placed, kept current as pods are added and removed (ClusterState's PodListener), so that one
 * scheduling cycle costs in proportion to the nodes and to the pod's own terms, not to every pod
 * in the cluster:
 *
 * - an inverted index namespace -> label key -> label value -> pods, so a selector only visits
 *   the pods that carry one of its labels (unrelated pods are never looked at);
 * - per-query node counts ("how many pods in namespace N matching selector S sit on each node"),
 *   computed once through the inverted index and then updated on every add/remove, so a workload's
 *   replicas scheduled one after another each pay O(nodes), not O(replicas);
 * - the pods that have (anti-)affinity terms, and extensions plugins register to index derived
 *   data (InterPodAffinity indexes existing pods' terms by the labels they select).
 *
 * The model knows nothing of selectors: callers describe a query by a cache key, a label hint
 * (a label every matching pod must have) and a predicate.
 */
import type { ClusterState, NodeInfo, PodListener } from './cluster-state.js';
import type { PodInfo } from './pod-info.js';
import { TOPOLOGY_KEYS_CACHED_MAX, TOPOLOGY_QUERY_CACHE_MAX } from './limits.js';

/** A placed pod and its node. */
export interface IndexedPod {
  readonly pod: PodInfo;
  readonly node: NodeInfo;
  /** Its place in its namespace's list of pods (the index's own; -1 while not indexed). */
  indexSlot: number;
}

/**
 * The pods of one namespace in the order they were placed: an array with holes where pods left
 * (compacted when the holes outnumber the pods), each pod knowing its slot. Adding and removing a
 * pod touch one array cell, where a Set of tens of thousands of pods hashes and probes.
 */
class PodList implements Iterable<IndexedPod> {
  private items: (IndexedPod | undefined)[] = [];
  size = 0;

  add(e: IndexedPod): void {
    e.indexSlot = this.items.length;
    this.items.push(e);
    this.size++;
  }

  delete(e: IndexedPod): void {
    const i = e.indexSlot;
    if (i < 0 || this.items[i] !== e) return;
    this.items[i] = undefined;
    e.indexSlot = -1;
    this.size--;
    if (this.items.length > 2 * this.size + 64) this.compact();
  }

  private compact(): void {
    const out: IndexedPod[] = [];
    for (const e of this.items) {
      if (e === undefined) continue;
      e.indexSlot = out.length;
      out.push(e);
    }
    this.items = out;
  }

  *[Symbol.iterator](): Iterator<IndexedPod> {
    const items = this.items;
    for (let i = 0; i < items.length; i++) {
      const e = items[i];
      if (e !== undefined) yield e;
    }
  }
}

/** A label every pod matching a query carries: one of `values`, or any value when null. */
export interface LabelHint {
  readonly key: string;
  readonly values: readonly string[] | null;
}

/** A pod predicate with what the index needs to answer it without visiting unrelated pods. */
export interface PodQuery {
  /** Cache identity: two queries with equal keys must match exactly the same pods. */
  readonly key: string;
  /** Namespaces matching pods are in; null = any namespace. */
  readonly namespaces: ReadonlySet<string> | null;
  /** A label matching pods carry, or null (every pod of the namespaces is a candidate). */
  readonly hint: LabelHint | null;
  /** The full predicate (namespace, labels, terminating state). */
  matches(pod: PodInfo): boolean;
}

/** Derived data kept in step with the placed pods (created once per state, fed every change). */
export interface IndexExtension {
  onAdd(e: IndexedPod): void;
  onRemove(e: IndexedPod): void;
}

/** Counters for tests and benchmarks: how much pod-level work the index did. */
export interface TopologyIndexStats {
  /** Predicate evaluations while answering queries (cold counts, forEachMatching). */
  queryPodChecks: number;
  /** Predicate evaluations while keeping cached counts current on add/remove. */
  maintenancePodChecks: number;
  /** Queries answered from the cache. */
  cacheHits: number;
  /** Queries computed through the inverted index. */
  cacheMisses: number;
}

interface NamespaceBucket {
  readonly all: PodList;
  /** label key -> label value -> pods. */
  readonly byLabel: Map<string, Map<string, Set<IndexedPod>>>;
}

interface CachedCounts {
  readonly query: PodQuery;
  /** Matching pods per node row. */
  rows: Int32Array;
  lastUse: number;
}

/** kube's podWithAffinity: any pod (anti-)affinity. */
export function hasPodAffinity(pod: PodInfo): boolean {
  const a = pod.affinity;
  return a != null && (a.podAffinity != null || a.podAntiAffinity != null);
}

/** kube's podWithRequiredAntiAffinity. */
export function hasRequiredAntiAffinity(pod: PodInfo): boolean {
  return (pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
}

/** A node's value id in TopologyValues: the node lacks the label. */
export const NO_VALUE = -1;
/** A node's value id in TopologyValues: a value the table does not hold (a node of another node set). */
export const UNKNOWN_VALUE = -2;

/**
 * One topology key over the nodes of a state: a dense id per distinct label value and each node
 * row's id, so "which (key, value) pair is this node in" is an array read instead of a label lookup
 * and a string-keyed map. Built for one node set (ClusterState.nodeGeneration); a node handed in
 * from elsewhere (another state, labels changed since) is recognised by its labels object and
 * answered from its labels.
 */
export class TopologyValues {
  /** Value id of each node row (NO_VALUE: no node, or the node lacks the label). */
  readonly idByRow: Int32Array;
  /** The labels object each row's id was read from. */
  private readonly labelsByRow: (Readonly<Record<string, string>> | undefined)[];
  /** Label value of each id. */
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();

  constructor(readonly key: string, nodes: readonly NodeInfo[], readonly nodeGeneration: number) {
    let rows = 0;
    for (const n of nodes) if (n.row >= rows) rows = n.row + 1;
    this.idByRow = new Int32Array(rows).fill(NO_VALUE);
    this.labelsByRow = new Array(rows).fill(undefined);
    for (const n of nodes) {
      this.labelsByRow[n.row] = n.labels;
      if (!Object.hasOwn(n.labels, key)) continue;
      const v = n.labels[key]!;
      let id = this.ids.get(v);
      if (id === undefined) {
        id = this.values.length;
        this.values.push(v);
        this.ids.set(v, id);
      }
      this.idByRow[n.row] = id;
    }
  }

  /** Number of distinct values (ids are 0..size-1). */
  get size(): number {
    return this.values.length;
  }

  /** The id of a node's value: NO_VALUE when it lacks the label, UNKNOWN_VALUE for a value not in the table. */
  idOf(node: NodeInfo): number {
    const r = node.row;
    if (r < this.idByRow.length && this.labelsByRow[r] === node.labels) return this.idByRow[r]!;
    if (!Object.hasOwn(node.labels, this.key)) return NO_VALUE;
    return this.ids.get(node.labels[this.key]!) ?? UNKNOWN_VALUE;
  }
}

const INDEXES = new WeakMap<ClusterState, TopologyIndex>();

/** The per-state index of placed pods by namespace and labels, with cached per-node counts. */
export class TopologyIndex implements PodListener {
  private readonly byNamespace = new Map<string, NamespaceBucket>();
  /** Placed pods indexed. */
  private count = 0;
  /** Pods with any pod (anti-)affinity (kube NodeInfo.PodsWithAffinity, cluster-wide). */
  readonly podsWithAffinity = new Set<IndexedPod>();
  /** Pods with required anti-affinity (kube NodeInfo.PodsWithRequiredAntiAffinity). */
  readonly podsWithRequiredAntiAffinity = new Set<IndexedPod>();
  /** Grows whenever a pod with pod (anti-)affinity is added or removed (podsWithAffinity moves). */
  affinityGeneration = 0;
  private readonly cache = new Map<string, CachedCounts>();
  /** The cache's entries and the extensions as arrays: every placement visits them (no iterator objects). */
  private cached: CachedCounts[] = [];
  /** Pods added and not yet in byNamespace (flushAdded). */
  private added: IndexedPod[] = [];
  private readonly extensions = new Map<string, IndexExtension>();
  private readonly extensionList: IndexExtension[] = [];
  private readonly topology = new Map<string, TopologyValues>();
  private useClock = 0;
  readonly stats: TopologyIndexStats = { queryPodChecks: 0, maintenancePodChecks: 0, cacheHits: 0, cacheMisses: 0 };

  private constructor(private readonly state: ClusterState) {
    for (const p of state.placedPods()) this.onPodAdded(p);
    state.addPodListener(this);
  }

  /** The index of a state, created (and subscribed) on first use. */
  static of(state: ClusterState): TopologyIndex {
    let ix = INDEXES.get(state);
    if (!ix) {
      ix = new TopologyIndex(state);
      INDEXES.set(state, ix);
    }
    return ix;
  }

  /** Number of placed pods indexed. */
  get size(): number {
    return this.count;
  }

  onPodAdded(e: IndexedPod): void {
    const pod = e.pod;
    const node = e.node;
    this.count++;
    // Indexed by namespace and labels when a query first needs it (flushAdded): a run of
    // placements nobody queries (pods without terms among pods without terms) pays an append.
    this.added.push(e);
    if (hasPodAffinity(pod)) {
      this.podsWithAffinity.add(e);
      this.affinityGeneration++;
      if (hasRequiredAntiAffinity(pod)) this.podsWithRequiredAntiAffinity.add(e);
    }
    const cached = this.cached;
    for (let i = 0; i < cached.length; i++) {
      const c = cached[i]!;
      this.stats.maintenancePodChecks++;
      if (c.query.matches(pod)) {
        if (node.row >= c.rows.length) c.rows = grow(c.rows, node.row + 1);
        c.rows[node.row]!++;
      }
    }
    const exts = this.extensionList;
    for (let i = 0; i < exts.length; i++) exts[i]!.onAdd(e);
  }

  /** Puts the pods added since the last call in their namespace's buckets, in the order they came. */
  private flushAdded(): void {
    const added = this.added;
    if (added.length === 0) return;
    this.added = [];
    for (let i = 0; i < added.length; i++) {
      const e = added[i]!;
      const pod = e.pod;
      const b = this.bucket(pod.namespace);
      b.all.add(e);
      const labels = pod.labels;
      for (const k in labels) {
        if (!Object.hasOwn(labels, k)) continue;
        let byValue = b.byLabel.get(k);
        if (!byValue) b.byLabel.set(k, (byValue = new Map()));
        const v = labels[k]!;
        let set = byValue.get(v);
        if (!set) byValue.set(v, (set = new Set()));
        set.add(e);
      }
    }
  }

  onPodRemoved(e: IndexedPod): void {
    const pod = e.pod;
    this.count--;
    this.flushAdded();
    const b = this.byNamespace.get(pod.namespace);
    if (b) {
      b.all.delete(e);
      for (const k of Object.keys(pod.labels)) {
        const byValue = b.byLabel.get(k);
        const set = byValue?.get(pod.labels[k]!);
        if (!set) continue;
        set.delete(e);
        if (set.size === 0) byValue!.delete(pod.labels[k]!);
        if (byValue!.size === 0) b.byLabel.delete(k);
      }
      if (b.all.size === 0) this.byNamespace.delete(pod.namespace);
    }
    if (this.podsWithAffinity.delete(e)) this.affinityGeneration++;
    this.podsWithRequiredAntiAffinity.delete(e);
    for (const c of this.cached) {
      this.stats.maintenancePodChecks++;
      if (c.query.matches(pod) && e.node.row < c.rows.length) c.rows[e.node.row]!--;
    }
    for (const x of this.extensionList) x.onRemove(e);
  }

  private bucket(ns: string): NamespaceBucket {
    let b = this.byNamespace.get(ns);
    if (!b) this.byNamespace.set(ns, (b = { all: new PodList(), byLabel: new Map() }));
    return b;
  }

  /**
   * Calls `fn` for every placed pod matching the query, visiting only the pods of its namespaces
   * that carry the hinted label.
   */
  forEachMatching(q: PodQuery, fn: (e: IndexedPod) => void): void {
    this.flushAdded();
    const visit = (b: NamespaceBucket) => {
      const candidates = candidatesOf(b, q.hint);
      for (const set of candidates) {
        for (const e of set) {
          this.stats.queryPodChecks++;
          if (q.matches(e.pod)) fn(e);
        }
      }
    };
    if (q.namespaces === null) {
      for (const b of this.byNamespace.values()) visit(b);
    } else {
      for (const ns of q.namespaces) {
        const b = this.byNamespace.get(ns);
        if (b) visit(b);
      }
    }
  }

  /**
   * Matching pods per node row (kube's countPodsMatchSelector on every node at once). The array
   * stays current as pods come and go; read it within the cycle that asked for it (it may be
   * reallocated later). Rows beyond its length hold 0.
   */
  countsByRow(q: PodQuery): Int32Array {
    const hit = this.cache.get(q.key);
    if (hit) {
      this.stats.cacheHits++;
      hit.lastUse = ++this.useClock;
      return hit.rows;
    }
    this.stats.cacheMisses++;
    let rows = new Int32Array(Math.max(this.state.table.capacity, 1));
    this.forEachMatching(q, (e) => {
      if (e.node.row >= rows.length) rows = grow(rows, e.node.row + 1);
      rows[e.node.row]!++;
    });
    if (this.cache.size >= TOPOLOGY_QUERY_CACHE_MAX) this.evictOldest();
    const entry: CachedCounts = { query: q, rows, lastUse: ++this.useClock };
    this.cache.set(q.key, entry);
    this.cached.push(entry);
    return rows;
  }

  private evictOldest(): void {
    let oldestKey: string | undefined;
    let oldest = Infinity;
    for (const [k, c] of this.cache) {
      if (c.lastUse < oldest) {
        oldest = c.lastUse;
        oldestKey = k;
      }
    }
    if (oldestKey !== undefined) {
      const gone = this.cache.get(oldestKey);
      this.cache.delete(oldestKey);
      this.cached = this.cached.filter((c) => c !== gone);
    }
  }

  /** Number of cached queries. */
  get cachedQueries(): number {
    return this.cache.size;
  }

  /**
   * The value ids of a topology key over the current nodes (rebuilt, O(nodes), after the node set
   * or any node's labels changed).
   */
  topologyValues(key: string): TopologyValues {
    const gen = this.state.nodeGeneration;
    const hit = this.topology.get(key);
    if (hit && hit.nodeGeneration === gen) return hit;
    const tv = new TopologyValues(key, this.state.nodes, gen);
    this.topology.delete(key);
    if (this.topology.size >= TOPOLOGY_KEYS_CACHED_MAX) this.topology.delete(this.topology.keys().next().value!);
    this.topology.set(key, tv);
    return tv;
  }

  /**
   * The extension registered under `name`, created with `create` and fed every placed pod on
   * first use; afterwards it sees every add and remove.
   */
  extension<T extends IndexExtension>(name: string, create: () => T): T {
    let x = this.extensions.get(name) as T | undefined;
    if (!x) {
      x = create();
      for (const e of this.state.placedPods()) x.onAdd(e);
      this.extensions.set(name, x);
      this.extensionList.push(x);
    }
    return x;
  }
}

function candidatesOf(b: NamespaceBucket, hint: LabelHint | null): Iterable<Iterable<IndexedPod>> {
  if (hint === null) return [b.all];
  const byValue = b.byLabel.get(hint.key);
  if (!byValue) return [];
  if (hint.values === null) return byValue.values();
  const out: Set<IndexedPod>[] = [];
  for (const v of new Set(hint.values)) {
    const s = byValue.get(v);
    if (s) out.push(s);
  }
  return out;
}

function grow(a: Int32Array, min: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}

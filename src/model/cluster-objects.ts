/**
 * The cluster objects besides Nodes and Pods that scheduling reads, decoded once from a snapshot
 * (at the edge, by api/objects.ts's decodeClusterObjects):
 * Namespaces (InterPodAffinity namespaceSelector), Services / ReplicaSets / StatefulSets /
 * ReplicationControllers (PodTopologySpread's system default selector), PodDisruptionBudgets
 * (preemption) and PriorityClasses (pod priority, applied as the Priority admission plugin does).
 */
import type { Pod } from '../api/k8s.js';
import type {
  Namespace,
  PodDisruptionBudget,
  PriorityClass,
  ReplicaSet,
  ReplicationController,
  Service,
  StatefulSet,
} from '../api/k8s-extra.js';
import type { PodInfo } from './pod-info.js';

/** Label set of a namespace. */
export type NamespaceLabels = Readonly<Record<string, string>>;

/** kube's preemption policies (core/v1 PreemptionPolicy). */
export type PreemptionPolicy = 'PreemptLowerPriority' | 'Never';

/** The label the API server puts on every namespace (kube's LabelMetadataName). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The PriorityClasses every cluster has (kube's scheduling.SystemPriorityClasses), so pods naming
 * them resolve even when the snapshot does not list PriorityClass objects.
 */
export const SYSTEM_PRIORITY_CLASSES: ReadonlyMap<string, number> = new Map([
  ['system-node-critical', 2000001000],
  ['system-cluster-critical', 2000000000],
]);

/** kube's DefaultPriorityWhenNoDefaultClassExists. */
export const DEFAULT_PRIORITY = 0;

const key = (ns: string | undefined, name: string) => `${ns || 'default'}/${name}`;

/** Decoded extra objects, with the lookups the scheduler needs. */
export class ClusterObjects {
  private readonly namespaces = new Map<string, NamespaceLabels>();
  private readonly services = new Map<string, Service[]>();
  private readonly replicaSets = new Map<string, ReplicaSet>();
  private readonly statefulSets = new Map<string, StatefulSet>();
  private readonly replicationControllers = new Map<string, ReplicationController>();
  /** PodDisruptionBudgets in input order. */
  readonly pdbs: PodDisruptionBudget[] = [];
  /** PriorityClasses by name (input objects; system classes are looked up separately). */
  readonly priorityClasses = new Map<string, PriorityClass>();
  /** Problems found while decoding or admitting (not fatal). */
  readonly warnings: string[] = [];
  /**
   * Bumped by every change of what plugins read (Namespaces, Services, ReplicaSets, StatefulSets,
   * ReplicationControllers): state derived from them (a class batch's default spreading
   * selector) is stale when it moved.
   */
  generation = 0;
  /** defaultPriorityClass's answer, null until asked after a PriorityClass was added (admission asks once per pod). */
  private defaultClass: PriorityClass | undefined | null = null;

  /** Adds a Namespace (the API server's `kubernetes.io/metadata.name` label is added if absent). */
  addNamespace(ns: Namespace): void {
    const name = ns.metadata.name;
    this.generation++;
    this.namespaces.set(name, { ...(ns.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: name });
  }
  addService(s: Service): void {
    const k = s.metadata.namespace || 'default';
    this.generation++;
    const list = this.services.get(k) ?? [];
    list.push(s);
    this.services.set(k, list);
  }
  /** Removes a Service (churn deletes what it created); false when there was none. */
  removeService(namespace: string, name: string): boolean {
    const list = this.services.get(namespace || 'default');
    const i = list ? list.findIndex((s) => s.metadata.name === name) : -1;
    if (i < 0) return false;
    list!.splice(i, 1);
    this.generation++;
    return true;
  }
  addReplicaSet(o: ReplicaSet): void {
    this.generation++;
    this.replicaSets.set(key(o.metadata.namespace, o.metadata.name), o);
  }
  addStatefulSet(o: StatefulSet): void {
    this.generation++;
    this.statefulSets.set(key(o.metadata.namespace, o.metadata.name), o);
  }
  addReplicationController(o: ReplicationController): void {
    this.generation++;
    this.replicationControllers.set(key(o.metadata.namespace, o.metadata.name), o);
  }
  addPodDisruptionBudget(o: PodDisruptionBudget): void {
    this.pdbs.push(o);
  }
  addPriorityClass(o: PriorityClass): void {
    this.priorityClasses.set(o.metadata.name, o);
    this.defaultClass = null;
  }

  /**
   * A copy whose additions do not show in this one (a what-if question's own cluster): the maps
   * and lists are copied, the decoded objects in them shared (nothing changes them in place).
   */
  clone(): ClusterObjects {
    const c = new ClusterObjects();
    for (const [k, v] of this.namespaces) c.namespaces.set(k, v);
    for (const [k, v] of this.services) c.services.set(k, [...v]);
    for (const [k, v] of this.replicaSets) c.replicaSets.set(k, v);
    for (const [k, v] of this.statefulSets) c.statefulSets.set(k, v);
    for (const [k, v] of this.replicationControllers) c.replicationControllers.set(k, v);
    for (const p of this.pdbs) c.pdbs.push(p);
    for (const [k, v] of this.priorityClasses) c.priorityClasses.set(k, v);
    for (const w of this.warnings) c.warnings.push(w);
    return c;
  }

  /** Services of a namespace, in input order. */
  servicesIn(namespace: string): readonly Service[] {
    return this.services.get(namespace) ?? [];
  }
  replicaSet(namespace: string, name: string): ReplicaSet | undefined {
    return this.replicaSets.get(key(namespace, name));
  }
  statefulSet(namespace: string, name: string): StatefulSet | undefined {
    return this.statefulSets.get(key(namespace, name));
  }
  replicationController(namespace: string, name: string): ReplicationController | undefined {
    return this.replicationControllers.get(key(namespace, name));
  }

  /**
   * Makes a namespace known (a pod lives in it). Snapshots rarely list Namespace objects, yet
   * every namespace holding pods exists in the real cluster with at least the
   * `kubernetes.io/metadata.name` label; this is what namespaceSelectors then see.
   */
  noteNamespace(name: string): void {
    if (this.namespaces.has(name)) return;
    this.generation++;
    this.namespaces.set(name, { [NAMESPACE_NAME_LABEL]: name });
  }

  /** A namespace's labels (kube's GetNamespaceLabelsSnapshot), undefined when unknown. */
  namespaceLabels(name: string): NamespaceLabels | undefined {
    return this.namespaces.get(name);
  }

  /** Known namespaces with their labels, in first-seen order (kube's namespace lister). */
  allNamespaces(): IterableIterator<[string, NamespaceLabels]> {
    return this.namespaces.entries();
  }

  /**
   * kube's getDefaultPriorityClass: the globalDefault class with the lowest value (several can
   * exist after a race), or undefined.
   */
  defaultPriorityClass(): PriorityClass | undefined {
    if (this.defaultClass !== null) return this.defaultClass;
    let best: PriorityClass | undefined;
    for (const pc of this.priorityClasses.values()) {
      if (pc.globalDefault && (best === undefined || pc.value < best.value)) best = pc;
    }
    this.defaultClass = best;
    return best;
  }

  /** Priority of a class name, or undefined when no such class exists. */
  classPriority(name: string): number | undefined {
    return this.priorityClasses.get(name)?.value ?? SYSTEM_PRIORITY_CLASSES.get(name);
  }

  /**
   * What the Priority admission plugin does for a pod without `spec.priority`: the value of its
   * priorityClassName, or of the globalDefault class, or 0. Also records the pod's namespace.
   * Sets `pod.priority`; returns a warning when the named class does not exist (the API server
   * would have rejected such a pod; podfit keeps priority 0 and says so).
   */
  admitPod(pod: PodInfo): string | undefined {
    this.noteNamespace(pod.namespace);
    const spec = pod.pod.spec;
    if (spec.priority != null) return undefined;
    const className = spec.priorityClassName;
    if (className) {
      const v = this.classPriority(className);
      if (v === undefined) {
        pod.priority = DEFAULT_PRIORITY;
        return `pod ${pod.key}: no PriorityClass with name ${className} was found; using priority ${DEFAULT_PRIORITY}`;
      }
      pod.priority = v;
      return undefined;
    }
    pod.priority = this.defaultPriorityClass()?.value ?? DEFAULT_PRIORITY;
    return undefined;
  }

  /**
   * The pod's preemption policy: spec.preemptionPolicy, else (as admission sets it) the one of
   * its PriorityClass (or the globalDefault class), else PreemptLowerPriority.
   */
  preemptionPolicyOf(pod: Pod): PreemptionPolicy {
    if (pod.spec.preemptionPolicy) return pod.spec.preemptionPolicy;
    const pc = pod.spec.priorityClassName ? this.priorityClasses.get(pod.spec.priorityClassName) : this.defaultPriorityClass();
    return pc?.preemptionPolicy ?? 'PreemptLowerPriority';
  }
}

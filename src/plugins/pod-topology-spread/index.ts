/**
 * PodTopologySpread (kube `podtopologyspread`, v1.32): PreFilter/Filter enforce the pod's
 * DoNotSchedule constraints, PreScore/Score/NormalizeScore prefer nodes by the ScheduleAnyway ones
 * (K8S-FACTS.md §5.8, §6.2). Pods without constraints get the default constraints: the System
 * ones (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) or the args' List, with a selector
 * deduced from the Services, ReplicaSets, StatefulSets and ReplicationControllers selecting the
 * pod (kube helper.DefaultSelector).
 *
 * Counting: "pods in the pod's namespace matching the constraint's selector, per node" comes from
 * the topology index (cached, incrementally maintained), so a cycle is O(nodes x constraints);
 * the per-domain sums respect nodeAffinityPolicy / nodeTaintsPolicy exactly as kube does.
 */
import type { TopologySpreadConstraint } from '../../api/k8s.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type {
  FilterPlugin, FrameworkHandle, PluginDefinition, PreFilterPlugin, PreScorePlugin, ScorePlugin,
} from '../../framework/interfaces.js';
import { SKIP, Status } from '../../framework/status.js';
import type { ClusterObjects } from '../../model/cluster-objects.js';
import { PER_NODE_LABELS, type ClusterState, type NodeInfo } from '../../model/cluster-state.js';
import type { PodInfo } from '../../model/pod-info.js';
import { NO_VALUE, TopologyIndex, type PodQuery } from '../../model/topology-index.js';
import { MAX_NODE_SCORE } from '../../model/limits.js';
import { ClassMemo } from '../shared/class-memo.js';
import {
  getRequiredNodeAffinity, labelSelectorAsSelector, requiredIsNodeSpecific, requiredNodeAffinityMatches,
  requirementsMatch, selectorFromSet, type Labels, type Requirement, type RequiredNodeAffinity,
} from '../shared/label-selector.js';
import { preFilterExtensions } from '../shared/prefilter-extensions.js';
import { podQuery, selectorRequirements } from '../shared/pod-query.js';
import { findUntoleratedTaint, isDoNotScheduleTaint } from '../shared/taints.js';
import { argsSchema, SYSTEM_DEFAULT_CONSTRAINTS, type PodTopologySpreadArgs } from './args.js';
import type { Reads } from '../../framework/traits.js';

/** kube's plugin name. */
export const NAME = 'PodTopologySpread';
/** kube's ErrReasonConstraintsNotMatch. */
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
/** kube's ErrReasonNodeLabelNotMatch (node lacks a constraint's topology key). */
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;
/** kube's v1.LabelHostname: per-node domains, counted at Score time. */
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';

const PRE_FILTER_STATE_KEY = `PreFilter${NAME}`;
const PRE_SCORE_STATE_KEY = `PreScore${NAME}`;
const CONSTRAINTS_NOT_MATCH = Status.unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
const NODE_LABEL_NOT_MATCH = Status.unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
/** kube's criticalPaths initial MatchNum (math.MaxInt32). */
const MAX_INT32 = 2147483647;

/** A constraint with its selector parsed (kube's topologySpreadConstraint). */
export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  /** Selector requirements; null = selects nothing (a nil labelSelector). */
  readonly selector: readonly Requirement[] | null;
  readonly minDomains: number;
  readonly nodeAffinityPolicy: 'Honor' | 'Ignore';
  readonly nodeTaintsPolicy: 'Honor' | 'Ignore';
}

/** Go's `labels[key]` on a map: the value, or "" when absent. */
const labelOrEmpty = (labels: Labels, key: string): string => (Object.hasOwn(labels, key) ? labels[key]! : '');

const selectorMatches = (c: SpreadConstraint, labels: Labels): boolean => c.selector !== null && requirementsMatch(c.selector, labels);

/** The pods a constraint counts (kube's countPodsMatchSelector: the pod's namespace, not terminating, the selector); null selects nothing. */
const spreadQuery = (pod: PodInfo, c: SpreadConstraint): PodQuery | null => (c.selector === null ? null : podQuery(new Set([pod.namespace]), c.selector, true));

/**
 * kube's filterTopologySpreadConstraints: the constraints with `whenUnsatisfiable == action`,
 * selector parsed, matchLabelKeys merged in (MatchLabelKeysInPodTopologySpread, on in 1.32:
 * the pod's values of those keys become Equals requirements, replacing a nil selector), and the
 * API defaults minDomains 1, nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore.
 */
export function filterConstraints(
  constraints: readonly TopologySpreadConstraint[],
  podLabels: Labels,
  action: 'DoNotSchedule' | 'ScheduleAnyway',
): { ok: true; constraints: SpreadConstraint[] } | { ok: false; error: string } {
  const out: SpreadConstraint[] = [];
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    const sel = labelSelectorAsSelector(c.labelSelector);
    if (!sel.ok) return { ok: false, error: sel.error };
    let selector = selectorRequirements(sel.selector);
    if (c.matchLabelKeys && c.matchLabelKeys.length > 0) {
      const set: Record<string, string> = {};
      let n = 0;
      for (const k of c.matchLabelKeys) {
        if (Object.hasOwn(podLabels, k)) {
          set[k] = podLabels[k]!;
          n++;
        }
      }
      // kube's mergeLabelSetWithSelector: SelectorFromSet(set) plus the selector's requirements
      // (a Nothing selector has none, so the merged selector is the set alone).
      if (n > 0) selector = [...selectorFromSet(set), ...(selector ?? [])];
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
    });
  }
  return { ok: true, constraints: out };
}

/** Go's schema.ParseGroupVersion: "" , "v1" or "group/version"; undefined on error. */
function parseGroupVersion(gv: string): { group: string; version: string } | undefined {
  if (gv.length === 0 || gv === '/') return { group: '', version: '' };
  const parts = gv.split('/');
  if (parts.length === 1) return { group: '', version: gv };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

/**
 * kube's helper.DefaultSelector: the union of the selectors of the Services in the pod's
 * namespace that select it (later ones win on equal keys), plus the selector of its controlling
 * ReplicationController (merged as labels), ReplicaSet or StatefulSet (requirements added).
 * Empty = no default spreading for this pod.
 */
export function defaultSelector(pod: PodInfo, objects: ClusterObjects | undefined): Requirement[] {
  if (!objects) return [];
  let labelSet: Record<string, string> = {};
  for (const svc of objects.servicesIn(pod.namespace)) {
    const sel = svc.spec?.selector;
    // Services with a nil selector match nothing, not everything.
    if (sel == null) continue;
    if (requirementsMatch(selectorFromSet(sel), pod.labels)) labelSet = { ...labelSet, ...sel };
  }
  let selector: Requirement[] = selectorFromSet(labelSet);
  const owner = pod.pod.metadata.ownerReferences?.find((r) => r.controller === true);
  if (!owner) return selector;
  const gv = parseGroupVersion(owner.apiVersion ?? '');
  if (!gv) return selector;
  if (gv.group === '' && gv.version === 'v1' && owner.kind === 'ReplicationController') {
    const rc = objects.replicationController(pod.namespace, owner.name);
    if (rc) {
      labelSet = { ...labelSet, ...(rc.spec?.selector ?? {}) };
      selector = selectorFromSet(labelSet);
    }
  } else if (gv.group === 'apps' && gv.version === 'v1' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
    const o = owner.kind === 'ReplicaSet' ? objects.replicaSet(pod.namespace, owner.name) : objects.statefulSet(pod.namespace, owner.name);
    if (o) {
      const other = labelSelectorAsSelector(o.spec?.selector);
      if (other.ok && other.selector.kind === 'requirements') selector = [...selector, ...other.selector.requirements];
    }
  }
  return selector;
}

/** kube's nodeLabelsMatchSpreadConstraints: the node has every constraint's topology key. */
export function nodeHasAllTopologyKeys(labels: Labels, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (!Object.hasOwn(labels, c.topologyKey)) return false;
  return true;
}

/** kube's criticalPaths: the two domains with the fewest matches (the first is the minimum). */
export class CriticalPaths {
  v0 = '';
  n0 = MAX_INT32;
  v1 = '';
  n1 = MAX_INT32;

  /** kube's criticalPaths.update (exact, including its approximation of the second slot). */
  update(tpVal: string, num: number): void {
    const i = tpVal === this.v0 ? 0 : tpVal === this.v1 ? 1 : -1;
    if (i >= 0) {
      if (i === 0) this.n0 = num;
      else this.n1 = num;
      if (this.n0 > this.n1) {
        [this.v0, this.n0, this.v1, this.n1] = [this.v1, this.n1, this.v0, this.n0];
      }
    } else if (num < this.n0) {
      this.v1 = this.v0;
      this.n1 = this.n0;
      this.v0 = tpVal;
      this.n0 = num;
    } else if (num < this.n1) {
      this.v1 = tpVal;
      this.n1 = num;
    }
  }

  clone(): CriticalPaths {
    const c = new CriticalPaths();
    c.v0 = this.v0;
    c.n0 = this.n0;
    c.v1 = this.v1;
    c.n1 = this.n1;
    return c;
  }
}

/** Which nodes count towards a constraint's domains (kube's matchNodeInclusionPolicies), memoized per node class. */
class InclusionGate {
  private readonly required: RequiredNodeAffinity;
  /** The pod's required node affinity reads per-node labels or fields: inclusion is decided per node, not per class. */
  readonly nodeSpecific: boolean;
  private readonly affinityMemo = new ClassMemo<boolean>();
  private readonly taintMemo = new ClassMemo<boolean>();

  constructor(private readonly state: ClusterState, private readonly pod: PodInfo) {
    this.required = getRequiredNodeAffinity(pod.nodeSelector, pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
    this.nodeSpecific = requiredIsNodeSpecific(this.required, PER_NODE_LABELS);
    this.affinityMemo.reset(state.classes.length);
    this.taintMemo.reset(state.classes.length);
  }

  /** The pod's nodeSelector and required node affinity match the node. */
  affinity(node: NodeInfo): boolean {
    if (this.nodeSpecific) return requiredNodeAffinityMatches(this.required, node.labels, node.name);
    return this.affinityMemo.get(node.classId, (id) => requiredNodeAffinityMatches(this.required, this.state.classes[id]!.labels, ''));
  }

  /** The pod tolerates the node's NoSchedule/NoExecute taints. */
  taints(node: NodeInfo): boolean {
    if (node.taints.length === 0) return true;
    return this.taintMemo.get(node.classId, (id) => findUntoleratedTaint(this.state.classes[id]!.taints, this.pod.tolerations, isDoNotScheduleTaint) === undefined);
  }

  /** kube's matchNodeInclusionPolicies. */
  includes(c: SpreadConstraint, node: NodeInfo): boolean {
    if (c.nodeAffinityPolicy === 'Honor' && !this.affinity(node)) return false;
    if (c.nodeTaintsPolicy === 'Honor' && !this.taints(node)) return false;
    return true;
  }
}

/** PreFilter state (kube's preFilterState): per constraint, matches per domain and the critical paths. */
export class PreFilterState {
  /** The pod's inclusion gate and, per constraint, the pods it counts (preFilterFollow), made on first use. */
  gate: InclusionGate | undefined;
  queries: Array<PodQuery | null> | undefined;

  constructor(
    readonly constraints: readonly SpreadConstraint[],
    readonly tpValueToMatchNum: Map<string, number>[],
    readonly criticalPaths: CriticalPaths[],
  ) {}

  /** kube's minMatchNum: the global minimum, 0 while fewer than minDomains domains exist. */
  minMatchNum(i: number): number {
    return this.tpValueToMatchNum[i]!.size < this.constraints[i]!.minDomains ? 0 : this.criticalPaths[i]!.n0;
  }

  /** Deep copy for preemption dry runs (constraints are shared, they never change). */
  clone(): PreFilterState {
    return new PreFilterState(this.constraints, this.tpValueToMatchNum.map((m) => new Map(m)), this.criticalPaths.map((p) => p.clone()));
  }
}

/** PreScore state (kube's preScoreState). */
interface PreScoreState {
  readonly constraints: readonly SpreadConstraint[];
  /** Filtered nodes missing a required topology key: scored 0. */
  readonly ignoredNodes: Set<NodeInfo>;
  /** Per constraint (non-hostname keys only): matching pods per domain over all eligible nodes. */
  readonly topologyValueToPodCounts: Map<string, number>[];
  /** kube's topologyNormalizingWeight: ln(domains + 2). */
  readonly weights: number[];
  /** Per constraint (non-hostname keys only): filtered, non-ignored nodes per domain (preScoreNodeFollow: a domain goes with its last one). */
  readonly domainNodes: Map<string, number>[];
  /** Filtered, non-ignored nodes (the hostname constraints' domains). */
  hostDomains: number;
  /** Per hostname constraint: pods matching on each node row, a copy (counted at Score); null for other keys. */
  readonly rows: Array<Int32Array | null>;
  /** Whether a node needs every constraint's key to count (own constraints or List defaulting). */
  readonly requireAllTopologies: boolean;
  /** Which nodes count towards the domains (the pod's inclusion policies). */
  readonly gate: InclusionGate;
  /** Per constraint, the pods it counts (null: its selector selects nothing). */
  readonly queries: ReadonlyArray<PodQuery | null>;
}

/** kube's topologyNormalizingWeight. */
export function topologyNormalizingWeight(size: number): number {
  return Math.log(size + 2);
}

/**
 * What the Filter (DoNotSchedule) or Score (ScheduleAnyway) reads for a pod: nothing when it has
 * no constraint of that kind (its own, else the profile's defaults, which apply only with a
 * selector deduced from its Services and controller), otherwise pods counted per domain.
 */
function spreadReads(pod: PodInfo, args: PodTopologySpreadArgs | undefined, objects: ClusterObjects | undefined, action: 'DoNotSchedule' | 'ScheduleAnyway'): Reads {
  const own = pod.topologySpreadConstraints;
  if (own.length > 0) return readsOf(own, action);
  const defaults = (args?.defaultingType ?? 'System') === 'System' ? SYSTEM_DEFAULT_CONSTRAINTS : (args?.defaultConstraints ?? []);
  if (readsOf(defaults, action) === 'nothing' || !objects) return 'nothing';
  // Most pods have neither a Service in their namespace nor a controller: no default selector,
  // known without building one (traits run before every decision).
  if (objects.servicesIn(pod.namespace).length === 0 && !pod.pod.metadata.ownerReferences?.some((r) => r.controller === true)) return 'nothing';
  return defaultSelector(pod, objects).length === 0 ? 'nothing' : readsOf(defaults, action);
}

/**
 * What the constraints with `whenUnsatisfiable == action` read: nothing without one; `domain` when
 * every key is a label a node class carries (a verdict or score is then the same on every node of
 * a class: it reads the node's domains and the counts per domain); `topology` with a per-node key
 * such as the hostname. A loop: traits run once per pod.
 */
function readsOf(constraints: readonly TopologySpreadConstraint[], action: string): Reads {
  let r: Reads = 'nothing';
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    if (PER_NODE_LABELS.has(c.topologyKey)) return 'topology';
    r = 'domain';
  }
  return r;
}

/** Builds the plugin. */
export function newPodTopologySpread(args: PodTopologySpreadArgs | undefined, handle: FrameworkHandle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const { state } = handle;
  const index = TopologyIndex.of(state);
  const systemDefaulted = (args?.defaultingType ?? 'System') === 'System';
  const defaultConstraints: readonly TopologySpreadConstraint[] = systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : (args?.defaultConstraints ?? []);

  const getConstraints = (pod: PodInfo, action: 'DoNotSchedule' | 'ScheduleAnyway'): { ok: true; constraints: SpreadConstraint[] } | { ok: false; error: string } => {
    if (pod.topologySpreadConstraints.length > 0) return filterConstraints(pod.topologySpreadConstraints, pod.labels, action);
    // kube's buildDefaultConstraints: default constraints get the deduced selector.
    const r = filterConstraints(defaultConstraints, pod.labels, action);
    if (!r.ok || r.constraints.length === 0) return r;
    const selector = defaultSelector(pod, handle.objects);
    if (selector.length === 0) return { ok: true, constraints: [] };
    return { ok: true, constraints: r.constraints.map((c) => ({ ...c, selector })) };
  };

  /** Pods of the pod's namespace matching a constraint, per node row (kube's countPodsMatchSelector). */
  const rowsFor = (q: PodQuery | null): Int32Array | null => (q === null ? null : index.countsByRow(q));

  const updateWithPod = (s: PreFilterState, updated: PodInfo, preemptor: PodInfo, node: NodeInfo, delta: number): void => {
    if (updated.namespace !== preemptor.namespace) return;
    if (!nodeHasAllTopologyKeys(node.labels, s.constraints)) return;
    const gate = new InclusionGate(state, preemptor);
    s.constraints.forEach((c, i) => {
      if (!selectorMatches(c, updated.labels)) return;
      if (!gate.includes(c, node)) return;
      const v = node.labels[c.topologyKey]!;
      const m = s.tpValueToMatchNum[i]!;
      const n = (m.get(v) ?? 0) + delta;
      m.set(v, n);
      s.criticalPaths[i]!.update(v, n);
    });
  };

  /**
   * The PreScore state as if `other` had been on `node` (+1) or not (-1) when PreScore ran: the
   * counting loop of preScore for one pod (same namespace, not terminating, selector, inclusion,
   * a domain with a candidate node).
   */
  const updatePreScore = (cs: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: 1 | -1): Status | null => {
    const s = cs.read<PreScoreState>(PRE_SCORE_STATE_KEY);
    if (!s) return Status.error(`error reading "${PRE_SCORE_STATE_KEY}" from cycleState: not found`);
    const counted = !s.requireAllTopologies || nodeHasAllTopologyKeys(node.labels, s.constraints);
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      // The pods preScore counted: the same query's predicate.
      const q = s.queries[i];
      if (!q || !q.matches(other)) continue;
      // Hostname constraints count the node's own pods at Score (kube: no inclusion policy there).
      const rr = s.rows[i];
      if (rr) {
        if (node.row < rr.length) rr[node.row]! += delta;
        continue;
      }
      if (c.topologyKey === LABEL_HOSTNAME || !counted || !s.gate.includes(c, node)) continue;
      const m = s.topologyValueToPodCounts[i]!;
      const v = labelOrEmpty(node.labels, c.topologyKey);
      const cur = m.get(v);
      if (cur !== undefined) m.set(v, cur + delta);
    }
    return null;
  };

  /** preScore's count of the pods in domain `v` of constraint i (over every node, as preScore sums them). */
  const domainPods = (s: PreScoreState, i: number, v: string): number => {
    const c = s.constraints[i]!;
    const q = s.queries[i];
    const rr = q ? rowsFor(q) : null;
    if (rr === null) return 0;
    let sum = 0;
    for (const node of state.nodes) {
      if (s.requireAllTopologies && !nodeHasAllTopologyKeys(node.labels, s.constraints)) continue;
      if (labelOrEmpty(node.labels, c.topologyKey) !== v || !s.gate.includes(c, node)) continue;
      if (node.row < rr.length) sum += rr[node.row]!;
    }
    return sum;
  };

  const readPreFilter = (cs: CycleState): PreFilterState | Status => {
    const s = cs.read<PreFilterState>(PRE_FILTER_STATE_KEY);
    return s ?? Status.error(`reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
  };

  return {
    name: NAME,

    preFilter(cs: CycleState, pod, nodes) {
      const r = getConstraints(pod, 'DoNotSchedule');
      if (!r.ok) return { status: Status.error(`get constraints from pod: obtaining pod's hard topology spread constraints: ${r.error}`) };
      const constraints = r.constraints;
      if (constraints.length === 0) return { status: SKIP };
      const tp = constraints.map(() => new Map<string, number>());
      const queries = constraints.map((c) => spreadQuery(pod, c));
      const rows = queries.map(rowsFor);
      const gate = new InclusionGate(state, pod);
      for (const node of nodes) {
        if (!nodeHasAllTopologyKeys(node.labels, constraints)) continue;
        for (let i = 0; i < constraints.length; i++) {
          const c = constraints[i]!;
          if (!gate.includes(c, node)) continue;
          const v = node.labels[c.topologyKey]!;
          const rr = rows[i];
          const count = rr !== null && node.row < rr!.length ? rr![node.row]! : 0;
          const m = tp[i]!;
          m.set(v, (m.get(v) ?? 0) + count);
        }
      }
      const paths = tp.map((m) => {
        const p = new CriticalPaths();
        for (const [v, n] of m) p.update(v, n);
        return p;
      });
      const st = new PreFilterState(constraints, tp, paths);
      st.gate = gate;
      st.queries = queries;
      cs.write(PRE_FILTER_STATE_KEY, st);
      return { status: null };
    },

    ...preFilterExtensions(readPreFilter, (s, pod, other, node, delta) => updateWithPod(s, other, pod, node, delta)),

    /**
     * Exact where kube's AddPod approximates: the same count as preFilter's (same namespace, not
     * terminating, selector, node with every key and included), and the critical paths computed
     * again from the counts as preFilter computes them (kube's update keeps two domains and can
     * lose the minimum).
     */
    preFilterFollow(cs, pod, other, node, delta) {
      const s = readPreFilter(cs);
      if (s instanceof Status) return s;
      if (!nodeHasAllTopologyKeys(node.labels, s.constraints)) return null;
      const gate = s.gate ?? (s.gate = new InclusionGate(state, pod));
      const queries = s.queries ?? (s.queries = s.constraints.map((c) => spreadQuery(pod, c)));
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i]!;
        // The pods preFilter counted: the same query's predicate.
        const q = queries[i];
        if (!q || !q.matches(other) || !gate.includes(c, node)) continue;
        const v = node.labels[c.topologyKey]!;
        const m = s.tpValueToMatchNum[i]!;
        m.set(v, (m.get(v) ?? 0) + delta);
        const p = new CriticalPaths();
        for (const [dv, n] of m) p.update(dv, n);
        s.criticalPaths[i] = p;
      }
      return null;
    },

    filter(cs, pod, nodes, out) {
      const s = readPreFilter(cs);
      if (s instanceof Status) {
        out.fill(s, 0, nodes.length);
        return;
      }
      const cons = s.constraints;
      if (cons.length === 0) return;
      // Per-constraint values that do not depend on the node.
      const mins = cons.map((_, i) => s.minMatchNum(i));
      const selfMatch = cons.map((c) => (selectorMatches(c, pod.labels) ? 1 : 0));
      for (let n = 0; n < nodes.length; n++) {
        const labels = nodes[n]!.labels;
        for (let i = 0; i < cons.length; i++) {
          const c = cons[i]!;
          if (!Object.hasOwn(labels, c.topologyKey)) {
            out[n] = NODE_LABEL_NOT_MATCH;
            break;
          }
          const matchNum = s.tpValueToMatchNum[i]!.get(labels[c.topologyKey]!) ?? 0;
          // 'existing matching num' + 'if self-match (1 or 0)' - 'global minimum' <= 'maxSkew'
          if (matchNum + selfMatch[i]! - mins[i]! > c.maxSkew) {
            out[n] = CONSTRAINTS_NOT_MATCH;
            break;
          }
        }
      }
    },

    preScore(cs: CycleState, pod, filteredNodes) {
      const allNodes = state.nodes;
      if (allNodes.length === 0) return SKIP;
      // Only pods with their own constraints (or List defaulting) need every topology key on a
      // node: nodes without a zone label still get hostname spreading from the System defaults.
      const requireAllTopologies = pod.topologySpreadConstraints.length > 0 || !systemDefaulted;
      const r = getConstraints(pod, 'ScheduleAnyway');
      if (!r.ok) {
        const what = pod.topologySpreadConstraints.length > 0 ? "obtaining pod's soft topology spread constraints" : 'setting default soft topology spread constraints';
        return Status.error(`calculating preScoreState: ${what}: ${r.error}`);
      }
      const constraints = r.constraints;
      if (constraints.length === 0) return SKIP;
      const ignored = new Set<NodeInfo>();
      const counts = constraints.map(() => new Map<string, number>());
      const domainNodes = constraints.map(() => new Map<string, number>());
      for (const node of filteredNodes) {
        if (requireAllTopologies && !nodeHasAllTopologyKeys(node.labels, constraints)) {
          ignored.add(node);
          continue;
        }
        for (let i = 0; i < constraints.length; i++) {
          const c = constraints[i]!;
          if (c.topologyKey === LABEL_HOSTNAME) continue;
          // A node without the key (possible with System defaults) registers the "" domain, as kube does.
          const v = labelOrEmpty(node.labels, c.topologyKey);
          const dn = domainNodes[i]!;
          const k = dn.get(v);
          if (k === undefined) {
            counts[i]!.set(v, 0);
            dn.set(v, 1);
          } else dn.set(v, k + 1);
        }
      }
      const hostDomains = filteredNodes.length - ignored.size;
      const weights = constraints.map((c, i) => topologyNormalizingWeight(c.topologyKey === LABEL_HOSTNAME ? hostDomains : domainNodes[i]!.size));
      const queries = constraints.map((c) => spreadQuery(pod, c));
      const rows = queries.map(rowsFor);
      const gate = new InclusionGate(state, pod);
      // A key node classes carry (a zone), with inclusion decided per class: the matching pods are
      // summed per class first and each class's sum added to its domain once (integers: the order
      // of the additions does not matter), instead of a label read and two map operations per node.
      const classCount = state.classes.length;
      const perClass = constraints.map((c) => (c.topologyKey === LABEL_HOSTNAME || PER_NODE_LABELS.has(c.topologyKey) || gate.nodeSpecific ? null : new Float64Array(classCount)));
      const classRep: Array<NodeInfo | undefined> = perClass.some((x) => x !== null) ? new Array<NodeInfo | undefined>(classCount) : [];
      for (const node of allNodes) {
        if (requireAllTopologies && !nodeHasAllTopologyKeys(node.labels, constraints)) continue;
        for (let i = 0; i < constraints.length; i++) {
          const c = constraints[i]!;
          // Hostname domains are never registered: they count at Score.
          if (c.topologyKey === LABEL_HOSTNAME) continue;
          const rr = rows[i]!;
          const sums = perClass[i];
          if (sums) {
            classRep[node.classId] ??= node;
            if (rr !== null && node.row < rr.length) sums[node.classId]! += rr[node.row]!;
            continue;
          }
          if (!gate.includes(c, node)) continue;
          const v = labelOrEmpty(node.labels, c.topologyKey);
          const m = counts[i]!;
          const cur = m.get(v);
          // Domains without a candidate node are skipped.
          if (cur === undefined) continue;
          m.set(v, cur + (rr !== null && node.row < rr.length ? rr[node.row]! : 0));
        }
      }
      for (let i = 0; i < constraints.length; i++) {
        const sums = perClass[i];
        if (!sums) continue;
        const c = constraints[i]!;
        const m = counts[i]!;
        for (let k = 0; k < classCount; k++) {
          const rep = classRep[k];
          if (rep === undefined || !gate.includes(c, rep)) continue;
          const v = labelOrEmpty(rep.labels, c.topologyKey);
          const cur = m.get(v);
          if (cur !== undefined) m.set(v, cur + sums[k]!);
        }
      }
      // Hostname counts are read at Score: a copy, so the state is this cycle's (the index's arrays
      // follow later placements) and preScoreAddPod can update it.
      const hostRows = constraints.map((c, i) => {
        const rr = rows[i];
        if (c.topologyKey !== LABEL_HOSTNAME || !rr) return null;
        const copy = new Int32Array(Math.max(rr.length, state.table.capacity));
        copy.set(rr);
        return copy;
      });
      const st: PreScoreState = { constraints, ignoredNodes: ignored, topologyValueToPodCounts: counts, weights, domainNodes, hostDomains, rows: hostRows, requireAllTopologies, gate, queries };
      cs.write(PRE_SCORE_STATE_KEY, st);
      return null;
    },

    preScoreFollow: (cs, pod, other, node, delta) => updatePreScore(cs, pod, other, node, delta),

    /**
     * PreScore's loops for one node more or less in its node list: the node joins or leaves the
     * ignored set, or its domains' node counts (a domain registered anew has its pods counted as
     * preScore counts them, a domain losing its last node goes), and the weights follow the
     * domain counts.
     */
    preScoreNodeFollow(cs, _pod, node, entering) {
      const s = cs.read<PreScoreState>(PRE_SCORE_STATE_KEY);
      if (!s) return false;
      const cons = s.constraints;
      if (s.requireAllTopologies && !nodeHasAllTopologyKeys(node.labels, cons)) {
        if (entering) s.ignoredNodes.add(node);
        else s.ignoredNodes.delete(node);
        return true;
      }
      s.hostDomains += entering ? 1 : -1;
      for (let i = 0; i < cons.length; i++) {
        const c = cons[i]!;
        if (c.topologyKey !== LABEL_HOSTNAME) {
          const v = labelOrEmpty(node.labels, c.topologyKey);
          const dn = s.domainNodes[i]!;
          const k = dn.get(v) ?? 0;
          if (entering) {
            if (k === 0) s.topologyValueToPodCounts[i]!.set(v, domainPods(s, i, v));
            dn.set(v, k + 1);
          } else if (k <= 1) {
            dn.delete(v);
            s.topologyValueToPodCounts[i]!.delete(v);
          } else dn.set(v, k - 1);
        }
        s.weights[i] = topologyNormalizingWeight(c.topologyKey === LABEL_HOSTNAME ? s.hostDomains : s.domainNodes[i]!.size);
      }
      return true;
    },

    score(cs, _pod, nodes, out) {
      const s = cs.read<PreScoreState>(PRE_SCORE_STATE_KEY);
      if (!s) return Status.error(`error reading "${PRE_SCORE_STATE_KEY}" from cycleState: not found`);
      const cons = s.constraints;
      // A constraint on a key node classes carry (a zone) gives every node of a class the same
      // term: computed once per class (NaN: the class lacks the key), added in constraint order.
      const classCount = state.classes.length;
      const perClass = cons.map((c) => (PER_NODE_LABELS.has(c.topologyKey) ? null : new Float64Array(classCount).fill(-1)));
      const perNode = cons.map((c) => (PER_NODE_LABELS.has(c.topologyKey) ? index.topologyValues(c.topologyKey) : null));
      const ignored = s.ignoredNodes.size > 0 ? s.ignoredNodes : null;
      for (let n = 0; n < nodes.length; n++) {
        const node = nodes[n]!;
        if (ignored !== null && ignored.has(node)) {
          out[n] = 0;
          continue;
        }
        let score = 0;
        for (let i = 0; i < cons.length; i++) {
          const c = cons[i]!;
          const memo = perClass[i];
          if (memo) {
            let term = memo[node.classId]!;
            if (term === -1) {
              const labels = state.classes[node.classId]!.labels;
              // kube's scoreForCount: cnt * weight + (maxSkew - 1), summed in float64.
              term = Object.hasOwn(labels, c.topologyKey) ? (s.topologyValueToPodCounts[i]!.get(labels[c.topologyKey]!) ?? 0) * s.weights[i]! + (c.maxSkew - 1) : NaN;
              memo[node.classId] = term;
            }
            if (term === term) score += term;
            continue;
          }
          const values = perNode[i];
          // Whether the node has the key: its value id (an array read) where the index holds one.
          if (values ? values.idOf(node) === NO_VALUE : !Object.hasOwn(node.labels, c.topologyKey)) continue;
          let cnt: number;
          if (c.topologyKey === LABEL_HOSTNAME) {
            const rr = s.rows[i];
            cnt = rr !== null && node.row < rr!.length ? rr![node.row]! : 0;
          } else {
            cnt = s.topologyValueToPodCounts[i]!.get(node.labels[c.topologyKey]!) ?? 0;
          }
          score += cnt * s.weights[i]! + (c.maxSkew - 1);
        }
        // Go's math.Round (half away from zero); scores are never negative, so Math.round agrees.
        out[n] = Math.round(score);
      }
      return null;
    },

    normalizeScore(cs, _pod, nodes, scores) {
      const s = cs.read<PreScoreState>(PRE_SCORE_STATE_KEY);
      if (!s) return Status.error(`error reading "${PRE_SCORE_STATE_KEY}" from cycleState: not found`);
      let min = Infinity;
      let max = 0;
      const ignored = s.ignoredNodes.size > 0 ? s.ignoredNodes : null;
      for (let n = 0; n < nodes.length; n++) {
        if (ignored !== null && ignored.has(nodes[n]!)) continue;
        const v = scores[n]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      for (let n = 0; n < nodes.length; n++) {
        if (ignored !== null && ignored.has(nodes[n]!)) {
          scores[n] = 0;
          continue;
        }
        if (max === 0) {
          scores[n] = MAX_NODE_SCORE;
          continue;
        }
        // K8S-FACTS §5.8: 100 * (max + min - s) / max, Go int64 division.
        scores[n] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[n]!)) / max);
      }
      return null;
    },

    /**
     * What score reads of a node beyond its class: whether PreScore ignores it (0: a required key
     * is missing, from its labels), whether it has the hostname label (1: no hostname term), and
     * the matching pods on it (2 + count) for the one hostname constraint. Other per-node keys, or
     * two hostname constraints, have no such key.
     */
    scoreKeys(cs) {
      const s = cs.read<PreScoreState>(PRE_SCORE_STATE_KEY);
      if (!s) return null;
      const cons = s.constraints;
      let host = -1;
      for (let i = 0; i < cons.length; i++) {
        const key = cons[i]!.topologyKey;
        if (key === LABEL_HOSTNAME) {
          if (host >= 0) return null;
          host = i;
        } else if (PER_NODE_LABELS.has(key)) return null;
      }
      const values = host >= 0 ? index.topologyValues(LABEL_HOSTNAME) : null;
      const rr = host >= 0 ? s.rows[host]! : null;
      return (node) => {
        if (s.requireAllTopologies && !nodeHasAllTopologyKeys(node.labels, cons)) return 0;
        if (values === null || values.idOf(node) === NO_VALUE) return 1;
        return 2 + (rr !== null && node.row < rr.length ? rr[node.row]! : 0);
      };
    },
  };
}

/** Registry entry for PodTopologySpread. */
export const definition: PluginDefinition<PodTopologySpreadArgs> = {
  name: NAME,
  points: ['preFilter', 'filter', 'preScore', 'score'],
  argsSchema,
  implemented: true,
  traits: {
    filter: (pod, { args, objects }) => spreadReads(pod, args, objects, 'DoNotSchedule'),
    score: (pod, { args, objects }) => spreadReads(pod, args, objects, 'ScheduleAnyway'),
    // 100 * (max + min - s) / max over the nodes PreScore did not ignore; ignored nodes score 0.
    normalize: 'range',
    // Besides the pod and the args, spreadReads reads the Services and controllers (default selectors).
    epoch: ({ objects }) => objects?.generation ?? 0,
  },
  factory: (args, handle) => newPodTopologySpread(args, handle),
};


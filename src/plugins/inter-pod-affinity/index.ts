/**
 * InterPodAffinity (kube `interpodaffinity`, v1.32): PreFilter/Filter enforce the pod's required
 * affinity and anti-affinity and the symmetry of existing pods' required anti-affinity;
 * PreScore/Score/NormalizeScore weigh preferred terms both ways plus existing pods' required
 * affinity (hardPodAffinityWeight), K8S-FACTS.md §5.9, §6.2.
 *
 * Cost: the incoming pod's terms are counted per node through the topology index (cached per
 * selector), and existing pods' terms are found through an index keyed by the labels they
 * select, with equal terms of many pods grouped (matched once, counted per node row and per
 * topology value), so a cycle is O(nodes x own terms + distinct terms that can match the pod),
 * not O(pods with terms). (key, value) pairs are value ids per node row (TopologyValues), so
 * Filter and Score read arrays per node instead of label maps.
 */
import type { CycleState } from '../../framework/cycle-state.js';
import type {
  FilterPlugin, FrameworkHandle, PluginDefinition, PreFilterPlugin, PreScorePlugin, ScorePlugin,
} from '../../framework/interfaces.js';
import { SKIP, Status } from '../../framework/status.js';
import type { ClusterObjects, NamespaceLabels } from '../../model/cluster-objects.js';
import type { NodeInfo } from '../../model/cluster-state.js';
import type { PodInfo } from '../../model/pod-info.js';
import { hasPodAffinity, NO_VALUE, TopologyIndex } from '../../model/topology-index.js';
import { MAX_NODE_SCORE } from '../../model/limits.js';
import { labelSelectorMatches, requirementsMatch, type Requirement } from '../shared/label-selector.js';
import { preFilterExtensions } from '../shared/prefilter-extensions.js';
import { podQuery } from '../shared/pod-query.js';
import { argsSchema, type InterPodAffinityArgs } from './args.js';
import { PER_NODE_LABELS, type ClusterState } from '../../model/cluster-state.js';
import type { Reads } from '../../framework/traits.js';
import {
  podTermsOf, TERM_INDEX_NAME, TermIndex, TermKind, termMatches,
  type AffinityTerm, type TermGroup, type WeightedAffinityTerm,
} from './terms.js';
import { TopologyCounts, type KeySlot } from './topology-counts.js';

export { TopologyCounts } from './topology-counts.js';

/** kube's plugin name. */
export const NAME = 'InterPodAffinity';
/** kube's ErrReasonExistingAntiAffinityRulesNotMatch. */
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";
/** kube's ErrReasonAffinityRulesNotMatch. */
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
/** kube's ErrReasonAntiAffinityRulesNotMatch. */
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";

const PRE_FILTER_STATE_KEY = `PreFilter${NAME}`;
const PRE_SCORE_STATE_KEY = `PreScore${NAME}`;
const AFFINITY_NOT_MATCH = Status.unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
const ANTI_AFFINITY_NOT_MATCH = Status.unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
const EXISTING_ANTI_AFFINITY_NOT_MATCH = Status.unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
/** A term group walks its rows while values outnumber them this many times, else reads per-value sums. */
const GROUP_SPARSE_RATIO = 4;

/**
 * An incoming pod's term after kube's mergeAffinityTermNamespacesIfNotEmpty: the namespaces its
 * namespaceSelector picks are folded into `namespaces`; `allNamespaces` for an empty selector.
 */
interface MergedTerm {
  readonly term: AffinityTerm;
  readonly namespaces: ReadonlySet<string> | null;
  readonly weight: number;
}

/** kube's mergeAffinityTermNamespacesIfNotEmpty against the known namespaces. */
function mergeNamespaces(t: AffinityTerm, objects: ClusterObjects | undefined): ReadonlySet<string> | null {
  if (t.namespaceSelector.kind === 'everything') return null;
  if (t.namespaceSelector.kind === 'nothing' || !objects) return t.namespaces;
  const out = new Set(t.namespaces);
  for (const [name, labels] of objects.allNamespaces()) if (labelSelectorMatches(t.namespaceSelector, labels)) out.add(name);
  return out;
}

const merge = (terms: readonly AffinityTerm[] | null, objects: ClusterObjects | undefined): MergedTerm[] =>
  (terms ?? []).map((term) => ({ term, namespaces: mergeNamespaces(term, objects), weight: (term as WeightedAffinityTerm).weight ?? 1 }));

/** Whether a merged incoming term matches a pod (kube passes nil namespace labels here). */
function mergedMatches(m: MergedTerm, pod: PodInfo): boolean {
  if (m.namespaces !== null && !m.namespaces.has(pod.namespace)) return false;
  return m.term.selector !== null && requirementsMatch(m.term.selector, pod.labels);
}

/** kube's podMatchesAllAffinityTerms over merged terms. */
function matchesAllMerged(terms: readonly MergedTerm[], pod: PodInfo): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!mergedMatches(t, pod)) return false;
  return true;
}

/** PreFilter state (kube's preFilterState). */
export class PreFilterState {
  constructor(
    readonly affinityTerms: readonly MergedTerm[],
    readonly antiAffinityTerms: readonly MergedTerm[],
    readonly namespaceLabels: NamespaceLabels | undefined,
    /** Existing pods whose required anti-affinity matches the incoming pod, per topology pair. */
    readonly existingAntiAffinityCounts: TopologyCounts,
    /** Existing pods matching all the incoming pod's required affinity terms, per pair. */
    readonly affinityCounts: TopologyCounts,
    /** Existing pods matching each of the incoming pod's required anti-affinity terms, per pair. */
    readonly antiAffinityCounts: TopologyCounts,
  ) {}

  clone(): PreFilterState {
    return new PreFilterState(this.affinityTerms, this.antiAffinityTerms, this.namespaceLabels,
      this.existingAntiAffinityCounts.clone(), this.affinityCounts.clone(), this.antiAffinityCounts.clone());
  }
}

/** PreScore state: (topology key, value) -> score (kube's scoreMap). */
interface PreScoreState {
  readonly topologyScore: TopologyCounts;
  /** The pod's preferred terms, merged (preScoreFollow matches a pod added later against them). */
  readonly preferredAffinity: readonly MergedTerm[];
  readonly preferredAntiAffinity: readonly MergedTerm[];
  readonly namespaceLabels: NamespaceLabels | undefined;
}

/**
 * Adds `weight` per owner of a group to the pair of the owner's node (kube adds it once per existing
 * pod whose term matched). The slot's values were built for the current nodes, so every owner's row
 * is in them. A group with few owners for the key's values walks its rows; a larger one reads its
 * per-value sums (at most 4x as many entries as rows).
 */
function addGroup(counts: TopologyCounts, g: TermGroup, weight: number): void {
  const slot = counts.slot(g.term.topologyKey);
  const tv = slot.values;
  if (g.rows.size * GROUP_SPARSE_RATIO < tv.size) {
    const idByRow = tv.idByRow;
    for (const [row, owners] of g.rows) {
      const id = row < idByRow.length ? idByRow[row]! : NO_VALUE;
      if (id !== NO_VALUE) counts.addAt(slot, id, null, weight * owners);
    }
    return;
  }
  const sums = g.ownersByValue(tv);
  for (let id = 0; id < sums.length; id++) {
    const owners = sums[id]!;
    if (owners !== 0) counts.addAt(slot, id, null, weight * owners);
  }
}

/**
 * Adds `weight` x the node's matching pods to the node's pair of each slot, for every node with
 * matches. `allRows`: `nodes` is the state's node list, and the slots were made in this PreFilter
 * or PreScore (their values are the current nodes').
 */
function addRows(counts: TopologyCounts, slots: readonly KeySlot[], nodes: readonly NodeInfo[], rows: Int32Array, weight: number, allRows: boolean): void {
  for (const slot of slots) counts.addNodeRows(slot, nodes, rows, weight, allRows);
}

/** Builds the plugin. */
export function newInterPodAffinity(args: InterPodAffinityArgs | undefined, handle: FrameworkHandle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const { state } = handle;
  const hardPodAffinityWeight = args?.hardPodAffinityWeight ?? 1;
  const ignorePreferredTermsOfExistingPods = args?.ignorePreferredTermsOfExistingPods ?? false;
  const index = TopologyIndex.of(state);
  const termIndex = index.extension(TERM_INDEX_NAME, () => new TermIndex());
  const valuesOf = (key: string) => index.topologyValues(key);

  /** Pods matching a (merged) query, per node row; null when the selector selects nothing. */
  const rowsFor = (namespaces: ReadonlySet<string> | null, selector: readonly Requirement[] | null): Int32Array | null =>
    selector === null ? null : index.countsByRow(podQuery(namespaces, selector, false));

  const readPreFilter = (cs: CycleState): PreFilterState | Status =>
    cs.read<PreFilterState>(PRE_FILTER_STATE_KEY) ?? Status.error(`error reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);

  /** kube's preFilterState.updateWithPod (preemption dry runs). */
  const updateWithPod = (s: PreFilterState, incoming: PodInfo, updated: PodInfo, node: NodeInfo, delta: number) => {
    for (const t of podTermsOf(updated).requiredAntiAffinity ?? []) {
      if (termMatches(t, incoming, s.namespaceLabels)) s.existingAntiAffinityCounts.add(t.topologyKey, node, delta);
    }
    if (matchesAllMerged(s.affinityTerms, updated)) {
      for (const t of s.affinityTerms) s.affinityCounts.add(t.term.topologyKey, node, delta);
    }
    for (const t of s.antiAffinityTerms) {
      if (mergedMatches(t, updated)) s.antiAffinityCounts.add(t.term.topologyKey, node, delta);
    }
  };

  return {
    name: NAME,

    preFilter(cs: CycleState, pod, nodes) {
      const terms = podTermsOf(pod);
      if (terms.error) return { status: Status.unresolvable(`parsing pod: ${terms.error}`) };
      const objects = handle.objects;
      const affinityTerms = merge(terms.requiredAffinity, objects);
      const antiAffinityTerms = merge(terms.requiredAntiAffinity, objects);
      const nsLabels = objects?.namespaceLabels(pod.namespace);

      // Existing pods' required anti-affinity terms that match the incoming pod.
      const existing = new TopologyCounts(valuesOf);
      termIndex.forEachCandidate(TermKind.RequiredAntiAffinity, pod.labels, (g) => {
        if (termMatches(g.term, pod, nsLabels)) addGroup(existing, g, 1);
      });

      // Every term's key gets a slot, even without pairs: Filter reads the key's values.
      const affinity = new TopologyCounts(valuesOf);
      const affinitySlots = affinityTerms.map((t) => affinity.slot(t.term.topologyKey));
      const anti = new TopologyCounts(valuesOf);
      if (affinityTerms.length > 0) {
        // Pods matching ALL the affinity terms: one query with the namespace intersection and
        // every selector's requirements.
        let ns: Set<string> | null = null;
        const reqs: Requirement[] = [];
        let none = false;
        for (const t of affinityTerms) {
          if (t.term.selector === null) none = true;
          else reqs.push(...t.term.selector);
          const tns = t.namespaces;
          if (tns !== null) ns = ns === null ? new Set(tns) : new Set([...ns].filter((n: string) => tns.has(n)));
        }
        const rows = none ? null : rowsFor(ns, reqs);
        if (rows) addRows(affinity, affinitySlots, nodes, rows, 1, nodes === state.nodes);
      }
      for (const t of antiAffinityTerms) {
        const slot = anti.slot(t.term.topologyKey);
        const rows = rowsFor(t.namespaces, t.term.selector);
        if (rows) addRows(anti, [slot], nodes, rows, 1, nodes === state.nodes);
      }

      if (existing.pairs === 0 && affinityTerms.length === 0 && antiAffinityTerms.length === 0) return { status: SKIP };
      cs.write(PRE_FILTER_STATE_KEY, new PreFilterState(affinityTerms, antiAffinityTerms, nsLabels, existing, affinity, anti));
      return { status: null };
    },

    ...preFilterExtensions(readPreFilter, (s, pod, other, node, delta) => updateWithPod(s, pod, other, node, delta)),

    /**
     * Exact: kube's updateWithPod counts a pod added or removed as PreFilter counts the placed
     * pods (the same term matches, the same pairs; a pair at 0 is dropped as PreFilter never
     * writes one), so class batching can follow placements with it.
     */
    preFilterFollow(cs, pod, other, node, delta) {
      const s = readPreFilter(cs);
      if (s instanceof Status) return s;
      updateWithPod(s, pod, other, node, delta);
      return null;
    },

    filter(cs, pod, nodes, out) {
      const s = readPreFilter(cs);
      if (s instanceof Status) {
        out.fill(s, 0, nodes.length);
        return;
      }
      // kube's "first pod of a series with affinity to itself": no pod anywhere matches the
      // affinity terms but the pod matches its own terms.
      const selfAffinity = s.affinityCounts.pairs === 0 && matchesAllMerged(s.affinityTerms, pod);
      const affinitySlots = s.affinityTerms.map((t) => s.affinityCounts.slot(t.term.topologyKey));
      // kube's satisfyPodAntiAffinity passes every node while no pair has a matching pod.
      const antiSlots = s.antiAffinityCounts.pairs === 0 ? [] : s.antiAffinityTerms.map((t) => s.antiAffinityCounts.slot(t.term.topologyKey));
      const existing = s.existingAntiAffinityCounts.pairs > 0 ? s.existingAntiAffinityCounts : null;
      for (let n = 0; n < nodes.length; n++) {
        const node = nodes[n]!;
        if (!satisfyPodAffinity(affinitySlots, node, selfAffinity)) out[n] = AFFINITY_NOT_MATCH;
        else if (!satisfyPodAntiAffinity(antiSlots, node)) out[n] = ANTI_AFFINITY_NOT_MATCH;
        else if (existing !== null && existing.anyPositive(node)) out[n] = EXISTING_ANTI_AFFINITY_NOT_MATCH;
      }
    },

    preScore(cs: CycleState, pod, nodes) {
      if (nodes.length === 0) return SKIP;
      const a = pod.affinity;
      const hasConstraints = (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0
        || (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
      // Optionally ignore existing pods' preferences when the pod has no inter-pod affinities.
      if (ignorePreferredTermsOfExistingPods && !hasConstraints) return SKIP;
      const terms = podTermsOf(pod);
      if (terms.error) return Status.error(`failed to parse pod: ${terms.error}`);
      const objects = handle.objects;
      const nsLabels = objects?.namespaceLabels(pod.namespace);
      const topologyScore = new TopologyCounts(valuesOf);
      // The incoming pod's preferred terms, matched by existing pods (weight x matching pods).
      const own = (list: readonly MergedTerm[], sign: number) => {
        for (const t of list) {
          const rows = rowsFor(t.namespaces, t.term.selector);
          if (rows) addRows(topologyScore, [topologyScore.slot(t.term.topologyKey)], state.nodes, rows, sign * t.weight, true);
        }
      };
      const preferredAffinity = merge(terms.preferredAffinity, objects);
      const preferredAntiAffinity = merge(terms.preferredAntiAffinity, objects);
      own(preferredAffinity, 1);
      own(preferredAntiAffinity, -1);
      // Existing pods' terms matched by the incoming pod.
      if (hardPodAffinityWeight > 0) {
        termIndex.forEachCandidate(TermKind.RequiredAffinity, pod.labels, (g) => {
          if (termMatches(g.term, pod, nsLabels)) addGroup(topologyScore, g, hardPodAffinityWeight);
        });
      }
      termIndex.forEachCandidate(TermKind.PreferredAffinity, pod.labels, (g) => {
        if (termMatches(g.term, pod, nsLabels)) addGroup(topologyScore, g, g.weight);
      });
      termIndex.forEachCandidate(TermKind.PreferredAntiAffinity, pod.labels, (g) => {
        if (termMatches(g.term, pod, nsLabels)) addGroup(topologyScore, g, -g.weight);
      });
      if (!topologyScore.touched) return SKIP;
      cs.write(PRE_SCORE_STATE_KEY, { topologyScore, preferredAffinity, preferredAntiAffinity, namespaceLabels: nsLabels } satisfies PreScoreState);
      return null;
    },

    /**
     * PreScore's sums as if `other` had been on `node` (+1) or not (-1) when it ran: kube's
     * processExistingPod for that one pod (the pod's preferred terms matched by it, its required
     * affinity (hardPodAffinityWeight) and preferred terms matched by the pod).
     */
    preScoreFollow(cs, pod, other, node, delta) {
      const s = cs.read<PreScoreState>(PRE_SCORE_STATE_KEY);
      if (!s) return Status.error(`error reading "${PRE_SCORE_STATE_KEY}" from cycleState: not found`);
      const counts = s.topologyScore;
      for (const t of s.preferredAffinity) if (mergedMatches(t, other)) counts.add(t.term.topologyKey, node, delta * t.weight);
      for (const t of s.preferredAntiAffinity) if (mergedMatches(t, other)) counts.add(t.term.topologyKey, node, -delta * t.weight);
      if (!hasPodAffinity(other)) return null;
      const terms = podTermsOf(other);
      if (hardPodAffinityWeight > 0) {
        for (const t of terms.requiredAffinity ?? []) if (termMatches(t, pod, s.namespaceLabels)) counts.add(t.topologyKey, node, delta * hardPodAffinityWeight);
      }
      for (const t of terms.preferredAffinity ?? []) if (termMatches(t, pod, s.namespaceLabels)) counts.add(t.topologyKey, node, delta * (t as WeightedAffinityTerm).weight);
      for (const t of terms.preferredAntiAffinity ?? []) if (termMatches(t, pod, s.namespaceLabels)) counts.add(t.topologyKey, node, -delta * (t as WeightedAffinityTerm).weight);
      return null;
    },

    score(cs, _pod, nodes, out) {
      const s = cs.read<PreScoreState>(PRE_SCORE_STATE_KEY);
      if (!s) return Status.error(`error reading "${PRE_SCORE_STATE_KEY}" from cycleState: not found`);
      for (let n = 0; n < nodes.length; n++) out[n] = s.topologyScore.sum(nodes[n]!);
      return null;
    },

    normalizeScore(cs, _pod, nodes, scores) {
      const s = cs.read<PreScoreState>(PRE_SCORE_STATE_KEY);
      if (!s) return Status.error(`error reading "${PRE_SCORE_STATE_KEY}" from cycleState: not found`);
      if (!s.topologyScore.touched) return null;
      let min = Infinity;
      let max = -Infinity;
      for (let n = 0; n < nodes.length; n++) {
        const v = scores[n]!;
        if (v > max) max = v;
        if (v < min) min = v;
      }
      const diff = max - min;
      for (let n = 0; n < nodes.length; n++) {
        // K8S-FACTS §5.9: float64(100) * (float64(s-min) / float64(max-min)), truncated.
        scores[n] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[n]! - min) / diff)) : 0;
      }
      return null;
    },
  };
}

/** kube's satisfyPodAffinity, over the slots of the pod's affinity terms (one per term, in order). */
function satisfyPodAffinity(slots: readonly KeySlot[], node: NodeInfo, selfAffinity: boolean): boolean {
  let podsExist = true;
  for (const slot of slots) {
    const id = slot.values.idOf(node);
    // All topology labels must exist on the node.
    if (id === NO_VALUE) return false;
    if (slot.at(id, node) <= 0) podsExist = false;
  }
  return podsExist || selfAffinity;
}

/** kube's satisfyPodAntiAffinity, over the slots of the pod's anti-affinity terms (none while no pair counts). */
function satisfyPodAntiAffinity(slots: readonly KeySlot[], node: NodeInfo): boolean {
  for (const slot of slots) {
    const id = slot.values.idOf(node);
    if (id !== NO_VALUE && slot.at(id, node) > 0) return false;
  }
  return true;
}

/** Whether a pod has terms of a kind (required or preferred) in its pod affinity or anti-affinity. */
function hasTerms(pod: PodInfo, kind: 'requiredDuringSchedulingIgnoredDuringExecution' | 'preferredDuringSchedulingIgnoredDuringExecution'): boolean {
  const a = pod.affinity;
  return (a?.podAffinity?.[kind]?.length ?? 0) > 0 || (a?.podAntiAffinity?.[kind]?.length ?? 0) > 0;
}

/** The state's term index (the plugin's own, created with the topology index's extensions). */
const termIndexOf = (state: ClusterState): TermIndex => TopologyIndex.of(state).extension(TERM_INDEX_NAME, () => new TermIndex());

/**
 * Filter trait: PreFilter skips when the pod has no required terms and no placed pod's required
 * anti-affinity term matches it (looked up in the term index by the pod's labels: a plain pod in a
 * cluster whose anti-affinity pods select other labels reads nothing, and class batching can
 * decide it). Otherwise the verdict on a node reads the node's values of the terms' topology keys
 * (the pod's own required terms, the placed terms matching it) and the pods counted per value:
 * `domain` when every key is one node classes carry (a zone), `topology` with a per-node key (the
 * hostname); PreFilter then follows placements exactly (preFilterFollow). Evaluated before every
 * decision, so a placement that brings a matching term with another key changes the claim.
 */
function filterReads(pod: PodInfo, state: ClusterState, objects: ClusterObjects | undefined): Reads {
  const own = hasTerms(pod, 'requiredDuringSchedulingIgnoredDuringExecution');
  if (!own && TopologyIndex.of(state).podsWithRequiredAntiAffinity.size === 0) return 'nothing';
  const terms = podTermsOf(pod);
  if (terms.error) return 'pods';
  return readsOfTerms(pod, own, [...(terms.requiredAffinity ?? []), ...(terms.requiredAntiAffinity ?? [])], [TermKind.RequiredAntiAffinity], state, objects);
}

/**
 * What a part that does not skip reads (filterReads, scoreReads): `nothing` when the pod has no
 * terms of its own (`own`) and no placed term of `kinds` matches it; else `topology` when one of
 * those terms' keys is a per-node label (the hostname), `domain` when every key is one node
 * classes carry.
 */
function readsOfTerms(pod: PodInfo, own: boolean, ownTerms: readonly AffinityTerm[], kinds: readonly TermKind[], state: ClusterState, objects: ClusterObjects | undefined): Reads {
  let perNode = false;
  let matched = false;
  for (const t of ownTerms) if (PER_NODE_LABELS.has(t.topologyKey)) perNode = true;
  const nsLabels = objects?.namespaceLabels(pod.namespace);
  const index = termIndexOf(state);
  for (const kind of kinds) {
    index.forEachCandidate(kind, pod.labels, (g) => {
      if (termMatches(g.term, pod, nsLabels)) {
        matched = true;
        if (PER_NODE_LABELS.has(g.term.topologyKey)) perNode = true;
      }
    });
  }
  if (!own && !matched) return 'nothing';
  return perNode ? 'topology' : 'domain';
}

/**
 * Score trait: PreScore skips when it finds nothing to score: claimed when the pod has no
 * preferred terms and either existing pods' terms are ignored or none of them matches the pod
 * (required affinity terms count with hardPodAffinityWeight > 0, preferred terms both ways).
 * Otherwise the score on a node reads the node's values of the keys of the pod's preferred terms
 * and of the placed terms matching it, and the sums per value: `domain` when every key is one node
 * classes carry, `topology` with a per-node key; PreScore then follows placements (preScoreFollow).
 */
function scoreReads(pod: PodInfo, args: InterPodAffinityArgs | undefined, state: ClusterState, objects: ClusterObjects | undefined): Reads {
  const own = hasTerms(pod, 'preferredDuringSchedulingIgnoredDuringExecution');
  if (!own && (args?.ignorePreferredTermsOfExistingPods === true || TopologyIndex.of(state).podsWithAffinity.size === 0)) return 'nothing';
  const terms = podTermsOf(pod);
  if (terms.error) return 'pods';
  const kinds = (args?.hardPodAffinityWeight ?? 1) > 0
    ? [TermKind.RequiredAffinity, TermKind.PreferredAffinity, TermKind.PreferredAntiAffinity]
    : [TermKind.PreferredAffinity, TermKind.PreferredAntiAffinity];
  return readsOfTerms(pod, own, [...(terms.preferredAffinity ?? []), ...(terms.preferredAntiAffinity ?? [])], kinds, state, objects);
}

/** Registry entry for InterPodAffinity. */
export const definition: PluginDefinition<InterPodAffinityArgs> = {
  name: NAME,
  points: ['preFilter', 'filter', 'preScore', 'score'],
  argsSchema,
  implemented: true,
  traits: {
    filter: (pod, { state, objects }) => filterReads(pod, state, objects),
    score: (pod, { args, state, objects }) => scoreReads(pod, args, state, objects),
    // 100 * (s - min) / (max - min) over the scored nodes (0 when they are equal).
    normalize: 'range',
    // Besides the pod and the args, the traits read the placed pods' terms and namespace labels.
    epoch: ({ state, objects }) => TopologyIndex.of(state).affinityGeneration + (objects?.generation ?? 0),
  },
  factory: (args, handle) => newInterPodAffinity(args, handle),
};

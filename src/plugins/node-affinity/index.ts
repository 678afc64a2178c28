/**
 * NodeAffinity (kube `nodeaffinity`): PreFilter, Filter, PreScore, Score (+Normalize).
 * Filter: the args' addedAffinity (`node(s) didn't match scheduler-enforced node affinity`), then
 * the pod's nodeSelector AND required node affinity (`node(s) didn't match Pod's node
 * affinity/selector`). PreFilter narrows to the nodes named by `metadata.name` matchFields terms
 * (or rejects with `pod affinity terms conflict`). Score sums the weights of matching preferred
 * terms (pod + addedAffinity), normalized by DefaultNormalizeScore (K8S-FACTS.md §5.6, §6.2).
 *
 * Node class: a selector that uses only class labels is evaluated once per class per cycle; one
 * with matchFields or a per-node label key (kubernetes.io/hostname) is evaluated per node.
 */
import type { NodeSelector, PreferredSchedulingTerm } from '../../api/k8s.js';
import type {
  FilterPlugin,
  FrameworkHandle,
  PluginDefinition,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from '../../framework/interfaces.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { NodeInfo } from '../../model/cluster-state.js';
import type { PodInfo } from '../../model/pod-info.js';
import { InputError } from '../../api/errors.js';
import { PER_NODE_LABELS } from '../../model/cluster-state.js';
import { SKIP, Status } from '../../framework/status.js';
import { ClassMemo } from '../shared/class-memo.js';
import { defaultNormalizeScore } from '../shared/normalize-score.js';
import {
  aggregateMessage,
  compileNodeSelector,
  compilePreferredTerms,
  getRequiredNodeAffinity,
  nodeSelectorErrors,
  nodeSelectorMatches,
  OBJECT_NAME_FIELD,
  preferredScore,
  requiredIsNodeSpecific,
  requiredNodeAffinityMatches,
  termIsNodeSpecific,
  type CompiledNodeSelector,
  type Labels,
  type RequiredNodeAffinity,
  type WeightedTerm,
} from '../shared/label-selector.js';
import { argsSchema, type NodeAffinityArgs } from './args.js';
import type { Reads } from '../../framework/traits.js';

/** kube's plugin name. */
export const NAME = 'NodeAffinity';

/** kube's ErrReasonPod. */
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
/** kube's errReasonEnforced (addedAffinity from the plugin args). */
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
/** kube's errReasonConflict (PreFilter: the metadata.name terms select no node). */
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

const PRE_FILTER_STATE_KEY = `PreFilter${NAME}`;
const PRE_SCORE_STATE_KEY = `PreScore${NAME}`;

const REJECTED_POD = Status.unresolvable(ERR_REASON_POD);
const REJECTED_ENFORCED = Status.unresolvable(ERR_REASON_ENFORCED);
const CONFLICT = Status.unresolvable(ERR_REASON_CONFLICT);

/** PreFilter state: the pod's compiled required affinity and whether it needs per-node evaluation. */
interface PreFilterState {
  readonly required: RequiredNodeAffinity;
  readonly nodeSpecific: boolean;
}

/** PreScore state: the pod's compiled preferred terms (null when the pod has none). */
interface PreScoreState {
  readonly preferred: readonly WeightedTerm[] | null;
  readonly nodeSpecific: boolean;
}

function requiredOf(pod: PodInfo): NodeSelector | null | undefined {
  return pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
}

function preferredOf(pod: PodInfo): readonly PreferredSchedulingTerm[] | null | undefined {
  return pod.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
}

/** Compiles the pod's required node affinity (kube GetRequiredNodeAffinity). */
export function preFilterStateOf(pod: PodInfo): PreFilterState {
  const required = getRequiredNodeAffinity(pod.nodeSelector, requiredOf(pod));
  return { required, nodeSpecific: requiredIsNodeSpecific(required, PER_NODE_LABELS) };
}

/**
 * kube's PreFilter node-name narrowing: each term's `metadata.name In` requirements are
 * intersected; terms are unioned; a term without one means every node is eligible (undefined).
 */
export function nodeNamesOfTerms(required: NodeSelector): Set<string> | undefined {
  let names: Set<string> | undefined;
  for (const term of required.nodeSelectorTerms) {
    let termNames: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== OBJECT_NAME_FIELD || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
    }
    if (!termNames) return undefined;
    names ??= new Set();
    for (const n of termNames) names.add(n);
  }
  return names;
}

function weightedIsNodeSpecific(terms: readonly WeightedTerm[] | null): boolean {
  return terms !== null && terms.some((t) => termIsNodeSpecific(t.term, PER_NODE_LABELS));
}

/** Builds the plugin; throws InputError when addedAffinity does not parse (kube's New). */
export function newNodeAffinity(args: NodeAffinityArgs | undefined, handle: FrameworkHandle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const { state } = handle;
  const added = args?.addedAffinity;
  let addedRequired: CompiledNodeSelector | null = null;
  const addedNs = added?.requiredDuringSchedulingIgnoredDuringExecution;
  if (addedNs) {
    addedRequired = compileNodeSelector(addedNs);
    const errs = nodeSelectorErrors(addedRequired);
    if (errs.length > 0) {
      throw new InputError(`parsing addedAffinity.requiredDuringSchedulingIgnoredDuringExecution: ${aggregateMessage(errs)}`, 'addedAffinity.requiredDuringSchedulingIgnoredDuringExecution');
    }
  }
  let addedPreferred: readonly WeightedTerm[] | null = null;
  const addedPref = added?.preferredDuringSchedulingIgnoredDuringExecution;
  if (addedPref && addedPref.length > 0) {
    const r = compilePreferredTerms(addedPref);
    if (!r.ok) {
      throw new InputError(`parsing addedAffinity.preferredDuringSchedulingIgnoredDuringExecution: ${r.error}`, 'addedAffinity.preferredDuringSchedulingIgnoredDuringExecution');
    }
    addedPreferred = r.terms;
  }
  const addedRequiredNodeSpecific = addedRequired !== null && addedRequired.terms.some((t) => termIsNodeSpecific(t, PER_NODE_LABELS));
  const addedPreferredNodeSpecific = weightedIsNodeSpecific(addedPreferred);

  const verdicts = new ClassMemo<Status | null>();
  const scores = new ClassMemo<number>();

  const verdict = (required: RequiredNodeAffinity, labels: Labels, nodeName: string): Status | null => {
    if (addedRequired && !nodeSelectorMatches(addedRequired, labels, nodeName)) return REJECTED_ENFORCED;
    return requiredNodeAffinityMatches(required, labels, nodeName) ? null : REJECTED_POD;
  };
  const scoreOf = (preferred: readonly WeightedTerm[] | null, labels: Labels, nodeName: string): number => {
    let s = addedPreferred ? preferredScore(addedPreferred, labels, nodeName) : 0;
    if (preferred) s += preferredScore(preferred, labels, nodeName);
    return s;
  };

  return {
    name: NAME,
    preFilter(cs: CycleState, pod) {
      const required = requiredOf(pod);
      if (!required && !addedRequired && pod.nodeSelector == null) return { status: SKIP };
      cs.write(PRE_FILTER_STATE_KEY, preFilterStateOf(pod));
      if (!required || required.nodeSelectorTerms.length === 0) return { status: null };
      const nodeNames = nodeNamesOfTerms(required);
      if (nodeNames === undefined) return { status: null };
      if (nodeNames.size === 0) return { status: CONFLICT };
      return { status: null, result: { nodeNames } };
    },
    filter(cs, pod, nodes, out) {
      // kube falls back to computing the state when PreFilter did not run.
      const st = cs.read<PreFilterState>(PRE_FILTER_STATE_KEY) ?? preFilterStateOf(pod);
      if (st.nodeSpecific || addedRequiredNodeSpecific) {
        for (let i = 0; i < nodes.length; i++) out[i] = verdict(st.required, nodes[i]!.labels, nodes[i]!.name);
        return;
      }
      const classes = state.classes;
      verdicts.reset(classes.length);
      const ofClass = (classId: number) => verdict(st.required, classes[classId]!.labels, '');
      for (let i = 0; i < nodes.length; i++) out[i] = verdicts.get(nodes[i]!.classId, ofClass);
    },
    preScore(cs: CycleState, pod) {
      const st = preScoreStateOf(pod);
      if (st instanceof Status) return st;
      if (st.preferred === null && addedPreferred === null) return SKIP;
      cs.write(PRE_SCORE_STATE_KEY, st);
      return null;
    },
    score(cs, pod, nodes, out) {
      let st = cs.read<PreScoreState>(PRE_SCORE_STATE_KEY);
      if (!st) {
        const computed = preScoreStateOf(pod);
        if (computed instanceof Status) return computed;
        st = computed;
      }
      const preferred = st.preferred;
      if (st.nodeSpecific || addedPreferredNodeSpecific) {
        for (let i = 0; i < nodes.length; i++) out[i] = scoreOf(preferred, nodes[i]!.labels, nodes[i]!.name);
        return null;
      }
      const classes = state.classes;
      scores.reset(classes.length);
      const ofClass = (classId: number) => scoreOf(preferred, classes[classId]!.labels, '');
      for (let i = 0; i < nodes.length; i++) out[i] = scores.get(nodes[i]!.classId, ofClass);
      return null;
    },
    normalizeScore(_cs, _pod, _nodes: readonly NodeInfo[], s) {
      defaultNormalizeScore(s, false);
      return null;
    },
  };
}

const NONE: readonly never[] = [];

/** Whether a raw node selector names `metadata.name` or a per-node label (it then reads the node, not its class). */
function selectorIsNodeSpecific(ns: NodeSelector | null | undefined): boolean {
  if (!ns) return false;
  for (const term of ns.nodeSelectorTerms ?? NONE) {
    if ((term.matchFields ?? NONE).length > 0) return true;
    for (const r of term.matchExpressions ?? NONE) if (PER_NODE_LABELS.has(r.key)) return true;
  }
  return false;
}

/** The same for raw preferred terms. */
function preferredIsNodeSpecific(terms: readonly PreferredSchedulingTerm[] | null | undefined): boolean {
  if (!terms) return false;
  for (const t of terms) {
    const pref = t.preference;
    if ((pref?.matchFields ?? NONE).length > 0) return true;
    for (const r of pref?.matchExpressions ?? NONE) if (PER_NODE_LABELS.has(r.key)) return true;
  }
  return false;
}

/**
 * Filter trait: PreFilter skips without a nodeSelector, required affinity or enforced affinity;
 * otherwise the verdict reads the node's class labels, or the node itself when a selector names
 * a per-node label or `metadata.name`.
 */
function filterReads(pod: PodInfo, args: NodeAffinityArgs | undefined): Reads {
  const required = requiredOf(pod);
  const added = args?.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required && !added && pod.nodeSelector == null) return 'nothing';
  if (pod.nodeSelector) for (const k in pod.nodeSelector) if (PER_NODE_LABELS.has(k)) return 'node';
  return selectorIsNodeSpecific(required) || selectorIsNodeSpecific(added) ? 'node' : 'class';
}

/** Score trait: PreScore skips without preferred terms (the pod's or enforced ones); else as the Filter. */
function scoreReads(pod: PodInfo, args: NodeAffinityArgs | undefined): Reads {
  const preferred = preferredOf(pod);
  const added = args?.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
  if (preferred == null && (!added || added.length === 0)) return 'nothing';
  return preferredIsNodeSpecific(preferred) || preferredIsNodeSpecific(added) ? 'node' : 'class';
}

/** Compiles the pod's preferred terms; a parse error is an Error status (kube's PreScore). */
function preScoreStateOf(pod: PodInfo): PreScoreState | Status {
  const pref = preferredOf(pod);
  if (pref == null) return { preferred: null, nodeSpecific: false };
  const r = compilePreferredTerms(pref);
  if (!r.ok) return Status.error(r.error);
  return { preferred: r.terms, nodeSpecific: weightedIsNodeSpecific(r.terms) };
}

/** Registry entry for NodeAffinity. */
export const definition: PluginDefinition<NodeAffinityArgs> = {
  name: NAME,
  points: ['preFilter', 'filter', 'preScore', 'score'],
  argsSchema,
  implemented: true,
  traits: {
    filter: (pod, { args }) => filterReads(pod, args),
    score: (pod, { args }) => scoreReads(pod, args),
    normalize: 'max',
  },
  factory: (args, handle) => newNodeAffinity(args, handle),
};

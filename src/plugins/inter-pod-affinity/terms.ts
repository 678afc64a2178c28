/**
 * Pod (anti-)affinity terms, compiled once per pod (kube framework.PodInfo's Required/Preferred
 * (Anti)AffinityTerms and AffinityTerm.Matches), and the index of existing pods' terms by the
 * labels they select, so the incoming pod only meets the terms that can match it.
 */
import type { PodAffinityTerm, WeightedPodAffinityTerm } from '../../api/k8s.js';
import type { IndexedPod, IndexExtension } from '../../model/topology-index.js';
import { hasPodAffinity } from '../../model/topology-index.js';
import type { NamespaceLabels } from '../../model/cluster-objects.js';
import type { PodInfo } from '../../model/pod-info.js';
import {
  aggregateMessage, labelSelectorAsSelector, labelSelectorMatches, requirementsMatch,
  type CompiledLabelSelector, type Labels, type Requirement,
} from '../shared/label-selector.js';
import { labelHintOf, selectorRequirements } from '../shared/pod-query.js';

/** kube's framework.AffinityTerm. */
export interface AffinityTerm {
  /** Namespaces named by the term (or the owning pod's, when neither namespaces nor namespaceSelector is set). */
  readonly namespaces: ReadonlySet<string>;
  readonly namespaceSelector: CompiledLabelSelector;
  /** Label selector requirements; null = selects nothing (nil labelSelector). */
  readonly selector: readonly Requirement[] | null;
  readonly topologyKey: string;
}

/** kube's framework.WeightedAffinityTerm. */
export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

/** A pod's compiled terms; a list that failed to parse is null (kube keeps the others). */
export interface PodTerms {
  readonly requiredAffinity: readonly AffinityTerm[] | null;
  readonly requiredAntiAffinity: readonly AffinityTerm[] | null;
  readonly preferredAffinity: readonly WeightedAffinityTerm[] | null;
  readonly preferredAntiAffinity: readonly WeightedAffinityTerm[] | null;
  /** kube's NewPodInfo aggregate parse error, if any list failed. */
  readonly error: string | undefined;
}

/**
 * kube's AffinityTerm.Matches: the pod's namespace is listed or the namespace selector matches
 * `nsLabels` (the labels of the namespace the pod is in), and the label selector matches the pod.
 */
export function termMatches(t: AffinityTerm, pod: PodInfo, nsLabels: NamespaceLabels | undefined): boolean {
  if (!(t.namespaces.has(pod.namespace) || labelSelectorMatches(t.namespaceSelector, nsLabels ?? {}))) return false;
  return t.selector !== null && requirementsMatch(t.selector, pod.labels);
}

/** kube's podMatchesAllAffinityTerms (false for no terms). */
export function podMatchesAllTerms(terms: readonly AffinityTerm[], pod: PodInfo, nsLabels?: NamespaceLabels): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod, nsLabels)) return false;
  return true;
}

/**
 * The API server's matchLabelKeys / mismatchLabelKeys merge (MatchLabelKeysInPodAffinity, on in
 * 1.32): `key In [pod's value]` / `key NotIn [pod's value]` appended to a non-nil selector, done at
 * pod creation. Applied here too so pods written by hand behave as created ones; for pods read
 * from a cluster the added requirements repeat existing ones and change nothing.
 */
function withLabelKeys(term: PodAffinityTerm, podLabels: Labels): PodAffinityTerm {
  const match = term.matchLabelKeys ?? [];
  const mismatch = term.mismatchLabelKeys ?? [];
  if ((match.length === 0 && mismatch.length === 0) || term.labelSelector == null) return term;
  const exprs = [...(term.labelSelector.matchExpressions ?? [])];
  for (const k of match) if (Object.hasOwn(podLabels, k)) exprs.push({ key: k, operator: 'In', values: [podLabels[k]!] });
  for (const k of mismatch) if (Object.hasOwn(podLabels, k)) exprs.push({ key: k, operator: 'NotIn', values: [podLabels[k]!] });
  return { ...term, labelSelector: { ...term.labelSelector, matchExpressions: exprs } };
}

/** kube's newAffinityTerm. */
function compileTerm(pod: PodInfo, raw: PodAffinityTerm): AffinityTerm | string {
  const term = withLabelKeys(raw, pod.labels);
  const sel = labelSelectorAsSelector(term.labelSelector);
  if (!sel.ok) return sel.error;
  const nsSel = labelSelectorAsSelector(term.namespaceSelector);
  if (!nsSel.ok) return nsSel.error;
  const names = term.namespaces ?? [];
  const namespaces = names.length === 0 && term.namespaceSelector == null ? new Set([pod.namespace]) : new Set(names);
  return { namespaces, namespaceSelector: nsSel.selector, selector: selectorRequirements(sel.selector), topologyKey: term.topologyKey };
}

function compileList(pod: PodInfo, raws: readonly PodAffinityTerm[] | null | undefined): AffinityTerm[] | string | null {
  if (!raws || raws.length === 0) return null;
  const out: AffinityTerm[] = [];
  for (const r of raws) {
    const t = compileTerm(pod, r);
    if (typeof t === 'string') return t;
    out.push(t);
  }
  return out;
}

function compileWeighted(pod: PodInfo, raws: readonly WeightedPodAffinityTerm[] | null | undefined): WeightedAffinityTerm[] | string | null {
  if (!raws || raws.length === 0) return null;
  const out: WeightedAffinityTerm[] = [];
  for (const r of raws) {
    const t = compileTerm(pod, r.podAffinityTerm);
    if (typeof t === 'string') return t;
    out.push({ ...t, weight: r.weight });
  }
  return out;
}

const TERMS = new WeakMap<PodInfo, PodTerms>();

/** A pod's compiled terms (memoized per PodInfo). */
export function podTermsOf(pod: PodInfo): PodTerms {
  let t = TERMS.get(pod);
  if (t) return t;
  const a = pod.affinity;
  const errors: string[] = [];
  const take = <T>(what: string, r: T[] | string | null): T[] | null => {
    if (typeof r === 'string') {
      errors.push(`${what}: ${r}`);
      return null;
    }
    return r;
  };
  t = {
    requiredAffinity: take('requiredAffinityTerms', compileList(pod, a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution)),
    requiredAntiAffinity: take('requiredAntiAffinityTerms', compileList(pod, a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution)),
    preferredAffinity: take('preferredAffinityTerms', compileWeighted(pod, a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution)),
    preferredAntiAffinity: take('preferredAntiAffinityTerms', compileWeighted(pod, a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution)),
    error: errors.length > 0 ? aggregateMessage(errors) : undefined,
  };
  TERMS.set(pod, t);
  return t;
}

/** Which list of an existing pod a term comes from. */
export const TermKind = {
  RequiredAffinity: 0,
  RequiredAntiAffinity: 1,
  PreferredAffinity: 2,
  PreferredAntiAffinity: 3,
} as const;
/** A TermKind value. */
export type TermKind = (typeof TermKind)[keyof typeof TermKind];

/** One existing pod's term, with its weight (1 for required terms). */
export interface TermEntry {
  readonly owner: IndexedPod;
  readonly term: AffinityTerm;
  readonly weight: number;
}

interface KindIndex {
  /** label key -> value -> terms whose selector requires that value (In/Equals). */
  readonly byValue: Map<string, Map<string, Set<TermEntry>>>;
  /** label key -> terms whose selector requires the key (Exists). */
  readonly byKey: Map<string, Set<TermEntry>>;
  /** Terms without a positive requirement (NotIn/DoesNotExist only, or an empty selector). */
  readonly rest: Set<TermEntry>;
}

/** Name of the extension in the topology index. */
export const TERM_INDEX_NAME = 'InterPodAffinity.terms';

/**
 * Existing pods' terms indexed by the labels they select: a term requiring `app=web` is only
 * looked at for incoming pods labelled `app=web`. Kept current through the topology index.
 */
export class TermIndex implements IndexExtension {
  private readonly kinds: KindIndex[] = [0, 1, 2, 3].map(() => ({ byValue: new Map(), byKey: new Map(), rest: new Set() }));
  private readonly placed = new Map<IndexedPod, Array<Set<TermEntry>>>();
  /** Terms indexed (for tests). */
  size = 0;
  /** Candidate terms handed out by forEachCandidate (for tests and benchmarks: cost per cycle). */
  visited = 0;

  onAdd(e: IndexedPod): void {
    if (!hasPodAffinity(e.pod)) return;
    const t = podTermsOf(e.pod);
    const sets: Array<Set<TermEntry>> = [];
    const add = (kind: TermKind, terms: readonly AffinityTerm[] | null, weightOf: (t: AffinityTerm) => number) => {
      for (const term of terms ?? []) {
        // A nil selector matches no pod: the term can never apply.
        if (term.selector === null) continue;
        const entry: TermEntry = { owner: e, term, weight: weightOf(term) };
        for (const s of this.bucketsFor(this.kinds[kind]!, term.selector)) {
          s.add(entry);
          sets.push(s);
        }
        this.size++;
      }
    };
    add(TermKind.RequiredAffinity, t.requiredAffinity, () => 1);
    add(TermKind.RequiredAntiAffinity, t.requiredAntiAffinity, () => 1);
    add(TermKind.PreferredAffinity, t.preferredAffinity, (x) => (x as WeightedAffinityTerm).weight);
    add(TermKind.PreferredAntiAffinity, t.preferredAntiAffinity, (x) => (x as WeightedAffinityTerm).weight);
    if (sets.length > 0) this.placed.set(e, sets);
  }

  onRemove(e: IndexedPod): void {
    const sets = this.placed.get(e);
    if (!sets) return;
    this.placed.delete(e);
    const seen = new Set<TermEntry>();
    for (const s of sets) {
      for (const entry of s) {
        if (entry.owner === e) {
          s.delete(entry);
          seen.add(entry);
        }
      }
    }
    this.size -= seen.size;
  }

  private bucketsFor(k: KindIndex, selector: readonly Requirement[]): Set<TermEntry>[] {
    const hint = labelHintOf(selector);
    if (hint === null) return [k.rest];
    if (hint.values === null) {
      let s = k.byKey.get(hint.key);
      if (!s) k.byKey.set(hint.key, (s = new Set()));
      return [s];
    }
    let byVal = k.byValue.get(hint.key);
    if (!byVal) k.byValue.set(hint.key, (byVal = new Map()));
    const out: Set<TermEntry>[] = [];
    for (const v of new Set(hint.values)) {
      let s = byVal.get(v);
      if (!s) byVal.set(v, (s = new Set()));
      out.push(s);
    }
    return out;
  }

  /**
   * Calls `fn` for every indexed term of `kind` that could match a pod with these labels (its
   * positive requirement is satisfied); callers still check the full term (termMatches).
   */
  forEachCandidate(kind: TermKind, labels: Labels, fn: (t: TermEntry) => void): void {
    const k = this.kinds[kind]!;
    const visit = (set: Set<TermEntry> | undefined) => {
      if (!set) return;
      this.visited += set.size;
      for (const t of set) fn(t);
    };
    for (const key of Object.keys(labels)) {
      visit(k.byValue.get(key)?.get(labels[key]!));
      visit(k.byKey.get(key));
    }
    visit(k.rest);
  }
}

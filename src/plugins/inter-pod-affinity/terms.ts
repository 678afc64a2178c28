/**
 * Pod (anti-)affinity terms, compiled once per pod (kube framework.PodInfo's Required/Preferred
 * (Anti)AffinityTerms and AffinityTerm.Matches), and the index of existing pods' terms by the
 * labels they select, so the incoming pod only meets the terms that can match it.
 */
import type { PodAffinityTerm, WeightedPodAffinityTerm } from '../../api/k8s.js';
import type { IndexedPod, IndexExtension, TopologyValues } from '../../model/topology-index.js';
import { hasPodAffinity } from '../../model/topology-index.js';
import type { NamespaceLabels } from '../../model/cluster-objects.js';
import type { PodInfo } from '../../model/pod-info.js';
import {
  aggregateMessage, labelSelectorAsSelector, labelSelectorMatches, requirementsMatch,
  type CompiledLabelSelector, type Labels, type Requirement,
} from '../shared/label-selector.js';
import { labelHintOf, requirementsKey, selectorRequirements } from '../shared/pod-query.js';

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

/**
 * Existing pods' equal terms of one kind: the same namespaces, namespace selector, label selector,
 * topology key and weight. Whether such terms match an incoming pod depends on nothing else, so a
 * group is matched once per cycle and its owners counted per node row (kube visits every owner
 * and adds the same weight to its node's pair: the sums are the same).
 */
export class TermGroup {
  /** Owners per node row (a pod listing the term twice counts twice, as kube visits both). */
  readonly rows = new Map<number, number>();
  /** Owners counted in `rows`. */
  size = 0;
  /** Owners per value id of `byValueOf` (the term key's values when last read); see ownersByValue. */
  private byValue: Float64Array | null = null;
  private byValueOf: TopologyValues | null = null;

  constructor(
    /** The first owner's term (every member's term is equal to it). */
    readonly term: AffinityTerm,
    /** The term's weight (1 for required terms). */
    readonly weight: number,
    readonly kind: TermKind,
    /** Canonical text of the group (its key in the kind's group map). */
    readonly id: string,
    /** The buckets of the kind's index holding the group. */
    readonly buckets: readonly Set<TermGroup>[],
  ) {}

  /** Counts one owner more (+1) or less (-1) on a node row. */
  note(row: number, delta: 1 | -1): void {
    const n = (this.rows.get(row) ?? 0) + delta;
    if (n <= 0) this.rows.delete(row);
    else this.rows.set(row, n);
    this.size += delta;
    // Kept in step while its table is current; after a node change the table is stale, the sums
    // written here are never read (ownersByValue sees another table and rebuilds).
    const tv = this.byValueOf;
    if (tv !== null && row < tv.idByRow.length) {
      const id = tv.idByRow[row]!;
      if (id >= 0) this.byValue![id]! += delta;
    }
  }

  /**
   * Owners per value id of `tv` (the current values of the term's key): built from `rows` when
   * `tv` is not the table of the last call, then kept current by `note`. For a group with many
   * owners per value (a zone key) a cycle reads a few sums instead of every owner's row.
   */
  ownersByValue(tv: TopologyValues): Float64Array {
    if (this.byValueOf !== tv || this.byValue === null) {
      const sums = new Float64Array(tv.size);
      const idByRow = tv.idByRow;
      for (const [row, owners] of this.rows) {
        const id = row < idByRow.length ? idByRow[row]! : -1;
        if (id >= 0) sums[id]! += owners;
      }
      this.byValue = sums;
      this.byValueOf = tv;
    }
    return this.byValue;
  }
}

interface KindIndex {
  /** Groups by canonical text. */
  readonly groups: Map<string, TermGroup>;
  /** label key -> value -> groups whose selector requires that value (In/Equals). */
  readonly byValue: Map<string, Map<string, Set<TermGroup>>>;
  /** label key -> groups whose selector requires the key (Exists). */
  readonly byKey: Map<string, Set<TermGroup>>;
  /** Groups without a positive requirement (NotIn/DoesNotExist only, or an empty selector). */
  readonly rest: Set<TermGroup>;
}

/** Name of the extension in the topology index. */
export const TERM_INDEX_NAME = 'InterPodAffinity.terms';

const TERM_TEXT = new WeakMap<AffinityTerm, string>();

/** Canonical text of what a term's match and placement depend on (its selector must not be nil). */
function termText(t: AffinityTerm, weight: number): string {
  let text = TERM_TEXT.get(t);
  if (text === undefined) {
    const ns = [...t.namespaces].sort().join('\u0003');
    const nsSel = t.namespaceSelector.kind === 'requirements' ? `r${requirementsKey(t.namespaceSelector.requirements)}` : t.namespaceSelector.kind;
    text = `${ns}\u0004${nsSel}\u0004${requirementsKey(t.selector ?? [])}\u0004${t.topologyKey}`;
    TERM_TEXT.set(t, text);
  }
  return `${weight}\u0004${text}`;
}

/**
 * Existing pods' terms grouped (TermGroup) and indexed by the labels they select: a term requiring
 * `app=web` is only looked at for incoming pods labelled `app=web`. Kept current through the
 * topology index.
 */
export class TermIndex implements IndexExtension {
  private readonly kinds: KindIndex[] = [0, 1, 2, 3].map(() => ({ groups: new Map(), byValue: new Map(), byKey: new Map(), rest: new Set() }));
  private readonly placed = new Map<IndexedPod, TermGroup[]>();
  /** Terms indexed (for tests). */
  size = 0;
  /** Candidate groups handed out by forEachCandidate (for tests and benchmarks: cost per cycle). */
  visited = 0;

  onAdd(e: IndexedPod): void {
    if (!hasPodAffinity(e.pod)) return;
    const t = podTermsOf(e.pod);
    const joined: TermGroup[] = [];
    const add = (kind: TermKind, terms: readonly AffinityTerm[] | null, weightOf: (t: AffinityTerm) => number) => {
      for (const term of terms ?? []) {
        // A nil selector matches no pod: the term can never apply.
        if (term.selector === null) continue;
        const g = this.groupFor(kind, term, weightOf(term));
        g.note(e.node.row, 1);
        joined.push(g);
        this.size++;
      }
    };
    add(TermKind.RequiredAffinity, t.requiredAffinity, () => 1);
    add(TermKind.RequiredAntiAffinity, t.requiredAntiAffinity, () => 1);
    add(TermKind.PreferredAffinity, t.preferredAffinity, (x) => (x as WeightedAffinityTerm).weight);
    add(TermKind.PreferredAntiAffinity, t.preferredAntiAffinity, (x) => (x as WeightedAffinityTerm).weight);
    if (joined.length > 0) this.placed.set(e, joined);
  }

  onRemove(e: IndexedPod): void {
    const joined = this.placed.get(e);
    if (!joined) return;
    this.placed.delete(e);
    const row = e.node.row;
    for (const g of joined) {
      g.note(row, -1);
      this.size--;
      if (g.size === 0) {
        this.kinds[g.kind]!.groups.delete(g.id);
        for (const b of g.buckets) b.delete(g);
      }
    }
  }

  private groupFor(kind: TermKind, term: AffinityTerm, weight: number): TermGroup {
    const k = this.kinds[kind]!;
    const id = termText(term, weight);
    let g = k.groups.get(id);
    if (!g) {
      const buckets = this.bucketsFor(k, term.selector!);
      g = new TermGroup(term, weight, kind, id, buckets);
      for (const b of buckets) b.add(g);
      k.groups.set(id, g);
    }
    return g;
  }

  private bucketsFor(k: KindIndex, selector: readonly Requirement[]): Set<TermGroup>[] {
    const hint = labelHintOf(selector);
    if (hint === null) return [k.rest];
    if (hint.values === null) {
      let s = k.byKey.get(hint.key);
      if (!s) k.byKey.set(hint.key, (s = new Set()));
      return [s];
    }
    let byVal = k.byValue.get(hint.key);
    if (!byVal) k.byValue.set(hint.key, (byVal = new Map()));
    const out: Set<TermGroup>[] = [];
    for (const v of new Set(hint.values)) {
      let s = byVal.get(v);
      if (!s) byVal.set(v, (s = new Set()));
      out.push(s);
    }
    return out;
  }

  /**
   * Calls `fn` for every group of `kind` that could match a pod with these labels (its positive
   * requirement is satisfied); callers still check the full term (termMatches).
   */
  forEachCandidate(kind: TermKind, labels: Labels, fn: (g: TermGroup) => void): void {
    const k = this.kinds[kind]!;
    const visit = (set: Set<TermGroup> | undefined) => {
      if (!set) return;
      this.visited += set.size;
      for (const g of set) fn(g);
    };
    for (const key of Object.keys(labels)) {
      visit(k.byValue.get(key)?.get(labels[key]!));
      visit(k.byKey.get(key));
    }
    visit(k.rest);
  }
}

/**
 * Label and node selectors with kube's exact semantics (apimachinery `labels.Requirement`,
 * component-helpers `nodeaffinity`, metav1 `LabelSelectorAsSelector`). Selectors are compiled once
 * per pod (or per plugin for args) and then matched against many label sets, so matching does no
 * parsing or validation. Parse errors are data: a node-selector term with an invalid requirement
 * never matches (kube's "lazy error" behaviour); strict callers read the collected messages.
 */
import type { LabelSelector, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PreferredSchedulingTerm } from '../api/k8s.js';
import { isQualifiedName } from './resources.js';

/** A label set (node or pod labels). */
export type Labels = Readonly<Record<string, string>>;

/** Operators of a compiled label requirement (`Equals` comes from nodeSelector / matchLabels). */
export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | 'Equals';

/** One compiled label requirement (kube labels.Requirement). */
export interface Requirement {
  readonly key: string;
  readonly op: SelectorOperator;
  /** Values for In/NotIn/Equals. */
  readonly values: ReadonlySet<string>;
  /** The integer bound of Gt/Lt (validated at compile time), else null. */
  readonly bound: bigint | null;
}

/** `metadata.name` In/NotIn requirement of a matchFields list (kube fields.Selector). */
export interface FieldRequirement {
  readonly key: string;
  readonly value: string;
  /** NotIn (fields `!=`) rather than In (`=`). */
  readonly negate: boolean;
}

/** kube's metav1.ObjectNameField: the only field node selectors can match. */
export const OBJECT_NAME_FIELD = 'metadata.name';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const DECIMAL_INT = /^[+-]?[0-9]+$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** kube's validation.LabelValueMaxLength. */
const LABEL_VALUE_MAX_LENGTH = 63;

/** Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, int64 range; null on error. */
export function parseInt64(s: string): bigint | null {
  if (!DECIMAL_INT.test(s)) return null;
  const v = BigInt(s[0] === '+' ? s.slice(1) : s);
  return v > INT64_MAX || v < INT64_MIN ? null : v;
}

/** kube's validation.IsValidLabelValue (empty is valid). */
export function isValidLabelValue(v: string): boolean {
  return v.length <= LABEL_VALUE_MAX_LENGTH && LABEL_VALUE.test(v);
}

/** Go's `%#v` of a []string, as field.Invalid prints it. */
function goStrings(values: readonly string[] | null | undefined): string {
  if (!values) return '[]string(nil)';
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

function invalid(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${value}: ${detail}`;
}

/**
 * kube's labels.NewRequirement: validates the key (qualified name), the value count for the
 * operator, Gt/Lt integers and every value (label value syntax). Returns the requirement or the
 * field errors (paths relative to `path`).
 */
export function newRequirement(
  key: string,
  op: SelectorOperator,
  values: readonly string[],
  path: string,
): { ok: true; requirement: Requirement } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  if (!isQualifiedName(key)) {
    errors.push(invalid(`${path}.key`, JSON.stringify(key), 'must be a qualified name: an optional DNS subdomain prefix and "/", then a name of at most 63 alphanumeric characters, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric character'));
  }
  let bound: bigint | null = null;
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errors.push(invalid(`${path}.values`, goStrings(values), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case 'Equals':
      if (values.length !== 1) errors.push(invalid(`${path}.values`, goStrings(values), 'exact-match compatibility requires one single value'));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) errors.push(invalid(`${path}.values`, goStrings(values), 'values set must be empty for exists and does not exist'));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errors.push(invalid(`${path}.values`, goStrings(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        const n = parseInt64(v);
        if (n === null) errors.push(invalid(`${path}.values[${i}]`, JSON.stringify(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
        else if (i === 0) bound = n;
      });
      break;
  }
  values.forEach((v, i) => {
    if (!isValidLabelValue(v)) {
      errors.push(invalid(`${path}.values[${i}]`, JSON.stringify(v), "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
    }
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, requirement: { key, op, values: new Set(values), bound } };
}

/** kube's Requirement.Matches. */
export function requirementMatches(r: Requirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.op) {
    case 'In':
    case 'Equals':
      return has && r.values.has(labels[r.key]!);
    case 'NotIn':
      return !has || !r.values.has(labels[r.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || r.bound === null) return false;
      const v = parseInt64(labels[r.key]!);
      if (v === null) return false;
      return r.op === 'Gt' ? v > r.bound : v < r.bound;
    }
  }
}

/** All requirements hold (a selector's requirements are ANDed). */
export function requirementsMatch(reqs: readonly Requirement[], labels: Labels): boolean {
  for (const r of reqs) if (!requirementMatches(r, labels)) return false;
  return true;
}

/** kube's labels.SelectorFromSet (not validated): every key present with an equal value. */
export function selectorFromSet(set: Readonly<Record<string, string>>): Requirement[] {
  return Object.keys(set).map((k) => ({ key: k, op: 'Equals' as const, values: new Set([set[k]!]), bound: null }));
}

// ---------------------------------------------------------------------------------------------
// Node selectors (core/v1 NodeSelector, component-helpers/scheduling/corev1/nodeaffinity)

/** One compiled NodeSelectorTerm. */
export interface CompiledTerm {
  /** matchExpressions (ANDed); null when the term has none. */
  readonly labels: readonly Requirement[] | null;
  /** matchFields (ANDed); null when the term has none. */
  readonly fields: readonly FieldRequirement[] | null;
  /** Parse errors; a term with errors never matches. */
  readonly errors: readonly string[] | null;
}

/** A compiled NodeSelector: terms ORed; empty terms dropped (they select nothing). */
export interface CompiledNodeSelector {
  readonly terms: readonly CompiledTerm[];
}

/** A compiled preferred term and its weight. */
export interface WeightedTerm {
  readonly term: CompiledTerm;
  readonly weight: number;
}

function isEmptyTerm(t: NodeSelectorTerm): boolean {
  return (t.matchExpressions?.length ?? 0) === 0 && (t.matchFields?.length ?? 0) === 0;
}

function compileExpressions(exprs: readonly NodeSelectorRequirement[], path: string, errors: string[]): Requirement[] {
  const out: Requirement[] = [];
  exprs.forEach((e, i) => {
    const r = newRequirement(e.key, e.operator, e.values ?? [], `${path}[${i}]`);
    if (r.ok) out.push(r.requirement);
    else errors.push(...r.errors);
  });
  return out;
}

function compileFields(exprs: readonly NodeSelectorRequirement[], path: string, errors: string[]): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  exprs.forEach((e, i) => {
    const p = `${path}[${i}]`;
    const values = e.values ?? [];
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (values.length !== 1) errors.push(invalid(`${p}.values`, goStrings(e.values), 'must have one element'));
      else out.push({ key: e.key, value: values[0]!, negate: e.operator === 'NotIn' });
    } else {
      errors.push(`${p}.operator: Unsupported value: ${JSON.stringify(e.operator)}: supported values: "In", "NotIn"`);
    }
  });
  return out;
}

/** kube's newNodeSelectorTerm: compiles expressions and fields, collecting parse errors. */
export function compileNodeSelectorTerm(term: NodeSelectorTerm, path = ''): CompiledTerm {
  const errors: string[] = [];
  const dot = path ? `${path}.` : '';
  const exprs = term.matchExpressions ?? [];
  const fieldExprs = term.matchFields ?? [];
  const labels = exprs.length > 0 ? compileExpressions(exprs, `${dot}matchExpressions`, errors) : null;
  const fields = fieldExprs.length > 0 ? compileFields(fieldExprs, `${dot}matchFields`, errors) : null;
  return { labels, fields, errors: errors.length > 0 ? errors : null };
}

/** kube's NewLazyErrorNodeSelector: empty terms are dropped, invalid terms kept (never match). */
export function compileNodeSelector(ns: NodeSelector): CompiledNodeSelector {
  const terms: CompiledTerm[] = [];
  ns.nodeSelectorTerms.forEach((t, i) => {
    if (!isEmptyTerm(t)) terms.push(compileNodeSelectorTerm(t, `nodeSelectorTerms[${i}]`));
  });
  return { terms };
}

/** All parse errors of a compiled selector (kube's NewNodeSelector rejects a selector with any). */
export function nodeSelectorErrors(sel: CompiledNodeSelector): string[] {
  const out: string[] = [];
  for (const t of sel.terms) if (t.errors) out.push(...t.errors);
  return out;
}

/**
 * kube's nodeSelectorTerm.match. Fields are matched against `{metadata.name: nodeName}`; as in
 * kube, a node without a name has no fields and the field requirements are not checked.
 */
export function termMatches(t: CompiledTerm, labels: Labels, nodeName: string): boolean {
  if (t.errors) return false;
  if (t.labels && !requirementsMatch(t.labels, labels)) return false;
  if (t.fields && nodeName.length > 0) {
    for (const f of t.fields) {
      const v = f.key === OBJECT_NAME_FIELD ? nodeName : '';
      if ((v === f.value) === f.negate) return false;
    }
  }
  return true;
}

/** kube's LazyErrorNodeSelector.Match with errors ignored: any term matches. */
export function nodeSelectorMatches(sel: CompiledNodeSelector, labels: Labels, nodeName: string): boolean {
  for (const t of sel.terms) if (termMatches(t, labels, nodeName)) return true;
  return false;
}

/**
 * kube's NewPreferredSchedulingTerms: terms with weight 0 or no requirements are dropped; any
 * parse error fails the whole list (message as kube's flattened aggregate).
 */
export function compilePreferredTerms(
  terms: readonly PreferredSchedulingTerm[],
): { ok: true; terms: WeightedTerm[] } | { ok: false; error: string } {
  const out: WeightedTerm[] = [];
  const errors: string[] = [];
  terms.forEach((t, i) => {
    if (t.weight === 0 || isEmptyTerm(t.preference)) return;
    const term = compileNodeSelectorTerm(t.preference, `[${i}]`);
    if (term.errors) errors.push(...term.errors);
    else out.push({ term, weight: t.weight });
  });
  if (errors.length > 0) return { ok: false, error: aggregateMessage(errors) };
  return { ok: true, terms: out };
}

/** kube's PreferredSchedulingTerms.Score: sum of weights of the matching terms. */
export function preferredScore(terms: readonly WeightedTerm[], labels: Labels, nodeName: string): number {
  let score = 0;
  for (const t of terms) if (termMatches(t.term, labels, nodeName)) score += t.weight;
  return score;
}

/**
 * True when matching can depend on more than the node's class labels: a term has matchFields
 * (node name) or a requirement on a per-node label key (e.g. `kubernetes.io/hostname`).
 */
export function termIsNodeSpecific(t: CompiledTerm, perNodeKeys: ReadonlySet<string>): boolean {
  if (t.fields) return true;
  if (t.labels) for (const r of t.labels) if (perNodeKeys.has(r.key)) return true;
  return false;
}

/** Whether any requirement in the list is on a per-node label key. */
export function requirementsAreNodeSpecific(reqs: readonly Requirement[], perNodeKeys: ReadonlySet<string>): boolean {
  for (const r of reqs) if (perNodeKeys.has(r.key)) return true;
  return false;
}

/**
 * kube's nodeaffinity.RequiredNodeAffinity: the pod's nodeSelector (when non-empty) AND its
 * requiredDuringSchedulingIgnoredDuringExecution (when set).
 */
export interface RequiredNodeAffinity {
  readonly selector: readonly Requirement[] | null;
  readonly affinity: CompiledNodeSelector | null;
}

/** kube's GetRequiredNodeAffinity. */
export function getRequiredNodeAffinity(
  nodeSelector: Readonly<Record<string, string>> | null | undefined,
  required: NodeSelector | null | undefined,
): RequiredNodeAffinity {
  const selector = nodeSelector && Object.keys(nodeSelector).length > 0 ? selectorFromSet(nodeSelector) : null;
  return { selector, affinity: required ? compileNodeSelector(required) : null };
}

/** kube's RequiredNodeAffinity.Match with parse errors ignored (they make terms not match). */
export function requiredNodeAffinityMatches(r: RequiredNodeAffinity, labels: Labels, nodeName: string): boolean {
  if (r.selector && !requirementsMatch(r.selector, labels)) return false;
  if (r.affinity) return nodeSelectorMatches(r.affinity, labels, nodeName);
  return true;
}

/** Whether a RequiredNodeAffinity can depend on more than the node's class labels. */
export function requiredIsNodeSpecific(r: RequiredNodeAffinity, perNodeKeys: ReadonlySet<string>): boolean {
  if (r.selector && requirementsAreNodeSpecific(r.selector, perNodeKeys)) return true;
  if (r.affinity) for (const t of r.affinity.terms) if (termIsNodeSpecific(t, perNodeKeys)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// metav1.LabelSelector (pod affinity terms, topology spread constraints)

/** A compiled metav1 LabelSelector. */
export type CompiledLabelSelector =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'everything' }
  | { readonly kind: 'requirements'; readonly requirements: readonly Requirement[] };

const NOTHING: CompiledLabelSelector = { kind: 'nothing' };
const EVERYTHING: CompiledLabelSelector = { kind: 'everything' };

/**
 * kube's metav1.LabelSelectorAsSelector: null selects nothing, an empty selector everything;
 * matchLabels become Equals requirements, matchExpressions In/NotIn/Exists/DoesNotExist; the
 * first invalid requirement is an error.
 */
export function labelSelectorAsSelector(
  ps: LabelSelector | null | undefined,
): { ok: true; selector: CompiledLabelSelector } | { ok: false; error: string } {
  if (!ps) return { ok: true, selector: NOTHING };
  const matchLabels = ps.matchLabels ?? {};
  const exprs = ps.matchExpressions ?? [];
  const labelKeys = Object.keys(matchLabels);
  if (labelKeys.length + exprs.length === 0) return { ok: true, selector: EVERYTHING };
  const reqs: Requirement[] = [];
  for (const k of labelKeys) {
    const r = newRequirement(k, 'Equals', [matchLabels[k]!], 'matchLabels');
    if (!r.ok) return { ok: false, error: aggregateMessage(r.errors) };
    reqs.push(r.requirement);
  }
  for (const [i, e] of exprs.entries()) {
    const op = e.operator;
    if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') {
      return { ok: false, error: `${JSON.stringify(op)} is not a valid label selector operator` };
    }
    const r = newRequirement(e.key, op, e.values ?? [], `matchExpressions[${i}]`);
    if (!r.ok) return { ok: false, error: aggregateMessage(r.errors) };
    reqs.push(r.requirement);
  }
  return { ok: true, selector: { kind: 'requirements', requirements: reqs } };
}

/** Matches a compiled LabelSelector against a label set. */
export function labelSelectorMatches(sel: CompiledLabelSelector, labels: Labels): boolean {
  switch (sel.kind) {
    case 'nothing':
      return false;
    case 'everything':
      return true;
    case 'requirements':
      return requirementsMatch(sel.requirements, labels);
  }
}

/** kube's utilerrors aggregate message: one error as is, several de-duplicated in `[a, b]`. */
export function aggregateMessage(errors: readonly string[]): string {
  if (errors.length === 1) return errors[0]!;
  const seen = [...new Set(errors)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}

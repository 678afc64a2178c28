/**
 * Pod queries over the topology index (model/topology-index.ts) built from compiled label
 * selectors: "pods in these namespaces whose labels satisfy these requirements". The cache key is
 * canonical (requirement order does not matter), and the label hint is a requirement every match
 * must satisfy positively (Equals/In/Exists), so the index only visits pods carrying that label.
 */
import type { LabelHint, PodQuery } from '../../model/topology-index.js';
import type { PodInfo } from '../../model/pod-info.js';
import { requirementsMatch, type CompiledLabelSelector, type Requirement } from './label-selector.js';

/**
 * A compiled selector as a requirement list (kube's Selector.Requirements()): `everything` is
 * the empty list, `nothing` is null (it matches no pod).
 */
export function selectorRequirements(sel: CompiledLabelSelector): readonly Requirement[] | null {
  switch (sel.kind) {
    case 'nothing':
      return null;
    case 'everything':
      return [];
    case 'requirements':
      return sel.requirements;
  }
}

function requirementKey(r: Requirement): string {
  return `${r.key}\u0001${r.op}\u0001${[...r.values].sort().join('\u0003')}`;
}

/** Canonical text of a requirement list (sorted), for cache keys. */
export function requirementsKey(reqs: readonly Requirement[]): string {
  return reqs.map(requirementKey).sort().join('\u0002');
}

/** The requirement that narrows candidates best without a count: In/Equals first, then Exists. */
export function labelHintOf(reqs: readonly Requirement[]): LabelHint | null {
  let exists: Requirement | undefined;
  let best: Requirement | undefined;
  for (const r of reqs) {
    if (r.op === 'Equals' || r.op === 'In') {
      if (!best || r.values.size < best.values.size) best = r;
    } else if (r.op === 'Exists' && !exists) exists = r;
  }
  if (best) return { key: best.key, values: [...best.values] };
  if (exists) return { key: exists.key, values: null };
  return null;
}

/** Whether a pod is terminating (kube skips those in PodTopologySpread counts, #87621). */
export function isTerminating(pod: PodInfo): boolean {
  return pod.pod.metadata.deletionTimestamp != null;
}

/**
 * A query for pods in `namespaces` (null = all) matching every requirement; with
 * `skipTerminating`, pods being deleted do not match.
 */
export function podQuery(namespaces: ReadonlySet<string> | null, reqs: readonly Requirement[], skipTerminating: boolean): PodQuery {
  const nsKey = namespaces === null ? '*' : [...namespaces].sort().join('\u0003');
  const key = `${skipTerminating ? 'T' : 'A'}|${nsKey}|${requirementsKey(reqs)}`;
  return {
    key,
    namespaces,
    hint: labelHintOf(reqs),
    matches(pod: PodInfo): boolean {
      if (namespaces !== null && !namespaces.has(pod.namespace)) return false;
      if (skipTerminating && isTerminating(pod)) return false;
      return requirementsMatch(reqs, pod.labels);
    },
  };
}

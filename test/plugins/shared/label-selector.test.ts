import { describe, it, expect } from 'vitest';
import type { NodeSelectorRequirement } from '../../../src/api/k8s.js';
import {
  aggregateMessage,
  compileNodeSelector,
  compileNodeSelectorTerm,
  compilePreferredTerms,
  getRequiredNodeAffinity,
  labelSelectorAsSelector,
  labelSelectorMatches,
  newRequirement,
  nodeSelectorErrors,
  nodeSelectorMatches,
  parseInt64,
  preferredScore,
  requiredIsNodeSpecific,
  requiredNodeAffinityMatches,
  requirementMatches,
  termIsNodeSpecific,
  termMatches,
  type SelectorOperator,
} from '../../../src/plugins/shared/label-selector.js';

const PER_NODE = new Set(['kubernetes.io/hostname']);

describe('parseInt64 (Go strconv.ParseInt base 10)', () => {
  const cases: Array<[string, bigint | null]> = [
    ['0', 0n], ['0206', 206n], ['+5', 5n], ['-12', -12n], ['-0', 0n],
    ['9223372036854775807', 9223372036854775807n], ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', null], ['', null], ['1.5', null], ['1e3', null], [' 1', null], ['0x10', null], ['1_000', null], ['+', null],
  ];
  for (const [s, want] of cases) it(JSON.stringify(s), () => expect(parseInt64(s)).toBe(want));
});

// Semantics of apimachinery labels.Requirement.Matches (selector_test.go TestRequirementMatches-style).
describe('requirementMatches', () => {
  const req = (key: string, op: SelectorOperator, values: string[]) => {
    const r = newRequirement(key, op, values, 'r');
    if (!r.ok) throw new Error(r.errors.join('; '));
    return r.requirement;
  };
  const cases: Array<{ name: string; key: string; op: SelectorOperator; values: string[]; labels: Record<string, string>; want: boolean }> = [
    { name: 'In matches a listed value', key: 'foo', op: 'In', values: ['bar', 'baz'], labels: { foo: 'baz' }, want: true },
    { name: 'In rejects an unlisted value', key: 'foo', op: 'In', values: ['bar'], labels: { foo: 'qux' }, want: false },
    { name: 'In rejects a missing key', key: 'foo', op: 'In', values: ['bar'], labels: {}, want: false },
    { name: 'NotIn accepts a missing key', key: 'foo', op: 'NotIn', values: ['bar'], labels: {}, want: true },
    { name: 'NotIn rejects a listed value', key: 'foo', op: 'NotIn', values: ['bar'], labels: { foo: 'bar' }, want: false },
    { name: 'NotIn accepts another value', key: 'foo', op: 'NotIn', values: ['bar'], labels: { foo: 'x' }, want: true },
    { name: 'Exists with empty value', key: 'foo', op: 'Exists', values: [], labels: { foo: '' }, want: true },
    { name: 'Exists missing', key: 'foo', op: 'Exists', values: [], labels: { bar: '1' }, want: false },
    { name: 'DoesNotExist missing', key: 'foo', op: 'DoesNotExist', values: [], labels: {}, want: true },
    { name: 'DoesNotExist present', key: 'foo', op: 'DoesNotExist', values: [], labels: { foo: 'x' }, want: false },
    { name: 'Gt with leading zeros', key: 'kernel-version', op: 'Gt', values: ['0204'], labels: { 'kernel-version': '0206' }, want: true },
    { name: 'Gt equal is false', key: 'n', op: 'Gt', values: ['5'], labels: { n: '5' }, want: false },
    { name: 'Lt negative', key: 'n', op: 'Lt', values: ['0'], labels: { n: '-3' }, want: true },
    { name: 'Gt beyond 2^53 compares exactly', key: 'n', op: 'Gt', values: ['9007199254740992'], labels: { n: '9007199254740993' }, want: true },
    { name: 'Gt with a non-integer label is false', key: 'n', op: 'Gt', values: ['1'], labels: { n: 'abc' }, want: false },
    { name: 'Lt with an int64-overflowing label is false', key: 'n', op: 'Lt', values: ['1'], labels: { n: '-9223372036854775809' }, want: false },
    { name: 'Gt missing key is false', key: 'n', op: 'Gt', values: ['1'], labels: {}, want: false },
    { name: 'Equals needs the key', key: 'foo', op: 'Equals', values: [''], labels: {}, want: false },
    { name: 'Equals with empty value', key: 'foo', op: 'Equals', values: [''], labels: { foo: '' }, want: true },
    { name: 'inherited properties are not labels', key: 'constructor', op: 'Exists', values: [], labels: {}, want: false },
  ];
  for (const c of cases) it(c.name, () => expect(requirementMatches(req(c.key, c.op, c.values), c.labels)).toBe(c.want));
});

// labels.NewRequirement validation (selector_test.go TestRequirementConstructor-style).
describe('newRequirement validation', () => {
  const cases: Array<{ name: string; key: string; op: SelectorOperator; values: string[]; error?: string }> = [
    { name: 'valid In', key: 'x1', op: 'In', values: ['foo'] },
    { name: 'In needs values', key: 'x1', op: 'In', values: [], error: "for 'in', 'notin' operators, values set can't be empty" },
    { name: 'NotIn needs values', key: 'x1', op: 'NotIn', values: [], error: "for 'in', 'notin' operators, values set can't be empty" },
    { name: 'Exists takes no values', key: 'x1', op: 'Exists', values: ['a'], error: 'values set must be empty for exists and does not exist' },
    { name: 'Gt needs one value', key: 'x1', op: 'Gt', values: ['1', '2'], error: "for 'Gt', 'Lt' operators, exactly one value is required" },
    { name: 'Lt needs an integer', key: 'x1', op: 'Lt', values: ['1.5'], error: "for 'Gt', 'Lt' operators, the value must be an integer" },
    { name: 'invalid key', key: 'x=1', op: 'Exists', values: [], error: 'r.key: Invalid value: "x=1"' },
    { name: 'key with prefix', key: 'example.com/x', op: 'Exists', values: [] },
    { name: 'key with two slashes', key: 'a/b/c', op: 'Exists', values: [], error: 'must be a qualified name' },
    { name: 'invalid value', key: 'x', op: 'NotIn', values: ['invalid value: ___@#$%^'], error: 'r.values[0]: Invalid value: "invalid value: ___@#$%^"' },
    { name: 'value of 64 characters', key: 'x', op: 'In', values: ['a'.repeat(64)], error: 'a valid label must be' },
    { name: 'value of 63 characters', key: 'x', op: 'In', values: ['a'.repeat(63)] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = newRequirement(c.key, c.op, c.values, 'r');
      if (c.error === undefined) expect(r.ok).toBe(true);
      else {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.errors.join('\n')).toContain(c.error);
      }
    });
  }
});

describe('node selector terms', () => {
  const e = (key: string, operator: NodeSelectorRequirement['operator'], values?: string[]): NodeSelectorRequirement => ({ key, operator, values });
  it('matchExpressions are ANDed, terms ORed, empty terms select nothing', () => {
    const sel = compileNodeSelector({
      nodeSelectorTerms: [{}, { matchExpressions: [e('a', 'In', ['1']), e('b', 'Exists')] }, { matchExpressions: [e('c', 'DoesNotExist')] }],
    });
    expect(sel.terms).toHaveLength(2);
    expect(nodeSelectorMatches(sel, { a: '1', b: '', c: 'x' }, 'n')).toBe(true);
    expect(nodeSelectorMatches(sel, { a: '1', c: 'x' }, 'n')).toBe(false);
    expect(nodeSelectorMatches(sel, {}, 'n')).toBe(true);
    expect(nodeSelectorMatches(compileNodeSelector({ nodeSelectorTerms: [{ matchExpressions: [] }] }), {}, 'n')).toBe(false);
    expect(nodeSelectorMatches(compileNodeSelector({ nodeSelectorTerms: [] }), {}, 'n')).toBe(false);
  });
  it('matchFields compare metadata.name; other keys read as empty', () => {
    const t = (r: NodeSelectorRequirement) => compileNodeSelectorTerm({ matchFields: [r] });
    expect(termMatches(t(e('metadata.name', 'In', ['n1'])), {}, 'n1')).toBe(true);
    expect(termMatches(t(e('metadata.name', 'In', ['n1'])), {}, 'n2')).toBe(false);
    expect(termMatches(t(e('metadata.name', 'NotIn', ['n1'])), {}, 'n2')).toBe(true);
    expect(termMatches(t(e('metadata.name', 'NotIn', ['n1'])), {}, 'n1')).toBe(false);
    expect(termMatches(t(e('metadata.uid', 'In', ['x'])), {}, 'n1')).toBe(false);
    expect(termMatches(t(e('metadata.uid', 'NotIn', ['x'])), {}, 'n1')).toBe(true);
    // kube: a node without a name has no fields, so field requirements are not checked.
    expect(termMatches(t(e('metadata.name', 'In', ['n1'])), {}, '')).toBe(true);
  });
  it('matchFields must have exactly one value and operator In/NotIn', () => {
    const twoValues = compileNodeSelectorTerm({ matchFields: [e('metadata.name', 'In', ['a', 'b'])] });
    expect(twoValues.errors?.[0]).toBe('matchFields[0].values: Invalid value: []string{"a", "b"}: must have one element');
    expect(termMatches(twoValues, {}, 'a')).toBe(false);
    const badOp = compileNodeSelectorTerm({ matchFields: [e('metadata.name', 'Exists')] });
    expect(badOp.errors?.[0]).toContain('matchFields[0].operator: Unsupported value: "Exists"');
  });
  it('an invalid term never matches but other terms still do (lazy errors)', () => {
    const sel = compileNodeSelector({ nodeSelectorTerms: [{ matchExpressions: [e('a', 'In', [])] }, { matchExpressions: [e('b', 'Exists')] }] });
    expect(nodeSelectorErrors(sel)).toEqual(["nodeSelectorTerms[0].matchExpressions[0].values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"]);
    expect(nodeSelectorMatches(sel, { a: 'x', b: 'y' }, 'n')).toBe(true);
    expect(nodeSelectorMatches(sel, { a: 'x' }, 'n')).toBe(false);
  });
  it('node-specific detection: matchFields or a per-node label key', () => {
    expect(termIsNodeSpecific(compileNodeSelectorTerm({ matchExpressions: [e('zone', 'Exists')] }), PER_NODE)).toBe(false);
    expect(termIsNodeSpecific(compileNodeSelectorTerm({ matchExpressions: [e('kubernetes.io/hostname', 'DoesNotExist')] }), PER_NODE)).toBe(true);
    expect(termIsNodeSpecific(compileNodeSelectorTerm({ matchFields: [e('metadata.name', 'In', ['a'])] }), PER_NODE)).toBe(true);
    expect(requiredIsNodeSpecific(getRequiredNodeAffinity({ 'kubernetes.io/hostname': 'a' }, null), PER_NODE)).toBe(true);
    expect(requiredIsNodeSpecific(getRequiredNodeAffinity({ zone: 'a' }, null), PER_NODE)).toBe(false);
  });
  it('RequiredNodeAffinity: nodeSelector AND required terms; empty nodeSelector ignored', () => {
    const r = getRequiredNodeAffinity({ zone: 'a' }, { nodeSelectorTerms: [{ matchExpressions: [e('gpu', 'Exists')] }] });
    expect(requiredNodeAffinityMatches(r, { zone: 'a', gpu: '1' }, 'n')).toBe(true);
    expect(requiredNodeAffinityMatches(r, { zone: 'b', gpu: '1' }, 'n')).toBe(false);
    expect(requiredNodeAffinityMatches(r, { zone: 'a' }, 'n')).toBe(false);
    const none = getRequiredNodeAffinity({}, undefined);
    expect(none.selector).toBeNull();
    expect(requiredNodeAffinityMatches(none, {}, 'n')).toBe(true);
  });
  it('preferred terms: weight 0 and empty terms dropped, errors fail the list', () => {
    const ok = compilePreferredTerms([
      { weight: 3, preference: { matchExpressions: [e('a', 'Exists')] } },
      { weight: 0, preference: { matchExpressions: [e('a', 'Exists')] } },
      { weight: 7, preference: {} },
      { weight: 5, preference: { matchExpressions: [e('b', 'Exists')] } },
    ]);
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(ok.terms.map((t) => t.weight)).toEqual([3, 5]);
      expect(preferredScore(ok.terms, { a: '', b: '' }, 'n')).toBe(8);
      expect(preferredScore(ok.terms, { b: '' }, 'n')).toBe(5);
    }
    const bad = compilePreferredTerms([
      { weight: 1, preference: { matchExpressions: [e('a', 'Gt', ['x'])] } },
      { weight: 1, preference: { matchExpressions: [e('b', 'In', [])] } },
    ]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error).toBe(
        "[[0].matchExpressions[0].values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer, " +
          "[1].matchExpressions[0].values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty]",
      );
    }
  });
});

// metav1.LabelSelectorAsSelector semantics (helpers_test.go TestLabelSelectorAsSelector-style).
describe('labelSelectorAsSelector', () => {
  const compile = (ps: Parameters<typeof labelSelectorAsSelector>[0]) => {
    const r = labelSelectorAsSelector(ps);
    if (!r.ok) throw new Error(r.error);
    return r.selector;
  };
  it('nil selects nothing, empty selects everything', () => {
    expect(labelSelectorMatches(compile(null), { a: '1' })).toBe(false);
    expect(labelSelectorMatches(compile(undefined), {})).toBe(false);
    expect(labelSelectorMatches(compile({}), { a: '1' })).toBe(true);
    expect(labelSelectorMatches(compile({ matchLabels: {}, matchExpressions: [] }), {})).toBe(true);
  });
  it('matchLabels and matchExpressions are ANDed', () => {
    const s = compile({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }, { key: 'canary', operator: 'DoesNotExist' }] });
    expect(labelSelectorMatches(s, { app: 'web', tier: 'fe' })).toBe(true);
    expect(labelSelectorMatches(s, { app: 'web', tier: 'db' })).toBe(false);
    expect(labelSelectorMatches(s, { app: 'web', tier: 'fe', canary: '' })).toBe(false);
    expect(labelSelectorMatches(s, { tier: 'fe' })).toBe(false);
    const notIn = compile({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }, { key: 'app', operator: 'Exists' }] });
    expect(labelSelectorMatches(notIn, { app: 'x' })).toBe(true);
    expect(labelSelectorMatches(notIn, { app: 'x', env: 'prod' })).toBe(false);
  });
  it('rejects operators outside In/NotIn/Exists/DoesNotExist and invalid requirements', () => {
    expect(labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toEqual({ ok: false, error: '"Gt" is not a valid label selector operator' });
    const r = labelSelectorAsSelector({ matchLabels: { 'bad key!': 'v' } });
    expect(r.ok).toBe(false);
    const r2 = labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] });
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error).toContain("values set can't be empty");
  });
});

describe('aggregateMessage', () => {
  it('formats like kube utilerrors aggregates', () => {
    expect(aggregateMessage(['a'])).toBe('a');
    expect(aggregateMessage(['a', 'b'])).toBe('[a, b]');
    expect(aggregateMessage(['a', 'a'])).toBe('a');
    expect(aggregateMessage(['a', 'b', 'a'])).toBe('[a, b]');
  });
});

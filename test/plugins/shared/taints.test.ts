import { describe, it, expect } from 'vitest';
import type { Taint, Toleration } from '../../../src/api/k8s.js';
import { findUntoleratedTaint, isDoNotScheduleTaint, tolerates, tolerationsTolerateTaint } from '../../../src/plugins/shared/taints.js';

// Port of kube's TestTolerationToleratesTaint (core/v1 toleration_test.go), v1.32 operators.
describe('tolerates', () => {
  const cases: Array<{ description: string; toleration: Toleration; taint: Taint; expect: boolean }> = [
    {
      description: 'toleration and taint have the same key and effect, and operator is Exists, and taint has no value, expect tolerated',
      toleration: { key: 'foo', operator: 'Exists', effect: 'NoSchedule' },
      taint: { key: 'foo', effect: 'NoSchedule' },
      expect: true,
    },
    {
      description: 'toleration and taint have the same key and effect, and operator is Exists, and taint has some value, expect tolerated',
      toleration: { key: 'foo', operator: 'Exists', effect: 'NoSchedule' },
      taint: { key: 'foo', value: 'bar', effect: 'NoSchedule' },
      expect: true,
    },
    {
      description: 'toleration and taint have the same effect, toleration has empty key and operator is Exists, means match all taints, expect tolerated',
      toleration: { key: '', operator: 'Exists', effect: 'NoSchedule' },
      taint: { key: 'foo', value: 'bar', effect: 'NoSchedule' },
      expect: true,
    },
    {
      description: 'toleration and taint have the same key, effect and value, and operator is Equal, expect tolerated',
      toleration: { key: 'foo', operator: 'Equal', value: 'bar', effect: 'NoSchedule' },
      taint: { key: 'foo', value: 'bar', effect: 'NoSchedule' },
      expect: true,
    },
    {
      description: 'toleration and taint have the same key and effect, but different values, and operator is Equal, expect not tolerated',
      toleration: { key: 'foo', operator: 'Equal', value: 'value1', effect: 'NoSchedule' },
      taint: { key: 'foo', value: 'value2', effect: 'NoSchedule' },
      expect: false,
    },
    {
      description: 'toleration and taint have the same key and value, but different effects, and operator is Equal, expect not tolerated',
      toleration: { key: 'foo', operator: 'Equal', value: 'bar', effect: 'NoSchedule' },
      taint: { key: 'foo', value: 'bar', effect: 'NoExecute' },
      expect: false,
    },
    {
      description: 'empty operator means Equal: same key, effect and empty value, expect tolerated',
      toleration: { key: 'foo', effect: 'NoSchedule' },
      taint: { key: 'foo', effect: 'NoSchedule' },
      expect: true,
    },
    {
      description: 'empty operator means Equal: a taint with a value is not tolerated by a valueless toleration',
      toleration: { key: 'foo', operator: '', effect: 'NoSchedule' },
      taint: { key: 'foo', value: 'bar', effect: 'NoSchedule' },
      expect: false,
    },
    {
      description: 'empty effect matches every effect',
      toleration: { key: 'foo', operator: 'Exists' },
      taint: { key: 'foo', value: 'bar', effect: 'NoExecute' },
      expect: true,
    },
    {
      description: 'empty key and Exists and empty effect tolerates everything',
      toleration: { operator: 'Exists' },
      taint: { key: 'anything', value: 'x', effect: 'PreferNoSchedule' },
      expect: true,
    },
    {
      description: 'empty key with Equal (invalid in the API) compares values only',
      toleration: { operator: 'Equal', value: 'x' },
      taint: { key: 'anything', value: 'x', effect: 'NoSchedule' },
      expect: true,
    },
    {
      description: 'different keys are not tolerated',
      toleration: { key: 'foo', operator: 'Exists', effect: 'NoSchedule' },
      taint: { key: 'bar', effect: 'NoSchedule' },
      expect: false,
    },
    {
      description: 'null fields behave as empty',
      toleration: { key: null, operator: null, value: null, effect: null },
      taint: { key: 'k', value: null, effect: 'NoSchedule' },
      expect: true,
    },
  ];
  for (const c of cases) {
    it(c.description, () => {
      expect(tolerates(c.toleration, c.taint)).toBe(c.expect);
    });
  }
  it('an operator other than Exists/Equal tolerates nothing (Gt/Lt are not in v1.32)', () => {
    const t = { key: 'sla', operator: 'Gt', value: '1', effect: 'NoSchedule' } as unknown as Toleration;
    expect(tolerates(t, { key: 'sla', value: '2', effect: 'NoSchedule' })).toBe(false);
  });
});

describe('findUntoleratedTaint', () => {
  const taints: Taint[] = [
    { key: 'a', value: '1', effect: 'PreferNoSchedule' },
    { key: 'b', value: '2', effect: 'NoSchedule' },
    { key: 'c', value: '3', effect: 'NoExecute' },
  ];
  it('returns the first taint selected by the filter and not tolerated', () => {
    expect(findUntoleratedTaint(taints, [], isDoNotScheduleTaint)).toBe(taints[1]);
    expect(findUntoleratedTaint(taints, [{ key: 'b', operator: 'Exists' }], isDoNotScheduleTaint)).toBe(taints[2]);
    expect(findUntoleratedTaint(taints, [{ key: 'b', operator: 'Exists' }, { key: 'c', value: '3' }], isDoNotScheduleTaint)).toBeUndefined();
    expect(findUntoleratedTaint(taints, [], () => true)).toBe(taints[0]);
  });
  it('tolerationsTolerateTaint: any toleration suffices', () => {
    expect(tolerationsTolerateTaint([{ key: 'x', operator: 'Exists' }, { key: 'c', value: '3' }], taints[2]!)).toBe(true);
    expect(tolerationsTolerateTaint([], taints[2]!)).toBe(false);
  });
});

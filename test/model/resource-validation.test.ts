/** The API server's quantity checks (pkg/apis/core/validation), as the model applies them. */
import { describe, expect, it } from 'vitest';
import { parseQuantityExact } from '../../src/model/quantity.js';
import {
  compareQuantities,
  invalidValueMessage,
  isIntegerResourceName,
  isOvercommitAllowed,
  requestLimitProblem,
  resourceQuantityProblem,
} from '../../src/model/resource-validation.js';

const q = parseQuantityExact;

describe('resourceQuantityProblem (ValidateResourceQuantityValue)', () => {
  it.each([
    ['cpu', '-1', 'must be greater than or equal to 0'],
    ['memory', '-1Ki', 'must be greater than or equal to 0'],
    ['cpu', '-0.0001', 'must be greater than or equal to 0'],
    ['cpu', '0', undefined],
    ['cpu', '1.5', undefined],
    ['pods', '110', undefined],
    ['pods', '110.5', 'must be an integer'],
    ['nvidia.com/gpu', '1', undefined],
    ['nvidia.com/gpu', '1500m', 'must be an integer'],
    ['nvidia.com/gpu', '2000m', undefined],
    ['hugepages-2Mi', '1.5', undefined],
  ])('%s %s -> %s', (name, value, problem) => {
    expect(resourceQuantityProblem(name, q(value))).toBe(problem);
  });
});

describe('requestLimitProblem', () => {
  it.each([
    ['cpu', '2', '1', 'must be less than or equal to cpu limit of 1'],
    ['cpu', '1', '1000m', undefined],
    ['cpu', '500m', '1', undefined],
    ['memory', '1Gi', '1024Mi', undefined],
    ['nvidia.com/gpu', '1', '2', 'must be equal to nvidia.com/gpu limit of 2'],
    ['hugepages-2Mi', '2Mi', '4Mi', 'must be equal to hugepages-2Mi limit of 4Mi'],
    ['example.com/foo', '3', '3', undefined],
  ])('%s request %s, limit %s -> %s', (name, req, lim, problem) => {
    expect(requestLimitProblem(name, q(req), q(lim), lim)).toBe(problem);
  });
});

describe('resource classes', () => {
  it('overcommit is allowed for native resources but hugepages', () => {
    expect(['cpu', 'memory', 'ephemeral-storage', 'kubernetes.io/foo'].map(isOvercommitAllowed)).toEqual([true, true, true, true]);
    expect(['hugepages-1Gi', 'nvidia.com/gpu'].map(isOvercommitAllowed)).toEqual([false, false]);
  });
  it('integer resources are object counts and extended resources', () => {
    expect(['pods', 'services', 'nvidia.com/gpu'].map(isIntegerResourceName)).toEqual([true, true, true]);
    expect(['cpu', 'memory', 'hugepages-2Mi', 'kubernetes.io/foo'].map(isIntegerResourceName)).toEqual([false, false, false, false]);
  });
  it('compares exact quantities across units', () => {
    expect(compareQuantities(q('1Gi'), q('1024Mi'))).toBe(0);
    expect(compareQuantities(q('0.1'), q('99m'))).toBe(1);
    expect(compareQuantities(q('-1'), q('0'))).toBe(-1);
  });
  it("writes kube's field.Invalid text", () => {
    expect(invalidValueMessage('a.b', -1, 'x')).toBe('a.b: Invalid value: "-1": x');
  });
});

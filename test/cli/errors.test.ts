/** reportError: the one place errors become exit codes. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/api/errors.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE, reportError, UsageError } from '../../src/cli/errors.js';
import { ModelInputError } from '../../src/model/errors.js';
import { ERROR_CODES, PodfitError, type ErrorCodeInfo } from '../../src/model/error-codes.js';

describe('reportError', () => {
  it.each([
    ['InputError', new InputError('c.yaml: invalid value at items[0].kind', 'items[0].kind'), 'error: c.yaml: invalid value at items[0].kind\n'],
    // Normally an edge rewraps it with the file; one that reaches here unwrapped is still bad input.
    ['ModelInputError', new ModelInputError('duplicate node a', 'metadata.name'), 'error: duplicate node a\n'],
    ['UsageError', new UsageError('--seed: expected an integer'), 'error: --seed: expected an integer\n'],
  ])('%s is bad input: exit 2, the message alone', (_, e, printed) => {
    let out = '';
    expect(reportError(e, (s) => (out += s))).toBe(EXIT_BAD_INPUT);
    expect(out).toBe(printed);
  });

  it('a PodfitError whose code is user-fixable (a cluster that cannot be reached or read) is exit 2 with the message alone, even after crossing a thread', () => {
    const fixable = Object.entries(ERROR_CODES).filter(([, i]) => (i as ErrorCodeInfo).userFixable).map(([c]) => c);
    expect(fixable).toEqual(expect.arrayContaining(['PODFIT_ERR_LIVE_UNREACHABLE', 'PODFIT_ERR_LIVE_UNAUTHORIZED', 'PODFIT_ERR_LIVE_FORBIDDEN']));
    let out = '';
    expect(reportError(new PodfitError('PODFIT_ERR_LIVE_FORBIDDEN', 'https://k: not allowed to list pods'), (s) => (out += s))).toBe(EXIT_BAD_INPUT);
    expect(out).toBe('error: PODFIT_ERR_LIVE_FORBIDDEN: https://k: not allowed to list pods\n');
    expect(reportError(structuredClone(new PodfitError('PODFIT_ERR_LIVE_UNREACHABLE', 'x')), () => {})).toBe(EXIT_BAD_INPUT);
    // Other codes stay internal failures.
    expect(reportError(new PodfitError('PODFIT_ERR_LIVE_LIST_FAILED', 'x'), () => {})).toBe(EXIT_FAILURE);
  });

  it('anything else is an internal failure: exit 1 with the stack', () => {
    let out = '';
    expect(reportError(new Error('boom'), (s) => (out += s))).toBe(EXIT_FAILURE);
    expect(out).toMatch(/^error: Error: boom\n {4}at /);
  });
});

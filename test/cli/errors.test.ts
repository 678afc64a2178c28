/** reportError: the one place errors become exit codes. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/api/errors.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE, reportError, UsageError } from '../../src/cli/errors.js';
import { ModelInputError } from '../../src/model/errors.js';

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

  it('anything else is an internal failure: exit 1 with the stack', () => {
    let out = '';
    expect(reportError(new Error('boom'), (s) => (out += s))).toBe(EXIT_FAILURE);
    expect(out).toMatch(/^error: Error: boom\n {4}at /);
  });
});

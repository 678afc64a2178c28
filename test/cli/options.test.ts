/** Shared CLI flag parsing (src/cli/options.ts). */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { parseValidate } from '../../src/cli/options.js';

describe('parseValidate (--validate, as kubectl has it)', () => {
  it.each([
    [undefined, 'strict'],
    [true, 'strict'],
    ['true', 'strict'],
    ['strict', 'strict'],
    ['warn', 'warn'],
    ['ignore', 'ignore'],
    ['false', 'ignore'],
  ] as const)('%s -> %s', (v, mode) => {
    expect(parseValidate(v)).toBe(mode);
  });

  it('names the flag and the choices for anything else', () => {
    expect(() => parseValidate('Strict')).toThrow(UsageError);
    expect(() => parseValidate('Strict')).toThrow('--validate: expected one of strict, warn, ignore, got "Strict"');
  });
});

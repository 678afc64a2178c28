import { describe, expect, it } from 'vitest';
import { ERR_FORMAT_WRONG, ERR_NUMERIC, ERR_SUFFIX, parseMilliValue, parseValue } from '../../src/model/quantity.js';

describe('quantity parsing (K8S-FACTS §8)', () => {
  it.each([
    ['100m', 100, 1],
    ['0.5', 500, 1],
    ['1', 1000, 1],
    ['2', 2000, 2],
    ['0.0001', 1, 1],
    ['1.5Gi', 1_610_612_736_000, 1_610_612_736],
    ['0.5Ki', 512_000, 512],
    ['1e3', 1_000_000, 1000],
    ['1E3', 1_000_000, 1000],
    ['12E-2', 120, 1],
    ['1k', 1_000_000, 1000],
    ['1M', 1_000_000_000, 1_000_000],
    ['100Mi', 104_857_600_000, 104_857_600],
    ['1n', 1, 1],
    ['1u', 1, 1],
    ['5.', 5000, 5],
    ['.5', 500, 1],
    ['+3', 3000, 3],
    ['1Ti', 1_099_511_627_776_000, 1_099_511_627_776],
    ['1P', 1e18, 1e15],
    ['  2  ', 2000, 2],
  ])('%s -> milli %d, value %d', (q, milli, value) => {
    expect(parseMilliValue(q)).toBe(milli);
    expect(parseValue(q)).toBe(value);
  });

  it('memory 100m is 0.1 byte, Value() rounds up to 1', () => {
    expect(parseValue('100m')).toBe(1);
  });

  it('E alone is exa, Ei is 2^60', () => {
    expect(parseValue('1E')).toBe(1e18);
    expect(parseValue('1Ei')).toBe(2 ** 60);
  });

  it('accepts JSON numbers and null', () => {
    expect(parseMilliValue(2)).toBe(2000);
    expect(parseMilliValue(0.25)).toBe(250);
    expect(parseValue(null)).toBe(0);
    expect(parseValue(1e-7)).toBe(1);
  });

  it.each([
    ['', 'quantities must match the regular expression'],
    ['abc', ERR_FORMAT_WRONG],
    ['1K', ERR_SUFFIX],
    ['1Kb', ERR_FORMAT_WRONG],
    ['1Mii', ERR_SUFFIX],
    ['1.2.3', ERR_NUMERIC],
    ['.', ERR_NUMERIC],
    ['1 Gi', ERR_FORMAT_WRONG],
    ['1e', ERR_SUFFIX],
  ])('rejects %j', (q, msg) => {
    expect(() => parseValue(q)).toThrow(msg);
  });
});

import { describe, it, expect } from 'vitest';
import { defaultNormalizeScore } from '../../../src/plugins/shared/normalize-score.js';

// Port of kube's helper TestDefaultNormalizeScore.
describe('defaultNormalizeScore', () => {
  const cases = [
    { reverse: false, scores: [1, 2, 3, 4], expected: [25, 50, 75, 100] },
    { reverse: true, scores: [1, 2, 3, 4], expected: [75, 50, 25, 0] },
    { reverse: false, scores: [1000, 10, 20, 30], expected: [100, 1, 2, 3] },
    { reverse: true, scores: [1000, 10, 20, 30], expected: [0, 99, 98, 97] },
    { reverse: false, scores: [1, 1, 1, 1], expected: [100, 100, 100, 100] },
    { reverse: false, scores: [0, 1, 1, 1], expected: [0, 100, 100, 100] },
    { reverse: true, scores: [0, 0, 0, 0], expected: [100, 100, 100, 100] },
    { reverse: false, scores: [0, 0, 0, 0], expected: [0, 0, 0, 0] },
    { reverse: true, scores: [0, 1, 1, 1], expected: [100, 0, 0, 0] },
  ];
  for (const c of cases) {
    it(`${c.reverse ? 'reverse ' : ''}[${c.scores.join(',')}]`, () => {
      const s = Float64Array.from(c.scores);
      defaultNormalizeScore(s, c.reverse);
      expect([...s]).toEqual(c.expected);
    });
  }
});

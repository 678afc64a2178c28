import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { normalizedImageName } from '../../../src/plugins/shared/images.js';

// Port of kube's imagelocality TestNormalizedImageName.
describe('normalizedImageName', () => {
  const digest = `sha256:${createHash('sha256').update('root').digest('hex')}`;
  const cases = [
    { name: 'add :latest postfix 1', input: 'root', output: 'root:latest' },
    { name: 'add :latest postfix 2', input: 'gcr.io:5000/root', output: 'gcr.io:5000/root:latest' },
    { name: 'keep it as is 1', input: 'root:tag', output: 'root:tag' },
    { name: 'keep it as is 2', input: `root@${digest}`, output: `root@${digest}` },
    { name: 'registry port and tag', input: 'gcr.io:5000/root:v1', output: 'gcr.io:5000/root:v1' },
    { name: 'empty image', input: '', output: ':latest' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(normalizedImageName(c.input)).toBe(c.output);
    });
  }
});

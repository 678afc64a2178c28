import { describe, expect, it } from 'vitest';
import { fitErrorMessage } from '../../src/framework/fit-error.js';
import { Status } from '../../src/framework/status.js';

describe('FitError message (K8S-FACTS §6.3)', () => {
  it('counts each reason and sorts entries as plain strings', () => {
    const m = new Map<string, Status>();
    for (let i = 0; i < 10; i++) m.set(`a${i}`, Status.unschedulable('Insufficient cpu'));
    m.set('b0', Status.unresolvable('node(s) had untolerated taint {k: v}'));
    m.set('b1', Status.unresolvable('node(s) had untolerated taint {k: v}'));
    m.set('c', Status.unschedulable('Insufficient cpu', 'Insufficient memory'));
    expect(fitErrorMessage(13, { nodeToStatus: m, unschedulablePlugins: new Set() })).toBe(
      '0/13 nodes are available: 1 Insufficient memory, 11 Insufficient cpu, 2 node(s) had untolerated taint {k: v}.',
    );
  });
  it('uses only the PreFilter message when PreFilter rejected', () => {
    expect(fitErrorMessage(3, { nodeToStatus: new Map(), preFilterMsg: 'pod affinity terms conflict', absentStatus: Status.unresolvable('x'), absentCount: 3, unschedulablePlugins: new Set() }))
      .toBe('0/3 nodes are available: pod affinity terms conflict.');
  });
  it('counts absent nodes with the absent status', () => {
    const m = new Map([['n1', Status.unschedulable('Insufficient cpu')]]);
    expect(fitErrorMessage(3, { nodeToStatus: m, absentStatus: Status.unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]"), absentCount: 2, unschedulablePlugins: new Set() }))
      .toBe("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  });
  it('appends the PostFilter message', () => {
    const m = new Map([['n1', Status.unschedulable('Insufficient cpu')]]);
    expect(fitErrorMessage(1, { nodeToStatus: m, postFilterMsg: 'preemption: not eligible due to preemptionPolicy=Never.', unschedulablePlugins: new Set() }))
      .toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  });
});

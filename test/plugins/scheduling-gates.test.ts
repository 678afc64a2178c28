import { describe, it, expect } from 'vitest';
import type { PreEnqueuePlugin } from '../../src/framework/interfaces.js';
import { Code } from '../../src/framework/status.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { definition } from '../../src/plugins/scheduling-gates/index.js';
import { makePod } from '../helpers/builders.js';
import { build, clusterOf, statusView } from './shared/plugin-harness.js';

// Port of kube's schedulinggates TestPreEnqueue.
describe('SchedulingGates', () => {
  const plugin = build<PreEnqueuePlugin>(definition, clusterOf([]));
  const gated = (names: string[]) => {
    const p = makePod('p').build();
    p.spec.schedulingGates = names.map((name) => ({ name }));
    return makePodInfo(p);
  };
  const cases = [
    { name: 'pod does not carry scheduling gates', pod: makePodInfo(makePod('p').build()), want: null },
    { name: 'empty gate list', pod: gated([]), want: null },
    {
      name: 'pod carries scheduling gates',
      pod: gated(['foo', 'bar']),
      want: { code: Code.UnschedulableAndUnresolvable, reasons: ['waiting for scheduling gates: [foo bar]'] },
    },
    {
      name: 'one gate',
      pod: gated(['example.com/gate']),
      want: { code: Code.UnschedulableAndUnresolvable, reasons: ['waiting for scheduling gates: [example.com/gate]'] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(statusView(plugin.preEnqueue(c.pod))).toEqual(c.want);
    });
  }
  it('is registered as implemented at preEnqueue', () => {
    expect(definition.implemented).toBe(true);
    expect(definition.points).toEqual(['preEnqueue']);
  });
});

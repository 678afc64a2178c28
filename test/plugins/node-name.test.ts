import { describe, it, expect } from 'vitest';
import type { FilterPlugin } from '../../src/framework/interfaces.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { Code } from '../../src/framework/status.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { definition, ERR_REASON } from '../../src/plugins/node-name/index.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { build, clusterOf, filterAll, statusView } from './shared/plugin-harness.js';

// Port of kube's nodename TestNodeName.
describe('NodeName', () => {
  const cases = [
    { name: 'no host specified', pod: makePod().build(), node: 'foo', want: null },
    { name: 'host matches', pod: makePod().nodeName('foo').build(), node: 'foo', want: null },
    {
      name: "host doesn't match",
      pod: makePod().nodeName('bar').build(),
      node: 'foo',
      want: { code: Code.UnschedulableAndUnresolvable, reasons: [ERR_REASON] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = clusterOf([makeNode(c.node).build()]);
      const p = build<FilterPlugin>(definition, state);
      const [got] = filterAll(p, new CycleState(), makePodInfo(c.pod), state);
      expect(statusView(got)).toEqual(c.want);
    });
  }
  it('passes only the named node among many', () => {
    const state = clusterOf(['a', 'b', 'c'].map((n) => makeNode(n).build()));
    const p = build<FilterPlugin>(definition, state);
    const got = filterAll(p, new CycleState(), makePodInfo(makePod().nodeName('b').build()), state);
    expect(got.map((s) => s === null)).toEqual([false, true, false]);
    expect(ERR_REASON).toBe("node(s) didn't match the requested node name");
  });
});

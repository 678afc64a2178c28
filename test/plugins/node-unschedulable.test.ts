import { describe, it, expect } from 'vitest';
import type { FilterPlugin } from '../../src/framework/interfaces.js';
import type { Toleration } from '../../src/api/k8s.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { Code } from '../../src/framework/status.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { definition, ERR_REASON_UNSCHEDULABLE } from '../../src/plugins/node-unschedulable/index.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { build, clusterOf, filterAll, statusView } from './shared/plugin-harness.js';

// Port of kube's nodeunschedulable TestNodeUnschedulable, plus toleration variants.
describe('NodeUnschedulable', () => {
  const rejected = { code: Code.UnschedulableAndUnresolvable, reasons: ['node(s) were unschedulable'] };
  const cases: Array<{ name: string; tolerations: Toleration[]; unschedulable: boolean; want: unknown }> = [
    { name: 'Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)', tolerations: [], unschedulable: true, want: rejected },
    { name: 'Schedule pod to normal node', tolerations: [], unschedulable: false, want: null },
    {
      name: 'Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)',
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
      unschedulable: true,
      want: null,
    },
    { name: 'toleration with empty key and Exists tolerates everything', tolerations: [{ operator: 'Exists' }], unschedulable: true, want: null },
    {
      name: 'toleration for another effect does not help',
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }],
      unschedulable: true,
      want: rejected,
    },
    {
      name: 'toleration with a value does not match the valueless taint',
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', value: 'true', effect: 'NoSchedule' }],
      unschedulable: true,
      want: rejected,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = clusterOf([makeNode('n').unschedulable(c.unschedulable).build()]);
      const p = build<FilterPlugin>(definition, state);
      const pod = makePod();
      for (const t of c.tolerations) pod.toleration(t);
      const [got] = filterAll(p, new CycleState(), makePodInfo(pod.build()), state);
      expect(statusView(got)).toEqual(c.want);
    });
  }
  it('rejects only the cordoned nodes', () => {
    const state = clusterOf([makeNode('a').build(), makeNode('b').unschedulable().build(), makeNode('c').build()]);
    const p = build<FilterPlugin>(definition, state);
    const got = filterAll(p, new CycleState(), makePodInfo(makePod().build()), state);
    expect(got.map((s) => s?.reasons[0] ?? null)).toEqual([null, ERR_REASON_UNSCHEDULABLE, null]);
  });
});

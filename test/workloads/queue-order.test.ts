/** queueOrder: kube's queue order (a stable sort by the profile's QueueSort), with or without a sort needed. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { QueueSortPlugin } from '../../src/framework/interfaces.js';
import { makePodInfo, type PodInfo } from '../../src/model/pod-info.js';
import { queueOrder } from '../../src/workloads/batch-pending.js';
import { makePod } from '../helpers/builders.js';

/** PrioritySort's order: higher priority first, then earlier creation. */
const bySort: QueueSortPlugin = {
  name: 'PrioritySort',
  less: (a: PodInfo, b: PodInfo) => a.priority > b.priority || (a.priority === b.priority && a.creationMs < b.creationMs),
};

describe('queueOrder', () => {
  it('is the stable sort by QueueSort, for sorted and unsorted queues alike', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ priority: fc.integer({ min: 0, max: 3 }), created: fc.integer({ min: 0, max: 5 }) }), { maxLength: 40 }), fc.boolean(), (specs, presort) => {
        let pods = specs.map((s, i) => {
          const p = makePodInfo(makePod(`p${i}`).build());
          p.priority = s.priority;
          (p as { creationMs: number }).creationMs = s.created;
          return p;
        });
        const stable = (xs: PodInfo[]) => xs.map((p, i) => ({ p, i })).sort((a, b) => (bySort.less(a.p, b.p) ? -1 : bySort.less(b.p, a.p) ? 1 : a.i - b.i)).map((x) => x.p);
        if (presort) pods = stable(pods);
        const got = queueOrder(pods, bySort);
        expect(got.map((p) => p.name)).toEqual(stable(pods).map((p) => p.name));
        expect(got).not.toBe(pods);
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, it, expect } from 'vitest';
import type { QueueSortPlugin } from '../../src/framework/interfaces.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { definition } from '../../src/plugins/priority-sort/index.js';
import { makePod } from '../helpers/builders.js';
import { build, clusterOf } from './shared/plugin-harness.js';

// Port of kube's queuesort TestLess (queue timestamp -> creation time here), plus the key tie-break.
describe('PrioritySort', () => {
  const plugin = build<QueueSortPlugin>(definition, clusterOf([]));
  const pod = (name: string, priority: number | undefined, created: string) => {
    const b = makePod(name).created(created);
    if (priority !== undefined) b.priority(priority);
    return makePodInfo(b.build());
  };
  const t1 = '2024-01-01T00:00:00Z';
  const t2 = '2024-01-01T00:00:01Z';
  const cases = [
    { name: 'p1.priority less than p2.priority', p1: pod('p1', 1, t1), p2: pod('p2', 2, t2), want: false },
    { name: 'p1.priority greater than p2.priority', p1: pod('p1', 2, t2), p2: pod('p2', 1, t1), want: true },
    { name: 'equal priority. p1 is created earlier than p2', p1: pod('p1', 1, t1), p2: pod('p2', 1, t2), want: true },
    { name: 'equal priority. p2 is created earlier than p1', p1: pod('p1', 1, t2), p2: pod('p2', 1, t1), want: false },
    { name: 'missing priority counts as 0', p1: pod('p1', undefined, t1), p2: pod('p2', -1, t1), want: true },
    { name: 'equal priority and time: pod key decides', p1: pod('a', 1, t1), p2: pod('b', 1, t1), want: true },
    { name: 'equal priority and time: pod key decides (reverse)', p1: pod('b', 1, t1), p2: pod('a', 1, t1), want: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(plugin.less(c.p1, c.p2)).toBe(c.want);
    });
  }
  it('is a strict order (irreflexive)', () => {
    const p = pod('p', 3, t1);
    expect(plugin.less(p, p)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { TopologyIndex, type PodQuery } from '../../src/model/topology-index.js';
import { selectorFromSet } from '../../src/plugins/shared/label-selector.js';
import { podQuery } from '../../src/plugins/shared/pod-query.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { REGISTRY } from '../../src/plugins/registry.js';

function cluster(nodes: number): ClusterState {
  const s = new ClusterState();
  for (let i = 0; i < nodes; i++) s.addNode(makeNode(`n${i}`).capacity({ cpu: '64', memory: '64Gi', pods: 1000 }).build());
  return s;
}
const place = (s: ClusterState, name: string, node: string, labels: Record<string, string>, ns = 'default') => {
  const p = makePodInfo(makePod(name, ns).labels(labels).build());
  s.addPod(p, node);
  return p;
};
const rowsOf = (s: ClusterState, rows: Int32Array) => s.nodes.map((n) => (n.row < rows.length ? rows[n.row]! : 0));
const appWeb = (ns = 'default'): PodQuery => podQuery(new Set([ns]), selectorFromSet({ app: 'web' }), false);

describe('TopologyIndex', () => {
  it('counts matching pods per node and stays current on add, remove and node removal', () => {
    const s = cluster(3);
    place(s, 'a', 'n0', { app: 'web' });
    place(s, 'b', 'n0', { app: 'web' });
    place(s, 'c', 'n1', { app: 'db' });
    const ix = TopologyIndex.of(s);
    expect(TopologyIndex.of(s)).toBe(ix);
    expect(rowsOf(s, ix.countsByRow(appWeb()))).toEqual([2, 0, 0]);
    const d = place(s, 'd', 'n2', { app: 'web' });
    expect(rowsOf(s, ix.countsByRow(appWeb()))).toEqual([2, 0, 1]);
    expect([ix.stats.cacheMisses, ix.stats.cacheHits]).toEqual([1, 1]);
    s.removePod(d.key);
    s.removePod('default/a');
    expect(rowsOf(s, ix.countsByRow(appWeb()))).toEqual([1, 0, 0]);
    s.removeNode('n0');
    expect(ix.size).toBe(1);
    expect(rowsOf(s, ix.countsByRow(appWeb()))).toEqual([0, 0]);
  });

  it('answers from the inverted index without visiting pods of other namespaces or labels', () => {
    const s = cluster(2);
    for (let i = 0; i < 500; i++) place(s, `other-${i}`, 'n1', { app: 'web' }, 'elsewhere');
    for (let i = 0; i < 500; i++) place(s, `db-${i}`, 'n1', { app: 'db' });
    place(s, 'w', 'n0', { app: 'web' });
    const ix = TopologyIndex.of(s);
    const before = ix.stats.queryPodChecks;
    expect(rowsOf(s, ix.countsByRow(appWeb()))).toEqual([1, 0]);
    expect(ix.stats.queryPodChecks - before).toBe(1);
    // A selector without a positive requirement visits the namespace's pods, not the cluster's.
    const notDb = podQuery(new Set(['default']), [{ key: 'app', op: 'NotIn', values: new Set(['db']), bound: null }], false);
    const b2 = ix.stats.queryPodChecks;
    expect(rowsOf(s, ix.countsByRow(notDb))).toEqual([1, 0]);
    expect(ix.stats.queryPodChecks - b2).toBe(501);
  });

  it('skips terminating pods when asked (PodTopologySpread) and counts them otherwise', () => {
    const s = cluster(1);
    const dying = makePod('x').label('app', 'web').nodeName('n0').build();
    dying.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    s.addPod(makePodInfo(dying), 'n0');
    const ix = TopologyIndex.of(s);
    expect(rowsOf(s, ix.countsByRow(podQuery(new Set(['default']), selectorFromSet({ app: 'web' }), true)))).toEqual([0]);
    expect(rowsOf(s, ix.countsByRow(podQuery(new Set(['default']), selectorFromSet({ app: 'web' }), false)))).toEqual([1]);
  });

  it('gives the same key to the same selector in any requirement order', () => {
    const a = podQuery(new Set(['b', 'a']), selectorFromSet({ x: '1', y: '2' }), false);
    const b = podQuery(new Set(['a', 'b']), [...selectorFromSet({ y: '2' }), ...selectorFromSet({ x: '1' })], false);
    expect(a.key).toBe(b.key);
    expect(podQuery(new Set(['a']), selectorFromSet({ x: '1' }), true).key).not.toBe(podQuery(new Set(['a']), selectorFromSet({ x: '1' }), false).key);
  });

  it('tracks pods with (required anti-)affinity and feeds extensions every change', () => {
    const s = cluster(1);
    const anti = makePod('anti').label('app', 'x').affinity({
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'x' } } }] },
    }).build();
    s.addPod(makePodInfo(anti), 'n0');
    place(s, 'plain', 'n0', { app: 'x' });
    const ix = TopologyIndex.of(s);
    expect([...ix.podsWithAffinity].map((e) => e.pod.name)).toEqual(['anti']);
    expect([...ix.podsWithRequiredAntiAffinity].map((e) => e.pod.name)).toEqual(['anti']);
    const seen: string[] = [];
    ix.extension('log', () => ({ onAdd: (e) => seen.push(`+${e.pod.name}`), onRemove: (e) => seen.push(`-${e.pod.name}`) }));
    place(s, 'late', 'n0', {});
    s.removePod('default/anti');
    expect(seen).toEqual(['+anti', '+plain', '+late', '-anti']);
    expect(ix.podsWithAffinity.size).toBe(0);
  });
});

describe('scheduling cycle cost (issue: cost must not grow with unrelated pods)', () => {
  /**
   * Same nodes and same related pods; `unrelated` extra pods in other namespaces, or in the same
   * namespace with other labels, some carrying (anti-)affinity terms of their own that select
   * other pods. Returns the pod-level work one full cycle did.
   */
  async function cycleWork(unrelated: number) {
    const { defaultSchedulerConfig } = await import('../../src/api/config.js');
    const { Scheduler } = await import('../../src/framework/scheduler.js');
    const { createJsKernels } = await import('../../src/kernel/js-kernels.js');
    const { TERM_INDEX_NAME, TermIndex } = await import('../../src/plugins/inter-pod-affinity/terms.js');
    const s = new ClusterState();
    for (let i = 0; i < 30; i++) {
      s.addNode(makeNode(`n${i}`).capacity({ cpu: '64', memory: '256Gi', pods: 1000 }).label('topology.kubernetes.io/zone', `z${i % 3}`).build());
    }
    const web = (name: string) => makePod(name, 'shop').label('app', 'web').req({ cpu: '100m' });
    for (let i = 0; i < 6; i++) s.addPod(makePodInfo(web(`web-${i}`).build()), `n${i * 4}`);
    for (let i = 0; i < unrelated; i++) {
      const b = makePod(`u-${i}`, i % 3 === 0 ? 'shop' : `noise-${i % 5}`).label('app', i % 3 === 0 ? 'other' : 'noise');
      if (i % 7 === 0) {
        b.affinity({
          podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'noise' } } }] },
          podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'other' } } } }] },
        });
      }
      s.addPod(makePodInfo(b.build()), `n${i % 30}`);
    }
    const scheduler = new Scheduler({ registry: REGISTRY, state: s, config: defaultSchedulerConfig(), kernels: createJsKernels() });
    const incoming = makePodInfo(web('web-new')
      .spreadConstraint({ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } })
      .spreadConstraint({ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } })
      .affinity({
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } }] },
        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'web' } } }] },
      })
      .build());
    const ix = TopologyIndex.of(s);
    const terms = ix.extension(TERM_INDEX_NAME, () => new TermIndex());
    const before = { ...ix.stats, terms: terms.visited };
    const r = scheduler.schedulePod(incoming);
    expect(r.selectedNode).not.toBeNull();
    return {
      podChecks: ix.stats.queryPodChecks - before.queryPodChecks,
      maintenance: ix.stats.maintenancePodChecks - before.maintenancePodChecks,
      termVisits: terms.visited - before.terms,
      indexed: ix.size,
    };
  }

  it('does the same pod-level work with 0 and with 5000 unrelated pods', async () => {
    const small = await cycleWork(0);
    const large = await cycleWork(5000);
    expect(large.indexed - small.indexed).toBe(5000);
    expect(large.podChecks).toBe(small.podChecks);
    expect(large.termVisits).toBe(small.termVisits);
    expect(large.maintenance).toBe(0);
    // The related work is small: the six web pods, seen once per distinct query.
    expect(small.podChecks).toBeLessThanOrEqual(6 * 3);
  });
});

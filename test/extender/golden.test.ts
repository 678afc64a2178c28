/**
 * End-to-end over real HTTP with bodies shaped exactly as kube-scheduler v1.32 sends them
 * (test/fixtures/extender/*.request.json: Go's encoding of ExtenderArgs & co. with informer-shaped
 * Pods and Nodes), compared byte for byte with the golden answers. The fixture cluster
 * (fixtures/extender/cluster.json) and the expected numbers:
 *
 *   n-small 2 cpu/4Gi  low-a 1 cpu (prio 0), low-b 500m (prio 100)   -> pod (1 cpu): Insufficient cpu
 *   n-big   8 cpu/16Gi batch-1 2 cpu/4Gi                               -> fits; MostAllocated (37+31)/2=34 -> 3
 *   n-tainted dedicated=gpu:NoSchedule                                 -> unresolvable taint
 *   n-full  4 cpu      hog 3500m (prio 0), hog-2 500m (prio 1000)      -> Insufficient cpu
 *   n-cordoned spec.unschedulable                                      -> unresolvable
 *   n-new (only in the Nodes-mode request) 4 cpu/8Gi, empty           -> fits; (25+12)/2=18 -> 2
 *
 * Prioritize: n-small cpu capped at capacity 100, mem 75 -> 87 -> 9; n-full 100/50 -> 75 -> 8.
 * Preempt (preemptor 1500m, prio 2000): n-full keeps hog-2 (reprieved first), evicts hog; n-small
 * keeps low-b, evicts low-a (+ the unknown uid-ghost stays); n-big needs no eviction for podfit,
 * so kube's victims come back unchanged; n-cordoned fails podfit's filters and is dropped.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, lowerExtenderKeys, post, startServer, type TestServer } from './helpers.js';

let t: TestServer;
afterEach(async () => {
  await t.close();
});

const golden: Array<[verb: string, name: string]> = [
  ['filter', 'filter-nodenames'],
  ['filter', 'filter-nodes'],
  ['prioritize', 'prioritize-nodenames'],
  ['prioritize', 'prioritize-nodes'],
  ['preempt', 'preempt-metavictims'],
  ['preempt', 'preempt-victims'],
  ['bind', 'bind'],
];

describe.each(['js', 'wasm'] as const)('golden kube-scheduler bodies (%s kernels)', (engine) => {
  beforeEach(async () => {
    t = await startServer({ engine, options: { parsePool: { threads: 2, inlineBelowBytes: 4096 } } });
  });

  it.each(golden)('%s %s answers the golden body byte for byte', async (verb, name) => {
    const res = await post(t.url, verb, fixture(`${name}.request.json`));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text + '\n').toBe(fixture(`${name}.response.json`));
  });

  it('accepts the extender keys lower-cased (Go decodes case-insensitively), with the same answer', async () => {
    const keys = ['Pod', 'Nodes', 'NodeNames', 'NodeNameToVictims', 'NodeNameToMetaVictims', 'PodName', 'PodNamespace', 'PodUID', 'Node'];
    for (const [verb, name] of golden) {
      if (verb === 'bind') continue;
      const body = lowerExtenderKeys(JSON.parse(fixture(`${name}.request.json`)) as Record<string, unknown>, keys);
      const res = await post(t.url, verb, body);
      expect(res.text + '\n', name).toBe(fixture(`${name}.response.json`));
    }
  });

  it('the Nodes-mode answer returns the surviving Node objects exactly as received', async () => {
    const req = JSON.parse(fixture('filter-nodes.request.json')) as { Nodes: { items: Array<{ metadata: { name: string } }> } };
    const res = await post(t.url, 'filter', fixture('filter-nodes.request.json'));
    const items = res.json<{ Nodes: { items: unknown[] } }>().Nodes.items;
    expect(items).toEqual(req.Nodes.items.filter((n) => ['n-big', 'n-new'].includes(n.metadata.name)));
    // The unknown node was evaluated from the request and is not left in podfit's state.
    expect(t.source.state.getNode('n-new')).toBeUndefined();
  });

  it('bind places the pod in the snapshot state, so the next filter sees it; binding again is idempotent', async () => {
    expect((await post(t.url, 'bind', fixture('bind.request.json'))).json()).toEqual({ Error: '' });
    const big = t.source.state.getNode('n-big')!;
    expect(big.pods.map((p) => p.key)).toContain('shop/web-pending');
    expect((await post(t.url, 'bind', fixture('bind.request.json'))).json()).toEqual({ Error: '' });
    const again = await post(t.url, 'bind', { PodName: 'web-pending', PodNamespace: 'shop', PodUID: 'uid-web-pending', Node: 'n-small' });
    expect(again.json<{ Error: string }>().Error).toBe('pod shop/web-pending is already assigned to node "n-big"');
    const unknown = await post(t.url, 'bind', { PodName: 'nope', PodNamespace: 'shop', PodUID: 'u', Node: 'n-big' });
    expect(unknown.status).toBe(200);
    expect(unknown.json<{ Error: string }>().Error).toMatch(/pod shop\/nope \(UID u\) is unknown to podfit/);
  });

  it('bind uses the pod seen in an earlier filter request when the snapshot does not have it', async () => {
    const req = JSON.parse(fixture('filter-nodenames.request.json')) as { Pod: { metadata: Record<string, string> } };
    req.Pod.metadata.name = 'fresh';
    req.Pod.metadata.uid = 'uid-fresh';
    await post(t.url, 'filter', req);
    const res = await post(t.url, 'bind', { PodName: 'fresh', PodNamespace: 'shop', PodUID: 'uid-fresh', Node: 'n-big' });
    expect(res.json()).toEqual({ Error: '' });
    expect(t.source.state.placementOf('shop/fresh')?.node.name).toBe('n-big');
  });
});

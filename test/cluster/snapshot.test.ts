import { describe, expect, it } from 'vitest';
import { buildClusterState, parseClusterSnapshot } from '../../src/cluster/snapshot.js';
import { InputError } from '../../src/api/errors.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { stringify } from 'yaml';

const list = (items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: {}, items });

describe('cluster snapshots', () => {
  const n1 = makeNode('n1').capacity({ cpu: '2', memory: '4Gi', pods: 10 }).build();
  const n2 = makeNode('n2').capacity({ cpu: '4', memory: '8Gi', pods: 10 }).build();
  const running = makePod('a').req({ cpu: '500m' }).nodeName('n1').phase('Running').build();
  const done = makePod('b').req({ cpu: '1' }).nodeName('n1').phase('Succeeded').build();
  const pending = makePod('c').req({ cpu: '1' }).build();

  it('reads a v1 List: running pods placed, terminal ignored, others pending', () => {
    const snap = parseClusterSnapshot(list([n1, n2, running, done, pending]), 'c.json');
    const { state, pending: pend } = buildClusterState(snap, 'c.json');
    expect(state.nodes.map((n) => n.name)).toEqual(['n1', 'n2']);
    expect(state.requestedOf(state.getNode('n1')!, 'cpu')).toBe(500);
    expect(state.requestedOf(state.getNode('n1')!, 'pods')).toBe(1);
    expect(pend.map((p) => p.key)).toEqual(['default/c']);
  });

  it('reads NodeList + PodList as multi-document YAML', () => {
    const text = stringify({ apiVersion: 'v1', kind: 'NodeList', items: [n1] }) + '---\n' + stringify({ apiVersion: 'v1', kind: 'PodList', items: [running] });
    const snap = parseClusterSnapshot(text, 'c.yaml');
    expect(snap.nodes).toHaveLength(1);
    expect(snap.pods).toHaveLength(1);
  });

  it('reads bare objects in multi-document YAML and skips unknown kinds with a warning', () => {
    const text = [n1, running, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }].map((o) => stringify(o)).join('---\n');
    const snap = parseClusterSnapshot(text, 'c.yaml');
    expect(snap.warnings).toEqual(['c.yaml: skipped 1 object(s) of unsupported kind ConfigMap']);
  });

  it('names the file, item and field of an invalid quantity', () => {
    const bad = makeNode('bad').capacity({ cpu: 'lots' }).build();
    const snap = parseClusterSnapshot(list([bad]), 'c.json');
    expect(() => buildClusterState(snap, 'c.json')).toThrow(InputError);
    expect(() => buildClusterState(snap, 'c.json')).toThrow(/c\.json: node bad: invalid quantity "lots" at status\.allocatable\.cpu/);
    expect(() => buildClusterState(snap, 'c.json')).toThrow(expect.objectContaining({ field: 'status.allocatable.cpu' }));
  });

  it('turns the model\'s error on a pod into an InputError naming the file, pod and field', () => {
    const bad = makePod('x').req({ cpu: '1x' }).build();
    const snap = parseClusterSnapshot(list([n1, bad]), 'c.json');
    expect(() => buildClusterState(snap, 'c.json')).toThrow(InputError);
    expect(() => buildClusterState(snap, 'c.json')).toThrow(/^c\.json: pod default\/x: invalid quantity "1x" at spec\.containers\[0\]\.resources\.requests\.cpu: /);
    expect(() => buildClusterState(snap, 'c.json')).toThrow(expect.objectContaining({ field: 'spec.containers[0].resources.requests.cpu' }));
  });

  it('names the item and field of a shape error', () => {
    const bad = { ...makePod('x').build(), spec: { containers: [{ name: 'c', resources: { requests: { cpu: true } } }] } };
    expect(() => parseClusterSnapshot(list([n1, bad]), 'c.json')).toThrow(/c\.json: items\[1\]: Pod default\/x: invalid value at spec\.containers\[0\]\.resources\.requests\.cpu/);
  });

  it('rejects invalid JSON and YAML with the file name', () => {
    expect(() => parseClusterSnapshot('{"items": [', 'c.json')).toThrow(/c\.json: invalid JSON/);
    expect(() => parseClusterSnapshot('a: [1, 2', 'c.yaml')).toThrow(/c\.yaml: invalid YAML/);
  });

  it('reads a NodeList and a PodList as the API server returns them (`kubectl get --raw /api/v1/nodes`: items carry no kind)', () => {
    const raw = (kind: string, items: object[]) => ({ kind, apiVersion: 'v1', metadata: { resourceVersion: '42' }, items: items.map((o) => { const { kind: _k, apiVersion: _a, ...rest } = o as Record<string, unknown>; return rest; }) });
    const nodes = raw('NodeList', [n1, n2]);
    const pods = raw('PodList', [running, pending]);
    for (const [text, file] of [[JSON.stringify(nodes), 'nodes.json'], [stringify(nodes) + '---\n' + stringify(pods), 'c.yaml']] as const) {
      const snap = parseClusterSnapshot(text, file);
      expect(snap.warnings).toEqual([]);
      expect(snap.nodes.map((n) => n.metadata.name)).toEqual(['n1', 'n2']);
      expect(buildClusterState(snap, file).state.nodeCount).toBe(2);
    }
    expect(parseClusterSnapshot(stringify(pods), 'c.yaml').pods.map((p) => p.metadata.name)).toEqual(['a', 'c']);
  });

  it('warns that a snapshot without nodes (empty, or pods only) leaves every pod unschedulable', () => {
    const empty = buildClusterState(parseClusterSnapshot('', 'e.yaml'), 'e.yaml');
    expect(empty.state.nodeCount).toBe(0);
    expect(empty.warnings).toEqual([expect.stringMatching(/^e\.yaml: no nodes in the cluster snapshot \(the file holds no objects podfit reads\): every pod is unschedulable; a snapshot is `kubectl get nodes,pods -A -o yaml`/)]);
    const podsOnly = buildClusterState(parseClusterSnapshot(list([pending]), 'p.json'), 'p.json');
    expect(podsOnly.warnings).toEqual([expect.stringMatching(/^p\.json: no nodes in the cluster snapshot \(read 1 pod\(s\) and no Node\)/)]);
    expect(buildClusterState(parseClusterSnapshot(list([n1]), 'c.json'), 'c.json').warnings).toEqual([]);
  });

  it('warns about pods bound to unknown nodes', () => {
    const ghost = makePod('g').nodeName('nope').build();
    const { warnings, state } = buildClusterState(parseClusterSnapshot(list([n1, ghost]), 'c.json'), 'c.json');
    expect(warnings[0]).toMatch(/bound to unknown node nope/);
    expect(state.placementOf('default/g')).toBeUndefined();
  });
});

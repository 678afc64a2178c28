import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/api/errors.js';
import {
  canonicalizeGoKeys,
  decodeArgsPod,
  decodeExtenderArgs,
  decodeExtenderBindingArgs,
  decodeExtenderPreemptionArgs,
  decodeNodeItem,
  encodeBindingResult,
  encodeFilterError,
  encodeFilterResult,
  encodeHostPriorityList,
  encodePreemptionResult,
  foldFieldName,
  rawPodKey,
  rawPodVersion,
} from '../../src/api/extender.js';

const pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u1', creationTimestamp: null }, spec: { containers: null }, status: {} };

describe('Go encoding/json key matching', () => {
  it.each([
    ['NodeNames', 'NodeNames'],
    ['nodenames', 'NodeNames'],
    ['NODENAMES', 'NodeNames'],
    ['nodeNames', 'NodeNames'],
    ['\u212Aey', 'Key'], // Kelvin sign folds to k
    ['\u017Fcore', 'Score'], // long s folds to s
  ])('%s matches field %s', (key, field) => {
    expect(canonicalizeGoKeys({ [key]: 1 }, [field])).toEqual({ [field]: 1 });
    expect(foldFieldName(key)).toBe(foldFieldName(field));
  });

  it('drops unknown keys and lets the last matching key win', () => {
    expect(canonicalizeGoKeys({ pod: 1, Extra: 2, POD: 3 }, ['Pod'])).toEqual({ Pod: 3 });
    expect(canonicalizeGoKeys({ Node_Names: 1, 'Node Names': 2 }, ['NodeNames'])).toEqual({});
  });
});

describe('decodeExtenderArgs', () => {
  it('reads NodeNames (nodeCacheCapable) and Nodes (full objects) forms', () => {
    expect(decodeExtenderArgs({ Pod: pod, Nodes: null, NodeNames: ['a', 'b'] })).toMatchObject({ nodeNames: ['a', 'b'], nodes: null });
    expect(decodeExtenderArgs({ pod, nodes: { metadata: {}, items: [{ metadata: { name: 'x' } }] } })).toMatchObject({ nodeNames: null, nodes: ['x'] });
    // kube-scheduler sends `"items":null` for an empty candidate list (Go nil slice).
    expect(decodeExtenderArgs({ Pod: pod, Nodes: { metadata: {}, items: null }, NodeNames: null }).nodes).toEqual([]);
    expect(decodeExtenderArgs({ Pod: pod, NodeNames: [] }).nodeNames).toEqual([]);
  });

  it.each([
    [{ Nodes: null, NodeNames: ['a'] }, 'ExtenderArgs: Pod is required'],
    [{ Pod: null, NodeNames: ['a'] }, 'ExtenderArgs: Pod is required'],
    [{ Pod: pod, Nodes: null, NodeNames: null }, 'ExtenderArgs: one of Nodes (nodeCacheCapable: false) or NodeNames (nodeCacheCapable: true) must be set'],
    [{ Pod: pod, NodeNames: 'a' }, 'ExtenderArgs: invalid value at NodeNames'],
    [{ Pod: pod, NodeNames: [1] }, 'ExtenderArgs: invalid value at NodeNames[0]'],
    [{ Pod: pod, Nodes: { items: [{ metadata: {} }] } }, 'ExtenderArgs: invalid value at Nodes.items[0].metadata.name'],
    [{ Pod: pod, Nodes: { items: [{ metadata: { name: '' } }] } }, 'node name must not be empty'],
    [{ Pod: 'x', NodeNames: [] }, 'ExtenderArgs: invalid value at Pod: expected a JSON object'],
    [{ Pod: pod, Nodes: { items: 'x' } }, 'ExtenderArgs: invalid value at Nodes.items: expected an array of Nodes, got string'],
    [[], 'ExtenderArgs: expected a JSON object, got an array'],
    [null, 'ExtenderArgs: expected a JSON object, got null'],
    ['x', 'ExtenderArgs: expected a JSON object, got string'],
  ])('rejects %j with a message naming the field', (body, message) => {
    let err: unknown;
    try {
      decodeExtenderArgs(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(message);
  });
});

describe('the request Pod', () => {
  it('is validated on its own (the extender skips it for a pod version it already decoded)', () => {
    expect(decodeArgsPod(pod as never).metadata.name).toBe('p');
    expect(() => decodeArgsPod({ metadata: {}, spec: { containers: 'x' } })).toThrow('Pod: invalid value at Pod.spec.containers');
    expect(rawPodKey({ metadata: { name: 'a' } })).toBe('default/a');
    expect(rawPodVersion({ metadata: { uid: 'u', resourceVersion: '7' } })).toBe('u@7');
    expect(rawPodVersion({ metadata: { uid: 'u' } })).toBeUndefined();
  });
});

describe('decodeExtenderPreemptionArgs', () => {
  it('reads MetaVictims (UIDs) and Victims (full pods), NumPDBViolations defaulting to 0', () => {
    const meta = decodeExtenderPreemptionArgs({ Pod: pod, NodeNameToVictims: null, NodeNameToMetaVictims: { n1: { Pods: [{ UID: 'a' }, { uid: 'b' }], NumPDBViolations: 2 }, n2: null, n3: { Pods: null } } });
    expect(meta.form).toBe('MetaVictims');
    expect([...meta.nodes]).toEqual([
      ['n1', { uids: ['a', 'b'], pods: null, numPDBViolations: 2 }],
      ['n2', { uids: [], pods: null, numPDBViolations: 0 }],
      ['n3', { uids: [], pods: null, numPDBViolations: 0 }],
    ]);
    const full = decodeExtenderPreemptionArgs({ pod, nodenametovictims: { n1: { pods: [pod], numpdbviolations: 1 } } });
    expect(full.form).toBe('Victims');
    expect(full.nodes.get('n1')).toMatchObject({ uids: ['u1'], numPDBViolations: 1 });
  });

  it('rejects bodies without victims, and non-integer counts (Go int64)', () => {
    expect(() => decodeExtenderPreemptionArgs({ Pod: pod })).toThrow('one of NodeNameToVictims or NodeNameToMetaVictims must be set');
    expect(() => decodeExtenderPreemptionArgs({ Pod: pod, NodeNameToMetaVictims: { n: { Pods: [], NumPDBViolations: 1.5 } } })).toThrow(/NodeNameToMetaVictims\.n\.NumPDBViolations/);
  });
});

describe('decodeExtenderBindingArgs', () => {
  it('reads the four strings (null = "" as in Go) and requires PodName and Node', () => {
    expect(decodeExtenderBindingArgs({ podname: 'p', PodNamespace: null, PodUID: 'u', NODE: 'n' })).toEqual({ podName: 'p', podNamespace: 'default', podUID: 'u', node: 'n' });
    expect(() => decodeExtenderBindingArgs({ PodName: 'p' })).toThrow('ExtenderBindingArgs: Node is required');
    expect(() => decodeExtenderBindingArgs({ Node: 'n' })).toThrow('ExtenderBindingArgs: PodName is required');
    expect(() => decodeExtenderBindingArgs({ PodName: 7, Node: 'n' })).toThrow(/at PodName/);
  });
});

describe('decodeNodeItem', () => {
  it('validates a full Node and names the item on failure', () => {
    expect(decodeNodeItem({ metadata: { name: 'n' }, status: { allocatable: { cpu: '1' } } }, 0).metadata.name).toBe('n');
    expect(() => decodeNodeItem({ metadata: { name: 'n' }, spec: { taints: [{ key: 'k', effect: 'Sometimes' }] } }, 3)).toThrow(/Nodes\.items\[3\]\.spec\.taints\[0\]\.effect/);
  });
});

describe('encoders (PascalCase, every key present, null for unset)', () => {
  const text = (b: string | Uint8Array | Uint8Array[]) => (typeof b === 'string' ? b : Buffer.concat(Array.isArray(b) ? b : [b]).toString('utf8'));
  it('ExtenderFilterResult in both modes', () => {
    expect(text(encodeFilterResult({ nodeItems: null, nodeNames: ['a'], failedNodes: new Map([['b', 'Insufficient cpu']]), failedAndUnresolvableNodes: new Map(), error: '' })))
      .toBe('{"Nodes":null,"NodeNames":["a"],"FailedNodes":{"b":"Insufficient cpu"},"FailedAndUnresolvableNodes":{},"Error":""}');
    const item = Buffer.from('{"metadata":{"name":"a"}}');
    expect(text(encodeFilterResult({ nodeItems: [item, item], nodeNames: null, failedNodes: new Map(), failedAndUnresolvableNodes: new Map([['c', 'x "y"']]), error: '' })))
      .toBe('{"Nodes":{"metadata":{},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"a"}}]},"NodeNames":null,"FailedNodes":{},"FailedAndUnresolvableNodes":{"c":"x \\"y\\""},"Error":""}');
    expect(text(encodeFilterResult({ nodeItems: [], nodeNames: null, failedNodes: new Map(), failedAndUnresolvableNodes: new Map(), error: '' })))
      .toContain('"Nodes":{"metadata":{},"items":[]}');
    expect(text(encodeFilterResult({ nodeItems: null, nodeNames: ['a', 'b', 'c'], nodeNameIndices: [0, 2], failedNodes: new Map(), failedAndUnresolvableNodes: new Map(), error: '' })))
      .toBe('{"Nodes":null,"NodeNames":["a","c"],"FailedNodes":{},"FailedAndUnresolvableNodes":{},"Error":""}');
    expect(encodeFilterError('bad')).toBe('{"Nodes":null,"NodeNames":null,"FailedNodes":null,"FailedAndUnresolvableNodes":null,"Error":"bad"}');
  });

  it('byte-encoded answers equal JSON.stringify of the same value, also past the writer\'s first buffer', () => {
    // 20,000 names of 20-90 bytes (some escaped, some multi-byte): the answer outgrows 64 KiB.
    const hosts = Array.from({ length: 20_000 }, (_, i) => `n-${i}-${'x'.repeat(i % 70)}${i % 7 === 0 ? '"é\\' : ''}`);
    const scores = hosts.map((_, i) => i % 11);
    expect(JSON.parse(text(encodeHostPriorityList(hosts, scores)))).toEqual(hosts.map((h, i) => ({ Host: h, Score: scores[i] })));
    expect(text(encodeHostPriorityList(hosts, scores))).toBe(JSON.stringify(hosts.map((h, i) => ({ Host: h, Score: scores[i] }))));
    const failed = new Map(hosts.slice(0, 300).map((h) => [h, `Insufficient cpu, ${h}`]));
    const out = { nodeItems: null, nodeNames: hosts, failedNodes: failed, failedAndUnresolvableNodes: new Map([['z', 'q']]), error: 'e"1' };
    expect(text(encodeFilterResult(out))).toBe(JSON.stringify({ Nodes: null, NodeNames: hosts, FailedNodes: Object.fromEntries(failed), FailedAndUnresolvableNodes: { z: 'q' }, Error: 'e"1' }));
  });

  it('HostPriorityList, ExtenderPreemptionResult, ExtenderBindingResult', () => {
    expect(text(encodeHostPriorityList(['a', 'b'], [10, 0]))).toBe('[{"Host":"a","Score":10},{"Host":"b","Score":0}]');
    expect(text(encodeHostPriorityList([], []))).toBe('[]');
    expect(text(encodeHostPriorityList(['n"ö'], [7]))).toBe('[{"Host":"n\\"ö","Score":7}]');
    expect(encodePreemptionResult(new Map([['n', { uids: ['u'], numPDBViolations: 1 }]]))).toBe('{"NodeNameToMetaVictims":{"n":{"Pods":[{"UID":"u"}],"NumPDBViolations":1}}}');
    expect(encodePreemptionResult(new Map())).toBe('{"NodeNameToMetaVictims":{}}');
    expect(encodeBindingResult('')).toBe('{"Error":""}');
  });
});

/**
 * The byte-level fast path for filter/prioritize bodies (src/extender/fast-args.ts): it recognises
 * only bodies it can read exactly, and then answers byte for byte what the general path
 * (JSON.parse + decode) answers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeExtenderArgs, encodeFilterResult, encodeHostPriorityList, encodeHostPriorityListById } from '../../src/api/extender.js';
import { defaultExtenderConfig } from '../../src/extender/default-config.js';
import { Extender, filterResultOut } from '../../src/extender/extender.js';
import { ArgsScanner, BytesCache, NodeNameTable } from '../../src/extender/fast-args.js';
import { createKernels } from '../../src/kernel/engine.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { MemorySource } from './helpers.js';
import { REGISTRY } from '../../src/plugins/registry.js';

/** A pod builder's pod with metadata.resourceVersion set (what the API server stamps). */
const withVersion = (p: ReturnType<ReturnType<typeof makePod>['build']>, rv: string) => ({ ...p, metadata: { ...p.metadata, resourceVersion: rv } });
const scan = (s: string) => new ArgsScanner().scan(Buffer.from(s));
const namesOf = (s: string) => {
  const b = Buffer.from(s);
  const a = new ArgsScanner().scan(b)!;
  return Array.from({ length: a.count }, (_, i) => b.toString('utf8', a.names[3 * i]!, a.names[3 * i + 1]!));
};

describe('ArgsScanner', () => {
  it('reads the NodeNames form in any key order and whitespace', () => {
    expect(namesOf('{"Pod":{"metadata":{"name":"p"}},"Nodes":null,"NodeNames":["a","b.c"]}')).toEqual(['a', 'b.c']);
    expect(namesOf(' \n{ "NodeNames" : [ "x" ,\t"y" ] , "Pod" : { "a" : "}]\\"{" } }\r\n')).toEqual(['x', 'y']);
    expect(namesOf('{"Pod":{},"NodeNames":[]}')).toEqual([]);
    const body = '{"Pod":{"s":"a}\\\\","n":[1,{"x":[]}]},"NodeNames":["n1"]}';
    const a = scan(body)!;
    expect(body.slice(a.podStart, a.podEnd)).toBe('{"s":"a}\\\\","n":[1,{"x":[]}]}');
  });

  it.each([
    ['not an object', '["Pod"]'],
    ['unknown key', '{"Pod":{},"NodeNames":["a"],"Extra":1}'],
    ['key in another case (left to the Go-style general path)', '{"pod":{},"NodeNames":["a"]}'],
    ['duplicate key', '{"Pod":{},"Pod":{},"NodeNames":["a"]}'],
    ['Nodes mode', '{"Pod":{},"Nodes":{"items":[]},"NodeNames":null}'],
    ['NodeNames null', '{"Pod":{},"Nodes":null,"NodeNames":null}'],
    ['no Pod', '{"NodeNames":["a"]}'],
    ['Pod null', '{"Pod":null,"NodeNames":["a"]}'],
    ['escaped name', '{"Pod":{},"NodeNames":["a\\u0062"]}'],
    ['control character in a name', '{"Pod":{},"NodeNames":["a\tb"]}'],
    ['trailing comma', '{"Pod":{},"NodeNames":["a",]}'],
    ['missing comma', '{"Pod":{} "NodeNames":["a"]}'],
    ['trailing bytes', '{"Pod":{},"NodeNames":["a"]} x'],
    ['truncated', '{"Pod":{"a":"b"'],
    ['truncated list', '{"Pod":{},"NodeNames":["a"'],
    ['empty', ''],
  ])('declines %s', (_what, body) => {
    expect(scan(body)).toBeNull();
  });

  it('grows its name list past its first size', () => {
    const names = Array.from({ length: 5000 }, (_, i) => `node-${i}`);
    expect(namesOf(JSON.stringify({ Pod: {}, Nodes: null, NodeNames: names }))).toEqual(names);
  });
});

describe('NodeNameTable', () => {
  it('finds nodes by the bytes of their names and follows node-set changes', () => {
    const state = new ClusterState();
    for (const n of ['a', 'b', 'node-é', 'c']) state.addNode(makeNode(n).build());
    const t = new NodeNameTable();
    t.sync(state);
    const b = Buffer.from('xx"node-é"b');
    expect(t.find(b, 3, 10)?.name).toBe('node-é');
    expect(t.find(b, 11, 12)?.name).toBe('b');
    expect(t.find(b, 0, 2)).toBeUndefined();
    state.removeNode('b');
    state.addNode(makeNode('d').build());
    t.sync(state);
    expect(t.find(b, 11, 12)).toBeUndefined();
    expect(t.find(Buffer.from('d'), 0, 1)?.name).toBe('d');
  });

  it('is the arena answers copy names from, and leaves out names JSON would escape', () => {
    const state = new ClusterState();
    for (const n of ['a', 'tab\there', 'node-é']) state.addNode(makeNode(n).build());
    const t = new NodeNameTable();
    t.sync(state);
    const i = t.indexOf(Buffer.from('node-é'), 0, Buffer.byteLength('node-é'), hashOf('node-é'));
    expect(t.info(i).name).toBe('node-é');
    expect(Buffer.from(t.arena.subarray(t.starts[i], t.ends[i])).toString()).toBe('node-é');
    expect(t.find(Buffer.from('tab\there'), 0, 8)).toBeUndefined();
    const answer = encodeHostPriorityListById({ names: t, ids: Int32Array.of(i, t.indexOf(Buffer.from('a'), 0, 1, hashOf('a'))) }, [3, 10]);
    expect(JSON.parse(Buffer.from(answer).toString())).toEqual([{ Host: 'node-é', Score: 3 }, { Host: 'a', Score: 10 }]);
  });
});

/** The scanner's hash of a name (what ArgsScanner records next to each name). */
function hashOf(name: string): number {
  const b = Buffer.from(JSON.stringify({ Pod: {}, NodeNames: [name] }));
  const a = new ArgsScanner().scan(b)!;
  return a.names[2]!;
}

describe('BytesCache', () => {
  it('returns a value only for equal bytes', () => {
    const c = new BytesCache<number>(2);
    const b = Buffer.from('..{"a":1}..{"a":2}');
    c.set(b, 2, 9, 1);
    expect(c.get(Buffer.from('{"a":1}'), 0, 7)).toBe(1);
    expect(c.get(b, 11, 18)).toBeUndefined();
    c.set(b, 11, 18, 2);
    c.set(Buffer.from('x'), 0, 1, 3); // full: starts over
    expect(c.get(b, 2, 9)).toBeUndefined();
    expect(c.get(Buffer.from('x'), 0, 1)).toBe(3);
  });
});

describe('Extender fast path = general path', async () => {
  const kernels = await createKernels('js');
  const state = new ClusterState();
  const nodeNames: string[] = [];
  for (let i = 0; i < 12; i++) {
    const name = `n-${i}`;
    nodeNames.push(name);
    let b = makeNode(name).capacity({ cpu: `${1 + (i % 4)}`, memory: `${2 + (i % 3)}Gi`, pods: '10' }).label('zone', `z${i % 3}`);
    if (i % 5 === 0) b = b.taint({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' });
    if (i === 7) b = b.unschedulable();
    state.addNode(b.build());
  }
  for (let i = 0; i < 20; i++) {
    state.addPod(makePodInfo(makePod(`run-${i}`).req({ cpu: '300m', memory: '500Mi' }).label('app', `a${i % 3}`).build()), nodeNames[i % 12]!);
  }
  const ext = new Extender(new MemorySource(state), defaultExtenderConfig(), kernels, REGISTRY, { seed: 1 });

  const pods = [
    withVersion(makePod('web').uid('u1').req({ cpu: '500m', memory: '512Mi' }).build(), '1'),
    withVersion(makePod('big').uid('u2').req({ cpu: '3', memory: '3Gi' }).build(), '3'),
    withVersion(makePod('gpu').uid('u3').req({ cpu: '100m' }).toleration({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }).build(), '1'),
    makePod('spread').req({ cpu: '200m' }).label('app', 'a1').build(),
  ];
  const general = (verb: 'filter' | 'prioritize', body: string) => {
    const args = decodeExtenderArgs(JSON.parse(body));
    if (verb === 'prioritize') {
      const out = ext.prioritize(args, null);
      return Buffer.from(encodeHostPriorityList(out.hosts, out.scores)).toString();
    }
    const out = ext.filter(args, null);
    return Buffer.from(encodeFilterResult(filterResultOut(out, { nodeItems: null, nodeNames: args.nodeNames })) as Uint8Array).toString();
  };
  const fast = (verb: 'filter' | 'prioritize', body: string) => {
    if (verb === 'prioritize') {
      const r = ext.prioritizeBytes(Buffer.from(body));
      return r && Buffer.from(encodeHostPriorityListById(r.names, r.scores)).toString();
    }
    const r = ext.filterBytes(Buffer.from(body));
    if (!r) return null;
    const out = r.outcome;
    return Buffer.from(encodeFilterResult(filterResultOut(out, { nodeItems: null, nodeNames: null, namesById: r.names })) as Uint8Array).toString();
  };

  it('gives the same answers on random requests (names, order, duplicates, whitespace, pods)', () => {
    const ws = fc.constantFrom('', ' ', '\n  ', '\t');
    fc.assert(fc.property(
      fc.constantFrom<'filter' | 'prioritize'>('filter', 'prioritize'),
      fc.integer({ min: 0, max: pods.length - 1 }),
      fc.array(fc.constantFrom(...nodeNames), { maxLength: 30 }),
      fc.boolean(), ws, ws,
      (verb, p, names, withNodes, w1, w2) => {
        const parts = [`"Pod"${w1}:${w2}${JSON.stringify(pods[p], null, w1 ? 1 : 0)}`, `"NodeNames":${w1}[${names.map((n) => JSON.stringify(n)).join(`,${w2}`)}]`];
        if (withNodes) parts.push('"Nodes":null');
        if (p % 2) parts.reverse();
        const body = `${w1}{${parts.join(`${w2},`)}}${w2}`;
        const f = fast(verb, body);
        expect(f).not.toBeNull();
        expect(f).toBe(general(verb, body));
      },
    ), { numRuns: 300 });
  });

  it('declines bodies it cannot read exactly: unknown names, malformed pods, other shapes', () => {
    const pod = JSON.stringify(pods[0]);
    expect(ext.filterBytes(Buffer.from(`{"Pod":${pod},"NodeNames":["n-1","ghost"]}`))).toBeNull();
    expect(ext.filterBytes(Buffer.from('{"Pod":{"metadata":{"name":"x",}},"NodeNames":["n-1"]}'))).toBeNull();
    expect(ext.filterBytes(Buffer.from('{"Pod":[1],"NodeNames":["n-1"]}'))).toBeNull();
    expect(ext.prioritizeBytes(Buffer.from(`{"Pod":${pod},"NodeNames":["n\\u002d1"]}`))).toBeNull();
  });

  it('reports an invalid pod exactly as the general path does', () => {
    const body = '{"Pod":{"metadata":{"name":"bad"},"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":"lots"}}}]}},"NodeNames":["n-1"]}';
    let want = '';
    try {
      general('filter', body);
    } catch (e) {
      want = (e as Error).message;
    }
    expect(want).not.toBe('');
    expect(() => fast('filter', body)).toThrow(want);
  });

  it('recognises a pod sent again by its bytes (one decode for filter then prioritize)', () => {
    const pod = { ...makePod('again').req({ cpu: '100m' }).build() };
    const body = Buffer.from(JSON.stringify({ Pod: pod, Nodes: null, NodeNames: ['n-1', 'n-2'] }));
    const a = ext.filterBytes(body)!;
    const b = ext.prioritizeBytes(body)!;
    expect(b.pod).toBe(a.pod);
    const changed = Buffer.from(JSON.stringify({ Pod: { ...pod, metadata: { ...pod.metadata, labels: { x: 'y' } } }, NodeNames: ['n-1'] }));
    expect(ext.filterBytes(changed)!.pod).not.toBe(a.pod);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyedTable, keyHash } from '../../src/model/keyed-table.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { makeNode, makePod } from '../helpers/builders.js';

type Op = { op: 'set' | 'delete' | 'get'; key: number; value: number };

describe('KeyedTable', () => {
  it('behaves as an insertion-ordered Map under random sets, deletes and lookups (with colliding hashes too)', () => {
    const op = fc.record({ op: fc.constantFrom<Op['op']>('set', 'set', 'delete', 'get'), key: fc.integer({ min: 0, max: 300 }), value: fc.integer() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 2000 }), fc.constantFrom(0, 3, 0x3fffffff), (ops, hashMask) => {
        // hashMask 0 or 3: every key collides with many others (probing and string compares decide).
        const hash = (k: string) => keyHash(k) & hashMask;
        type E = { key: string; value: number };
        const t = new KeyedTable<E>((e) => e.key);
        const m = new Map<string, E>();
        for (const o of ops) {
          const k = `ns/pod-${o.key}`;
          if (o.op === 'set') {
            const e = { key: k, value: o.value };
            expect(t.set(e, hash(k))).toBe(m.get(k));
            m.set(k, e);
          } else if (o.op === 'delete') {
            expect(t.delete(k, hash(k))).toBe(m.get(k));
            m.delete(k);
          } else {
            expect(t.get(k, hash(k))).toBe(m.get(k));
            expect(t.has(k, hash(k))).toBe(m.has(k));
          }
          expect(t.size).toBe(m.size);
        }
        expect([...t.values()]).toEqual([...m.values()]);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('finds a key by content, not by string identity, and hashes it when no hash is given', () => {
    const t = new KeyedTable<{ key: string }>((e) => e.key);
    const a = ['default', 'web-0'].join('/');
    const x = { key: a };
    t.set(x);
    const b = JSON.parse(JSON.stringify(a)) as string;
    expect(t.get(b)).toBe(x);
    expect(t.get(b, keyHash(b))).toBe(x);
    expect(keyHash(a)).toBe(keyHash(b));
    expect(keyHash(a)).toBeGreaterThanOrEqual(0);
    expect(keyHash(a)).toBeLessThan(2 ** 30);
  });

  it('grows and shrinks across many keys', () => {
    const t = new KeyedTable<{ key: string; i: number }>((e) => e.key);
    for (let i = 0; i < 50_000; i++) t.set({ key: `k${i}`, i });
    for (let i = 0; i < 50_000; i += 2) t.delete(`k${i}`);
    expect(t.size).toBe(25_000);
    expect(t.get('k49999')!.i).toBe(49999);
    expect(t.get('k49998')).toBeUndefined();
    let expectNext = 1;
    for (const v of t.values()) {
      expect(v.i).toBe(expectNext);
      expectNext += 2;
    }
  });
});

describe('ClusterState placements found from the pod', () => {
  const setup = () => {
    const state = new ClusterState();
    state.addNode(makeNode('a').build());
    state.addNode(makeNode('b').build());
    return state;
  };

  it('replaces the placement of the same PodInfo and of another PodInfo of its key, and confirms either way', () => {
    const state = setup();
    const p1 = makePodInfo(makePod('web').req({ cpu: '1' }).build());
    state.addPod(p1, 'a', true);
    state.addPod(p1, 'b', true); // the same object: moved
    expect(state.getNode('a')!.pods).toEqual([]);
    expect(state.placementOf(p1.key)!.node.name).toBe('b');
    const p2 = makePodInfo(makePod('web').req({ cpu: '1' }).build()); // an update: a new PodInfo
    state.addPod(p2, 'a', true);
    expect(state.getNode('b')!.pods).toEqual([]);
    expect(state.getNode('a')!.pods).toEqual([p2]);
    expect(p1.placement).toBeUndefined();
    expect(state.requestedOf(state.getNode('a')!, 'cpu')).toBe(1000);
    expect(state.requestedOf(state.getNode('b')!, 'cpu')).toBe(0);
    // Confirming through the old PodInfo finds the pod by key.
    expect(state.confirmOn(p1, 'a')).toBe(true);
    expect(state.placementOf(p2.key)!.assumed).toBe(false);
    expect(state.confirmOn(p2, 'b')).toBe(false);
  });

  it('keeps two states that share a PodInfo apart', () => {
    const s1 = setup();
    const s2 = setup();
    const p = makePodInfo(makePod('web').build());
    s1.addPod(p, 'a', true);
    s2.addPod(p, 'b', true); // p.placement now points into s2
    expect(s1.placementOfPod(p)!.node.name).toBe('a');
    expect(s2.placementOfPod(p)!.node.name).toBe('b');
    s1.confirm(p);
    expect(s1.placementOf(p.key)!.assumed).toBe(false);
    expect(s2.placementOf(p.key)!.assumed).toBe(true);
    expect(s1.removePod(p.key)).toBe(true);
    expect(s2.placementOfPod(p)!.node.name).toBe('b');
    s2.removeNode('b');
    expect(s2.placementOfPod(p)).toBeUndefined();
    expect(p.placement).toBeUndefined();
    expect([...s1.placedPods()]).toEqual([]);
  });
});

describe('KeyedTable.reserve', () => {
  it('keeps every entry and the insertion order, before and after the reserved room fills', () => {
    const t = new KeyedTable<{ key: string; v: number }>((e) => e.key);
    for (let i = 0; i < 100; i++) t.set({ key: `k${i}`, v: i });
    t.delete('k3');
    t.reserve(5000);
    t.reserve(10); // smaller than what it holds: nothing to do
    for (let i = 100; i < 6000; i++) t.set({ key: `k${i}`, v: i });
    expect(t.size).toBe(5999);
    expect(t.get('k3')).toBeUndefined();
    expect(t.get('k4999')?.v).toBe(4999);
    const order = [...t.values()].map((e) => e.v);
    expect(order).toEqual(Array.from({ length: 6000 }, (_, i) => i).filter((i) => i !== 3));
  });
});

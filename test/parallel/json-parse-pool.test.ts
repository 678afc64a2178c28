import { describe, expect, it, afterAll } from 'vitest';
import fc from 'fast-check';
import { JsonBodyError, JsonParsePool, parseJsonProjected } from '../../src/parallel/json-parse-pool.js';

const enc = (v: unknown) => Buffer.from(JSON.stringify(v));
const slices = (buf: Uint8Array, r: Uint32Array | null) => {
  const out: unknown[] = [];
  if (!r) return out;
  for (let i = 0; i < r.length; i += 2) out.push(JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', r[i]!, r[i + 1]!)));
  return out;
};

const node = (name: string, extra: Record<string, unknown> = {}) => ({ metadata: { name, labels: { 'a"b': 'c\\"d}' } }, status: { allocatable: { cpu: '4' } }, ...extra });

describe('parseJsonProjected', () => {
  it('replaces Nodes.items by name stubs and records each item\'s exact byte range', () => {
    const items = [node('n1'), node('n2', { spec: { taints: [{ key: '[', effect: 'NoSchedule' }] } }), node('n\u00e9 3')];
    const body = Buffer.from(`{"Pod":{"metadata":{"name":"p"},"spec":{}} , "Nodes" : { "metadata":{}, "items" : [ ${items.map((i) => JSON.stringify(i)).join(' ,\n ')} ] },"NodeNames":null}`);
    const r = parseJsonProjected(body);
    expect(r.projected).toBe(true);
    expect((r.value as { Nodes: { items: unknown[] } }).Nodes.items).toEqual([{ metadata: { name: 'n1' } }, { metadata: { name: 'n2' } }, { metadata: { name: 'n\u00e9 3' } }]);
    expect(slices(body, r.itemRanges)).toEqual(items);
  });

  it('matches the Nodes and items keys case-insensitively, the last one winning (Go encoding/json)', () => {
    const body = Buffer.from(JSON.stringify({ nodes: { ITEMS: [node('x')] } }));
    const r = parseJsonProjected(body);
    expect(r.projected).toBe(true);
    expect((r.value as { nodes: { ITEMS: unknown[] } }).nodes.ITEMS).toEqual([{ metadata: { name: 'x' } }]);
    const escapedKey = Buffer.from('{"No\\u0064es":{"items":[{"metadata":{"name":"y"}}]}}');
    expect(slices(escapedKey, parseJsonProjected(escapedKey).itemRanges)).toEqual([{ metadata: { name: 'y' } }]);
  });

  it('leaves bodies without Nodes.items alone and passes unnamed items through for the decoder to reject', () => {
    for (const v of [{ NodeNames: ['a'] }, { Nodes: null }, { Nodes: { items: null } }, [1, 2], 'x', null]) {
      const r = parseJsonProjected(enc(v));
      expect(r.value).toEqual(v);
      expect(r.itemRanges).toBeNull();
    }
    const r = parseJsonProjected(enc({ Nodes: { items: [node('a'), 7, { metadata: { name: 3 } }] } }));
    expect((r.value as { Nodes: { items: unknown[] } }).Nodes.items).toEqual([{ metadata: { name: 'a' } }, 7, { metadata: { name: 3 } }]);
  });

  it('throws SyntaxError on malformed JSON', () => {
    expect(() => parseJsonProjected(Buffer.from('{"Nodes": [}'))).toThrow(SyntaxError);
  });

  it('item ranges always re-parse to the original items (fast-check, arbitrary JSON inside items)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 6 }), fc.boolean(), (extras, pretty) => {
        const items = extras.map((e, i) => ({ metadata: { name: `n${i}` }, extra: e }));
        const text = JSON.stringify({ Pod: { x: extras }, Nodes: { items }, After: extras }, null, pretty ? 2 : undefined);
        const buf = Buffer.from(text);
        const r = parseJsonProjected(buf);
        expect(r.projected).toBe(true);
        expect(slices(buf, r.itemRanges)).toEqual(JSON.parse(JSON.stringify(items)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('JsonParsePool', () => {
  const pool = new JsonParsePool({ threads: 1, inlineBelowBytes: 0 });
  afterAll(() => pool.close());

  it('parses in a worker thread with the same result as inline', async () => {
    const body = enc({ Pod: { metadata: { name: 'p' } }, Nodes: { items: [node('a'), node('b')] } });
    const shared = pool.allocate(body.length);
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    shared.set(body);
    const viaWorker = await pool.parse(shared);
    const inline = parseJsonProjected(body);
    expect(viaWorker.value).toEqual(inline.value);
    expect([...viaWorker.itemRanges!]).toEqual([...inline.itemRanges!]);
    expect(pool.offloaded).toBeGreaterThan(0);
  });

  it('copies a non-shared body and reports malformed JSON as JsonBodyError', async () => {
    await expect(pool.parse(Buffer.from('{"a":'))).rejects.toBeInstanceOf(JsonBodyError);
    const r = await pool.parse(Buffer.from('{"a":1}'));
    expect(r.value).toEqual({ a: 1 });
  });

  it('replaces a worker that dies and retries its task', async () => {
    const p = new JsonParsePool({ threads: 1, inlineBelowBytes: 0 });
    try {
      const slot = (p as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } }> }).slots[0]!;
      const pending = p.parse(Buffer.from('{"b":2}'));
      await slot.worker.terminate();
      await expect(pending).resolves.toMatchObject({ value: { b: 2 } });
      expect(p.workerDeaths).toBe(1);
      await expect(p.parse(Buffer.from('{"c":3}'))).resolves.toMatchObject({ value: { c: 3 } });
    } finally {
      await p.close();
    }
  });

  it('parses inline below the threshold and with zero threads', async () => {
    const p = new JsonParsePool({ threads: 0, inlineBelowBytes: 0 });
    expect(p.offloads(10_000_000)).toBe(false);
    expect(p.allocate(8).buffer).not.toBeInstanceOf(SharedArrayBuffer);
    await expect(p.parse(Buffer.from('[1]'))).resolves.toMatchObject({ value: [1] });
    await p.close();
  });
});

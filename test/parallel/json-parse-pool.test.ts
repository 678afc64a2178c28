import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonTask, JsonBodyError, JsonParsePool, parseJsonProjected, type ProjectedJson } from '../../src/parallel/json-parse-pool.js';

const enc = (v: unknown) => Buffer.from(JSON.stringify(v));
const slices = (buf: Uint8Array, r: ProjectedJson) => {
  const out: unknown[] = [];
  const ranges = r.items?.ranges;
  if (!ranges) return out;
  for (let i = 0; i < ranges.length; i += 2) out.push(JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', ranges[i]!, ranges[i + 1]!)));
  return out;
};
const items = (r: ProjectedJson) => {
  const v = r.value as Record<string, Record<string, unknown>>;
  return r.items ? v[r.items.nodesKey]![r.items.itemsKey] : undefined;
};

const node = (name: string, extra: Record<string, unknown> = {}) => ({ metadata: { name, labels: { 'a"b': 'c\\"d}' } }, status: { allocatable: { cpu: '4' } }, ...extra });

describe('parseJsonProjected', () => {
  it('replaces Nodes.items by name stubs and records each item\'s exact byte range', () => {
    const list = [node('n1'), node('n2', { spec: { taints: [{ key: '[', effect: 'NoSchedule' }] } }), node('n\u00e9 3')];
    const body = Buffer.from(`{"Pod":{"metadata":{"name":"p"},"spec":{}} , "Nodes" : { "metadata":{}, "items" : [ ${list.map((i) => JSON.stringify(i)).join(' ,\n ')} ] },"NodeNames":null}`);
    const r = parseJsonProjected(body);
    expect(r.items?.names).toEqual(['n1', 'n2', 'n\u00e9 3']);
    expect(items(r)).toEqual([{ metadata: { name: 'n1' } }, { metadata: { name: 'n2' } }, { metadata: { name: 'n\u00e9 3' } }]);
    expect(slices(body, r)).toEqual(list);
  });

  it('matches the Nodes and items keys case-insensitively, the last one winning (Go encoding/json)', () => {
    const body = Buffer.from(JSON.stringify({ nodes: { ITEMS: [node('x')] } }));
    const r = parseJsonProjected(body);
    expect(r.items).toMatchObject({ nodesKey: 'nodes', itemsKey: 'ITEMS', names: ['x'] });
    expect((r.value as { nodes: { ITEMS: unknown[] } }).nodes.ITEMS).toEqual([{ metadata: { name: 'x' } }]);
    const escapedKey = Buffer.from('{"No\\u0064es":{"items":[{"metadata":{"name":"y"}}]}}');
    expect(slices(escapedKey, parseJsonProjected(escapedKey))).toEqual([{ metadata: { name: 'y' } }]);
  });

  it('leaves bodies without Nodes.items alone, and bodies with unnamed items whole for the decoder to reject', () => {
    for (const v of [{ NodeNames: ['a'] }, { Nodes: null }, { Nodes: { items: null } }, [1, 2], 'x', null]) {
      const r = parseJsonProjected(enc(v));
      expect(r.value).toEqual(v);
      expect(r.items).toBeNull();
    }
    const bad = { Nodes: { items: [node('a'), 7, { metadata: { name: 3 } }] } };
    const r = parseJsonProjected(enc(bad));
    expect(r.items).toBeNull();
    expect(r.value).toEqual(bad);
  });

  it('throws SyntaxError on malformed JSON', () => {
    expect(() => parseJsonProjected(Buffer.from('{"Nodes": [}'))).toThrow(SyntaxError);
  });

  it('item ranges always re-parse to the original items (fast-check, arbitrary JSON inside items)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 6 }), fc.boolean(), (extras, pretty) => {
        const list = extras.map((e, i) => ({ metadata: { name: `n${i}` }, extra: e }));
        const text = JSON.stringify({ Pod: { x: extras }, Nodes: { items: list }, After: extras }, null, pretty ? 2 : undefined);
        const buf = Buffer.from(text);
        const r = parseJsonProjected(buf);
        expect(r.items?.names).toHaveLength(list.length);
        expect(slices(buf, r)).toEqual(JSON.parse(JSON.stringify(list)));
      }),
      { numRuns: 200 },
    );
  });

  it('the byte scan terminates on any input, valid JSON or not (it runs before the parse has checked it)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')), fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1))), (s) => {
        const r = jsonTask(Buffer.from(`{"Nodes":{"items":[${s}`, 'latin1'), 'scan');
        expect(r.value).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe('JsonParsePool', () => {
  const pool = new JsonParsePool({ threads: 2, inlineBelowBytes: 0 });
  afterAll(() => pool.close());

  it('parses in one worker while another scans, with the same result as inline', async () => {
    const body = enc({ Pod: { metadata: { name: 'p' } }, Nodes: { items: [node('a'), node('b')] } });
    const shared = pool.allocate(body.length);
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    shared.set(body);
    const before = pool.parallelScans;
    const viaWorkers = await pool.parse(shared);
    const inline = parseJsonProjected(body);
    expect(pool.parallelScans).toBe(before + 1);
    expect(viaWorkers.value).toEqual(inline.value);
    expect([...viaWorkers.items!.ranges]).toEqual([...inline.items!.ranges]);
    expect(viaWorkers.items!.names).toEqual(['a', 'b']);
  });

  it('copies a non-shared body and reports malformed JSON as JsonBodyError', async () => {
    await expect(pool.parse(Buffer.from('{"a":'))).rejects.toBeInstanceOf(JsonBodyError);
    const r = await pool.parse(Buffer.from('{"a":1}'));
    expect(r.value).toEqual({ a: 1 });
    expect(pool.offloaded).toBeGreaterThan(0);
  });

  it('reuses released body buffers, but not while a worker still reads one', async () => {
    const p = new JsonParsePool({ threads: 1, inlineBelowBytes: 0 });
    try {
      const a = p.allocate(100);
      p.release(a);
      const b = p.allocate(60);
      expect(b.buffer).toBe(a.buffer);
      expect(b.byteLength).toBe(60);
      const body = enc({ x: 'y'.repeat(40) });
      const c = p.allocate(body.length);
      c.set(body);
      const pending = p.parse(c);
      p.release(c); // a worker is reading it: reuse waits
      const d = p.allocate(body.length);
      expect(d.buffer).not.toBe(c.buffer);
      await pending;
      expect(p.allocate(body.length).buffer).toBe(c.buffer);
    } finally {
      await p.close();
    }
  });

  it('with one worker, parses and scans in the same task', async () => {
    const p = new JsonParsePool({ threads: 1, inlineBelowBytes: 0 });
    try {
      const body = enc({ Nodes: { items: [node('a')] } });
      const r = await p.parse(body);
      expect(p.parallelScans).toBe(0);
      expect(slices(body, r)).toEqual([node('a')]);
    } finally {
      await p.close();
    }
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

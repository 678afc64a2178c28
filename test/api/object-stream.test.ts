/**
 * YamlObjectStream and readJsonObjects: objects handed over one at a time, in file order, equal
 * to what reading the whole text with `yaml` gives; list items take the list's kind when they
 * have none.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { InputError } from '../../src/api/errors.js';
import { readJsonObjects, YamlObjectStream, type RawObject } from '../../src/api/object-stream.js';
import { readObjectsFromText } from '../../src/api/objects.js';

/** Pushes `text` in pieces cut at `cuts` (any positions, mid-line included). */
function stream(text: string, cuts: number[] = []): RawObject[] {
  const out: RawObject[] = [];
  const s = new YamlObjectStream('c.yaml', (r) => out.push(r));
  let from = 0;
  for (const c of [...cuts].map((x) => x % (text.length + 1)).sort((a, b) => a - b)) {
    s.push(text.slice(from, c));
    from = c;
  }
  s.push(text.slice(from));
  s.end();
  return out;
}

/** The objects of `text` read whole by `yaml`, lists flattened, typed lists' kind and apiVersion given to items. */
function whole(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const visit = (v: unknown, item?: [string, unknown]) => {
    if (Array.isArray(v)) return v.forEach((x) => visit(x));
    const o = v as Record<string, unknown>;
    if (item && typeof o.kind !== 'string') {
      o.kind = item[0];
      if (o.apiVersion === undefined && typeof item[1] === 'string') o.apiVersion = item[1];
    }
    const kind = typeof o.kind === 'string' ? o.kind : '';
    if (Array.isArray(o.items) && (kind === '' || kind.endsWith('List'))) {
      return o.items.forEach((x) => visit(x, kind !== 'List' && kind.endsWith('List') ? [kind.slice(0, -4), o.apiVersion] : undefined));
    }
    out.push(o);
  };
  for (const d of parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[]) {
    const v = d.toJS({ maxAliasCount: 100 }) as unknown;
    if (v !== null && v !== undefined) visit(v);
  }
  return out;
}

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,12}[a-z0-9])?$/);
const text = fc.oneof(label, fc.constantFrom('true', '10', '1.5', '', 'a: b', '#x', 'x #y', 'multi\nline\n', "it's", '"q"', ' lead', 'a long value with several spaces that the emitter folds over more than one line when it is narrow'));
const meta = fc.record({ name: label, namespace: fc.option(label, { nil: undefined }), labels: fc.option(fc.dictionary(label, text, { maxKeys: 3 }), { nil: undefined }) }, { requiredKeys: ['name'] });
const object = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.option(fc.constantFrom('Node', 'Pod', 'Service'), { nil: undefined }),
  metadata: meta,
  spec: fc.dictionary(label, fc.oneof(text, fc.integer(), fc.array(fc.dictionary(label, text, { maxKeys: 3 }), { maxLength: 3 })), { maxKeys: 4 }),
}, { requiredKeys: ['metadata'] });
/** A list as kubectl prints it (kind after items) or as the API server orders it (kind first). */
const list = fc.record({ kind: fc.constantFrom('List', 'NodeList', 'PodList'), items: fc.array(object, { maxLength: 6 }), kindFirst: fc.boolean() })
  .map(({ kind, items, kindFirst }) => (kindFirst ? { kind, apiVersion: 'v1', metadata: { resourceVersion: '7' }, items } : { apiVersion: 'v1', items, kind, metadata: { resourceVersion: '' } }));
const doc = fc.oneof({ weight: 3, arbitrary: list }, { weight: 1, arbitrary: object });

describe('YamlObjectStream', () => {
  it('hands over what reading the whole text gives, however the text is cut into pieces', () => {
    fc.assert(fc.property(fc.array(doc, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.constantFrom(20, 80), fc.array(fc.nat(), { maxLength: 12 }), (docs, indentSeq, lineWidth, cuts) => {
      const yaml = docs.map((d) => stringify(d, { indentSeq, lineWidth })).join('---\n');
      expect(stream(yaml, cuts).map((r) => r.obj)).toEqual(whole(yaml));
    }), { numRuns: 300 });
  });

  it('hands over each list item as soon as the next one begins (one item held at a time)', () => {
    const items = [1, 2, 3].map((i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}` } }));
    const yaml = stringify({ apiVersion: 'v1', items, kind: 'List' }, { indentSeq: false });
    const out: RawObject[] = [];
    const s = new YamlObjectStream('c.yaml', (r) => out.push(r));
    s.push(yaml.slice(0, yaml.indexOf('- apiVersion', yaml.indexOf('name: p2'))));
    expect(out.map((r) => r.where)).toEqual(['items[0]']);
    s.push(yaml.slice(yaml.indexOf('- apiVersion', yaml.indexOf('name: p2'))));
    s.end();
    expect(out.map((r) => (r.obj.metadata as { name: string }).name)).toEqual(['p1', 'p2', 'p3']);
  });

  it('gives the items of a NodeList without kinds (as the API server returns them) the kind Node, wherever the list names its kind', () => {
    const items = [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }];
    for (const yaml of [stringify({ apiVersion: 'v1', items, kind: 'NodeList' }), stringify({ kind: 'NodeList', apiVersion: 'v1', items })]) {
      expect(stream(yaml).map((r) => [r.obj.kind, r.obj.apiVersion, r.where])).toEqual([['Node', 'v1', 'items[0]'], ['Node', 'v1', 'items[1]']]);
    }
  });

  it('resolves aliases to anchors in earlier items (PyYAML writes them for shared objects)', () => {
    const yaml = `apiVersion: v1
items:
- kind: Node
  metadata: {name: a}
  status:
    images: &id001
    - names: [nginx]
      sizeBytes: 1
- kind: Pod
  metadata: {name: x}
- kind: Node
  metadata: {name: b}
  status:
    images: *id001
kind: List
`;
    expect(stream(yaml).map((r) => r.obj)).toEqual(whole(yaml));
  });

  it('names the line of a YAML error in a large list', () => {
    const yaml = `apiVersion: v1\nitems:\n- kind: Pod\n  metadata:\n    name: a\n- kind: Pod\n  metadata:\n    name: b: c\nkind: List\n`;
    expect(() => stream(yaml)).toThrow(InputError);
    expect(() => stream(yaml)).toThrow(/^c\.yaml: invalid YAML at line 8, column \d+: /);
  });

  it('refuses an items list under a kind that is not a list', () => {
    expect(() => stream('kind: Deployment\nitems:\n- kind: Pod\n')).toThrow(/c\.yaml: document: a Deployment with an items list/);
    expect(() => stream('items:\n- kind: Pod\n  metadata: {name: a}\nkind: Deployment\n')).toThrow(/a Deployment with an items list/);
  });

  it('numbers documents after the first in locations', () => {
    const yaml = `kind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nitems:\n- kind: Pod\n  metadata: {name: b}\nkind: List\n`;
    expect(stream(yaml).map((r) => r.where)).toEqual(['', 'document 2.items[0]']);
  });
});

describe('readJsonObjects', () => {
  it('gives the items of a typed list without kinds the list\'s kind, and drops each item from the tree once handed over', () => {
    const doc = { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'a' } }, { kind: 'Pod', metadata: { name: 'b' } }] };
    const seen: unknown[][] = [];
    let total = 0;
    readJsonObjects(() => JSON.stringify(doc), 'c.json', (r) => seen.push([r.obj.kind, r.where]), (n) => (total = n));
    expect(seen).toEqual([['Pod', 'items[0]'], ['Pod', 'items[1]']]);
    expect(total).toBe(2);
  });

  it('reads the same objects from JSON and YAML text', () => {
    fc.assert(fc.property(doc, (d) => {
      const fromJson = readObjectsFromText(JSON.stringify(d), 'c.json').map((r) => r.obj);
      const fromYaml = readObjectsFromText(stringify(d), 'c.yaml').map((r) => r.obj);
      expect(fromYaml).toEqual(fromJson);
    }), { numRuns: 200 });
  });
});

describe('readObjectsFromText', () => {
  it('reads JSON and YAML that start with a byte-order mark', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } };
    expect(readObjectsFromText(`\uFEFF${JSON.stringify(pod)}`, 'c.json').map((r) => r.obj)).toEqual([pod]);
    expect(readObjectsFromText(`\uFEFF${stringify(pod)}`, 'c.yaml').map((r) => r.obj)).toEqual([pod]);
  });
});

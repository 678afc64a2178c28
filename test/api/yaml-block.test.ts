/**
 * readBlockYaml against the `yaml` package: whatever the fast reader accepts, it reads exactly as
 * `yaml` does (and `yaml` reads without errors); what it declines, `yaml` reads instead.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument, stringify, type ToStringOptions } from 'yaml';
import { NOT_BLOCK_YAML, readBlockYaml } from '../../src/api/yaml-block.js';

/** What `yaml` reads, or 'error'. */
function reference(text: string, entry = false): unknown {
  const d = parseDocument(text);
  if (d.errors.length > 0) return 'error';
  const v = d.toJS({ maxAliasCount: 100 }) as unknown;
  return entry ? (Array.isArray(v) && v.length === 1 ? v[0] : 'error') : v;
}

/** Fails when the fast reader accepts `text` and reads it differently from `yaml`; returns whether it accepted. */
function agrees(text: string, entry = false): boolean {
  const fast = readBlockYaml(text, entry);
  if (fast === NOT_BLOCK_YAML) return false;
  expect({ text, value: fast }).toEqual({ text, value: reference(text, entry) });
  return true;
}

const TRICKY_STRINGS = [
  '', ' ', 'a', 'v1', 'Node', 'true', 'True', 'TRUE', 'yes', 'no', 'on', 'off', 'null', 'Null', '~', '0', '-0', '+1', '012', '0o17', '0x1F', '0xg',
  '1.5', '1.', '.5', '1e3', '1E-3', '.inf', '-.Inf', '.nan', '1_000', '2026-11-01T10:00:00Z', '100m', '512Mi', '"quoted"', "it's", 'a: b', 'a:b', 'a #b',
  'a#b', '#x', '- x', '-x', '? x', ': x', 'x:', '[a]', '{a: 1}', '&a', '*a', '!tag', '|', '>', '%x', '@x', '`x', 'line\nbreak', 'trail\n', '\nlead',
  'two  spaces', ' lead space', 'trail space ', 'tab\there', 'é ü 日本', 'emoji 🚀', 'back\\slash', 'ctl\u0001', 'nel\u0085', 'bom\ufeff',
  'a very long string with spaces that goes past the line width so that it gets folded across several lines by the emitter',
  'averylongstringwithoutanyspacesthatcannotbefoldedbytheemitterbecausethereisnowheretobreakitatallreally',
  'http://example.com/a?b=c#frag', 'registry.example.com/team/app@sha256:abcdef', 'kubernetes.io/hostname',
];
const KEYS = ['a', 'name', 'kind', 'apiVersion', 'metadata', 'kubernetes.io/hostname', 'a b', 'a:b', 'a: b', '1', 'true', 'null', '', ' x', 'x ', '-x', '#x', 'a#b', 'a #b', '"q"', "'q'", 'é', 'Port', '__proto__', '<<', 'items', '-', 'x'.repeat(1100)];

const scalar = fc.oneof(
  fc.constantFrom(...TRICKY_STRINGS),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie('value'), { maxKeys: 5 }),
}));
const options: fc.Arbitrary<ToStringOptions> = fc.record({
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 80),
  minContentWidth: fc.constantFrom(0, 20),
  indent: fc.constantFrom(2, 3, 4),
  defaultStringType: fc.constantFrom('PLAIN', 'PLAIN', 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
  sortMapEntries: fc.boolean(),
}) as fc.Arbitrary<ToStringOptions>;

describe('readBlockYaml', () => {
  it('reads what `yaml` writes exactly as `yaml` reads it, on random documents', () => {
    let accepted = 0;
    let runs = 0;
    fc.assert(fc.property(value, options, (v, o) => {
      runs++;
      if (agrees(stringify(v, o))) accepted++;
    }), { numRuns: 1500 });
    // Not vacuous (scalar documents, nested `- -` sequences and odd keys are left to yaml).
    expect(accepted).toBeGreaterThan(runs / 6);
  });

  it('accepts every Kubernetes-shaped object in block style (the fast path is the one taken)', () => {
    const key = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9./-]{0,20}$/);
    const text = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9 ./:=,-]{0,120}$/);
    const { obj } = fc.letrec((tie) => ({
      // Fresh {} and [] each time: an object met twice is written as an anchor and an alias.
      leaf: fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(0).map(() => ({})), fc.constant(0).map(() => [])),
      obj: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('obj'), fc.array(fc.oneof(tie('obj'), text), { maxLength: 3 })), { minKeys: 1, maxKeys: 6 }),
    }));
    fc.assert(fc.property(obj, fc.boolean(), (o, indentSeq) => {
      expect(agrees(stringify(o, { indentSeq, sortMapEntries: true }))).toBe(true);
      expect(agrees(stringify([o], { indentSeq }), true)).toBe(true);
    }), { numRuns: 500 });
  });

  it('reads one list item (`- ...`, indented or not) as element 0 of a one-entry sequence', () => {
    let accepted = 0;
    fc.assert(fc.property(fc.oneof(fc.dictionary(fc.constantFrom(...KEYS), value, { minKeys: 1, maxKeys: 5 }), value), options, fc.constantFrom(0, 2, 4), (v, o, pad) => {
      const text = stringify([v], o).replace(/^/gm, ' '.repeat(pad)).replace(/ +$/gm, '');
      if (agrees(text, true)) accepted++;
    }), { numRuns: 800 });
    expect(accepted).toBeGreaterThan(200);
  });

  it('never accepts what `yaml` reads differently, after random edits of valid documents', () => {
    const edits = [': ', ':', ' #', '#', '\n', '\n  ', '\n- ', '- ', '"', "'", '|', '|-', '>', '{}', '[]', '&a ', '*a', '!x ', '\t', ' ', '  ', '\r\n', '\\', '---\n', '? '];
    fc.assert(fc.property(value, options, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...edits), fc.nat(3))), (v, o, changes) => {
      let text = stringify(v, o);
      for (const [at, s, del] of changes) {
        const i = text.length === 0 ? 0 : at % text.length;
        text = text.slice(0, i) + s + text.slice(i + del);
      }
      agrees(text);
      agrees(text, true);
    }), { numRuns: 3000 });
  });

  it('reads kubectl-shaped text (go-yaml: sorted keys, unindented sequences, folded plain strings, literal blocks)', () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"Pod"}
    note: a long message that go-yaml folds because it is wider than eighty columns and
      has spaces to break at
  labels:
    app: web
    "1.0": quoted-key
  name: web-1
spec:
  containers:
  - image: nginx:1.27
    name: app
    ports:
    - containerPort: 8080
      protocol: TCP
    resources:
      requests:
        cpu: 500m
        memory: 512Mi
  securityContext: {}
  tolerations: []
status:
  conditions:
  - lastTransitionTime: "2026-11-01T10:00:00Z"
    status: "True"
    type: Ready
  phase: Running
`;
    expect(agrees(text)).toBe(true);
    expect(readBlockYaml(text)).toMatchObject({ spec: { containers: [{ resources: { requests: { cpu: '500m' } } }] }, status: { conditions: [{ status: 'True' }] } });
  });

  it.each([
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a flow mapping with content', 'a: {b: 1}\n'],
    ['a multi-line double-quoted string', 'a: "one\n  two"\n'],
    ['a folded block scalar', 'a: >\n  one\n  two\n'],
    ['an explicit indentation indicator', 'a: |2\n   x\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a number as a key', '1: a\n'],
    ['a tab', 'a:\tb\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a document marker', '---\na: 1\n'],
    ['a nested mapping on one line', 'a: b: c\n'],
    ['a complex key', '? a\n: b\n'],
    ['a merge key', 'a: {}\n<<: {}\n'],
    ['a wrongly indented line', 'a:\n    b: 1\n  c: 2\n'],
    ['a scalar document', 'just text\n'],
  ])('declines %s (the `yaml` package reads it)', (_what, text) => {
    expect(readBlockYaml(text)).toBe(NOT_BLOCK_YAML);
  });

  it('reads empty text as null and an item that is not one entry as outside the subset', () => {
    expect(readBlockYaml('')).toBeNull();
    expect(readBlockYaml('# only a comment\n')).toBeNull();
    expect(readBlockYaml('- a\n- b\n', true)).toBe(NOT_BLOCK_YAML);
    expect(readBlockYaml('- a: 1\n  b: 2\n', true)).toEqual({ a: 1, b: 2 });
  });
});

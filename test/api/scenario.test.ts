/**
 * The scenario file (api/scenario.ts, api/scenario-files.ts): strict, every error names the file
 * and the path inside it (with the key probably meant); its JSON Schema; files named in it are
 * read relative to it.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/api/errors.js';
import { decodeScenario, scenarioJsonSchema, STEP_SCHEMAS, QUESTION_SCHEMAS } from '../../src/api/scenario.js';
import { readScenario } from '../../src/api/scenario-files.js';

const base = { apiVersion: 'podfit/v1alpha1', kind: 'Scenario' };

function errorOf(doc: unknown): InputError {
  try {
    decodeScenario(doc, 's.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('no error');
}

describe('decodeScenario: errors name the path', () => {
  const cases: Array<[string, Record<string, unknown>, string, string | undefined]> = [
    ['a misspelt top-level key', { stepz: [] }, 's.yaml: stepz: unknown field, did you mean steps?', 'stepz'],
    ['a sweep without values', { sweep: [{ field: 'seed' }] }, 's.yaml: sweep[0].values: ', 'sweep[0].values'],
    ['the wrong kind', { kind: 'Scenari' }, 's.yaml: kind: ', 'kind'],
    ['a misspelt step', { steps: [{ schedule: {} }, { cordn: { nodes: ['a'] } }] }, 's.yaml: steps[1]: unknown step "cordn", did you mean cordon?', 'steps[1].cordn'],
    ['a misspelt field of a step', { steps: [{ cordon: { nodez: ['a'] } }] }, 's.yaml: steps[0].cordon.nodez: unknown field, did you mean nodes?', 'steps[0].cordon.nodez'],
    ['a wrong type', { steps: [{ addPods: { replicas: 'x', template: {} } }] }, 's.yaml: steps[0].addPods.replicas: ', 'steps[0].addPods.replicas'],
    ['no template', { steps: [{ addPods: { replicas: 3 } }] }, 's.yaml: steps[0].addPods: give exactly one of template and templateFile', 'steps[0].addPods'],
    ['nodes and selector', { steps: [{ cordon: { nodes: ['a'], selector: {} } }] }, 's.yaml: steps[0].cordon: give exactly one of nodes and selector', 'steps[0].cordon'],
    ['a misspelt selector field', { steps: [{ drain: { selector: { matchLabels: { a: 'b' }, matchExpresions: [] } } }] }, 's.yaml: steps[0].drain.selector.matchExpresions: unknown field, did you mean matchExpressions?', 'steps[0].drain.selector.matchExpresions'],
    ['two steps in one item', { steps: [{ cordon: { nodes: ['a'] }, drain: { nodes: ['a'] } }] }, 's.yaml: steps[0]: one step per list item, found cordon and drain', 'steps[0]'],
    ['a misspelt question field', { questions: [{ name: 'q', maxReplicas: { templateFile: 'x', limt: 3 } }] }, 's.yaml: questions[0].maxReplicas.limt: unknown field, did you mean limit?', 'questions[0].maxReplicas.limt'],
    ['minNodes without templates', { questions: [{ name: 'q', minNodes: {} }] }, 's.yaml: questions[0].minNodes.nodeTemplates: ', 'questions[0].minNodes.nodeTemplates'],
    ['a misspelt name', { questions: [{ nam: 'q', drain: { nodes: ['a'] } }] }, 's.yaml: questions[0]: unknown question "nam", did you mean name?', 'questions[0].nam'],
    ['duplicate names', { questions: [{ name: 'q', drain: { nodes: ['a'] } }, { name: 'q', drain: { nodes: ['b'] } }] }, 's.yaml: questions[1].name: duplicate question name "q"', 'questions[1].name'],
    ['no configs', { questions: [{ compare: { configs: [] } }] }, 's.yaml: questions[0].compare.configs: ', 'questions[0].compare.configs'],
  ];
  it.each(cases)('%s', (_what, doc, message, field) => {
    const e = errorOf({ ...base, ...doc });
    expect(e.message.startsWith(message)).toBe(true);
    expect(e.field).toBe(field);
  });

  it('decodes every step and question, with defaults (schedule: null, question names)', () => {
    const doc = decodeScenario({
      ...base, seed: 7, cluster: 'c.yaml',
      steps: [{ schedule: null }, { addPods: { templateFile: 'p.yaml' } }, { removePods: { namespace: 'x' } }],
      questions: [{ drain: { nodes: ['a'] } }, { name: 'p', compare: { configs: ['default'] } }],
    }, 's.yaml');
    expect(doc.seed).toBe(7);
    expect(doc.steps.map((s) => [s.type, s.path])).toEqual([['schedule', 'steps[0]'], ['addPods', 'steps[1]'], ['removePods', 'steps[2]']]);
    expect(doc.steps[1]!.value).toEqual({ templateFile: 'p.yaml', replicas: 1 });
    expect(doc.questions.map((q) => q.name)).toEqual(['drain-0', 'p']);
  });
});

describe('scenarioJsonSchema', () => {
  it('is a strict draft 2020-12 schema with every step and question', () => {
    const s = scenarioJsonSchema();
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(s.additionalProperties).toBe(false);
    const text = JSON.stringify(s);
    for (const k of [...Object.keys(STEP_SCHEMAS), ...Object.keys(QUESTION_SCHEMAS)]) expect(text).toContain(`"${k}"`);
    expect((s.required as string[]).sort()).toEqual(['apiVersion', 'kind']);
  });
});

describe('readScenario: files relative to the scenario', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'podfit-scenario-'));
  mkdirSync(path.join(dir, 'sub'));
  const put = (name: string, text: string) => writeFileSync(path.join(dir, name), text);
  put('sub/pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: c, image: i}]}\n');
  put('sub/objects.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n');

  it('reads templates, apply files and configs next to the scenario, and names the cluster path', () => {
    put('s.yaml', 'apiVersion: podfit/v1alpha1\nkind: Scenario\ncluster: c.yaml\nsteps:\n- addPods: {templateFile: sub/pod.yaml, replicas: 2}\n- apply: {file: sub/objects.yaml}\nquestions:\n- compare: {configs: [default]}\n');
    const s = readScenario(path.join(dir, 's.yaml'), { validation: 'strict' });
    expect(s.cluster).toBe(path.join(dir, 'c.yaml'));
    expect(s.steps[0]).toMatchObject({ type: 'addPods', replicas: 2, template: { object: { metadata: { name: 'web' } } } });
    expect(s.steps[1]).toMatchObject({ type: 'apply', file: path.join(dir, 'sub/objects.yaml') });
    expect((s.steps[1] as unknown as { objects: unknown[] }).objects).toHaveLength(2);
    expect(s.questions[0]).toMatchObject({ type: 'compare', configs: [{ name: 'default' }] });
  });

  it('names the scenario path of a missing file, and a template field kubectl does not know', () => {
    put('bad1.yaml', 'apiVersion: podfit/v1alpha1\nkind: Scenario\nsteps:\n- addPods: {templateFile: nope.yaml}\n');
    expect(() => readScenario(path.join(dir, 'bad1.yaml'), { validation: 'strict' })).toThrow(/bad1\.yaml: steps\[0\]\.addPods\.templateFile .*nope\.yaml/);
    put('bad2.yaml', 'apiVersion: podfit/v1alpha1\nkind: Scenario\nsteps:\n- addPods:\n    template: {metadata: {name: x}, spec: {containerz: []}}\n');
    expect(() => readScenario(path.join(dir, 'bad2.yaml'), { validation: 'strict' })).toThrow(/bad2\.yaml: steps\[0\]\.addPods\.template.*containerz/);
    put('bad3.yaml', 'apiVersion: podfit/v1alpha1\nkind: Scenario\nsteps: [\n');
    expect(() => readScenario(path.join(dir, 'bad3.yaml'), { validation: 'strict' })).toThrow(/bad3\.yaml: invalid YAML/);
  });
});

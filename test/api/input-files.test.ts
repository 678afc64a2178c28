/** Reading files a person writes: standard input, errors in words, and --validate on the pod file. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '../../src/api/errors.js';
import { loadPodFile, readInputText, STDIN_NAME } from '../../src/api/input-files.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'podfit-input-'));
const file = (name: string, text: string) => {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
};

const TYPO_POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resource: {requests: {cpu: "1"}}\n';

describe('readInputText', () => {
  it('reads a file, naming it by its path', () => {
    const p = file('a.yaml', 'x: 1\n');
    expect(readInputText(p)).toEqual({ text: 'x: 1\n', name: p });
  });

  it('reads standard input for -', () => {
    expect(readInputText('-', '--pod', () => 'kind: Pod\n')).toEqual({ text: 'kind: Pod\n', name: STDIN_NAME });
  });

  it.each([
    ['a missing file', path.join(tmp, 'nope.yaml'), '--pod', `--pod ${path.join(tmp, 'nope.yaml')}: no such file`],
    ['a missing file without a flag', path.join(tmp, 'nope.yaml'), undefined, `${path.join(tmp, 'nope.yaml')}: no such file`],
    ['a directory', tmp, '--pod', `--pod ${tmp}: is a directory, expected a file`],
    ['a path through a file', path.join(file('f.txt', ''), 'x'), '--cluster', `--cluster ${path.join(tmp, 'f.txt', 'x')}: no such file (a part of the path is not a directory)`],
  ])('says what is wrong with %s, in words', (_name, p, flag, message) => {
    expect(() => readInputText(p, flag)).toThrow(InputError);
    expect(() => readInputText(p, flag)).toThrow(message);
  });

  it('names standard input when it cannot be read', () => {
    const fail = () => { throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, read'), { code: 'EAGAIN' }); };
    expect(() => readInputText('-', '--pod', fail)).toThrow('--pod -: cannot read standard input: EAGAIN: resource temporarily unavailable, read');
  });
});

describe('loadPodFile', () => {
  it('strict (the default of --validate): an unknown field is an error naming the file and path', () => {
    const p = file('typo.yaml', TYPO_POD);
    expect(() => loadPodFile(p, { validation: 'strict', warnings: [] })).toThrow(new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: spec\\.containers\\[0\\]\\.resource: unknown field, did you mean resources\\?`));
  });

  it('warn: the pod is read, with a warning per field', () => {
    const warnings: string[] = [];
    const { pod, name } = loadPodFile('-', { flag: '--pod', validation: 'warn', warnings, stdin: () => TYPO_POD });
    expect(name).toBe(STDIN_NAME);
    expect(pod.metadata.name).toBe('p');
    expect(warnings).toEqual(['<stdin>: spec.containers[0].resource: unknown field, did you mean resources?']);
  });

  it('ignore: the pod is read as before, silently', () => {
    const warnings: string[] = [];
    const { pod } = loadPodFile(file('typo2.yaml', TYPO_POD), { validation: 'ignore', warnings });
    expect(pod.spec.containers?.[0]?.resources).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('names the item of a List holding the pod', () => {
    const p = file('list.json', JSON.stringify({ kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'p' }, spec: { containres: [] } }] }));
    expect(() => loadPodFile(p, { validation: 'strict', warnings: [] })).toThrow(`${p}: items[0]: spec.containres: unknown field, did you mean containers?`);
  });

  it('accepts every field Kubernetes has, also those podfit does not read', () => {
    const p = file('probe.yaml', 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    livenessProbe: {httpGet: {path: /, port: 80}}\n    volumeMounts: [{name: v, mountPath: /v}]\n    securityContext: {runAsUser: 1000}\n  volumes: [{name: v, emptyDir: {}}]\n');
    expect(loadPodFile(p, { validation: 'strict', warnings: [] }).pod.metadata.name).toBe('p');
  });

  it('keeps the one-pod rule', () => {
    const p = file('two.yaml', 'kind: Pod\nmetadata: {name: a}\nspec: {}\n---\nkind: Pod\nmetadata: {name: b}\nspec: {}\n');
    expect(() => loadPodFile(p, { validation: 'strict', warnings: [] })).toThrow(`${p}: expected exactly one Pod, found 2 (kinds: Pod, Pod)`);
  });
});

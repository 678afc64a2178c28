/**
 * `podfit whatif` end to end: --schema, the output formats, the flags, and bad input (exit 2,
 * the file and the path named, nothing on stdout).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { main } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';

const EXAMPLE = 'examples/whatif/question-max-replicas.yaml';

describe('podfit whatif', () => {
  it('--schema prints the JSON Schema', async () => {
    const r = await runCli('whatif', '--schema');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { title: string; properties: Record<string, unknown> };
    expect(s.title).toBe('podfit whatif scenario');
    expect(Object.keys(s.properties).sort()).toEqual(['apiVersion', 'cluster', 'config', 'kind', 'questions', 'seed', 'steps', 'sweep']);
  });

  it('-o json is { scenario, questions: [{ name, type, ... }] }; -o yaml the same data', async () => {
    const json = await runCli('whatif', EXAMPLE, '-o', 'json');
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout) as { scenario: { file: string; seed: number }; questions: Array<{ name: string; type: string; replicas: number }> };
    expect(Object.keys(r)).toEqual(['scenario', 'questions']);
    expect(r.scenario).toMatchObject({ file: EXAMPLE, seed: 1 });
    expect(r.questions.map((q) => [q.name, q.type, q.replicas])).toEqual([['more-api', 'maxReplicas', 7], ['at-most-3', 'maxReplicas', 3]]);
    const yaml = await runCli('whatif', EXAMPLE, '-o', 'yaml');
    expect(parseYaml(yaml.stdout)).toEqual(r);
  });

  it('prints JSON when stdout is not a terminal and tables when it is', async () => {
    const piped = await runCli('whatif', EXAMPLE);
    expect(() => JSON.parse(piped.stdout)).not.toThrow();
    let stdout = '';
    const code = await main(['node', 'podfit', 'whatif', EXAMPLE], { stdout: (s) => { stdout += s; }, stderr: () => undefined, stdoutIsTTY: true });
    expect(code).toBe(0);
    expect(stdout).toContain('QUESTION more-api (maxReplicas)\n7 more instance(s) fit.\nTermination reason: Unschedulable: 0/4 nodes are available: 1 Insufficient memory, 4 Insufficient cpu.');
  });

  it('--seed overrides the scenario seed', async () => {
    const r = await runCli('whatif', EXAMPLE, '-o', 'json', '--seed', '9');
    expect(JSON.parse(r.stdout).scenario.seed).toBe(9);
  });

  it('--workers 2 gives the same result as --workers 0 (parts of several questions and profiles on other threads)', async () => {
    for (const f of ['examples/whatif/compare-replicaset/scenario.yaml', 'examples/whatif/question-drain.yaml']) {
      const here = await runCli('whatif', f, '-o', 'json', '--workers', '0');
      const there = await runCli('whatif', f, '-o', 'json', '--workers', '2');
      expect(there.stderr).toBe(here.stderr);
      expect(there.code).toBe(0);
      expect(there.stdout).toBe(here.stdout);
    }
  }, 120_000);

  it('--workers: a question that cannot apply is exit 2 with its path, as on this thread', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'podfit-whatif-cli-'));
    const f = path.join(dir, 's.yaml');
    writeFileSync(f, `apiVersion: podfit/v1alpha1\nkind: Scenario\ncluster: ${path.resolve('examples/whatif/cluster.yaml')}\nquestions:\n- drain: {nodes: [a-1]}\n- drain: {nodes: [zz]}\n`);
    const r = await runCli('whatif', f, '--workers', '2');
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: ${f}: questions[1].drain.nodes[0]: no node "zz" in the cluster\n` });
  }, 120_000);

  const bad: Array<[string, string[], RegExp]> = [
    ['no scenario', [], /^error: missing scenario file/],
    ['a scenario that does not exist', ['nope.yaml'], /^error: nope\.yaml: no such file/],
    ['--schema with a scenario', ['--schema', EXAMPLE], /^error: --schema takes no scenario/],
    ['a bad -o', [EXAMPLE, '-o', 'xml'], /^error: -o\/--output: expected one of table, json, yaml/],
    ['a bad --workers', [EXAMPLE, '--workers', 'x'], /^error: --workers: /],
  ];
  it.each(bad)('%s: exit 2', async (_what, args, message) => {
    const r = await runCli('whatif', ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it.each([
    ['an empty file', '', /: expected a Scenario object \(apiVersion: podfit\/v1alpha1, kind: Scenario\)$/],
    ['a typo in a key', 'apiVersion: podfit/v1alpha1\nkind: Scenario\nstepz: []\n', /: stepz: unknown field/],
    ['a negative quantity in a template', 'apiVersion: podfit/v1alpha1\nkind: Scenario\nsteps:\n- addNodes: {count: 2, template: {metadata: {name: big}, status: {allocatable: {cpu: "-4"}}}}\n', /: steps\[0\]\.addNodes\.template: node big-0: status\.allocatable\.cpu: Invalid value: "-4": must be greater than or equal to 0$/],
  ])('a scenario with %s: exit 2 naming the field', async (_what, text, message) => {
    const f = path.join(mkdtempSync(path.join(tmpdir(), 'podfit-whatif-bad-')), 's.yaml');
    writeFileSync(f, text);
    const r = await runCli('whatif', f);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(message);
  });
});

describe('podfit whatif --html', () => {
  it('writes the report (one self-contained page) beside the output, and nothing on bad input', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'podfit-whatif-html-'));
    const out = path.join(dir, 'r.html');
    const r = await runCli('whatif', 'examples/whatif/question-drain.yaml', '-o', 'json', '--html', out);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>') || html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('retire-pool-a');
    const bad = path.join(dir, 'bad.html');
    const b = await runCli('whatif', 'examples/whatif/nope.yaml', '--html', bad);
    expect(b.code).toBe(2);
    expect(existsSync(bad)).toBe(false);
  }, 60_000);
});

/**
 * Sweeps (api/scenario-sweep.ts, `--shard`, JOB_COMPLETION_INDEX, `podfit whatif merge`): the
 * points in order, shards that join into the whole sweep byte for byte, and the errors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/api/errors.js';
import { parseFieldPath, shardRange, sweepPoints } from '../../src/api/scenario-sweep.js';
import { runCli } from '../helpers/cli.js';

const SWEEP = 'examples/whatif/sweep-node-count.yaml';
const dir = mkdtempSync(path.join(tmpdir(), 'podfit-sweep-'));
const put = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('sweepPoints', () => {
  const doc = { apiVersion: 'podfit/v1alpha1', kind: 'Scenario', seed: 1, steps: [{ addNodes: { count: 1 } }], sweep: [] };
  const spec = [{ field: 'steps[0].addNodes.count', values: [1, 2, 3] }, { field: 'seed', values: [7, 8] }];

  it('is the cartesian product, the last field fastest, each point its own copy without `sweep`', () => {
    const points = sweepPoints(doc, spec, 's.yaml');
    expect(points.map((p) => [p.index, p.values['steps[0].addNodes.count'], p.values.seed])).toEqual([[0, 1, 7], [1, 1, 8], [2, 2, 7], [3, 2, 8], [4, 3, 7], [5, 3, 8]]);
    expect(points[3]!.doc).toEqual({ apiVersion: 'podfit/v1alpha1', kind: 'Scenario', seed: 8, steps: [{ addNodes: { count: 2 } }] });
    expect(doc.steps[0]!.addNodes.count).toBe(1);
  });

  it('shards are contiguous slices that cover every point once', () => {
    for (const [total, n] of [[6, 4], [5, 5], [3, 7], [10, 3]] as const) {
      const covered = Array.from({ length: n }, (_, i) => shardRange(total, { index: i, count: n })).flatMap(({ from, to }) => Array.from({ length: to - from }, (_, k) => from + k));
      expect(covered).toEqual(Array.from({ length: total }, (_, i) => i));
    }
    expect(sweepPoints(doc, spec, 's.yaml', { index: 1, count: 4 }).map((p) => p.index)).toEqual([1, 2]);
  });

  it.each([
    ['steps[0]..count', /s\.yaml: sweep\[0\]\.field: "steps\[0\]\.\.count" is not a field path/],
    ['steps[3].addNodes.count', /s\.yaml: sweep\[0\]\.field: steps\[3\] is not in the scenario/],
    ['kind', /s\.yaml: sweep\[0\]\.field: kind cannot be swept/],
  ])('a bad field %s is an error naming it', (field, message) => {
    expect(() => sweepPoints(doc, [{ field, values: [1] }], 's.yaml')).toThrow(message);
  });

  it('parses the paths errors print', () => {
    expect(parseFieldPath('questions[1].maxReplicas.templateFile', 'f', 'w')).toEqual(['questions', 1, 'maxReplicas', 'templateFile']);
    expect(() => parseFieldPath('[0]', 'f', 'w')).toThrow(InputError);
  });
});

describe('podfit whatif with a sweep', () => {
  afterEach(() => {
    delete process.env.JOB_COMPLETION_INDEX;
  });

  it('shards (--shard, and JOB_COMPLETION_INDEX with --shards) merge into the whole sweep, byte for byte', async () => {
    const whole = await runCli('whatif', SWEEP, '-o', 'json');
    expect(whole.code).toBe(0);
    const result = JSON.parse(whole.stdout) as { sweep: unknown; runs: Array<{ scenario: { sweep: { index: number } }; questions: Array<{ profiles: Array<{ config: string }> }> }> };
    expect(result.sweep).toEqual({ total: 6 });
    expect(result.runs.map((r) => [r.scenario.sweep.index, r.questions[0]!.profiles[0]!.config])).toEqual([
      [0, 'default'], [1, 'compare-profiles/most-allocated.yaml'], [2, 'default'], [3, 'compare-profiles/most-allocated.yaml'], [4, 'default'], [5, 'compare-profiles/most-allocated.yaml'],
    ]);
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      let r;
      if (i === 1) {
        process.env.JOB_COMPLETION_INDEX = '1';
        r = await runCli('whatif', SWEEP, '-o', 'json', '--shards', '3');
        delete process.env.JOB_COMPLETION_INDEX;
      } else r = await runCli('whatif', SWEEP, '-o', 'json', '--shard', `${i}/3`);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).sweep).toEqual({ total: 6, shard: { index: i, count: 3 } });
      files.push(put(`shard-${i}.json`, r.stdout));
    }
    const merged = await runCli('whatif', 'merge', files[2]!, files[0]!, files[1]!, '-o', 'json');
    expect(merged.code).toBe(0);
    expect(merged.stdout).toBe(whole.stdout);
  }, 120_000);

  it('merge refuses overlapping, missing and foreign shards', async () => {
    const a = await runCli('whatif', SWEEP, '-o', 'json', '--shard', '0/2');
    const fa = put('a.json', a.stdout);
    expect(await runCli('whatif', 'merge', fa, fa)).toMatchObject({ code: 2, stderr: expect.stringMatching(/runs\[0\]: sweep point 0 is also in/) });
    expect(await runCli('whatif', 'merge', fa)).toMatchObject({ code: 2, stderr: 'error: merge: sweep points 3, 4, 5 are in none of the files: a shard is missing\n' });
    const other = put('o.json', JSON.stringify({ ...JSON.parse(a.stdout), sweep: { total: 9 } }));
    expect(await runCli('whatif', 'merge', fa, other)).toMatchObject({ code: 2, stderr: expect.stringMatching(/o\.json: sweep\.total: 9 points, but .*a\.json has 6: not shards of one sweep/) });
    expect(await runCli('whatif', 'merge', put('x.json', '{"questions": []}'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/x\.json: not the JSON result of a sweep: invalid value at sweep/) });
  }, 120_000);

  it('an error in one point names the point; shard flags are checked', async () => {
    const f = put('bad.yaml', [
      'apiVersion: podfit/v1alpha1', 'kind: Scenario', `cluster: ${path.resolve('examples/whatif/cluster.yaml')}`,
      'steps:', '- addNodes: {template: {status: {allocatable: {cpu: "1"}}}, count: 1, namePrefix: x-}',
      'sweep:', '- field: steps[0].addNodes.count', '  values: [1, -2]', '',
    ].join('\n'));
    const r = await runCli('whatif', f, '-o', 'json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml: steps\[0\]\.addNodes\.count: .* \(sweep point 1: steps\[0\]\.addNodes\.count=-2\)\n$/);
    expect(await runCli('whatif', SWEEP, '--shard', '3/3')).toMatchObject({ code: 2, stderr: 'error: --shard: expected i/n with 0 <= i < n, got "3/3"\n' });
    expect(await runCli('whatif', SWEEP, '--shards', '3')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: --shards: JOB_COMPLETION_INDEX is not set/) });
    expect(await runCli('whatif', 'examples/whatif/step-drain.yaml', '--shard', '0/2')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--shard: .*has no sweep to shard/) });
  }, 120_000);
});

/**
 * The whatif question minNodes (whatif/questions/min-nodes.ts): its schema's errors name the path,
 * the answer has issue 14's keys, is the same for a seed, places every pod on an existing or an
 * added node, never goes below its lower bound, and renders in the table and the HTML report.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../../src/api/errors.js';
import { decodeScenario, scenarioJsonSchema } from '../../src/api/scenario.js';
import { readScenario } from '../../src/api/scenario-files.js';
import { buildClusterState, loadClusterSnapshot } from '../../src/cluster/snapshot.js';
import { createKernels } from '../../src/kernel/engine.js';
import { REGISTRY } from '../../src/plugins/registry.js';
import { renderWhatifHtml } from '../../src/report/html.js';
import { whatifText } from '../../src/report/whatif-table.js';
import type { MinNodesQuestionResult, WhatifResult } from '../../src/whatif/result.js';
import { runScenario } from '../../src/whatif/scenario.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { runCli } from '../helpers/cli.js';

const base = { apiVersion: 'podfit/v1alpha1', kind: 'Scenario' };
const dir = mkdtempSync(path.join(tmpdir(), 'podfit-minnodes-q-'));
let n = 0;
const put = (text: string, ext = 'yaml') => {
  const p = path.join(dir, `f${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
};

function errorOf(doc: Record<string, unknown>): InputError {
  try {
    decodeScenario({ ...base, ...doc }, 's.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('no error');
}

const nodeT = { metadata: { name: 'm' }, status: { allocatable: { cpu: '8', memory: '32Gi', pods: '110' } } };
const podT = { metadata: { name: 'w' }, spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '2' } } }] } };
const q = (minNodes: Record<string, unknown>) => ({ questions: [{ name: 'q', minNodes }] });

describe('minNodes schema: errors name the path', () => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['no nodeTemplates', q({}), 's.yaml: questions[0].minNodes.nodeTemplates: ', 'questions[0].minNodes.nodeTemplates'],
    ['an empty nodeTemplates', q({ nodeTemplates: [] }), 's.yaml: questions[0].minNodes.nodeTemplates: ', 'questions[0].minNodes.nodeTemplates'],
    ['a misspelt field', q({ nodeTemplates: [{ template: nodeT }], objectiv: 'cost' }), 's.yaml: questions[0].minNodes.objectiv: unknown field, did you mean objective?', 'questions[0].minNodes.objectiv'],
    ['a misspelt template field', q({ nodeTemplates: [{ template: nodeT, prise: 1 }] }), 's.yaml: questions[0].minNodes.nodeTemplates[0].prise: unknown field, did you mean price?', 'questions[0].minNodes.nodeTemplates[0].prise'],
    ['template and templateFile', q({ nodeTemplates: [{ template: nodeT, templateFile: 'n.yaml' }] }), 's.yaml: questions[0].minNodes.nodeTemplates[0]: give exactly one of template and templateFile', 'questions[0].minNodes.nodeTemplates[0]'],
    ['cost without a price', q({ nodeTemplates: [{ template: nodeT, price: 1 }, { template: nodeT }], objective: 'cost' }), 's.yaml: questions[0].minNodes.nodeTemplates[1].price: objective cost needs a price on every node template', 'questions[0].minNodes.nodeTemplates[1].price'],
    ['an unknown objective', q({ nodeTemplates: [{ template: nodeT }], objective: 'money' }), 's.yaml: questions[0].minNodes.objective: ', 'questions[0].minNodes.objective'],
    ['a max of 0', q({ nodeTemplates: [{ template: nodeT, max: 0 }] }), 's.yaml: questions[0].minNodes.nodeTemplates[0].max: ', 'questions[0].minNodes.nodeTemplates[0].max'],
    ['a negative timeLimit', q({ nodeTemplates: [{ template: nodeT }], timeLimit: -1 }), 's.yaml: questions[0].minNodes.timeLimit: ', 'questions[0].minNodes.timeLimit'],
    ['pods neither pending nor a list', q({ nodeTemplates: [{ template: nodeT }], pods: 'all' }), 's.yaml: questions[0].minNodes.pods: ', 'questions[0].minNodes.pods'],
    ['a misspelt pods field', q({ nodeTemplates: [{ template: nodeT }], pods: [{ template: podT, replica: 2 }] }), 's.yaml: questions[0].minNodes.pods[0].replica: unknown field, did you mean replicas?', 'questions[0].minNodes.pods[0].replica'],
    ['pods without a template', q({ nodeTemplates: [{ template: nodeT }], pods: [{ replicas: 2 }] }), 's.yaml: questions[0].minNodes.pods[0]: give exactly one of template and templateFile', 'questions[0].minNodes.pods[0]'],
  ];
  it.each(cases)('%s', (_what, doc, message, field) => {
    const e = errorOf(doc);
    expect(e.message.startsWith(message), e.message).toBe(true);
    expect(e.field).toBe(field);
  });

  it('defaults: pods pending, objective nodes, timeLimit 10', () => {
    const doc = decodeScenario({ ...base, ...q({ nodeTemplates: [{ template: nodeT }] }) }, 's.yaml');
    expect(doc.questions[0]!.value).toEqual({ nodeTemplates: [{ template: nodeT }], pods: 'pending', objective: 'nodes', timeLimit: 10 });
  });

  it('a template file is read relative to the scenario, and a bad one names the question path', () => {
    const good = put(stringify({ ...base, questions: [{ name: 'q', minNodes: { nodeTemplates: [{ templateFile: path.basename(put(stringify({ kind: 'Node', ...nodeT }))) }] } }] }));
    const s = readScenario(good, { validation: 'strict' });
    expect(s.questions[0]).toMatchObject({ type: 'minNodes', pods: null, objective: 'nodes', timeLimitSeconds: 10 });
    const bad = put(stringify({ ...base, questions: [{ name: 'q', minNodes: { nodeTemplates: [{ templateFile: 'missing.yaml' }] } }] }));
    expect(() => readScenario(bad, { validation: 'strict' })).toThrow(/questions\[0\]\.minNodes\.nodeTemplates\[0\]\.templateFile/);
    const nameless = put(stringify({ ...base, questions: [{ name: 'q', minNodes: { nodeTemplates: [{ template: { status: nodeT.status } }] } }] }));
    expect(() => readScenario(nameless, { validation: 'strict' })).toThrow(/questions\[0\]\.minNodes\.nodeTemplates\[0\]\.template: metadata\.name: Required value: give the template a name, or the entry a name or prefix/);
    const typo = put(stringify({ ...base, questions: [{ name: 'q', minNodes: { nodeTemplates: [{ template: { ...nodeT, spec: { taintz: [] } } }] } }] }));
    expect(() => readScenario(typo, { validation: 'strict' })).toThrow(/taintz/);
  });

  it('podfit whatif --schema has the question', () => {
    const text = JSON.stringify(scenarioJsonSchema());
    for (const k of ['minNodes', 'nodeTemplates', 'objective', 'timeLimit', 'prefix']) expect(text).toContain(`"${k}"`);
  });
});

/** A cluster: two 4-CPU nodes with 3 CPU taken, and pending pods of mixed shapes. */
function clusterFile(): string {
  const items = [
    ...['e0', 'e1'].map((name) => makeNode(name).capacity({ cpu: '4', memory: '16Gi', pods: 110 }).build()),
    makePod('db-0').req({ cpu: '3', memory: '4Gi' }).nodeName('e0').build(),
    makePod('db-1').req({ cpu: '1', memory: '4Gi' }).nodeName('e1').build(),
    ...Array.from({ length: 30 }, (_, i) => makePod(`p${i}`).req({ cpu: `${500 + (i % 7) * 500}m`, memory: `${1 + (i % 5)}Gi` }).build()),
  ];
  return put(stringify({ apiVersion: 'v1', kind: 'List', items }));
}

async function run(minNodes: Record<string, unknown>, seed = 1, steps: unknown[] = []): Promise<{ r: WhatifResult; a: MinNodesQuestionResult }> {
  const file = put(JSON.stringify({ ...base, cluster: clusterFile(), steps, questions: [{ name: 'how-many', minNodes }] }), 'json');
  const s = readScenario(file, { validation: 'strict' });
  const kernels = await createKernels('js');
  const cluster = buildClusterState(loadClusterSnapshot(s.cluster!), s.cluster!, kernels.createTableMemory());
  const r = runScenario(s, { engine: { kernels, registry: REGISTRY, seed }, cluster });
  return { r, a: r.questions[0] as MinNodesQuestionResult };
}

const small = { metadata: { name: 'small' }, status: { allocatable: { cpu: '4', memory: '16Gi', pods: '110' } } };
const big = { metadata: { name: 'big' }, status: { allocatable: { cpu: '16', memory: '32Gi', pods: '110' } } };

describe('minNodes answers', () => {
  it("has issue 14's keys, places every pending pod on an existing or added node, and never goes below its bound", async () => {
    const { r, a } = await run({ nodeTemplates: [{ template: small }], timeLimit: 2 });
    for (const k of ['name', 'type', 'nodes', 'byTemplate', 'cost', 'lowerBound', 'gap', 'placements', 'unschedulable', 'seconds', 'addedNodes', 'after']) expect(a).toHaveProperty(k);
    expect(a).toMatchObject({ name: 'how-many', type: 'minNodes', objective: 'nodes', unschedulable: [] });
    expect(Object.keys(a.placements).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `default/p${i}`).sort());
    const existing = new Set(r.scenario.after.nodes.map((x) => x.name));
    const added = new Set(Object.keys(a.addedNodes));
    for (const node of Object.values(a.placements)) expect(existing.has(node) || added.has(node)).toBe(true);
    expect(a.nodes).toBe(added.size);
    expect(a.byTemplate).toEqual({ small: a.nodes });
    expect(a.lowerBound).toBeLessThanOrEqual(a.nodes);
    expect(a.lowerBound).toBeGreaterThan(0);
    expect(a.gap).toBeCloseTo((a.nodes - a.lowerBound) / a.lowerBound, 12);
    // The question runs on a copy: the scenario's cluster keeps its nodes.
    expect(r.scenario.after.nodes.map((x) => x.name)).toEqual(['e0', 'e1']);
    // Its `after` has the added nodes, each holding pods.
    for (const x of a.after.nodes.filter((u) => added.has(u.name))) expect(x.pods).toBeGreaterThan(0);
  });

  // A time limit far above what the search takes (it stops stuck, or at its deterministic effort
  // budget): a deadline on a loaded machine would make the answer depend on the clock.
  it('is the same for a seed (but the timings)', async () => {
    const strip = (x: MinNodesQuestionResult) => ({ ...x, seconds: 0, numeric: { ...x.numeric, seconds: 0 } });
    const one = await run({ nodeTemplates: [{ template: small }, { template: big }], timeLimit: 600 }, 7);
    const two = await run({ nodeTemplates: [{ template: small }, { template: big }], timeLimit: 600 }, 7);
    expect(one.a.numeric.searchStop).not.toBe('deadline');
    expect(strip(two.a)).toEqual(strip(one.a));
  });

  it('objective cost: the cost is the summed price, bounded below, with the count per template', async () => {
    const { a } = await run({ nodeTemplates: [{ template: small, price: 0.2 }, { template: big, price: 0.5, name: 'large', prefix: 'lg' }], objective: 'cost', timeLimit: 2 });
    expect(Object.keys(a.byTemplate)).toEqual(['small', 'large']);
    expect(a.cost).toBeCloseTo(a.byTemplate.small! * 0.2 + a.byTemplate.large! * 0.5, 9);
    expect(a.lowerBound).toBeLessThanOrEqual(a.cost! + 1e-9);
    for (const name of Object.keys(a.addedNodes)) expect(name).toMatch(/^(small|lg)-\d+$/);
  });

  it('templates x replicas instead of the pending pods: named <name>-<k>; a pod no shape holds is unschedulable with its reason', async () => {
    const huge = { metadata: { name: 'huge' }, spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '64' } } }] } };
    const { a } = await run({ nodeTemplates: [{ template: small }], pods: [{ template: podT, replicas: 5 }, { template: huge }], timeLimit: 2 });
    expect(Object.keys(a.placements).sort()).toEqual(['default/w-0', 'default/w-1', 'default/w-2', 'default/w-3', 'default/w-4']);
    expect(a.unschedulable).toHaveLength(1);
    expect(a.unschedulable[0]!.pod).toBe('default/huge-0');
    expect(a.unschedulable[0]!.reason).toMatch(/Insufficient cpu/);
  });

  it('pending pods after the steps (addPods) are the default', async () => {
    const { a } = await run({ nodeTemplates: [{ template: small }], timeLimit: 2 }, 1, [{ addPods: { template: podT, replicas: 4 } }]);
    expect(Object.keys(a.placements)).toHaveLength(34);
    expect(a.placements['default/w-3']).toBeDefined();
  });

  it('renders in the table (counts, bound, gap, added nodes) and in the HTML report', async () => {
    const { r, a } = await run({ nodeTemplates: [{ template: small }], timeLimit: 2 });
    const text = whatifText(r);
    expect(text).toContain('QUESTION how-many (minNodes)');
    expect(text).toContain(`${a.nodes} node(s) added (objective nodes); lower bound ${a.lowerBound}`);
    expect(text).toContain('ADDED NODES');
    expect(text).toContain(Object.keys(a.addedNodes)[0]!);
    const html = renderWhatifHtml(r);
    expect(html).toContain('how-many');
  });
});

describe('podfit whatif with a minNodes question', () => {
  const strip = (out: string) => {
    const q = (JSON.parse(out) as WhatifResult).questions[0] as MinNodesQuestionResult;
    return { ...q, seconds: 0, numeric: { ...q.numeric, seconds: 0 } };
  };
  it('--workers 2 gives the answer of --workers 0 (the portfolio on the pool)', async () => {
    const f = 'examples/whatif/min-nodes/cheapest-mix.yaml';
    // No deadline in reach (see the seed test): the search ends the same way on both.
    const here = await runCli('whatif', f, '-o', 'json', '--time-limit', '600');
    const pool = await runCli('whatif', f, '-o', 'json', '--time-limit', '600', '--workers', '2');
    expect(here.code).toBe(0);
    expect(pool.code).toBe(0);
    expect(strip(pool.stdout)).toEqual(strip(here.stdout));
  });

  it('--time-limit must be positive seconds', async () => {
    const r = await runCli('whatif', 'examples/whatif/min-nodes/pending-pods.yaml', '--time-limit', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--time-limit: expected seconds');
  });
});

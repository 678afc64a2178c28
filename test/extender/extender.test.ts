/** The extender verbs on the Framework: status mapping, profiles, PreFilter results, errors, priorities. */
import { describe, expect, it } from 'vitest';
import type { ResolvedProfile, SchedulerConfig } from '../../src/api/config.js';
import type { ExtenderArgs } from '../../src/api/extender.js';
import { defaultExtenderConfig } from '../../src/extender/default-config.js';
import { ExtenderInternalError } from '../../src/extender/errors.js';
import { Extender, type NodeItems } from '../../src/extender/extender.js';
import { extenderPriority } from '../../src/extender/score.js';
import { EXTENSION_POINTS, type ExtensionPoint, type PluginDefinition } from '../../src/framework/interfaces.js';
import { Status } from '../../src/framework/status.js';
import { createKernels } from '../../src/kernel/engine.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { MemorySource } from './helpers.js';
import { REGISTRY } from '../../src/plugins/registry.js';

describe('extenderPriority: round(10 x total / (100 x W)), clamped to 0..10', () => {
  it.each([
    [0, 1, 0], [4, 1, 0], [5, 1, 1], [14, 1, 1], [15, 1, 2], [94, 1, 9], [95, 1, 10], [100, 1, 10],
    [150, 3, 5], [149, 3, 5], [144, 3, 5], [145, 3, 5], [135, 3, 5], [134, 3, 4], [300, 3, 10],
    [0, 0, 0], [50, 0, 0], [250, 1, 10], [-5, 1, 0],
  ])('total %d with weights %d -> %d', (total, w, want) => {
    expect(extenderPriority(total, w)).toBe(want);
  });
});

const stub = (name: string, points: PluginDefinition['points'], impl: Record<string, unknown>): PluginDefinition => ({
  name, points, implemented: true, factory: () => ({ name, ...impl }),
});
/** Rejects nodes named "*-busy" (Unschedulable) and "*-bad" (Unresolvable); a pod labelled boom=filter errors. */
const judge = stub('Judge', ['filter'], {
  filter(_cs: unknown, pod: { labels: Record<string, string> }, nodes: Array<{ name: string }>, out: Array<Status | null>) {
    nodes.forEach((n, i) => {
      if (pod.labels.boom === 'filter') out[i] = Status.error('judge exploded');
      else if (n.name.endsWith('-busy')) out[i] = BUSY;
      else if (n.name.endsWith('-bad')) out[i] = BAD;
    });
  },
});
const BUSY = Status.unschedulable('too busy', 'really');
const BAD = Status.unresolvable('bad node');
/** PreFilter: pods labelled only=<node> are restricted to that node; boom=prefilter rejects everything. */
const picker = stub('Picker', ['preFilter'], {
  preFilter(_cs: unknown, pod: { labels: Record<string, string> }) {
    if (pod.labels.boom === 'prefilter') return { status: Status.unresolvable('pod is cursed') };
    return { status: null, result: pod.labels.only ? { nodeNames: new Set([pod.labels.only]) } : undefined };
  },
});
/** Scores node index x 10 (node names end in a digit); skipped for pods labelled skip=yes; boom=score errors. */
const ranker = stub('Ranker', ['preScore', 'score'], {
  preScore(_cs: unknown, pod: { labels: Record<string, string> }) {
    return pod.labels.skip === 'yes' ? Status.skip() : null;
  },
  score(_cs: unknown, pod: { labels: Record<string, string> }, nodes: Array<{ name: string }>, out: Float64Array) {
    if (pod.labels.boom === 'score') return Status.error('ranker exploded');
    nodes.forEach((n, i) => (out[i] = 10 * Number(n.name.replace(/\D/g, '') || 0)));
    return null;
  },
});
const flat = stub('Flat', ['score'], { score(_cs: unknown, _p: unknown, nodes: unknown[], out: Float64Array) { out.fill(100, 0, nodes.length); return null; } });

/** A profile with the stubs (built directly: the config loader only knows registered plugins). */
function stubConfig(): SchedulerConfig {
  const points: Partial<Record<ExtensionPoint, Array<[string, number]>>> = {
    queueSort: [['PrioritySort', 0]], preFilter: [['Picker', 0]], filter: [['Judge', 0]], preScore: [['Ranker', 0]],
    score: [['Ranker', 3], ['Flat', 1]], bind: [['DefaultBinder', 0]],
  };
  const plugins = Object.fromEntries(EXTENSION_POINTS.map((p) => [p, (points[p] ?? []).map(([name, weight]) => ({ name, weight }))])) as ResolvedProfile['plugins'];
  return {
    profiles: [{ schedulerName: 'custom', plugins, pluginArgs: new Map(), percentageOfNodesToScore: undefined }],
    percentageOfNodesToScore: undefined, parallelism: 16, podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 10, extenders: [], warnings: [],
  };
}

async function setup(names: string[], withPlugins = true) {
  const state = new ClusterState();
  for (const n of names) state.addNode(makeNode(n).capacity({ cpu: '4', memory: '8Gi', pods: 110 }).build());
  const config = withPlugins ? stubConfig() : defaultExtenderConfig();
  const ext = new Extender(new MemorySource(state), config, await createKernels('js'), REGISTRY, { plugins: [judge, picker, ranker, flat] });
  return { state, ext };
}
const pod = (labels: Record<string, string> = {}, scheduler = 'custom') => makePod('p', 'ns').labels(labels).schedulerName(scheduler).req({ cpu: '100m' }).build();
const names = (nodeNames: string[], labels?: Record<string, string>, scheduler?: string): ExtenderArgs => ({ pod: pod(labels, scheduler), nodeNames, nodes: null });

describe('filter', () => {
  it('maps Unschedulable to FailedNodes and UnschedulableAndUnresolvable to FailedAndUnresolvableNodes (Status.message())', async () => {
    const { ext } = await setup(['n1', 'n2-busy', 'n3-bad', 'n4']);
    const out = ext.filter(names(['n4', 'n2-busy', 'n3-bad', 'n1']), null);
    expect(out).toEqual({ passed: [0, 3], failedNodes: new Map([['n2-busy', 'too busy, really']]), failedAndUnresolvableNodes: new Map([['n3-bad', 'bad node']]), error: '' });
  });

  it('a PreFilterResult restricts the nodes; the others are unresolvable with kube\'s message', async () => {
    const { ext } = await setup(['n1', 'n2', 'n3']);
    const out = ext.filter(names(['n1', 'n2', 'n3'], { only: 'n2' }), null);
    expect(out.passed).toEqual([1]);
    expect([...out.failedAndUnresolvableNodes]).toEqual([['n1', "node(s) didn't satisfy plugin(s) [Picker]"], ['n3', "node(s) didn't satisfy plugin(s) [Picker]"]]);
  });

  it('a PreFilter rejection rejects every requested node with its message', async () => {
    const { ext } = await setup(['n1', 'n2']);
    const out = ext.filter(names(['n1', 'n2'], { boom: 'prefilter' }), null);
    expect(out.passed).toEqual([]);
    expect([...out.failedAndUnresolvableNodes.values()]).toEqual(['pod is cursed', 'pod is cursed']);
  });

  it('a plugin Error becomes the answer\'s Error (kube: SchedulerError, retried)', async () => {
    const { ext } = await setup(['n1']);
    expect(ext.filter(names(['n1'], { boom: 'filter' }), null).error).toMatch(/judge exploded/);
  });

  it('uses the profile named by the pod\'s schedulerName, else the first profile', async () => {
    const { ext } = await setup(['n1', 'n2-busy']);
    expect(ext.filter(names(['n1', 'n2-busy'], {}, 'not-a-profile'), null).passed).toEqual([0]);
  });

  it('evaluates unknown Nodes-mode nodes from the request and removes them afterwards, also on errors', async () => {
    const { state, ext } = await setup(['n1']);
    const items: NodeItems = { node: (i) => makeNode(['n1', 'x9-busy', 'x8'][i]!).capacity({ cpu: '1', pods: 10 }).build() };
    const args: ExtenderArgs = { pod: pod(), nodeNames: null, nodes: ['n1', 'x9-busy', 'x8'] };
    expect(ext.filter(args, items).passed).toEqual([0, 2]);
    expect(state.nodes.map((n) => n.name)).toEqual(['n1']);
    expect(ext.filter({ ...args, pod: pod({ boom: 'filter' }) }, items).error).not.toBe('');
    expect(() => ext.prioritize({ ...args, pod: pod({ boom: 'score' }) }, items)).toThrow(ExtenderInternalError);
    expect(state.nodes.map((n) => n.name)).toEqual(['n1']);
  });
});

describe('prioritize', () => {
  it('maps the weighted total over the plugins that ran (W = 3 + 1) to 0..10', async () => {
    const { ext } = await setup(['n0', 'n5', 'n10']);
    // Ranker 0/50/100 x 3 + Flat 100 x 1 = 100/250/400 of 400 -> 2.5 -> 3, 6.25 -> 6, 10.
    const out = ext.prioritize(names(['n0', 'n5', 'n10']), null);
    expect(out.hosts).toEqual(['n0', 'n5', 'n10']);
    expect([...out.scores]).toEqual([3, 6, 10]);
    // Ranker skipped by its PreScore: only Flat ran, W = 1.
    expect([...ext.prioritize(names(['n0', 'n5'], { skip: 'yes' }), null).scores]).toEqual([10, 10]);
  });

  it('scores 0 everywhere when podfit finds the pod unschedulable at PreFilter; plugin errors throw', async () => {
    const { ext } = await setup(['n1']);
    expect([...ext.prioritize(names(['n1'], { boom: 'prefilter' }), null).scores]).toEqual([0]);
    expect(() => ext.prioritize(names(['n1'], { boom: 'score' }), null)).toThrow(/ranker exploded/);
  });

  it('with the default bin-packing profile, fuller nodes score higher', async () => {
    const state = new ClusterState();
    for (const n of ['empty', 'half']) state.addNode(makeNode(n).capacity({ cpu: '4', memory: '8Gi', pods: 110 }).build());
    const { makePodInfo } = await import('../../src/model/pod-info.js');
    state.addPod(makePodInfo(makePod('used', 'ns').req({ cpu: '2', memory: '4Gi' }).build()), 'half');
    const ext = new Extender(new MemorySource(state), defaultExtenderConfig(), await createKernels('js'), REGISTRY);
    const out = ext.prioritize({ pod: makePod('p', 'ns').req({ cpu: '1', memory: '1Gi' }).build(), nodeNames: ['empty', 'half'], nodes: null }, null);
    // empty: cpu 25, mem 12 -> 18 -> 2; half: cpu 75, mem 62 -> 68 -> 7.
    expect([...out.scores]).toEqual([2, 7]);
  });
});

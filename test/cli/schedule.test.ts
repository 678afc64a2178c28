import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { makeNode } from '../helpers/builders.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'podfit-cli-'));
const file = (name: string, text: string) => {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe('podfit schedule (examples/)', () => {
  it('explains the example pod as JSON with kube reasons and scores', async () => {
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', 'examples/pod.yaml', '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.pod).toBe('shop/web-6b9c7-x1');
    expect(j.profile).toBe('default-scheduler');
    expect(j.message).toBeUndefined();
    expect(j.nodes['control-plane-1'].filter).toEqual({
      NodeUnschedulable: 'passed',
      NodeName: 'passed',
      TaintToleration: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    });
    expect(j.nodes['worker-c1'].filter).toEqual({ NodeUnschedulable: ['node(s) were unschedulable'] });
    expect(j.nodes['control-plane-1'].score).toBeUndefined();
    const feasible = Object.entries(j.nodes).filter(([, e]) => (e as { score?: unknown }).score);
    expect(feasible.map(([n]) => n)).toEqual(['worker-a1', 'worker-a2', 'worker-b1', 'worker-b2']);
    // The selected node has the highest final score.
    const best = Math.max(...feasible.map(([, e]) => (e as { finalScore: number }).finalScore));
    expect(j.nodes[j.selectedNode].finalScore).toBe(best);
    for (const [, e] of feasible) {
      const ent = e as { score: Record<string, number>; finalScore: number };
      const weights: Record<string, number> = { TaintToleration: 3, NodeAffinity: 2, NodeResourcesFit: 1, NodeResourcesBalancedAllocation: 1, ImageLocality: 1, PodTopologySpread: 2, InterPodAffinity: 2 };
      const sum = Object.entries(ent.score).reduce((a, [p, v]) => a + v * weights[p]!, 0);
      expect(ent.finalScore).toBe(sum);
    }
  });

  it('gives kube FitError text for a pod that fits nowhere (exit 0)', async () => {
    const r = await runCli('schedule', '--cluster', 'examples/cluster.json', '--pod', 'examples/pod-gpu.yaml', '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.selectedNode).toBeNull();
    expect(j.message).toMatch(/^0\/7 nodes are available: 1 node\(s\) had untolerated taint \{node-role.kubernetes.io\/control-plane: \}, 1 node\(s\) were unschedulable, 2 Insufficient memory, 5 Insufficient nvidia.com\/gpu\./);
  });

  it('lists the nodes a PreFilter result left out, under the plugin whose result did it', async () => {
    const pod = file('pinned.yaml', `apiVersion: v1
kind: Pod
metadata: {name: pinned, namespace: default}
spec:
  containers: [{name: c, image: nginx, resources: {requests: {cpu: 100m}}}]
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchFields: [{key: metadata.name, operator: In, values: [worker-a2]}]
        - matchFields: [{key: metadata.name, operator: In, values: [worker-b1]}]
`);
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', pod, '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(['worker-a2', 'worker-b1']).toContain(j.selectedNode);
    const left = "node(s) didn't satisfy plugin(s) [NodeAffinity]";
    expect(j.nodes['worker-a1'].filter).toEqual({ NodeAffinity: [left] });
    expect(j.nodes['control-plane-1'].filter).toEqual({ NodeAffinity: [left] });
    expect(j.nodes['worker-a1'].score).toBeUndefined();
    expect(j.nodes['worker-a2'].filter.NodeAffinity).toBe('passed');
    expect(Object.keys(j.nodes)).toHaveLength(7);
  });

  it('prints a readable table by default', async () => {
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', 'examples/pod-ssd.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Pod: +batch\/analytics/m);
    expect(r.stdout).toMatch(/NodeAffinity: node\(s\) didn't match Pod's node affinity\/selector/);
  });

  it('honours a config file (MostAllocated packs onto the fullest node)', async () => {
    const cfg = file('most.yaml', `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  plugins:
    score:
      disabled: [{name: "*"}]
      enabled: [{name: NodeResourcesFit, weight: 1}]
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
        resources: [{name: cpu, weight: 1}, {name: memory, weight: 1}]
`);
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', 'examples/pod.yaml', '--config', cfg, '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j.nodes[j.selectedNode].score)).toEqual(['NodeResourcesFit']);
    const scores = Object.values(j.nodes).filter((e) => (e as { score?: unknown }).score).map((e) => (e as { finalScore: number }).finalScore);
    expect(j.nodes[j.selectedNode].finalScore).toBe(Math.max(...scores));
  });

  it('is deterministic for a seed', async () => {
    const a = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', 'examples/pod.yaml', '-o', 'json', '--seed', '5');
    const b = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', 'examples/pod.yaml', '-o', 'json', '--seed', '5');
    expect(a.stdout).toBe(b.stdout);
  });

  it.each([
    [['--cluster', 'nope.yaml', '--pod', 'examples/pod.yaml'], /nope\.yaml: no such file/],
    [['--cluster', 'examples/cluster.yaml', '--pod', 'examples/pod.yaml', '-o', 'xml'], /-o\/--output: expected one of table, json/],
    [['--cluster', 'examples/cluster.yaml', '--pod', 'examples/pod.yaml', '--seed', '-1'], /--seed/],
  ])('exits 2 on bad input %#', async (args, msg) => {
    const r = await runCli('schedule', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
  });

  it('exits 2 naming the field of a bad pod quantity', async () => {
    const pod = file('bad-pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resources: {requests: {cpu: 2x}}\n');
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', pod);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad-pod.yaml');
    expect(r.stderr).toContain('spec.containers[0].resources.requests.cpu');
  });

  it('exits 2 naming the field of an invalid config', async () => {
    const cfg = file('bad.yaml', 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args: {scoringStrategy: {type: Foo}}\n');
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', 'examples/pod.yaml', '--config', cfg);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml.*profiles\[0\]\.pluginConfig\[0\]\.args\.scoringStrategy\.type/);
  });

  it('exits 2 on missing required flags', async () => {
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--pod/);
  });
});

describe('podfit schedule: input that would be silently wrong (issue 17)', () => {
  const pod = (name: string, container: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default}
spec:
  containers:
  - name: c
    image: nginx
${container}`;
  const typo = () => file('typo.yaml', pod('typo', '    resource: {requests: {cpu: "100"}}\n'));
  const HINT = ' (podfit knows the fields of Kubernetes v1.34.0; --validate=warn or --validate=ignore accepts others)';

  it('refuses a misspelled field by default, naming the path and the field meant (exit 2)', async () => {
    const p = typo();
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', p);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${p}: spec.containers[0].resource: unknown field, did you mean resources?${HINT}\n`);
    expect(r.stdout).toBe('');
  });

  it('--validate (bare) and --validate=true are strict too', async () => {
    for (const flag of ['--validate', '--validate=true', '--validate=strict']) {
      const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', typo(), flag);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/: spec\.containers\[0\]\.resource: unknown field, did you mean resources\?/);
    }
  });

  it('--validate=warn warns and goes on; --validate=ignore (or false) is silent', async () => {
    const p = typo();
    const warn = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', p, '--validate=warn', '-o', 'json');
    expect(warn.code).toBe(0);
    expect(warn.stderr).toBe(`warning: ${p}: spec.containers[0].resource: unknown field, did you mean resources?\n`);
    // The misspelled block is not read: the pod requests nothing and fits.
    expect(JSON.parse(warn.stdout).selectedNode).toMatch(/^worker-/);
    for (const flag of ['--validate=ignore', '--validate=false']) {
      const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', p, flag, '-o', 'json');
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
  });

  it('rejects an unknown --validate mode', async () => {
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', 'examples/pod.yaml', '--validate=loose');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --validate: expected one of strict, warn, ignore, got "loose"\n');
  });

  it('accepts fields it does not know in a cluster snapshot (a newer API server adds them)', async () => {
    const c = file('newer.yaml', `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {name: n1}
  spec: {futureNodeField: true}
  status: {allocatable: {cpu: '4', memory: 8Gi, pods: '110'}, futureStatus: {x: 1}}
- apiVersion: v1
  kind: Pod
  metadata: {name: running, namespace: default}
  spec: {nodeName: n1, futurePodField: 1, containers: [{name: c, futureContainerField: {}}]}
`);
    const r = await runCli('schedule', '--cluster', c, '--pod', 'examples/pod.yaml', '-o', 'json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).selectedNode).toBe('n1');
  });

  it.each([
    ['a negative request', '    resources: {requests: {cpu: "-1"}}\n', 'spec.containers[0].resources.requests.cpu: Invalid value: "-1": must be greater than or equal to 0'],
    ['a negative limit', '    resources: {limits: {memory: -1Gi}}\n', 'spec.containers[0].resources.limits.memory: Invalid value: "-1Gi": must be greater than or equal to 0'],
    ['a request above its limit', '    resources: {requests: {cpu: 2}, limits: {cpu: 1}}\n', 'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
  ])('refuses %s as the API server does (exit 2)', async (_name, container, message) => {
    const p = file('neg.yaml', pod('neg', container));
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', p);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${p}: pod default/neg: ${message}\n`);
  });

  it('takes requests from limits when a container sets only limits (API-server defaulting)', async () => {
    const p = file('limits.yaml', pod('lim', '    resources: {limits: {cpu: "100"}}\n'));
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', p, '-o', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).message).toMatch(/Insufficient cpu/);
  });

  it('refuses a node with a negative allocatable in the snapshot (exit 2)', async () => {
    const c = file('neg-node.yaml', `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: n1}, status: {allocatable: {cpu: '4', memory: 8Gi, pods: '110'}}}
- {apiVersion: v1, kind: Node, metadata: {name: n2}, status: {allocatable: {cpu: '-4', memory: 8Gi, pods: '110'}}}
`);
    const r = await runCli('schedule', '--cluster', c, '--pod', 'examples/pod.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${c}: node n2: status.allocatable.cpu: Invalid value: "-4": must be greater than or equal to 0\n`);
  });

  it('says what a quantity must be instead of zod\'s bare "Invalid input"', async () => {
    const p = file('array.yaml', pod('arr', '    resources: {requests: {cpu: [1]}}\n'));
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', p);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${p}: Pod default/arr: invalid value at spec.containers[0].resources.requests.cpu: expected a quantity (string or number), got array\n`);
  });

  it('says a --pod file does not exist in words, naming the flag', async () => {
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', 'nope-pod.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --pod nope-pod.yaml: no such file\n');
  });

  it('refuses - for both --cluster and --pod', async () => {
    const r = await runCli('schedule', '--cluster', '-', '--pod', '-');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --cluster and --pod: only one of them can read standard input (-)\n');
  });
});

describe('podfit schedule: the table on large clusters', () => {
  /** A cluster of `n` roomy nodes, every fifth one tainted (so some fail TaintToleration). */
  const cluster = (n: number) => file(`cluster-${n}.json`, JSON.stringify({
    apiVersion: 'v1', kind: 'List',
    items: Array.from({ length: n }, (_, i) => {
      const node = makeNode(`n${String(i).padStart(3, '0')}`).capacity({ cpu: String(2 + (i % 7)), memory: `${4 + (i % 5)}Gi`, pods: 110 });
      return { apiVersion: 'v1', kind: 'Node', ...(i % 5 === 4 ? node.taint({ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }) : node).build() };
    }),
  }));
  const rowsOf = (table: string) => table.split('\n').filter((l) => /^[ *]n\d{3}\b/.test(l));

  it('shows the profile\'s weights, so FINAL can be checked by hand from the row', async () => {
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', 'examples/pod.yaml');
    expect(r.stdout).toMatch(/^Weights: +TaintToleration 3, NodeResourcesFit 1, NodeResourcesBalancedAllocation 1, ImageLocality 1; FINAL = sum of score x weight \(not scoring this pod: NodeAffinity 2, PodTopologySpread 2, InterPodAffinity 2\)$/m);
    const header = r.stdout.split('\n').find((l) => l.startsWith(' NODE'))!.trim().split(/\s+/);
    const weights: Record<string, number> = { TaintToleration: 3, NodeResourcesFit: 1, NodeResourcesBalancedAllocation: 1, ImageLocality: 1 };
    const selected = r.stdout.split('\n').find((l) => l.startsWith('*'))!.trim().slice(1).split(/\s+/);
    const sum = header.slice(1, -2).reduce((a, p, i) => a + weights[p]! * Number(selected[i + 1]), 0);
    expect(Number(selected[header.indexOf('FINAL')])).toBe(sum);
  });

  it('--top N shows the N best nodes, highest final score first, and says how many are left out', async () => {
    const c = cluster(120);
    const all = await runCli('schedule', '--cluster', c, '--pod', 'examples/pod.yaml');
    expect(rowsOf(all.stdout)).toHaveLength(120);
    expect(all.stdout).toMatch(/\n120 nodes \(96 feasible\); --top N or --feasible-only shows fewer rows\n$/);
    const r = await runCli('schedule', '--cluster', c, '--pod', 'examples/pod.yaml', '--top', '5');
    expect(r.code).toBe(0);
    const rows = rowsOf(r.stdout);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatch(/^\*/);
    const finals = rows.map((l) => Number(l.trim().split(/\s+/).at(-2)));
    expect(finals).toEqual([...finals].sort((a, b) => b - a));
    const best = Math.max(...rowsOf(all.stdout).map((l) => Number(l.trim().split(/\s+/).at(-2))).filter((x) => !Number.isNaN(x)));
    expect(finals[0]).toBe(best);
    expect(r.stdout).toMatch(/\n5 of 120 nodes shown \(96 feasible; --top 5\); -o json has every node\n$/);
  });

  it('--feasible-only leaves out the nodes a filter rejected; JSON keeps every node', async () => {
    const c = cluster(20);
    const r = await runCli('schedule', '--cluster', c, '--pod', 'examples/pod.yaml', '--feasible-only');
    const rows = rowsOf(r.stdout);
    expect(rows).toHaveLength(16);
    expect(rows.every((l) => l.endsWith('passed'))).toBe(true);
    const j = JSON.parse((await runCli('schedule', '--cluster', c, '--pod', 'examples/pod.yaml', '-o', 'json')).stdout);
    expect(Object.keys(j.nodes)).toHaveLength(20);
  });

  it.each([
    [['--top', '0'], /--top: expected a positive integer, got "0"/],
    [['--top', '3', '-o', 'json'], /--top shapes the node table of one pod; -o json has every node/],
    [['--feasible-only', '-o', 'json'], /--feasible-only shapes the node table of one pod; -o json has every node/],
  ])('%j exits 2', async (flags, message) => {
    const r = await runCli('schedule', '--cluster', 'examples/cluster.yaml', '--pod', 'examples/pod.yaml', ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('warns, and still exits 0, when the cluster file has no nodes', async () => {
    const empty = file('empty.yaml', '');
    const r = await runCli('schedule', '--cluster', empty, '--pod', 'examples/pod.yaml', '-o', 'json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: .*empty\.yaml: no nodes in the cluster snapshot \(the file holds no objects podfit reads\): every pod is unschedulable/m);
    expect(JSON.parse(r.stdout).selectedNode).toBeNull();
  });
});

describe('podfit --help', () => {
  it('lists the commands', async () => {
    const r = await runCli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/schedule/);
    expect(r.stdout).toMatch(/bench/);
  });
});

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

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
    [['--cluster', 'nope.yaml', '--pod', 'examples/pod.yaml'], /nope\.yaml: cannot read file: ENOENT/],
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

describe('podfit --help', () => {
  it('lists the commands', async () => {
    const r = await runCli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/schedule/);
    expect(r.stdout).toMatch(/bench/);
  });
});

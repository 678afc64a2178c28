/**
 * `podfit schedule` with no config file on examples/spread and examples/preemption: kube's default
 * profile with PodTopologySpread, InterPodAffinity and DefaultPreemption, reading Namespaces,
 * Services, ReplicaSets, PodDisruptionBudgets and PriorityClasses from the cluster file.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'podfit-preempt-'));
/** The preemption example pod with a text edit applied, written to a temp file. */
function variant(name: string, edit: (yaml: string) => string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, edit(readFileSync('examples/preemption/pod.yaml', 'utf8')));
  return p;
}
async function json(cluster: string, pod: string) {
  const r = await runCli('schedule', '--cluster', cluster, '--pod', pod, '-o', 'json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('podfit schedule: spreading and inter-pod affinity (examples/spread)', () => {
  it('filters by the zone constraint and scores hosts and affinity like kube', async () => {
    const j = await json('examples/spread/cluster.yaml', 'examples/spread/pod.yaml');
    expect(j.selectedNode).toBe('b2');
    // zone-a holds 2 replicas, the others 1: 2 + 1 - 1 > maxSkew 1.
    for (const n of ['a1', 'a2']) expect(j.nodes[n].filter.PodTopologySpread).toEqual(["node(s) didn't match pod topology spread constraints"]);
    const score = (n: string, plugin: string) => j.nodes[n].score[plugin];
    // Hostname spreading (ScheduleAnyway): b1 and c1 hold one replica each, b2 none.
    expect(['b1', 'b2', 'c1'].map((n) => score(n, 'PodTopologySpread'))).toEqual([0, 100, 0]);
    // Anti-affinity -100 per host with a replica, +20 in the cache's zone (namespaceSelector
    // team=storefront): raw -80 / 20 / -100, normalized by min/max.
    expect(['b1', 'b2', 'c1'].map((n) => score(n, 'InterPodAffinity'))).toEqual([16, 100, 0]);
    expect(j.nominatedNode).toBeNull();
    expect(j.victims).toEqual([]);
  });

  it('a namespaceSelector that selects no namespace drops the cache affinity', async () => {
    const plain = path.join(tmp, 'spread-no-namespace.yaml');
    writeFileSync(plain, readFileSync('examples/spread/cluster.yaml', 'utf8').replace('labels: {team: storefront}', 'labels: {team: other}'));
    const j = await json(plain, 'examples/spread/pod.yaml');
    // Only the anti-affinity remains: -100 / 0 / -100.
    expect(['b1', 'b2', 'c1'].map((n) => j.nodes[n].score.InterPodAffinity)).toEqual([0, 100, 0]);
  });
});

describe('podfit schedule: preemption (examples/preemption)', () => {
  it('nominates the node whose victims break no PodDisruptionBudget, and lists the victims', async () => {
    const j = await json('examples/preemption/cluster.yaml', 'examples/preemption/pod.yaml');
    expect(j.selectedNode).toBeNull();
    expect(j.message).toBe('0/3 nodes are available: 3 Insufficient cpu.');
    expect(j.nominatedNode).toBe('n1');
    // Both batch pods (globalDefault priority 500) must go; the earlier-started one is listed first.
    expect(j.victims).toEqual(['batch/report-1', 'batch/report-2']);
  });

  it('preempts the PDB-guarded pod when it is the only way', async () => {
    const pod = variant('pinned.yaml', (y) => y.replace('spec:\n', 'spec:\n  nodeSelector: {kubernetes.io/hostname: n2}\n'));
    const j = await json('examples/preemption/cluster.yaml', pod);
    expect(j.message).toBe("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.");
    expect(j.nominatedNode).toBe('n2');
    expect(j.victims).toEqual(['shop/db-0']);
  });

  it("carries kube's preemption message when nothing can be preempted", async () => {
    const defaultPriority = variant('batch-priority.yaml', (y) => y.replace('  priorityClassName: checkout-critical\n', ''));
    const j = await json('examples/preemption/cluster.yaml', defaultPriority);
    expect(j.message).toBe('0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    expect(j.nominatedNode).toBeNull();
    expect(j.victims).toEqual([]);
  });

  it('honours preemptionPolicy Never', async () => {
    const never = variant('never.yaml', (y) => y.replace('  priorityClassName: checkout-critical\n', '  priorityClassName: checkout-critical\n  preemptionPolicy: Never\n'));
    const j = await json('examples/preemption/cluster.yaml', never);
    expect(j.message).toBe('0/3 nodes are available: 3 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
    expect(j.nominatedNode).toBeNull();
  });

  it('shows the nomination in the table output', async () => {
    const r = await runCli('schedule', '--cluster', 'examples/preemption/cluster.yaml', '--pod', 'examples/preemption/pod.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Nominated: n1 {2}victims: batch\/report-1, batch\/report-2$/m);
  });

  it('rejects an invalid PodDisruptionBudget naming the file and field', async () => {
    const bad = path.join(tmp, 'bad-pdb.yaml');
    writeFileSync(bad, readFileSync('examples/preemption/cluster.yaml', 'utf8').replace('status: {disruptionsAllowed: 0,', 'status: {disruptionsAllowed: "zero",'));
    const r = await runCli('schedule', '--cluster', bad, '--pod', 'examples/preemption/pod.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad-pdb.yaml');
    expect(r.stderr).toContain('status.disruptionsAllowed');
  });
});

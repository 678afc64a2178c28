/**
 * `podfit capacity` end to end: cluster-capacity's report and ClusterCapacityReview on its README
 * demo (examples/capacity/), the flags, and bad input (exit 2 naming the file and field).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'podfit-capacity-'));
const file = (name: string, text: string) => {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const CLUSTER = 'examples/capacity/cluster.yaml';
const POD = 'examples/capacity/pod.yaml';
const podYaml = (name: string, body: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n${body}`;

describe('podfit capacity: the report', () => {
  it("prints cluster-capacity's answer for its README demo", async () => {
    const r = await runCli('capacity', '--cluster', CLUSTER, '--podspec', POD);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe([
      'The cluster can schedule 52 instance(s) of the pod small-pod.',
      '',
      'Termination reason: Unschedulable: 0/4 nodes are available: 4 Insufficient cpu.',
      '',
      'Remaining capacity (4 node(s)):',
      '\t- cpu: 200m free of 8 allocatable',
      '\t- memory: 11184Mi free of 16Gi allocatable',
      '\t- ephemeral-storage: 80Gi free of 80Gi allocatable',
      '\t- pods: 388 free of 440 allocatable',
      '',
    ].join('\n'));
  });

  it('--verbose adds the requirements, the failure summary and the distribution among nodes', async () => {
    const r = await runCli('capacity', '--cluster', CLUSTER, '--podspec', POD, '--verbose');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('small-pod pod requirements:\n\t- CPU: 150m\n\t- Memory: 100Mi\n\nThe cluster can schedule 52 instance(s) of the pod small-pod.\n')).toBe(true);
    expect(r.stdout).toContain('fit failure summary on nodes: Insufficient cpu (4), \n');
    const dist = r.stdout.slice(r.stdout.indexOf('Pod distribution among nodes:\nsmall-pod\n'));
    expect([...dist.matchAll(/\t- (node-\d): (\d+) instance\(s\)/g)].map((m) => [m[1], Number(m[2])]).sort()).toEqual([
      ['node-1', 13], ['node-2', 13], ['node-3', 13], ['node-4', 13],
    ]);
  });

  it('-o json is a ClusterCapacityReview', async () => {
    const r = await runCli('capacity', '--cluster', CLUSTER, '--podspec', POD, '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.kind).toBe('ClusterCapacityReview');
    expect(j.spec.templates[0].metadata).toMatchObject({ name: 'small-pod', namespace: 'default' });
    expect(j.spec.templates[0].spec).toMatchObject({ schedulerName: 'default-scheduler', dnsPolicy: 'ClusterFirst', restartPolicy: 'Always' });
    expect(j.spec.replicas).toBe(0);
    expect(j.spec.podRequirements).toEqual([{
      podName: 'small-pod',
      resources: { primaryResources: { cpu: '150m', 'ephemeral-storage': '0', memory: '100Mi', 'nvdia.com/gpu': '0', storage: '0' }, scalarResources: null },
      limits: { primaryResources: { cpu: '150m', 'ephemeral-storage': '0', memory: '100Mi', 'nvdia.com/gpu': '0', storage: '0' }, scalarResources: null },
      nodeSelectors: null,
    }]);
    expect(j.status.replicas).toBe(52);
    expect(j.status.failReason).toEqual({ failType: 'Unschedulable', failMessage: '0/4 nodes are available: 4 Insufficient cpu.' });
    expect(Number.isNaN(Date.parse(j.status.creationTimestamp))).toBe(false);
    expect(j.status.pods).toHaveLength(1);
    expect(j.status.pods[0].podName).toBe('small-pod');
    expect(j.status.pods[0].replicasOnNodes.map((x: { nodeName: string }) => x.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
    expect(j.status.pods[0].replicasOnNodes.every((x: { replicas: number }) => x.replicas === 13)).toBe(true);
    expect(j.status.pods[0].failSummary).toEqual([{ reason: 'Insufficient cpu', count: 4 }]);
    expect(j.status.remainingCapacity.cpu).toEqual({ allocatable: '8', requested: '7800m', free: '200m' });
  });

  it('-o yaml is the same review', async () => {
    const y = await runCli('capacity', '--cluster', CLUSTER, '--podspec', POD, '-o', 'yaml', '--max-limit', '5');
    const j = await runCli('capacity', '--cluster', CLUSTER, '--podspec', POD, '-o', 'json', '--max-limit', '5');
    const a = parseYaml(y.stdout);
    const b = JSON.parse(j.stdout);
    delete a.status.creationTimestamp;
    delete b.status.creationTimestamp;
    expect(a).toEqual(b);
    expect(b.spec.replicas).toBe(5);
    expect(b.status.failReason).toEqual({ failType: 'LimitReached', failMessage: 'Maximum number of pods simulated: 5' });
  });

  it('sums requests over containers in the quantity format they were written in', async () => {
    const pod = file('two.yaml', podYaml('two', `  containers:
  - {name: a, image: x, resources: {requests: {cpu: "0.5", memory: 1G, example.com/gpu: 1}, limits: {memory: 1G}}}
  - {name: b, image: y, resources: {requests: {cpu: 250m, memory: 500M, example.com/gpu: 1}}}
  nodeSelector: {zone: b, disk: ssd}
`));
    const r = await runCli('capacity', '--cluster', CLUSTER, '--podspec', pod, '-o', 'json');
    expect(r.code).toBe(0);
    const req = JSON.parse(r.stdout).spec.podRequirements[0];
    expect(req.resources.primaryResources.cpu).toBe('750m');
    expect(req.resources.primaryResources.memory).toBe('1500M');
    expect(req.resources.scalarResources).toEqual({ 'example.com/gpu': 2 });
    expect(req.nodeSelectors).toEqual({ zone: 'b', disk: 'ssd' });
    const v = await runCli('capacity', '--cluster', CLUSTER, '--podspec', pod, '--verbose');
    expect(v.stdout).toContain('\t- NodeSelector: disk=ssd,zone=b\n');
  });

  it('several --podspec run one after another; --replicas binds to the podspec before it', async () => {
    const big = file('big.yaml', podYaml('big', '  containers: [{name: c, image: x, resources: {requests: {cpu: "1", memory: 1Gi}}}]\n'));
    const r = await runCli('capacity', '--cluster', CLUSTER, '--podspec', big, '--replicas', '6', '--podspec', POD, '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.status.pods.map((p: { podName: string }) => p.podName)).toEqual(['big', 'small-pod']);
    expect(j.status.pods[0]).toMatchObject({ requestedReplicas: 6, unscheduledReplicas: 0, failReason: { failType: 'LimitReached' } });
    // 6 cpus taken: 2 left, 150m pods: 13 on each untouched node, 6 on the half-used ones.
    expect(j.status.replicas).toBe(6 + j.status.pods[1].replicasOnNodes.reduce((a: number, x: { replicas: number }) => a + x.replicas, 0));
    const t = await runCli('capacity', '--cluster', CLUSTER, '--podspec', big, '--replicas', '10');
    expect(t.stdout).toContain('The cluster can schedule 8 instance(s) of the pod big.\n2 of the 10 requested instance(s) of the pod big did not fit.\n');
    expect(t.stdout).toContain('Termination reason: Unschedulable: 0/4 nodes are available: 4 Insufficient cpu.');
  });

  it('--exclude-nodes leaves nodes out (and warns about names it does not know)', async () => {
    const r = await runCli('capacity', '--cluster', CLUSTER, '--podspec', POD, '--exclude-nodes', 'node-1,node-2', '--exclude-nodes', 'node-9');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The cluster can schedule 26 instance(s)');
    expect(r.stdout).toContain('0/2 nodes are available: 2 Insufficient cpu.');
    expect(r.stderr).toBe('warning: --exclude-nodes: no node node-9 in the cluster\n');
  });

  it('on an empty cluster: 0 instances, kube\'s message, exit 0', async () => {
    const empty = file('empty.yaml', 'apiVersion: v1\nkind: List\nitems: []\n');
    const r = await runCli('capacity', '--cluster', empty, '--podspec', POD);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The cluster can schedule 0 instance(s) of the pod small-pod.\n\nTermination reason: Unschedulable: no nodes available to schedule pods\n');
    expect(r.stderr).toMatch(/no nodes in the cluster snapshot/);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('--priority lets the clones preempt and lists the pods they evict', async () => {
    const cluster = file('busy.yaml', `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: n1}, status: {allocatable: {cpu: "2", memory: 4Gi, pods: "10"}}}
- {apiVersion: v1, kind: Pod, metadata: {name: batch-a, namespace: jobs}, spec: {nodeName: n1, priority: 0, containers: [{name: c, resources: {requests: {cpu: "1"}}}]}, status: {phase: Running}}
- {apiVersion: v1, kind: Pod, metadata: {name: batch-b, namespace: jobs}, spec: {nodeName: n1, priority: 0, containers: [{name: c, resources: {requests: {cpu: "1"}}}]}, status: {phase: Running}}
- {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: high}, value: 1000}
`);
    const pod = file('urgent.yaml', podYaml('urgent', '  containers: [{name: c, image: x, resources: {requests: {cpu: "1"}}}]\n'));
    const off = await runCli('capacity', '--cluster', cluster, '--podspec', pod);
    expect(off.stdout).toContain('The cluster can schedule 0 instance(s)');
    for (const priority of ['1000', 'high']) {
      const r = await runCli('capacity', '--cluster', cluster, '--podspec', pod, '--priority', priority, '--verbose');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('The cluster can schedule 2 instance(s) of the pod urgent.');
      expect(r.stdout).toContain('The clones preempted 2 pod(s) of lower priority:\n');
      expect(r.stdout).toMatch(/\t- jobs\/batch-[ab] \(priority 0\) on n1, by urgent-0\n/);
    }
    const j = JSON.parse((await runCli('capacity', '--cluster', cluster, '--podspec', pod, '--priority', '5', '-o', 'json')).stdout);
    expect(j.status.pods[0].preempted.map((p: { pod: string }) => p.pod).sort()).toEqual(['jobs/batch-a', 'jobs/batch-b']);
  });
});

describe('podfit capacity: bad input exits 2 naming the file and field', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a podspec that is not a Pod', () => ['--podspec', file('deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {}\n')], /deploy\.yaml: expected exactly one Pod/],
    ['a malformed quantity', () => ['--podspec', file('badq.yaml', podYaml('q', '  containers: [{name: c, resources: {requests: {cpu: 1x}}}]\n'))], /badq\.yaml: .*requests.*cpu/],
    ['an unknown schedulerName', () => ['--podspec', file('sched.yaml', podYaml('s', '  schedulerName: my-scheduler\n  containers: [{name: c}]\n'))], /sched\.yaml: spec\.schedulerName: Unsupported value: "my-scheduler"/],
    ['a template without a name', () => ['--podspec', file('noname.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {}\nspec: {containers: [{name: c}]}\n')], /noname\.yaml: metadata\.name: Required value/],
    ['--replicas before any --podspec', () => ['--replicas', '3', '--podspec', POD], /--replicas 3: give it after the --podspec/],
    ['--replicas 0', () => ['--podspec', POD, '--replicas', '0'], /--replicas: expected a positive integer/],
    ['a bad --max-limit', () => ['--podspec', POD, '--max-limit', '-1'], /--max-limit: expected a non-negative integer/],
    ['an unknown PriorityClass', () => ['--podspec', POD, '--priority', 'urgent'], /--priority: no PriorityClass with name urgent/],
    ['no --podspec', () => [], /missing --podspec/],
    ['a missing podspec file', () => ['--podspec', path.join(tmp, 'nope.yaml')], /--podspec .*nope\.yaml: no such file/],
    ['a request above its limit', () => ['--podspec', file('over.yaml', podYaml('o', '  containers: [{name: c, resources: {requests: {cpu: "2"}, limits: {cpu: "1"}}}]\n'))], /over\.yaml: .*spec\.containers\[0\]\.resources\.requests: Invalid value: "2": must be less than or equal to cpu limit of 1/],
    ['a negative quantity', () => ['--podspec', file('neg.yaml', podYaml('n', '  containers: [{name: c, resources: {requests: {memory: -1Gi}}}]\n'))], /neg\.yaml: .*must be greater than or equal to 0/],
    ['a field Kubernetes does not have (strict, did-you-mean)', () => ['--podspec', file('typo.yaml', podYaml('t', '  containers: [{name: c, resource: {requests: {cpu: 1}}}]\n'))], /typo\.yaml: spec\.containers\[0\]\.resource: unknown field, did you mean resources\?/],
    ['a bad -o', () => ['--podspec', POD, '-o', 'wide'], /-o\/--output: expected one of table, json, yaml/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await runCli('capacity', '--cluster', CLUSTER, ...args());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    });
  }

  it('--validate=warn goes on with a warning for an unknown field', async () => {
    const typo = file('typo2.yaml', podYaml('t', '  containers: [{name: c, resource: {requests: {cpu: 1}}}]\n'));
    const r = await runCli('capacity', '--cluster', CLUSTER, '--podspec', typo, '--validate=warn');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*typo2\.yaml: spec\.containers\[0\]\.resource: unknown field/);
  });

  it('--cluster and --kubeconfig together, or neither', async () => {
    expect((await runCli('capacity', '--podspec', POD)).stderr).toMatch(/missing --cluster/);
    const both = await runCli('capacity', '--cluster', CLUSTER, '--kubeconfig', '/dev/null', '--podspec', POD);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give one of them/);
  });
});

/**
 * DaemonSet expansion (src/whatif/expand-daemonset.ts): one pod per node the controller would run
 * it on (nodeSelector, required node affinity, NoSchedule/NoExecute taints against the template's
 * tolerations and the controller's own), each pinned by the `matchFields metadata.name` term the
 * controller puts in place of the template's required terms, and the pods for nodes added later.
 */
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../src/api/k8s.js';
import { readObjectsFromText } from '../../src/api/objects.js';
import { daemonSetPodsForNodes } from '../../src/whatif/expand.js';
import { daemonSet, errorOf, expand, node, objectsOf, SUFFIX } from './expand-helpers.js';

const NODES: Node[] = [
  node('plain'),
  node('tainted', (b) => b.taint({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' })),
  node('ssd', (b) => b.label('disk', 'ssd')),
  node('cordoned', (b) => b.unschedulable().taint({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })),
  node('notready', (b) => b.taint({ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' })),
  node('prefer', (b) => b.taint({ key: 'x', value: 'y', effect: 'PreferNoSchedule' })),
  node('pressure', (b) => b.taint({ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' })),
  node('netdown', (b) => b.taint({ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' })),
  node('evicting', (b) => b.taint({ key: 'maintenance', effect: 'NoExecute' })),
];

/** The node each pod is pinned to by its required node affinity. */
function pinnedTo(p: Pod): string {
  const terms = p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  expect(terms).toHaveLength(1);
  expect(terms[0]!.matchExpressions ?? []).toEqual([]);
  const [f] = terms[0]!.matchFields ?? [];
  expect(f).toMatchObject({ key: 'metadata.name', operator: 'In' });
  expect(f!.values).toHaveLength(1);
  return f!.values![0]!;
}

const nodesOf = (pods: readonly Pod[]) => pods.map(pinnedTo);

describe('expand: DaemonSet', () => {
  it('runs on every node whose taints it tolerates with the controller tolerations, cordoned ones included', () => {
    const e = expand([daemonSet('agent')], { nodes: NODES });
    expect(nodesOf(e.pods)).toEqual(['plain', 'ssd', 'cordoned', 'notready', 'prefer', 'pressure']);
  });

  it('a hostNetwork pod also tolerates network-unavailable; a toleration of its own opens its taint', () => {
    expect(nodesOf(expand([daemonSet('agent', { hostNetwork: true })], { nodes: NODES }).pods)).toContain('netdown');
    const tolerant = daemonSet('agent', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, { operator: 'Exists', effect: 'NoExecute' }] });
    expect(nodesOf(expand([tolerant], { nodes: NODES }).pods)).toEqual(['plain', 'tainted', 'ssd', 'cordoned', 'notready', 'prefer', 'pressure', 'evicting']);
  });

  it('honours the nodeSelector and the required node affinity, and replaces the required terms by the node term', () => {
    expect(nodesOf(expand([daemonSet('agent', { nodeSelector: { disk: 'ssd' } })], { nodes: NODES }).pods)).toEqual(['ssd']);
    const preferred = [{ weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } }];
    const podAntiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'agent' } }, topologyKey: 'kubernetes.io/hostname' }] };
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['plain'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: preferred,
      },
      podAntiAffinity,
    };
    const e = expand([daemonSet('agent', { affinity, nodeSelector: { 'kubernetes.io/hostname': 'ssd' } })], { nodes: NODES });
    expect(nodesOf(e.pods)).toEqual(['ssd']);
    const [p] = e.pods;
    expect(p!.spec.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['ssd'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: preferred,
      },
      podAntiAffinity,
    });
    expect(p!.spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'ssd' });
    const ors = expand([daemonSet('agent', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution } } })], { nodes: NODES });
    expect(nodesOf(ors.pods)).toEqual(['plain', 'ssd']);
  });

  it('makes pods <ds>-<suffix>, labelled with the revision and generation, owned, with the controller tolerations in kube order', () => {
    const own = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 };
    const extra = { key: 'team', operator: 'Exists' };
    const e = expand([daemonSet('agent', { tolerations: [extra, own] })], { nodes: [node('plain')] });
    const [ds] = objectsOf(e, 'DaemonSet') as Array<{ metadata: { uid: string; namespace: string } }>;
    const [p] = e.pods;
    expect(p!.metadata.name).toMatch(new RegExp(`^agent-${SUFFIX}$`));
    expect(p!.metadata.namespace).toBe('kube-system');
    expect(p!.metadata.labels).toEqual({ app: 'agent', 'pod-template-generation': '1', 'controller-revision-hash': expect.stringMatching(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/) });
    expect(p!.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(p!.spec.tolerations).toEqual([
      extra,
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(p!.spec.nodeName).toBeUndefined();
  });

  it('makes no pod where it has one (bound there, or pinned there and pending)', () => {
    const first = expand([daemonSet('agent')], { nodes: [node('a'), node('b')] });
    const bound = { ...first.pods[0]!, spec: { ...first.pods[0]!.spec, nodeName: 'a' }, status: { phase: 'Running' } } as Pod;
    const again = expand([objectsOf(first, 'DaemonSet')[0]!], { nodes: [node('a'), node('b'), node('c')], existingPods: [bound, first.pods[1]!] });
    expect(nodesOf(again.pods)).toEqual(['c']);
  });

  it('daemonSetPodsForNodes makes the pods for added nodes, named as if the nodes had been there', () => {
    const a = node('a');
    const added = [node('a'), node('big-0'), node('big-1', (b) => b.taint({ key: 'dedicated', effect: 'NoSchedule' }))];
    const applied = expand([daemonSet('agent'), daemonSet('logs', { nodeSelector: { pool: 'big' } })], { nodes: [a] });
    expect(applied.pods).toHaveLength(1);
    const later = daemonSetPodsForNodes(applied.objects.filter((o) => o.kind === 'DaemonSet'), added, { nodes: [], seed: 1, existingPods: applied.pods });
    expect(nodesOf(later)).toEqual(['big-0']);
    const allAtOnce = expand([daemonSet('agent'), daemonSet('logs', { nodeSelector: { pool: 'big' } })], { nodes: [a, ...added.slice(1)] });
    expect(later).toEqual(allAtOnce.pods.filter((p) => pinnedTo(p) === 'big-0'));
    const labelled = [node('big-2', (b) => b.label('pool', 'big'))];
    const logs = daemonSetPodsForNodes(applied.objects.filter((o) => o.kind === 'DaemonSet'), labelled, { nodes: [], seed: 1, existingPods: [...applied.pods, ...later] });
    expect(logs.map((p) => `${p.metadata.name!.replace(/-[^-]+$/, '')}@${pinnedTo(p)}`)).toEqual(['agent@big-2', 'logs@big-2']);
  });

  it("a cluster's DaemonSet (as a snapshot holds it) gets pods on added nodes only, with its uid and template generation", () => {
    const ds = daemonSet('kube-proxy', {}, { metadata: { uid: 'ds-uid', generation: 4, annotations: { 'deprecated.daemonset.template.generation': '3' } } });
    const running = expand([ds], { nodes: [node('a')] }).pods.map((p) => ({ ...p, spec: { ...p.spec, nodeName: 'a', affinity: undefined }, status: { phase: 'Running' } }) as Pod);
    const pods = daemonSetPodsForNodes([ds], [node('a'), node('new-0')], { nodes: [], seed: 7, existingPods: running });
    expect(nodesOf(pods)).toEqual(['new-0']);
    expect(pods[0]!.metadata.ownerReferences![0]!.uid).toBe('ds-uid');
    expect(pods[0]!.metadata.labels!['pod-template-generation']).toBe('3');
  });

  it('reads a DaemonSet as `kubectl get -o yaml` prints it (kube-proxy)', () => {
    const text = `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  annotations: { deprecated.daemonset.template.generation: "2" }
  creationTimestamp: "2026-01-01T00:00:00Z"
  generation: 2
  labels: { k8s-app: kube-proxy }
  name: kube-proxy
  namespace: kube-system
  resourceVersion: "123"
  uid: 0b7a2d7e-1111-4222-8333-444455556666
spec:
  revisionHistoryLimit: 10
  selector: { matchLabels: { k8s-app: kube-proxy } }
  template:
    metadata:
      creationTimestamp: null
      labels: { k8s-app: kube-proxy }
    spec:
      containers:
      - command: [/usr/local/bin/kube-proxy]
        image: registry.k8s.io/kube-proxy:v1.32.0
        imagePullPolicy: IfNotPresent
        name: kube-proxy
        resources: {}
        securityContext: { privileged: true }
      dnsPolicy: ClusterFirst
      hostNetwork: true
      nodeSelector: { kubernetes.io/os: linux }
      priorityClassName: system-node-critical
      restartPolicy: Always
      schedulerName: default-scheduler
      serviceAccountName: kube-proxy
      terminationGracePeriodSeconds: 30
      tolerations: [{ operator: Exists }]
  updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: RollingUpdate }
status: { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberReady: 1, observedGeneration: 2 }
`;
    const [raw] = readObjectsFromText(text, 'cluster.yaml');
    const linux = (name: string) => node(name, (b) => b.label('kubernetes.io/os', 'linux').taint({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }));
    const pods = daemonSetPodsForNodes([raw!.obj], [linux('cp-0'), node('windows'), linux('w-1')], { nodes: [], seed: 1 });
    expect(nodesOf(pods)).toEqual(['cp-0', 'w-1']);
    expect(pods[0]!.spec.tolerations![0]).toEqual({ operator: 'Exists' });
    expect(pods[0]!.spec.tolerations!.map((t) => t.key)).toContain('node.kubernetes.io/network-unavailable');
    expect(pods[0]!.spec.priorityClassName).toBe('system-node-critical');
    expect(pods[0]!.metadata.labels!['pod-template-generation']).toBe('2');
    expect(pods[0]!.metadata.ownerReferences![0]!.uid).toBe('0b7a2d7e-1111-4222-8333-444455556666');
  });

  it('refuses a template podfit cannot read, naming the DaemonSet', () => {
    const bad = daemonSet('agent');
    ((bad.spec as { template: { spec: { containers: Array<{ resources: unknown }> } } }).template.spec.containers[0]!).resources = { requests: { cpu: 'lots' } };
    const err = errorOf(() => expand([bad], { nodes: [node('a'), node('b')] }));
    expect(err.message).toMatch(/^apply\.yaml: object 1: DaemonSet kube-system\/agent: .*cpu/);
  });

  it('daemonSetPodsForNodes refuses an invalid DaemonSet, naming it and the field', () => {
    const bad = daemonSet('agent');
    (bad.spec as Record<string, unknown>).selector = { matchLabels: { app: 'other' } };
    const err = errorOf(() => daemonSetPodsForNodes([bad], [node('a')], { nodes: [], seed: 1, source: 'scenario.yaml: steps[2].addNodes' }));
    expect(err.message).toBe('scenario.yaml: steps[2].addNodes: DaemonSet kube-system/agent: invalid value at spec.template.metadata.labels: `selector` does not match template `labels`');
    (bad.spec as Record<string, unknown>).template = { spec: { containers: 'none' } };
    expect(errorOf(() => daemonSetPodsForNodes([bad], [node('a')], { nodes: [], seed: 1, source: 'scenario.yaml: steps[2].addNodes' })).message)
      .toMatch(/^scenario\.yaml: steps\[2\]\.addNodes: DaemonSet kube-system\/agent: invalid value at spec\.template\.spec\.containers: /);
  });
});

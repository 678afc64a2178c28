/**
 * Clones of a template (model/templates.ts): names `<prefix><i>`, the hostname label following a
 * node's name, a pod's namespace and uid, and no nested object shared between clones or with the
 * template.
 */
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../src/api/k8s.js';
import { makePodInfo, podClassKey } from '../../src/model/pod-info.js';
import { HOSTNAME_LABEL, nodeFromTemplate, podFromTemplate, podInfosFromTemplate } from '../../src/model/templates.js';

const node: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { labels: { zone: 'a', [HOSTNAME_LABEL]: 'template' } },
  spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] },
  status: { allocatable: { cpu: '4' } },
};

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'ns', labels: { app: 'x' } },
  spec: { containers: [{ name: 'c', resources: { requests: { cpu: '100m' } } }] },
};

describe('nodeFromTemplate', () => {
  it('names the i-th clone <prefix><i>, its hostname label following the name, other labels kept', () => {
    const n = nodeFromTemplate(node, 'n-', 7);
    expect(n.metadata).toEqual({ name: 'n-7', labels: { zone: 'a', [HOSTNAME_LABEL]: 'n-7' } });
    expect(n.spec).toEqual(node.spec);
    expect(n.status).toEqual(node.status);
    expect(nodeFromTemplate({ ...node, metadata: {} }, 'm', 0).metadata).toEqual({ name: 'm0', labels: { [HOSTNAME_LABEL]: 'm0' } });
  });

  it('shares no nested object with the template or another clone', () => {
    const a = nodeFromTemplate(node, 'n-', 0);
    const b = nodeFromTemplate(node, 'n-', 1);
    a.spec!.taints![0]!.key = 'changed';
    a.status!.allocatable!.cpu = '8';
    expect(b.spec!.taints![0]!.key).toBe('k');
    expect(node.spec!.taints![0]!.key).toBe('k');
    expect(node.status!.allocatable!.cpu).toBe('4');
    expect(node.metadata.labels![HOSTNAME_LABEL]).toBe('template');
  });
});

describe('podFromTemplate', () => {
  it('names the i-th clone <prefix><i> in the template namespace, uid <namespace>-<name>', () => {
    const p = podFromTemplate(pod, 'p-', 3);
    expect(p.metadata).toEqual({ namespace: 'ns', labels: { app: 'x' }, name: 'p-3', uid: 'ns-p-3' });
    expect(p.spec).toEqual(pod.spec);
    expect(podFromTemplate({ ...pod, metadata: {} }, 'q', 1).metadata).toEqual({ name: 'q1', uid: 'q1' });
  });

  it('shares no nested object with the template or another clone', () => {
    const a = podFromTemplate(pod, 'p-', 0);
    const b = podFromTemplate(pod, 'p-', 1);
    a.spec.containers![0]!.resources!.requests!.cpu = '1';
    a.metadata.labels!.app = 'y';
    expect(b.spec.containers![0]!.resources!.requests!.cpu).toBe('100m');
    expect(pod.spec.containers![0]!.resources!.requests!.cpu).toBe('100m');
    expect(b.metadata.labels!.app).toBe('x');
  });
});

describe('podInfosFromTemplate', () => {
  it('decodes the clones podFromTemplate names, one class, marked cloned', () => {
    const infos = podInfosFromTemplate(pod, 'p-', 4);
    expect(infos.map((p) => p.key)).toEqual(['ns/p-0', 'ns/p-1', 'ns/p-2', 'ns/p-3']);
    for (let i = 0; i < infos.length; i++) {
      const want = makePodInfo(podFromTemplate(pod, 'p-', i));
      const got = infos[i]!;
      expect(got.pod.metadata).toEqual(want.pod.metadata);
      expect(got.pod.spec).toEqual(want.pod.spec);
      expect([got.name, got.uid, got.namespace, got.keyHash, got.labels]).toEqual([want.name, want.uid, want.namespace, want.keyHash, want.labels]);
      expect([...got.requests]).toEqual([...want.requests]);
      expect([got.nonZeroCpuMilli, got.nonZeroMemoryBytes, got.priority, got.schedulerName]).toEqual([want.nonZeroCpuMilli, want.nonZeroMemoryBytes, want.priority, want.schedulerName]);
      expect(got.cloned).toBe(true);
      expect(podClassKey(got)).toBe(podClassKey(want));
    }
    expect(podInfosFromTemplate(pod, 'p-', 0)).toEqual([]);
    const [only] = podInfosFromTemplate(pod, 'p-', 1);
    expect([only!.classKey, only!.cloned]).toEqual([podClassKey(makePodInfo(podFromTemplate(pod, 'p-', 0))), true]);
    expect(podInfosFromTemplate({ ...pod, metadata: {} }, 'q', 2).map((p) => p.uid)).toEqual(['q0', 'q1']);
  });
});

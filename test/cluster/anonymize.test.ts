/**
 * `--anonymize` (src/cluster/anonymize-names.ts, anonymize.ts): stable hashes, references that
 * still meet, what is kept on purpose, no original name left anywhere, and the proof that matters:
 * the anonymized snapshot schedules every pending pod where the original does, through the mapping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Anonymizer } from '../../src/cluster/anonymize-names.js';
import { SnapshotAnonymizer } from '../../src/cluster/anonymize.js';
import { pruneObject } from '../../src/cluster/prune.js';
import { errorCode } from '../../src/model/error-codes.js';
import { normalizedImageName } from '../../src/plugins/shared/images.js';
import { runCli } from '../helpers/cli.js';
import { realisticCluster, SECRET_STRINGS } from '../helpers/realistic-cluster.js';

type Obj = Record<string, any>;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'podfit-anon-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const anonymized = () => {
  const a = new SnapshotAnonymizer();
  return { a, items: realisticCluster().map((o) => a.object(pruneObject(o))) as Obj[] };
};
const ofKind = (items: Obj[], kind: string) => items.filter((o) => o.kind === kind);

describe('Anonymizer (the name mapping)', () => {
  it('maps the same input to the same output in every instance, with a readable prefix', () => {
    const a = new Anonymizer();
    const b = new Anonymizer();
    expect(a.nodeName('orion-worker-1')).toBe(b.nodeName('orion-worker-1'));
    expect(a.nodeName('orion-worker-1')).toMatch(/^node-[0-9a-f]{12}$/);
    expect(a.namespace('payments')).toMatch(/^ns-[0-9a-f]{12}$/);
    expect(a.objectName('ReplicaSet', 'web-x7q9z')).toMatch(/^rs-[0-9a-f]{12}$/);
    expect(a.objectName('Pod', 'web')).not.toBe(a.labelValue('app', 'web'));
    expect(a.labelValue('app', 'web')).toMatch(/^app-[0-9a-f]{12}$/);
    expect(a.nodeName('orion-worker-1')).not.toBe(a.nodeName('orion-worker-2'));
  });

  it('follows the object a well-known label names, and keeps one value per zone whichever key holds it', () => {
    const a = new Anonymizer();
    expect(a.labelValue('kubernetes.io/hostname', 'orion-worker-1')).toBe(a.nodeName('orion-worker-1'));
    expect(a.labelValue('kubernetes.io/metadata.name', 'payments')).toBe(a.namespace('payments'));
    expect(a.labelValue('statefulset.kubernetes.io/pod-name', 'ledger-0')).toBe(a.objectName('Pod', 'ledger-0'));
    const zone = a.labelValue('topology.kubernetes.io/zone', 'westeros-north');
    expect(zone).toMatch(/^zone-/);
    expect(a.labelValue('failure-domain.beta.kubernetes.io/zone', 'westeros-north')).toBe(zone);
    expect(a.labelValue('topology.kubernetes.io/zone', 'westeros-south')).not.toBe(zone);
  });

  it.each([
    ['kubernetes.io/os', 'linux'], ['kubernetes.io/arch', 'arm64'], ['node.kubernetes.io/instance-type', 'm5.xlarge'],
    ['node-role.kubernetes.io/worker', ''], ['gpu-count', '4'], ['priority-band', '-3'],
  ])('keeps the value of %s=%j', (key, value) => {
    expect(new Anonymizer().labelValue(key, value)).toBe(value);
  });

  it("keeps kube's own namespaces and system- PriorityClasses, hashes the rest", () => {
    const a = new Anonymizer();
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(a.namespace(ns)).toBe(ns);
    expect(a.objectName('PriorityClass', 'system-node-critical')).toBe('system-node-critical');
    expect(a.objectName('PriorityClass', 'business-critical')).toMatch(/^pc-/);
  });

  it('maps images so that kube\'s normalizedImageName commutes with the mapping (ImageLocality still matches)', () => {
    const a = new Anonymizer();
    expect(a.image('nginx')).toMatch(/^img-[0-9a-f]{12}$/);
    expect(a.image('nginx:latest')).toBe(`${a.image('nginx')}:latest`);
    expect(a.image('registry.corp.internal:5000/payments/api:v2.3.1')).toMatch(/^img-[0-9a-f]{12}:t-[0-9a-f]{12}$/);
    expect(a.image('api@sha256:7f3e')).toMatch(/^img-[0-9a-f]{12}@sha256:[0-9a-f]{64}$/);
    const segment = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,6}[a-z0-9])?$/);
    const image = fc.record({
      registry: fc.option(fc.tuple(segment, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })), { nil: undefined }),
      path: fc.array(segment, { minLength: 1, maxLength: 3 }),
      tag: fc.option(fc.oneof(fc.constant('latest'), segment), { nil: undefined }),
      digest: fc.option(fc.stringMatching(/^[0-9a-f]{8}$/), { nil: undefined }),
    }).map(({ registry, path: p, tag, digest }) =>
      `${registry ? `${registry[0]}.io${registry[1] ? `:${registry[1]}` : ''}/` : ''}${p.join('/')}${tag ? `:${tag}` : ''}${digest ? `@sha256:${digest}` : ''}`);
    fc.assert(fc.property(image, (name) => {
      expect(normalizedImageName(a.image(name))).toBe(a.image(normalizedImageName(name)));
    }));
  });

  it('fails loudly when two inputs hash alike instead of merging them (forced on 24-bit host IPs)', () => {
    const a = new Anonymizer();
    let err: unknown;
    for (let i = 0; i < 200_000 && err === undefined; i++) {
      try {
        a.hostIP(`192.168.${i >> 8 & 255}.${i & 255}.${i >> 16}`);
      } catch (e) {
        err = e;
      }
    }
    expect(errorCode(err)).toBe('PODFIT_ERR_SNAPSHOT_HASH_COLLISION');
    expect(a.hostIP('0.0.0.0')).toBe('0.0.0.0');
  });
});

describe('SnapshotAnonymizer (objects)', () => {
  it('gives the same output in two runs', () => {
    expect(anonymized().items).toEqual(anonymized().items);
  });

  it('leaves no original name, namespace, label value, image, IP or secret-looking string anywhere', () => {
    const original = JSON.stringify(realisticCluster());
    const text = JSON.stringify(anonymized().items);
    // The check can fail: every string is in the input.
    for (const s of SECRET_STRINGS) expect(original, s).toContain(s);
    expect(SECRET_STRINGS.filter((s) => text.includes(s))).toEqual([]);
  });

  it('keeps references meeting: node names, hostname labels, owners, priority classes, claims, CSINodes, selectors', () => {
    const { items } = anonymized();
    const nodes = new Set(ofKind(items, 'Node').map((n) => n.metadata.name));
    expect(nodes.size).toBe(6);
    for (const n of ofKind(items, 'Node')) expect(n.metadata.labels['kubernetes.io/hostname']).toBe(n.metadata.name);
    for (const ns of ofKind(items, 'Namespace')) expect(ns.metadata.labels['kubernetes.io/metadata.name']).toBe(ns.metadata.name);
    const pods = ofKind(items, 'Pod');
    for (const p of pods) if (p.spec.nodeName) expect(nodes).toContain(p.spec.nodeName);
    const classes = new Set(ofKind(items, 'PriorityClass').map((c) => c.metadata.name));
    for (const p of pods) if (p.spec.priorityClassName) expect(classes).toContain(p.spec.priorityClassName);
    expect(classes).toContain('system-node-critical');
    const rs = ofKind(items, 'ReplicaSet')[0]!;
    expect(pods.filter((p) => p.metadata.ownerReferences?.[0]?.name === rs.metadata.name && p.metadata.ownerReferences[0].uid === rs.metadata.uid)).toHaveLength(8);
    expect(rs.metadata.ownerReferences[0].name).toBe(ofKind(items, 'Deployment')[0]!.metadata.name);
    const pvc = ofKind(items, 'PersistentVolumeClaim')[0]!;
    expect(pvc.spec.storageClassName).toBe(ofKind(items, 'StorageClass')[0]!.metadata.name);
    expect(nodes).toContain(pvc.metadata.annotations['volume.kubernetes.io/selected-node']);
    expect(pvc.metadata.annotations).not.toHaveProperty('owner-contact');
    const csi = ofKind(items, 'CSINode')[0]!;
    expect(nodes).toContain(csi.metadata.name);
    expect(csi.metadata.ownerReferences[0].name).toBe(csi.metadata.name);
    expect(csi.spec.drivers[0].name).toBe('ebs.csi.aws.com');
    const pdb = ofKind(items, 'PodDisruptionBudget')[0]!;
    const covered = pods.filter((p) => p.metadata.labels?.app === pdb.spec.selector.matchLabels.app);
    expect(covered).toHaveLength(6);
    expect(covered.map((p) => p.metadata.name)).toEqual(expect.arrayContaining(Object.keys(pdb.status.disruptedPods)));
    const svc = ofKind(items, 'Service')[0]!;
    expect(pods.filter((p) => p.metadata.labels?.app === svc.spec.selector.app)).toHaveLength(4);
    expect(svc.spec).not.toHaveProperty('clusterIP');
    const zones = new Set(ofKind(items, 'Node').map((n) => n.metadata.labels['topology.kubernetes.io/zone']));
    expect(zones.size).toBe(3);
    expect(ofKind(items, 'StorageClass')[0]!.allowedTopologies[0].matchLabelExpressions[0].values.every((z: string) => zones.has(z))).toBe(true);
  });

  it('keeps quantities, taint keys and effects, toleration keys, ports and well-known node labels', () => {
    const { items } = anonymized();
    const node = ofKind(items, 'Node').find((n) => n.spec.taints)!;
    expect(node.spec.taints[0]).toMatchObject({ key: 'dedicated', effect: 'NoSchedule' });
    expect(node.spec.taints[0].value).toMatch(/^dedicated-[0-9a-f]{12}$/);
    expect(node.status.allocatable).toEqual({ cpu: '7500m', memory: '15Gi', pods: 110 });
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node.kubernetes.io/instance-type': 'm5.2xlarge', 'node-role.kubernetes.io/worker': '', 'gpu-count': '0' });
    const trainer = ofKind(items, 'Pod').find((p) => p.spec.tolerations)!;
    expect(trainer.spec.tolerations[0]).toEqual({ ...node.spec.taints[0], operator: 'Equal' });
    const relay = ofKind(items, 'Pod').find((p) => p.spec.containers.some((c: Obj) => c.ports?.[0]?.hostIP))!;
    expect(relay.spec.containers.at(-1).ports[0]).toMatchObject({ containerPort: 9100, hostPort: 9100, protocol: 'TCP', hostIP: expect.stringMatching(/^10\.\d+\.\d+\.\d+$/) });
  });

  it('drops what nobody schedules by and may be private: env, provider IDs, parameters, descriptions, annotations', () => {
    const { items } = anonymized();
    const deploy = ofKind(items, 'Deployment')[0]!;
    expect(deploy.spec.template.spec.containers[0]).not.toHaveProperty('env');
    expect(deploy.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '1' } });
    expect(ofKind(items, 'Node')[0]!.spec).not.toHaveProperty('providerID');
    expect(ofKind(items, 'StorageClass')[0]).not.toHaveProperty('parameters');
    expect(ofKind(items, 'PriorityClass')[0]).not.toHaveProperty('description');
    const unknown = new SnapshotAnonymizer().object({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'db-settings', namespace: 'payments' }, data: { password: 'x' } });
    expect(unknown).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: expect.stringMatching(/^obj-/), namespace: expect.stringMatching(/^ns-/) } });
  });
});

describe('scheduling an anonymized snapshot', () => {
  it('places every pending pod where the original does, through the name mapping', async () => {
    const original = realisticCluster().map((o) => pruneObject(o));
    const { a, items } = anonymized();
    const run = async (objs: Obj[], name: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs }));
      const r = await runCli('schedule', '--cluster', file, '--all-pending', '-o', 'json', '--workers', '0');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as { pods: Obj[]; totals: Obj };
    };
    const before = await run(original, 'original.json');
    const after = await run(items, 'anonymized.json');
    const n = a.names;
    const podKey = (key: string) => {
      const [ns, name] = key.split('/') as [string, string];
      return `${n.namespace(ns)}/${n.objectName('Pod', name)}`;
    };
    const mapped = before.pods.map((p) => ({
      pod: podKey(p.pod), node: p.node === null ? null : n.nodeName(p.node),
      nominatedNode: p.nominatedNode && n.nodeName(p.nominatedNode), victims: p.victims?.map(podKey),
    }));
    expect(after.pods.map((p) => ({ pod: p.pod, node: p.node, nominatedNode: p.nominatedNode, victims: p.victims }))).toEqual(mapped);
    expect(after.totals).toEqual(before.totals);
    expect(before.totals.scheduled).toBeGreaterThan(8);
    expect(mapped.some((p) => p.victims)).toBe(true);
  });
});

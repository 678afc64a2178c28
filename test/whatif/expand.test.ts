/**
 * Workload expansion (src/whatif/expand*.ts): Deployments, ReplicaSets, ReplicationControllers
 * and StatefulSets make the pods kube's controllers would (names, labels, ownerReferences,
 * ordinals), existing pods count, names never collide, the same seed gives the same pods, and
 * bad input is an InputError naming the file, the object and the field. Jobs are in
 * expand-job.test.ts, DaemonSets in expand-daemonset.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/api/errors.js';
import type { Pod } from '../../src/api/k8s.js';
import { decodeClusterObjects } from '../../src/api/objects.js';
import { Prng } from '../../src/framework/prng.js';
import { EXPAND_NAME_DRAWS_MAX, EXPAND_PODS_MAX } from '../../src/model/limits.js';
import { canonicalJson, fnv32a, generatedName, KUBE_ALPHANUMS, NameBook, namePrng, safeEncodeString, templateHash } from '../../src/whatif/expand-names.js';
import { makePod } from '../helpers/builders.js';
import { deployment, errorOf, expand, names, objectsOf, replicaSet, statefulSet, SUFFIX, template } from './expand-helpers.js';

const HASH = '[bcdfghjklmnpqrstvwxz2456789]{1,10}';
const utf8 = new TextEncoder();

describe('expand: names and hashes as kube makes them', () => {
  it('fnv32a is Go hash/fnv New32a', () => {
    expect(fnv32a(utf8.encode(''))).toBe(0x811c9dc5);
    expect(fnv32a(utf8.encode('a'))).toBe(0xe40c292c);
    expect(fnv32a(utf8.encode('foobar'))).toBe(0xbf9cf968);
  });

  it('SafeEncodeString maps each character by its code into the alphabet', () => {
    expect(KUBE_ALPHANUMS).toBe('bcdfghjklmnpqrstvwxz2456789');
    expect(safeEncodeString('123')).toBe('567');
    expect(safeEncodeString('4294967295')).toMatch(new RegExp(`^${HASH}$`));
  });

  it('the template hash is canonical (key order does not count), and changes with the template and the collision count', () => {
    const a = { metadata: { labels: { app: 'x', tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    const b = { spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { tier: 'web', app: 'x' } } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(templateHash(a)).toBe(templateHash(b));
    expect(templateHash(a)).toMatch(new RegExp(`^${HASH}$`));
    expect(templateHash({ ...a, spec: { containers: [{ name: 'c', image: 'j' }] } })).not.toBe(templateHash(a));
    expect(templateHash(a, 1)).not.toBe(templateHash(a));
    expect(templateHash(a, 0)).not.toBe(templateHash(a, 1));
  });

  it('a generateName is cut to 58 characters before its 5-character suffix', () => {
    const name = generatedName(`${'x'.repeat(70)}-`, new Prng(1));
    expect(name).toHaveLength(63);
    expect(name).toMatch(new RegExp(`^x{58}${SUFFIX}$`));
  });

  it('a generated name that is taken is drawn again', () => {
    const first = generatedName('web-', namePrng(1, 'a'));
    const book = new NameBook();
    book.take('default', first);
    const again = book.generate('default', 'web-', namePrng(1, 'a'));
    expect(again).not.toBe(first);
    expect(again).toMatch(new RegExp(`^web-${SUFFIX}$`));
    expect(book.generate('other', 'web-', namePrng(1, 'a'))).toBe(first);
  });

  it('gives up after EXPAND_NAME_DRAWS_MAX draws with an InputError', () => {
    const book = new NameBook();
    const prng = namePrng(1, 'b');
    const draws = namePrng(1, 'b');
    for (let i = 0; i < EXPAND_NAME_DRAWS_MAX; i++) book.take('default', generatedName('x-', draws));
    const err = errorOf(() => book.generate('default', 'x-', prng));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/no free pod name for generateName x- in namespace default after 1000 draws/);
  });
});

describe('expand: Deployment', () => {
  it('makes the ReplicaSet <deployment>-<pod-template-hash> and its pods, labelled and owned', () => {
    const e = expand([deployment('web', 3)]);
    const [d] = objectsOf(e, 'Deployment') as Array<{ metadata: { uid: string; namespace: string } }>;
    const [rs] = objectsOf(e, 'ReplicaSet') as Array<{ metadata: { name: string; uid: string; labels: Record<string, string>; ownerReferences: unknown[] }; spec: { replicas: number; selector: { matchLabels: Record<string, string> } } }>;
    expect(d!.metadata.namespace).toBe('default');
    const hash = rs!.metadata.labels['pod-template-hash']!;
    expect(hash).toMatch(new RegExp(`^${HASH}$`));
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.spec.replicas).toBe(3);
    expect(rs!.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(e.pods).toHaveLength(3);
    for (const p of e.pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-${SUFFIX}$`));
      expect(p.metadata.generateName).toBe(`web-${hash}-`);
      expect(p.metadata.namespace).toBe('default');
      expect(p.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${hash}`, uid: rs!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(p.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(p.status?.phase).toBe('Pending');
      expect(p.spec.nodeName).toBeUndefined();
    }
    expect(new Set(names(e.pods)).size).toBe(3);
    expect(new Set(e.pods.map((p) => p.metadata.uid)).size).toBe(3);
  });

  it("gives pods the API server's defaults: schedulerName, restartPolicy, dnsPolicy, DefaultTolerationSeconds", () => {
    const [p] = expand([deployment('web', 1)]).pods;
    expect(p!.spec.schedulerName).toBe('default-scheduler');
    expect(p!.spec.restartPolicy).toBe('Always');
    expect((p!.spec as { dnsPolicy?: string }).dnsPolicy).toBe('ClusterFirst');
    expect(p!.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('keeps a toleration of not-ready the template has, and a schedulerName it sets', () => {
    const tpl = template({ app: 'web' }, undefined, { schedulerName: 'podfit', tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }] });
    const [p] = expand([deployment('web', 1, { template: tpl })]).pods;
    expect(p!.spec.schedulerName).toBe('podfit');
    expect(p!.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('replicas default to 1; 0 makes the ReplicaSet and no pod; a paused Deployment makes nothing', () => {
    expect(expand([deployment('web', undefined)]).pods).toHaveLength(1);
    const zero = expand([deployment('web', 0)]);
    expect(zero.pods).toHaveLength(0);
    expect(objectsOf(zero, 'ReplicaSet')).toHaveLength(1);
    const paused = expand([deployment('web', 3, { spec: { paused: true } })]);
    expect(paused.pods).toHaveLength(0);
    expect(objectsOf(paused, 'ReplicaSet')).toHaveLength(0);
    expect(paused.warnings.join('\n')).toMatch(/paused/);
  });

  it('records maxSurge on the ReplicaSet as the controller does (25% rounded up by default)', () => {
    const rs = (e: ReturnType<typeof expand>) => (objectsOf(e, 'ReplicaSet')[0] as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    expect(rs(expand([deployment('web', 10)]))['deployment.kubernetes.io/max-replicas']).toBe('13');
    expect(rs(expand([deployment('web', 10, { spec: { strategy: { type: 'Recreate' } } })]))['deployment.kubernetes.io/max-replicas']).toBe('10');
  });

  it('applied again with its pods running, scales its ReplicaSet: only the missing pods, same ReplicaSet', () => {
    const first = expand([deployment('web', 3)]);
    const running = first.pods.map((p, i) => ({ ...p, spec: { ...p.spec, nodeName: `n${i}` }, status: { phase: 'Running' } })) as Pod[];
    const again = expand([deployment('web', 5)], { existingPods: running });
    expect(again.pods).toHaveLength(2);
    const rsName = first.pods[0]!.metadata.ownerReferences![0]!.name;
    expect(again.pods.every((p) => p.metadata.ownerReferences![0]!.name === rsName)).toBe(true);
    expect(again.pods[0]!.metadata.ownerReferences![0]!.uid).toBe(first.pods[0]!.metadata.ownerReferences![0]!.uid);
    expect(names(again.pods).some((n) => names(first.pods).includes(n))).toBe(false);
  });

  it('finds a ReplicaSet of a real cluster (another hash) through its pods when the containers match', () => {
    const existing = [1, 2].map((i) =>
      makePod(`web-abc12-x${i}`).labels({ app: 'web', 'pod-template-hash': 'abc12' }).req({ cpu: '100m', memory: '64Mi' }, 'nginx:1.27').nodeName('n1').phase('Running').build());
    for (const p of existing) {
      p.spec.containers![0]!.name = 'app';
      p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc12', uid: 'rs-uid', controller: true }];
    }
    const scaled = expand([deployment('web', 3)], { existingPods: existing });
    expect(scaled.pods).toHaveLength(1);
    expect(scaled.pods[0]!.metadata.name).toMatch(new RegExp(`^web-abc12-${SUFFIX}$`));
    expect(scaled.pods[0]!.metadata.ownerReferences![0]!.uid).toBe('rs-uid');
    // A new shape is a new template: a new ReplicaSet of 3, the old pods kept (rollouts are not modelled).
    const bigger = expand([deployment('web', 3, { template: template({ app: 'web' }, { cpu: '2', memory: '64Mi' }) })], { existingPods: existing });
    expect(bigger.pods).toHaveLength(3);
    expect(bigger.pods[0]!.metadata.labels!['pod-template-hash']).not.toBe('abc12');
    expect(bigger.warnings.join('\n')).toMatch(/2 existing pod\(s\) of another template kept/);
  });

  it('refuses a selector that does not select the template, naming the field', () => {
    const err = errorOf(() => expand([deployment('web', 1, { spec: { selector: { matchLabels: { app: 'other' } } } })], { positions: ['items[0]'] }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('apply.yaml: items[0]: Deployment default/web: invalid value at spec.template.metadata.labels: `selector` does not match template `labels`');
    expect((err as InputError).field).toBe('spec.template.metadata.labels');
  });

  it('refuses an empty selector and an invalid one', () => {
    expect(errorOf(() => expand([deployment('web', 1, { spec: { selector: {} } })])).message).toMatch(/object 1: Deployment default\/web: invalid value at spec.selector: empty selector is invalid for deployment/);
    const bad = { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] };
    expect(errorOf(() => expand([deployment('web', 1, { spec: { selector: bad } })])).message).toMatch(/Deployment default\/web: invalid value at spec.selector/);
  });

  it('names the file, the object and the field of a schema error', () => {
    const err = errorOf(() => expand([deployment('ok', 1), deployment('web', -1)], { source: 'apps.yaml', positions: ['document 1', 'document 2'] }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^apps\.yaml: document 2: Deployment web: invalid value at spec\.replicas: /);
    expect((err as InputError).field).toBe('spec.replicas');
  });

  it('refuses a template podfit cannot read (a bad quantity), naming the workload', () => {
    const err = errorOf(() => expand([deployment('web', 1, { template: template({ app: 'web' }, { cpu: 'lots' }) })]));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^apply\.yaml: object 1: Deployment default\/web: ReplicaSet default\/web-\w+: .*cpu/);
  });
});

describe('expand: ReplicaSet and ReplicationController', () => {
  it('a ReplicaSet makes `replicas` pods <rs>-<suffix>, controlled by it', () => {
    const e = expand([replicaSet('cache', 2, { metadata: { namespace: 'db', uid: 'rs-1' } })]);
    expect(names(e.pods)).toEqual([expect.stringMatching(new RegExp(`^cache-${SUFFIX}$`)), expect.stringMatching(new RegExp(`^cache-${SUFFIX}$`))]);
    for (const p of e.pods) {
      expect(p.metadata.namespace).toBe('db');
      expect(p.metadata.labels).toEqual({ app: 'cache' });
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'cache', uid: 'rs-1', controller: true, blockOwnerDeletion: true }]);
    }
  });

  it('counts the active pods it controls or adopts, not those of others, terminated or being deleted', () => {
    const own = (name: string) => makePod(name).label('app', 'cache').req({ cpu: '1' }).build();
    const mine = own('mine');
    mine.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'cache', uid: 'rs-1', controller: true }];
    const orphan = own('orphan');
    const others = own('others');
    others.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'cache2', uid: 'rs-2', controller: true }];
    const failed = own('failed');
    failed.status = { phase: 'Failed' };
    const deleting = own('deleting');
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    const elsewhere = makePod('elsewhere', 'other').label('app', 'cache').req({ cpu: '1' }).build();
    const e = expand([replicaSet('cache', 5, { metadata: { uid: 'rs-1' } })], { existingPods: [mine, orphan, others, failed, deleting, elsewhere] });
    expect(e.pods).toHaveLength(3);
  });

  it('without a uid, takes the one its existing pods name (the object exists: apply updates it)', () => {
    const mine = makePod('cache-aaaaa').label('app', 'cache').build();
    mine.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'cache', uid: 'live-uid', controller: true }];
    const e = expand([replicaSet('cache', 2)], { existingPods: [mine] });
    expect(e.pods).toHaveLength(1);
    expect(e.pods[0]!.metadata.ownerReferences![0]!.uid).toBe('live-uid');
  });

  it('warns, and removes nothing, when it has more pods than replicas', () => {
    const pods = ['a', 'b'].map((n) => makePod(n).label('app', 'cache').build());
    const e = expand([replicaSet('cache', 1)], { existingPods: pods });
    expect(e.pods).toHaveLength(0);
    expect(e.warnings.join('\n')).toMatch(/has 2 pods, more than its 1 replicas; scale-down is not modelled/);
  });

  it('a ReplicationController defaults its selector and labels to the template labels', () => {
    const rc = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy' }, spec: { replicas: 2, template: template({ app: 'legacy' }) } };
    const e = expand([rc]);
    const [obj] = objectsOf(e, 'ReplicationController') as Array<{ metadata: { labels: Record<string, string>; uid: string }; spec: { selector: Record<string, string> } }>;
    expect(obj!.spec.selector).toEqual({ app: 'legacy' });
    expect(obj!.metadata.labels).toEqual({ app: 'legacy' });
    expect(e.pods).toHaveLength(2);
    expect(e.pods[0]!.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', uid: obj!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(e.pods[0]!.metadata.name).toMatch(new RegExp(`^legacy-${SUFFIX}$`));
  });

  it('a ReplicaSet with replicas and no template is an error naming spec.template', () => {
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'x' }, spec: { replicas: 1, selector: { matchLabels: { a: 'b' } } } };
    const err = errorOf(() => expand([rs]));
    expect(err.message).toMatch(/ReplicaSet default\/x: invalid value at spec\.template: Required value/);
  });
});

describe('expand: StatefulSet', () => {
  it('makes <set>-<ordinal> pods with their identity labels, hostname and subdomain', () => {
    const e = expand([statefulSet('db', 3)]);
    expect(names(e.pods)).toEqual(['db-0', 'db-1', 'db-2']);
    const [sts] = objectsOf(e, 'StatefulSet') as Array<{ metadata: { uid: string } }>;
    const revision = e.pods[0]!.metadata.labels!['controller-revision-hash']!;
    expect(revision).toMatch(new RegExp(`^db-${HASH}$`));
    e.pods.forEach((p, i) => {
      expect(p.metadata.labels).toEqual({ app: 'db', 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': `db-${i}`, 'apps.kubernetes.io/pod-index': String(i) });
      expect(p.spec.hostname).toBe(`db-${i}`);
      expect(p.spec.subdomain).toBe('db-svc');
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: sts!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    });
  });

  it('starts at spec.ordinals.start', () => {
    expect(names(expand([statefulSet('db', 2, { spec: { ordinals: { start: 5 } } })]).pods)).toEqual(['db-5', 'db-6']);
  });

  it('skips the ordinals it has, and one whose name another pod holds (with a warning)', () => {
    const own = makePod('db-1').label('app', 'db').build();
    own.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'sts-1', controller: true }];
    const squatter = makePod('db-2').label('other', 'x').build();
    const e = expand([statefulSet('db', 4, { metadata: { uid: 'sts-1' } })], { existingPods: [own, squatter] });
    expect(names(e.pods)).toEqual(['db-0', 'db-3']);
    expect(e.warnings.join('\n')).toMatch(/pod default\/db-2 exists and is not an active pod of this StatefulSet; ordinal 2 not created/);
  });

  it('warns once that volumeClaimTemplates are not modelled', () => {
    const vct = { spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } };
    const e = expand([statefulSet('a', 1, vct), statefulSet('b', 1, vct)]);
    expect(e.warnings.filter((w) => /volumeClaimTemplates/.test(w))).toHaveLength(1);
  });
});

describe('expand: pods, other kinds, limits, determinism', () => {
  it("passes Pods through as the API server stores them, and refuses a name that exists", () => {
    const bare = { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'task-' }, spec: { containers: [{ name: 'c' }] } };
    const e = expand([bare]);
    expect(e.pods[0]!.metadata.name).toMatch(new RegExp(`^task-${SUFFIX}$`));
    expect(e.pods[0]!.metadata.namespace).toBe('default');
    expect(e.pods[0]!.spec.schedulerName).toBe('default-scheduler');
    const existing = makePod('taken').build();
    const err = errorOf(() => expand([{ ...bare, metadata: { name: 'taken' } }], { existingPods: [existing] }));
    expect(err.message).toMatch(/Pod default\/taken: already exists/);
  });

  it('passes Services and PDBs through, skips a CronJob and unknown kinds with a warning', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'x' } } };
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' } };
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } };
    const e = expand([svc, cron, cm]);
    expect(objectsOf(e, 'Service')).toHaveLength(1);
    expect(e.pods).toHaveLength(0);
    expect(e.warnings).toEqual([
      'apply.yaml: object 2: CronJob default/nightly: not expanded: a CronJob starts Jobs on a schedule; apply its jobTemplate as a Job to model one run',
      'apply.yaml: object 3: kind ConfigMap is not a workload podfit expands; skipped',
    ]);
  });

  it('reads an old apiVersion as the served one, with a warning', () => {
    const e = expand([{ ...deployment('web', 1), apiVersion: 'extensions/v1beta1' }]);
    expect(e.pods).toHaveLength(1);
    expect(e.warnings).toEqual(['apply.yaml: object 1: Deployment default/web: apiVersion extensions/v1beta1 read as apps/v1']);
    expect((objectsOf(e, 'Deployment')[0] as { apiVersion: string }).apiVersion).toBe('apps/v1');
  });

  it(`refuses more than EXPAND_PODS_MAX (${EXPAND_PODS_MAX}) pods before making any`, () => {
    const err = errorOf(() => expand([deployment('web', EXPAND_PODS_MAX + 1)]));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/beyond the 1000000 one expansion may make \(EXPAND_PODS_MAX\)/);
    expect(errorOf(() => expand([statefulSet('db', EXPAND_PODS_MAX + 1)])).message).toMatch(/StatefulSet default\/db: would make 1000001 pods/);
  });

  it('is deterministic for a seed; another seed renames; another workload renames nothing', () => {
    const objs = [deployment('web', 3), replicaSet('cache', 2)];
    const a = expand(objs);
    expect(expand(objs)).toEqual(a);
    expect(names(expand(objs, { seed: 2 }).pods)).not.toEqual(names(a.pods));
    const more = expand([statefulSet('db', 2), ...objs]);
    expect(names(more.pods).slice(2)).toEqual(names(a.pods));
  });

  it("makes objects the cluster's objects decode (ReplicaSets, StatefulSets, RCs, PDBs with their kinds' schemas)", () => {
    const rc = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy' }, spec: { replicas: 1, template: template({ app: 'legacy' }) } };
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } };
    const e = expand([deployment('web', 2), statefulSet('db', 1), rc, pdb]);
    const byKind = new Map<string, Record<string, unknown>[]>();
    for (const o of e.objects) byKind.set(String(o.kind), [...(byKind.get(String(o.kind)) ?? []), o]);
    expect([...byKind.keys()].sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'ReplicaSet', 'ReplicationController', 'StatefulSet']);
    const objects = decodeClusterObjects(byKind, 'apply.yaml');
    expect(objects.warnings).toEqual([]);
  });

  it('refuses a pass-through object its kind cannot read, naming the field', () => {
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { selector: { matchLabels: 'web' } } };
    const err = errorOf(() => expand([pdb], { positions: ['items[3]'] }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^apply\.yaml: items\[3\]: PodDisruptionBudget web: invalid value at spec\.selector\.matchLabels/);
  });

  it('sets creationTimestamp on what it makes when given the time', () => {
    const e = expand([deployment('web', 1)], { now: '2026-12-06T00:00:00Z' });
    expect(e.pods[0]!.metadata.creationTimestamp).toBe('2026-12-06T00:00:00Z');
    expect((objectsOf(e, 'ReplicaSet')[0] as { metadata: { creationTimestamp: string } }).metadata.creationTimestamp).toBe('2026-12-06T00:00:00Z');
  });

  it('never reuses a name an existing pod holds, across workloads and namespaces', () => {
    const a = expand([replicaSet('cache', 3)]);
    const again = expand([replicaSet('cache', 3, { metadata: { uid: 'other-rs' } })], { existingPods: a.pods.map((p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'none' } } })) });
    expect(again.pods).toHaveLength(3);
    expect(names(again.pods).filter((n) => names(a.pods).includes(n))).toEqual([]);
  });
});

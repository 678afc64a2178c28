/**
 * deploy/scheduler/rbac.yaml grants exactly what `podfit scheduler` calls: a scheduler runs a
 * scenario touching every path (bindings, a 409, an unschedulable pod, preemption, leader
 * election) against the fake API server, every request it sent is turned into an RBAC verb on a
 * resource, and each must be granted; every granted verb must have been used.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApiServer } from '../cluster/live-fake-apiserver.js';
import { node, pod, startApi, startScheduler, until, type Obj } from './helpers.js';

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }
type Doc = Record<string, any>;
const read = (f: string) => parseAllDocuments(readFileSync(new URL(`../../deploy/scheduler/${f}`, import.meta.url), 'utf8')).map((d) => d.toJS() as Doc);
const rbac = read('rbac.yaml');
const deployment = read('deployment.yaml').find((d) => d.kind === 'Deployment')!;
const clusterRole = rbac.find((d) => d.kind === 'ClusterRole')!;
const role = rbac.find((d) => d.kind === 'Role')!;
const args: string[] = deployment.spec.template.spec.containers[0].args;
const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

/** One RBAC check: verb on group/resource[/subresource], in a namespace or cluster-wide, on a name. */
interface Access { verb: string; group: string; resource: string; namespace?: string; name?: string }

/** The RBAC view of a request (kube's RequestInfo). */
function accessOf(method: string, path: string, query: URLSearchParams): Access {
  const parts = path.split('/').filter(Boolean);
  const [group, rest] = parts[0] === 'api' ? ['', parts.slice(2)] : [parts[1]!, parts.slice(3)];
  let namespace: string | undefined;
  let r = rest;
  if (r[0] === 'namespaces' && r.length > 2) {
    namespace = r[1];
    r = r.slice(2);
  }
  const resource = r[2] ? `${r[0]}/${r[2]}` : r[0]!;
  const name = r[1];
  const verb = method === 'GET' ? (name ? 'get' : query.get('watch') === 'true' ? 'watch' : 'list')
    : method === 'POST' ? 'create' : method === 'PUT' ? 'update' : method === 'PATCH' ? 'patch' : method === 'DELETE' ? 'delete' : method;
  return { verb, group, resource, namespace, name };
}

const allows = (rules: Rule[], a: Access) => rules.some((r) => r.apiGroups.includes(a.group) && r.resources.includes(a.resource) && r.verbs.includes(a.verb)
  && (!r.resourceNames || (a.name !== undefined && r.resourceNames.includes(a.name))));
const granted = (a: Access) => allows(clusterRole.rules, a) || (a.namespace === role.metadata.namespace && allows(role.rules, a));

let api: FakeApiServer;
beforeEach(async () => {
  api = await startApi();
});
afterEach(async () => {
  await api.stop();
});

describe('deploy/scheduler', () => {
  it('the RBAC grants every request the scheduler makes, and nothing it does not use', async () => {
    api.addNode(node('n1', '2'));
    api.addPod(pod('victim', '2', (b) => b.nodeName('n1').priority(0).schedulerName('default-scheduler')));
    api.addPod(pod('vip', '2', (b) => b.priority(1000))); // preempts: status patch, delete, events
    api.addPod(pod('huge', '64')); // unschedulable: condition and event
    const le = { namespace: arg('lease-namespace')!, name: arg('lease-name')!, leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 };
    const { s } = await startScheduler(api, { leaderElection: le });
    await until(() => api.bindings.length === 1, 'the preemptor bound', 8000);
    // A 409: bound elsewhere just before our binding (the binder reads the pod).
    api.addNode(node('n2', '2'));
    api.beforeBinding = (ns, name) => {
      api.beforeBinding = null;
      const p = structuredClone(api.pod(ns, name)!);
      (p.spec as { nodeName?: string }).nodeName = 'n2';
      api.addPod(p as Obj);
    };
    api.addPod(pod('raced', '1'));
    await until(() => api.requests.some((r) => r.method === 'GET' && r.path.endsWith('/pods/raced')), 'the conflict check');
    await new Promise((r) => setTimeout(r, 500)); // a few lease renewals
    await s.stop(true);
    const accesses = api.requests.map((r) => accessOf(r.method, r.path, r.query));
    const denied = accesses.filter((a) => !granted(a)).map((a) => `${a.verb} ${a.group}/${a.resource} ${a.namespace ?? ''}/${a.name ?? ''}`);
    expect(denied).toEqual([]);
    const used = new Set(accesses.map((a) => `${a.verb} ${a.group}/${a.resource}`));
    const grantedKeys = [...clusterRole.rules, ...role.rules].flatMap((r: Rule) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${g}/${res}`))));
    expect(grantedKeys.filter((k) => !used.has(k))).toEqual([]);
    for (const r of [...clusterRole.rules, ...role.rules] as Rule[]) expect([...r.verbs, ...r.apiGroups, ...r.resources]).not.toContain('*');
  });

  it('binds the roles to the Deployment\'s ServiceAccount; the Lease flags match the Role', () => {
    const sa = rbac.find((d) => d.kind === 'ServiceAccount')!;
    expect(deployment.spec.template.spec.serviceAccountName).toBe(sa.metadata.name);
    expect(deployment.spec.replicas).toBe(2);
    expect(args).toContain('--leader-elect');
    for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
      const b = rbac.find((d) => d.kind === kind)!;
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }]);
    }
    expect(arg('lease-namespace')).toBe(role.metadata.namespace);
    expect(role.rules.find((r: Rule) => r.resourceNames)?.resourceNames).toEqual([arg('lease-name')]);
  });

  it('the example pod selects the default profile', () => {
    const p = read('example-pod.yaml')[0]!;
    expect(p.spec.schedulerName).toBe('podfit');
  });
});

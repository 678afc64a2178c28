/**
 * deploy/ stays consistent with the code: the KubeSchedulerConfiguration loads (kube's validation
 * rules, as podfit implements them), RBAC is exactly least privilege, and the Deployment passes
 * flags `podfit serve` has.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseSchedulerConfig } from '../../src/api/config.js';
import { buildProgram } from '../../src/cli/main.js';

const file = (name: string) => readFileSync(new URL(`../../deploy/${name}`, import.meta.url), 'utf8');
const docs = (name: string) => parseAllDocuments(file(name)).map((d) => d.toJS() as Record<string, any>);

describe('deploy/', () => {
  it('the kube-scheduler configuration has podfit as a cache-capable, ignorable HTTPS extender with all four verbs', () => {
    const cfg = parseSchedulerConfig(file('kube-scheduler-config.yaml'), 'deploy/kube-scheduler-config.yaml');
    expect(cfg.extenders).toHaveLength(1);
    expect(cfg.extenders[0]).toMatchObject({
      urlPrefix: 'https://10.96.200.10:443', filterVerb: 'filter', prioritizeVerb: 'prioritize', preemptVerb: 'preempt', bindVerb: 'bind',
      weight: 3, nodeCacheCapable: true, ignorable: true, enableHTTPS: true, httpTimeoutMs: 5000,
    });
    const service = docs('service.yaml')[0]!;
    expect(cfg.extenders[0]!.urlPrefix).toBe(`https://${service.spec.clusterIP}:${service.spec.ports[0].port}`);
  });

  it('RBAC grants get/list/watch on nodes and pods and create on pods/binding, nothing more', () => {
    const role = docs('rbac.yaml').find((d) => d.kind === 'ClusterRole')!;
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/binding'], verbs: ['create'] },
    ]);
    const binding = docs('rbac.yaml').find((d) => d.kind === 'ClusterRoleBinding')!;
    const sa = docs('rbac.yaml').find((d) => d.kind === 'ServiceAccount')!;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }]);
  });

  it('the Deployment runs `podfit serve` with flags it has, TLS and client certificates on, probes on /readyz and /healthz', () => {
    const deployment = docs('deployment.yaml').find((d) => d.kind === 'Deployment')!;
    const c = deployment.spec.template.spec.containers[0];
    expect(c.args[0]).toBe('serve');
    const serve = buildProgram({ stdout: () => {}, stderr: () => {} }).commands.find((cmd) => cmd.name() === 'serve')!;
    const known = new Set(serve.options.map((o) => o.long));
    for (const a of c.args.slice(1) as string[]) expect(known, a).toContain(a.split('=')[0]);
    expect(c.args).toEqual(expect.arrayContaining(['--in-cluster', '--tls-cert=/etc/podfit/tls/tls.crt', '--tls-key=/etc/podfit/tls/tls.key', '--client-ca=/etc/podfit/client-ca/ca.crt']));
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/readyz', scheme: 'HTTPS' });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/healthz', scheme: 'HTTPS' });
    expect(deployment.spec.template.spec.serviceAccountName).toBe(docs('rbac.yaml').find((d) => d.kind === 'ServiceAccount')!.metadata.name);
    expect(deployment.spec.replicas).toBeGreaterThan(1);
  });
});

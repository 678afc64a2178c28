/**
 * deploy/snapshot-rbac.yaml grants what `podfit snapshot` lists, read from the collector's own
 * table (SNAPSHOT_RESOURCES), and nothing more: get/list only, no watch, no writes, no other
 * resources; the binding names the file's ServiceAccount.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { apiGroupOf, SNAPSHOT_RESOURCES } from '../../src/cluster/collect.js';

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[] }
const docs = parseAllDocuments(readFileSync(new URL('../../deploy/snapshot-rbac.yaml', import.meta.url), 'utf8')).map((d) => d.toJS() as Record<string, any>);
const role = docs.find((d) => d.kind === 'ClusterRole')!;
const rules = role.rules as Rule[];

/** `group/resource` pairs a rule set grants `verb` on. */
const granted = (verb: string) => new Set(rules.filter((r) => r.verbs.includes(verb)).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`))));

describe('deploy/snapshot-rbac.yaml', () => {
  it('grants list and get on every resource the collector lists', () => {
    expect(SNAPSHOT_RESOURCES.length).toBeGreaterThanOrEqual(15);
    for (const verb of ['list', 'get']) {
      const g = granted(verb);
      const missing = SNAPSHOT_RESOURCES.map((r) => `${apiGroupOf(r)}/${r.resource}`).filter((k) => !g.has(k));
      expect(missing, verb).toEqual([]);
    }
  });

  it('grants nothing else: only get and list, only those resources, no wildcards', () => {
    const wanted = new Set(SNAPSHOT_RESOURCES.map((r) => `${apiGroupOf(r)}/${r.resource}`));
    expect([...granted('get')].filter((k) => !wanted.has(k))).toEqual([]);
    for (const r of rules) {
      expect([...r.verbs].sort()).toEqual(['get', 'list']);
      expect([...r.apiGroups, ...r.resources]).not.toContain('*');
    }
  });

  it('binds the ClusterRole to the ServiceAccount of the file', () => {
    const sa = docs.find((d) => d.kind === 'ServiceAccount')!;
    const binding = docs.find((d) => d.kind === 'ClusterRoleBinding')!;
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }]);
  });
});

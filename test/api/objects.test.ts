/** decodeClusterObjects: the snapshot's extra kinds, decoded at the edge into the model's ClusterObjects. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/api/errors.js';
import { decodeClusterObjects } from '../../src/api/objects.js';
import { ClusterObjects, NAMESPACE_NAME_LABEL } from '../../src/model/cluster-objects.js';

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}) });
const others = (byKind: Record<string, Record<string, unknown>[]>) => new Map(Object.entries(byKind));

describe('decodeClusterObjects', () => {
  it('decodes every extra kind into the model lookups', () => {
    const objects = decodeClusterObjects(others({
      Namespace: [{ kind: 'Namespace', metadata: { ...meta('team'), labels: { tier: 'web' } } }],
      Service: [{ kind: 'Service', metadata: meta('svc', 'team'), spec: { selector: { app: 'a' } } }],
      ReplicaSet: [{ kind: 'ReplicaSet', metadata: meta('rs', 'team'), spec: { selector: { matchLabels: { app: 'a' } } } }],
      StatefulSet: [{ kind: 'StatefulSet', metadata: meta('ss'), spec: {} }],
      ReplicationController: [{ kind: 'ReplicationController', metadata: meta('rc', 'team'), spec: { selector: { app: 'b' } } }],
      PodDisruptionBudget: [{ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('pdb', 'team'), status: { disruptionsAllowed: 1 } }],
      PriorityClass: [{ kind: 'PriorityClass', metadata: meta('high'), value: 1000, globalDefault: true }],
    }), 'c.yaml');
    expect(objects).toBeInstanceOf(ClusterObjects);
    expect(objects.namespaceLabels('team')).toEqual({ tier: 'web', [NAMESPACE_NAME_LABEL]: 'team' });
    expect(objects.servicesIn('team').map((s) => s.metadata.name)).toEqual(['svc']);
    expect(objects.replicaSet('team', 'rs')?.spec?.selector?.matchLabels).toEqual({ app: 'a' });
    expect(objects.statefulSet('default', 'ss')?.metadata.name).toBe('ss');
    expect(objects.replicationController('team', 'rc')?.spec?.selector).toEqual({ app: 'b' });
    expect(objects.pdbs.map((p) => p.metadata.name)).toEqual(['pdb']);
    expect(objects.defaultPriorityClass()?.metadata.name).toBe('high');
    expect(objects.warnings).toEqual([]);
  });

  it('reads a PodDisruptionBudget of another apiVersion as policy/v1, with a warning', () => {
    const objects = decodeClusterObjects(others({
      PodDisruptionBudget: [{ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: meta('old') }],
    }), 'c.yaml');
    expect(objects.pdbs).toHaveLength(1);
    expect(objects.warnings).toEqual(['c.yaml: PodDisruptionBudget default/old: apiVersion policy/v1beta1 read as policy/v1']);
  });

  it('rejects an invalid object with an InputError naming the file, the object and the field', () => {
    const decode = () => decodeClusterObjects(others({
      PriorityClass: [{ kind: 'PriorityClass', metadata: meta('half'), value: 0.5 }],
    }), 'c.yaml');
    expect(decode).toThrow(InputError);
    expect(decode).toThrow(/^c\.yaml: PriorityClass half: invalid value at value: /);
    expect(decode).toThrow(expect.objectContaining({ field: 'value' }));
  });
});

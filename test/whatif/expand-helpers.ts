/**
 * Builders of workload objects for the expansion tests (test/whatif/expand*.test.ts): plain
 * objects as a manifest holds them, so the tests go through the real decoding.
 */
import type { Node, Pod } from '../../src/api/k8s.js';
import { makeNode } from '../helpers/builders.js';
import { expandWorkloads, type ExpandContext, type Expanded } from '../../src/whatif/expand.js';

type Obj = Record<string, unknown>;

/** A pod template: labels, one container with these requests, and spec extras. */
export function template(labels: Record<string, string>, requests: Record<string, string> = { cpu: '100m', memory: '64Mi' }, spec: Obj = {}): Obj {
  return { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests } }], ...spec } };
}

/** apps/v1 Deployment `name` of `replicas`, selecting `app: <name>`. */
export function deployment(name: string, replicas: number | undefined, extra: { spec?: Obj; template?: Obj; metadata?: Obj } = {}): Obj {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, ...extra.metadata },
    spec: { ...(replicas !== undefined ? { replicas } : {}), selector: { matchLabels: { app: name } }, template: extra.template ?? template({ app: name }), ...extra.spec },
  };
}

/** apps/v1 ReplicaSet. */
export function replicaSet(name: string, replicas: number | undefined, extra: { spec?: Obj; metadata?: Obj } = {}): Obj {
  return { ...deployment(name, replicas, extra), kind: 'ReplicaSet' };
}

/** apps/v1 StatefulSet with serviceName `<name>-svc`. */
export function statefulSet(name: string, replicas: number | undefined, extra: { spec?: Obj; metadata?: Obj } = {}): Obj {
  const d = deployment(name, replicas, { ...extra, spec: { serviceName: `${name}-svc`, ...extra.spec } });
  return { ...d, kind: 'StatefulSet' };
}

/** batch/v1 Job; restartPolicy Never. */
export function job(name: string, spec: Obj = {}, extra: { metadata?: Obj; status?: Obj; templateSpec?: Obj } = {}): Obj {
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name, ...extra.metadata },
    spec: { template: template({ app: name }, undefined, { restartPolicy: 'Never', ...extra.templateSpec }), ...spec },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

/** apps/v1 DaemonSet selecting `app: <name>`. */
export function daemonSet(name: string, templateSpec: Obj = {}, extra: { metadata?: Obj } = {}): Obj {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name, namespace: 'kube-system', ...extra.metadata },
    spec: { selector: { matchLabels: { app: name } }, template: template({ app: name }, { cpu: '50m' }, templateSpec) },
  };
}

/** A node of 4 CPU / 16 GiB. */
export function node(name: string, f: (b: ReturnType<typeof makeNode>) => unknown = () => undefined): Node {
  const b = makeNode(name).capacity({ cpu: '4', memory: '16Gi', pods: 110 });
  f(b);
  return b.build();
}

/** Runs expandWorkloads with seed 1 on `nodes`, source `apply.yaml`. */
export function expand(objects: Obj[], ctx: Partial<ExpandContext> = {}): Expanded {
  return expandWorkloads(objects, { nodes: [], seed: 1, source: 'apply.yaml', ...ctx });
}

/** The expansion's objects of a kind. */
export function objectsOf(e: Expanded, kind: string): Obj[] {
  return e.objects.filter((o) => o.kind === kind);
}

/** The pods' names. */
export const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata.name ?? '');

/** The error thrown by `f` (fails the test when nothing is thrown). */
export function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}

/** kube's generated-name suffix: 5 characters of utilrand's alphabet. */
export const SUFFIX = '[bcdfghjklmnpqrstvwxz2456789]{5}';

/**
 * Pruning (src/cluster/prune.ts): what goes (managedFields, the last-applied annotation, status
 * nobody reads), what stays (every status field a schema types or a plugin reads), and the proof
 * that matters: scheduling a pruned snapshot places every pending pod as the unpruned one does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { podStatusSchema, nodeStatusSchema } from '../../src/api/k8s.js';
import { podDisruptionBudgetSchema } from '../../src/api/k8s-extra.js';
import { LAST_APPLIED_ANNOTATION, pruneObject } from '../../src/cluster/prune.js';
import { runCli } from '../helpers/cli.js';
import { realisticCluster } from '../helpers/realistic-cluster.js';

type Obj = Record<string, any>;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'podfit-prune-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const find = (items: Obj[], kind: string, name: string) => items.find((o) => o.kind === kind && o.metadata.name === name)!;

describe('pruneObject', () => {
  it('drops managedFields and the last-applied annotation (and annotations left empty), keeps other metadata', () => {
    const node = find(realisticCluster(), 'Node', 'orion-worker-1');
    const p = pruneObject(node);
    expect(p.metadata).not.toHaveProperty('managedFields');
    expect((p.metadata as Obj).annotations).toEqual({ 'node.alpha.kubernetes.io/ttl': '0' });
    expect((p.metadata as Obj).labels).toEqual(node.metadata.labels);
    expect((p.metadata as Obj).uid).toBe(node.metadata.uid);
    const pod = pruneObject(find(realisticCluster(), 'Pod', 'checkout-web-g'));
    expect(pod.metadata).not.toHaveProperty('annotations');
    expect(node.metadata.annotations[LAST_APPLIED_ANNOTATION]).toBeDefined(); // the input is not changed
  });

  it.each([
    ['Pod', 'payments-api-x7q9z-r', { phase: 'Running', startTime: '2026-11-01T09:31:00Z' }],
    ['Pod', 'reporting-nominated', { phase: 'Pending', nominatedNodeName: 'orion-worker-1' }],
    ['PodDisruptionBudget', 'payments-api-budget', { disruptionsAllowed: 1, disruptedPods: { 'payments-api-x7q9z-x': '2026-11-01T10:00:00Z' } }],
    ['PersistentVolumeClaim', 'ledger-data-ledger-store-0', { phase: 'Bound', capacity: { storage: '100Gi' } }],
    ['Deployment', 'payments-api', undefined],
    ['Namespace', 'payments', undefined],
  ])('%s %s keeps the status podfit reads: %j', (kind, name, status) => {
    expect(pruneObject(find(realisticCluster(), kind, name)).status).toEqual(status);
  });

  it('keeps a node\'s allocatable, capacity and images and nothing else of its status; the spec whole', () => {
    const node = find(realisticCluster(), 'Node', 'orion-worker-1');
    const p = pruneObject(node) as Obj;
    expect(Object.keys(p.status).sort()).toEqual(['allocatable', 'capacity', 'images']);
    expect(p.status.images).toEqual(node.status.images);
    expect(p.spec).toEqual(node.spec);
  });

  it('keeps the DisruptionTarget condition (preemption reads it) and drops the other conditions', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {}, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }, { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] } };
    expect(pruneObject(pod).status).toEqual({ phase: 'Running', conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] });
  });

  it('keeps every status field the decoding schemas type (node conditions aside: typed for workload builders, read by no plugin)', () => {
    const fill = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, k === 'conditions' ? [{ type: 'DisruptionTarget', status: 'True' }] : `v-${k}`]));
    const cases: Array<[string, string[]]> = [
      ['Pod', Object.keys(podStatusSchema.shape)],
      ['Node', Object.keys(nodeStatusSchema.shape).filter((k) => k !== 'conditions')],
      ['PodDisruptionBudget', Object.keys((podDisruptionBudgetSchema.shape.status.unwrap().unwrap() as { shape: object }).shape)],
    ];
    for (const [kind, keys] of cases) {
      expect(keys.length, kind).toBeGreaterThan(1);
      const status = fill(keys);
      expect(pruneObject({ kind, metadata: { name: 'x' }, status }).status, kind).toEqual(status);
    }
  });
});

describe('scheduling a pruned snapshot', () => {
  it('places every pending pod as the unpruned objects do (same report, messages, nominations and victims)', async () => {
    const items = realisticCluster();
    const pruned = items.map((o) => pruneObject(o));
    const full = path.join(dir, 'full.json');
    const small = path.join(dir, 'pruned.json');
    writeFileSync(full, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    writeFileSync(small, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pruned }));
    expect(JSON.stringify(pruned).length).toBeLessThan(JSON.stringify(items).length * 0.8);
    const a = await runCli('schedule', '--cluster', full, '--all-pending', '-o', 'json', '--workers', '0');
    const b = await runCli('schedule', '--cluster', small, '--all-pending', '-o', 'json', '--workers', '0');
    expect(a.code).toBe(0);
    expect(b.stderr).toBe('');
    const report = JSON.parse(a.stdout);
    // The cluster is built so that placements depend on what pruning keeps: preemption with
    // victims, a nominated node, images, zones.
    expect(report.totals.scheduled).toBeGreaterThan(8);
    expect(report.pods.some((p: Obj) => p.victims?.length > 0)).toBe(true);
    expect(JSON.parse(b.stdout)).toEqual(report);
  });

  // The parity above could not fail if the cluster did not depend on what pruning keeps: without
  // any one of the kept status fields, some placement, nomination or victim changes.
  it.each([
    ['Pod', 'phase'], ['Pod', 'nominatedNodeName'], ['Pod', 'startTime'], ['Pod', 'conditions'],
    ['Node', 'allocatable'], ['Node', 'images'], ['PodDisruptionBudget', 'disruptionsAllowed'], ['PodDisruptionBudget', 'disruptedPods'],
  ])('the cluster depends on %s status.%s (so the parity test can fail)', async (kind, field) => {
    const pruned = realisticCluster().map((o) => pruneObject(o));
    const without = pruned.map((o) => (o.kind === kind && o.status ? { ...o, status: Object.fromEntries(Object.entries(o.status).filter(([k]) => k !== field)) } : o));
    const run = async (items: Obj[], name: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
      const r = await runCli('schedule', '--cluster', file, '--all-pending', '-o', 'json', '--workers', '0');
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout).pods as Obj[];
    };
    expect(await run(without, `without-${field}.json`)).not.toEqual(await run(pruned, `with-${field}.json`));
  });
});

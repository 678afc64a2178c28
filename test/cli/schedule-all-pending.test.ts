/**
 * `podfit schedule --all-pending`: every pending pod of a snapshot in kube's queue order, each
 * placement taking its room before the next pod; gated pods reported apart; the same report with
 * and without worker threads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Node, Pod } from '../../src/api/k8s.js';
import { defaultSchedulerConfig } from '../../src/api/config.js';
import { buildClusterState, loadClusterSnapshot } from '../../src/cluster/snapshot.js';
import { Scheduler } from '../../src/framework/scheduler.js';
import { WorkerPool } from '../../src/parallel/pool.js';
import { scheduleAllPending, type PendingReport } from '../../src/workloads/batch-pending.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { runCli } from '../helpers/cli.js';
import { loadWasmKernels } from '../kernel/wasm-helper.js';
import { REGISTRY } from '../../src/plugins/registry.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'podfit-pending-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, items: Array<Node | Pod | Record<string, unknown>>): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return file;
}

const created = (minute: number) => `2026-11-01T10:${String(minute).padStart(2, '0')}:00Z`;

function pending(name: string, cpu: string, minute: number, extra: (p: Pod) => void = () => {}): Pod {
  const p = makePod(name).req({ cpu, memory: '1Gi' }).build();
  p.metadata.creationTimestamp = created(minute);
  extra(p);
  return p;
}

/** Two 4-cpu nodes, one running a 1-cpu pod; pending pods of mixed priority and age. */
function smallCluster(): string {
  const nodes = [makeNode('n1').capacity({ cpu: '4', memory: '16Gi', pods: 110 }).build(), makeNode('n2').capacity({ cpu: '4', memory: '16Gi', pods: 110 }).build()];
  const running = makePod('running').req({ cpu: '1', memory: '1Gi' }).nodeName('n1').build();
  running.status = { phase: 'Running' };
  return write('small.json', [
    ...nodes,
    running,
    pending('old-low', '2', 1),
    pending('new-low', '2', 5),
    pending('high', '3', 9, (p) => (p.spec.priorityClassName = 'urgent')),
    pending('huge', '5', 2),
    pending('gated', '1', 0, (p) => (p.spec.schedulingGates = [{ name: 'example.com/wait' }])),
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'urgent' }, value: 1000 },
  ]);
}

describe('podfit schedule --all-pending', () => {
  it("schedules pending pods in queue order (priority, then creation time) and reports each pod's node", async () => {
    const r = await runCli('schedule', '--cluster', smallCluster(), '--all-pending', '-o', 'json', '--workers', '0');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as PendingReport;
    // high (priority 1000) first; then by creation: old-low (10:01), huge (10:02), new-low (10:05).
    expect(j.pods.map((p) => p.pod)).toEqual(['default/high', 'default/old-low', 'default/huge', 'default/new-low', 'default/gated']);
    // high (3 cpu): n2 is emptier (n1 runs 1 cpu); old-low (2): n1 (3 free) beats n2 (1 free);
    // huge (5 cpu) fits nowhere; new-low (2): n1 has 1 cpu left, n2 1 cpu: nowhere.
    expect(j.pods.map((p) => p.node)).toEqual(['n2', 'n1', null, null, null]);
    expect(j.pods[2]!.message).toBe('0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.');
    expect(j.pods[4]).toMatchObject({ gated: true, message: expect.stringMatching(/example\.com\/wait/) });
    expect(j.pods[0]!.priority).toBe(1000);
    expect(j.totals).toEqual({ pending: 5, scheduled: 2, unschedulable: 2, gated: 1 });
    expect(j.workers).toBe(0);
    expect(j.placementChecksum).toMatch(/^[0-9a-f]{16}$/);
  });

  it('prints a table with the totals', async () => {
    const r = await runCli('schedule', '--cluster', smallCluster(), '--all-pending', '--workers', '0');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#\s+POD\s+PRIORITY\s+NODE\s+REASON$/m);
    expect(r.stdout).toMatch(/^1\s+default\/high\s+1000\s+n2$/m);
    expect(r.stdout).toMatch(/^-\s+default\/gated\s+0\s+-\s+gated: /m);
    expect(r.stdout).toMatch(/^5 pending: 2 scheduled, 2 unschedulable, 1 gated$/m);
  });

  it('gives the same report whatever --workers is (small snapshots stay on the main thread)', async () => {
    const file = smallCluster();
    const a = await runCli('schedule', '--cluster', file, '--all-pending', '-o', 'json', '--workers', '0');
    const b = await runCli('schedule', '--cluster', file, '--all-pending', '-o', 'json', '--workers', '2');
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout)).toEqual(JSON.parse(a.stdout));
    // Forced onto the workers: the same placements (the report names the workers used).
    const c = await runCli('schedule', '--cluster', file, '--all-pending', '-o', 'json', '--workers', '2', '--workers-always');
    expect(c.code).toBe(0);
    const forced = JSON.parse(c.stdout) as PendingReport;
    expect(forced.workers).toBeGreaterThan(0);
    expect({ ...forced, workers: 0 }).toEqual(JSON.parse(a.stdout));
  });

  it('rejects --pod with --all-pending, neither of them, and a bad --workers (exit 2)', async () => {
    const file = smallCluster();
    expect((await runCli('schedule', '--cluster', file)).code).toBe(2);
    const both = await runCli('schedule', '--cluster', file, '--all-pending', '--pod', file);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--pod and --all-pending/);
    const bad = await runCli('schedule', '--cluster', file, '--all-pending', '--workers', 'many');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--workers/);
  });

  it('places a larger mixed backlog identically on worker threads and on the main thread', async () => {
    // 60 nodes in 3 shapes, 25 running pods, 400 pending replicas of 5 workloads (one of which
    // spreads over zones, which workers leave to the main thread).
    const items: Array<Node | Pod> = [];
    for (let i = 0; i < 60; i++) {
      items.push(makeNode(`w${i}`).capacity({ cpu: i % 3 === 0 ? '8' : '4', memory: '32Gi', pods: 110 }).label('topology.kubernetes.io/zone', `z${i % 3}`).build());
    }
    for (let i = 0; i < 25; i++) {
      const p = makePod(`run-${i}`).req({ cpu: '500m', memory: '1Gi' }).nodeName(`w${(i * 7) % 60}`).build();
      p.status = { phase: 'Running' };
      items.push(p);
    }
    const cpus = ['100m', '250m', '500m', '1', '2'];
    for (let i = 0; i < 400; i++) {
      const w = i % 5;
      const p = pending(`app${w}-${i}`, cpus[w]!, i % 60, (q) => {
        q.metadata.labels = { app: `app${w}` };
        if (w === 4) q.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'app4' } } }];
        if (w === 2) q.spec.priority = 10;
      });
      items.push(p);
    }
    const file = write('mixed.json', items);
    const kernels = await loadWasmKernels('simd');
    const run = async (pool: WorkerPool | null) => {
      const snapshot = loadClusterSnapshot(file);
      const loaded = buildClusterState(snapshot, file, kernels.createTableMemory());
      const scheduler = new Scheduler({ registry: REGISTRY, state: loaded.state, config: defaultSchedulerConfig(), kernels, seed: 4, objects: loaded.objects });
      return scheduleAllPending({
        scheduler, snapshot, fileName: file, pending: loaded.pending, objects: loaded.objects, pool, workers: pool ? 2 : 0, seed: 4, forceBatch: true,
        batch: { adaptive: false },
      });
    };
    const pool = new WorkerPool({ threads: 2 });
    try {
      const seq = await run(null);
      const par = await run(pool);
      expect(par.stats.workers).toBeGreaterThan(0);
      expect(par.stats.speculated).toBeGreaterThan(0);
      expect({ ...par.report, workers: 0 }).toEqual(seq.report);
      expect(seq.report.totals.scheduled).toBeGreaterThan(300);
    } finally {
      await pool.close();
    }
  });
});

/**
 * `podfit bench` with worker threads: the batch path gives the sequential checksum, small runs
 * bypass the pool, repetitions run one per worker, and killing a worker mid-run loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSchedulerConfig } from '../../src/api/config.js';
import type { WasmKernels } from '../../src/kernel/wasm-kernels.js';
import { WorkerPool } from '../../src/parallel/pool.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { defaultChunkPods } from '../../src/parallel/batch.js';
import { BATCH_MIN_NODES_DISTINCT, BATCH_MIN_PODS_DISTINCT, batchPays, distinctShare } from '../../src/workloads/batch.js';
import { defaultPerfPod } from '../../src/workloads/scheduling-basic.js';
import { makePod } from '../helpers/builders.js';
import { runBench, type BenchResult } from '../../src/workloads/runner.js';
import { runCli } from '../helpers/cli.js';
import { loadWasmKernels } from '../kernel/wasm-helper.js';
import { REGISTRY } from '../../src/plugins/registry.js';

let kernels: WasmKernels;
let pool: WorkerPool;
beforeAll(async () => {
  kernels = await loadWasmKernels('simd');
  pool = new WorkerPool({ threads: 2, log: () => {} });
});
afterAll(async () => {
  await pool.close();
});

const spec = { workload: 'SchedulingBasic' as const, nodes: 300, initPods: 50, pods: 1200, seed: 9, config: defaultSchedulerConfig() };

describe('podfit bench --workers', () => {
  it('reports the sequential placement checksum with workers (and says how many took part)', async () => {
    const seq = await runBench({ ...spec, registry: REGISTRY, kernels });
    const par = await runBench({ ...spec, registry: REGISTRY, kernels, workers: 2, pool, forceBatch: true, batch: { chunkPods: 64, adaptive: false, maxSessions: 2 } });
    expect(seq.workers).toBe(0);
    expect(par.placementChecksum).toBe(seq.placementChecksum);
    expect(par.scheduled).toBe(seq.scheduled);
    expect(par.workers).toBeGreaterThan(0);
    expect(par.batch!.speculated).toBeGreaterThan(600);
  });

  it('loses no pod when a worker is killed mid-run', async () => {
    const seq = await runBench({ ...spec, registry: REGISTRY, kernels });
    const par = await runBench({ ...spec, registry: REGISTRY, kernels, workers: 2, pool, forceBatch: true, batch: { chunkPods: 64, faults: { exitOnChunk: 3 }, maxSessions: 2 } });
    expect(par.placementChecksum).toBe(seq.placementChecksum);
    expect(par.pods).toBe(spec.pods);
    expect(par.scheduled + par.unschedulable).toBe(spec.pods);
    expect(par.batch!.sessionFailures).toBeGreaterThanOrEqual(1);
  });

  it('bypasses the pool for a workload of replicas (class batching decides them on this thread)', async () => {
    expect(batchPays(1e6, 1e6, 0)).toBe(false);
    expect(batchPays(5000, 10000, 0)).toBe(false);
    const r = await runCli('bench', 'SchedulingBasic', '--nodes', '50', '--pods', '200', '--workers', '2', '-o', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ workers: 0, scheduled: 200 });
  });

  it('sends queues of mostly distinct pods to the workers from the large-cluster break-even', () => {
    const replicas = Array.from({ length: 600 }, (_, i) => makePodInfo(defaultPerfPod(i)));
    const distinct = Array.from({ length: 600 }, (_, i) => makePodInfo(makePod(`d${i}`).req({ cpu: `${100 + i}m` }).build()));
    const half = [...replicas.slice(0, 300), ...distinct.slice(0, 300)];
    expect(distinctShare(replicas)).toBe(0);
    expect(distinctShare(distinct)).toBe(1);
    expect(distinctShare(half)).toBe(0.5);
    expect(batchPays(1e6, 1e6, distinctShare(replicas))).toBe(false);
    expect(batchPays(5000, 10000, distinctShare(distinct))).toBe(false);
    expect(batchPays(1e6, 1e6, distinctShare(half))).toBe(false);
    expect(batchPays(BATCH_MIN_NODES_DISTINCT, BATCH_MIN_PODS_DISTINCT, 1)).toBe(true);
    expect(batchPays(BATCH_MIN_NODES_DISTINCT - 1, BATCH_MIN_PODS_DISTINCT, 1)).toBe(false);
  });

  it('--workers-always uses the workers below the break-even, with the same checksum', async () => {
    const args = ['bench', 'SchedulingBasic', '--nodes', '200', '--pods', '600', '-o', 'json'];
    const seq = JSON.parse((await runCli(...args, '--workers', '0')).stdout) as BenchResult;
    const r = await runCli(...args, '--workers', '2', '--workers-always');
    expect(r.code).toBe(0);
    const par = JSON.parse(r.stdout) as BenchResult;
    expect(par.workers).toBeGreaterThan(0);
    expect(par.batch).toMatchObject({ pods: 600 });
    expect(par.placementChecksum).toBe(seq.placementChecksum);
  });

  it('runs --repeat repetitions one per worker thread, with identical checksums', async () => {
    const r = await runCli('bench', 'SchedulingBasic', '--nodes', '40', '--pods', '150', '--repeat', '3', '--workers', '2', '-o', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as BenchResult & { repetitions: BenchResult[] };
    expect(j.workers).toBe(2);
    expect(j.repetitions).toHaveLength(3);
    expect(new Set(j.repetitions.map((x) => x.placementChecksum))).toEqual(new Set([j.placementChecksum]));
    const seq = JSON.parse((await runCli('bench', 'SchedulingBasic', '--nodes', '40', '--pods', '150', '--workers', '0', '-o', 'json')).stdout) as BenchResult;
    expect(j.placementChecksum).toBe(seq.placementChecksum);
  });

  it('rejects a bad --workers or --repeat (exit 2)', async () => {
    expect((await runCli('bench', 'SchedulingBasic', '--workers', '-1')).code).toBe(2);
    expect((await runCli('bench', 'SchedulingBasic', '--repeat', '0')).code).toBe(2);
  });
});

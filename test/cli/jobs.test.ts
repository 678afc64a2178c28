/**
 * The CLI's pool jobs: a worker imports the module by URL and calls the export, which wires the
 * built-in plugins as the commands do.
 */
import { describe, expect, it } from 'vitest';
import { defaultSchedulerConfig } from '../../src/api/config.js';
import { BENCH_REPETITION_JOB, benchRepetition } from '../../src/cli/jobs.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import { REGISTRY } from '../../src/plugins/registry.js';
import { runBench } from '../../src/workloads/runner.js';

describe('BENCH_REPETITION_JOB', () => {
  it('names its own module and export', async () => {
    const mod = (await import(BENCH_REPETITION_JOB.moduleUrl)) as Record<string, unknown>;
    expect(mod[BENCH_REPETITION_JOB.exportName]).toBe(BENCH_REPETITION_JOB.run);
  });

  it('runs one repetition with its own kernels: the sequential result', async () => {
    const spec = { workload: 'SchedulingBasic' as const, nodes: 20, initPods: 10, pods: 60, seed: 5, config: defaultSchedulerConfig() };
    const rep = await benchRepetition({ ...spec, engine: 'js' });
    const seq = await runBench({ ...spec, registry: REGISTRY, kernels: createJsKernels() });
    expect(rep.placementChecksum).toBe(seq.placementChecksum);
    expect(rep).toMatchObject({ engine: 'js', workers: 0, scheduled: 60 });
  });
});

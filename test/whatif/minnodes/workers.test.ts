/**
 * `--workers` for minNodes (src/whatif/minnodes/jobs.ts): the heuristic portfolio spread over the
 * worker pool gives the same packing as workers 0, item for item.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeWorkerPool, workerPool } from '../../../src/parallel/pool.js';
import { defaultSchedulerConfig } from '../../../src/api/config.js';
import { Scheduler } from '../../../src/framework/scheduler.js';
import { createJsKernels } from '../../../src/kernel/js-kernels.js';
import { ClusterState } from '../../../src/model/cluster-state.js';
import { makePodInfo } from '../../../src/model/pod-info.js';
import { REGISTRY } from '../../../src/plugins/registry.js';
import { solveMinNodes, solveMinNodesParallel } from '../../../src/whatif/minnodes/index.js';
import { plainModel, solveNumeric, solveNumericParallel } from '../../../src/whatif/minnodes/solve.js';
import { makeNode, makePod } from '../../helpers/builders.js';

afterAll(() => closeWorkerPool());

describe('minNodes --workers', () => {
  it('equals workers 0 (two templates, cost objective, search on)', async () => {
    let x = 7;
    const rnd = (k: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % k);
    const items = Array.from({ length: 150 }, () => [1 + rnd(40), 1 + rnd(60), 1]);
    const m = plainModel(['cpu', 'memory', 'pods'], [{ name: 'a', capacity: [100, 100, 30], price: 1 }, { name: 'b', capacity: [160, 220, 30], price: 1.9 }], items);
    const opts = { objective: 'cost' as const, seed: 4, effortMax: 1_000_000 };
    const seq = solveNumeric(m, opts);
    const failures: string[] = [];
    const pool = await workerPool(2, (line) => failures.push(line));
    const par = await solveNumericParallel(m, pool, opts);
    expect(par.heuristic).toBe(seq.heuristic);
    expect(Array.from(par.snapshot.itemBin)).toEqual(Array.from(seq.snapshot.itemBin));
    expect(Array.from(par.snapshot.binTemplate)).toEqual(Array.from(seq.snapshot.binTemplate));
    expect(par.objective).toBe(seq.objective);
    expect(failures).toEqual([]); // ran on the workers, no fallback to this thread
  }, 120_000);

  it('solveMinNodesParallel equals solveMinNodes (placements, nodes, bound)', async () => {
    const run = async (parallel: boolean) => {
      const kernels = createJsKernels();
      const state = new ClusterState(kernels.createTableMemory());
      state.addNode(makeNode('old').capacity({ cpu: '4', memory: '8Gi', pods: 110 }).build());
      const scheduler = new Scheduler({ registry: REGISTRY, state, kernels, config: defaultSchedulerConfig(), seed: 7 });
      const pending = Array.from({ length: 40 }, (_, i) => makePodInfo(makePod(`p${i}`).req({ cpu: `${200 + 100 * (i % 7)}m`, memory: `${256 * (1 + (i % 5))}Mi` }).build()));
      const opts = { templates: [{ node: makeNode('m').capacity({ cpu: '4', memory: '16Gi', pods: 110 }).build() }], seed: 2, effortMax: 500_000 };
      return parallel ? solveMinNodesParallel(scheduler, pending, opts, await workerPool(2)) : solveMinNodes(scheduler, pending, opts);
    };
    const [a, b] = [await run(false), await run(true)];
    expect(b.placements).toEqual(a.placements);
    expect([b.nodes, b.lowerBound]).toEqual([a.nodes, a.lowerBound]);
  }, 120_000);
});

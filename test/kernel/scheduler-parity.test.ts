/**
 * Scheduler-level parity: on random clusters, pod sequences and configurations, every engine (js,
 * wasm SIMD, wasm scalar) and every execution the plan can choose (the fused cycle with and
 * without its score cache, class batching) makes the same decisions as the general per-plugin
 * path: same node, same FitError text, same feasible count, same PRNG draws, hence the same
 * placement checksum. The reference is the js engine on the general path.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSchedulerConfig, type SchedulerConfig } from '../../src/api/config.js';
import type { Node, Pod } from '../../src/api/k8s.js';
import { Scheduler } from '../../src/framework/scheduler.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import type { Kernels } from '../../src/kernel/kernels.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { makePodInfo, podClassKey } from '../../src/model/pod-info.js';
import { PlacementChecksum } from '../../src/workloads/checksum.js';
import { scheduleAndBind } from '../../src/workloads/runner.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { CONFIGS, TAINTS, config as configOf, nodeArb, nodeOf, podOf, profileArb, queueArb } from '../helpers/random-cluster.js';
import { loadWasmKernels } from './wasm-helper.js';
import { REGISTRY } from '../../src/plugins/registry.js';

let engines: Array<[string, Kernels]>;
beforeAll(async () => {
  engines = [['js', createJsKernels()], ['wasm-simd', await loadWasmKernels('simd')], ['wasm-scalar', await loadWasmKernels('scalar')]];
});

interface Decision {
  node: string | null;
  message: string | undefined;
  feasible: number;
}

/**
 * How cycles run: the general per-plugin path, every plugin on every node; the general path
 * leaving out the parts the plan shows constant; fused with or without the score cache (no class
 * batching); everything the plan allows (class batching, then fused, then general).
 */
type Mode = 'general' | 'general-constant' | 'fused' | 'fused-uncached' | 'plan';
const MODES: readonly Mode[] = ['general', 'general-constant', 'fused', 'fused-uncached', 'plan'];

async function run(kernels: Kernels, mode: Mode, config: SchedulerConfig, nodes: Node[], pods: Pod[], seed: number) {
  const state = new ClusterState(kernels.createTableMemory());
  for (const n of nodes) state.addNode(n);
  const scheduler = new Scheduler({
    registry: REGISTRY, state, config, kernels, seed,
    fusedCycle: mode !== 'general' && mode !== 'general-constant', scoreCache: mode !== 'fused-uncached', classBatching: mode === 'plan',
    constantParts: mode !== 'general',
  });
  const decisions: Decision[] = [];
  const checksum = new PlacementChecksum();
  for (const p of pods) {
    const pod = makePodInfo(p);
    if (mode === 'plan') podClassKey(pod);
    const fw = scheduler.frameworkFor(pod)!;
    const cs = fw.newCycleState();
    const r = scheduler.schedulePod(pod, {}, fw, cs);
    decisions.push({ node: r.selectedNode, message: r.message, feasible: r.feasibleNodes });
    if (r.selectedNode && !scheduler.assume(fw, cs, pod, r.selectedNode)) await scheduler.bind(fw, cs, pod, r.selectedNode);
    checksum.add(pod.key, state.placementOf(pod.key)?.node.name ?? null);
  }
  for (const fw of scheduler.frameworks.values()) {
    classDecisions += fw.classBatches.decisions;
    dynamicDecisions += fw.classBatches.dynamicDecisions;
  }
  return { decisions, checksum: checksum.digest(), draws: scheduler.prng.draws };
}

/** Decisions class batching made over all runs (the property must exercise it). */
let classDecisions = 0;
/** Of them, decisions of batches with dynamic parts (PodTopologySpread's zone and hostname spreading). */
let dynamicDecisions = 0;

describe('scheduler parity: js/wasm engines, fused and general paths', () => {
  it('make identical decisions on random clusters, pods and configurations', async () => {
    const configs = Object.fromEntries(Object.entries(CONFIGS).map(([k, v]) => [k, configOf(v, `${k}.yaml`)]));
    await fc.assert(
      fc.asyncProperty(
        fc.array(nodeArb, { minLength: 1, maxLength: 30 }),
        // Pod specs repeated like the replicas of a workload (what the score cache and class
        // batching are for), in runs or interleaved.
        queueArb,
        fc.oneof(fc.constantFrom(...Object.keys(CONFIGS)), profileArb),
        fc.integer({ min: 0, max: 1000 }),
        async (nodeSpecs, podSpecs, configName, seed) => {
          const nodes = nodeSpecs.map((n, i) => nodeOf(i, n));
          const pods = podSpecs.map((p, i) => podOf(i, p));
          const config = configs[configName] ?? configOf(configName);
          const ref = await run(engines[0]![1], 'general', config, nodes, pods, seed);
          for (const [name, k] of engines) {
            for (const mode of MODES) {
              if (name === 'js' && mode === 'general') continue;
              const got = await run(k, mode, config, nodes, pods, seed);
              expect(got, `${name} ${mode} config=${configName}`).toEqual(ref);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(classDecisions).toBeGreaterThan(100);
    expect(dynamicDecisions).toBeGreaterThan(20);
  });

  it('normalizes class-scoped scores over the classes that have a feasible node only', async () => {
    // A (infeasible: 1 cpu) has 2 PreferNoSchedule taints, B one, C none. TaintToleration's
    // normalization must use max = 1 (B, C): C gets 100, B 0; with A counted B would get 50, and
    // B's MostAllocated lead (a nearly full node) would then win.
    const config = configOf(CONFIGS.mostAllocated!, 'most.yaml');
    const nodes = [
      makeNode('a').capacity({ cpu: '1', memory: '32Gi', pods: 110 }).taint(TAINTS[1]!).taint(TAINTS[2]!).build(),
      makeNode('b').capacity({ cpu: '4', memory: '4Gi', pods: 110 }).taint(TAINTS[1]!).build(),
      makeNode('c').capacity({ cpu: '16', memory: '32Gi', pods: 110 }).build(),
    ];
    const filler = makePod('filler').req({ cpu: '1900m', memory: '2969Mi' }).nodeName('b').build();
    const pod = makePod('p').req({ cpu: '2', memory: '1Gi' }).build();
    for (const [name, k] of engines) {
      for (const fused of [false, true]) {
        const state = new ClusterState(k.createTableMemory());
        for (const n of nodes) state.addNode(n);
        state.addPod(makePodInfo(filler), 'b');
        const scheduler = new Scheduler({ registry: REGISTRY, state, config, kernels: k, seed: 1, fusedCycle: fused });
        expect(scheduler.schedulePod(makePodInfo(pod)).selectedNode, `${name} fused=${fused}`).toBe('c');
      }
    }
  });

  it('takes the fused path for the default profile (and not when explaining)', async () => {
    for (const [, k] of engines) {
      const state = new ClusterState(k.createTableMemory());
      for (let i = 0; i < 20; i++) state.addNode(makeNode(`n${i}`).capacity({ cpu: '4', memory: '8Gi', pods: 110 }).build());
      const config = parseSchedulerConfig('apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n', 'default.yaml');
      const scheduler = new Scheduler({ registry: REGISTRY, state, config, kernels: k, seed: 1 });
      const fw = scheduler.defaultFramework;
      let fusedCalls = 0;
      const filter = fw.fused.filter.bind(fw.fused);
      fw.fused.filter = (cs, pod, plan) => {
        fusedCalls++;
        return filter(cs, pod, plan);
      };
      const pod = makePodInfo(makePod('p').req({ cpu: '1', memory: '1Gi' }).build());
      expect(scheduler.schedulePod(pod).selectedNode).not.toBeNull();
      expect(fusedCalls).toBe(1);
      scheduler.schedulePod(pod, { explain: true });
      expect(fusedCalls).toBe(1);
      // Every node: one decision of the fused path equals the general one (same PRNG state).
      const general = new Scheduler({ registry: REGISTRY, state, config, kernels: k, seed: 1, fusedCycle: false });
      const fresh = new Scheduler({ registry: REGISTRY, state, config, kernels: k, seed: 1 });
      expect(fresh.schedulePod(pod).selectedNode).toBe(general.schedulePod(pod).selectedNode);
    }
  });
});

/**
 * NodeResourcesBalancedAllocation (kube `noderesources/balanced_allocation.go`), v1.32
 * semantics (K8S-FACTS.md §5.3): favours nodes whose utilisation fractions of the configured
 * resources (default cpu, memory) are close to each other, `trunc((1 - std) * 100)`, using real
 * requests (no non-zero defaults). Scores are already 0..100: no NormalizeScore.
 *
 * Best-effort pods: v1.33 (PR #130260, merged Feb 2025, after v1.32 was released) makes PreScore
 * return Skip when every configured request is 0. v1.32's PreScore has no such check, so here a
 * best-effort pod is scored like any other pod.
 */
import type { FrameworkHandle, PluginDefinition, PreScorePlugin, ScorePlugin } from '../../framework/interfaces.js';
import { STRATEGY_BALANCED_ALLOCATION } from '../../kernel/kernels.js';
import { ResourceAllocationScorer } from '../shared/resource-allocation.js';
import type { ResourceKernelScore as FusedResourceScorer } from '../../framework/traits.js';
import { argsSchema, type NodeResourcesBalancedAllocationArgs } from './args.js';

/** kube's plugin name. */
export const NAME = 'NodeResourcesBalancedAllocation';

/** CycleState key of the PreScore state (kube: "PreScore" + Name). */
export const PRE_SCORE_STATE_KEY = `PreScore${NAME}`;

/** The plugin instance's extension points (and its kernel arguments for the fused cycle). */
export type NodeResourcesBalancedAllocationPlugin = PreScorePlugin & ScorePlugin & FusedResourceScorer;

/** Builds the plugin from already-defaulted args (argsSchema output). */
export function newNodeResourcesBalancedAllocation(
  args: NodeResourcesBalancedAllocationArgs,
  handle: FrameworkHandle,
): NodeResourcesBalancedAllocationPlugin {
  const { state, kernels } = handle;
  const scorer = new ResourceAllocationScorer({
    resources: args.resources,
    strategy: STRATEGY_BALANCED_ALLOCATION,
    useRequested: true,
    allocI32: (n) => kernels.allocI32(n),
  });
  return { name: NAME, ...scorer.scorePoints(PRE_SCORE_STATE_KEY, kernels, state) };
}

/** Registry entry for NodeResourcesBalancedAllocation. */
export const definition: PluginDefinition<NodeResourcesBalancedAllocationArgs> = {
  name: NAME,
  points: ['preScore', 'score'],
  argsSchema,
  implemented: true,
  traits: { score: () => 'row', scoreKernel: 'resource' },
  factory: newNodeResourcesBalancedAllocation,
};

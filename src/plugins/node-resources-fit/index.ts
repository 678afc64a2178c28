/**
 * NodeResourcesFit (kube `noderesources/fit.go`), kube-scheduler v1.32 semantics:
 * - PreFilter computes the pod's request vector once (K8S-FACTS.md §6.1; sidecars are counted
 *   by PodInfo's aggregation, SidecarContainers being on in 1.32, so the "feature is disabled"
 *   rejection never happens);
 * - Filter runs the fit kernel once over all candidate nodes and maps each distinct mask to a
 *   prebuilt Unschedulable status ("Too many pods", "Insufficient <resource>");
 * - PreScore/Score rank nodes with the configured scoringStrategy (LeastAllocated,
 *   MostAllocated, RequestedToCapacityRatio; §5.1-5.2) using non-zero requests for cpu/memory.
 *   Scores are already 0..100: no NormalizeScore.
 * NodeTable columns are read only through the kernels.
 */
import type {
  FilterPlugin,
  FrameworkHandle,
  PluginDefinition,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from '../../framework/interfaces.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { Status } from '../../framework/status.js';
import {
  STRATEGY_LEAST_ALLOCATED,
  STRATEGY_MOST_ALLOCATED,
  STRATEGY_REQUESTED_TO_CAPACITY_RATIO,
} from '../../kernel/kernels.js';
import { MaskScratch, RowScratch } from '../shared/resource-rows.js';
import { ResourceAllocationScorer, sameRequests } from '../shared/resource-allocation.js';
import type { FitKernelFilter as FusedFitFilter, ResourceKernelScore as FusedResourceScorer } from '../../framework/traits.js';
import { argsSchema, type NodeResourcesFitArgs, type ScoringStrategyType } from './args.js';
import { buildFitRequest, type FitRequest, type IgnoredResources } from './fit-request.js';
import { PodfitError } from '../../model/error-codes.js';

/** kube's plugin name. */
export const NAME = 'NodeResourcesFit';

/** CycleState key of the PreFilter state (kube: "PreFilter" + Name). */
export const PRE_FILTER_STATE_KEY = `PreFilter${NAME}`;

/** CycleState key of the PreScore state (kube: "PreScore" + Name). */
export const PRE_SCORE_STATE_KEY = `PreScore${NAME}`;

/** Kernel strategy number of each scoringStrategy.type. */
const STRATEGY_OF: Record<ScoringStrategyType, number> = {
  LeastAllocated: STRATEGY_LEAST_ALLOCATED,
  MostAllocated: STRATEGY_MOST_ALLOCATED,
  RequestedToCapacityRatio: STRATEGY_REQUESTED_TO_CAPACITY_RATIO,
};

/** The plugin instance's extension points (and its kernel arguments for the fused cycle). */
export type NodeResourcesFitPlugin = PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & FusedFitFilter & FusedResourceScorer;

/** kube's Filter error when PreFilter did not run (framework.ErrNotFound's text). */
const MISSING_PRE_FILTER = `error reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`;

/** Builds the plugin from already-defaulted args (argsSchema output). */
export function newNodeResourcesFit(args: NodeResourcesFitArgs, handle: FrameworkHandle): NodeResourcesFitPlugin {
  const { state, kernels } = handle;
  const ignored: IgnoredResources = {
    names: new Set(args.ignoredResources),
    groups: new Set(args.ignoredResourceGroups),
  };
  const strategy = args.scoringStrategy;
  const strategyNumber = STRATEGY_OF[strategy.type];
  if (strategyNumber === undefined) {
    throw new PodfitError('PODFIT_ERR_PLUGIN_ARGS', `NodeResourcesFit: scoring strategy ${String(strategy.type)} is not supported`);
  }
  const scorer = new ResourceAllocationScorer({
    resources: strategy.resources,
    strategy: strategyNumber,
    useRequested: false,
    shape: strategy.requestedToCapacityRatio?.shape ?? [],
    allocI32: (n) => kernels.allocI32(n),
  });
  const rows = new RowScratch((n) => kernels.allocI32(n));
  const masks = new MaskScratch((n) => kernels.allocI32(n));
  let lastRequest: { slotCount: number; requests: ReadonlyMap<string, number>; req: FitRequest } | undefined;

  return {
    name: NAME,
    preFilter(cs: CycleState, pod) {
      // Consecutive pods with the same requests share one FitRequest (and its status memo): it
      // depends only on the requests and the table's slots, which only grow.
      const table = state.table;
      if (!lastRequest || lastRequest.slotCount !== table.slotCount || !sameRequests(lastRequest.requests, pod.requests)) {
        lastRequest = { slotCount: table.slotCount, requests: pod.requests, req: buildFitRequest(pod, table, ignored) };
      }
      cs.write(PRE_FILTER_STATE_KEY, lastRequest.req);
      return { status: null };
    },
    filter(cs, _pod, nodes, out) {
      const req = cs.read<FitRequest>(PRE_FILTER_STATE_KEY);
      if (!req) {
        const err = Status.error(MISSING_PRE_FILTER);
        for (let i = 0; i < nodes.length; i++) out[i] = err;
        return;
      }
      const n = nodes.length;
      if (n === 0) return;
      const table = state.table;
      const rowList = rows.gather(nodes);
      const maskList = masks.take(n * req.words);
      kernels.fitBatch(table.region, table.capacity, rowList, n, req, maskList);
      for (let i = 0; i < n; i++) out[i] = req.statusAt(maskList, i);
    },
    ...scorer.scorePoints(PRE_SCORE_STATE_KEY, kernels, state),
    fusedFitRequest(cs: CycleState) {
      return cs.read<FitRequest>(PRE_FILTER_STATE_KEY);
    },
  };
}

/** Registry entry for NodeResourcesFit. */
export const definition: PluginDefinition<NodeResourcesFitArgs> = {
  name: NAME,
  points: ['preFilter', 'filter', 'preScore', 'score'],
  argsSchema,
  implemented: true,
  // Both parts are kernels over the node's NodeTable row; scores need no NormalizeScore.
  traits: { filter: () => 'row', score: () => 'row', filterKernel: 'fit', scoreKernel: 'resource' },
  factory: newNodeResourcesFit,
};

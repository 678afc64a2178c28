/**
 * kube's resourceAllocationScorer (noderesources/resource_allocation.go), shared by
 * NodeResourcesFit scoring and NodeResourcesBalancedAllocation: the pod's request per configured
 * resource, the exclusion rules, and one kernel call per Score (K8S-FACTS.md §5.1).
 *
 * Exclusion rules (kube's calculateResourceAllocatableRequest + score()): a resource whose node
 * allocatable is 0 is left out of the weight sum (done per row by the kernel); so is a scalar
 * resource (extended, hugepages-*, kubernetes.io/-prefixed, attachable-volumes-*) the pod
 * requests 0 of, and any name kube does not score at all (`pods`, or a non-scalar name that is
 * not cpu/memory/ephemeral-storage): those are per pod, so they are decided here once and handed
 * to the kernel as SLOT_ABSENT.
 */
import type { Kernels, ScorerArgs } from '../../kernel/kernels.js';
import { SLOT_ABSENT } from '../../kernel/kernels.js';
import { SCORER, withFields } from '../../kernel/descriptors.js';
import type { ClusterState, NodeInfo } from '../../model/cluster-state.js';
import type { NodeTable } from '../../model/node-table.js';
import type { PodInfo } from '../../model/pod-info.js';
import { CPU, isScalarResourceName, MEMORY, PODS } from '../../model/resources.js';
import { MAX_CUSTOM_PRIORITY_SCORE, MAX_NODE_SCORE } from '../../model/limits.js';
import { Status } from '../../framework/status.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { PreScorePlugin, ScorePlugin } from '../../framework/interfaces.js';
import { RowScratch } from './resource-rows.js';
import type { ResourceKernelScore as FusedResourceScorer } from '../../framework/traits.js';

/** A configured resource and its weight (kube ResourceSpec). */
export interface ScoredResource {
  readonly name: string;
  readonly weight: number;
}

/** A RequestedToCapacityRatio shape point as configured (score 0..10). */
export interface ShapePoint {
  readonly utilization: number;
  readonly score: number;
}

/**
 * PreScore state: the kernel's scorer record for the pod, whose `podRequests` and `slots` are the
 * pod's request and the slot scored per configured resource (kube's podRequests); pluginWeight 1
 * (a plugin's own score).
 */
export interface ResourceScoreState {
  readonly scorer: ScorerArgs;
}

/** A resource plugin's PreScore and Score, and its arguments for the fused cycle. */
export type ResourceScorePoints = Pick<PreScorePlugin, 'preScore'> & Pick<ScorePlugin, 'score'> & FusedResourceScorer;

/** What a scorer is built from. */
export interface ResourceScorerOptions {
  readonly resources: readonly ScoredResource[];
  /** One of the kernel STRATEGY_* constants. */
  readonly strategy: number;
  /**
   * kube's useRequested: true (BalancedAllocation) scores real requests; false (Fit) scores
   * cpu/memory with the non-zero defaults on both the pod and the node side.
   */
  readonly useRequested: boolean;
  /** RequestedToCapacityRatio shape, scores 0..10 as configured. */
  readonly shape?: readonly ShapePoint[];
  /** Allocator for the row scratch (Kernels.allocI32, so the wasm engine reads it in place). */
  readonly allocI32?: (length: number) => Int32Array;
}

/** One configured scorer: constant per plugin instance, one kernel call per Score. */
export class ResourceAllocationScorer {
  private readonly names: readonly string[];
  private readonly scalar: readonly boolean[];
  private readonly useRequested: boolean;
  /** The scorer record's per-plugin fields; a pod's slots and requests complete it (computeState). */
  private readonly constants: Omit<ScorerArgs, 'slots' | 'podRequests'>;
  private readonly rows: RowScratch;

  constructor(opts: ResourceScorerOptions) {
    this.rows = new RowScratch(opts.allocI32);
    this.names = opts.resources.map((r) => r.name);
    this.scalar = this.names.map((n) => isScalarResourceName(n));
    this.useRequested = opts.useRequested;
    const shape = opts.shape ?? [];
    // kube scales shape scores from 0..MaxCustomPriorityScore to 0..MaxNodeScore (int64 `*`, `/`).
    const scale = Math.trunc(MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE);
    this.constants = {
      strategy: opts.strategy,
      resourceCount: this.names.length,
      useNonZero: opts.useRequested ? 0 : 1,
      shapeCount: shape.length,
      weights: Float64Array.from(opts.resources.map((r) => r.weight)),
      shapeUtilization: Float64Array.from(shape.map((p) => p.utilization)),
      shapeScore: Float64Array.from(shape.map((p) => p.score * scale)),
      pluginWeight: 1,
    };
  }

  /** Number of configured resources. */
  get resourceCount(): number {
    return this.names.length;
  }

  /**
   * kube's calculatePodResourceRequestList: per configured resource the pod's aggregated request
   * (cpu milli); with !useRequested, cpu and memory are the non-zero requests.
   */
  podRequests(pod: PodInfo): Float64Array {
    const out = new Float64Array(this.names.length);
    for (let j = 0; j < this.names.length; j++) {
      const name = this.names[j]!;
      if (!this.useRequested && name === CPU) out[j] = pod.nonZeroCpuMilli;
      else if (!this.useRequested && name === MEMORY) out[j] = pod.nonZeroMemoryBytes;
      else out[j] = pod.requests.get(name) ?? 0;
    }
    return out;
  }

  /**
   * The PreScore state for a pod: requests plus the slot (or SLOT_ABSENT) each resource is scored
   * on. Consecutive pods with the same requests (a workload's replicas) share one state object:
   * it depends only on the requests and on the table's slots (which only grow).
   */
  stateFor(pod: PodInfo, table: NodeTable): ResourceScoreState {
    const last = this.last;
    if (
      last && last.table === table && last.slotCount === table.slotCount && last.nonZeroCpuMilli === pod.nonZeroCpuMilli &&
      last.nonZeroMemoryBytes === pod.nonZeroMemoryBytes && sameRequests(last.requests, pod.requests)
    ) {
      return last.state;
    }
    const state = this.computeState(pod, table);
    this.last = { table, slotCount: table.slotCount, requests: pod.requests, nonZeroCpuMilli: pod.nonZeroCpuMilli, nonZeroMemoryBytes: pod.nonZeroMemoryBytes, state };
    return state;
  }

  private last:
    | { table: NodeTable; slotCount: number; requests: ReadonlyMap<string, number>; nonZeroCpuMilli: number; nonZeroMemoryBytes: number; state: ResourceScoreState }
    | undefined;

  private computeState(pod: PodInfo, table: NodeTable): ResourceScoreState {
    const podRequests = this.podRequests(pod);
    const slots = new Int32Array(this.names.length);
    for (let j = 0; j < this.names.length; j++) {
      const name = this.names[j]!;
      const slot = table.slots.slotOf(name);
      const excluded =
        (this.scalar[j]! && podRequests[j] === 0) || name === PODS || slot < 0 || slot >= table.slotCount;
      slots[j] = excluded ? SLOT_ABSENT : slot;
    }
    return { scorer: withFields(SCORER, this.constants, { slots, podRequests }) };
  }

  /** The kernel arguments of a fused cycle for a pod's state; undefined when score() would fail. */
  fusedArgs(state: ResourceScoreState): ScorerArgs | undefined {
    return this.names.length === 0 ? undefined : state.scorer;
  }

  /** Scores `nodes` into `out` with one kernel call. Error when no resources are configured (kube). */
  score(kernels: Kernels, table: NodeTable, nodes: readonly NodeInfo[], state: ResourceScoreState, out: Float64Array): Status | null {
    if (this.names.length === 0) return Status.error('resources not found');
    kernels.resourceScoreBatch(table.region, table.capacity, table.slotCount, this.rows.gather(nodes), nodes.length, state.scorer, out);
    return null;
  }

  /**
   * PreScore, Score and fusedResourceScore of a plugin that is this scorer, its state under
   * CycleState key `key` (kube's "PreScore" + name); Score computes the state itself when
   * PreScore did not run, as kube does.
   */
  scorePoints(key: string, kernels: Kernels, state: ClusterState): ResourceScorePoints {
    const stateOf = (cs: CycleState, pod: PodInfo) => cs.read<ResourceScoreState>(key) ?? this.stateFor(pod, state.table);
    return {
      preScore: (cs, pod) => {
        cs.write(key, this.stateFor(pod, state.table));
        return null;
      },
      score: (cs, pod, nodes, out) => this.score(kernels, state.table, nodes, stateOf(cs, pod), out),
      fusedResourceScore: (cs, pod) => this.fusedArgs(stateOf(cs, pod)),
    };
  }
}

/** Whether two request lists hold the same amounts (order aside). */
export function sameRequests(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

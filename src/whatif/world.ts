/**
 * The cluster a what-if works on: the ClusterState (nodes, placed pods, the NodeTable), the
 * cluster's objects (PDBs, PriorityClasses, Namespaces, Services...), the pending pods in the
 * order they arrived, the DaemonSets (their pods follow added nodes), and the one Scheduler that
 * places pods on it. A question takes its own copy (`clone`): a column copy of the state, the
 * lists copied, the objects in them shared.
 *
 * One Scheduler per world for its whole life. The last user of a world may take its cluster
 * itself instead of a copy (`handOver`): a new world over the same state, with a new scheduler;
 * the old world is spent. Besides the state, the two schedulers share only its TopologyIndex
 * (model/topology-index.ts: one per state, the one listener of its placements, exact counts), so
 * the new one decides as a scheduler built on a copy would, without copying the placements or
 * indexing the pods again; the old one is never asked again.
 */
import type { SchedulerConfig } from '../api/config.js';
import type { Pod } from '../api/k8s.js';
import { Scheduler } from '../framework/scheduler.js';
import type { PluginRegistry } from '../framework/interfaces.js';
import type { Kernels } from '../kernel/kernels.js';
import type { ClusterObjects } from '../model/cluster-objects.js';
import type { ClusterState } from '../model/cluster-state.js';
import type { PodInfo } from '../model/pod-info.js';
import { capacityConfig } from './capacity.js';

/** What every world of a run shares: the engine and the seed. */
export interface WhatifEngine {
  readonly kernels: Kernels;
  /** The plugins (plugins/registry.ts REGISTRY; handed in by cli/, whatif imports no plugin). */
  readonly registry: PluginRegistry;
  readonly seed: number;
}

/**
 * The configuration a what-if schedules with: the profiles without PostFilter (preemption), as
 * `capacity` and `schedule --all-pending` place pods: a pod that fits nowhere stays pending with
 * kube's FitError, and no running pod is evicted for it.
 */
export function whatifConfig(config: SchedulerConfig): SchedulerConfig {
  return capacityConfig(config, false);
}

/** One cluster of a what-if and its scheduler. */
export class WhatifWorld {
  readonly scheduler: Scheduler;
  /** Set by handOver: the cluster belongs to another world now, and this one must not be copied or handed on. */
  private spent = false;

  private constructor(
    readonly engine: WhatifEngine,
    /** The configuration as the scenario gave it (before whatifConfig). */
    readonly config: SchedulerConfig,
    readonly state: ClusterState,
    readonly objects: ClusterObjects,
    /** Pods waiting to be scheduled, in arrival order (the queue sorts them). */
    readonly pending: PodInfo[],
    /** DaemonSet objects, as read or applied: their pods follow nodes added later. */
    readonly daemonSets: Record<string, unknown>[],
  ) {
    this.scheduler = new Scheduler({
      state, config: whatifConfig(config), kernels: engine.kernels, registry: engine.registry, seed: engine.seed, objects,
    });
  }

  /** A world over a state built for it (cluster/snapshot.ts buildClusterState). */
  static create(engine: WhatifEngine, config: SchedulerConfig, state: ClusterState, objects: ClusterObjects, pending: readonly PodInfo[], daemonSets: readonly Record<string, unknown>[]): WhatifWorld {
    return new WhatifWorld(engine, config, state, objects, [...pending], [...daemonSets]);
  }

  /** A copy whose changes never show here, scheduling with `config` (default: this world's), its PRNG seeded afresh. */
  clone(config: SchedulerConfig = this.config): WhatifWorld {
    this.assertLive('clone');
    const state = this.state.clone(this.engine.kernels.createTableMemory());
    return new WhatifWorld(this.engine, config, state, this.objects.clone(), [...this.pending], [...this.daemonSets]);
  }

  /**
   * This world's cluster itself for its last user, scheduling with `config` (default: this
   * world's), its PRNG seeded afresh: the answers of clone(config), without the copy (a copy of
   * 100,000 placements and a scheduler indexing them again: ~0.5 s on 5,000 nodes, BENCHMARKS.md
   * "What-if"). This world is spent: nothing may read or change it afterwards.
   */
  handOver(config: SchedulerConfig = this.config): WhatifWorld {
    this.assertLive('handOver');
    this.spent = true;
    return new WhatifWorld(this.engine, config, this.state, this.objects, this.pending, this.daemonSets);
  }

  private assertLive(what: string): void {
    if (this.spent) throw new Error(`WhatifWorld.${what}: the world was handed over; its cluster is another world's now`);
  }

  /** Every pod of the cluster, placed then pending (names taken, for generators). */
  allPods(): Pod[] {
    const out: Pod[] = [];
    for (const n of this.state.nodes) for (const p of n.pods) out.push(p.pod);
    for (const p of this.pending) out.push(p.pod);
    return out;
  }
}

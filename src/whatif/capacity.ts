/**
 * Capacity: how many more instances of a pod template the cluster can take, answered as
 * cluster-capacity answers it: clone the template and let the scheduler place each clone where it
 * would place it (the full profile, every filter and score), until a clone does not fit or a limit
 * is reached. Several templates run one after another on the cluster as the earlier ones left it.
 *
 * The clones of a template are one pod class (model/pod-info.ts clonePodInfo), so the scheduler's
 * class batching (framework/class-batch.ts) decides them from an ordered index instead of a scan
 * per clone; the decisions are those of one cycle per clone.
 *
 * Beyond cluster-capacity: `replicas` places exactly N clones of a template and reports how many
 * did not fit; with `preemption` the profile's PostFilter (DefaultPreemption) runs for a clone that
 * fits nowhere, its victims are evicted and the clone placed on the nominated node, and the
 * evictions are reported; the remaining free capacity per resource is reported after the run.
 */
import type { SchedulerConfig } from '../api/config.js';
import type { Pod } from '../api/k8s.js';
import { fitErrorHistogram } from '../framework/fit-error.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { Framework } from '../framework/framework.js';
import type { Scheduler } from '../framework/scheduler.js';
import type { Status } from '../framework/status.js';
import type { ClusterState } from '../model/cluster-state.js';
import { clonePodInfo, type PodInfo } from '../model/pod-info.js';

/** cluster-capacity's stop reasons (the text before the first colon of its StopReason). */
export type StopType = 'Unschedulable' | 'LimitReached' | 'SchedulerError';

/** Why a template's run ended. */
export interface StopReason {
  readonly type: StopType;
  /** kube's words for Unschedulable (the FitError), cluster-capacity's for LimitReached. */
  readonly message: string;
}

/** A pod a clone preempted (preemption on). */
export interface EvictedPod {
  /** `<namespace>/<name>` of the victim. */
  readonly pod: string;
  readonly node: string;
  readonly priority: number;
  /** The clone that preempted it. */
  readonly by: string;
}

/** One template to run. */
export interface CapacityTemplate {
  /** The decoded, defaulted template (capacityDefaults, then makePodInfo). */
  readonly info: PodInfo;
  /** Where it came from (a file name), for reports. */
  readonly source: string;
  /** Place exactly this many clones (cluster-capacity issue #139); absent: until one does not fit. */
  readonly replicas?: number;
}

/** Settings of a run. */
export interface CapacityOptions {
  /** cluster-capacity's --max-limit: stop after this many clones of a template (0 or absent: no limit). */
  readonly maxLimit?: number;
  /**
   * Run the profile's PostFilter for a clone that fits nowhere (preemption). The scheduler must
   * have been built with it; a profile without PostFilter plugins simply never preempts.
   */
  readonly preemption?: boolean;
}

/** What happened to one template. */
export interface TemplateOutcome {
  readonly template: CapacityTemplate;
  /** Clones placed. */
  readonly placed: number;
  /** With `replicas`: clones that did not fit (replicas - placed); otherwise 0. */
  readonly notPlaced: number;
  /** Node name -> clones placed there, in the order nodes first received one. */
  readonly replicasOnNodes: ReadonlyMap<string, number>;
  readonly stop: StopReason;
  /** The last clone's failure per reason: reason -> number of nodes (empty when it did not fail). */
  readonly failSummary: ReadonlyMap<string, number>;
  /** Pods the clones preempted, in order. */
  readonly evicted: readonly EvictedPod[];
}

/** The cluster's capacity left in one resource after the run. */
export interface RemainingResource {
  readonly resource: string;
  /** Sums over the nodes, in base units (cpu in millicores, memory in bytes, pods as a count). */
  readonly allocatable: number;
  readonly requested: number;
  /** Sum over nodes of max(0, allocatable - requested). */
  readonly free: number;
}

/** The answer of a run. */
export interface CapacityOutcome {
  readonly templates: readonly TemplateOutcome[];
  readonly remaining: readonly RemainingResource[];
  readonly nodes: number;
}

/**
 * The scheduler configuration a run uses: with preemption off (cluster-capacity's behaviour: it
 * stops at the first clone that does not fit), the profiles without their PostFilter plugins, so
 * a failing clone's message is the FitError alone.
 */
export function capacityConfig(config: SchedulerConfig, preemption: boolean): SchedulerConfig {
  if (preemption) return config;
  return { ...config, profiles: config.profiles.map((p) => ({ ...p, plugins: { ...p.plugins, postFilter: [] } })) };
}

/** cluster-capacity's LimitReached message. */
export const limitReachedMessage = (n: number): string => `Maximum number of pods simulated: ${n}`;
/** The LimitReached message when every requested replica was placed. */
export const replicasPlacedMessage = (n: number): string => `All ${n} requested replica(s) scheduled`;

/**
 * cluster-capacity's input defaults, applied to a copy of the template: namespace `default`,
 * schedulerName `default-scheduler`, dnsPolicy ClusterFirst, restartPolicy Always, containers'
 * terminationMessagePolicy FallbackToLogsOnError; spec.nodeName cleared ("reset any node
 * designation set"), and what a new pod cannot carry dropped (status, uid, resourceVersion,
 * creationTimestamp, managedFields). `priority` (--priority) replaces the template's priority: a
 * number sets spec.priority, a name sets spec.priorityClassName (admission resolves it).
 */
export function capacityDefaults(pod: Pod, priority?: number | string): Pod {
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, managedFields: _m, ...meta } = pod.metadata as Pod['metadata'] & Record<string, unknown>;
  const spec = { ...pod.spec } as Pod['spec'] & Record<string, unknown>;
  delete spec.nodeName;
  spec.schedulerName ||= 'default-scheduler';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.containers = (pod.spec.containers ?? []).map((c) => ({ terminationMessagePolicy: 'FallbackToLogsOnError', ...c }));
  if (typeof priority === 'number') {
    spec.priority = priority;
    delete spec.priorityClassName;
  } else if (typeof priority === 'string') {
    spec.priorityClassName = priority;
    delete spec.priority;
  }
  const out: Pod = { ...pod, metadata: { ...meta, namespace: pod.metadata.namespace || 'default' }, spec };
  delete (out as { status?: unknown }).status;
  return out;
}

/**
 * Runs the templates, in order, on the scheduler's cluster (which it changes: the clones stay
 * placed, the victims evicted). Deterministic: the same cluster, templates and seed give the same
 * answer.
 */
export function runCapacity(scheduler: Scheduler, templates: readonly CapacityTemplate[], opts: CapacityOptions = {}): CapacityOutcome {
  const state = scheduler.state;
  const counters = new Map<string, number>();
  const outcomes = templates.map((t) => runTemplate(scheduler, t, opts, counters));
  return { templates: outcomes, remaining: remainingCapacity(state), nodes: state.nodeCount };
}

function runTemplate(scheduler: Scheduler, t: CapacityTemplate, opts: CapacityOptions, counters: Map<string, number>): TemplateOutcome {
  const state = scheduler.state;
  const base = t.info;
  const fw = scheduler.frameworkFor(base);
  const limit = t.replicas ?? (opts.maxLimit && opts.maxLimit > 0 ? opts.maxLimit : Infinity);
  const byNode = new Map<string, number>();
  const evicted: EvictedPod[] = [];
  let placed = 0;
  let stop: StopReason | undefined;
  let failSummary = new Map<string, number>();
  // Clones are `<name>-<k>`, k counting on across templates of the same name and skipping names
  // the cluster already has.
  let k = counters.get(base.key) ?? 0;
  const nextClone = (): PodInfo => {
    let name = `${base.name}-${k++}`;
    while (state.placementOf(`${base.namespace}/${name}`)) name = `${base.name}-${k++}`;
    return clonePodInfo(base, name, `capacity-${base.namespace}-${name}`);
  };
  if (!fw) {
    stop = { type: 'SchedulerError', message: `no profile for schedulerName "${base.schedulerName}"` };
  }
  while (stop === undefined && placed < limit) {
    const clone = nextClone();
    const cs = fw!.newCycleState();
    let r = scheduler.schedulePod(clone, {}, fw, cs);
    let cycleState = cs;
    if (r.selectedNode === null && opts.preemption && r.nominatedNode && r.victims && r.victims.length > 0) {
      // kube deletes the victims and retries the pod, which then goes to its nominated node first.
      for (const v of r.victims) {
        evicted.push({ pod: v.key, node: r.nominatedNode, priority: v.priority, by: clone.name });
        state.removePod(v.key);
      }
      (clone.pod.status ??= {}).nominatedNodeName = r.nominatedNode;
      cycleState = fw!.newCycleState();
      r = scheduler.schedulePod(clone, {}, fw, cycleState);
    }
    const node = r.selectedNode;
    if (node === null) {
      const message = r.message ?? r.status?.message() ?? 'the pod could not be scheduled';
      stop = { type: r.status?.isRejected() === false ? 'SchedulerError' : 'Unschedulable', message };
      if (r.diagnosis) {
        failSummary = fitErrorHistogram(r.diagnosis);
        if (failSummary.size === 0 && r.diagnosis.preFilterMsg) failSummary.set(r.diagnosis.preFilterMsg, state.nodeCount);
      }
      break;
    }
    const rejected = commitClone(scheduler, fw!, cycleState, clone, node);
    if (rejected) {
      stop = { type: 'Unschedulable', message: rejected.message() };
      break;
    }
    placed++;
    byNode.set(node, (byNode.get(node) ?? 0) + 1);
  }
  counters.set(base.key, k);
  stop ??= t.replicas !== undefined
    ? { type: 'LimitReached', message: replicasPlacedMessage(t.replicas) }
    : { type: 'LimitReached', message: limitReachedMessage(limit) };
  return {
    template: t,
    placed,
    notPlaced: t.replicas !== undefined ? t.replicas - placed : 0,
    replicasOnNodes: byNode,
    stop,
    failSummary,
    evicted,
  };
}

/** Assume + bind one clone: null once it is placed, or the status of Reserve, Permit or the binder that rejected it. */
function commitClone(scheduler: Scheduler, fw: Framework, cs: CycleState, clone: PodInfo, node: string): Status | null {
  const c = scheduler.commit(fw, cs, clone, node);
  // 'binding': an asynchronous binder (capacity runs with the in-memory one): the clone stays assumed.
  return c.kind === 'rejected' ? c.status : null;
}

/** The cluster's remaining capacity per tracked resource, summed over its nodes. */
export function remainingCapacity(state: ClusterState): RemainingResource[] {
  const out: RemainingResource[] = [];
  for (const resource of state.table.slots.names) {
    let allocatable = 0;
    let requested = 0;
    let free = 0;
    for (const n of state.nodes) {
      const a = state.allocatableOf(n, resource);
      const q = state.requestedOf(n, resource);
      allocatable += a;
      requested += q;
      if (a > q) free += a - q;
    }
    if (allocatable === 0 && requested === 0) continue;
    out.push({ resource, allocatable, requested, free });
  }
  return out;
}

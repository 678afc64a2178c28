/**
 * minNodes (issue 14): the fewest added nodes (or the cheapest mix of priced node shapes) that hold
 * the pending pods, with a lower bound that says how far from the optimum the answer can be, and a
 * placement the real filters accept.
 *
 * 1. Numeric pods (oracle.ts: only requests and tolerations decide) become a vector bin-packing
 *    instance: existing nodes (their free capacity, used first) then nodes from the templates.
 *    solve.ts runs the heuristic portfolio and the local search, and the bounds (bounds.ts).
 * 2. The proposed nodes are added to the cluster, `<prefix>-<i>` from their template (its labels
 *    and taints, hostname label following the name: model/templates.ts nodeFromTemplate), and
 *    every proposed placement is checked by the profile's full PreFilter + Filter on that node
 *    before it is committed (assume + bind, as the scheduler commits). A rejected one joins step 3.
 * 3. The other pods (affinity, node selectors, topology spread, host ports, and any the filters
 *    rejected), in kube's queue order (priority, then input order), are scheduled by the real
 *    scheduler on the cluster as it now is; one that fits nowhere gets a fresh node of the
 *    preferred template that the filters accept; one no template can hold is unschedulable, with
 *    kube's FitError message.
 *
 * The scheduler's cluster is changed (nodes added, pods bound), as runCapacity changes it: pass a
 * scheduler over a copy of the state. Deterministic for a seed, unless the time limit cuts the
 * search short (`search.stop === 'deadline'` then says so).
 *
 * Entry point for the whatif question `minNodes` (to be registered by the question registry):
 * decode the question's templates into MinNodesTemplate, collect the pending pods, call
 * solveMinNodes with a scheduler over the scenario's cluster, and put the MinNodesResult in the
 * answers.
 */
import type { Node } from '../../api/k8s.js';
import type { Framework } from '../../framework/framework.js';
import type { Scheduler } from '../../framework/scheduler.js';
import type { NodeInfo } from '../../model/cluster-state.js';
import type { PodInfo } from '../../model/pod-info.js';
import { nodeFromTemplate } from '../../model/templates.js';
import type { UnschedulablePod } from '../result.js';
import { PODS } from '../../model/resources.js';
import { lowerBounds, type LowerBounds } from './bounds.js';
import type { JobRunner } from './jobs.js';
import { templateWeights, type Objective, type VectorModel } from './model.js';
import { buildModel, isNumericPod, type TemplateSpec } from './oracle.js';
import { solveNumeric, solveNumericParallel, type NumericOptions, type NumericResult } from './solve.js';

/** A node shape new nodes are made from. */
export interface MinNodesTemplate {
  /** The Node to copy (labels, taints, allocatable); its metadata.name names the template. */
  readonly node: Node;
  /** Price of one node (per hour, or any unit): needed by the cost objective. */
  readonly price?: number;
  /** Most nodes of this template (default: no limit). */
  readonly max?: number;
  /** Template name (default: node.metadata.name, else `template-<k>`); added nodes are `<prefix>-<i>`. */
  readonly name?: string;
  /** Prefix of added nodes' names (default: the template name). */
  readonly prefix?: string;
}

/** Settings of a minNodes run. */
export interface MinNodesOptions {
  readonly templates: readonly MinNodesTemplate[];
  /** nodes (default) or cost (needs a price on every template). */
  readonly objective?: Objective;
  /** Wall-clock limit of the whole answer, in seconds (default 10); the search stops early enough for the filters' pass. */
  readonly timeLimitSeconds?: number;
  readonly seed?: number;
  /** The local search's deterministic budget (move evaluations; solve.ts EFFORT_DEFAULT). */
  readonly effortMax?: number;
}

/** The answer (issue 14's `minNodes` question). */
export interface MinNodesResult {
  readonly type: 'minNodes';
  /** Nodes added. */
  readonly nodes: number;
  /** Template name -> nodes added of it. */
  readonly byTemplate: Readonly<Record<string, number>>;
  /** Summed price of the added nodes (null when a template has no price). */
  readonly cost: number | null;
  /**
   * A valid lower bound on `nodes` (objective nodes) or on `cost` (objective cost) for placing
   * every pod the answer places: bounds.ts on the numeric pods, the volume bound counting the
   * requests of the pods the real scheduler placed too.
   */
  readonly lowerBound: number;
  /** (answer - lowerBound) / lowerBound in the objective's unit; 0 when both are 0, null when only the bound is. */
  readonly gap: number | null;
  readonly objective: Objective;
  /** `namespace/pod` -> node, for every placed pending pod, in the order they were committed. */
  readonly placements: Readonly<Record<string, string>>;
  /** Pods no node (existing or from any template) can hold, with kube's FitError message. */
  readonly unschedulable: readonly UnschedulablePod[];
  /** Added node -> template name, in the order they were added. */
  readonly addedNodes: Readonly<Record<string, string>>;
  /** How the numeric core did: its answer before the filters, the FFD baseline, the bounds. */
  readonly numeric: {
    readonly pods: number;
    readonly nodes: number;
    readonly ffdNodes: number;
    readonly heuristic: string;
    readonly bounds: { readonly volume: number; readonly l2: number; readonly conflict: number };
    readonly searchStop?: string;
    /** Seconds of the numeric core (bounds, heuristics, search). */
    readonly seconds: number;
  };
  /** Pods the real scheduler placed (not numeric, or rejected by the filters where proposed). */
  readonly scheduledByFilters: number;
  readonly seconds: number;
}

/** Time the search leaves per pending pod for the filters' pass (about 3x the measured 50-70 µs). */
const FILTER_PASS_SECONDS_PER_POD = 200e-6;

/** Finds the fewest nodes (or cheapest mix) for `pending` on the scheduler's cluster; changes it. */
export function solveMinNodes(scheduler: Scheduler, pending: readonly PodInfo[], opts: MinNodesOptions): MinNodesResult {
  const p = prepare(scheduler, pending, opts);
  return materialize(scheduler, pending, opts, p, solveNumeric(p.model, p.numericOptions));
}

/**
 * solveMinNodes with the heuristic portfolio on a worker pool (`--workers`: pass the WorkerPool of
 * src/parallel/pool.ts); the same answer as solveMinNodes.
 */
export async function solveMinNodesParallel(scheduler: Scheduler, pending: readonly PodInfo[], opts: MinNodesOptions, runner: JobRunner): Promise<MinNodesResult> {
  const p = prepare(scheduler, pending, opts);
  return materialize(scheduler, pending, opts, p, await solveNumericParallel(p.model, runner, p.numericOptions));
}

interface Prepared {
  readonly t0: number;
  readonly objective: Objective;
  readonly specs: readonly TemplateSpec[];
  readonly prefixes: readonly string[];
  readonly numericPods: readonly PodInfo[];
  readonly model: VectorModel;
  readonly numericOptions: NumericOptions;
}

/** Validates the templates and builds the numeric model of the numeric pods. */
function prepare(scheduler: Scheduler, pending: readonly PodInfo[], opts: MinNodesOptions): Prepared {
  const t0 = performance.now();
  const objective = opts.objective ?? 'nodes';
  const specs: TemplateSpec[] = opts.templates.map((t, k) => ({
    name: t.name ?? t.node.metadata.name ?? `template-${k}`, node: t.node, price: t.price ?? (objective === 'cost' ? NaN : 1), max: t.max ?? Infinity,
  }));
  if (objective === 'cost' && specs.some((s) => !Number.isFinite(s.price))) throw new Error('minNodes: objective cost needs a price on every node template');
  if (specs.length === 0) throw new Error('minNodes: no node template');
  const prefixes = opts.templates.map((t, k) => t.prefix ?? specs[k]!.name);
  const numericPods = pending.filter((p) => isNumericPod(p) && scheduler.frameworkFor(p) !== undefined);
  const model = buildModel(scheduler.state, numericPods, specs);
  // The time limit is the whole answer's: the filters' pass after the numeric core takes about
  // 50-70 µs a pod (measured: 0.5-0.7 s for 10,000 on a loaded 2-core VM), so the search leaves
  // it 200 µs a pod, at most half the limit.
  const limit = opts.timeLimitSeconds ?? 10;
  const numericOptions: NumericOptions = {
    objective, seed: opts.seed ?? 1, timeLimitSeconds: Math.max(limit / 2, limit - pending.length * FILTER_PASS_SECONDS_PER_POD), ...(opts.effortMax !== undefined ? { effortMax: opts.effortMax } : {}),
  };
  return { t0, objective, specs, prefixes, numericPods, model, numericOptions };
}

/** Adds the proposed nodes, commits the checked placements, schedules the rest, and answers. */
function materialize(scheduler: Scheduler, pending: readonly PodInfo[], opts: MinNodesOptions, p: Prepared, numeric: NumericResult): MinNodesResult {
  const { t0, objective, specs, prefixes, numericPods } = p;
  const state = scheduler.state;
  const numericSet = new Set(numericPods);
  const existing = [...state.nodes];
  const added = new NodeAdder(scheduler, specs, prefixes);
  const binNode: NodeInfo[] = [...existing];
  for (const t of numeric.snapshot.binTemplate) binNode.push(added.add(t));

  const placements: Record<string, string> = {};
  const rest: PodInfo[] = [];
  // Numeric placements, bin by bin (existing nodes first), each checked by the full filters.
  const byBin: number[][] = binNode.map(() => []);
  numeric.snapshot.itemBin.forEach((b, i) => (b >= 0 ? byBin[b]!.push(i) : rest.push(numericPods[i]!)));
  for (let b = 0; b < binNode.length; b++) {
    for (const i of byBin[b]!) {
      const pod = numericPods[i]!;
      if (tryPlace(scheduler, pod, binNode[b]!)) placements[pod.key] = binNode[b]!.name;
      else rest.push(pod);
    }
  }
  let scheduledByFilters = 0;
  const unschedulable: UnschedulablePod[] = [];
  const order = templatePreference(specs, numeric);
  const queue = [...pending.filter((p) => !numericSet.has(p)), ...rest];
  const index = new Map(pending.map((p, k) => [p, k]));
  queue.sort((a, b) => b.priority - a.priority || index.get(a)! - index.get(b)!);
  for (const pod of queue) {
    const r = scheduleOrAdd(scheduler, pod, added, order);
    if (r.node) {
      placements[pod.key] = r.node;
      scheduledByFilters++;
    } else unschedulable.push({ pod: pod.key, reason: r.reason });
  }
  added.dropEmpty();

  const byTemplate: Record<string, number> = Object.fromEntries(specs.map((s) => [s.name, 0]));
  let cost: number | null = 0;
  for (const [, t] of added.nodes) {
    byTemplate[specs[t]!.name]!++;
    cost = cost === null || opts.templates[t]!.price === undefined ? null : cost + opts.templates[t]!.price!;
  }
  const nodes = added.nodes.size;
  const value = objective === 'cost' ? (cost ?? 0) : nodes;
  const bounds = withPlacedOthers(p, pending, numericSet, placements, numeric);
  const lowerBound = Math.max(numeric.bounds.objective, bounds.objective);
  const gap = lowerBound > 0 ? (value - lowerBound) / lowerBound : value === 0 ? 0 : null;
  return {
    type: 'minNodes', nodes, byTemplate, cost, lowerBound, gap, objective, placements, unschedulable,
    addedNodes: Object.fromEntries([...added.nodes].map(([n, t]) => [n, specs[t]!.name])),
    numeric: {
      pods: numericPods.length, nodes: numeric.nodes, ffdNodes: numeric.ffd.nodes, heuristic: numeric.heuristic,
      bounds: { volume: Math.max(numeric.bounds.volume, bounds.volume), l2: numeric.bounds.l2, conflict: numeric.bounds.conflict },
      ...(numeric.search ? { searchStop: numeric.search.stop } : {}),
      seconds: numeric.seconds,
    },
    scheduledByFilters,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The bounds again, the volume bound counting the pods placed outside the model (they need room too). */
function withPlacedOthers(p: Prepared, pending: readonly PodInfo[], numericSet: ReadonlySet<PodInfo>, placements: Readonly<Record<string, string>>, numeric: NumericResult): LowerBounds {
  const extra = new Float64Array(p.model.dims);
  for (const pod of pending) {
    if (numericSet.has(pod) || placements[pod.key] === undefined) continue;
    p.model.dimNames.forEach((r, d) => (extra[d]! += r === PODS ? 1 : pod.requests.get(r) ?? 0));
  }
  return extra.some((x) => x > 0) ? lowerBounds(p.model, p.objective, templateWeights(p.model, p.objective), extra) : numeric.bounds;
}

/** Adds template nodes to the cluster, named `<prefix>-<i>` (skipping names the cluster has). */
class NodeAdder {
  /** Added node name -> template index, in the order added. */
  readonly nodes = new Map<string, number>();
  private readonly next: number[];
  constructor(private readonly scheduler: Scheduler, readonly specs: readonly TemplateSpec[], private readonly prefixes: readonly string[]) {
    this.next = specs.map(() => 0);
  }
  count(t: number): number {
    let n = 0;
    for (const v of this.nodes.values()) if (v === t) n++;
    return n;
  }
  add(t: number): NodeInfo {
    const state = this.scheduler.state;
    let node: Node;
    do node = nodeFromTemplate(this.specs[t]!.node, `${this.prefixes[t]}-`, this.next[t]!++);
    while (state.getNode(node.metadata.name!) !== undefined);
    const info = state.addNode(node);
    this.nodes.set(info.name, t);
    return info;
  }
  remove(name: string): void {
    const t = this.nodes.get(name);
    if (t === undefined) return;
    this.scheduler.state.removeNode(name);
    this.nodes.delete(name);
  }
  /** Removes added nodes left without pods (proposed nodes whose pods the filters sent elsewhere). */
  dropEmpty(): void {
    for (const name of [...this.nodes.keys()]) if (this.scheduler.state.getNode(name)!.pods.length === 0) this.remove(name);
  }
}

/** Templates in the order a fresh node is tried: the cheapest (cost) or the one the numeric answer used most. */
function templatePreference(specs: readonly TemplateSpec[], numeric: NumericResult): number[] {
  return specs.map((_, t) => t).sort((a, b) => specs[a]!.price - specs[b]!.price || numeric.byTemplate[b]! - numeric.byTemplate[a]! || a - b);
}

/** Runs PreFilter and Filter for a pod on one node; commits it there when they pass. */
function tryPlace(scheduler: Scheduler, pod: PodInfo, node: NodeInfo): boolean {
  const fw = scheduler.frameworkFor(pod);
  if (!fw) return false;
  const cs = fw.newCycleState();
  if (!filtersPass(fw, cs, pod, node, scheduler)) return false;
  return scheduler.commit(fw, cs, pod, node.name).kind !== 'rejected';
}

/** PreFilter (over the cluster) then every Filter plugin on the node. */
function filtersPass(fw: Framework, cs: ReturnType<Framework['newCycleState']>, pod: PodInfo, node: NodeInfo, scheduler: Scheduler): boolean {
  const pre = fw.runPreFilter(cs, pod, scheduler.state.nodes);
  if (pre.status && pre.status.isRejected()) return false;
  if (pre.status && !pre.status.isSuccess()) return false;
  if (pre.nodeNames && !pre.nodeNames.has(node.name)) return false;
  return fw.runFilterPluginsOnNode(cs, pod, node) === null;
}

/**
 * One scheduling cycle on the cluster as it is; when the pod fits nowhere, a fresh node of each
 * template in turn (removed again when the pod does not go there).
 */
function scheduleOrAdd(scheduler: Scheduler, pod: PodInfo, added: NodeAdder, order: readonly number[]): { node?: string; reason: string } {
  const fw = scheduler.frameworkFor(pod);
  if (!fw) return { reason: `no profile for schedulerName "${pod.schedulerName}"` };
  const once = (): { node?: string; reason: string } => {
    const cs = fw.newCycleState();
    const r = scheduler.schedulePod(pod, {}, fw, cs);
    if (r.selectedNode !== null) {
      const c = scheduler.commit(fw, cs, pod, r.selectedNode);
      if (c.kind !== 'rejected') return { node: r.selectedNode, reason: '' };
      return { reason: c.status.message() };
    }
    return { reason: r.message ?? r.status?.message() ?? 'the pod could not be scheduled' };
  };
  const first = once();
  if (first.node) return first;
  let reason = first.reason;
  for (const t of order) {
    if (added.count(t) >= added.specs[t]!.max) continue;
    const info = added.add(t);
    const r = once();
    if (r.node) {
      if (info.pods.length === 0) added.remove(info.name);
      return r;
    }
    reason = r.reason;
    added.remove(info.name);
  }
  return { reason };
}


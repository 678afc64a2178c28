/**
 * The framework runtime for one profile: builds the plugins from a resolved profile and runs the
 * extension points with kube's semantics (K8S-FACTS.md §4.1, §7). Batch form: each Filter plugin
 * runs once over the nodes that passed the plugins before it, so a node's record stops at its
 * first failing plugin, exactly as kube's per-node loop does.
 */
import type { ResolvedProfile } from '../api/config.js';
import type { ClusterState, NodeInfo } from '../model/cluster-state.js';
import type { PodInfo } from '../model/pod-info.js';
import type { Kernels } from '../kernel/kernels.js';
import type { ClusterObjects } from '../model/cluster-objects.js';
import { CycleState } from './cycle-state.js';
import { Code, Status } from './status.js';
import { MAX_NODE_SCORE } from '../model/limits.js';
import { FusedCycle } from './fused-cycle.js';
import { ClassBatches } from './class-batch.js';
import { NodeView } from './node-view.js';
import { ProfilePlan, type PodPlan } from './plan.js';
import { readsRank } from './traits.js';

import type {
  Binder, BindPlugin, ExtensionPoint, FilterPlugin, FrameworkHandle, FrameworkRunner, PermitPlugin,
  Plugin, PostBindPlugin, PostFilterPlugin, PostFilterResult, PreBindPlugin, PreEnqueuePlugin,
  PluginDefinition, PluginRegistry, PreFilterPlugin, PreScorePlugin, QueueSortPlugin, ReservePlugin, ScorePlugin,
} from './interfaces.js';
import { PodfitError } from '../model/error-codes.js';

/** The rank of a part that reads nothing (the same on every node). */
const RANK_NOTHING = readsRank('nothing');

/** A score plugin with its weight. */
export interface WeightedScorePlugin {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

/** Result of the PreFilter stage. */
export interface PreFilterOutcome {
  /** null = success. */
  readonly status: Status | null;
  /** Node restriction (intersection of PreFilterResults), undefined = all nodes. */
  readonly nodeNames?: ReadonlySet<string>;
  /** Plugins that returned a node restriction, in PreFilter order, with their node names. */
  readonly pluginsWithNodes: readonly string[];
  readonly results?: ReadonlyArray<readonly [plugin: string, nodeNames: ReadonlySet<string>]>;
}

/**
 * The nodes a PreFilter result leaves to the Filter plugins (kube's findNodesThatFitPod), and
 * what the others get: kube's status for nodes absent from the result, and per left-out node the
 * plugin whose result left it out (the first, in PreFilter order).
 */
export interface CandidateNodes {
  /** Candidates in node order: every node, or those in the PreFilter result. */
  readonly nodes: readonly NodeInfo[];
  /** The status of the nodes left out (undefined when none is). */
  readonly absentStatus: Status | undefined;
  /** The plugin whose PreFilter result left a node out; undefined for a candidate. */
  excludedBy(node: NodeInfo): string | undefined;
}

const NONE_EXCLUDED = (): undefined => undefined;

/**
 * kube's messages for nodes that PreFilter results leave out, the one place they are built: the
 * status of nodes outside the result (`node(s) didn't satisfy plugin(s) [A B]`) and, when the
 * results leave no node at all, PreFilter's own rejection (`... [A B] simultaneously`, or
 * `node(s) didn't satisfy plugin A` for one plugin). Plugins are listed as Go's sets.List does
 * (sorted, once each).
 */
export function unsatisfiedPlugins(plugins: readonly string[], noNodeLeft: boolean): string {
  const list = [...new Set(plugins)].sort();
  if (!noNodeLeft) return `node(s) didn't satisfy plugin(s) [${list.join(' ')}]`;
  return list.length === 1 ? `node(s) didn't satisfy plugin ${list[0]}` : `node(s) didn't satisfy plugin(s) [${list.join(' ')}] simultaneously`;
}

/** Per-cycle filter output for one node, recorded only when explaining. */
export type FilterTrace = Array<[plugin: string, status: Status | null]>;

/**
 * Where runFilters records each rejected node's status (a Map by node name is one: it ignores the
 * node, which a sink keyed by node row uses to skip a lookup by name).
 */
export interface FailedSink {
  set(nodeName: string, status: Status, node: NodeInfo): unknown;
}

/** The runtime of one scheduling profile. */
export class Framework implements FrameworkRunner {
  readonly profileName: string;
  readonly preEnqueue: PreEnqueuePlugin[] = [];
  readonly queueSort: QueueSortPlugin | undefined;
  readonly preFilter: PreFilterPlugin[] = [];
  readonly filter: FilterPlugin[] = [];
  readonly postFilter: PostFilterPlugin[] = [];
  readonly preScore: PreScorePlugin[] = [];
  readonly score: WeightedScorePlugin[] = [];
  readonly reserve: ReservePlugin[] = [];
  readonly permit: PermitPlugin[] = [];
  readonly preBind: PreBindPlugin[] = [];
  readonly bind: BindPlugin[] = [];
  readonly postBind: PostBindPlugin[] = [];
  /** Warnings collected while building (plugins not implemented). */
  readonly warnings: string[] = [];
  /** Plugins configured but not run (not implemented / not modeled). */
  readonly skippedPlugins: string[] = [];
  readonly percentageOfNodesToScore: number | undefined;
  /** The extra cluster objects handed to the plugins (FrameworkHandle.objects). */
  readonly objects: ClusterObjects | undefined;
  private readonly pointNames = new Map<ExtensionPoint, string[]>();

  // Grow-only scratch, reused across cycles (no allocation per node).
  private scratchOut: Array<Status | null> = [];
  /** runFilters' working list of surviving nodes. */
  private readonly scratchNodes: NodeInfo[] = [];
  /** The profile's fused cycle (fused-cycle.ts): the kernel-scan execution over all nodes. */
  readonly fused: FusedCycle;
  /** The profile's plan (plan.ts): which execution each pod may take, from the plugins' traits. */
  readonly plan: ProfilePlan;
  /** The profile's class batches (class-batch.ts). */
  readonly classBatches: ClassBatches;
  /** The nodes by index, row and class, as the fused cycle and class batching read them. */
  readonly nodeView: NodeView;

  constructor(
    readonly profile: ResolvedProfile,
    readonly state: ClusterState,
    readonly kernels: Kernels,
    binder: Binder,
    /** The plugins this framework can build (the built-ins are handed in by whoever wires podfit). */
    registry: PluginRegistry,
    /** Out-of-tree plugins (kube's WithFrameworkOutOfTreeRegistry); looked up before the registry. */
    outOfTree: readonly PluginDefinition<any>[] = [],
    /** Extra cluster objects (Namespaces, Services, PDBs, PriorityClasses...), passed to plugins. */
    objects?: ClusterObjects,
  ) {
    this.profileName = profile.schedulerName;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore;
    this.objects = objects;
    const handle: FrameworkHandle = { state, kernels, profileName: this.profileName, binder, framework: this, objects };
    const instances = new Map<string, Plugin | null>();
    const definitionOf = (name: string) => outOfTree.find((d) => d.name === name) ?? registry.get(name);
    const argsOf = new Map<string, unknown>();
    const instance = (name: string): Plugin | null => {
      if (instances.has(name)) return instances.get(name)!;
      const def = definitionOf(name);
      let p: Plugin | null = null;
      if (!def) throw new PodfitError('PODFIT_ERR_FRAMEWORK_UNKNOWN_PLUGIN', name);
      if (!def.implemented) {
        this.skippedPlugins.push(name);
        if (def.notModeled === undefined) this.warnings.push(`${name}: not implemented yet; skipped`);
      } else {
        const args = profile.pluginArgs.has(name)
          ? profile.pluginArgs.get(name)
          : def.argsSchema
            ? def.argsSchema.parse({})
            : undefined;
        argsOf.set(name, args);
        p = def.factory(args, handle);
      }
      instances.set(name, p);
      return p;
    };
    let queueSort: QueueSortPlugin | undefined;
    for (const [point, list] of Object.entries(profile.plugins) as Array<[ExtensionPoint, Array<{ name: string; weight: number }>]>) {
      const names: string[] = [];
      for (const { name, weight } of list) {
        const p = instance(name);
        if (!p) continue;
        names.push(name);
        switch (point) {
          case 'preEnqueue': this.preEnqueue.push(p as PreEnqueuePlugin); break;
          case 'queueSort': queueSort = p as QueueSortPlugin; break;
          case 'preFilter': this.preFilter.push(p as PreFilterPlugin); break;
          case 'filter': this.filter.push(p as FilterPlugin); break;
          case 'postFilter': this.postFilter.push(p as PostFilterPlugin); break;
          case 'preScore': this.preScore.push(p as PreScorePlugin); break;
          case 'score': this.score.push({ plugin: p as ScorePlugin, weight: weight || 1 }); break;
          case 'reserve': this.reserve.push(p as ReservePlugin); break;
          case 'permit': this.permit.push(p as PermitPlugin); break;
          case 'preBind': this.preBind.push(p as PreBindPlugin); break;
          case 'bind': this.bind.push(p as BindPlugin); break;
          case 'postBind': this.postBind.push(p as PostBindPlugin); break;
        }
      }
      this.pointNames.set(point, names);
    }
    this.queueSort = queueSort;
    this.bindingCycleSync = this.preBind.length === 0 && this.postBind.length === 0 && this.bind.length > 0 && this.bind.every((p) => typeof p.bindSync === 'function');
    this.plan = new ProfilePlan(
      this.filter, this.score, [...this.reserve, ...this.permit, ...this.preBind, ...this.bind, ...this.postBind],
      definitionOf, (name) => argsOf.get(name), state, objects,
    );
    this.nodeView = new NodeView(state, kernels);
    // Built with the profile (set-up): the nodes loaded so far, kept current as they change.
    this.nodeView.refresh();
    this.fused = new FusedCycle(this);
    this.classBatches = new ClassBatches(this);
  }

  /** Names of the plugins that run at an extension point. */
  pluginsAt(point: ExtensionPoint): readonly string[] {
    return this.pointNames.get(point) ?? [];
  }

  /** PreEnqueue: null when the pod may enter the queue. */
  runPreEnqueue(pod: PodInfo): Status | null {
    for (const p of this.preEnqueue) {
      const s = p.preEnqueue(pod);
      if (s && s.code !== Code.Success) return s.withPlugin(p.name);
    }
    return null;
  }

  /** kube's RunPreFilterPlugins. */
  runPreFilter(cs: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PreFilterOutcome {
    let result: Set<string> | undefined;
    const pluginsWithNodes: string[] = [];
    const results: Array<readonly [string, ReadonlySet<string>]> = [];
    let returnStatus: Status | null = null;
    for (const p of this.preFilter) {
      let out: ReturnType<PreFilterPlugin['preFilter']>;
      try {
        out = p.preFilter(cs, pod, nodes);
      } catch (e) {
        return { status: Status.error(`running PreFilter plugin "${p.name}": ${(e as Error).message}`).withPlugin(p.name), pluginsWithNodes };
      }
      const s = out.status;
      if (s && s.code === Code.Skip) {
        cs.skipFilterPlugins.add(p.name);
        continue;
      }
      if (s && s.code !== Code.Success) {
        const st = s.withPlugin(p.name);
        if (s.code === Code.UnschedulableAndUnresolvable) return { status: st, pluginsWithNodes };
        if (s.code === Code.Unschedulable) {
          returnStatus = st;
          continue;
        }
        return { status: Status.error(`running PreFilter plugin "${p.name}": ${s.message()}`).withPlugin(p.name), pluginsWithNodes };
      }
      const names = out.result?.nodeNames;
      if (names) {
        pluginsWithNodes.push(p.name);
        results.push([p.name, names]);
        if (!result) result = new Set(names);
        else for (const n of result) if (!names.has(n)) result.delete(n);
        if (result.size === 0) {
          return { status: Status.unresolvable(unsatisfiedPlugins(pluginsWithNodes, true)), nodeNames: result, pluginsWithNodes, results };
        }
      }
    }
    return { status: returnStatus, nodeNames: result, pluginsWithNodes, results };
  }

  /**
   * The one step from a PreFilter result to the candidate nodes (kube's findNodesThatFitPod): all
   * nodes without a restriction; otherwise those named by every result, in node order, and the
   * others get kube's `node(s) didn't satisfy plugin(s) [..]` (UnschedulableAndUnresolvable,
   * naming the plugins that returned a result, sorted as Go's sets.List does).
   */
  candidateNodes(pre: PreFilterOutcome, allNodes: readonly NodeInfo[]): CandidateNodes {
    const names = pre.nodeNames;
    if (!names) return { nodes: allNodes, absentStatus: undefined, excludedBy: NONE_EXCLUDED };
    const results = pre.results ?? [];
    return {
      nodes: allNodes.filter((n) => names.has(n.name)),
      absentStatus: Status.unresolvable(unsatisfiedPlugins(pre.pluginsWithNodes, false)),
      excludedBy: (node) => {
        if (names.has(node.name)) return undefined;
        for (const [plugin, set] of results) if (!set.has(node.name)) return plugin;
        return undefined;
      },
    };
  }

  /**
   * Runs the Filter plugins over `nodes` (batch, sequential per plugin). Survivors are written to
   * `feasible` (in input order); each failing node's status (attributed to its plugin) to
   * `failed`. With `trace`, every node's per-plugin verdicts are recorded.
   *
   * With the pod's plan (plan.ts), a Filter whose trait says its verdict reads nothing (the same
   * on every node) runs on the first node alone when that node passes: the others pass too. A
   * rejection there runs it on every node as usual (the statuses are recorded per node).
   */
  runFilters(
    cs: CycleState,
    pod: PodInfo,
    nodes: readonly NodeInfo[],
    feasible: NodeInfo[],
    failed: FailedSink,
    trace?: Map<string, FilterTrace>,
    podPlan?: PodPlan,
  ): Status | null {
    // The surviving nodes, compacted in place plugin after plugin, in a reused array (filters run
    // synchronously and never re-enter runFilters). Lengths are set, never emptied: V8 gives an
    // array emptied by `length = 0` a fresh backing store, which pushes then regrow piece by piece.
    const current = this.scratchNodes;
    current.length = nodes.length;
    for (let i = 0; i < nodes.length; i++) current[i] = nodes[i]!;
    if (trace) for (const n of nodes) trace.set(n.name, []);
    const constant = podPlan !== undefined && !trace ? podPlan.filterReads : undefined;
    for (let j = 0; j < this.filter.length; j++) {
      const p = this.filter[j]!;
      if (cs.skipFilterPlugins.has(p.name)) continue;
      if (current.length === 0) break;
      const out = this.scratch(current.length);
      try {
        if (constant !== undefined && constant[j] === RANK_NOTHING && current.length > 1) {
          // A one-node batch writes out[0] only.
          const first = this.scratchOne;
          first[0] = current[0]!;
          p.filter(cs, pod, first, out);
          const s = out[0] ?? null;
          if (s === null || s.code === Code.Success) continue;
          out[0] = null;
        }
        p.filter(cs, pod, current, out);
      } catch (e) {
        return Status.error(`running "${p.name}" filter plugin: ${(e as Error).message}`).withPlugin(p.name);
      }
      let w = 0;
      for (let i = 0; i < current.length; i++) {
        const n = current[i]!;
        const s = out[i] ?? null;
        if (trace) trace.get(n.name)!.push([p.name, s]);
        if (s === null || s.code === Code.Success) {
          current[w++] = n;
        } else if (s.code === Code.Error) {
          return new Status(Code.Error, s.reasons, p.name, s.error ?? new Error(`running "${p.name}" filter plugin: ${s.message()}`));
        } else {
          failed.set(n.name, s.withPlugin(p.name), n);
        }
      }
      current.length = w;
    }
    // Appended with one exact-size growth instead of a push per node.
    const base = feasible.length;
    feasible.length = base + current.length;
    for (let i = 0; i < current.length; i++) feasible[base + i] = current[i]!;
    return null;
  }

  /** A one-node batch (runFilters' probe of a constant Filter). */
  private readonly scratchOne: NodeInfo[] = [];

  private scratch(n: number): Array<Status | null> {
    const a = this.scratchOut;
    if (a.length < n) for (let i = a.length; i < n; i++) a.push(null);
    a.fill(null, 0, n);
    return a;
  }

  /** Runs all Filter plugins on one node (preemption dry runs, the nominated node). */
  runFilterPluginsOnNode(cs: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const out: Array<Status | null> = [null];
    const nodes = [node];
    for (const p of this.filter) {
      if (cs.skipFilterPlugins.has(p.name)) continue;
      out[0] = null;
      p.filter(cs, pod, nodes, out);
      const s = out[0] as Status | null;
      if (s && s.code !== Code.Success) return s.withPlugin(p.name);
    }
    return null;
  }

  runPreFilterExtensionAddPod(cs: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | null {
    for (const p of this.preFilter) {
      if (cs.skipFilterPlugins.has(p.name) || !p.addPod) continue;
      const s = p.addPod(cs, pod, podToAdd, node);
      if (s && s.code !== Code.Success) return s.withPlugin(p.name);
    }
    return null;
  }

  runPreFilterExtensionRemovePod(cs: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | null {
    for (const p of this.preFilter) {
      if (cs.skipFilterPlugins.has(p.name) || !p.removePod) continue;
      const s = p.removePod(cs, pod, podToRemove, node);
      if (s && s.code !== Code.Success) return s.withPlugin(p.name);
    }
    return null;
  }

  /**
   * kube's RunPostFilterPlugins: in order until Success, UnschedulableAndUnresolvable or Error;
   * otherwise Unschedulable with every plugin's reasons, attributed to the first rejector.
   */
  runPostFilter(cs: CycleState, pod: PodInfo, statuses: ReadonlyMap<string, Status>): { status: Status | null; result?: PostFilterResult } {
    if (this.postFilter.length === 0) return { status: null };
    let result: PostFilterResult | undefined;
    let rejector: string | undefined;
    const reasons: string[] = [];
    for (const p of this.postFilter) {
      const out = p.postFilter(cs, pod, statuses);
      const s = out.status;
      if (!s || s.code === Code.Success) return { status: null, result: out.result };
      if (s.code !== Code.Unschedulable) return { status: s.withPlugin(p.name), result: out.result };
      if (out.result) result = out.result;
      reasons.push(...s.reasons);
      rejector ??= p.name;
    }
    return { status: new Status(Code.Unschedulable, reasons, rejector), result };
  }

  /** kube's RunPreScorePlugins; marks Skip-returning plugins. */
  runPreScore(cs: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null {
    for (const p of this.preScore) {
      const s = p.preScore(cs, pod, nodes);
      if (!s || s.code === Code.Success) continue;
      if (s.code === Code.Skip) {
        cs.skipScorePlugins.add(p.name);
        continue;
      }
      return Status.error(`running PreScore plugin "${p.name}": ${s.message()}`).withPlugin(p.name);
    }
    return null;
  }

  /**
   * kube's RunScorePlugins: raw scores, NormalizeScore, range check [0,100], then weights.
   * `perPlugin` receives each plugin's normalized (unweighted) scores; `total` the weighted sum.
   */
  runScore(
    cs: CycleState,
    pod: PodInfo,
    nodes: readonly NodeInfo[],
    total: Float64Array,
    perPlugin?: Map<string, Float64Array>,
    podPlan?: PodPlan,
  ): Status | null {
    total.fill(0, 0, nodes.length);
    // With the pod's plan and no per-plugin scores asked for, a Score whose trait says it gives
    // every node the same normalized score is left out: it would add one constant to every total,
    // which moves no node past another and leaves the set of top nodes (and the draw among them) as
    // it is.
    const constant = podPlan !== undefined && !perPlugin ? podPlan.scoreReads : undefined;
    for (let j = 0; j < this.score.length; j++) {
      const { plugin, weight } = this.score[j]!;
      if (cs.skipScorePlugins.has(plugin.name)) continue;
      if (constant !== undefined && constant[j] === RANK_NOTHING) continue;
      const scores = new Float64Array(nodes.length);
      let s = plugin.score(cs, pod, nodes, scores);
      if (s && s.code !== Code.Success) return Status.error(`running Score plugin "${plugin.name}": ${s.message()}`).withPlugin(plugin.name);
      if (plugin.normalizeScore) {
        s = plugin.normalizeScore(cs, pod, nodes, scores);
        if (s && s.code !== Code.Success) return Status.error(`running Normalize on Score plugin "${plugin.name}": ${s.message()}`).withPlugin(plugin.name);
      }
      for (let i = 0; i < nodes.length; i++) {
        const v = scores[i]!;
        if (v > MAX_NODE_SCORE || v < 0) {
          return Status.error(`plugin "${plugin.name}" returns an invalid score ${v}, it should in the range of [0, ${MAX_NODE_SCORE}] after normalizing`).withPlugin(plugin.name);
        }
        total[i]! += v * weight;
      }
      perPlugin?.set(plugin.name, scores);
    }
    return null;
  }

  /** Reserve, unreserving everything on failure (kube's RunReservePluginsReserve). */
  runReserve(cs: CycleState, pod: PodInfo, nodeName: string): Status | null {
    for (const p of this.reserve) {
      const s = p.reserve(cs, pod, nodeName);
      if (s && s.code !== Code.Success) {
        this.runUnreserve(cs, pod, nodeName);
        return s.withPlugin(p.name);
      }
    }
    return null;
  }

  /** Unreserve in reverse order. */
  runUnreserve(cs: CycleState, pod: PodInfo, nodeName: string): void {
    for (let i = this.reserve.length - 1; i >= 0; i--) this.reserve[i]!.unreserve(cs, pod, nodeName);
  }

  /** Permit: the first rejection wins; Wait returns the longest timeout requested. */
  runPermit(cs: CycleState, pod: PodInfo, nodeName: string): { status: Status | null; timeoutMs: number } {
    let wait = false;
    let timeoutMs = 0;
    for (const p of this.permit) {
      const { status, timeoutMs: t } = p.permit(cs, pod, nodeName);
      if (!status || status.code === Code.Success) continue;
      if (status.code === Code.Wait) {
        wait = true;
        timeoutMs = Math.max(timeoutMs, t ?? 0);
        continue;
      }
      return { status: status.withPlugin(p.name), timeoutMs: 0 };
    }
    return { status: wait ? new Status(Code.Wait) : null, timeoutMs };
  }

  /** PreBind, Bind (Skip passes on), PostBind. */
  async runBindingCycle(cs: CycleState, pod: PodInfo, nodeName: string): Promise<Status | null> {
    for (const p of this.preBind) {
      const s = await p.preBind(cs, pod, nodeName);
      if (s && s.code !== Code.Success) return s.withPlugin(p.name);
    }
    let bound = false;
    for (const p of this.bind) {
      const s = await p.bind(cs, pod, nodeName);
      if (s && s.code === Code.Skip) continue;
      if (s && s.code !== Code.Success) return s.withPlugin(p.name);
      bound = true;
      break;
    }
    if (!bound && this.bind.length > 0) return Status.error('no Bind plugin bound the pod');
    for (const p of this.postBind) p.postBind(cs, pod, nodeName);
    return null;
  }

  /**
   * Whether the binding cycle runs synchronously: no PreBind or PostBind plugin, and the Bind
   * plugins bind synchronously (their binder does). Set at construction.
   */
  readonly bindingCycleSync: boolean;

  /** The binding cycle without a promise (bindingCycleSync): Bind plugins in order, Skip passing on. */
  runBindingCycleSync(cs: CycleState, pod: PodInfo, nodeName: string): Status | null {
    const bind = this.bind;
    for (let i = 0; i < bind.length; i++) {
      const p = bind[i]!;
      const s = p.bindSync!(cs, pod, nodeName);
      if (s && s.code === Code.Skip) continue;
      if (s && s.code !== Code.Success) return s.withPlugin(p.name);
      return null;
    }
    return this.bind.length > 0 ? Status.error('no Bind plugin bound the pod') : null;
  }

  /** A fresh CycleState. */
  newCycleState(): CycleState {
    return new CycleState();
  }
}

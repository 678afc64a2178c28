/**
 * The scheduler: profiles, the seeded tie-breaker and one pod's scheduling cycle
 * (kube's schedulePod / findNodesThatFitPod / prioritizeNodes / selectHost, K8S-FACTS.md §4, §7).
 * The cycle itself never mutates cluster state; `assume` does, for callers that commit.
 */
import type { SchedulerConfig } from '../api/config.js';
import type { ClusterState, NodeInfo } from '../model/cluster-state.js';
import type { PodInfo } from '../model/pod-info.js';
import type { Kernels } from '../kernel/kernels.js';
import type { ClusterObjects } from '../model/cluster-objects.js';
import { DEFAULT_SEED } from '../model/limits.js';
import { CycleState } from './cycle-state.js';
import { fitErrorMessage, NO_NODES_AVAILABLE_MSG, type Diagnosis } from './fit-error.js';
import type { Binder, PluginDefinition, PluginRegistry } from './interfaces.js';
import { numFeasibleNodesToFind } from './node-selection.js';
import { Prng } from './prng.js';
import { Framework, type FilterTrace } from './framework.js';
import type { PodPlan } from './plan.js';
import { Code, Status } from './status.js';

/** What podfit knows about one node after a cycle (explain mode). */
export interface NodeExplanation {
  /** Filter plugins that ran on the node, in order, up to the first failure. */
  readonly filter: FilterTrace;
  /** Normalized, unweighted score per Score plugin (feasible nodes only). */
  scores?: Map<string, number>;
  /** Sum of weight x score (feasible nodes only). */
  finalScore?: number;
}

/** Outcome of one scheduling cycle. */
export interface ScheduleResult {
  readonly pod: PodInfo;
  readonly profile: string;
  /** Chosen node, or null when the pod fits nowhere or the cycle failed. */
  readonly selectedNode: string | null;
  /** null on success; Unschedulable(+Unresolvable) for a FitError; Error otherwise. */
  readonly status: Status | null;
  /** kube's FitError text (or error text) when not scheduled. */
  readonly message?: string;
  /** Preemption outcome (PostFilter). */
  readonly nominatedNode?: string | null;
  readonly victims?: readonly PodInfo[];
  /** Nodes found feasible, and nodes evaluated by filters. */
  readonly feasibleNodes: number;
  readonly evaluatedNodes: number;
  /** Per-node explanation, in node order (explain mode only). */
  readonly explanation?: Map<string, NodeExplanation>;
  readonly diagnosis?: Diagnosis;
}

/** Options for building a Scheduler. */
export interface SchedulerOptions {
  readonly state: ClusterState;
  readonly config: SchedulerConfig;
  readonly kernels: Kernels;
  /** The plugins profiles are built from (plugins/registry.ts REGISTRY for the built-ins). */
  readonly registry: PluginRegistry;
  readonly seed?: number;
  readonly binder?: Binder;
  /** Out-of-tree plugins, usable by name in the config. */
  readonly plugins?: readonly PluginDefinition<any>[];
  /** Extra cluster objects; with them each scheduled pod is admitted (PriorityClass resolution). */
  readonly objects?: ClusterObjects;
  /**
   * Use the fused cycle (fused-cycle.ts) where it applies (default true). Off runs every cycle
   * through the per-plugin general path; both give the same decisions (benchmarks compare them).
   */
  readonly fusedCycle?: boolean;
  /**
   * Let the fused cycle reuse per-row resource scores of unchanged nodes for pods of the same
   * shape (default true; fused-cycle.ts "Score cache"). Decisions are the same either way.
   */
  readonly scoreCache?: boolean;
  /**
   * Let pods of one class share per-node verdicts and scores where the plan allows it (default
   * true; class-batch.ts). Decisions are the same either way.
   */
  readonly classBatching?: boolean;
  /**
   * On the general path, run a Filter whose trait says it reads nothing on one node when it
   * passes there, and leave out a Score whose trait says it is the same on every node (default
   * true; Framework.runFilters and runScore). Decisions are the same either way.
   */
  readonly constantParts?: boolean;
}

/** Options for one cycle. */
export interface CycleOptions {
  /** Record per-node filter verdicts and scores (and score even a single feasible node). */
  readonly explain?: boolean;
}

const NO_OPTIONS: CycleOptions = {};

/** A binder that only updates the in-memory state (snapshot mode): it binds synchronously. */
export class StateBinder implements Binder {
  constructor(private readonly state: ClusterState) {}
  async bind(pod: PodInfo, nodeName: string): Promise<void> {
    this.bindSync(pod, nodeName);
  }
  readonly bindSync = (pod: PodInfo, nodeName: string): void => {
    // The pod is usually assumed on that node already: then binding only confirms it.
    if (!this.state.confirmOn(pod, nodeName)) this.state.addPod(pod, nodeName, false);
  };
}

/**
 * What a commit did: the pod is bound; Reserve, Permit or the binding cycle rejected it (the
 * state is as before); or the binding cycle is still running (the pod assumed meanwhile).
 */
export type CommitOutcome =
  | { readonly kind: 'bound' }
  | { readonly kind: 'rejected'; readonly status: Status }
  | { readonly kind: 'binding'; readonly result: Promise<CommitOutcome> };

const BOUND: CommitOutcome = { kind: 'bound' };
const outcomeOf = (st: Status | null): CommitOutcome => (st ? { kind: 'rejected', status: st } : BOUND);

/** What Scheduler.scheduleRun did. */
export interface ClassRun {
  /** Pods taken from `from` on, each decided by class batching and committed. */
  count: number;
  /**
   * The exact cycle of the next pod, pods[from + count], when class batching could not decide it;
   * null when the run stopped before deciding anything about that pod.
   */
  stopped: { readonly result: ScheduleResult; readonly cs: CycleState } | null;
}

/** The scheduler over one ClusterState. */
export class Scheduler {
  readonly state: ClusterState;
  readonly config: SchedulerConfig;
  readonly frameworks = new Map<string, Framework>();
  readonly prng: Prng;
  readonly warnings: string[] = [];
  readonly objects: ClusterObjects | undefined;
  /** kube's round-robin start index for sampled filtering. */
  nextStartNodeIndex = 0;
  /** Whether cycles may take the fused path. */
  readonly useFusedCycle: boolean;
  /** Whether pods may be decided by class batching. */
  readonly useClassBatching: boolean;
  /** Whether the general path may skip the parts the plan shows constant (SchedulerOptions.constantParts). */
  readonly useConstantParts: boolean;
  /**
   * The node class batching chose last, and the state's nodeGeneration then: the commit that
   * follows a decision finds its node without a lookup by name (assume).
   */
  private picked: NodeInfo | undefined = undefined;
  /** scheduleRun's result, reused. */
  private readonly run: ClassRun = { count: 0, stopped: null };
  private pickedGeneration = -1;

  constructor(opts: SchedulerOptions) {
    this.state = opts.state;
    this.config = opts.config;
    this.prng = new Prng(opts.seed ?? DEFAULT_SEED);
    this.objects = opts.objects;
    this.useFusedCycle = opts.fusedCycle ?? true;
    this.useClassBatching = opts.classBatching ?? true;
    this.useConstantParts = opts.constantParts ?? true;
    const binder = opts.binder ?? new StateBinder(opts.state);
    for (const w of opts.config.warnings) this.warnings.push(w);
    for (const profile of opts.config.profiles) {
      const fw = new Framework(profile, opts.state, opts.kernels, binder, opts.registry, opts.plugins, opts.objects);
      fw.fused.cacheEnabled = opts.scoreCache ?? true;
      this.frameworks.set(profile.schedulerName, fw);
      for (const w of fw.warnings) if (!this.warnings.includes(w)) this.warnings.push(w);
    }
  }

  /** The framework for a pod's schedulerName, if podfit runs that profile. */
  frameworkFor(pod: PodInfo): Framework | undefined {
    return this.frameworks.get(pod.schedulerName);
  }

  /** First profile (the default one). */
  get defaultFramework(): Framework {
    return this.frameworks.values().next().value!;
  }

  /**
   * One scheduling cycle: PreFilter, Filter, PostFilter on failure, PreScore, Score, selectHost.
   * Does not change the cluster state. `fw` defaults to the pod's profile.
   */
  schedulePod(pod: PodInfo, opts: CycleOptions = NO_OPTIONS, fw?: Framework, cs: CycleState = new CycleState()): ScheduleResult {
    this.admit(pod);
    const framework = fw ?? this.frameworkFor(pod);
    const explain = opts.explain ?? false;
    // The executions the plugins' traits allow for this pod (plan.ts); the cycle below is the
    // reference every other one reproduces.
    const plan = framework !== undefined && !explain && (this.useFusedCycle || this.useClassBatching) ? this.planFor(framework, pod) : undefined;
    if (plan !== undefined) {
      const r = this.classBatched(framework!, pod, plan);
      if (r !== null) return r;
    }
    return this.cycle(pod, explain, framework, cs, plan);
  }

  /** Admission: resolves the pod's priorityClassName / globalDefault (ClusterObjects.admitPod), keeping its warning once. */
  private admit(pod: PodInfo): void {
    if (!this.objects) return;
    const w = this.objects.admitPod(pod);
    if (w && !this.warnings.includes(w)) this.warnings.push(w);
  }

  /** The pod's plan, or undefined when only the general path can run (no nodes, sampling). */
  private planFor(fw: Framework, pod: PodInfo): PodPlan | undefined {
    return this.nodesAllowPlan(fw) ? fw.plan.forPod(pod) : undefined;
  }

  /** Whether the nodes allow executions other than the general path (there are some, and no sampling). */
  private nodesAllowPlan(fw: Framework): boolean {
    const n = this.state.nodes.length;
    return n > 0 && numFeasibleNodesToFind(n, fw.percentageOfNodesToScore ?? this.config.percentageOfNodesToScore) >= n;
  }

  /**
   * Class batching's decision (class-batch.ts), or null. Only for pods whose class is known (set
   * by cloners and queue builders): an ad-hoc pod does not pay for computing its key. Kept small
   * and apart from the cycle, so the per-pod path is optimized early.
   */
  private classBatched(fw: Framework, pod: PodInfo, plan: PodPlan): ScheduleResult | null {
    if (!this.useClassBatching || pod.classKey === undefined || pod.pod.status?.nominatedNodeName) return null;
    const d = fw.classBatches.decide(pod, plan, this.prng);
    if (d === null) return null;
    const numAll = this.state.nodes.length;
    const node = this.state.nodes[d.node]!;
    this.picked = node;
    this.pickedGeneration = this.state.nodeGeneration;
    return { pod, profile: fw.profileName, feasibleNodes: d.feasibleNodes, evaluatedNodes: numAll, selectedNode: node.name, status: null };
  }

  /**
   * A run of the queue decided by class batching (the replicas of one workload in a row): from
   * pods[from] on, while each pod is of the first one's class, has no nominated node and its plan
   * lets class batching decide it, the pod is decided (ClassBatches.decide) and committed
   * (commit), one pod after the other, as schedulePod then commit would: the same decisions, PRNG
   * draws and state, without a ScheduleResult per pod. `committed(pod, node)` hears of each commit
   * (node null when Reserve, Permit or the binding cycle rejected the pod) and says whether to go
   * on. The run stops before a pod it cannot take; when it is class batching that could not decide
   * that pod, its exact cycle has run and `stopped` holds it (the caller commits or reports it as
   * schedulePod's result). The result object is reused by the next call. Only for a profile
   * whose binding cycle is synchronous (otherwise nothing runs).
   */
  scheduleRun(fw: Framework, pods: readonly PodInfo[], from: number, committed: (pod: PodInfo, node: string | null) => boolean): ClassRun {
    const run = this.run;
    run.count = 0;
    run.stopped = null;
    const key = pods[from]?.classKey;
    if (!this.useClassBatching || !fw.bindingCycleSync || key === undefined) return run;
    // One CycleState for the run's commits: class batching runs no PreFilter or PreScore, and the
    // plan allows it only when the binding cycle's plugins read nothing of the CycleState.
    const shared = fw.newCycleState();
    let plan: PodPlan | undefined;
    let planEpoch = -1;
    // The node set nodesAllowPlan last held for (it reads only the node count).
    let planNodes = -1;
    for (let i = from; i < pods.length; i++) {
      const pod = pods[i]!;
      if (pod.classKey !== key || pod.pod.status?.nominatedNodeName) break;
      this.admit(pod);
      // The class's plan, evaluated again only when a trait's epoch moved (PluginTraits.epoch).
      const epoch = fw.plan.epoch();
      if (plan === undefined || epoch !== planEpoch) {
        plan = this.planFor(fw, pod);
        planEpoch = epoch;
        planNodes = this.state.nodeGeneration;
      } else if (this.state.nodeGeneration !== planNodes) {
        if (!this.nodesAllowPlan(fw)) plan = undefined;
        planNodes = this.state.nodeGeneration;
      }
      if (plan === undefined || !plan.classBatch) break;
      const d = fw.classBatches.decide(pod, plan, this.prng);
      if (d === null) {
        const cs = fw.newCycleState();
        run.stopped = { result: this.cycle(pod, false, fw, cs, plan), cs };
        break;
      }
      run.count++;
      const node = this.state.nodes[d.node]!;
      this.picked = node;
      this.pickedGeneration = this.state.nodeGeneration;
      const c = this.commit(fw, shared, pod, node.name);
      if (!committed(pod, c.kind === 'bound' ? node.name : null)) break;
    }
    return run;
  }

  /** One scheduling cycle: the fused cycle when the plan allows it, else the general path. */
  private cycle(pod: PodInfo, explain: boolean, framework: Framework | undefined, cs: CycleState, plan: PodPlan | undefined): ScheduleResult {
    const allNodes = this.state.nodes;
    const numAll = allNodes.length;
    const profile = framework?.profileName ?? pod.schedulerName;
    const base = { pod, profile, feasibleNodes: 0, evaluatedNodes: 0 };
    if (!framework) {
      const st = Status.error(`no profile for schedulerName "${pod.schedulerName}"`);
      return { ...base, selectedNode: null, status: st, message: st.message() };
    }
    if (numAll === 0) {
      const st = Status.unresolvable(NO_NODES_AVAILABLE_MSG);
      return { ...base, selectedNode: null, status: st, message: NO_NODES_AVAILABLE_MSG };
    }
    const explanation = explain ? new Map<string, NodeExplanation>() : undefined;

    // PreFilter.
    const pre = framework.runPreFilter(cs, pod, allNodes);
    if (pre.status && pre.status.code !== Code.Success) {
      if (!pre.status.isRejected()) {
        return { ...base, selectedNode: null, status: pre.status, message: pre.status.message() };
      }
      const diagnosis: Diagnosis = {
        nodeToStatus: new Map(),
        absentStatus: pre.status,
        absentCount: numAll,
        preFilterMsg: pre.status.message(),
        unschedulablePlugins: new Set(pre.status.plugin ? [pre.status.plugin] : []),
      };
      return this.fail(framework, cs, pod, base, diagnosis, numAll, explanation);
    }

    // The nominated node first (kube: evaluateNominatedNode).
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated && !explain) {
      const node = this.state.getNode(nominated);
      if (node && (!pre.nodeNames || pre.nodeNames.has(node.name)) && framework.runFilterPluginsOnNode(cs, pod, node) === null) {
        this.prng.intn(1);
        return { ...base, selectedNode: node.name, status: null, feasibleNodes: 1, evaluatedNodes: 1 };
      }
    }

    // The fused cycle over every node (fused-cycle.ts); it declines whenever the general path
    // below must run: a PreFilter node restriction, plugins the plan cannot fuse for this pod, or
    // no feasible node (the general path builds the FitError).
    if (plan !== undefined && plan.fused && !pre.nodeNames && this.useFusedCycle) {
      const r = this.fusedCycle(framework, cs, pod, plan, base, numAll);
      if (r) return r;
    }

    // Candidate nodes: all, or those the PreFilter results leave (the others get kube's status).
    const cand = framework.candidateNodes(pre, allNodes);
    const candidates = cand.nodes;
    const absentStatus = cand.absentStatus;

    const failed = new Map<string, Status>();
    const feasible: NodeInfo[] = [];
    const trace = explain ? new Map<string, FilterTrace>() : undefined;
    const numToFind = numFeasibleNodesToFind(candidates.length, framework.percentageOfNodesToScore ?? this.config.percentageOfNodesToScore);
    let evaluated: number;
    if (numToFind >= candidates.length) {
      const st = framework.runFilters(cs, pod, candidates, feasible, failed, trace, this.useConstantParts ? plan : undefined);
      if (st) return { ...base, selectedNode: null, status: st, message: st.message() };
      evaluated = candidates.length;
    } else {
      const r = this.sampledFilter(framework, cs, pod, candidates, numToFind, feasible, failed, trace, this.useConstantParts ? plan : undefined);
      if (r.status) return { ...base, selectedNode: null, status: r.status, message: r.status.message() };
      evaluated = r.evaluated;
      // Feasible nodes in node order (kube's order is the rotated one; selection below uses node order).
      feasible.sort((a, b) => a.seq - b.seq);
    }
    if (explanation && trace) {
      for (const n of allNodes) {
        const t = trace.get(n.name);
        if (t) explanation.set(n.name, { filter: t });
        else {
          // Left out by a PreFilter result: kube's diagnosis records that plugin's status for it.
          const by = cand.excludedBy(n);
          if (by !== undefined && absentStatus) explanation.set(n.name, { filter: [[by, absentStatus.withPlugin(by)]] });
        }
      }
    }

    if (feasible.length === 0) {
      const diagnosis: Diagnosis = {
        nodeToStatus: failed,
        absentStatus,
        absentCount: absentStatus ? numAll - candidates.length : 0,
        unschedulablePlugins: new Set([...failed.values()].map((s) => s.plugin!).filter(Boolean)),
      };
      return this.fail(framework, cs, pod, { ...base, evaluatedNodes: evaluated }, diagnosis, numAll, explanation);
    }

    const result = { ...base, feasibleNodes: feasible.length, evaluatedNodes: evaluated, explanation };
    // One feasible node: kube picks it without scoring; the explanation still scores it.
    if (feasible.length === 1 && !explain) {
      this.prng.intn(1);
      return { ...result, selectedNode: feasible[0]!.name, status: null };
    }

    const ps = framework.runPreScore(cs, pod, feasible);
    if (ps) return { ...result, selectedNode: null, status: ps, message: ps.message() };
    const totals = new Float64Array(feasible.length);
    const perPlugin = explain ? new Map<string, Float64Array>() : undefined;
    const ss = framework.runScore(cs, pod, feasible, totals, perPlugin, this.useConstantParts ? plan : undefined);
    if (ss) return { ...result, selectedNode: null, status: ss, message: ss.message() };
    if (framework.score.length === 0) totals.fill(1);
    if (explanation && perPlugin) {
      feasible.forEach((n, i) => {
        const e = explanation.get(n.name)!;
        e.scores = new Map([...perPlugin].map(([name, arr]) => [name, arr[i]!]));
        e.finalScore = totals[i]!;
      });
    }
    const chosen = this.selectHost(feasible, totals);
    return { ...result, selectedNode: chosen.name, status: null };
  }

  /**
   * The fused cycle: the same filter verdicts, scores and PRNG draw as the general path, computed
   * as kernel scans. Null when it does not apply (the caller then runs the general path).
   */
  private fusedCycle(
    framework: Framework, cs: CycleState, pod: PodInfo, plan: PodPlan,
    base: { pod: PodInfo; profile: string; feasibleNodes: number; evaluatedNodes: number }, numAll: number,
  ): ScheduleResult | null {
    if (numFeasibleNodesToFind(numAll, framework.percentageOfNodesToScore ?? this.config.percentageOfNodesToScore) < numAll) return null;
    const fused = framework.fused;
    const count = fused.filter(cs, pod, plan);
    if (count <= 0) return null;
    const { pod: p, profile } = base;
    // One feasible node: kube picks it without scoring.
    if (count === 1) {
      this.prng.intn(1);
      return { pod: p, profile, feasibleNodes: 1, evaluatedNodes: numAll, explanation: undefined, selectedNode: fused.nodeAt(0).name, status: null };
    }
    const feasible = fused.feasibleNodes();
    const result = { pod: p, profile, feasibleNodes: count, evaluatedNodes: numAll, explanation: undefined };
    const ps = framework.runPreScore(cs, pod, feasible);
    if (ps) return { ...result, selectedNode: null, status: ps, message: ps.message() };
    const chosen = fused.scoreAndSelect(cs, pod, plan, feasible, this.prng);
    if (chosen) return { pod: p, profile, feasibleNodes: count, evaluatedNodes: numAll, explanation: undefined, selectedNode: chosen.name, status: null };
    const totals = new Float64Array(feasible.length);
    const ss = framework.runScore(cs, pod, feasible, totals);
    if (ss) return { ...result, selectedNode: null, status: ss, message: ss.message() };
    if (framework.score.length === 0) totals.fill(1);
    return { ...result, selectedNode: this.selectHost(feasible, totals).name, status: null };
  }

  /**
   * selectHost: uniformly random among the top-scored nodes, reproducibly: one PRNG draw k in
   * [0, ties) per decision, choosing the k-th tied node in node order. `feasible` is in node order.
   */
  selectHost(feasible: readonly NodeInfo[], totals: Float64Array): NodeInfo {
    let max = -Infinity;
    let ties = 0;
    for (let i = 0; i < feasible.length; i++) {
      const v = totals[i]!;
      if (v > max) {
        max = v;
        ties = 1;
      } else if (v === max) ties++;
    }
    let k = this.prng.intn(ties);
    for (let i = 0; i < feasible.length; i++) {
      if (totals[i] === max) {
        if (k === 0) return feasible[i]!;
        k--;
      }
    }
    return feasible[0]!;
  }

  /**
   * kube's sampled filtering, made deterministic: nodes are visited from nextStartNodeIndex
   * round-robin and filtering stops exactly when numToFind nodes are feasible.
   */
  private sampledFilter(
    framework: Framework, cs: CycleState, pod: PodInfo, candidates: readonly NodeInfo[], numToFind: number,
    feasible: NodeInfo[], failed: Map<string, Status>, trace?: Map<string, FilterTrace>, plan?: PodPlan,
  ): { status: Status | null; evaluated: number } {
    const n = candidates.length;
    const start = this.nextStartNodeIndex % n;
    let pos = 0;
    while (pos < n && feasible.length < numToFind) {
      const size = Math.min(n - pos, Math.max(64, 2 * (numToFind - feasible.length)));
      const chunk: NodeInfo[] = new Array(size);
      for (let i = 0; i < size; i++) chunk[i] = candidates[(start + pos + i) % n]!;
      const chunkFeasible: NodeInfo[] = [];
      const chunkFailed = new Map<string, Status>();
      const st = framework.runFilters(cs, pod, chunk, chunkFeasible, chunkFailed, trace, plan);
      if (st) return { status: st, evaluated: pos };
      const need = numToFind - feasible.length;
      if (chunkFeasible.length >= need) {
        // Cut right after the need-th feasible node; later nodes count as not evaluated.
        const lastKept = chunkFeasible[need - 1]!;
        const cut = chunk.indexOf(lastKept) + 1;
        const kept = new Set(chunk.slice(0, cut));
        for (const f of chunkFeasible.slice(0, need)) feasible.push(f);
        for (const [name, s] of chunkFailed) if (kept.has(this.state.getNode(name)!)) failed.set(name, s);
        if (trace) for (const c of chunk.slice(cut)) trace.delete(c.name);
        pos += cut;
        break;
      }
      for (const f of chunkFeasible) feasible.push(f);
      for (const [name, s] of chunkFailed) failed.set(name, s);
      pos += size;
    }
    this.nextStartNodeIndex = (start + pos) % n;
    return { status: null, evaluated: pos };
  }

  /** FitError path: PostFilter (preemption), then kube's message. */
  private fail(
    framework: Framework, cs: CycleState, pod: PodInfo,
    base: { pod: PodInfo; profile: string; feasibleNodes: number; evaluatedNodes: number },
    diagnosis: Diagnosis, numAll: number, explanation?: Map<string, NodeExplanation>,
  ): ScheduleResult {
    const statuses = new Map(diagnosis.nodeToStatus);
    if (diagnosis.absentStatus) {
      for (const n of this.state.nodes) if (!statuses.has(n.name)) statuses.set(n.name, diagnosis.absentStatus);
    }
    const pf = framework.runPostFilter(cs, pod, statuses);
    const postMsg = pf.status && pf.status.code !== Code.Success ? pf.status.message() : undefined;
    const full: Diagnosis = { ...diagnosis, postFilterMsg: postMsg || undefined };
    const message = fitErrorMessage(numAll, full);
    const code = diagnosis.preFilterMsg && diagnosis.absentStatus?.code === Code.UnschedulableAndUnresolvable
      ? Code.UnschedulableAndUnresolvable
      : Code.Unschedulable;
    return {
      ...base,
      selectedNode: null,
      status: new Status(code, [message]),
      message,
      nominatedNode: pf.result?.nominatedNodeName ?? null,
      victims: pf.result?.victims,
      explanation,
      diagnosis: full,
    };
  }

  /**
   * Reserve + assume: commits a decision to the state (kube's assume), then Permit. Returns the
   * failing status (after undoing) or null.
   */
  assume(fw: Framework, cs: CycleState, pod: PodInfo, nodeName: string): Status | null {
    if (fw.reserve.length > 0) {
      const rs = fw.runReserve(cs, pod, nodeName);
      if (rs) return rs;
    }
    const picked = this.picked;
    if (picked !== undefined && picked.name === nodeName && this.pickedGeneration === this.state.nodeGeneration) this.state.addPodTo(pod, picked, true);
    else this.state.addPod(pod, nodeName, true);
    if (fw.permit.length === 0) return null;
    const { status } = fw.runPermit(cs, pod, nodeName);
    if (status && status.code !== Code.Wait) {
      fw.runUnreserve(cs, pod, nodeName);
      this.state.removePod(pod.key);
      return status;
    }
    return null;
  }

  /**
   * Commits a decision: assume (Reserve, the pod placed on the node, Permit), then the binding
   * cycle. When the profile's binding cycle runs synchronously (Framework.bindingCycleSync: an
   * in-memory binder) the whole commit is done on return, without a promise per pod; otherwise
   * the pod stays assumed while `result` runs the binding cycle. The state ends as after `assume`
   * then `await bind` either way.
   */
  commit(fw: Framework, cs: CycleState, pod: PodInfo, nodeName: string): CommitOutcome {
    const rejected = this.assume(fw, cs, pod, nodeName);
    if (rejected) return { kind: 'rejected', status: rejected };
    if (!fw.bindingCycleSync) return { kind: 'binding', result: this.bind(fw, cs, pod, nodeName).then(outcomeOf) };
    const st = fw.runBindingCycleSync(cs, pod, nodeName);
    if (st) {
      fw.runUnreserve(cs, pod, nodeName);
      this.state.removePod(pod.key);
      return { kind: 'rejected', status: st };
    }
    this.state.confirm(pod);
    return BOUND;
  }

  /**
   * Binding cycle; on failure unreserves and forgets the assumed pod. Only the assumption is
   * forgotten: while the binding ran, a live source may have placed the pod where the API says it
   * is (bound elsewhere: a 409), and that placement stays.
   */
  async bind(fw: Framework, cs: CycleState, pod: PodInfo, nodeName: string): Promise<Status | null> {
    const st = await fw.runBindingCycle(cs, pod, nodeName);
    if (st) {
      fw.runUnreserve(cs, pod, nodeName);
      if (this.state.placementOf(pod.key)?.pod === pod) this.state.removePod(pod.key);
      return st;
    }
    this.state.confirm(pod);
    return null;
  }
}

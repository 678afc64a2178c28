/**
 * The extender verbs on podfit's own Scheduler/Framework (no second copy of scheduling logic):
 *
 * - filter: PreFilter (over every node podfit knows, as kube does), then the Filter plugins over
 *   the nodes named in the request, in request order. A rejected node goes to
 *   FailedAndUnresolvableNodes when its Status is UnschedulableAndUnresolvable (preemption cannot
 *   help) and to FailedNodes otherwise, with Status.message() as the text. A PreFilter rejection
 *   rejects every requested node with its message; a PreFilterResult that leaves a node out makes
 *   it unresolvable with kube's `node(s) didn't satisfy plugin(s) [..]`.
 * - prioritize: PreFilter (plugins keep state for scoring), PreScore and Score over the requested
 *   nodes, then extenderPriority() (score.ts) per node.
 * - preempt: preempt.ts. bind: the ClusterSource.
 *
 * Which profile: the one named by the pod's schedulerName, else the first profile of the config
 * (kube-scheduler calls one extender for every profile it runs).
 *
 * Nodes podfit does not know: with NodeNames (nodeCacheCapable) the request is refused (400,
 * naming them) because there is nothing to evaluate; with full Nodes the request's Node object is
 * added to the state for the duration of the call and removed before returning. Nodes podfit does
 * know are evaluated from its own state (its node object and the pods on it), which kube-scheduler
 * does not send.
 *
 * Every verb is synchronous once its body is parsed, so temporary changes to the state (unknown
 * nodes, preemption dry runs) are never visible to another request.
 */
import type { SchedulerConfig } from '../api/config.js';
import { InputError } from '../api/errors.js';
import { decodeArgsPod, rawPodVersion, type ExtenderArgs, type ExtenderBindingArgs, type ExtenderPreemptionArgs, type FilterResultOut, type NamesById } from '../api/extender.js';
import type { Node } from '../api/k8s.js';
import { BindError, type ClusterSource } from '../cluster/source.js';
import { CycleState } from '../framework/cycle-state.js';
import type { PluginDefinition, PluginRegistry } from '../framework/interfaces.js';
import type { Framework } from '../framework/framework.js';
import { Scheduler } from '../framework/scheduler.js';
import { Code, Status } from '../framework/status.js';
import type { Kernels } from '../kernel/kernels.js';
import type { ClusterState, NodeInfo } from '../model/cluster-state.js';
import { ModelInputError } from '../model/errors.js';
import { makePodInfo, type PodInfo } from '../model/pod-info.js';
import { EXTENDER_POD_BYTES_CACHE_MAX, EXTENDER_RECENT_PODS_MAX, EXTENDER_UNKNOWN_NODES_LISTED_MAX } from '../model/limits.js';
import { ArgsScanner, BytesCache, NodeNameTable } from './fast-args.js';
import { ExtenderInternalError } from './errors.js';
import { selectVictims, type PreemptionOutcome } from './preempt.js';
import { extenderPriority } from './score.js';

/** Access to the full Node objects of a Nodes-mode request, by item index. */
export interface NodeItems {
  /** Decoded Node of item i (only called for nodes podfit does not know). Throws InputError. */
  node(index: number): Node;
}

/** Outcome of filter, before encoding. */
export interface FilterOutcome {
  /** Indices (into the request's node list) of the nodes that pass, in request order. */
  readonly passed: readonly number[];
  readonly failedNodes: Map<string, string>;
  readonly failedAndUnresolvableNodes: Map<string, string>;
  /** Non-empty when podfit could not evaluate the pod (a plugin Error): ExtenderFilterResult.Error. */
  readonly error: string;
}

/** Outcome of prioritize. */
export interface PrioritizeOutcome {
  readonly hosts: readonly string[];
  readonly scores: Int32Array;
}

/** Extender settings. */
export interface ExtenderOptions {
  readonly seed?: number;
  /** Out-of-tree plugins usable by name in the config (kube's WithFrameworkOutOfTreeRegistry). */
  readonly plugins?: readonly PluginDefinition<any>[];
}

/**
 * Pods seen in requests, by UID, by namespace/name and by exact version (uid@resourceVersion).
 * bind uses it to place a pod podfit has not otherwise seen; the verbs use the version key to skip
 * decoding a pod again (kube-scheduler sends the same pod to filter, then prioritize, and again on
 * every retry: one object version never changes, so its PodInfo can be reused).
 */
class RecentPods {
  private readonly map = new Map<string, PodInfo>();
  constructor(private readonly max: number) {}
  remember(p: PodInfo, version: string | undefined): void {
    for (const k of [p.uid && `uid:${p.uid}`, `key:${p.key}`, version && `v:${version}`]) {
      if (!k) continue;
      this.map.delete(k);
      this.map.set(k, p);
    }
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  find(uid: string, key: string): PodInfo | undefined {
    return (uid ? this.map.get(`uid:${uid}`) : undefined) ?? this.map.get(`key:${key}`);
  }
  version(version: string): PodInfo | undefined {
    return this.map.get(`v:${version}`);
  }
}

/**
 * filter's record of rejected nodes: statuses in an array indexed by NodeTable row instead of a
 * Map by name per request (the Map's growth was a tenth of a request's garbage).
 */
class RejectedByRow {
  private readonly byRow: Array<Status | undefined> = [];
  /** Rows set since the last reset (grow-only; `count` used). */
  private readonly rows: number[] = [];
  private count = 0;

  /** Starts a request (clearing whatever an interrupted one left). */
  open(): this {
    this.reset();
    return this;
  }

  /** FailedSink: records a node's status (runFilters passes the node itself). */
  set(_nodeName: string, status: Status, node: NodeInfo): void {
    this.put(node, status);
  }

  put(info: NodeInfo, status: Status): void {
    if (this.byRow[info.row] === undefined) this.rows[this.count++] = info.row;
    this.byRow[info.row] = status;
  }

  /** The node's status, cleared (so a node listed twice is reported once). */
  take(info: NodeInfo): Status | undefined {
    const st = this.byRow[info.row];
    this.byRow[info.row] = undefined;
    return st;
  }

  reset(): void {
    for (let i = 0; i < this.count; i++) this.byRow[this.rows[i]!] = undefined;
    this.count = 0;
  }
}

/** A filter outcome as the answer to encode (encodeFilterResult), its nodes given as `nodes`. */
export function filterResultOut(out: FilterOutcome, nodes: Pick<FilterResultOut, 'nodeItems' | 'nodeNames' | 'namesById'>): FilterResultOut {
  return { ...nodes, nodeNameIndices: out.passed, failedNodes: out.failedNodes, failedAndUnresolvableNodes: out.failedAndUnresolvableNodes, error: out.error };
}

/** The extender's scheduling core: verbs in, outcomes out; HTTP lives in server.ts. */
export class Extender {
  private scheduler: Scheduler | undefined;
  private schedulerState: ClusterState | undefined;
  private readonly recent = new RecentPods(EXTENDER_RECENT_PODS_MAX);
  /** filter's rejections by node row (reused: filter is synchronous). */
  private readonly rejected = new RejectedByRow();
  /** The byte-level fast path's parts (fast-args.ts). */
  private readonly scanner = new ArgsScanner();
  private readonly names = new NodeNameTable();
  /** The fast path's name indices and nodes (reused: see filterBytes). */
  private nameIds = new Int32Array(1024);
  private readonly fastInfos: NodeInfo[] = [];
  /** prioritize's weighted score sums (reused). */
  private totals = new Float64Array(1024);
  private readonly podBytes = new BytesCache<PodInfo>(EXTENDER_POD_BYTES_CACHE_MAX);
  /** Warnings from building the profiles (plugins not implemented), reported once. */
  readonly warnings: string[] = [];

  constructor(
    readonly source: ClusterSource,
    readonly config: SchedulerConfig,
    readonly kernels: Kernels,
    /** The plugins profiles are built from (handed in by the CLI). */
    private readonly registry: PluginRegistry,
    readonly options: ExtenderOptions = {},
  ) {
    const s = this.currentScheduler();
    this.warnings.push(...s.warnings);
  }

  /** The scheduler over the source's current state (rebuilt when a snapshot reload replaced it). */
  currentScheduler(): Scheduler {
    const state = this.source.state;
    if (!this.scheduler || this.schedulerState !== state) {
      this.scheduler = new Scheduler({ state, config: this.config, kernels: this.kernels, registry: this.registry, seed: this.options.seed, plugins: this.options.plugins, objects: this.source.objects });
      this.schedulerState = state;
    }
    return this.scheduler;
  }

  private frameworkFor(s: Scheduler, pod: PodInfo): Framework {
    return s.frameworkFor(pod) ?? s.defaultFramework;
  }

  /** The request's pod, decoded once per version (see RecentPods). */
  private decodePod(raw: Record<string, unknown>): PodInfo {
    const version = rawPodVersion(raw);
    const cached = version ? this.recent.version(version) : undefined;
    if (cached) return cached;
    const pod = decodeArgsPod(raw);
    let info: PodInfo;
    try {
      info = makePodInfo(pod);
    } catch (e) {
      if (e instanceof ModelInputError) throw new InputError(`Pod: ${e.message}`, `Pod.${e.field}`);
      throw e;
    }
    // Admission as the API server does it (PriorityClass -> priority) when the source has the classes.
    this.source.objects?.admitPod(info);
    this.recent.remember(info, version);
    return info;
  }

  /**
   * Resolves the requested node names to NodeInfos, adding unknown Nodes-mode nodes to the state
   * (returned in `temporary`, to be removed by the caller). Throws InputError for unknown names
   * when the request carries only names.
   */
  private resolveNodes(state: ClusterState, names: readonly string[], items: NodeItems | null): { infos: NodeInfo[]; temporary: string[] } {
    const infos: NodeInfo[] = new Array(names.length);
    const temporary: string[] = [];
    const unknown: string[] = [];
    try {
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        let info = state.getNode(name);
        if (!info) {
          if (!items) {
            unknown.push(name);
            continue;
          }
          const node = items.node(i);
          if (node.metadata.name !== name) throw new InputError(`Nodes.items[${i}]: name changed while decoding`, `Nodes.items[${i}].metadata.name`);
          try {
            info = state.addNode(node);
          } catch (e) {
            if (e instanceof ModelInputError) throw new InputError(`Nodes.items[${i}]: ${e.message}`, `Nodes.items[${i}]`);
            throw e;
          }
          temporary.push(name);
        }
        infos[i] = info;
      }
      if (unknown.length > 0) {
        const shown = unknown.slice(0, EXTENDER_UNKNOWN_NODES_LISTED_MAX).map((n) => JSON.stringify(n)).join(', ');
        const more = unknown.length > EXTENDER_UNKNOWN_NODES_LISTED_MAX ? ` and ${unknown.length - EXTENDER_UNKNOWN_NODES_LISTED_MAX} more` : '';
        throw new InputError(`NodeNames: ${unknown.length} node(s) unknown to podfit's cluster state: ${shown}${more}`, 'NodeNames');
      }
    } catch (e) {
      for (const t of temporary) state.removeNode(t);
      throw e;
    }
    return { infos, temporary };
  }

  /** Runs `fn` over the requested nodes, removing temporarily added ones afterwards. */
  private withNodes<T>(args: ExtenderArgs, items: NodeItems | null, fn: (s: Scheduler, infos: NodeInfo[]) => T): T {
    const s = this.currentScheduler();
    const names = args.nodeNames ?? args.nodes ?? [];
    const { infos, temporary } = this.resolveNodes(s.state, names, args.nodeNames ? null : items);
    try {
      return fn(s, infos);
    } finally {
      for (const t of temporary) s.state.removeNode(t);
    }
  }

  /** The filter verb. */
  filter(args: ExtenderArgs, items: NodeItems | null): FilterOutcome {
    const pod = this.decodePod(args.pod);
    return this.withNodes(args, items, (s, infos) => this.filterNodes(s, pod, infos));
  }

  /** filter on resolved nodes (the request's order). */
  private filterNodes(s: Scheduler, pod: PodInfo, infos: readonly NodeInfo[]): FilterOutcome {
    const fail = (error: string): FilterOutcome => {
      this.rejected.reset();
      return { passed: [], failedNodes: new Map(), failedAndUnresolvableNodes: new Map(), error };
    };
    // Rejections by node row; the answer lists them in request order (Go's maps have none).
    const rejected = this.rejected.open();
    const fw = this.frameworkFor(s, pod);
    const cs = new CycleState();
    const pre = fw.runPreFilter(cs, pod, s.state.nodes);
    const feasible: NodeInfo[] = [];
    if (pre.status && pre.status.code !== Code.Success) {
      if (!pre.status.isRejected()) return fail(pre.status.message());
      for (const n of infos) rejected.put(n, pre.status);
    } else {
      // The requested nodes the PreFilter result leaves (the framework's one candidate step).
      const cand = fw.candidateNodes(pre, infos);
      const candidates = cand.nodes;
      if (cand.absentStatus) for (const n of infos) if (cand.excludedBy(n) !== undefined) rejected.put(n, cand.absentStatus);
      const st = fw.runFilters(cs, pod, candidates, feasible, rejected);
      if (st) return fail(st.message());
    }
    const failedNodes = new Map<string, string>();
    const failedAndUnresolvableNodes = new Map<string, string>();
    // Statuses are shared between nodes (and withPlugin keeps their reasons array), so each
    // distinct message is joined once per request, not once per node.
    const messages = new Map<readonly string[], string>();
    const passed: number[] = new Array(feasible.length);
    // `feasible` is a subsequence of `infos` in the same order: walk both together.
    let j = 0;
    for (let i = 0; i < infos.length; i++) {
      const n = infos[i]!;
      if (feasible[j] === n) {
        passed[j++] = i;
        continue;
      }
      // Taken once: a name listed twice is answered once, as before.
      const st = rejected.take(n);
      if (!st) continue;
      let msg = st.error ? undefined : messages.get(st.reasons);
      if (msg === undefined) {
        msg = st.message();
        if (!st.error) messages.set(st.reasons, msg);
      }
      (st.code === Code.UnschedulableAndUnresolvable ? failedAndUnresolvableNodes : failedNodes).set(n.name, msg);
    }
    rejected.reset();
    return { passed, failedNodes, failedAndUnresolvableNodes, error: '' };
  }

  /** The prioritize verb. Throws ExtenderInternalError when a plugin fails. */
  prioritize(args: ExtenderArgs, items: NodeItems | null): PrioritizeOutcome {
    const pod = this.decodePod(args.pod);
    // The hosts are the requested names (each resolved to the node of that name).
    const hosts = args.nodeNames ?? args.nodes ?? [];
    return this.withNodes(args, items, (s, infos) => ({ hosts, scores: this.prioritizeNodes(s, pod, infos) }));
  }

  /** prioritize on resolved nodes: the scores, 0-10, in the nodes' order. */
  private prioritizeNodes(s: Scheduler, pod: PodInfo, infos: readonly NodeInfo[]): Int32Array {
    const scores = new Int32Array(infos.length);
    const fw = this.frameworkFor(s, pod);
    const cs = new CycleState();
    const pre = fw.runPreFilter(cs, pod, s.state.nodes);
    if (pre.status && pre.status.code !== Code.Success) {
      // A pod podfit finds unschedulable everywhere gets no preference from podfit.
      if (pre.status.isRejected()) return scores;
      throw new ExtenderInternalError(pre.status.message());
    }
    if (infos.length === 0) return scores;
    const ps = fw.runPreScore(cs, pod, infos);
    if (ps) throw new ExtenderInternalError(ps.message());
    // Reused (prioritize is synchronous): a fresh one is a malloc'd backing store per request.
    if (this.totals.length < infos.length) this.totals = new Float64Array(Math.max(infos.length, 2 * this.totals.length));
    const totals = this.totals.subarray(0, infos.length).fill(0);
    const ss = fw.runScore(cs, pod, infos, totals);
    if (ss) throw new ExtenderInternalError(ss.message());
    let weightSum = 0;
    for (const { plugin, weight } of fw.score) if (!cs.skipScorePlugins.has(plugin.name)) weightSum += weight;
    for (let i = 0; i < infos.length; i++) scores[i] = extenderPriority(totals[i]!, weightSum);
    return scores;
  }

  /**
   * The fast path for a filter or prioritize body (fast-args.ts): the pod and the nodes, or null
   * when the body is not the plain NodeNames form with known names (the caller then parses it).
   */
  private fastResolve(body: Uint8Array): { s: Scheduler; pod: PodInfo; infos: NodeInfo[]; names: NamesById } | null {
    const a = this.scanner.scan(body);
    if (!a) return null;
    const s = this.currentScheduler();
    const table = this.names;
    table.sync(s.state);
    // Lengths set, never emptied (see Framework.runFilters): the same count keeps the backing store.
    const infos = this.fastInfos;
    infos.length = a.count;
    if (this.nameIds.length < a.count) this.nameIds = new Int32Array(Math.max(a.count, 2 * this.nameIds.length));
    const ids = this.nameIds.subarray(0, a.count);
    for (let i = 0; i < a.count; i++) {
      const id = table.indexOf(body, a.names[3 * i]!, a.names[3 * i + 1]!, a.names[3 * i + 2]!);
      if (id < 0) return null;
      ids[i] = id;
      infos[i] = table.info(id);
    }
    let pod = this.podBytes.get(body, a.podStart, a.podEnd);
    if (pod === undefined) {
      let raw: unknown;
      try {
        raw = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8', a.podStart, a.podEnd));
      } catch {
        return null;
      }
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
      pod = this.decodePod(raw as Record<string, unknown>);
      this.podBytes.set(body, a.podStart, a.podEnd, pod);
    }
    return { s, pod, infos, names: { names: table, ids } };
  }

  /**
   * filter of a raw body through the fast path, or null (see fastResolve). `nodes` and `names`
   * (the request's names by index, for the answer) are reused: valid until the next fast-path call.
   */
  filterBytes(body: Uint8Array): { outcome: FilterOutcome; nodes: readonly NodeInfo[]; names: NamesById; pod: PodInfo } | null {
    const r = this.fastResolve(body);
    return r && { outcome: this.filterNodes(r.s, r.pod, r.infos), nodes: r.infos, names: r.names, pod: r.pod };
  }

  /** prioritize of a raw body through the fast path, or null (see fastResolve; `nodes` and `names` as in filterBytes). */
  prioritizeBytes(body: Uint8Array): { scores: Int32Array; nodes: readonly NodeInfo[]; names: NamesById; pod: PodInfo } | null {
    const r = this.fastResolve(body);
    return r && { scores: this.prioritizeNodes(r.s, r.pod, r.infos), nodes: r.infos, names: r.names, pod: r.pod };
  }

  /** The preempt verb. Throws InputError for unknown nodes, ExtenderInternalError when a plugin fails. */
  preempt(args: ExtenderPreemptionArgs): PreemptionOutcome {
    const pod = this.decodePod(args.pod);
    const s = this.currentScheduler();
    const unknown = [...args.nodes.keys()].filter((n) => !s.state.getNode(n));
    if (unknown.length > 0) {
      const shown = unknown.slice(0, EXTENDER_UNKNOWN_NODES_LISTED_MAX).map((n) => JSON.stringify(n)).join(', ');
      throw new InputError(`NodeNameToVictims: ${unknown.length} node(s) unknown to podfit's cluster state: ${shown}`, 'NodeNameToMetaVictims');
    }
    return selectVictims(s.state, this.frameworkFor(s, pod), pod, args);
  }

  /** The bind verb: "" on success, else the error for ExtenderBindingResult.Error. */
  async bind(args: ExtenderBindingArgs): Promise<string> {
    const ref = { namespace: args.podNamespace, name: args.podName, uid: args.podUID };
    const pod = this.recent.find(args.podUID, `${args.podNamespace}/${args.podName}`);
    try {
      await this.source.bind(ref, pod && (!args.podUID || !pod.uid || pod.uid === args.podUID) ? pod : undefined, args.node);
      return '';
    } catch (e) {
      if (e instanceof BindError) return e.message;
      throw e;
    }
  }
}

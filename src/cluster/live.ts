/**
 * A live cluster as the extender's state: Nodes and Pods listed and watched through
 * @kubernetes/client-node (kubeconfig or in-cluster service account), applied to one ClusterState.
 *
 * - Nodes: every node, in the order first seen. Pods: every non-terminal pod
 *   (`status.phase!=Succeeded,status.phase!=Failed`, the selector kube-scheduler's own informer
 *   uses); pods with spec.nodeName are placed on their node, the others are kept as pending so a
 *   bind can place them. A pod whose node is not known yet waits until the node appears.
 * - Relists (reflector.ts) replace the state's contents in place: objects missing from the list
 *   are removed, unchanged ones (same resourceVersion) are skipped.
 * - bind creates the Binding (binder.ts) and then *assumes* the pod on the node, so the next
 *   filter sees it at once; the watch confirms it (the pod arrives with spec.nodeName). An
 *   assumption the watch has not confirmed within the TTL is dropped (the binding may have been
 *   undone, or the watch is broken and a relist will repair the state).
 * - ready() once both resources have been listed, and for as long as neither has been out of
 *   sync (failing to list/watch) for longer than staleAfterMs.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { nodeSchema, podSchema, type Node } from '../api/k8s.js';
import { ClusterState } from '../model/cluster-state.js';
import type { TableMemory } from '../model/node-table.js';
import { LIVE_ASSUMED_POD_TTL_MS, LIVE_STALE_AFTER_MS } from '../model/limits.js';
import { makePodInfo, type PodInfo } from '../model/pod-info.js';
import { ApiBinder } from './binder.js';
import { NON_TERMINAL_PODS_SELECTOR } from './collect.js';
import { KubeApi } from './kube-api.js';
import { Reflector, type ReflectorOptions } from './reflector.js';
import { isTerminal } from './snapshot.js';
import type { ClusterSource, PodRef, SourceStats } from './source.js';

/** Counters the live source reports (the extender's metrics implement this). */
export interface LiveClusterHooks {
  relist(resource: string, reason: string): void;
  watchEvent(resource: string, type: string): void;
  bind(outcome: 'bound' | 'already_bound' | 'error'): void;
  assumedExpired(): void;
}

/**
 * Who hears of changes once they are applied to the state (the standalone scheduler's queue):
 * a pod without a node (new or changed), a pod with one, a pod gone (assigned: it was bound), a
 * node added or changed.
 */
export interface LiveObserver {
  podPending(pod: PodInfo): void;
  podAssigned(pod: PodInfo): void;
  podDeleted(key: string, assigned: boolean): void;
  nodeChanged(type: 'NodeAdd' | 'NodeUpdate', name: string): void;
}

/** The logging the live source needs (a pino logger fits). */
export interface LiveLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Live source settings. */
export interface LiveClusterOptions {
  readonly kubeConfig: KubeConfig;
  /** Where the state keeps its NodeTable (the kernels' memory: the WASM engine reads it in place). */
  readonly tableMemory?: TableMemory;
  readonly assumedPodTtlMs?: number;
  readonly staleAfterMs?: number;
  /** Passed to both reflectors (page size, watch timeout, backoff). */
  readonly reflector?: Partial<Pick<ReflectorOptions, 'pageSize' | 'watchTimeoutSeconds' | 'backoffInitialMs' | 'backoffMaxMs'>>;
  /** Binding retries (attempts, first delay). */
  readonly bindAttempts?: number;
  readonly bindRetryDelayMs?: number;
  readonly hooks?: Partial<LiveClusterHooks>;
  readonly log?: LiveLog;
  readonly observer?: LiveObserver;
}

/**
 * What of a node can turn an unschedulable pod schedulable (kube's nodeSchedulingPropertiesChange:
 * spec.unschedulable, allocatable, labels, taints, conditions' types and statuses, annotations),
 * as one string to compare.
 */
function schedulingSignature(n: Node): string {
  const st = n.status as { allocatable?: unknown; conditions?: Array<{ type?: string; status?: string }> } | undefined;
  return JSON.stringify([
    n.spec?.unschedulable ?? false, st?.allocatable ?? null, n.metadata.labels ?? null, n.spec?.taints ?? null,
    (st?.conditions ?? []).map((c) => `${c.type}=${c.status}`), n.metadata.annotations ?? null,
  ]);
}

/** Where the pods and nodes come from: paths of the API. */
const NODES_PATH = '/api/v1/nodes';
const PODS_PATH = '/api/v1/pods';
/** Objects applied between event-loop yields during a relist. */
const REPLACE_CHUNK = 500;

type Obj = Record<string, unknown>;

const rvOf = (o: Obj) => (o.metadata as { resourceVersion?: string } | undefined)?.resourceVersion ?? '';
const yieldLoop = () => new Promise<void>((r) => setImmediate(r));

/** The live cluster source. */
export class LiveCluster implements ClusterSource {
  readonly kind = 'live' as const;
  readonly state: ClusterState;
  readonly api: KubeApi;
  private readonly binder: ApiBinder;
  readonly nodes: Reflector;
  readonly pods: Reflector;
  private readonly nodeRv = new Map<string, string>();
  /** Per node, what scheduling reads of it (observer only: changes of anything else move no pod). */
  private readonly nodeSig = new Map<string, string>();
  private readonly podRv = new Map<string, string>();
  private readonly pending = new Map<string, PodInfo>();
  private readonly pendingByUid = new Map<string, PodInfo>();
  /** Pods bound to nodes podfit does not know (yet), by node name. */
  private readonly orphans = new Map<string, Map<string, PodInfo>>();
  private readonly assumed = new Map<string, { node: string; uid: string; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly hooks: Partial<LiveClusterHooks>;
  private readonly log: LiveLog | undefined;
  private readonly ttlMs: number;
  private readonly staleAfterMs: number;

  constructor(readonly options: LiveClusterOptions) {
    const kc = options.kubeConfig;
    this.state = new ClusterState(options.tableMemory);
    this.api = new KubeApi(kc);
    this.binder = new ApiBinder(kc, options.bindAttempts, options.bindRetryDelayMs);
    this.hooks = options.hooks ?? {};
    this.log = options.log;
    this.ttlMs = options.assumedPodTtlMs ?? LIVE_ASSUMED_POD_TTL_MS;
    this.staleAfterMs = options.staleAfterMs ?? LIVE_STALE_AFTER_MS;
    const common = (resource: string): Omit<ReflectorOptions, 'path'> => ({
      resource,
      ...options.reflector,
      onList: (reason) => {
        this.hooks.relist?.(resource, reason);
        if (reason !== 'initial') this.log?.info({ resource, reason }, 'relisting');
      },
      onWatchEvent: (type) => this.hooks.watchEvent?.(resource, type),
      onError: (err, phase) => this.log?.warn({ resource, phase, err: err.message }, `${phase} failed`),
    });
    this.nodes = new Reflector(this.api, kc, { replace: (items) => this.replaceNodes(items), apply: (t, o) => this.applyNode(t, o) }, { path: NODES_PATH, ...common('nodes') });
    this.pods = new Reflector(this.api, kc, { replace: (items) => this.replacePods(items), apply: (t, o) => this.applyPod(t, o) }, { path: PODS_PATH, fieldSelector: NON_TERMINAL_PODS_SELECTOR, ...common('pods') });
    this.sweeper = setInterval(() => this.expireAssumed(Date.now()), Math.max(100, Math.min(5000, this.ttlMs / 2)));
    this.sweeper.unref();
  }

  /** Starts both list/watch loops; resolves once both have listed. */
  async start(): Promise<void> {
    // Nodes first, so pods land on known nodes instead of waiting as orphans.
    await this.nodes.start();
    await this.pods.start();
  }

  ready(): boolean {
    const now = Date.now();
    const fresh = (r: Reflector) => r.synced && (r.outOfSyncSince === null || now - r.outOfSyncSince <= this.staleAfterMs);
    return fresh(this.nodes) && fresh(this.pods);
  }

  findPendingPod(ref: PodRef): PodInfo | undefined {
    return (ref.uid ? this.pendingByUid.get(ref.uid) : undefined) ?? this.pending.get(`${ref.namespace}/${ref.name}`);
  }

  async bind(ref: PodRef, pod: PodInfo | undefined, nodeName: string): Promise<void> {
    const key = `${ref.namespace}/${ref.name}`;
    let outcome;
    try {
      outcome = await this.binder.bind(ref, nodeName);
    } catch (e) {
      this.hooks.bind?.('error');
      throw e;
    }
    this.hooks.bind?.(outcome);
    const info = pod ?? this.findPendingPod(ref);
    const cur = this.state.placementOf(key);
    // Assume only while the watch has not already confirmed the pod somewhere.
    if (info && this.state.getNode(nodeName) && (!cur || cur.assumed)) {
      this.state.addPod(info, nodeName, true);
      this.assumed.set(key, { node: nodeName, uid: ref.uid || info.uid, expiresAt: Date.now() + this.ttlMs });
      this.dropPending(key);
    }
  }

  /**
   * A pod a scheduler assumed on `node` and is binding: until `expiresAt` a watch event showing it
   * still without a node (a late status update) does not undo the assumption. The standalone
   * scheduler calls it with Infinity before binding and with now + TTL once the binding is created.
   */
  trackAssumed(key: string, node: string, uid: string, expiresAt = Date.now() + this.ttlMs): void {
    this.assumed.set(key, { node, uid, expiresAt });
  }

  /** The binding failed: the assumption is gone (the scheduler has already removed it from the state). */
  untrackAssumed(key: string): void {
    this.assumed.delete(key);
  }

  stats(): SourceStats {
    let pods = 0;
    for (const n of this.state.nodes) pods += n.pods.length;
    return { nodes: this.state.nodeCount, pods, assumedPods: this.assumed.size, pendingPods: this.pending.size };
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([this.nodes.stop(), this.pods.stop()]);
  }

  /** Drops assumptions past their TTL (exposed for tests). */
  expireAssumed(now: number): void {
    for (const [key, a] of this.assumed) {
      if (a.expiresAt > now) continue;
      this.assumed.delete(key);
      const cur = this.state.placementOf(key);
      if (cur?.assumed) this.state.removePod(key);
      this.hooks.assumedExpired?.();
      this.log?.warn({ pod: key, node: a.node }, 'assumed pod expired: the watch never confirmed its binding');
    }
  }

  // --- nodes -----------------------------------------------------------------------------------

  private decodeNode(o: Obj): Node | undefined {
    const r = nodeSchema.safeParse(o);
    if (r.success) return r.data;
    this.log?.warn({ node: (o.metadata as { name?: string } | undefined)?.name, err: r.error.issues[0]?.message }, 'ignoring undecodable node');
    return undefined;
  }

  private applyNode(type: 'ADDED' | 'MODIFIED' | 'DELETED', o: Obj): void {
    const node = this.decodeNode(o);
    const name = node?.metadata.name;
    if (!node || !name) return;
    if (type === 'DELETED') {
      this.removeNode(name);
      return;
    }
    const rv = rvOf(o);
    if (rv && this.nodeRv.get(name) === rv && this.state.getNode(name)) return;
    try {
      this.state.updateNode(node);
    } catch (e) {
      this.log?.warn({ node: name, err: (e as Error).message }, 'ignoring node');
      return;
    }
    const known = this.nodeRv.has(name);
    this.nodeRv.set(name, rv);
    const observer = this.options.observer;
    if (observer) {
      // kube's nodeSchedulingPropertiesChange: a status heartbeat is no reason to retry pods.
      const sig = schedulingSignature(node);
      if (!known || this.nodeSig.get(name) !== sig) observer.nodeChanged(known ? 'NodeUpdate' : 'NodeAdd', name);
      this.nodeSig.set(name, sig);
    }
    const waiting = this.orphans.get(name);
    if (waiting) {
      this.orphans.delete(name);
      for (const p of waiting.values()) this.state.addPod(p, name, false);
    }
  }

  private removeNode(name: string): void {
    const info = this.state.getNode(name);
    if (!info) return;
    // Its pods wait as orphans: the node may come back, or their own DELETED events will follow.
    const keep = new Map<string, PodInfo>();
    for (const p of info.pods) {
      if (this.state.placementOf(p.key)?.assumed) this.assumed.delete(p.key);
      else keep.set(p.key, p);
    }
    this.state.removeNode(name);
    this.nodeRv.delete(name);
    this.nodeSig.delete(name);
    if (keep.size > 0) this.orphans.set(name, keep);
  }

  private async replaceNodes(items: readonly Obj[]): Promise<void> {
    const seen = new Set<string>();
    for (let i = 0; i < items.length; i++) {
      const o = items[i]!;
      const name = (o.metadata as { name?: string } | undefined)?.name;
      if (name) seen.add(name);
      this.applyNode('ADDED', o);
      if ((i + 1) % REPLACE_CHUNK === 0) await yieldLoop();
    }
    for (const n of [...this.state.nodes]) if (!seen.has(n.name)) this.removeNode(n.name);
  }

  // --- pods ------------------------------------------------------------------------------------

  private dropPending(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    if (p.uid && this.pendingByUid.get(p.uid) === p) this.pendingByUid.delete(p.uid);
  }

  private forgetPod(key: string): void {
    const observer = this.options.observer;
    if (observer) {
      const p = this.state.placementOf(key);
      const assigned = (p !== undefined && !p.assumed) || [...this.orphans.values()].some((m) => m.has(key));
      observer.podDeleted(key, assigned);
    }
    this.state.removePod(key);
    this.dropPending(key);
    this.assumed.delete(key);
    this.podRv.delete(key);
    for (const [node, m] of this.orphans) {
      if (m.delete(key) && m.size === 0) this.orphans.delete(node);
    }
  }

  private applyPod(type: 'ADDED' | 'MODIFIED' | 'DELETED', o: Obj): void {
    const r = podSchema.safeParse(o);
    if (!r.success) {
      this.log?.warn({ pod: (o.metadata as { name?: string } | undefined)?.name, err: r.error.issues[0]?.message }, 'ignoring undecodable pod');
      return;
    }
    const pod = r.data;
    const key = `${pod.metadata.namespace || 'default'}/${pod.metadata.name ?? ''}`;
    if (type === 'DELETED' || isTerminal(pod)) {
      this.forgetPod(key);
      return;
    }
    const rv = rvOf(o);
    if (rv && this.podRv.get(key) === rv) return;
    let info: PodInfo;
    try {
      info = makePodInfo(pod);
    } catch (e) {
      this.log?.warn({ pod: key, err: (e as Error).message }, 'ignoring pod');
      return;
    }
    this.podRv.set(key, rv);
    const assumed = this.assumed.get(key);
    if (assumed && assumed.uid && info.uid && assumed.uid !== info.uid) {
      // A new pod reusing the name: the assumption was about the old one.
      this.assumed.delete(key);
      if (this.state.placementOf(key)?.assumed) this.state.removePod(key);
    }
    const nodeName = info.nodeName;
    if (!nodeName) {
      // Still pending as far as the watch knows; a pod podfit just bound keeps its assumption.
      if (this.assumed.has(key)) return;
      this.options.observer?.podPending(info);
      if (this.state.placementOf(key)) this.state.removePod(key);
      this.dropPending(key);
      this.pending.set(key, info);
      if (info.uid) this.pendingByUid.set(info.uid, info);
      return;
    }
    this.dropPending(key);
    this.assumed.delete(key);
    this.options.observer?.podAssigned(info);
    for (const [node, m] of this.orphans) {
      if (node !== nodeName && m.delete(key) && m.size === 0) this.orphans.delete(node);
    }
    if (this.state.getNode(nodeName)) {
      this.state.addPod(info, nodeName, false);
    } else {
      if (this.state.placementOf(key)) this.state.removePod(key);
      let m = this.orphans.get(nodeName);
      if (!m) this.orphans.set(nodeName, (m = new Map()));
      m.set(key, info);
    }
  }

  private async replacePods(items: readonly Obj[]): Promise<void> {
    const seen = new Set<string>();
    for (let i = 0; i < items.length; i++) {
      const o = items[i]!;
      const md = o.metadata as { name?: string; namespace?: string } | undefined;
      seen.add(`${md?.namespace || 'default'}/${md?.name ?? ''}`);
      this.applyPod('ADDED', o);
      if ((i + 1) % REPLACE_CHUNK === 0) await yieldLoop();
    }
    const known = new Set<string>([...this.pending.keys()]);
    for (const { pod } of this.state.placedPods()) known.add(pod.key);
    for (const m of this.orphans.values()) for (const k of m.keys()) known.add(k);
    for (const key of known) if (!seen.has(key)) this.forgetPod(key);
  }
}

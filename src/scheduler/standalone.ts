/**
 * `podfit scheduler`: a standalone secondary scheduler (kube-scheduler's scheduleOne loop), on
 * the same Scheduler/Framework as every other use:
 *
 *   informers (cluster/live.ts: list/watch nodes and non-terminal pods, relist on 410, backoff)
 *     -> pods with no node whose schedulerName is one of the profiles -> SchedulingQueue
 *     -> pop -> Scheduler.schedulePod (class batching for pods carrying a classKey) -> assume
 *     -> binding cycle in the background (pods/binding), several in flight
 *
 * - Success: the Binding is created; a `Scheduled` event. 409 (bound elsewhere meanwhile): the
 *   assumption is forgotten and the pod dropped (its watch event removes it from the queue).
 * - Failure: PodScheduled=False (Unschedulable, or SchedulerError for errors and failed
 *   bindings), a `FailedScheduling` event, the pod back in the queue (unschedulable, or backoff for
 *   errors). Preemption (DefaultPreemption's PostFilter): victims deleted, nominatedNodeName set.
 * - Only while `active`: the leader when leader election is on (leader-election.ts), always
 *   otherwise. Informers and the queue run on standbys too, so a new leader starts at once.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { SchedulerConfig } from '../api/config.js';
import { LiveCluster, type LiveClusterOptions, type LiveLog, type LiveObserver } from '../cluster/live.js';
import { BindError } from '../cluster/source.js';
import { KubeApi } from '../cluster/kube-api.js';
import type { Binder, PluginDefinition, PluginRegistry } from '../framework/interfaces.js';
import { Scheduler, type ScheduleResult } from '../framework/scheduler.js';
import {
  BACKOFF_FLUSH_INTERVAL_MS, SchedulingQueue, UNSCHEDULABLE_FLUSH_INTERVAL_MS, type Clock, type QueuedPod,
} from '../framework/queue.js';
import type { Framework } from '../framework/framework.js';
import type { Kernels } from '../kernel/kernels.js';
import { podClassKey, type PodInfo } from '../model/pod-info.js';
import { SCHEDULER_API_SOCKETS_MAX, SCHEDULER_BINDS_IN_FLIGHT_MAX, SCHEDULER_PODS_PER_YIELD } from '../model/limits.js';
import { SchedulerWrites } from './api-writes.js';
import { LeaderElector, type LeaderElectorOptions } from './leader-election.js';
import type { SchedulerMetrics } from './metrics.js';

/** Leader election settings (durations in ms). */
export type LeaderElectionSettings = Pick<LeaderElectorOptions, 'namespace' | 'name' | 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'>;

/** Scheduler settings. */
export interface StandaloneOptions {
  readonly kubeConfig: KubeConfig;
  readonly config: SchedulerConfig;
  readonly kernels: Kernels;
  readonly registry: PluginRegistry;
  readonly plugins?: readonly PluginDefinition<any>[];
  readonly seed?: number;
  /** This replica's name (holderIdentity, events' reportingInstance). */
  readonly identity: string;
  /** null: no leader election, this replica schedules. */
  readonly leaderElection: LeaderElectionSettings | null;
  readonly clock?: Clock;
  readonly bindsInFlightMax?: number;
  readonly reflector?: LiveClusterOptions['reflector'];
  readonly bindAttempts?: number;
  readonly bindRetryDelayMs?: number;
  readonly metrics?: SchedulerMetrics;
  readonly log?: LiveLog & { error(obj: object, msg: string): void; debug?(obj: object, msg: string): void };
}

/** What happened to one pod, for tests and logs. */
export interface PodOutcomeEvent {
  readonly pod: string;
  readonly result: 'scheduled' | 'unschedulable' | 'error' | 'conflict';
  readonly node?: string;
  readonly message?: string;
}

const yieldLoop = () => new Promise<void>((r) => setImmediate(r));

/** The standalone scheduler. */
export class StandaloneScheduler implements LiveObserver {
  readonly live: LiveCluster;
  readonly queue: SchedulingQueue;
  readonly scheduler: Scheduler;
  readonly elector: LeaderElector | null;
  readonly writes: SchedulerWrites;
  private readonly writesApi: KubeApi;
  private readonly profiles: Set<string>;
  private readonly conflicts = new Set<string>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly bindsMax: number;
  private bindsInFlight = 0;
  private active: boolean;
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  /** Listeners for every pod outcome (tests, the benchmark). */
  readonly outcomes: Array<(e: PodOutcomeEvent) => void> = [];

  constructor(readonly options: StandaloneOptions) {
    const { kubeConfig: kc, config, log, metrics } = options;
    this.profiles = new Set(config.profiles.map((p) => p.schedulerName));
    this.bindsMax = options.bindsInFlightMax ?? SCHEDULER_BINDS_IN_FLIGHT_MAX;
    this.live = new LiveCluster({
      kubeConfig: kc,
      tableMemory: options.kernels.createTableMemory(),
      reflector: options.reflector,
      observer: this,
      log,
      hooks: { relist: (resource, reason) => metrics?.relists.inc({ resource, reason }) },
    });
    this.writesApi = new KubeApi(kc, 30_000, undefined, SCHEDULER_API_SOCKETS_MAX);
    this.writes = new SchedulerWrites(this.writesApi, options.identity);
    const binder: Binder = { bind: (pod, node) => this.bindPod(pod, node) };
    this.scheduler = new Scheduler({
      state: this.live.state, config, kernels: options.kernels, registry: options.registry, seed: options.seed, binder, plugins: options.plugins,
    });
    const first = this.scheduler.defaultFramework;
    this.queue = new SchedulingQueue({
      less: first.queueSort ? (a, b) => first.queueSort!.less(a, b) : (a, b) => a.creationMs < b.creationMs,
      preEnqueue: (pod) => (this.scheduler.frameworkFor(pod) ?? first).runPreEnqueue(pod),
      podInitialBackoffSeconds: config.podInitialBackoffSeconds,
      podMaxBackoffSeconds: config.podMaxBackoffSeconds,
      clock: options.clock,
      onActive: () => this.wake(),
    });
    const le = options.leaderElection;
    this.active = le === null;
    this.elector = le === null ? null : new LeaderElector(new KubeApi(kc, le.renewDeadlineMs), {
      ...le,
      identity: options.identity,
      log,
      onStartedLeading: () => {
        metrics?.leader.set({ name: le.name }, 1);
        this.active = true;
        this.wake();
      },
      onStoppedLeading: () => {
        // At once: the loop checks `active` before every pod.
        this.active = false;
        metrics?.leader.set({ name: le.name }, 0);
      },
    });
    if (le) metrics?.leader.set({ name: le.name }, 0);
  }

  /** True while this replica schedules (the leader, or always without leader election). */
  isActive(): boolean {
    return this.active && !this.stopped;
  }

  /** Informers synced (leader or standby: both are ready). */
  ready(): boolean {
    return this.live.ready();
  }

  /** Lists and watches, then campaigns (or schedules at once without leader election). */
  async start(): Promise<void> {
    await this.live.start();
    if (this.stopped) return; // stopped (SIGTERM) while still listing
    this.timers.push(setInterval(() => this.queue.flushBackoffCompleted(), BACKOFF_FLUSH_INTERVAL_MS));
    this.timers.push(setInterval(() => this.queue.flushUnschedulableLeftover(), UNSCHEDULABLE_FLUSH_INTERVAL_MS));
    for (const t of this.timers) t.unref();
    this.loop = this.run();
    this.elector?.start();
  }

  /**
   * Stops scheduling at once, waits for bindings in flight and the writes queued, releases the
   * Lease when `release` (SIGTERM: ReleaseOnCancel), then stops the informers.
   */
  async stop(release = true): Promise<void> {
    this.stopped = true;
    this.active = false;
    this.wake();
    await this.loop;
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    await this.elector?.stop(release);
    for (const t of this.timers) clearInterval(t);
    await this.live.stop();
    this.writesApi.close();
  }

  // --- informer events (LiveObserver) ------------------------------------------------------------

  podPending(pod: PodInfo): void {
    if (!this.profiles.has(pod.schedulerName)) return;
    podClassKey(pod); // class batching shares decisions among pods of a class
    this.queue.add(pod);
  }

  podAssigned(pod: PodInfo): void {
    this.queue.delete(pod.key);
  }

  podDeleted(key: string, assigned: boolean): void {
    this.queue.delete(key);
    if (assigned) this.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
  }

  nodeChanged(type: 'NodeAdd' | 'NodeUpdate'): void {
    this.queue.moveAllToActiveOrBackoff(type);
  }

  // --- the loop ------------------------------------------------------------------------------------

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private sleep(): Promise<void> {
    return new Promise((r) => (this.wakeUp = r));
  }

  private async run(): Promise<void> {
    let sinceYield = 0;
    while (!this.stopped) {
      if (!this.active || this.bindsInFlight >= this.bindsMax) {
        await this.sleep();
        continue;
      }
      const q = this.queue.pop();
      if (!q) {
        await this.sleep();
        continue;
      }
      this.scheduleOne(q);
      // Let watch events and binding answers in between pods.
      if (++sinceYield >= SCHEDULER_PODS_PER_YIELD) {
        sinceYield = 0;
        await yieldLoop();
      }
    }
  }

  private track(p: Promise<unknown>): void {
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }

  private emit(e: PodOutcomeEvent): void {
    for (const l of this.outcomes) l(e);
  }

  /** One scheduling cycle, then the binding cycle in the background. */
  private scheduleOne(q: QueuedPod): void {
    const pod = q.pod;
    const fw = this.scheduler.frameworkFor(pod);
    if (!fw || this.live.state.placementOf(pod.key)) {
      this.queue.done(pod.key);
      return;
    }
    const cs = fw.newCycleState();
    let result: ScheduleResult;
    try {
      result = this.scheduler.schedulePod(pod, {}, fw, cs);
    } catch (e) {
      this.failed(q, fw, 'SchedulerError', (e as Error).message);
      return;
    }
    const node = result.selectedNode;
    if (node === null) {
      this.failed(q, fw, result.status?.isRejected() ? 'Unschedulable' : 'SchedulerError', result.message ?? 'not scheduled', result);
      return;
    }
    this.live.trackAssumed(pod.key, node, pod.uid, Infinity);
    const c = this.scheduler.commit(fw, cs, pod, node);
    if (c.kind === 'rejected') {
      this.live.untrackAssumed(pod.key);
      this.failed(q, fw, 'SchedulerError', c.status.message());
      return;
    }
    if (c.kind === 'bound') {
      this.bound(q, fw, node);
      return;
    }
    this.bindsInFlight++;
    this.track(c.result.then((done) => {
      this.bindsInFlight--;
      this.wake();
      if (done.kind === 'bound') this.bound(q, fw, node);
      else {
        this.live.untrackAssumed(pod.key);
        if (this.conflicts.delete(pod.key)) {
          // Bound elsewhere (or gone) meanwhile: nothing to retry; the watch brings the truth.
          this.queue.done(pod.key);
          this.options.metrics?.binds.inc({ result: 'conflict' });
          this.options.log?.warn({ pod: pod.key, node }, 'binding conflict: the pod is bound elsewhere; dropped');
          this.emit({ pod: pod.key, result: 'conflict', node });
          return;
        }
        this.options.metrics?.binds.inc({ result: 'error' });
        const msg = done.kind === 'rejected' ? done.status.message() : 'binding failed';
        this.failed(q, fw, 'SchedulerError', `binding rejected: ${msg}`);
      }
    }));
  }

  /** The Binding: through the API; a 409 is remembered so the outcome drops the pod. */
  private async bindPod(pod: PodInfo, node: string): Promise<void> {
    try {
      await this.writes.bind(pod, node, this.options.bindAttempts, this.options.bindRetryDelayMs);
    } catch (e) {
      if (e instanceof BindError && e.conflict) this.conflicts.add(pod.key);
      throw e;
    }
  }

  private bound(q: QueuedPod, fw: Framework, node: string): void {
    const pod = q.pod;
    this.live.trackAssumed(pod.key, node, pod.uid);
    this.queue.done(pod.key);
    this.options.metrics?.binds.inc({ result: 'bound' });
    this.options.metrics?.attempts.inc({ result: 'scheduled', profile: fw.profileName });
    const ns = pod.pod.metadata.namespace ?? 'default';
    this.background_(this.writes.event(pod, fw.profileName, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${ns}/${pod.pod.metadata.name} to ${node}`), pod, 'Scheduled event');
    this.emit({ pod: pod.key, result: 'scheduled', node });
  }

  /** A write that may fail without consequence for scheduling: logged. */
  private background_(p: Promise<unknown>, pod: PodInfo, what: string): void {
    this.track(p.catch((e: Error) => this.options.log?.warn({ pod: pod.key, err: e.message }, `${what} failed`)));
  }

  /**
   * kube's handleSchedulingFailure: preemption's victims deleted, the pod back in the queue,
   * PodScheduled=False (with the nominated node), a FailedScheduling event.
   */
  private failed(q: QueuedPod, fw: Framework, reason: 'Unschedulable' | 'SchedulerError', message: string, result?: ScheduleResult): void {
    const pod = q.pod;
    const nominated = result?.nominatedNode ?? undefined;
    const victims = nominated ? result?.victims ?? [] : [];
    for (const v of victims) {
      this.options.metrics?.preemptionVictims.inc();
      this.background_(this.writes.preemptVictim(v, fw.profileName), v, 'deleting a preemption victim');
      this.background_(this.writes.event(v, fw.profileName, 'Normal', 'Preempted', 'Preempting', `Preempted by pod ${pod.uid} on node ${nominated}`, pod), v, 'Preempted event');
    }
    this.queue.requeue(q, reason === 'SchedulerError');
    this.options.metrics?.attempts.inc({ result: reason === 'Unschedulable' ? 'unschedulable' : 'error', profile: fw.profileName });
    this.background_(this.writes.podScheduledFalse(pod.pod, reason, message, nominated), pod, 'updating the pod condition');
    this.background_(this.writes.event(pod, fw.profileName, 'Warning', 'FailedScheduling', 'Scheduling', message), pod, 'FailedScheduling event');
    this.emit({ pod: pod.key, result: reason === 'Unschedulable' ? 'unschedulable' : 'error', message });
  }
}

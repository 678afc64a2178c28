/**
 * Leader election over a coordination.k8s.io/v1 Lease, with client-go's leaderelection semantics
 * (k8s.io/client-go/tools/leaderelection) and kube-scheduler's defaults (lease duration 15 s,
 * renew deadline 10 s, retry period 2 s):
 *
 * - tryAcquireOrRenew: GET the Lease (404: create it, holding it); a Lease held by someone else
 *   is respected until `leaseDurationSeconds` after this replica *observed* it change (the local
 *   clock, never the holder's renewTime: clocks differ); otherwise write ourselves in with PUT and
 *   the resourceVersion read, so of two candidates only one succeeds (the other gets 409).
 *   acquireTime and leaseTransitions are kept while the holder stays the same, reset/incremented
 *   when it changes.
 * - Candidates try every retryPeriod plus up to a tenth of it at random (client-go adds up to 1.2 x
 *   retryPeriod, so a standby can see a released or expired Lease 2.4 s late at kube's 2 s default;
 *   here at most 0.2 s: a SIGTERM handover within 2.2 s plus the first binding, an expired Lease
 *   taken within retryPeriod and a tenth). Configuration is validated with client-go's factor.
 * - The leader renews every retryPeriod; when no renewal has succeeded for renewDeadline it stops
 *   leading at once (a timer, not the next loop turn), and goes back to being a candidate
 *   (kube-scheduler exits instead and is restarted; the effect on the cluster is the same).
 * - release (ReleaseOnCancel, on SIGTERM): the leader writes holderIdentity "" with
 *   leaseDurationSeconds 1, so a candidate takes over at its next try instead of after 15 s.
 */
import type { KubeApi } from '../cluster/kube-api.js';
import { microTime } from './api-writes.js';

/** client-go's JitterFactor (validation of renewDeadline against retryPeriod, as kube-scheduler's flags). */
export const LEADER_ELECTION_JITTER_FACTOR = 1.2;
/** The jitter podfit's candidates retry with (a fraction of retryPeriod; see the file comment). */
export const CANDIDATE_RETRY_JITTER = 0.1;

/** kube-scheduler's leader election defaults (ms). */
export const LEADER_ELECTION_DEFAULTS = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  leaseNamespace: 'kube-system',
  leaseName: 'podfit-scheduler',
} as const;

/** The Lease spec fields client-go reads and writes (its LeaderElectionRecord). */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string | null;
  renewTime: string | null;
  leaseTransitions: number;
}

/** Elector settings. */
export interface LeaderElectorOptions {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly jitterFactor?: number;
  readonly now?: () => number;
  readonly onStartedLeading?: () => void;
  /** Called the moment leadership is lost or given up. */
  readonly onStoppedLeading?: () => void;
  readonly onNewLeader?: (identity: string) => void;
  readonly log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** client-go's validation of the durations; null when valid. */
export function leaderElectionConfigError(o: Pick<LeaderElectorOptions, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'>): string | null {
  if (o.leaseDurationMs <= o.renewDeadlineMs) return 'leaseDuration must be greater than renewDeadline';
  if (o.renewDeadlineMs <= LEADER_ELECTION_JITTER_FACTOR * o.retryPeriodMs) return `renewDeadline must be greater than retryPeriod*JitterFactor (${LEADER_ELECTION_JITTER_FACTOR})`;
  if (o.retryPeriodMs < 1) return 'retryPeriod must be greater than zero';
  return null;
}

type LeaseObject = { metadata: { name: string; namespace: string; resourceVersion?: string }; spec?: Partial<LeaseRecord> };

/** The elector. */
export class LeaderElector {
  private leading = false;
  private stopped = false;
  private observed: LeaseRecord | null = null;
  private observedRaw = '';
  private observedTimeMs = 0;
  private observedRv = '';
  private deadlineTimer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly path: string;
  private lastLeader = '';

  constructor(private readonly api: KubeApi, readonly options: LeaderElectorOptions) {
    this.now = options.now ?? Date.now;
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(options.namespace)}/leases/${encodeURIComponent(options.name)}`;
  }

  /** True while this replica holds the Lease (and its last renewal is within renewDeadline). */
  isLeader(): boolean {
    return this.leading;
  }

  /** The holder this replica last saw. */
  get leader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /** Starts campaigning (returns at once). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops; the leader releases the Lease first when `release` (ReleaseOnCancel). */
  async stop(release: boolean): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (release && this.leading) await this.release();
    this.stopLeading();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // Candidate: try until acquired.
      while (!this.stopped && !(await this.tryAcquireOrRenew())) {
        const jitter = this.options.jitterFactor ?? CANDIDATE_RETRY_JITTER;
        await this.sleep(this.options.retryPeriodMs * (1 + Math.random() * jitter));
      }
      if (this.stopped) return;
      this.startLeading();
      // Leader: renew every retryPeriod; a round that cannot renew within renewDeadline loses.
      while (!this.stopped && this.leading) {
        await this.sleep(this.options.retryPeriodMs);
        if (this.stopped) return;
        const roundStart = this.now();
        let renewed = false;
        while (!this.stopped && this.leading) {
          if (await this.tryAcquireOrRenew()) {
            renewed = true;
            break;
          }
          if (this.now() - roundStart + this.options.retryPeriodMs > this.options.renewDeadlineMs) break;
          await this.sleep(this.options.retryPeriodMs);
        }
        if (this.stopped) return;
        if (!renewed) {
          this.options.log?.warn({ lease: `${this.options.namespace}/${this.options.name}` }, 'failed to renew the lease: leadership lost');
          this.stopLeading();
        }
      }
    }
  }

  private startLeading(): void {
    this.leading = true;
    this.armDeadline();
    this.options.log?.info({ lease: `${this.options.namespace}/${this.options.name}`, identity: this.options.identity }, 'acquired the lease');
    this.options.onStartedLeading?.();
  }

  private stopLeading(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    if (!this.leading) return;
    this.leading = false;
    this.options.onStoppedLeading?.();
  }

  /** After each successful write: leadership ends renewDeadline later unless renewed again. */
  private armDeadline(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => {
      this.deadlineTimer = null;
      if (!this.leading) return;
      this.options.log?.warn({ lease: `${this.options.namespace}/${this.options.name}` }, 'renew deadline passed: leadership lost');
      this.stopLeading();
    }, this.options.renewDeadlineMs);
    this.deadlineTimer.unref?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  private record(holder: string, durationSeconds: number, acquireTime: string | null, renewTime: string, transitions: number): LeaseRecord {
    return { holderIdentity: holder, leaseDurationSeconds: durationSeconds, acquireTime, renewTime, leaseTransitions: transitions };
  }

  private observe(rec: LeaseRecord, rv: string): void {
    const raw = JSON.stringify(rec);
    if (raw !== this.observedRaw) {
      this.observedRaw = raw;
      this.observed = rec;
      this.observedTimeMs = this.now();
    }
    this.observedRv = rv;
    if (rec.holderIdentity !== this.lastLeader) {
      this.lastLeader = rec.holderIdentity;
      if (rec.holderIdentity) this.options.onNewLeader?.(rec.holderIdentity);
    }
  }

  /** One client-go tryAcquireOrRenew; true when this replica holds the Lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const id = this.options.identity;
    const now = microTime(this.now());
    const durationSeconds = Math.ceil(this.options.leaseDurationMs / 1000);
    let res;
    try {
      res = await this.api.request('GET', this.path);
    } catch (e) {
      this.options.log?.warn({ err: (e as Error).message }, 'reading the lease failed');
      return false;
    }
    if (res.statusCode === 404) {
      const rec = this.record(id, durationSeconds, now, now, 0);
      const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.options.name, namespace: this.options.namespace }, spec: rec };
      const created = await this.write('POST', this.path.slice(0, this.path.lastIndexOf('/')), body);
      if (!created) return false;
      this.observe(rec, created);
      if (this.leading) this.armDeadline();
      return true;
    }
    if (res.statusCode !== 200) {
      this.options.log?.warn({ status: res.statusCode }, 'reading the lease failed');
      return false;
    }
    const lease = JSON.parse(res.body) as LeaseObject;
    const s = lease.spec ?? {};
    const old = this.record(s.holderIdentity ?? '', s.leaseDurationSeconds ?? durationSeconds, s.acquireTime ?? null, s.renewTime ?? '', s.leaseTransitions ?? 0);
    this.observe(old, lease.metadata.resourceVersion ?? '');
    const heldByOther = old.holderIdentity !== '' && old.holderIdentity !== id
      && this.observedTimeMs + old.leaseDurationSeconds * 1000 > this.now();
    if (heldByOther) {
      if (this.leading) this.stopLeading();
      return false;
    }
    const same = old.holderIdentity === id;
    const rec = this.record(id, durationSeconds, same ? old.acquireTime : now, now, same ? old.leaseTransitions : old.leaseTransitions + 1);
    const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { ...lease.metadata }, spec: rec };
    const rv = await this.write('PUT', this.path, body);
    if (!rv) return false;
    this.observe(rec, rv);
    if (this.leading) this.armDeadline();
    return true;
  }

  /** A create or update; the new resourceVersion, or null (409 Conflict: someone else wrote first). */
  private async write(method: 'POST' | 'PUT', path: string, body: unknown): Promise<string | null> {
    try {
      const r = await this.api.request(method, path, body);
      if (r.statusCode === 200 || r.statusCode === 201) return (JSON.parse(r.body) as LeaseObject).metadata.resourceVersion ?? '';
      this.options.log?.warn({ status: r.statusCode, method }, r.statusCode === 409 ? 'lease changed meanwhile (conflict)' : 'writing the lease failed');
      return null;
    } catch (e) {
      this.options.log?.warn({ err: (e as Error).message, method }, 'writing the lease failed');
      return null;
    }
  }

  /** client-go's release: holderIdentity "" and leaseDurationSeconds 1, transitions kept. */
  private async release(): Promise<void> {
    if (!this.observed || this.observed.holderIdentity !== this.options.identity) return;
    const now = microTime(this.now());
    const rec = this.record('', 1, now, now, this.observed.leaseTransitions);
    const body = {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: { name: this.options.name, namespace: this.options.namespace, resourceVersion: this.observedRv }, spec: rec,
    };
    this.stopLeading();
    const rv = await this.write('PUT', this.path, body);
    if (rv !== null) {
      this.observe(rec, rv);
      this.options.log?.info({ lease: `${this.options.namespace}/${this.options.name}` }, 'released the lease');
    }
  }
}

/**
 * Prometheus metrics of `podfit scheduler`, with kube-scheduler's and client-go's names where
 * they exist: scheduler_schedule_attempts_total{result,profile}, scheduler_pending_pods{queue},
 * leader_election_master_status{name}; podfit's own carry the podfit_ prefix.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { SubQueue } from '../framework/queue.js';

/** The scheduler's metrics (one Registry per scheduler, so tests can run several). */
export class SchedulerMetrics {
  readonly registry = new Registry();
  /** kube: result is `scheduled`, `unschedulable` or `error`. */
  readonly attempts: Counter<'result' | 'profile'>;
  readonly pending: Gauge<'queue'>;
  readonly leader: Gauge<'name'>;
  readonly binds: Counter<'result'>;
  readonly preemptionVictims: Counter;
  readonly relists: Counter<'resource' | 'reason'>;

  constructor(pendingCounts: () => Record<SubQueue, number>, opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.attempts = new Counter({ name: 'scheduler_schedule_attempts_total', help: 'Number of attempts to schedule pods, by the result and the profile.', labelNames: ['result', 'profile'], registers });
    this.pending = new Gauge({
      name: 'scheduler_pending_pods', help: 'Number of pending pods, by the queue type: active, backoff, unschedulable or gated.', labelNames: ['queue'], registers,
      collect() {
        for (const [queue, n] of Object.entries(pendingCounts())) this.set({ queue }, n);
      },
    });
    this.leader = new Gauge({ name: 'leader_election_master_status', help: 'Whether this replica holds the lease (1) or not (0).', labelNames: ['name'], registers });
    this.binds = new Counter({ name: 'podfit_scheduler_binds_total', help: 'Bindings created, by result: bound, conflict (409: bound elsewhere), error.', labelNames: ['result'], registers });
    this.preemptionVictims = new Counter({ name: 'podfit_scheduler_preemption_victims_total', help: 'Pods deleted as preemption victims.', registers });
    this.relists = new Counter({ name: 'podfit_scheduler_relists_total', help: 'Lists of nodes and pods, by reason (initial, expired, reconnect).', labelNames: ['resource', 'reason'], registers });
  }
}

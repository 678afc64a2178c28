/**
 * Prometheus metrics of `podfit serve` (prom-client, one Registry per server so tests can run
 * several). Names follow Prometheus conventions (`_total`, `_seconds`, `_bytes`).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ClusterSource } from '../cluster/source.js';

/** Latency buckets (seconds): fine below 10 ms, where the extender lives, up to kube's 5 s timeout. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Body-size buckets (bytes): a few names up to a 5,000-node NodeList. */
const BODY_BUCKETS = [1e3, 1e4, 1e5, 1e6, 1e7, 5e7, 1e8];

/** Hooks the live source reports through (kept free of prom-client). */
export interface LiveHooks {
  relist(resource: string, reason: string): void;
  watchEvent(resource: string, type: string): void;
  bind(outcome: 'bound' | 'already_bound' | 'error'): void;
  assumedExpired(): void;
}

/** The server's metrics. */
export class ExtenderMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'verb' | 'code'>;
  readonly requestDuration: Histogram<'verb'>;
  readonly schedulingDuration: Histogram<'verb'>;
  readonly parseDuration: Histogram<'where'>;
  readonly bodyBytes: Histogram<'verb'>;
  readonly errors: Counter<'verb' | 'code'>;
  readonly authFailures: Counter<'reason'>;
  readonly inFlight: Gauge;
  readonly queued: Gauge;
  readonly snapshotReloads: Counter<'result'>;
  readonly relists: Counter<'resource' | 'reason'>;
  readonly watchEvents: Counter<'resource' | 'type'>;
  readonly binds: Counter<'outcome'>;
  readonly assumedExpired: Counter;

  constructor(source: () => ClusterSource, opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'podfit_extender_requests_total', help: 'HTTP requests by verb and status code', labelNames: ['verb', 'code'], registers });
    this.requestDuration = new Histogram({ name: 'podfit_extender_request_duration_seconds', help: 'Time from request start to response end, by verb', labelNames: ['verb'], buckets: LATENCY_BUCKETS, registers });
    this.schedulingDuration = new Histogram({
      name: 'podfit_extender_scheduling_duration_seconds',
      help: 'Time in the scheduling cycle (PreFilter..Filter, ..Score, the preemption dry run, the bind call), by verb',
      labelNames: ['verb'], buckets: LATENCY_BUCKETS, registers,
    });
    this.parseDuration = new Histogram({ name: 'podfit_extender_body_parse_duration_seconds', help: 'JSON body parsing time, inline or in a worker thread', labelNames: ['where'], buckets: LATENCY_BUCKETS, registers });
    this.bodyBytes = new Histogram({ name: 'podfit_extender_request_body_bytes', help: 'Request body sizes by verb', labelNames: ['verb'], buckets: BODY_BUCKETS, registers });
    this.errors = new Counter({ name: 'podfit_extender_errors_total', help: 'Failed requests by verb and PODFIT_ERR code (ExtenderFilterResult/BindingResult errors included)', labelNames: ['verb', 'code'], registers });
    this.authFailures = new Counter({ name: 'podfit_extender_auth_failures_total', help: 'Requests refused for missing or wrong credentials', labelNames: ['reason'], registers });
    this.inFlight = new Gauge({ name: 'podfit_extender_in_flight_requests', help: 'Verb requests being processed', registers });
    this.queued = new Gauge({ name: 'podfit_extender_queued_requests', help: 'Verb requests waiting for a slot', registers });
    this.snapshotReloads = new Counter({ name: 'podfit_snapshot_reloads_total', help: 'Cluster snapshot file reloads', labelNames: ['result'], registers });
    this.relists = new Counter({ name: 'podfit_live_relists_total', help: 'Full lists of a resource (initial, watch expired 410, reconnect)', labelNames: ['resource', 'reason'], registers });
    this.watchEvents = new Counter({ name: 'podfit_live_watch_events_total', help: 'Watch events applied', labelNames: ['resource', 'type'], registers });
    this.binds = new Counter({ name: 'podfit_live_binds_total', help: 'Bindings created through the API, by outcome', labelNames: ['outcome'], registers });
    this.assumedExpired = new Counter({ name: 'podfit_live_assumed_pods_expired_total', help: 'Assumed pods forgotten because the watch never confirmed them', registers });
    const cache = (name: string, help: string, pick: (s: ReturnType<ClusterSource['stats']>) => number) =>
      new Gauge({ name, help, registers, collect() { this.set(pick(source().stats())); } });
    cache('podfit_cache_nodes', 'Nodes in the cluster state', (s) => s.nodes);
    cache('podfit_cache_pods', 'Pods placed on nodes (bound and assumed)', (s) => s.pods);
    cache('podfit_cache_assumed_pods', 'Pods bound by podfit and not yet confirmed by the watch', (s) => s.assumedPods);
    cache('podfit_cache_pending_pods', 'Pods known and not yet bound', (s) => s.pendingPods);
    new Gauge({ name: 'podfit_ready', help: '1 when the cluster state is synced', registers, collect() { this.set(source().ready() ? 1 : 0); } });
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'podfit_' });
  }

  /** Hooks for the live source. */
  liveHooks(): LiveHooks {
    return {
      relist: (resource, reason) => this.relists.inc({ resource, reason }),
      watchEvent: (resource, type) => this.watchEvents.inc({ resource, type }),
      bind: (outcome) => this.binds.inc({ outcome }),
      assumedExpired: () => this.assumedExpired.inc(),
    };
  }
}

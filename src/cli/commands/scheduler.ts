/** `podfit scheduler`: a standalone secondary scheduler with Lease leader election (README "podfit scheduler"). */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { loadSchedulerConfig, type SchedulerConfig } from '../../api/config.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../../extender/logger.js';
import { createKernels } from '../../kernel/engine.js';
import { DEFAULT_SEED, SCHEDULER_BINDS_IN_FLIGHT_MAX } from '../../model/limits.js';
import { REGISTRY } from '../../plugins/registry.js';
import { defaultSchedulerConfig, DEFAULT_SCHEDULER_NAME } from '../../scheduler/default-config.js';
import { LEADER_ELECTION_DEFAULTS, leaderElectionConfigError } from '../../scheduler/leader-election.js';
import type { SchedulingQueue } from '../../framework/queue.js';
import { UsageError } from '../errors.js';
import { loadKubeConfig } from '../live-cluster.js';
import type { CliIO } from '../main.js';
import { parseEngine, parseSeed } from '../options.js';
import { onStopSignal } from './serve.js';

/** Default port of the probe and metrics endpoints. */
export const DEFAULT_SCHEDULER_PORT = 10251;

interface SchedulerFlags {
  kubeconfig?: string;
  inCluster?: boolean;
  config?: string;
  port: string;
  address?: string;
  leaderElect?: boolean;
  leaseNamespace: string;
  leaseName: string;
  identity?: string;
  leaderElectLeaseDuration: string;
  leaderElectRenewDeadline: string;
  leaderElectRetryPeriod: string;
  bindsInFlight: string;
  engine?: string;
  seed?: string;
  logLevel: string;
}

/** A Go-style duration (`15s`, `1500ms`, `1m`) in milliseconds. */
export function parseDurationMs(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(v.trim());
  if (!m) throw new UsageError(`${flag}: expected a duration such as 15s or 1500ms, got "${v}"`);
  const n = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
  if (!(n > 0)) throw new UsageError(`${flag}: must be greater than zero`);
  return Math.round(n);
}

/** Registers the command. */
export function registerScheduler(program: Command, io: CliIO): void {
  program
    .command('scheduler')
    .description(`run as a secondary scheduler: bind the pending pods whose schedulerName is a profile of the config (default: "${DEFAULT_SCHEDULER_NAME}", bin-packing)`)
    .option('--kubeconfig <file>', 'cluster to schedule for')
    .option('--in-cluster', 'the cluster podfit runs in, through the pod service account')
    .option('--config <file>', `KubeSchedulerConfiguration (default: one profile "${DEFAULT_SCHEDULER_NAME}", podfit serve's bin-packing profile)`)
    .option('--port <n>', 'port of /healthz, /readyz and /metrics (0 = any free port)', String(DEFAULT_SCHEDULER_PORT))
    .option('--address <a>', 'address to listen on (default: all addresses)')
    .option('--leader-elect', 'run several replicas: only the holder of the Lease schedules')
    .option('--lease-namespace <ns>', 'namespace of the Lease', LEADER_ELECTION_DEFAULTS.leaseNamespace)
    .option('--lease-name <name>', 'name of the Lease', LEADER_ELECTION_DEFAULTS.leaseName)
    .option('--identity <id>', "this replica's holderIdentity (default: <hostname>_<uuid>, as kube-scheduler)")
    .option('--leader-elect-lease-duration <d>', 'how long standbys wait after the last renewal before taking over', '15s')
    .option('--leader-elect-renew-deadline <d>', 'how long the leader keeps trying to renew before it stops scheduling', '10s')
    .option('--leader-elect-retry-period <d>', 'time between tries to acquire or renew', '2s')
    .option('--binds-in-flight <n>', 'bindings in flight at once', String(SCHEDULER_BINDS_IN_FLIGHT_MAX))
    .option('--engine <name>', 'numeric engine: js or wasm')
    .option('--seed <n>', 'seed for tie-breaking', String(DEFAULT_SEED))
    .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')}`, 'info')
    .action(async (flags: SchedulerFlags) => {
      await runScheduler(flags, io);
    });
}

/** The leader election settings of the flags, validated as client-go does. */
function leaderElectionOf(flags: SchedulerFlags) {
  if (!flags.leaderElect) return null;
  const le = {
    namespace: flags.leaseNamespace,
    name: flags.leaseName,
    leaseDurationMs: parseDurationMs('--leader-elect-lease-duration', flags.leaderElectLeaseDuration),
    renewDeadlineMs: parseDurationMs('--leader-elect-renew-deadline', flags.leaderElectRenewDeadline),
    retryPeriodMs: parseDurationMs('--leader-elect-retry-period', flags.leaderElectRetryPeriod),
  };
  const err = leaderElectionConfigError(le);
  if (err) throw new UsageError(`leader election: ${err}`);
  return le;
}

/** Runs until SIGTERM/SIGINT; then stops scheduling, lets bindings finish, releases the Lease. */
async function runScheduler(flags: SchedulerFlags, io: CliIO): Promise<void> {
  if (!!flags.kubeconfig === !!flags.inCluster) throw new UsageError('use exactly one of --kubeconfig and --in-cluster');
  if (!LOG_LEVELS.includes(flags.logLevel as LogLevel)) throw new UsageError(`--log-level: one of ${LOG_LEVELS.join(', ')}`);
  if (!/^\d+$/.test(flags.port) || Number(flags.port) > 65535) throw new UsageError(`--port: expected a port number, got "${flags.port}"`);
  if (!/^\d+$/.test(flags.bindsInFlight) || Number(flags.bindsInFlight) < 1) throw new UsageError(`--binds-in-flight: expected an integer >= 1, got "${flags.bindsInFlight}"`);
  const leaderElection = leaderElectionOf(flags);
  const seed = parseSeed(flags.seed, DEFAULT_SEED);
  const engine = parseEngine(flags.engine);
  const config: SchedulerConfig = flags.config ? loadSchedulerConfig(flags.config) : defaultSchedulerConfig();
  const stopSignal = onStopSignal();
  try {
    const kc = await loadKubeConfig({ kubeconfig: flags.kubeconfig, inCluster: flags.inCluster });
    const { StandaloneScheduler } = await import('../../scheduler/standalone.js');
    const { SchedulerMetrics } = await import('../../scheduler/metrics.js');
    const { startProbeServer } = await import('../../scheduler/http.js');
    const logger = createLogger(flags.logLevel as LogLevel);
    const identity = flags.identity ?? `${hostname()}_${randomUUID()}`;
    let queue: SchedulingQueue | undefined;
    const metrics = new SchedulerMetrics(() => queue?.counts() ?? { active: 0, backoff: 0, unschedulable: 0, gated: 0 });
    const scheduler = new StandaloneScheduler({
      kubeConfig: kc, config, kernels: await createKernels(engine), registry: REGISTRY, seed, identity, leaderElection,
      bindsInFlightMax: Number(flags.bindsInFlight),
      metrics,
      log: logger.child({ component: 'scheduler' }),
    });
    queue = scheduler.queue;
    for (const w of scheduler.scheduler.warnings) logger.warn({}, w);
    let probes;
    try {
      probes = await startProbeServer(scheduler, metrics, Number(flags.port), flags.address);
    } catch (e) {
      throw new UsageError(`cannot listen on ${flags.address ?? '*'}:${flags.port}: ${(e as Error).message}`);
    }
    io.stdout(`podfit scheduler: profiles ${config.profiles.map((p) => p.schedulerName).join(', ')}; ${leaderElection ? `leader election on Lease ${leaderElection.namespace}/${leaderElection.name} as ${identity}` : 'no leader election'}; probes and metrics on ${probes.url}\n`);
    const t0 = Date.now();
    const started = scheduler.start().then(
      () => logger.info({ nodes: scheduler.live.state.nodeCount, ms: Date.now() - t0 }, 'informers synced'),
      (e: Error) => logger.error({ err: e.message }, 'start failed'),
    );
    await Promise.race([stopSignal.promise, started.then(() => stopSignal.promise)]);
    logger.info({ signal: stopSignal.name }, 'shutting down: finishing bindings, releasing the lease');
    await scheduler.stop(true);
    await probes.close();
    logger.info({}, 'stopped');
    logger.flush?.();
  } finally {
    stopSignal.cancel();
  }
}

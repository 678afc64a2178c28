/** `podfit serve`: the scheduler extender HTTP(S) server kube-scheduler calls (README "podfit serve"). */
import type { Command } from 'commander';
import { loadSchedulerConfig, type SchedulerConfig } from '../../api/config.js';
import { InputError } from '../../api/errors.js';
import { SnapshotSource } from '../../cluster/snapshot-source.js';
import type { ClusterSource } from '../../cluster/source.js';
import { defaultExtenderConfig, DEFAULT_EXTENDER_CONFIG_FILE } from '../../extender/default-config.js';
import { Extender } from '../../extender/extender.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../../extender/logger.js';
import { collectGarbage } from '../../extender/heap.js';
import { ExtenderMetrics } from '../../extender/metrics.js';
import { ExtenderServer, type ServerOptions } from '../../extender/server.js';
import { createKernels } from '../../kernel/engine.js';
import {
  DEFAULT_SEED, EXTENDER_BODY_BYTES_MAX, EXTENDER_DRAIN_TIMEOUT_MS, EXTENDER_HEADER_BYTES_MAX, EXTENDER_HEADERS_TIMEOUT_MS,
  EXTENDER_IN_FLIGHT_MAX, EXTENDER_KEEPALIVE_TIMEOUT_MS, EXTENDER_QUEUED_MAX, EXTENDER_REQUEST_TIMEOUT_MS, LIVE_ASSUMED_POD_TTL_MS,
} from '../../model/limits.js';
import { JSON_PARSE_POOL_DEFAULTS } from '../../parallel/json-parse-pool.js';
import { UsageError } from '../errors.js';
import type { CliIO } from '../main.js';
import { version } from '../main.js';
import { parseEngine, parseSeed } from '../options.js';
import { readBearerToken, readTlsFiles } from '../tls-files.js';
import { REGISTRY } from '../../plugins/registry.js';

/** Default port (all addresses). */
export const DEFAULT_PORT = 8888;

interface ServeFlags {
  cluster?: string;
  kubeconfig?: string;
  inCluster?: boolean;
  config?: string;
  port: string;
  address?: string;
  pathPrefix?: string;
  filterVerb: string;
  prioritizeVerb: string;
  preemptVerb: string;
  bindVerb: string;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  tokenFile?: string;
  maxBodyBytes: string;
  maxHeaderBytes: string;
  headersTimeoutMs: string;
  requestTimeoutMs: string;
  keepaliveTimeoutMs: string;
  maxInFlight: string;
  maxQueued: string;
  drainTimeoutMs: string;
  parseThreads: string;
  parseInlineBelowBytes: string;
  reloadIntervalMs: string;
  assumeTtlMs: string;
  engine?: string;
  seed?: string;
  logLevel: string;
  allowEmpty?: boolean;
}

/** A non-negative integer flag. */
function intFlag(flag: string, v: string, min = 0): number {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < min) {
    throw new UsageError(`${flag}: expected an integer >= ${min}, got "${v}"`);
  }
  return Number(v);
}

/** A curl line that works against the running server (first nodes of the state, a small pod). */
function demoCurl(url: string, prefix: string, verb: string, source: ClusterSource, tls: boolean): string {
  const names = source.state.nodes.slice(0, 3).map((n) => n.name);
  const body = JSON.stringify({
    Pod: { metadata: { name: 'demo', namespace: 'default', uid: 'demo-uid' }, spec: { containers: [{ name: 'app', resources: { requests: { cpu: '500m', memory: '512Mi' } } }] } },
    NodeNames: names,
  });
  return `curl -s${tls ? 'k' : ''} -X POST ${url}${prefix}/${verb} -H 'Content-Type: application/json' -d '${body}'`;
}

/** Registers the command. */
export function registerServe(program: Command, io: CliIO): void {
  program
    .command('serve')
    .description('run the scheduler extender (filter, prioritize, preempt, bind) that kube-scheduler calls over HTTP(S)')
    .option('--cluster <file>', 'cluster snapshot to serve (kubectl get nodes,pods -A -o json|yaml), reloaded when it changes')
    .option('--kubeconfig <file>', 'live cluster: list/watch Nodes and Pods, create Bindings')
    .option('--in-cluster', 'live cluster through the pod service account (default inside a cluster)')
    .option('--config <file>', `KubeSchedulerConfiguration for filter/prioritize/preempt (default: built-in bin-packing profile, ${DEFAULT_EXTENDER_CONFIG_FILE})`)
    .option('--port <n>', 'TCP port (0 = any free port)', String(DEFAULT_PORT))
    .option('--address <a>', 'address to listen on (default: all addresses)')
    .option('--path-prefix <p>', "path before the verbs (the path of kube's urlPrefix; default: none)")
    .option('--filter-verb <v>', 'filter verb path ("" disables)', 'filter')
    .option('--prioritize-verb <v>', 'prioritize verb path ("" disables)', 'prioritize')
    .option('--preempt-verb <v>', 'preempt verb path ("" disables)', 'preempt')
    .option('--bind-verb <v>', 'bind verb path ("" disables)', 'bind')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'private key of --tls-cert (PEM)')
    .option('--client-ca <file>', 'require client certificates signed by this CA (PEM); needs TLS')
    .option('--token-file <file>', 'require "Authorization: Bearer <token>" with the token in this file (env PODFIT_BEARER_TOKEN also works)')
    .option('--max-body-bytes <n>', 'request body limit (413 above)', String(EXTENDER_BODY_BYTES_MAX))
    .option('--max-header-bytes <n>', 'request header limit (431 above)', String(EXTENDER_HEADER_BYTES_MAX))
    .option('--headers-timeout-ms <n>', 'time to receive request headers', String(EXTENDER_HEADERS_TIMEOUT_MS))
    .option('--request-timeout-ms <n>', 'time to receive a whole request', String(EXTENDER_REQUEST_TIMEOUT_MS))
    .option('--keepalive-timeout-ms <n>', 'idle keep-alive time', String(EXTENDER_KEEPALIVE_TIMEOUT_MS))
    .option('--max-in-flight <n>', 'verb requests processed at once', String(EXTENDER_IN_FLIGHT_MAX))
    .option('--max-queued <n>', 'verb requests waiting for a slot (429 above)', String(EXTENDER_QUEUED_MAX))
    .option('--drain-timeout-ms <n>', 'on SIGTERM, how long in-flight requests may take', String(EXTENDER_DRAIN_TIMEOUT_MS))
    .option('--parse-threads <n>', 'worker threads parsing large bodies (0 = parse on the main thread)', String(JSON_PARSE_POOL_DEFAULTS.threads))
    .option('--parse-inline-below-bytes <n>', 'bodies smaller than this are parsed on the main thread', String(JSON_PARSE_POOL_DEFAULTS.inlineBelowBytes))
    .option('--reload-interval-ms <n>', 'how often --cluster is checked for changes (0 = never)', '1000')
    .option('--allow-empty', 'report ready and answer verbs while the cluster state has no nodes (by default /readyz is 503 until it has)')
    .option('--assume-ttl-ms <n>', 'live: forget a bound pod the watch has not confirmed after this long', String(LIVE_ASSUMED_POD_TTL_MS))
    .option('--engine <name>', 'numeric engine: js or wasm')
    .option('--seed <n>', 'seed for tie-breaking', String(DEFAULT_SEED))
    .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')}`, 'info')
    .action(async (flags: ServeFlags) => {
      await runServe(flags, io);
    });
}

/**
 * SIGTERM/SIGINT, listened for from the start so a signal during start-up (Kubernetes may send one
 * at any time) still ends in a clean exit 0 instead of the default kill. After the first, a repeat
 * within STOP_SIGNAL_REPEAT_MS is the same request (a signal to the whole process group arrives
 * twice: directly and passed on by the CLI's launcher, src/cli/relaunch.ts); a later one ends the
 * process as usual. `cancel` removes every handler.
 */
export function onStopSignal(): { promise: Promise<void>; name: string; cancel(): void } {
  const state = { name: '', promise: undefined as unknown as Promise<void>, cancel: () => {} };
  state.promise = new Promise<void>((resolve) => {
    const repeat = () => {};
    let timer: NodeJS.Timeout | undefined;
    const stop = (signal: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.on('SIGTERM', repeat);
      process.on('SIGINT', repeat);
      timer = setTimeout(() => {
        process.off('SIGTERM', repeat);
        process.off('SIGINT', repeat);
      }, STOP_SIGNAL_REPEAT_MS);
      timer.unref();
      state.name = signal;
      resolve();
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    state.cancel = () => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', repeat);
      process.off('SIGINT', repeat);
      if (timer !== undefined) clearTimeout(timer);
    };
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  });
  return state;
}

/** How long after a stop signal a repeat of it is taken as the same request (onStopSignal). */
const STOP_SIGNAL_REPEAT_MS = 1000;

/** Runs the server until SIGTERM/SIGINT (then drains and returns: exit code 0). */
async function runServe(flags: ServeFlags, io: CliIO): Promise<void> {
  const sources = [flags.cluster, flags.kubeconfig, flags.inCluster].filter(Boolean).length;
  if (sources > 1) throw new UsageError('use only one of --cluster, --kubeconfig and --in-cluster');
  const inCluster = flags.inCluster || (sources === 0 && !!process.env.KUBERNETES_SERVICE_HOST);
  if (sources === 0 && !inCluster) throw new UsageError('one of --cluster <file>, --kubeconfig <file> or --in-cluster is required');
  if (!(LOG_LEVELS as readonly string[]).includes(flags.logLevel)) throw new UsageError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, got "${flags.logLevel}"`);
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if (flags.clientCa && !flags.tlsCert) throw new UsageError('--client-ca needs --tls-cert and --tls-key');
  const port = intFlag('--port', flags.port);
  if (port > 65535) throw new UsageError(`--port: expected 0..65535, got ${port}`);
  const token = readBearerToken(flags.tokenFile, process.env.PODFIT_BEARER_TOKEN);
  const headersTimeoutMs = intFlag('--headers-timeout-ms', flags.headersTimeoutMs, 1);
  const requestTimeoutMs = intFlag('--request-timeout-ms', flags.requestTimeoutMs, 1);
  // The headers are part of the request, and Node refuses a server configured otherwise.
  if (headersTimeoutMs > requestTimeoutMs) throw new UsageError(`--headers-timeout-ms (${headersTimeoutMs}) must not exceed --request-timeout-ms (${requestTimeoutMs})`);
  const options: ServerOptions = {
    port,
    address: flags.address ?? '',
    pathPrefix: flags.pathPrefix ?? '',
    verbs: { filter: flags.filterVerb, prioritize: flags.prioritizeVerb, preempt: flags.preemptVerb, bind: flags.bindVerb },
    tls: flags.tlsCert ? readTlsFiles({ cert: flags.tlsCert, key: flags.tlsKey!, clientCa: flags.clientCa }) : undefined,
    bearerToken: token,
    bodyBytesMax: intFlag('--max-body-bytes', flags.maxBodyBytes, 1),
    headerBytesMax: intFlag('--max-header-bytes', flags.maxHeaderBytes, 1024),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: intFlag('--keepalive-timeout-ms', flags.keepaliveTimeoutMs, 1),
    inFlightMax: intFlag('--max-in-flight', flags.maxInFlight, 1),
    queuedMax: intFlag('--max-queued', flags.maxQueued),
    drainTimeoutMs: intFlag('--drain-timeout-ms', flags.drainTimeoutMs),
    parsePool: { threads: intFlag('--parse-threads', flags.parseThreads), inlineBelowBytes: intFlag('--parse-inline-below-bytes', flags.parseInlineBelowBytes) },
    allowEmpty: flags.allowEmpty === true,
  };
  const reloadIntervalMs = intFlag('--reload-interval-ms', flags.reloadIntervalMs);
  const stopSignal = onStopSignal();
  try {
    const assumedPodTtlMs = intFlag('--assume-ttl-ms', flags.assumeTtlMs, 1);
    const seed = parseSeed(flags.seed, DEFAULT_SEED);
    const engine = parseEngine(flags.engine);
    const config: SchedulerConfig = flags.config ? loadSchedulerConfig(flags.config) : defaultExtenderConfig();

    const logger = createLogger(flags.logLevel as LogLevel);
    const kernels = await createKernels(engine);
    let metrics: ExtenderMetrics | undefined;
    let source: ClusterSource;
    let liveStart: (() => Promise<void>) | undefined;
    if (flags.cluster) {
      const path = flags.cluster;
      const snap = new SnapshotSource(path, {
        pollIntervalMs: reloadIntervalMs,
        tableMemory: () => kernels.createTableMemory(),
        onReload: ({ error, warnings, nodes }) => {
          metrics?.snapshotReloads.inc({ result: error ? 'error' : 'ok' });
          if (error) logger.error({ file: path, err: error.message }, 'cluster snapshot reload failed; keeping the previous state');
          else {
            logger.info({ file: path, nodes, warnings }, 'cluster snapshot reloaded');
            collectGarbage(); // the previous state and the load's garbage (src/extender/heap.ts)
          }
        },
      });
      for (const w of snap.warnings) logger.warn({ file: path }, w);
      source = snap;
      collectGarbage(); // what loading the snapshot left behind (src/extender/heap.ts)
    } else {
      // Loaded only for live clusters: the client library is large.
      const { KubeConfig } = await import('@kubernetes/client-node');
      const { LiveCluster } = await import('../../cluster/live.js');
      const kc = new KubeConfig();
      try {
        if (flags.kubeconfig) kc.loadFromFile(flags.kubeconfig);
        else kc.loadFromCluster();
      } catch (e) {
        throw new InputError(`${flags.kubeconfig ?? 'in-cluster config'}: ${(e as Error).message}`);
      }
      if (!kc.getCurrentCluster()) throw new InputError(`${flags.kubeconfig ?? 'in-cluster config'}: no current cluster`);
      const live = new LiveCluster({
        kubeConfig: kc,
        tableMemory: kernels.createTableMemory(),
        assumedPodTtlMs,
        hooks: { relist: (r, why) => metrics?.relists.inc({ resource: r, reason: why }), watchEvent: (r, t) => metrics?.watchEvents.inc({ resource: r, type: t }), bind: (o) => metrics?.binds.inc({ outcome: o }), assumedExpired: () => metrics?.assumedExpired.inc() },
        log: logger.child({ component: 'live' }),
      });
      source = live;
      liveStart = () => live.start();
    }
    metrics = new ExtenderMetrics(() => source);
    const extender = new Extender(source, config, kernels, REGISTRY, { seed });
    for (const w of [...config.warnings, ...extender.warnings]) logger.warn({}, w);
    const server = new ExtenderServer(extender, options, logger, metrics, {
      version: version(),
      kubeSchedulerSemantics: 'v1.32',
      node: process.version,
      source: source.kind,
      profiles: config.profiles.map((p) => p.schedulerName),
    });
    let listening;
    try {
      listening = await server.listen();
    } catch (e) {
      await server.pool.close();
      await source.stop();
      throw new UsageError(`cannot listen on ${options.address || '*'}:${options.port}: ${(e as Error).message}`);
    }
    if (liveStart) {
      const t0 = Date.now();
      liveStart().then(
        () => {
          collectGarbage(); // the list responses (src/extender/heap.ts)
          logger.info({ nodes: source.state.nodeCount, ms: Date.now() - t0 }, 'cluster state synced; ready');
        },
        (e: Error) => logger.error({ err: e.message }, 'cluster sync stopped'),
      );
    }
    const prefix = options.pathPrefix ? options.pathPrefix.replace(/\/+$/, '').replace(/^(?!\/)/, '/') : '';
    io.stdout(`podfit serve: listening on ${listening.url} (${source.kind === 'snapshot' ? `snapshot ${flags.cluster}, ${source.state.nodeCount} nodes` : 'live cluster'}; verbs under ${prefix || '/'})\n`);
    if (options.verbs.filter && source.state.nodeCount > 0) io.stdout(`try: ${demoCurl(listening.url, prefix, options.verbs.filter, source, !!options.tls)}\n`);
    if (source.kind === 'snapshot' && source.state.nodeCount === 0 && !options.allowEmpty) io.stdout('not ready: the snapshot has no nodes; /readyz answers 503 until it has (--allow-empty serves without nodes)\n');

    await stopSignal.promise;
    logger.info({ signal: stopSignal.name }, 'shutting down: draining in-flight requests');
    await server.shutdown();
    await source.stop();
    logger.info({}, 'stopped');
    logger.flush?.();
  } finally {
    stopSignal.cancel();
  }
}

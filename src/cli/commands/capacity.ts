/**
 * `podfit capacity`: how many more instances of a pod template the cluster can take, with
 * cluster-capacity's flags, semantics and report (README "podfit capacity"). Also run as the
 * kubectl plugin `kubectl podfit capacity ...` (bin/kubectl-podfit.js).
 */
import type { Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { defaultSchedulerConfig, loadSchedulerConfig } from '../../api/config.js';
import { InputError } from '../../api/errors.js';
import type { Pod } from '../../api/k8s.js';
import { loadPodFile } from '../../api/input-files.js';
import type { FieldValidation } from '../../api/known-fields.js';
import { buildClusterState, loadClusterSnapshot, snapshotFromRaw, type ClusterSnapshot } from '../../cluster/snapshot.js';
import { Scheduler } from '../../framework/scheduler.js';
import { createKernels } from '../../kernel/engine.js';
import { ModelInputError } from '../../model/errors.js';
import { DEFAULT_SEED, SNAPSHOT_REQUEST_TIMEOUT_MS } from '../../model/limits.js';
import { makePodInfo } from '../../model/pod-info.js';
import { REGISTRY } from '../../plugins/registry.js';
import { capacityReview, capacityText } from '../../report/capacity.js';
import { capacityConfig, capacityDefaults, runCapacity, type CapacityTemplate } from '../../whatif/capacity.js';
import { UsageError } from '../errors.js';
import type { CliIO } from '../main.js';
import { readLiveCluster } from '../live-cluster.js';
import { parseDurationMs, parseEngine, parseOutput, parseSeed, parseValidate, VALIDATE_FLAG, VALIDATE_HELP } from '../options.js';

/** One --podspec, with the --replicas that followed it. */
interface PodspecFlag {
  file: string;
  replicas?: number;
}

interface CapacityFlags {
  cluster?: string;
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  timeout?: string;
  podspec?: PodspecFlag[];
  maxLimit?: string;
  excludeNodes?: string[];
  config?: string;
  priority?: string;
  preemption?: boolean;
  verbose?: boolean;
  output?: string;
  seed?: string;
  engine?: string;
  validate?: string | boolean;
}

/** `--podspec F` repeated: each one a template, in order. */
function collectPodspec(file: string, prev: PodspecFlag[] | undefined): PodspecFlag[] {
  return [...(prev ?? []), { file }];
}

/** `--replicas N` applies to the --podspec before it (commander calls parsers in argv order). */
function replicasFor(holder: { podspec?: PodspecFlag[] }) {
  return (v: string): string => {
    const last = holder.podspec?.[holder.podspec.length - 1];
    if (!last) throw new UsageError(`--replicas ${v}: give it after the --podspec it applies to`);
    if (last.replicas !== undefined) throw new UsageError(`--replicas: given twice for --podspec ${last.file}`);
    if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new UsageError(`--replicas: expected a positive integer, got "${v}"`);
    last.replicas = Number(v);
    return v;
  };
}

/** `--exclude-nodes a,b` (repeatable, like cluster-capacity's string slice). */
function collectNames(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), ...v.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** `--max-limit N`: a non-negative integer (0: no limit). */
function parseMaxLimit(v: string | undefined): number {
  if (v === undefined) return 0;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`--max-limit: expected a non-negative integer, got "${v}"`);
  return Number(v);
}

/** `--priority`: an integer priority, or the name of a PriorityClass. */
function parsePriority(v: string | undefined): number | string | undefined {
  if (v === undefined) return undefined;
  if (/^-?\d+$/.test(v)) {
    const n = Number(v);
    // kube's priority is an int32; user classes stop at one billion, system ones go to 2000001000.
    if (n < -2147483648 || n > 2147483647) throw new UsageError(`--priority: expected a 32-bit integer or a PriorityClass name, got "${v}"`);
    return n;
  }
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v)) throw new UsageError(`--priority: expected an integer or a PriorityClass name, got "${v}"`);
  return v;
}

/**
 * Reads and checks one template: one Pod (its fields checked under --validate), cluster-capacity's
 * defaults applied, with a name, decodable (quantities the API server accepts).
 */
function loadTemplate(file: string, priority: number | string | undefined, validation: FieldValidation, warnings: string[]): { pod: Pod; name: string } {
  const loaded = loadPodFile(file, { flag: '--podspec', validation, warnings });
  const pod = capacityDefaults(loaded.pod, priority);
  if (!pod.metadata.name) throw new InputError(`${loaded.name}: metadata.name: Required value: the pod template needs a name (its clones are <name>-<k>)`, 'metadata.name');
  return { pod, name: loaded.name };
}

/** Registers the command. */
export function registerCapacity(program: Command, io: CliIO): void {
  const cmd = program.command('capacity');
  cmd
    .description('how many more instances of a pod the cluster can take (cluster-capacity compatible): clones the pod until one no longer schedules')
    .option('--cluster <file>', 'cluster snapshot: podfit snapshot, or kubectl get nodes,pods -A -o json|yaml')
    .option('--kubeconfig <file>', 'read the cluster live from this kubeconfig instead of --cluster')
    .option('--context <name>', 'with --kubeconfig: the context to use')
    .option('--in-cluster', "read the cluster this pod runs in, with the pod's service account (cluster-capacity's CC_INCLUSTER)")
    .option('--timeout <duration>', 'with --kubeconfig/--in-cluster: bound on each API request (e.g. 30s); connecting is bounded by the smaller of this and 10s', `${SNAPSHOT_REQUEST_TIMEOUT_MS / 1000}s`)
    .option('--podspec <file>', 'the pod template (JSON or YAML); repeat for several, run one after another', collectPodspec)
    .option('--replicas <n>', 'place exactly N instances of the --podspec it follows and report how many did not fit')
    .option('--max-limit <n>', 'stop after N instances of a template (0: no limit)', '0')
    .option('--exclude-nodes <names>', 'comma-separated nodes to leave out of the cluster (repeatable)', collectNames)
    .option('--config <file>', 'KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1); default: kube-scheduler defaults')
    .option('--priority <value>', 'give the clones this priority (an integer or a PriorityClass name) and let them preempt lower-priority pods')
    .option('--preemption', "let the clones preempt lower-priority pods at the template's own priority")
    .option('--verbose', "print the pod's requirements, the failure summary and the clones' distribution among nodes")
    .option('--seed <n>', 'seed for tie-breaking among equal top scores', String(DEFAULT_SEED))
    .option('--engine <name>', 'numeric engine: js or wasm')
    .option(VALIDATE_FLAG, VALIDATE_HELP)
    .option('-o, --output <format>', 'table, json or yaml (a ClusterCapacityReview)', 'table');
  // --replicas binds to the --podspec before it, so its parser reads the options parsed so far.
  const replicasOpt = cmd.options.find((o) => o.long === '--replicas')!;
  replicasOpt.argParser(replicasFor({ get podspec() { return cmd.getOptionValue('podspec') as PodspecFlag[] | undefined; } }));
  cmd.action(async (flags: CapacityFlags) => {
    const output = parseOutput(flags.output, ['table', 'json', 'yaml'] as const, 'table');
    const seed = parseSeed(flags.seed, DEFAULT_SEED);
    const engine = parseEngine(flags.engine);
    const maxLimit = parseMaxLimit(flags.maxLimit);
    const priority = parsePriority(flags.priority);
    const preemption = flags.preemption === true || priority !== undefined;
    const specs = flags.podspec ?? [];
    if (specs.length === 0) throw new UsageError('missing --podspec <file>');
    const sources = [flags.cluster && '--cluster', flags.kubeconfig && '--kubeconfig', flags.inCluster && '--in-cluster'].filter(Boolean);
    if (sources.length > 1) throw new UsageError(`${sources.join(' and ')}: give one of them`);
    if (sources.length === 0) throw new UsageError('missing --cluster <file> (or --kubeconfig <file>, or --in-cluster)');
    if (flags.context && !flags.kubeconfig) throw new UsageError('--context needs --kubeconfig');
    const timeoutMs = parseDurationMs('--timeout', flags.timeout, SNAPSHOT_REQUEST_TIMEOUT_MS);

    // Inputs first (templates, config), so a bad file fails before the cluster is read.
    const validation = parseValidate(flags.validate);
    const inputWarnings: string[] = [];
    const loadedTemplates = specs.map((s) => loadTemplate(s.file, priority, validation, inputWarnings));
    const pods = loadedTemplates.map((t) => t.pod);
    const loadedConfig = flags.config ? loadSchedulerConfig(flags.config) : defaultSchedulerConfig();
    const config = capacityConfig(loadedConfig, preemption);
    specs.forEach((s, i) => {
      const name = pods[i]!.spec.schedulerName!;
      if (!config.profiles.some((p) => p.schedulerName === name)) {
        throw new InputError(`${loadedTemplates[i]!.name}: spec.schedulerName: Unsupported value: "${name}": no profile of the scheduler configuration has it (profiles: ${config.profiles.map((p) => p.schedulerName).join(', ')})`, 'spec.schedulerName');
      }
    });

    let snapshot: ClusterSnapshot;
    let source: string;
    const liveWarnings: string[] = [];
    if (flags.cluster) {
      snapshot = loadClusterSnapshot(flags.cluster);
      source = flags.cluster;
    } else {
      // The cluster read once, as `podfit snapshot` reads it, straight into the state.
      const live = await readLiveCluster(flags, timeoutMs, io);
      source = live.server;
      liveWarnings.push(...live.warnings);
      snapshot = snapshotFromRaw(live.items, source);
    }
    const kernels = await createKernels(engine);
    const loaded = buildClusterState(snapshot, source, kernels.createTableMemory());
    const warnings = [...inputWarnings, ...liveWarnings, ...loaded.warnings];
    for (const name of flags.excludeNodes ?? []) {
      if (loaded.state.getNode(name)) loaded.state.removeNode(name);
      else warnings.push(`--exclude-nodes: no node ${name} in the cluster`);
    }
    if (loaded.pending.length > 0) {
      warnings.push(`${source}: ${loaded.pending.length} pending pod(s) left out: they hold no resources until scheduled`);
    }
    if (loaded.state.nodeCount === 0 && (flags.excludeNodes ?? []).length > 0 && loaded.snapshot.nodes.length > 0) {
      warnings.push('--exclude-nodes: no nodes are left in the cluster');
    }

    const templates: CapacityTemplate[] = pods.map((pod, i) => {
      const file = loadedTemplates[i]!.name;
      let info;
      try {
        info = makePodInfo(pod);
      } catch (e) {
        if (e instanceof ModelInputError) throw new InputError(`${file}: ${e.message}`, e.field);
        throw e;
      }
      const className = pod.spec.priorityClassName;
      if (pod.spec.priority == null && className && loaded.objects.classPriority(className) === undefined) {
        const where = flags.priority !== undefined ? '--priority' : `${file}: spec.priorityClassName`;
        throw new InputError(`${where}: no PriorityClass with name ${className} was found in ${source}`, 'spec.priorityClassName');
      }
      return { info, source: file, ...(specs[i]!.replicas !== undefined ? { replicas: specs[i]!.replicas } : {}) };
    });

    const scheduler = new Scheduler({ state: loaded.state, config, kernels, registry: REGISTRY, seed, objects: loaded.objects });
    for (const w of [...warnings, ...scheduler.warnings]) io.stderr(`warning: ${w}\n`);
    const outcome = runCapacity(scheduler, templates, { maxLimit, preemption });
    const review = capacityReview(outcome, { maxLimit });
    if (output === 'json') io.stdout(JSON.stringify(review, null, 2) + '\n');
    else if (output === 'yaml') io.stdout(toYaml(review));
    else io.stdout(capacityText(outcome, review, flags.verbose === true));
  });
}

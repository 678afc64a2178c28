/**
 * `podfit schedule`: explain where one pod goes, and why, with kube-scheduler's own messages; or,
 * with --all-pending, where every pending pod of the snapshot would go, in kube's queue order
 * (the batch path: worker threads with --workers).
 */
import type { Command } from 'commander';
import { defaultSchedulerConfig, loadSchedulerConfig } from '../../api/config.js';
import { buildClusterState, loadClusterSnapshot, type LoadedCluster } from '../../cluster/snapshot.js';
import { loadPodFile, STDIN_PATH } from '../../api/input-files.js';
import type { FieldValidation } from '../../api/known-fields.js';
import { Scheduler } from '../../framework/scheduler.js';
import { createKernels } from '../../kernel/engine.js';
import { DEFAULT_SEED } from '../../model/limits.js';
import type { TableMemory } from '../../model/node-table.js';
import { makePodInfo, type PodInfo } from '../../model/pod-info.js';
import { ModelInputError } from '../../model/errors.js';
import { explainToJson, explainToTable } from '../../report/explain.js';
import { InputError } from '../../api/errors.js';
import { closeWorkerPool, defaultWorkerCount, workerPool } from '../../parallel/pool.js';
import { BATCH_MIN_PODS_DISTINCT } from '../../workloads/batch.js';
import { pendingToTable, scheduleAllPending } from '../../workloads/batch-pending.js';
import { UsageError } from '../errors.js';
import { parseEngine, parseOutput, parsePositiveInt, parseSeed, parseValidate, parseWorkers, VALIDATE_FLAG, VALIDATE_HELP } from '../options.js';
import { loadProgress, Progress } from '../progress.js';
import type { CliIO } from '../main.js';
import { REGISTRY } from '../../plugins/registry.js';

interface ScheduleFlags {
  cluster: string;
  pod?: string;
  allPending?: boolean;
  top?: string;
  feasibleOnly?: boolean;
  workers?: string;
  workersAlways?: boolean;
  config?: string;
  seed?: string;
  output?: string;
  engine?: string;
  validate?: string | boolean;
}

/** Reads and decodes the --pod file (its --validate warnings to stderr); a model error gets the file's name. */
function loadPod(path: string, validation: FieldValidation, io: CliIO): { info: PodInfo; name: string } {
  const warnings: string[] = [];
  const { pod, name } = loadPodFile(path, { flag: '--pod', validation, warnings });
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
  try {
    return { info: makePodInfo(pod), name };
  } catch (e) {
    if (e instanceof ModelInputError) throw new InputError(`${name}: ${e.message}`, e.field);
    throw e;
  }
}

/** Registers the command. */
export function registerSchedule(program: Command, io: CliIO): void {
  program
    .command('schedule')
    .description("explain one pod's scheduling: every plugin's filter verdict and score on every node; or, with --all-pending, where all pending pods would go")
    .requiredOption('--cluster <file>', 'cluster snapshot: kubectl get nodes,pods -A -o json|yaml')
    .option('--pod <file>', 'the pod to schedule (JSON or YAML; - reads standard input)')
    .option('--all-pending', "schedule every pending pod of the snapshot in kube's queue order (priority, then creation time) and report each pod's node")
    .option('--workers <n>', 'with --all-pending: worker threads (0 = main thread only; snapshots below the measured break-even stay on the main thread)', String(defaultWorkerCount()))
    .option('--workers-always', 'with --all-pending: use the workers even below the measured break-even')
    .option('--config <file>', 'KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1); default: kube-scheduler defaults')
    .option('--seed <n>', 'seed for tie-breaking among equal top scores', String(DEFAULT_SEED))
    .option('--engine <name>', 'numeric engine: js or wasm')
    .option('-o, --output <format>', 'table or json', 'table')
    .option(VALIDATE_FLAG, `${VALIDATE_HELP} (--pod; default strict)`)
    .option('--top <n>', 'table: only the N best nodes (highest final score first); -o json has every node')
    .option('--feasible-only', 'table: only the nodes that passed every filter')
    .action(async (flags: ScheduleFlags) => {
      const output = parseOutput(flags.output, ['table', 'json'] as const, 'table');
      const seed = parseSeed(flags.seed, DEFAULT_SEED);
      const engine = parseEngine(flags.engine);
      const workers = parseWorkers(flags.workers, defaultWorkerCount());
      if (flags.allPending && flags.pod) throw new UsageError('--pod and --all-pending: give one of them');
      if (!flags.allPending && !flags.pod) throw new UsageError('missing --pod <file> (or --all-pending)');
      if (flags.pod === STDIN_PATH && flags.cluster === STDIN_PATH) throw new UsageError('--cluster and --pod: only one of them can read standard input (-)');
      const table = tableOptions(flags, output);
      const validation = parseValidate(flags.validate);
      // The pod first: a mistake in the file a person wrote is reported before a large cluster loads.
      const podFile = flags.pod ? loadPod(flags.pod, validation, io) : undefined;
      const config = flags.config ? loadSchedulerConfig(flags.config) : defaultSchedulerConfig();
      const progress = new Progress();
      const kernels = await createKernels(engine);
      const loaded = loadWithProgress(flags.cluster, kernels.createTableMemory(), progress);
      const snapshot = loaded.snapshot;
      if (!podFile) { // --all-pending
        const scheduler = new Scheduler({ state: loaded.state, config, kernels, registry: REGISTRY, seed, objects: loaded.objects });
        for (const w of [...loaded.warnings, ...scheduler.warnings]) io.stderr(`warning: ${w}\n`);
        const force = flags.workersAlways === true;
        // scheduleAllPending decides from the queue's classes (batchPays); without a pool it stays here.
        const usePool = workers > 0 && engine === 'wasm' && (force || loaded.pending.length >= BATCH_MIN_PODS_DISTINCT);
        try {
          const pool = usePool ? await workerPool(workers, (line) => io.stderr(`${line}\n`)) : null;
          progress.stage('scheduling pending pods', loaded.pending.length, 'pods');
          const { report } = await scheduleAllPending({
            scheduler, snapshot, fileName: flags.cluster, pending: loaded.pending, objects: loaded.objects, pool, workers, seed, forceBatch: force,
            onProgress: (done, total) => progress.update(done, total),
          });
          progress.stop();
          io.stdout(output === 'json' ? JSON.stringify(report, null, 2) + '\n' : pendingToTable(report));
        } finally {
          progress.stop();
          await closeWorkerPool();
        }
        return;
      }
      const pod = podFile.info;
      const scheduler = new Scheduler({ state: loaded.state, config, kernels, registry: REGISTRY, seed, objects: loaded.objects });
      for (const w of [...loaded.warnings, ...scheduler.warnings]) io.stderr(`warning: ${w}\n`);
      const framework = scheduler.frameworkFor(pod);
      if (!framework) {
        throw new InputError(`${podFile.name}: spec.schedulerName "${pod.schedulerName}" matches no profile (profiles: ${[...scheduler.frameworks.keys()].join(', ')})`, 'spec.schedulerName');
      }
      const result = scheduler.schedulePod(pod, { explain: true }, framework);
      const hasPreemption = framework.postFilter.length > 0;
      if (output === 'json') io.stdout(JSON.stringify(explainToJson(result, loaded.state, { preemption: hasPreemption }), null, 2) + '\n');
      else {
        const weights = framework.score.map((s) => ({ name: s.plugin.name, weight: s.weight }));
        io.stdout(explainToTable(result, loaded.state, { ...table, weights }));
      }
    });
}

/** `--top` and `--feasible-only`: they shape the node table of one pod, nothing else. */
function tableOptions(flags: ScheduleFlags, output: 'table' | 'json'): { top?: number; feasibleOnly: boolean } {
  const top = flags.top === undefined ? undefined : parsePositiveInt('--top', flags.top, 1);
  if ((top !== undefined || flags.feasibleOnly) && (output === 'json' || flags.allPending)) {
    throw new UsageError(`${top !== undefined ? '--top' : '--feasible-only'} shapes the node table of one pod; ${flags.allPending ? '--all-pending lists pods' : '-o json has every node'}`);
  }
  return { top, feasibleOnly: flags.feasibleOnly === true };
}

/** Reads the snapshot and builds its state, with a progress bar on a terminal. */
function loadWithProgress(path: string, memory: TableMemory, progress: Progress): LoadedCluster {
  const onLoad = loadProgress(progress, path);
  try {
    return buildClusterState(loadClusterSnapshot(path, onLoad), path, memory, onLoad);
  } finally {
    progress.stop();
  }
}

/** `podfit schedule`: explain where one pod goes, and why, with kube-scheduler's own messages. */
import type { Command } from 'commander';
import { defaultSchedulerConfig, loadSchedulerConfig } from '../../api/config.js';
import { buildClusterState, loadClusterSnapshot, loadPodFile } from '../../cluster/snapshot.js';
import { Scheduler } from '../../framework/scheduler.js';
import { createKernels } from '../../kernel/engine.js';
import { DEFAULT_SEED } from '../../model/limits.js';
import { makePodInfo } from '../../model/pod-info.js';
import { explainToJson, explainToTable } from '../../report/explain.js';
import { InputError } from '../../api/errors.js';
import { parseEngine, parseOutput, parseSeed } from '../options.js';
import type { CliIO } from '../main.js';

interface ScheduleFlags {
  cluster: string;
  pod: string;
  config?: string;
  seed?: string;
  output?: string;
  engine?: string;
}

/** Registers the command. */
export function registerSchedule(program: Command, io: CliIO): void {
  program
    .command('schedule')
    .description("explain one pod's scheduling: every plugin's filter verdict and score on every node")
    .requiredOption('--cluster <file>', 'cluster snapshot: kubectl get nodes,pods -A -o json|yaml')
    .requiredOption('--pod <file>', 'the pod to schedule (JSON or YAML)')
    .option('--config <file>', 'KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1); default: kube-scheduler defaults')
    .option('--seed <n>', 'seed for tie-breaking among equal top scores', String(DEFAULT_SEED))
    .option('--engine <name>', 'numeric engine: js or wasm')
    .option('-o, --output <format>', 'table or json', 'table')
    .action(async (flags: ScheduleFlags) => {
      const output = parseOutput(flags.output, ['table', 'json'] as const, 'table');
      const seed = parseSeed(flags.seed, DEFAULT_SEED);
      const engine = parseEngine(flags.engine);
      const config = flags.config ? loadSchedulerConfig(flags.config) : defaultSchedulerConfig();
      const snapshot = loadClusterSnapshot(flags.cluster);
      const kernels = await createKernels(engine);
      const loaded = buildClusterState(snapshot, flags.cluster, kernels.createTableMemory());
      const podObj = loadPodFile(flags.pod);
      let pod;
      try {
        pod = makePodInfo(podObj);
      } catch (e) {
        if (e instanceof InputError) throw new InputError(`${flags.pod}: ${e.message}`, e.field);
        throw e;
      }
      const scheduler = new Scheduler({ state: loaded.state, config, kernels, seed, objects: loaded.objects });
      for (const w of [...loaded.warnings, ...scheduler.warnings]) io.stderr(`warning: ${w}\n`);
      const framework = scheduler.frameworkFor(pod);
      if (!framework) {
        throw new InputError(`${flags.pod}: spec.schedulerName "${pod.schedulerName}" matches no profile (profiles: ${[...scheduler.frameworks.keys()].join(', ')})`, 'spec.schedulerName');
      }
      const result = scheduler.schedulePod(pod, { explain: true }, framework);
      const hasPreemption = framework.postFilter.length > 0;
      if (output === 'json') io.stdout(JSON.stringify(explainToJson(result, loaded.state, { preemption: hasPreemption }), null, 2) + '\n');
      else io.stdout(explainToTable(result, loaded.state));
    });
}

/** `podfit bench`: scheduler_perf-style workloads, measured in pods/s and latency percentiles. */
import type { Command } from 'commander';
import { defaultSchedulerConfig, loadSchedulerConfig } from '../../api/config.js';
import { createKernels } from '../../kernel/engine.js';
import { DEFAULT_SEED } from '../../model/limits.js';
import { runBench, WORKLOADS, type WorkloadName } from '../../workloads/runner.js';
import { UsageError } from '../errors.js';
import { parseEngine, parseOutput, parsePositiveInt, parseSeed } from '../options.js';
import type { CliIO } from '../main.js';

interface BenchFlags {
  nodes?: string;
  pods?: string;
  initPods?: string;
  engine?: string;
  seed?: string;
  config?: string;
  output?: string;
}

/** Registers the command. */
export function registerBench(program: Command, io: CliIO): void {
  program
    .command('bench')
    .description('run a scheduler_perf-style workload and report throughput (pods/s) and latency')
    .argument('<workload>', `workload: ${WORKLOADS.join(', ')}`)
    .option('--nodes <n>', 'nodes in the cluster', '5000')
    .option('--pods <n>', 'measured pods', '10000')
    .option('--init-pods <n>', 'pods placed before measuring', '0')
    .option('--engine <name>', 'numeric engine: js or wasm')
    .option('--seed <n>', 'tie-breaking seed', String(DEFAULT_SEED))
    .option('--config <file>', 'KubeSchedulerConfiguration (default: kube-scheduler defaults)')
    .option('-o, --output <format>', 'table or json', 'table')
    .action(async (workload: string, flags: BenchFlags) => {
      if (!(WORKLOADS as readonly string[]).includes(workload)) throw new UsageError(`unknown workload "${workload}": expected one of ${WORKLOADS.join(', ')}`);
      const output = parseOutput(flags.output, ['table', 'json'] as const, 'table');
      const nodes = parsePositiveInt('--nodes', flags.nodes, 5000);
      const pods = parsePositiveInt('--pods', flags.pods, 10000);
      const initPods = flags.initPods === '0' ? 0 : parsePositiveInt('--init-pods', flags.initPods, 0);
      const seed = parseSeed(flags.seed, DEFAULT_SEED);
      const engine = parseEngine(flags.engine);
      const config = flags.config ? loadSchedulerConfig(flags.config) : defaultSchedulerConfig();
      const kernels = await createKernels(engine);
      const r = await runBench({ workload: workload as WorkloadName, nodes, pods, initPods, seed, config, kernels });
      if (output === 'json') {
        io.stdout(JSON.stringify(r, null, 2) + '\n');
        return;
      }
      io.stdout(
        [
          `workload     ${r.workload}`,
          `engine       ${r.engine} (${r.kernels})`,
          `nodes        ${r.nodes}`,
          `pods         ${r.pods} (${r.scheduled} scheduled, ${r.unschedulable} unschedulable; ${r.initPods} placed before)`,
          `throughput   ${r.throughput.average} pods/s`,
          `latency      p50 ${r.latencyUs.p50} µs, p90 ${r.latencyUs.p90} µs, p99 ${r.latencyUs.p99} µs, max ${r.latencyUs.max} µs`,
          `checksum     ${r.placementChecksum}`,
        ].join('\n') + '\n',
      );
    });
}

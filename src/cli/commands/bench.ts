/**
 * `podfit bench`: scheduler_perf-style workloads, measured in pods/s and latency percentiles.
 * With --workers the measured pods go through the batch path (worker threads, same placements);
 * with --repeat the repetitions run one per worker thread.
 */
import type { Command } from 'commander';
import { defaultSchedulerConfig, loadSchedulerConfig } from '../../api/config.js';
import { createKernels } from '../../kernel/engine.js';
import { DEFAULT_SEED } from '../../model/limits.js';
import { closeWorkerPool, defaultWorkerCount, workerPool } from '../../parallel/pool.js';
import { batchPays } from '../../workloads/batch.js';
import { runBench, WORKLOADS, type BenchResult, type WorkloadName } from '../../workloads/runner.js';
import { BENCH_REPETITION_JOB } from '../jobs.js';
import { UsageError } from '../errors.js';
import { parseEngine, parseOutput, parsePositiveInt, parseSeed, parseWorkers } from '../options.js';
import type { CliIO } from '../main.js';
import { REGISTRY } from '../../plugins/registry.js';
import { runCompare, runPerfCommand } from './bench-perf.js';

/** `-o json` with --repeat: the median run's fields, every repetition, and the threads used. */
type RepeatedResult = BenchResult & { repetitions: BenchResult[] };

interface BenchFlags {
  perfConfig?: string;
  workload?: string;
  label?: string;
  list?: boolean;
  nodes?: string;
  pods?: string;
  initPods?: string;
  engine?: string;
  seed?: string;
  config?: string;
  output?: string;
  workers?: string;
  workersAlways?: boolean;
  repeat?: string;
}

/** Registers the command. */
export function registerBench(program: Command, io: CliIO): void {
  program
    .command('bench')
    .description('run scheduler_perf workloads (built in, or kube\'s performance-config.yaml) and report throughput (pods/s) and latency; `bench compare A.json B.json` compares two results')
    .argument('[workload]', `a built-in TESTCASE/WORKLOAD or test case (see --list), "compare", or the parametrised ${WORKLOADS.join(', ')} (--nodes/--pods/--init-pods)`)
    .argument('[files...]', 'for compare: the two -o json result files')
    .option('--perf-config <file>', 'kube-scheduler scheduler_perf performance-config.yaml (templates resolve from its folder)')
    .option('--workload <id>', 'TESTCASE/WORKLOAD or TESTCASE of the config to run')
    .option('--label <filter>', 'scheduler_perf label filter: a,+b,-c (default performance when no workload is named)')
    .option('--list', 'list the workloads (and why any is skipped) instead of running them')
    .option('--nodes <n>', `${WORKLOADS.join(', ')} only: nodes in the cluster`, '5000')
    .option('--pods <n>', `${WORKLOADS.join(', ')} only: measured pods`, '10000')
    .option('--init-pods <n>', `${WORKLOADS.join(', ')} only: pods placed before measuring`, '0')
    .option('--engine <name>', 'numeric engine: js or wasm')
    .option('--seed <n>', 'tie-breaking seed', String(DEFAULT_SEED))
    .option('--config <file>', 'KubeSchedulerConfiguration (default: kube-scheduler defaults)')
    .option('--workers <n>', 'worker threads (0 = main thread only; runs below the measured break-even stay on the main thread)', String(defaultWorkerCount()))
    .option('--workers-always', 'use the workers even below the measured break-even (to measure it)')
    .option('--repeat <n>', 'independent repetitions, run one per worker thread', '1')
    .option('-o, --output <format>', 'table or json', 'table')
    .action(async (workload: string | undefined, files: string[], flags: BenchFlags) => {
      const output = parseOutput(flags.output, ['table', 'json'] as const, 'table');
      if (workload === 'compare') return runCompare(files[0], files[1], output, io);
      if (files.length > 0) throw new UsageError(`unexpected arguments: ${files.join(' ')}`);
      if (flags.perfConfig !== undefined || flags.list || flags.workload !== undefined || flags.label !== undefined || (workload !== undefined && !(WORKLOADS as readonly string[]).includes(workload))) {
        if (workload !== undefined && flags.workload !== undefined) throw new UsageError('name the workload once: as the argument or with --workload');
        const id = flags.workload ?? workload;
        if (id === undefined && !flags.list && flags.perfConfig === undefined && flags.label === undefined) throw new UsageError('name a workload (podfit bench --list shows them)');
        return runPerfCommand({
          ...(flags.perfConfig !== undefined ? { file: flags.perfConfig } : {}),
          ...(id !== undefined ? { id } : {}),
          ...(flags.label !== undefined ? { label: flags.label } : {}),
          ...(flags.config !== undefined ? { config: flags.config } : {}),
          list: flags.list === true, output, engine: parseEngine(flags.engine), seed: parseSeed(flags.seed, DEFAULT_SEED),
          repeat: parsePositiveInt('--repeat', flags.repeat, 1),
        }, io);
      }
      if (workload === undefined) throw new UsageError('name a workload (podfit bench --list shows them)');
      const nodes = parsePositiveInt('--nodes', flags.nodes, 5000);
      const pods = parsePositiveInt('--pods', flags.pods, 10000);
      const initPods = flags.initPods === '0' ? 0 : parsePositiveInt('--init-pods', flags.initPods, 0);
      const seed = parseSeed(flags.seed, DEFAULT_SEED);
      const engine = parseEngine(flags.engine);
      const workers = parseWorkers(flags.workers, defaultWorkerCount());
      const repeat = parsePositiveInt('--repeat', flags.repeat, 1);
      const config = flags.config ? loadSchedulerConfig(flags.config) : defaultSchedulerConfig();
      const kernels = await createKernels(engine);
      const spec = { workload: workload as WorkloadName, nodes, pods, initPods, seed, config, registry: REGISTRY };
      const log = (line: string) => io.stderr(`${line}\n`);
      let r: BenchResult | RepeatedResult;
      try {
        if (repeat > 1) {
          // Independent runs: one per worker thread (each schedules in its own thread).
          const pool = workers > 0 ? await workerPool(Math.min(workers, repeat), log) : null;
          const { registry: _r, ...plain } = spec;
          const runs = pool ? await pool.runJobs(BENCH_REPETITION_JOB, Array.from({ length: repeat }, () => ({ ...plain, engine }))) : [];
          for (let i = runs.length; i < repeat; i++) runs.push(await runBench({ ...spec, kernels }));
          const median = [...runs].sort((a, b) => a.throughput.average - b.throughput.average)[repeat >> 1]!;
          r = { ...median, workers: pool ? pool.threads : 0, repetitions: runs };
        } else {
          const usePool = workers > 0 && engine === 'wasm' && (flags.workersAlways === true || batchPays(nodes, pods, 0));
          const pool = usePool ? await workerPool(workers, log) : null;
          r = await runBench({ ...spec, kernels, workers: usePool ? workers : 0, pool, forceBatch: flags.workersAlways === true });
        }
      } finally {
        await closeWorkerPool();
      }
      if (output === 'json') {
        io.stdout(JSON.stringify(r, null, 2) + '\n');
        return;
      }
      const reps = 'repetitions' in r ? r.repetitions : undefined;
      const b = r.batch;
      io.stdout(
        [
          `workload     ${r.workload}`,
          `engine       ${r.engine} (${r.kernels})`,
          `nodes        ${r.nodes}`,
          `pods         ${r.pods} (${r.scheduled} scheduled, ${r.unschedulable} unschedulable; ${r.initPods} placed before)`,
          `throughput   ${r.throughput.average} pods/s`,
          `latency      p50 ${r.latencyUs.p50} µs, p90 ${r.latencyUs.p90} µs, p99 ${r.latencyUs.p99} µs, max ${r.latencyUs.max} µs`,
          `checksum     ${r.placementChecksum}`,
          reps
            ? `workers      ${r.workers} (repetitions: ${reps.map((x) => `${x.throughput.average} pods/s`).join(', ')}; median shown)`
            : `workers      ${r.workers}${b && b.workers > 0 ? ` (${b.speculated} of ${b.pods} pods decided from worker summaries)` : b?.reason ? ` (${b.reason})` : ''}`,
        ].join('\n') + '\n',
      );
    });
}

/**
 * `podfit whatif SCENARIO`: a scenario's steps on a copy of a cluster, then its questions
 * (maxReplicas, drain, compare, minNodes), as tables, JSON or YAML, and an HTML report (README "podfit
 * whatif"). `--schema` prints the scenario file's JSON Schema. Every file the scenario names is
 * read and checked before the cluster loads; any error is exit 2 naming the file and the path
 * inside it, and nothing is written.
 */
import type { Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { scenarioJsonSchema } from '../../api/scenario.js';
import { InputError } from '../../api/errors.js';
import { STDIN_PATH } from '../../api/input-files.js';
import { readScenarioOrSweep, type Scenario } from '../../api/scenario-files.js';
import { parseShard, type Shard } from '../../api/scenario-sweep.js';
import { buildClusterState, loadClusterSnapshot, type LoadedCluster } from '../../cluster/snapshot.js';
import { createKernels } from '../../kernel/engine.js';
import { DEFAULT_SEED, WHATIF_MIN_NODES_TIME_LIMIT_SECONDS_MAX } from '../../model/limits.js';
import type { TableMemory } from '../../model/node-table.js';
import type { EngineName } from '../../kernel/kernels.js';
import { closeWorkerPool, workerPool } from '../../parallel/pool.js';
import { REGISTRY } from '../../plugins/registry.js';
import { writeWhatifHtml } from '../../report/html.js';
import { whatifSweepText, whatifText } from '../../report/whatif-table.js';
import type { WhatifResult, WhatifSweepResult } from '../../whatif/result.js';
import { mergeSweepFiles } from '../../whatif/sweep-merge.js';
import { runScenario, runScenarioOn, scenarioParts, scenarioResult, usesPool, withTimeLimit, type ScenarioRunOptions } from '../../whatif/scenario.js';
import { WHATIF_PARTS_JOB, type WhatifPartsArgs } from '../jobs.js';
import { UsageError } from '../errors.js';
import type { CliIO } from '../main.js';
import { parseEngine, parseOutput, parseSeed, parseValidate, parseWorkers, VALIDATE_FLAG, VALIDATE_HELP } from '../options.js';
import { loadProgress, Progress } from '../progress.js';

interface WhatifFlags {
  schema?: boolean;
  shard?: string;
  shards?: string;
  output?: string;
  html?: string;
  workers?: string;
  seed?: string;
  engine?: string;
  validate?: string | boolean;
  timeLimit?: string;
}

/** Writes the HTML report (src/report/html.ts): one self-contained page. */
async function writeHtmlReport(file: string, result: WhatifResult | WhatifSweepResult): Promise<void> {
  await writeWhatifHtml(file, result);
}

/** Reads the snapshot and builds its state, with a progress bar on a terminal. */
function loadCluster(path: string, memory: TableMemory, progress: Progress): LoadedCluster {
  const onLoad = loadProgress(progress, path);
  try {
    return buildClusterState(loadClusterSnapshot(path, onLoad), path, memory, onLoad);
  } finally {
    progress.stop();
  }
}

/** `--time-limit SECONDS`: minNodes questions' time limit (over the scenario's `timeLimit`). */
function parseTimeLimit(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0) || n > WHATIF_MIN_NODES_TIME_LIMIT_SECONDS_MAX) {
    throw new UsageError(`--time-limit: expected seconds in (0, ${WHATIF_MIN_NODES_TIME_LIMIT_SECONDS_MAX}], got "${v}"`);
  }
  return n;
}

/**
 * Runs the scenario on this thread, with progress bars on a terminal; with `workers`, the
 * questions that have work of their own for a pool (minNodes' heuristics) get one.
 */
async function runHere(scenario: Scenario, seed: number, engine: EngineName, workers: number, io: CliIO): Promise<WhatifResult> {
  const kernels = await createKernels(engine);
  const progress = new Progress();
  const cluster = scenario.cluster !== null ? loadCluster(scenario.cluster, kernels.createTableMemory(), progress) : null;
  const pool = workers > 0 && usesPool(scenario) ? await workerPool(workers, (line) => io.stderr(`${line}\n`)) : undefined;
  try {
    let stage = '';
    const opts: ScenarioRunOptions = {
      engine: { kernels, registry: REGISTRY, seed },
      cluster,
      onProgress: (s, done, total) => {
        if (s !== stage) {
          stage = s;
          progress.stage(`${s}: scheduling`, total, 'pods');
        }
        progress.update(done, total);
      },
    };
    return pool ? await runScenarioOn(scenario, opts, pool) : runScenario(scenario, opts);
  } finally {
    progress.stop();
    if (pool) await closeWorkerPool();
  }
}

/**
 * Runs the questions' parts on `workers` threads (each reads the files, runs the steps and answers
 * its share of the parts; the first also returns the summary) and joins them: the same result as
 * on this thread, since every part runs on its own copy of the same cluster with the same seed.
 */
async function runOnWorkers(scenario: Scenario, base: Omit<WhatifPartsArgs, 'parts' | 'summary'>, workers: number, io: CliIO): Promise<WhatifResult> {
  const parts = scenarioParts(scenario);
  const groups: number[][] = Array.from({ length: Math.min(workers, parts.length) }, () => []);
  parts.forEach((_, i) => groups[i % groups.length]!.push(i));
  const pool = await workerPool(groups.length, (line) => io.stderr(`${line}\n`));
  try {
    const out = await pool.runJobs(WHATIF_PARTS_JOB, groups.map((g, i) => ({ ...base, parts: g.map((k) => parts[k]!), summary: i === 0 })));
    const failed = out.find((o) => o.inputError);
    if (failed) throw new InputError(failed.inputError!.message, failed.inputError!.field);
    const answers: unknown[] = new Array(parts.length);
    groups.forEach((g, i) => g.forEach((k, j) => { answers[k] = out[i]!.answers[j]; }));
    return scenarioResult(scenario, out[0]!.summary!, answers);
  } finally {
    await closeWorkerPool();
  }
}

/** The shard to run: --shard, else JOB_COMPLETION_INDEX with --shards; undefined: the whole sweep. */
function shardOf(flags: WhatifFlags): Shard | undefined {
  if (flags.shard !== undefined) {
    if (flags.shards !== undefined) throw new UsageError('--shard and --shards: give one of them (--shards goes with JOB_COMPLETION_INDEX)');
    return parseShardFlag(flags.shard);
  }
  const index = process.env.JOB_COMPLETION_INDEX;
  if (flags.shards === undefined) return undefined;
  if (index === undefined || index === '') throw new UsageError('--shards: JOB_COMPLETION_INDEX is not set (give --shard i/n outside an Indexed Job)');
  return parseShardFlag(`${index}/${flags.shards}`, `JOB_COMPLETION_INDEX=${index} with --shards`);
}

function parseShardFlag(v: string, flag = '--shard'): Shard {
  try {
    return parseShard(v, flag);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

/** Prints a result (a run, or a sweep's runs) in the chosen format. */
function writeResult(io: CliIO, output: 'table' | 'json' | 'yaml', result: WhatifResult | WhatifSweepResult): void {
  if (output === 'json') io.stdout(JSON.stringify(result, null, 2) + '\n');
  else if (output === 'yaml') io.stdout(toYaml(result));
  else io.stdout('runs' in result ? whatifSweepText(result) : whatifText(result));
}

/** Registers the command. */
export function registerWhatif(program: Command, io: CliIO): void {
  const whatif = program.command('whatif');
  whatif
    .command('merge')
    .argument('<files...>', 'the JSON results of the shards of one sweep (`podfit whatif S --shard i/n -o json`)')
    .description("join the shards of a sweep into one result, the runs in the sweep's order (as if run whole)")
    .option('-o, --output <format>', 'table, json or yaml (default: table on a terminal, json otherwise)')
    .action((files: string[], flags: { output?: string }) => {
      const output = parseOutput(flags.output, ['table', 'json', 'yaml'] as const, io.stdoutIsTTY ? 'table' : 'json');
      writeResult(io, output, mergeSweepFiles(files));
    });
  whatif
    .argument('[scenario]', 'the scenario file (YAML or JSON; - reads standard input); paths inside it are relative to it')
    .description('what-if scenarios: steps (add/remove nodes and pods, apply workloads, cordon, drain, schedule) on a copy of a cluster, then questions (maxReplicas, drain, compare profiles, minNodes)')
    .option('--schema', "print the scenario file's JSON Schema (for editors) and exit")
    .option('-o, --output <format>', 'table, json or yaml (default: table on a terminal, json otherwise)')
    .option('--html <file>', 'also write the HTML report to this file')
    .option('--workers <n>', 'worker threads for the questions and compare profiles, each reading the cluster and running the steps itself (0 = this thread; the results are the same)', '0')
    .option('--shard <i/n>', 'run slice i of n of a sweep (0-based); default: JOB_COMPLETION_INDEX of an Indexed Job, with --shards')
    .option('--shards <n>', 'with JOB_COMPLETION_INDEX (and no --shard): the number of slices (the Job\'s completions)')
    .option('--seed <n>', "seed for tie-breaking among equal top scores (default: the scenario's seed, else 1)")
    .option('--engine <name>', 'numeric engine: js or wasm')
    .option('--time-limit <seconds>', "minNodes questions: seconds for each answer (overrides the scenario's timeLimit; default 10)")
    .option(VALIDATE_FLAG, `${VALIDATE_HELP} (templates and apply files; default strict)`)
    .action(async (scenarioPath: string | undefined, flags: WhatifFlags) => {
      if (flags.schema) {
        if (scenarioPath !== undefined) throw new UsageError('--schema takes no scenario');
        io.stdout(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
        return;
      }
      if (scenarioPath === undefined) throw new UsageError('missing scenario file (podfit whatif SCENARIO; --schema prints its JSON Schema)');
      const output = parseOutput(flags.output, ['table', 'json', 'yaml'] as const, io.stdoutIsTTY ? 'table' : 'json');
      const engine = parseEngine(flags.engine);
      const workers = parseWorkers(flags.workers, 0);
      const validation = parseValidate(flags.validate);
      const timeLimitSeconds = parseTimeLimit(flags.timeLimit);
      // Every file the scenario names, before the cluster: a mistake fails fast.
      const read = readScenarioOrSweep(scenarioPath, { validation }, shardOf(flags));
      const runOne = async (given: Scenario): Promise<WhatifResult> => {
        const scenario = withTimeLimit(given, timeLimitSeconds);
        const seed = parseSeed(flags.seed, scenario.seed ?? DEFAULT_SEED);
        const parts = scenarioParts(scenario);
        return workers > 0 && parts.length > 1 && scenarioPath !== STDIN_PATH && read.kind === 'single'
          ? runOnWorkers(scenario, { scenario: scenarioPath, validation, seed, engine, ...(timeLimitSeconds !== undefined ? { timeLimitSeconds } : {}) }, workers, io)
          : runHere(scenario, seed, engine, workers, io);
      };
      let result: WhatifResult | WhatifSweepResult;
      if (read.kind === 'single') {
        result = await runOne(read.scenario);
        for (const w of result.scenario.warnings) io.stderr(`warning: ${w}\n`);
      } else {
        const runs: WhatifResult[] = [];
        for (const p of read.points) {
          const r = await runOne(p.scenario);
          const { file, cluster, config, seed, ...rest } = r.scenario;
          runs.push({ ...r, scenario: { file, cluster, config, seed, sweep: { index: p.index, values: p.values }, ...rest } });
        }
        const warnings = new Set(runs.flatMap((r) => r.scenario.warnings));
        for (const w of warnings) io.stderr(`warning: ${w}\n`);
        result = { sweep: { total: read.total, ...(read.shard ? { shard: read.shard } : {}) }, runs };
      }
      if (flags.html) await writeHtmlReport(flags.html, result);
      writeResult(io, output, result);
    });
}

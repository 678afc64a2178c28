/**
 * `podfit whatif SCENARIO`: a scenario's steps on a copy of a cluster, then its questions
 * (maxReplicas, drain, compare), as tables, JSON or YAML, and an HTML report (README "podfit
 * whatif"). `--schema` prints the scenario file's JSON Schema. Every file the scenario names is
 * read and checked before the cluster loads; any error is exit 2 naming the file and the path
 * inside it, and nothing is written.
 */
import type { Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { scenarioJsonSchema } from '../../api/scenario.js';
import { InputError } from '../../api/errors.js';
import { STDIN_PATH } from '../../api/input-files.js';
import { readScenario, type Scenario } from '../../api/scenario-files.js';
import { buildClusterState, loadClusterSnapshot, type LoadedCluster } from '../../cluster/snapshot.js';
import { createKernels } from '../../kernel/engine.js';
import { DEFAULT_SEED } from '../../model/limits.js';
import type { TableMemory } from '../../model/node-table.js';
import type { EngineName } from '../../kernel/kernels.js';
import { closeWorkerPool, workerPool } from '../../parallel/pool.js';
import { REGISTRY } from '../../plugins/registry.js';
import { whatifText } from '../../report/whatif-table.js';
import type { WhatifResult } from '../../whatif/result.js';
import { runScenario, scenarioParts, scenarioResult } from '../../whatif/scenario.js';
import { WHATIF_PARTS_JOB, type WhatifPartsArgs } from '../jobs.js';
import { UsageError } from '../errors.js';
import type { CliIO } from '../main.js';
import { parseEngine, parseOutput, parseSeed, parseValidate, parseWorkers, VALIDATE_FLAG, VALIDATE_HELP } from '../options.js';
import { loadProgress, Progress } from '../progress.js';

interface WhatifFlags {
  schema?: boolean;
  output?: string;
  html?: string;
  workers?: string;
  seed?: string;
  engine?: string;
  validate?: string | boolean;
}

/**
 * HOOK for the HTML report (src/report/html.ts, branch i13-html): not on main when this command
 * was written. At merge: `import { writeWhatifHtml } from '../../report/html.js'` and replace the
 * body with `await writeWhatifHtml(file, result);`.
 */
async function writeHtmlReport(file: string, _result: WhatifResult): Promise<void> {
  throw new UsageError(`--html ${file}: the HTML report is not in this build yet`);
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

/** Runs the scenario on this thread, with progress bars on a terminal. */
async function runHere(scenario: Scenario, seed: number, engine: EngineName): Promise<WhatifResult> {
  const kernels = await createKernels(engine);
  const progress = new Progress();
  const cluster = scenario.cluster !== null ? loadCluster(scenario.cluster, kernels.createTableMemory(), progress) : null;
  try {
    let stage = '';
    return runScenario(scenario, {
      engine: { kernels, registry: REGISTRY, seed },
      cluster,
      onProgress: (s, done, total) => {
        if (s !== stage) {
          stage = s;
          progress.stage(`${s}: scheduling`, total, 'pods');
        }
        progress.update(done, total);
      },
    });
  } finally {
    progress.stop();
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

/** Registers the command. */
export function registerWhatif(program: Command, io: CliIO): void {
  program
    .command('whatif')
    .argument('[scenario]', 'the scenario file (YAML or JSON; - reads standard input); paths inside it are relative to it')
    .description('what-if scenarios: steps (add/remove nodes and pods, apply workloads, cordon, drain, schedule) on a copy of a cluster, then questions (maxReplicas, drain, compare profiles)')
    .option('--schema', "print the scenario file's JSON Schema (for editors) and exit")
    .option('-o, --output <format>', 'table, json or yaml (default: table on a terminal, json otherwise)')
    .option('--html <file>', 'also write the HTML report to this file')
    .option('--workers <n>', 'worker threads for the questions and compare profiles, each reading the cluster and running the steps itself (0 = this thread; the results are the same)', '0')
    .option('--seed <n>', "seed for tie-breaking among equal top scores (default: the scenario's seed, else 1)")
    .option('--engine <name>', 'numeric engine: js or wasm')
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
      // Every file the scenario names, before the cluster: a mistake fails fast.
      const scenario = readScenario(scenarioPath, { validation });
      const seed = parseSeed(flags.seed, scenario.seed ?? DEFAULT_SEED);
      const parts = scenarioParts(scenario);
      const result = workers > 0 && parts.length > 1 && scenarioPath !== STDIN_PATH
        ? await runOnWorkers(scenario, { scenario: scenarioPath, validation, seed, engine }, workers, io)
        : await runHere(scenario, seed, engine);
      for (const w of result.scenario.warnings) io.stderr(`warning: ${w}\n`);
      if (flags.html) await writeHtmlReport(flags.html, result);
      if (output === 'json') io.stdout(JSON.stringify(result, null, 2) + '\n');
      else if (output === 'yaml') io.stdout(toYaml(result));
      else io.stdout(whatifText(result));
    });
}

/**
 * `podfit bench` on scheduler_perf workloads: kube's own performance-config.yaml files
 * (--perf-config) or podfit's built-in ones (bench/workloads/perf/), selected by TESTCASE/WORKLOAD
 * or test case, and by label filter; `--list`; `--repeat`; and `podfit bench compare A.json B.json`.
 */
import { readFileSync } from 'node:fs';
import { defaultSchedulerConfig, loadSchedulerConfig, type SchedulerConfig } from '../../api/config.js';
import { loadPerfConfig, matchesLabelFilter, splitWorkloadId, type PerfConfig, type PerfTestCase, type PerfWorkloadEntry } from '../../api/perf-config.js';
import { PerfSkip, resolvePerfPlan } from '../../api/perf-plan.js';
import { createKernels } from '../../kernel/engine.js';
import type { EngineName } from '../../kernel/kernels.js';
import { REGISTRY } from '../../plugins/registry.js';
import {
  comparePerfResults, comparisonToTable, perfListToTable, perfResultToTable, summarizeRepeats, type RepeatedPerfResult,
} from '../../report/perf-bench.js';
import { BUILTIN_PERF_CONFIG, runPerfBench, skippedResult, type PerfBenchResult } from '../../workloads/perf/perf-bench.js';
import { UsageError } from '../errors.js';
import type { CliIO } from '../main.js';
import { Progress } from '../progress.js';

/** What the perf mode of `podfit bench` reads from the command line. */
export interface PerfFlags {
  readonly file?: string;
  readonly id?: string;
  readonly label?: string;
  readonly list: boolean;
  readonly output: 'table' | 'json';
  readonly engine: EngineName;
  readonly seed: number;
  readonly repeat: number;
  readonly config?: string;
}

interface Selected {
  tc: PerfTestCase;
  w: PerfWorkloadEntry;
}

/** The workloads a selector and label filter pick (a selector naming a test case picks its workloads). */
function select(config: PerfConfig, id: string | undefined, label: string | undefined): Selected[] {
  const all = config.testCases.flatMap((tc) => tc.workloads.map((w) => ({ tc, w })));
  let picked = all;
  if (id !== undefined) {
    const { testCase, workload } = splitWorkloadId(id);
    picked = all.filter(({ tc, w }) => tc.name === testCase && (workload === undefined || w.name === workload));
    if (picked.length === 0) {
      throw new UsageError(`no workload "${id}" in ${config.file} (podfit bench --list${config.file === BUILTIN_PERF_CONFIG ? '' : ` --perf-config ${config.file}`} shows them)`);
    }
  }
  const filter = label ?? (id === undefined ? 'performance' : '');
  return picked.filter(({ w }) => matchesLabelFilter(w.labels, filter));
}

function schedulerConfigFor(tcPath: string | undefined, flagPath: string | undefined): SchedulerConfig {
  const p = flagPath ?? tcPath;
  return p ? loadSchedulerConfig(p) : defaultSchedulerConfig();
}

/** Runs the perf mode; returns nothing (output written to io). */
export async function runPerfCommand(flags: PerfFlags, io: CliIO): Promise<void> {
  const config = loadPerfConfig(flags.file ?? BUILTIN_PERF_CONFIG);
  const picked = select(config, flags.id, flags.label);
  if (flags.list) {
    const rows = picked.map(({ w }) => ({ id: w.id, labels: w.labels, threshold: w.threshold > 0 ? w.threshold : null, ...(w.skip ? { skip: w.skip } : {}) }));
    io.stdout(flags.output === 'json' ? JSON.stringify(rows, null, 2) + '\n' : perfListToTable(rows));
    return;
  }
  if (picked.length === 0) throw new UsageError(`no workload matches the label filter "${flags.label ?? 'performance'}"`);
  const kernels = await createKernels(flags.engine);
  const results: (PerfBenchResult | RepeatedPerfResult)[] = [];
  for (const { tc, w } of picked) {
    let plan;
    try {
      plan = resolvePerfPlan(config, tc, w);
    } catch (e) {
      if (!(e instanceof PerfSkip)) throw e;
      results.push(skippedResult({ id: w.id, entry: w }, e.message, kernels, flags.seed));
      if (flags.output === 'table') io.stdout(perfResultToTable(results[results.length - 1]!) + '\n');
      continue;
    }
    const schedulerConfig = schedulerConfigFor(plan.schedulerConfigPath, flags.config);
    const runs: PerfBenchResult[] = [];
    for (let i = 0; i < flags.repeat; i++) {
      const progress = new Progress();
      progress.stage(`${w.id}${flags.repeat > 1 ? ` (run ${i + 1} of ${flags.repeat})` : ''}`, 1, 'pods');
      try {
        // A fresh engine per run: the kernels' memory holds one cluster.
        const k = i === 0 ? kernels : await createKernels(flags.engine);
        runs.push(await runPerfBench({ plan, config: schedulerConfig, kernels: k, registry: REGISTRY, seed: flags.seed, onProgress: (done, total) => progress.update(done, total) }));
      } finally {
        progress.stop();
      }
    }
    const r = flags.repeat > 1 ? summarizeRepeats(runs) : runs[0]!;
    results.push(r);
    if (flags.output === 'table') io.stdout(perfResultToTable(r) + (picked.length > 1 ? '\n' : ''));
  }
  if (flags.output === 'json') io.stdout(JSON.stringify(results.length === 1 ? results[0] : results, null, 2) + '\n');
}

function readResults(file: string): PerfBenchResult[] {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${file} as a podfit bench -o json result: ${(e as Error).message}`);
  }
  const list = Array.isArray(v) ? v : [v];
  for (const r of list) {
    if (typeof r !== 'object' || r === null || typeof (r as { workload?: unknown }).workload !== 'string' || typeof (r as { placementChecksum?: unknown }).placementChecksum !== 'string') {
      throw new UsageError(`${file}: not a podfit bench -o json result (each needs workload and placementChecksum)`);
    }
  }
  return list as PerfBenchResult[];
}

/** `podfit bench compare A.json B.json`. */
export function runCompare(a: string | undefined, b: string | undefined, output: 'table' | 'json', io: CliIO): void {
  if (!a || !b) throw new UsageError('usage: podfit bench compare A.json B.json');
  const c = comparePerfResults(readResults(a), readResults(b));
  io.stdout(output === 'json' ? JSON.stringify(c, null, 2) + '\n' : comparisonToTable(c, a, b));
}

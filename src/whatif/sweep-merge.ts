/**
 * `podfit whatif merge`: the shards of one sweep joined into the result of the whole sweep, runs
 * in sweep order. The shards must be of one sweep (the same number of points), must not overlap,
 * and together must hold every point: a missing shard is an error naming the points it lacks.
 */
import { InputError } from '../api/errors.js';
import { readSweepResultFile } from '../api/scenario-sweep.js';
import type { WhatifResult, WhatifSweepResult } from './result.js';

/** Joins shard results (already read). */
export function mergeSweepResults(shards: ReadonlyArray<{ readonly file: string; readonly result: WhatifSweepResult }>): WhatifSweepResult {
  if (shards.length === 0) throw new InputError('merge: no result files');
  const total = shards[0]!.result.sweep.total;
  const byIndex = new Map<number, { run: WhatifResult; file: string }>();
  for (const { file, result } of shards) {
    if (result.sweep.total !== total) throw new InputError(`${file}: sweep.total: ${result.sweep.total} points, but ${shards[0]!.file} has ${total}: not shards of one sweep`, 'sweep.total');
    result.runs.forEach((run, i) => {
      const index = run.scenario.sweep!.index;
      if (index >= total) throw new InputError(`${file}: runs[${i}].scenario.sweep.index: ${index} is past the sweep's ${total} points`, `runs[${i}].scenario.sweep.index`);
      const seen = byIndex.get(index);
      if (seen) throw new InputError(`${file}: runs[${i}]: sweep point ${index} is also in ${seen.file}`, `runs[${i}].scenario.sweep.index`);
      byIndex.set(index, { run, file });
    });
  }
  const missing = Array.from({ length: total }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join(', ') + (missing.length > 10 ? `, ... (${missing.length})` : '');
    throw new InputError(`merge: sweep points ${shown} are in none of the files: a shard is missing`);
  }
  return { sweep: { total }, runs: Array.from({ length: total }, (_, i) => byIndex.get(i)!.run) };
}

/** Reads shard result files and joins them. */
export function mergeSweepFiles(files: readonly string[]): WhatifSweepResult {
  return mergeSweepResults(files.map((file) => ({ file, result: readSweepResultFile(file) as unknown as WhatifSweepResult })));
}

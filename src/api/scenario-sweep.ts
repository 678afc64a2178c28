/**
 * Sweeps: a scenario's `sweep:` lists values for one or more of its fields, and the scenario runs
 * once per combination (the cartesian product, the last field varying fastest), each point a
 * scenario of its own with those values written in before it is decoded, so every point is
 * checked as a scenario is. `--shard i/n` runs one contiguous slice of the points, so a large sweep
 * runs as a Kubernetes Indexed Job (one shard per completion index) and `podfit whatif merge`
 * joins the slices: the same runs, in the same order, as running it whole.
 *
 * ```yaml
 * sweep:
 * - field: steps[0].addNodes.count     # a path in this file, as error messages write them
 *   values: [10, 20, 40]
 * - field: questions[0].compare.configs
 *   values: [[least.yaml], [most.yaml]]
 * ```
 */
import { z } from 'zod';
import { InputError, formatPath, zodToInputError } from './errors.js';
import { readInputText } from './input-files.js';
import { WHATIF_SWEEP_POINTS_MAX } from '../model/limits.js';

/** The `sweep:` key's schema (strict, as the rest of the scenario). */
export const sweepSchema = z
  .array(z.strictObject({
    field: z.string().min(1).describe('a path in the scenario (`steps[0].addNodes.count`, `config`, `questions[1].maxReplicas.templateFile`)'),
    values: z.array(z.unknown()).min(1).describe('the values the field takes, one run each (combined with the other fields\' values)'),
  }))
  .min(1)
  .describe('run the scenario once per combination of these fields\' values (cartesian product; `--shard i/n` runs one slice)');

/** A sweep as written. */
export type SweepSpec = z.output<typeof sweepSchema>;

/** One point of a sweep: its index, the values (field -> value), and the scenario document with them written in. */
export interface SweepPoint {
  readonly index: number;
  readonly values: Readonly<Record<string, unknown>>;
  readonly doc: Record<string, unknown>;
}

/** A shard of a sweep: slice `index` of `count` (0-based). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parses `a.b[2].c` into keys and indices; an InputError at `where` for anything else. */
export function parseFieldPath(path: string, file: string, where: string): Array<string | number> {
  if (!/^[A-Za-z_][\w-]*(\[\d+\]|\.[A-Za-z_][\w-]*)*$/.test(path)) {
    throw new InputError(`${file}: ${where}: "${path}" is not a field path (write it as errors do: steps[0].addNodes.count)`, where);
  }
  return [...path.matchAll(/([A-Za-z_][\w-]*)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
}

/** A deep copy of plain data. */
const copy = <T>(v: T): T => structuredClone(v);

/** Writes `value` at `path` of `doc` (the parent must exist; the leaf may be new). */
function setAt(doc: Record<string, unknown>, path: ReadonlyArray<string | number>, value: unknown, file: string, where: string): void {
  let node: unknown = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const next = typeof k === 'number' ? (Array.isArray(node) ? node[k] : undefined) : node && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>)[k] : undefined;
    if (next === undefined || next === null || typeof next !== 'object') {
      throw new InputError(`${file}: ${where}: ${formatPath(path.slice(0, i + 1))} is not in the scenario`, where);
    }
    node = next;
  }
  const leaf = path[path.length - 1]!;
  if (typeof leaf === 'number') {
    if (!Array.isArray(node) || leaf >= node.length) throw new InputError(`${file}: ${where}: ${formatPath(path)} is not in the scenario`, where);
    node[leaf] = copy(value);
  } else {
    if (Array.isArray(node)) throw new InputError(`${file}: ${where}: ${formatPath(path.slice(0, -1))} is a list`, where);
    (node as Record<string, unknown>)[leaf] = copy(value);
  }
}

/** How many points a sweep has. */
export function sweepSize(spec: SweepSpec): number {
  return spec.reduce((n, f) => n * f.values.length, 1);
}

/** The contiguous slice of `total` points shard i of n runs: [from, to). */
export function shardRange(total: number, shard: Shard): { from: number; to: number } {
  return { from: Math.floor((shard.index * total) / shard.count), to: Math.floor(((shard.index + 1) * total) / shard.count) };
}

/**
 * The points of a sweep (of `shard` only, when given): the document without `sweep`, with each
 * point's values written in. Field paths are checked on the document first.
 */
export function sweepPoints(doc: Record<string, unknown>, spec: SweepSpec, file: string, shard?: Shard): SweepPoint[] {
  const total = sweepSize(spec);
  if (total > WHATIF_SWEEP_POINTS_MAX) throw new InputError(`${file}: sweep: ${total} points, more than ${WHATIF_SWEEP_POINTS_MAX}`, 'sweep');
  const { sweep: _s, ...base } = doc;
  const paths = spec.map((f, i) => parseFieldPath(f.field, file, `sweep[${i}].field`));
  paths.forEach((p, i) => {
    if (p[0] === 'sweep' || p[0] === 'apiVersion' || p[0] === 'kind') throw new InputError(`${file}: sweep[${i}].field: ${spec[i]!.field} cannot be swept`, `sweep[${i}].field`);
    setAt(copy(base), p, spec[i]!.values[0], file, `sweep[${i}].field`);
  });
  const { from, to } = shard ? shardRange(total, shard) : { from: 0, to: total };
  const out: SweepPoint[] = [];
  for (let index = from; index < to; index++) {
    const point = copy(base);
    const values: Record<string, unknown> = {};
    let rest = index;
    for (let i = spec.length - 1; i >= 0; i--) {
      const f = spec[i]!;
      const v = f.values[rest % f.values.length];
      rest = Math.floor(rest / f.values.length);
      setAt(point, paths[i]!, v, file, `sweep[${i}].field`);
      values[f.field] = v;
    }
    out.push({ index, values: Object.fromEntries(spec.map((f) => [f.field, values[f.field]])), doc: point });
  }
  return out;
}

/** `--shard i/n`: 0 <= i < n. */
export function parseShard(v: string, flag = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const shard = m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
  if (!shard || shard.count < 1 || shard.index >= shard.count) throw new InputError(`${flag}: expected i/n with 0 <= i < n, got "${v}"`);
  return shard;
}

/** A shard's `-o json` result as `podfit whatif merge` reads it: the sweep block checked, each run's sweep index. */
const sweepResultFileSchema = z.looseObject({
  sweep: z.strictObject({
    total: z.int().min(1),
    shard: z.strictObject({ index: z.int().min(0), count: z.int().min(1) }).optional(),
  }),
  runs: z.array(z.looseObject({
    scenario: z.looseObject({ sweep: z.looseObject({ index: z.int().min(0), values: z.record(z.string(), z.unknown()) }) }),
    questions: z.array(z.unknown()),
  })),
});

/** A shard's result file, decoded. */
export type SweepResultFile = z.output<typeof sweepResultFileSchema>;

/** Reads one shard's JSON result; an InputError names the file and the field. */
export function readSweepResultFile(path: string): SweepResultFile {
  const { text, name } = readInputText(path);
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new InputError(`${name}: not JSON (podfit whatif merge reads \`podfit whatif ... -o json\` results): ${(e as Error).message}`);
  }
  const r = sweepResultFileSchema.safeParse(data);
  if (!r.success) throw zodToInputError(r.error, `${name}: not the JSON result of a sweep`);
  // The data as read (zod's output puts known keys first): a merge writes the runs byte for byte.
  return data as SweepResultFile;
}

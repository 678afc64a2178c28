/**
 * Strict field validation for objects a person writes (`--pod`, templates, workload objects), as
 * kubectl does by default (`--validate=strict`): a field that Kubernetes does not have is an error
 * naming its path, with the nearest known field as a suggestion
 * (`spec.containers[0].resource: unknown field, did you mean resources?`). The known fields are
 * Kubernetes' own (known-fields.generated.ts, from the OpenAPI spec), not podfit's zod schemas, so
 * a field podfit does not read (`livenessProbe`, `volumeMounts`, `securityContext`) is accepted.
 * Snapshots of a cluster are not checked: a newer API server may add fields, and it has already
 * rejected misspelled ones.
 */
import { InputError, formatPath } from './errors.js';
import { KIND_TYPES, KNOWN_FIELDS, KNOWN_FIELDS_SOURCE } from './known-fields.generated.js';
import { FIELD_SUGGESTION_DISTANCE_MAX, KNOWN_FIELDS_DEPTH_MAX, UNKNOWN_FIELDS_REPORTED_MAX } from '../model/limits.js';

/** kubectl's `--validate` values: fail on unknown fields, warn and go on, or accept them silently. */
export const FIELD_VALIDATIONS = ['strict', 'warn', 'ignore'] as const;
/** How unknown fields in a person's file are treated. */
export type FieldValidation = (typeof FIELD_VALIDATIONS)[number];
/** kubectl's default. */
export const DEFAULT_FIELD_VALIDATION: FieldValidation = 'strict';

/** A field Kubernetes does not have, where it was found, and the nearest known one. */
export interface UnknownField {
  /** Path of the field, `spec.containers[0].resource`. */
  readonly path: string;
  /** A known field near the name (`resources`), or a nested one it may belong in (`resources.requests`). */
  readonly suggestion: string | undefined;
}

/** The found unknown fields (at most UNKNOWN_FIELDS_REPORTED_MAX) and how many there were. */
export interface UnknownFields {
  readonly fields: UnknownField[];
  readonly total: number;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether the table knows `kind` (other kinds are not checked). */
export function isCheckedKind(kind: string): boolean {
  return KIND_TYPES[kind] !== undefined;
}

/**
 * The fields of `obj` (an object of `kind`) that Kubernetes does not have, walking every nested
 * object the table types. Values of the wrong shape are left to the zod schemas.
 */
export function findUnknownFields(obj: unknown, kind: string): UnknownFields {
  const found: UnknownField[] = [];
  let total = 0;
  const walk = (v: unknown, type: string, path: Array<string | number>, depth: number): void => {
    const fields = KNOWN_FIELDS[type];
    if (!fields || !isPlainObject(v) || depth > KNOWN_FIELDS_DEPTH_MAX) return;
    for (const [key, child] of Object.entries(v)) {
      const ref = fields[key];
      if (ref === undefined) {
        total++;
        if (found.length < UNKNOWN_FIELDS_REPORTED_MAX) found.push({ path: formatPath([...path, key]), suggestion: suggestField(key, type) });
        continue;
      }
      if (ref === '' || child === null || child === undefined) continue;
      if (ref.endsWith('[]')) {
        if (Array.isArray(child)) child.forEach((item, i) => walk(item, ref.slice(0, -2), [...path, key, i], depth + 1));
      } else if (ref.startsWith('{')) {
        if (isPlainObject(child)) for (const [k, item] of Object.entries(child)) walk(item, ref.slice(1, -1), [...path, key, k], depth + 1);
      } else {
        walk(child, ref, [...path, key], depth + 1);
      }
    }
  };
  const root = KIND_TYPES[kind];
  if (root) walk(obj, root, [], 0);
  return { fields: found, total };
}

/** `spec.containers[0].resource: unknown field, did you mean resources?` */
export function unknownFieldMessage(u: UnknownField): string {
  return `${u.path}: unknown field${u.suggestion ? `, did you mean ${u.suggestion}?` : ''}`;
}

/**
 * Applies `validation` to one object: under `strict` an InputError listing its unknown fields,
 * prefixed with `where` (the file, and the item in it); under `warn` one warning per field pushed
 * to `warnings`; under `ignore` nothing.
 */
export function checkKnownFields(obj: unknown, kind: string, where: string, validation: FieldValidation, warnings: string[]): void {
  if (validation === 'ignore') return;
  const { fields, total } = findUnknownFields(obj, kind);
  if (total === 0) return;
  const unlisted = total - fields.length;
  const more = unlisted > 0 ? `${unlisted} more unknown field(s)` : '';
  if (validation === 'warn') {
    for (const u of fields) warnings.push(`${where}: ${unknownFieldMessage(u)}`);
    if (more) warnings.push(`${where}: ${more}`);
    return;
  }
  throw new InputError(
    `${where}: ${fields.map(unknownFieldMessage).join('; ')}${more ? `; and ${more}` : ''} (podfit knows the fields of ${KNOWN_FIELDS_SOURCE}; --validate=warn or --validate=ignore accepts others)`,
    fields[0]!.path,
  );
}

/**
 * The known field of `type` nearest to `key` within FIELD_SUGGESTION_DISTANCE_MAX edits (one edit
 * for names of up to 4 letters, where two would suggest almost anything); else a field of a nested
 * object with exactly that name (`requests` on a container: `resources.requests`).
 */
export function suggestField(key: string, type: string): string | undefined {
  const fields = KNOWN_FIELDS[type];
  if (!fields) return undefined;
  const lower = key.toLowerCase();
  const maxDistance = key.length <= 4 ? 1 : FIELD_SUGGESTION_DISTANCE_MAX;
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const name of Object.keys(fields)) {
    const d = name.toLowerCase() === lower ? 0 : editDistance(key, name, maxDistance);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  for (const [name, ref] of Object.entries(fields)) {
    const nested = ref === '' ? undefined : KNOWN_FIELDS[ref.replace(/^\{|\}$|\[\]$/g, '')];
    if (nested?.[key] !== undefined) return `${name}${ref.endsWith('[]') ? '[]' : ''}.${key}`;
  }
  return undefined;
}

/**
 * Optimal string alignment distance (insertions, deletions, substitutions and swaps of two
 * neighbours each cost 1); returns `max + 1` as soon as the distance must exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return Math.min(prev[b.length]!, max + 1);
}

/**
 * The one error type for bad input at podfit's edges (files, flags, HTTP bodies, config).
 * Its message names where the problem is (file, object, field path) so a user can fix it.
 * The model has its own error for bad input it finds in decoded objects (model/errors.ts's
 * ModelInputError); the edge that called the model rethrows that as an InputError with the file
 * or request part prefixed.
 */
import type { z } from 'zod';

/** Bad input: CLI exit code 2, HTTP 400. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    /** Dotted field path, e.g. `items[3].spec.containers[0].resources.requests.cpu`. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Renders a zod path the way kubectl does: `spec.containers[0].name`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out.length === 0 ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** Turns the first zod issue into an InputError naming `where` and the field path. */
export function zodToInputError(err: z.ZodError, where: string, basePath = ''): InputError {
  const issue = err.issues[0];
  if (!issue) return new InputError(`${where}: invalid input`);
  const rel = formatPath(issue.path);
  const field = basePath && rel ? `${basePath}${rel.startsWith('[') ? '' : '.'}${rel}` : basePath || rel;
  const at = field ? ` at ${field}` : '';
  return new InputError(`${where}: invalid value${at}: ${issue.message}`, field || undefined);
}

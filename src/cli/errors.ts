/** CLI exit codes and the one place that turns errors into them. */
import { InputError } from '../api/errors.js';
import { ModelInputError } from '../model/errors.js';
import { ERROR_CODES, errorCode, type ErrorCodeInfo } from '../model/error-codes.js';

/** Exit codes: 0 ok (whether or not a pod fits), 1 internal failure, 2 bad input (or a user-fixable setup error). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** Error for bad flags (exit 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Prints an error to stderr and returns its exit code. */
export function reportError(e: unknown, stderr: (s: string) => void): number {
  // A ModelInputError reaching here had no edge to add its file to; it is still bad input.
  const code = errorCode(e);
  const userFixable = code !== undefined && (ERROR_CODES[code] as ErrorCodeInfo).userFixable === true;
  if (e instanceof InputError || e instanceof ModelInputError || e instanceof UsageError || userFixable) {
    stderr(`error: ${(e as Error).message}\n`);
    return EXIT_BAD_INPUT;
  }
  const err = e as Error;
  stderr(`error: ${err?.stack ?? String(e)}\n`);
  return EXIT_FAILURE;
}

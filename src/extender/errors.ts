/**
 * The extender's errors. Its codes, with HTTP status and meaning, are entries of podfit's one
 * error catalogue (model/error-codes.ts, kept honest by a test); this file picks them out.
 * kube-scheduler reads an answer's body only when the status is exactly 200 (K8S-FACTS.md §2.1),
 * so request-level failures use 4xx/5xx with the reason in the body's `Error` field for people
 * and logs, while scheduling outcomes (including a plugin failing on a valid request for filter)
 * are 200 with ExtenderFilterResult.Error / ExtenderBindingResult.Error.
 */
import { ERROR_CODES, type PodfitErrorCode } from '../model/error-codes.js';

/** An extender error code: a catalogue code with an HTTP status. */
export type ExtenderErrorCode = {
  [K in PodfitErrorCode]: (typeof ERROR_CODES)[K] extends { readonly status: number } ? K : never;
}[PodfitErrorCode];

/** The extender's codes with their status and meaning, taken from the catalogue (model/error-codes.ts). */
export const EXTENDER_ERRORS = Object.fromEntries(
  Object.entries(ERROR_CODES).filter(([, info]) => 'status' in info),
) as { readonly [K in ExtenderErrorCode]: (typeof ERROR_CODES)[K] };

/** A request-level failure: answered with the code's HTTP status and the message. */
export class ExtenderHttpError extends Error {
  override readonly name = 'ExtenderHttpError';
  readonly status: number;
  constructor(readonly code: ExtenderErrorCode, message: string) {
    super(message);
    this.status = EXTENDER_ERRORS[code].status;
  }
}

/** A scheduling error inside podfit (plugin Error status): the request was fine, podfit failed. */
export class ExtenderInternalError extends Error {
  override readonly name = 'ExtenderInternalError';
}

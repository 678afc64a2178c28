/**
 * The extender's error catalog (one place for code, HTTP status and meaning; a test keeps it
 * honest). kube-scheduler reads an answer's body only when the status is exactly 200
 * (K8S-FACTS.md §2.1), so request-level failures use 4xx/5xx with the reason in the body's
 * `Error` field for people and logs, while scheduling outcomes (including a plugin failing on a
 * valid request for filter) are 200 with ExtenderFilterResult.Error / ExtenderBindingResult.Error.
 */

/** Error codes of the HTTP layer, with their status. */
export const EXTENDER_ERRORS = {
  PODFIT_ERR_EXTENDER_BAD_JSON: { status: 400, meaning: 'the body is not valid JSON' },
  PODFIT_ERR_EXTENDER_BAD_REQUEST: { status: 400, meaning: 'the body is JSON of the wrong shape, or names nodes podfit does not know' },
  PODFIT_ERR_EXTENDER_UNAUTHENTICATED: { status: 401, meaning: 'no client certificate or bearer token' },
  PODFIT_ERR_EXTENDER_FORBIDDEN: { status: 403, meaning: 'the client certificate or bearer token is not accepted' },
  PODFIT_ERR_EXTENDER_NOT_FOUND: { status: 404, meaning: 'no such path (check urlPrefix and the verbs)' },
  PODFIT_ERR_EXTENDER_METHOD_NOT_ALLOWED: { status: 405, meaning: 'verbs are POST, the other endpoints GET' },
  PODFIT_ERR_EXTENDER_BODY_TOO_LARGE: { status: 413, meaning: 'the body is larger than --max-body-bytes' },
  PODFIT_ERR_EXTENDER_UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'the body is compressed or not JSON' },
  PODFIT_ERR_EXTENDER_OVERLOADED: { status: 429, meaning: 'too many requests in flight and queued' },
  PODFIT_ERR_EXTENDER_INTERNAL: { status: 500, meaning: 'podfit failed on a valid request (a plugin error)' },
  PODFIT_ERR_EXTENDER_NOT_READY: { status: 503, meaning: 'the cluster state has not synced yet' },
  // Scheduling outcomes that are errors for kube-scheduler but answered with 200, as the protocol wants.
  PODFIT_ERR_EXTENDER_FILTER_FAILED: { status: 200, meaning: 'a plugin failed on the pod; ExtenderFilterResult.Error says why' },
  PODFIT_ERR_EXTENDER_BIND_FAILED: { status: 200, meaning: 'the pod could not be bound; ExtenderBindingResult.Error says why' },
} as const;

/** An extender error code. */
export type ExtenderErrorCode = keyof typeof EXTENDER_ERRORS;

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

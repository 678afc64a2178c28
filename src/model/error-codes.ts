/**
 * The one catalogue of podfit's operational error codes (`PODFIT_ERR_<AREA>_<WHAT>`, DESIGN.md
 * "Errors"): each code with a one-line meaning (what happened, what to do) and, for the
 * extender's codes, the HTTP status it is answered with. It lives in model/ (the bottom layer,
 * importing nothing) so every layer can throw with it. test/model/error-codes.test.ts keeps it
 * honest: every code named in src/ is here and every code here is named somewhere in src/.
 *
 * Bad input is not an operational error and has its own types (the edges' error in api/errors.ts,
 * model/errors.ts's ModelInputError); these codes are for podfit failing, a build or deployment
 * being wrong, or a request the extender refuses.
 */

/** A catalogue entry: what the code means and, for the extender's codes, its HTTP status. */
export interface ErrorCodeInfo {
  /** What happened and what to do, in one line. */
  readonly meaning: string;
  /** HTTP status the extender answers with (extender codes only). */
  readonly status?: number;
  /**
   * The user's setup is wrong, not podfit (an unreachable server, rejected credentials, missing
   * RBAC): the CLI prints the message alone and exits 2, as for bad input (cli/errors.ts).
   */
  readonly userFixable?: true;
}

/** Every operational error code, grouped by area. */
export const ERROR_CODES = {
  // extender/: request-level failures, answered with their status and the reason in the body's
  // `Error` field (kube-scheduler reads a body only on 200, K8S-FACTS.md §2.1).
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
  PODFIT_ERR_EXTENDER_NOT_READY: { status: 503, meaning: 'the cluster state has not synced yet, or has no nodes (without --allow-empty)' },
  // Scheduling outcomes that are errors for kube-scheduler but answered with 200, as the protocol wants.
  PODFIT_ERR_EXTENDER_FILTER_FAILED: { status: 200, meaning: 'a plugin failed on the pod; ExtenderFilterResult.Error says why' },
  PODFIT_ERR_EXTENDER_BIND_FAILED: { status: 200, meaning: 'the pod could not be bound; ExtenderBindingResult.Error says why' },

  // framework/
  PODFIT_ERR_FRAMEWORK_UNKNOWN_PLUGIN: { meaning: 'a profile names a plugin neither the registry nor the out-of-tree plugins define; fix the name in the config' },

  // kernel/ (and the framework's checks of kernel results)
  PODFIT_ERR_KERNEL_WASM_MISSING: { meaning: 'the WASM kernel module is not readable; run `npm run build` (or use --engine js)' },
  PODFIT_ERR_KERNEL_LAYOUT: { meaning: 'the WASM module does not match src/kernel/layout.ts (a stale build); rebuild with `npm run build`' },
  PODFIT_ERR_KERNEL_DESCRIPTOR: { meaning: 'a kernel record (src/kernel/descriptors.ts) is defined wrong at start-up (a podfit bug): a field name or length field is invalid' },
  PODFIT_ERR_KERNEL_ABORT: { meaning: 'a WASM kernel aborted (a podfit bug); retry with --engine js and report it' },
  PODFIT_ERR_KERNEL_UNKNOWN_ENGINE: { meaning: 'an engine other than wasm or js was asked for; use --engine wasm|js' },
  PODFIT_ERR_KERNEL_OUT_OF_MEMORY: { meaning: 'WASM memory or a thread\'s arena share is full (limit WASM_MEMORY_PAGES_MAX); use fewer workers or a smaller cluster' },
  PODFIT_ERR_KERNEL_INVARIANT: { meaning: 'two kernels disagree on the feasible nodes of a cycle (a podfit bug); retry with --engine js and report it' },

  // cluster/ (live clusters)
  PODFIT_ERR_LIVE_NO_CLUSTER: { meaning: 'the kubeconfig has no current cluster; set a current context' },
  PODFIT_ERR_LIVE_UNREACHABLE: { userFixable: true, meaning: 'the API server could not be reached (refused, DNS, TLS, timeout); check the kubeconfig\'s server and certificate authority, and the network' },
  PODFIT_ERR_LIVE_UNAUTHORIZED: { userFixable: true, meaning: 'the API server rejected the credentials (401); refresh the context\'s token or client certificate' },
  PODFIT_ERR_LIVE_FORBIDDEN: { userFixable: true, meaning: 'the credentials may not list a resource podfit needs (403); apply deploy/snapshot-rbac.yaml or bind the user to its ClusterRole' },
  PODFIT_ERR_LIVE_LIST_FAILED: { meaning: 'a list failed with an API error other than 401/403/404 (or its continue token kept expiring); the message has the server\'s answer; retry' },

  // cluster/ (snapshots)
  PODFIT_ERR_SNAPSHOT_HASH_COLLISION: { meaning: '--anonymize hashed two different names to one output (48-bit hashes: practically never); raise ANONYMIZE_HASH_HEX_DIGITS in model/limits.ts' },

  // parallel/
  PODFIT_ERR_PARALLEL_THREADS: { meaning: 'a worker pool was created with fewer than one thread (the CLI checks --workers first, so a caller passed it)' },
  PODFIT_ERR_PARALLEL_CLOSED: { meaning: 'a task was given to a worker pool after close() or a SIGTERM/SIGINT; the caller outlived the pool' },
  PODFIT_ERR_PARALLEL_JOB: { meaning: 'a worker could not load a job\'s module or find its export; check the job\'s moduleUrl and exportName' },
  PODFIT_ERR_PARALLEL_WORKER_DIED: { meaning: 'a JSON parse worker died twice on the same request body; that request fails, the worker is replaced' },
  PODFIT_ERR_PARALLEL_SUMMARY: { meaning: 'a cycle summary a worker left in shared memory is out of range or malformed (a podfit bug); report it' },
  PODFIT_ERR_PARALLEL_REPLICA: { meaning: 'a worker\'s replica of the cluster state differs from the main thread\'s (a podfit bug); the main thread schedules that chunk itself' },
  PODFIT_ERR_PARALLEL_INVARIANT: { meaning: 'a worker\'s gathered nodes disagree with its scan (a podfit bug); the main thread schedules that chunk itself' },
  PODFIT_ERR_PARALLEL_INJECTED: { meaning: 'a test asked a batch session to fail (SessionFaults); never seen outside tests' },

  // plugins/
  PODFIT_ERR_PLUGIN_NOT_IMPLEMENTED: { meaning: 'a plugin podfit does not implement was instantiated; the framework skips such plugins, so this is a podfit bug' },
  PODFIT_ERR_PLUGIN_ARGS: { meaning: 'a plugin\'s args passed the schema but ask for something podfit does not support; change the pluginConfig' },

  // model/ (the cluster state)
  PODFIT_ERR_STATE_TOO_MANY_RESOURCES: { meaning: 'the cluster has more distinct resource names than RESOURCE_SLOTS_MAX; raise the limit in model/limits.ts' },
  PODFIT_ERR_STATE_TABLE_COPY: { meaning: 'a copy of the NodeTable did not get the layout of its source (a podfit bug); report it' },
} as const satisfies Record<`PODFIT_ERR_${string}`, ErrorCodeInfo>;

/** An operational error code: a key of the catalogue. */
export type PodfitErrorCode = keyof typeof ERROR_CODES;

/** Whether `s` is a code of the catalogue. */
export function isPodfitErrorCode(s: string): s is PodfitErrorCode {
  return Object.hasOwn(ERROR_CODES, s);
}

/**
 * An operational failure with its catalogue code. The message is `<code>: <detail>`, so logs and
 * CLI output read as before the class existed; `cause` is Error's standard option.
 */
export class PodfitError extends Error {
  override readonly name = 'PodfitError';
  constructor(
    /** The catalogue code, also the message's prefix. */
    readonly code: PodfitErrorCode,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${code}: ${detail}`, options);
  }
}

/**
 * The catalogue code of an error, or undefined: its `code` field, else its message's prefix.
 * The prefix matters for errors that crossed a thread boundary: structured clone (worker
 * postMessage, piscina) keeps an Error's message and cause but drops its class and `code`.
 */
export function errorCode(e: unknown): PodfitErrorCode | undefined {
  if (!(e instanceof Error)) return undefined;
  const own = (e as { code?: unknown }).code;
  if (typeof own === 'string' && isPodfitErrorCode(own)) return own;
  const m = /^(PODFIT_ERR_[A-Z_]+):/.exec(e.message);
  return m && isPodfitErrorCode(m[1]!) ? m[1]! as PodfitErrorCode : undefined;
}

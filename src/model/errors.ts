/**
 * Bad input the model finds in objects it was handed already decoded (a quantity that does not
 * parse, a duplicate node, a pod bound to a node the state lacks). The model does not know where
 * the object came from, so the edge that called it catches this and answers in its own terms:
 * snapshot loading and the CLI prefix the file (exit 2), the extender prefixes `Pod:` or
 * `Nodes.items[i]:` (HTTP 400), each rethrowing it as api/errors.ts's edge error.
 */

/** Bad input found by the model; `field` is the path inside the object (`status.allocatable.cpu`). */
export class ModelInputError extends Error {
  override readonly name = 'ModelInputError';
  constructor(
    message: string,
    /** Dotted field path inside the object, e.g. `spec.containers[0].resources.requests.cpu`. */
    readonly field: string,
  ) {
    super(message);
  }
}

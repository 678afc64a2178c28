/**
 * The API server's checks on resource quantities (pkg/apis/core/validation: ValidateResourceQuantityValue
 * and the request/limit comparison of ValidateContainerResourceRequirements), so a pod or node the
 * API server would refuse (`cpu: -1`, a request above its limit) is bad input here too, with the
 * API server's words, instead of quietly changing fits and scores.
 */
import type { ExactQuantity } from './quantity.js';
import { isNativeResource, isHugePageResourceName, isExtendedResourceName, PODS } from './resources.js';
import { RESOURCE_NAMES_CLASSIFIED_MAX } from './limits.js';

/** kube's isNegativeErrorMsg. */
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
/** kube's isNotIntegerErrorMsg. */
export const IS_NOT_INTEGER_ERROR_MSG = 'must be an integer';

/** kube's field.Invalid text: `spec.containers[0].resources.requests.cpu: Invalid value: "-1": must be ...`. */
export function invalidValueMessage(path: string, value: string | number, detail: string): string {
  return `${path}: Invalid value: ${JSON.stringify(String(value))}: ${detail}`;
}

/** Object counts kube's quota keeps in whole units (core helper's integerResources). */
const INTEGER_RESOURCES: ReadonlySet<string> = new Set([
  PODS, 'quotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);

/** kube's IsIntegerResourceName: object counts and extended resources (`nvidia.com/gpu`). */
export function isIntegerResourceName(name: string): boolean {
  return INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);
}

/** kube's IsOvercommitAllowed: native resources but hugepages; for the others request must equal limit. */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

/** isIntegerResourceName by name: a pod's quantities are parsed on every makePodInfo, and names repeat. */
const integerNames = new Map<string, boolean>();

/** kube's ValidateResourceQuantityValue: what is wrong with `q` as an amount of `name`, if anything. */
export function resourceQuantityProblem(name: string, q: ExactQuantity): string | undefined {
  if (q.num < 0n) return IS_NEGATIVE_ERROR_MSG;
  if (q.den === 1n) return undefined; // a whole number: nothing else to check
  let integer = integerNames.get(name);
  if (integer === undefined) {
    integer = isIntegerResourceName(name);
    // Names come from input; past a bound, classify without remembering.
    if (integerNames.size < RESOURCE_NAMES_CLASSIFIED_MAX) integerNames.set(name, integer);
  }
  if (integer) {
    // kube: MilliValue() % 1000 != 0, MilliValue rounding up.
    const scaled = q.num * 1000n;
    const milli = scaled / q.den + (scaled % q.den === 0n ? 0n : 1n);
    if (milli % 1000n !== 0n) return IS_NOT_INTEGER_ERROR_MSG;
  }
  return undefined;
}

/** Compares two exact quantities: negative, zero or positive as a <, =, > b. */
export function compareQuantities(a: ExactQuantity, b: ExactQuantity): number {
  const x = a.num * b.den;
  const y = b.num * a.den;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * kube's request/limit check for one resource of a container: a request above its limit, or (for
 * resources that cannot be overcommitted: extended resources, hugepages) a request other than its
 * limit. Returns the detail of kube's message, if any.
 */
export function requestLimitProblem(name: string, request: ExactQuantity, limit: ExactQuantity, limitText: string | number): string | undefined {
  const c = compareQuantities(request, limit);
  if (c !== 0 && !isOvercommitAllowed(name)) return `must be equal to ${name} limit of ${String(limitText)}`;
  if (c > 0) return `must be less than or equal to ${name} limit of ${String(limitText)}`;
  return undefined;
}

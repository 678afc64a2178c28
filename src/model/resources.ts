/**
 * Resource names and their classes, as kube's v1helper defines them, and the ResourceList type
 * used inside podfit: integer amounts, cpu in millicores, everything else in base units.
 */

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';
export const PODS = 'pods';

/** Integer amounts by resource name: cpu in milli, the rest via Quantity.Value(). */
export type ResourceList = Map<string, number>;

/** kube: a name without "/" or in the kubernetes.io/ domain is native. */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** kube: `hugepages-<size>`. */
export function isHugePageResourceName(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** kube: `attachable-volumes-*`. */
export function isAttachableVolumeResourceName(name: string): boolean {
  return name.startsWith('attachable-volumes-');
}

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** kube's validation.IsQualifiedName: `[prefix/]name`, name ≤ 63 chars, prefix a DNS subdomain. */
export function isQualifiedName(value: string): boolean {
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return false;
  } else return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME_PART.test(name);
}

/** kube: not native, not `requests.*`, and a qualified name (e.g. `nvidia.com/gpu`). */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`);
}

/** kube: a native resource with a prefix, e.g. `kubernetes.io/foo`. */
export function isPrefixedNativeResource(name: string): boolean {
  return name.includes('kubernetes.io/');
}

/** kube's IsScalarResourceName: extended, hugepages, prefixed native or attachable volumes. */
export function isScalarResourceName(name: string): boolean {
  return (
    isExtendedResourceName(name) ||
    isHugePageResourceName(name) ||
    isPrefixedNativeResource(name) ||
    isAttachableVolumeResourceName(name)
  );
}

/** Whether the scheduler tracks this resource at all (framework.Resource.Add). */
export function isTrackedResource(name: string): boolean {
  return name === CPU || name === MEMORY || name === EPHEMERAL_STORAGE || name === PODS || isScalarResourceName(name);
}

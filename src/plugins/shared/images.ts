/** Container image name handling shared by image-aware plugins (ImageLocality). */

/** kube's default image tag (kubelet's parsers.DefaultImageTag). */
export const DEFAULT_IMAGE_TAG = 'latest';

/**
 * kube's normalizedImageName (imagelocality): appends `:latest` when the name has no tag, i.e.
 * when its last `:` is not after its last `/` (`gcr.io:5000/root` -> `gcr.io:5000/root:latest`,
 * `root@sha256:...` is kept). Names in node status are not normalized, only the pod's.
 */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:${DEFAULT_IMAGE_TAG}` : name;
}

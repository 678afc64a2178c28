/**
 * ImageLocality (kube `imagelocality`, Score): favours nodes that already hold the pod's
 * container images, scaled by how widely each image has spread (K8S-FACTS.md §5.7). v1.32 counts
 * init and regular containers (kube PR #123366, v1.30) without de-duplicating images; there is no
 * NormalizeScore. Images differ per node, so this is evaluated per node, not per class.
 */
import type { FrameworkHandle, PluginDefinition, ScorePlugin } from '../../framework/interfaces.js';
import type { PodInfo } from '../../model/pod-info.js';
import { MAX_NODE_SCORE } from '../../model/limits.js';
import { normalizedImageName } from '../shared/images.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Reads } from '../../framework/traits.js';

/** kube's plugin name. */
export const NAME = 'ImageLocality';

/** kube's mb. */
const MB = 1024 * 1024;
/** kube's minThreshold: sums below 23 MiB score 0. */
export const MIN_THRESHOLD_BYTES = 23 * MB;
/** kube's maxContainerThreshold: 1000 MiB per container is the top of the range. */
export const MAX_CONTAINER_THRESHOLD_BYTES = 1000 * MB;

/**
 * The pod's image names as kube looks them up: every init and regular container in spec order,
 * normalized (a container without an image looks up `:latest`, which no node reports).
 */
export function podImageNames(pod: PodInfo): string[] {
  const out: string[] = [];
  for (const c of pod.pod.spec.initContainers ?? []) out.push(normalizedImageName(c.image ?? ''));
  for (const c of pod.pod.spec.containers ?? []) out.push(normalizedImageName(c.image ?? ''));
  return out;
}

/** kube's scaledImageScore: `int64(float64(size) * (float64(numNodes) / float64(totalNumNodes)))`. */
export function scaledImageScore(sizeBytes: number, numNodes: number, totalNumNodes: number): number {
  return Math.trunc(sizeBytes * (numNodes / totalNumNodes));
}

/**
 * kube's calculatePriority: clamp the sum into [minThreshold, maxContainerThreshold * n] and scale
 * linearly to [0, 100] with int64 (truncating) arithmetic.
 */
export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD_BYTES * numContainers;
  let s = sumScores;
  if (s < MIN_THRESHOLD_BYTES) s = MIN_THRESHOLD_BYTES;
  else if (s > maxThreshold) s = maxThreshold;
  // With no containers the divisor is negative and the numerator 0; `+ 0` avoids -0.
  return Math.trunc((MAX_NODE_SCORE * (s - MIN_THRESHOLD_BYTES)) / (maxThreshold - MIN_THRESHOLD_BYTES)) + 0;
}

/**
 * Score trait: every node scores `calculatePriority(0, containers)` when none of the pod's images
 * (as the plugin looks them up) is on any node; otherwise the score reads the node's images.
 */
function scoreReads(pod: PodInfo, state: ClusterState): Reads {
  if (state.imageNodeCount.size === 0) return 'nothing';
  for (const c of pod.pod.spec.initContainers ?? []) if (state.imageNodeCount.has(normalizedImageName(c.image ?? ''))) return 'node';
  for (const c of pod.pod.spec.containers ?? []) if (state.imageNodeCount.has(normalizedImageName(c.image ?? ''))) return 'node';
  return 'nothing';
}

/** Registry entry for ImageLocality. */
export const definition: PluginDefinition = {
  name: NAME,
  points: ['score'],
  implemented: true,
  // Besides the pod, the trait reads which images the nodes hold (changed only with the nodes).
  traits: { score: (pod, { state }) => scoreReads(pod, state), epoch: ({ state }) => state.nodeGeneration },
  factory: (_args: unknown, handle: FrameworkHandle): ScorePlugin => {
    const { state } = handle;
    return {
      name: NAME,
      score(_cs, pod, nodes, out) {
        const images = podImageNames(pod);
        const numContainers = images.length;
        const total = state.nodeCount;
        // Per image: how many nodes have it (kube ImageStateSummary.NumNodes), looked up once.
        const spread = images.map((img) => state.imageNodeCount.get(img) ?? 0);
        for (let i = 0; i < nodes.length; i++) {
          const nodeImages = nodes[i]!.images;
          let sum = 0;
          if (nodeImages.size > 0) {
            for (let k = 0; k < images.length; k++) {
              const size = nodeImages.get(images[k]!);
              if (size !== undefined) sum += scaledImageScore(size, spread[k]!, total);
            }
          }
          out[i] = calculatePriority(sum, numContainers);
        }
        return null;
      },
    };
  },
};

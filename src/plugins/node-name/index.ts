/**
 * NodeName (kube `nodename`, Filter): a pod that names a node in `spec.nodeName` fits only that
 * node. v1.32 has no NodeName PreFilter (a PreFilterResult variant was proposed and not merged).
 */
import type { FilterPlugin, PluginDefinition } from '../../framework/interfaces.js';
import { Status } from '../../framework/status.js';

/** kube's plugin name. */
export const NAME = 'NodeName';

/** kube's ErrReason. */
export const ERR_REASON = "node(s) didn't match the requested node name";

const REJECTED = Status.unresolvable(ERR_REASON);

/** Registry entry for NodeName. */
export const definition: PluginDefinition = {
  name: NAME,
  points: ['filter'],
  implemented: true,
  // Without spec.nodeName every node passes; with it, the verdict reads the node's name.
  traits: { filter: (pod) => (pod.nodeName === undefined ? 'nothing' : 'node') },
  factory: (): FilterPlugin => ({
    name: NAME,
    filter(_cs, pod, nodes, out) {
      const want = pod.nodeName;
      if (want === undefined) return;
      for (let i = 0; i < nodes.length; i++) if (nodes[i]!.name !== want) out[i] = REJECTED;
    },
  }),
};

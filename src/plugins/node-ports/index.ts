/**
 * NodePorts (kube `nodeports`, PreFilter + Filter): a pod fits a node only if none of its host
 * ports is already used there. Conflict rule (kube HostPortInfo.CheckConflict): same protocol and
 * port, and either side binds 0.0.0.0 or both bind the same IP. Empty hostIP means 0.0.0.0 and
 * empty protocol TCP (PodInfo stores ports already sanitized that way). In v1.32 only regular
 * containers' ports count, on both sides (see hostPortsOf in model/pod-info.ts).
 */
import type { FilterPlugin, PluginDefinition, PreFilterPlugin } from '../../framework/interfaces.js';
import type { HostPort } from '../../model/pod-info.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { SKIP, Status } from '../../framework/status.js';

/** kube's plugin name. */
export const NAME = 'NodePorts';

/** kube's ErrReason. */
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

/** kube's DefaultBindAllHostIP. */
export const BIND_ALL_HOST_IP = '0.0.0.0';

/** CycleState key of the pod's wanted ports (kube: "PreFilter" + Name). */
const PRE_FILTER_STATE_KEY = `PreFilter${NAME}`;

const REJECTED = Status.unschedulable(ERR_REASON);
/** kube returns an Error when Filter runs without PreFilter state. */
const MISSING_STATE = Status.error(`reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);

/** kube's HostPortInfo.CheckConflict of one wanted port against a node's used ports. */
export function portConflicts(want: HostPort, used: readonly HostPort[]): boolean {
  if (want.port <= 0) return false;
  const wildcard = want.hostIP === BIND_ALL_HOST_IP;
  for (const u of used) {
    if (u.port !== want.port || u.protocol !== want.protocol) continue;
    if (wildcard || u.hostIP === BIND_ALL_HOST_IP || u.hostIP === want.hostIP) return true;
  }
  return false;
}

/** kube's fitsPorts: no wanted port conflicts with the node's used ports. */
export function fitsPorts(want: readonly HostPort[], used: readonly HostPort[]): boolean {
  if (used.length === 0) return true;
  for (const w of want) if (portConflicts(w, used)) return false;
  return true;
}

/** Registry entry for NodePorts. */
export const definition: PluginDefinition = {
  name: NAME,
  points: ['preFilter', 'filter'],
  implemented: true,
  // No host ports: PreFilter skips. Otherwise the verdict reads the ports the node's pods use.
  traits: { filter: (pod) => (pod.hostPorts.length === 0 ? 'nothing' : 'node-pods') },
  factory: (): PreFilterPlugin & FilterPlugin => ({
    name: NAME,
    preFilter(cs: CycleState, pod) {
      // kube: a pod without host ports skips the Filter entirely.
      if (pod.hostPorts.length === 0) return { status: SKIP };
      cs.write(PRE_FILTER_STATE_KEY, pod.hostPorts);
      return { status: null };
    },
    filter(cs, _pod, nodes, out) {
      const want = cs.read<readonly HostPort[]>(PRE_FILTER_STATE_KEY);
      if (!want) {
        out.fill(MISSING_STATE, 0, nodes.length);
        return;
      }
      for (let i = 0; i < nodes.length; i++) if (!fitsPorts(want, nodes[i]!.usedPorts)) out[i] = REJECTED;
    },
  }),
};

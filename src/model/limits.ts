/** Every fixed limit in podfit, with what it sizes. One place, so each is visible and tunable. */

/** Resource slots in the NodeTable: cpu, memory, ephemeral-storage, pods + interned scalar resources. */
export const RESOURCE_SLOTS_MAX = 64;
/** Initial NodeTable row capacity; the table doubles as nodes are added. */
export const NODE_TABLE_INITIAL_ROWS = 64;
/** kube's minFeasibleNodesToFind (K8S-FACTS.md §7). */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** kube's minFeasibleNodesPercentageToFind. */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
/** kube's MaxNodeScore. */
export const MAX_NODE_SCORE = 100;
/** kube's MaxExtenderPriority. */
export const MAX_EXTENDER_PRIORITY = 10;
/** kube's MaxCustomPriorityScore (RequestedToCapacityRatio shape scores). */
export const MAX_CUSTOM_PRIORITY_SCORE = 10;
/** kube's DefaultMilliCPURequest: non-zero cpu default for scoring. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** kube's DefaultMemoryRequest: non-zero memory default for scoring (200Mi). */
export const DEFAULT_MEMORY_REQUEST_BYTES = 200 * 1024 * 1024;
/** Default seed for selectHost tie-breaking; fixed so runs are reproducible. */
export const DEFAULT_SEED = 1;

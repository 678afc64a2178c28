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
/**
 * Per-node count vectors the topology index keeps current (one per distinct spread/affinity
 * selector in use). Each costs one Int32Array row per node and one predicate call per pod add or
 * remove; the least recently used is dropped beyond this.
 */
export const TOPOLOGY_QUERY_CACHE_MAX = 256;

// Extender server (`podfit serve`). Each is also a flag; these are the defaults.
/** Request body limit: a 5,000-node NodeList of full Nodes is 40-120 MB (8-25 KB per node). */
export const EXTENDER_BODY_BYTES_MAX = 128 * 1024 * 1024;
/** Request header limit (Node's default; kube-scheduler sends a few hundred bytes). */
export const EXTENDER_HEADER_BYTES_MAX = 16 * 1024;
/** Time allowed to receive the request headers. */
export const EXTENDER_HEADERS_TIMEOUT_MS = 10_000;
/** Time allowed to receive a whole request (kube-scheduler itself gives up after httpTimeout, 5s by default). */
export const EXTENDER_REQUEST_TIMEOUT_MS = 30_000;
/**
 * Idle keep-alive time; longer than Go's transport IdleConnTimeout (90s) so the server never
 * closes a connection kube-scheduler is about to reuse for a POST (which Go does not retry).
 */
export const EXTENDER_KEEPALIVE_TIMEOUT_MS = 120_000;
/** Verb requests processed at once; more wait in a queue. */
export const EXTENDER_IN_FLIGHT_MAX = 64;
/** Verb requests waiting for a slot; beyond this the answer is 429. */
export const EXTENDER_QUEUED_MAX = 1024;
/** Time SIGTERM waits for in-flight requests before closing connections. */
export const EXTENDER_DRAIN_TIMEOUT_MS = 25_000;
/** Pods remembered from filter/prioritize requests so bind can place them (by UID and name). */
export const EXTENDER_RECENT_PODS_MAX = 4096;
/** Pods the extender recognises by their exact bytes (a pod is sent to filter, prioritize and retries). */
export const EXTENDER_POD_BYTES_CACHE_MAX = 256;
/** Unknown node names spelled out in one error message. */
export const EXTENDER_UNKNOWN_NODES_LISTED_MAX = 10;

// Live cluster (list/watch).
/** Items per list page (kube's reflector uses 500). */
export const LIVE_LIST_PAGE_SIZE = 500;
/** Server-side watch timeout; each watch picks a random value in [1x, 2x) like kube's reflector. */
export const LIVE_WATCH_TIMEOUT_SECONDS = 300;
/** Reconnect backoff: first delay and cap. */
export const LIVE_BACKOFF_INITIAL_MS = 500;
export const LIVE_BACKOFF_MAX_MS = 30_000;
/** Not ready once a resource has been out of sync (failing to list/watch) for this long. */
export const LIVE_STALE_AFTER_MS = 60_000;
/** A pod assumed on bind that the watch has not confirmed after this long is forgotten. */
export const LIVE_ASSUMED_POD_TTL_MS = 60_000;
/** Attempts at creating one Binding on transient API errors (5xx, 429, network). */
export const LIVE_BIND_ATTEMPTS = 3;

// `podfit snapshot` (src/cluster/collect.ts): one pass of lists over a live cluster.
/** Per-request bound, connect to last byte: a 500-item page of a large cluster arrives in well under a second. */
export const SNAPSHOT_REQUEST_TIMEOUT_MS = 30_000;
/** Bound on opening the connection (TCP and TLS), so an unreachable server fails fast. */
export const SNAPSHOT_CONNECT_TIMEOUT_MS = 10_000;
/** Times one resource's list starts over after its continue token expired (410 Expired), then it fails. */
export const SNAPSHOT_LIST_RESTARTS_MAX = 3;
/** Hex digits of sha256 in an anonymized name: 48 bits, so 100,000 names collide with odds of ~2e-5 (and a collision fails loudly). */
export const ANONYMIZE_HASH_HEX_DIGITS = 12;

// WASM kernels (src/kernel/wasm-memory.ts).
/** WASM memory maximum in 64 KiB pages (1 GiB); must equal asconfig.json `maximumMemory`. */
export const WASM_MEMORY_PAGES_MAX = 16384;
/** WASM memory pages committed at start-up (1 MiB); the arena grows it as tables grow. */
export const WASM_MEMORY_PAGES_INITIAL = 16;
/**
 * Pod shapes (request + resource-scorer arguments) whose per-row scores the fused cycle keeps
 * (src/framework/fused-cycle.ts); each costs 8 bytes per NodeTable row of kernel memory.
 */
export const FUSED_SCORE_CACHES_MAX = 4;
/**
 * Pod classes whose per-node verdicts, scores and index class batching keeps per profile
 * (src/framework/class-batch.ts); each costs about 80 bytes per node, half of it in kernel memory.
 */
export const CLASS_BATCHES_MAX = 8;

/**
 * Groups a keyed dynamic Score part starts with room for, per node class, in a class batch
 * (keyed-groups.ts: one per class and key, PodTopologySpread's key being the count of the owner's
 * pods on a node), 8 bytes each in kernel memory. A batch that needs more doubles the room and
 * keys every node again (ClassBatch.growGroups).
 */
export const KEYED_GROUPS_PER_CLASS = 32;
/**
 * Pod classes remembered as seen once (a class's batch is built on its second pod, so one-off
 * pods never pay for a build); a class key is the pod's JSON without its identity, ~1-3 KB.
 */
export const CLASS_KEYS_SEEN_MAX = 256;
/**
 * Rows the NodeTable remembers as changed (a ring): a score cache more than this many changes
 * behind rescoring every row instead of the changed ones. 4 bytes each.
 */
export const NODE_TABLE_DIRTY_LOG_ROWS = 4096;

// Validation of files a person writes (api/known-fields.ts).
/** Unknown fields listed in one error (or warned about) per object; the rest are counted. */
export const UNKNOWN_FIELDS_REPORTED_MAX = 20;
/** Object nesting the unknown-field check descends (a Pod is about 8 deep; YAML aliases can make more). */
export const KNOWN_FIELDS_DEPTH_MAX = 32;
/** Edit distance within which an unknown field gets a "did you mean" (1 for names of up to 4 letters). */
export const FIELD_SUGGESTION_DISTANCE_MAX = 2;
/** Resource names whose class (integer or not) resource-validation.ts remembers. */
export const RESOURCE_NAMES_CLASSIFIED_MAX = 1024;

// Cluster snapshot files (src/cluster/snapshot.ts).
/**
 * Bytes of a YAML snapshot read at a time: the reader holds one block, the object being read and
 * the decoded objects, never the file's text or its syntax tree.
 */
export const SNAPSHOT_READ_BLOCK_BYTES = 4 * 1024 * 1024;
/** Objects between two progress reports while a snapshot is read or its state built. */
export const SNAPSHOT_PROGRESS_EVERY_OBJECTS = 2048;
/**
 * Characters of list items kept because they define YAML anchors that later items may alias
 * (src/api/object-stream.ts); kubectl writes none, PyYAML a few per shared object.
 */
export const SNAPSHOT_ANCHOR_TEXT_BYTES_MAX = 16 * 1024 * 1024;

// `podfit whatif` scenarios (src/api/scenario.ts, src/whatif/).
/** Steps in one scenario (each runs on the whole cluster; a scenario is written by hand). */
export const WHATIF_STEPS_MAX = 1000;
/** Questions in one scenario (each answers on its own copy of the cluster: one copy's memory each). */
export const WHATIF_QUESTIONS_MAX = 100;
/** Configurations one `compare` question runs (each replays the steps on its own copy). */
export const WHATIF_COMPARE_CONFIGS_MAX = 16;
/** Nodes one addNodes step adds (each a NodeTable row and a NodeInfo, about 1 KB). */
export const WHATIF_ADD_NODES_MAX = 100_000;
/** Pods one addPods step adds (each a PodInfo sharing its template's spec, about 300 B). */
export const WHATIF_ADD_PODS_MAX = 1_000_000;
/** Rows of a per-node or per-pod table in `podfit whatif -o table` (a screenful; `-o json` has all). */
export const WHATIF_TABLE_ROWS_MAX = 50;
/** Node templates of one minNodes question (each is a bin type of the search: its cost grows with them). */
export const WHATIF_MIN_NODES_TEMPLATES_MAX = 64;
/** A minNodes question's default wall-clock budget, in seconds (issue 14: `--time-limit`, default 10 s). */
export const WHATIF_MIN_NODES_TIME_LIMIT_SECONDS_DEFAULT = 10;
/** The longest minNodes budget a scenario may ask for, in seconds (an hour: a typo must not hang a run). */
export const WHATIF_MIN_NODES_TIME_LIMIT_SECONDS_MAX = 3600;
/** Points of one sweep (each a whole scenario run; shard larger sweeps into several files). */
export const WHATIF_SWEEP_POINTS_MAX = 10_000;

// What-if workload expansion (whatif/expand.ts).
/**
 * Pods one `apply` may make (replicas, parallelism, DaemonSet pods summed). Each pod is a few KB
 * of objects before the scheduler sees it, so a million is a few GB: a typo such as
 * `replicas: 10000000` is refused with a message instead of running the process out of heap.
 */
export const EXPAND_PODS_MAX = 1_000_000;
/**
 * Draws of a generated pod name before giving up. 27^5 (14 million) suffixes per prefix: a draw
 * collides only in a namespace holding millions of one owner's pods, so this bounds retries of a
 * case that does not happen.
 */
export const EXPAND_NAME_DRAWS_MAX = 1000;

// The whatif HTML report (src/report/html.ts): one page per run, so what it holds is bounded.
/**
 * Rows one table of the page holds (about 60-100 bytes of JSON each, and one DOM row); the rest
 * are counted in its caption (`-o json` has them all). 5,000 keeps a 5,000-node table whole.
 */
export const HTML_TABLE_ROWS_MAX = 5000;
/**
 * Rows of a table the page puts in the DOM at first (and after each sort); a "Show all" button
 * adds the rest. A 5,000-row node table is some 65,000 cells: laying it out, and again after each
 * sort, took over a second in Chromium on a loaded 2-core machine, against a tenth of that for 200.
 */
export const HTML_TABLE_ROWS_SHOWN = 200;
/**
 * Bars along the category axis of one chart (reasons, drained nodes, replicas per node): past it
 * the smallest are summed into one "other" bar, so a chart stays readable.
 */
export const HTML_CHART_CATEGORIES_MAX = 40;
/**
 * Sweep points a page shows in full (their charts and tables, 0.2-2 MB each at 5,000 nodes); the
 * rest are rows of the overview table only.
 */
export const HTML_SWEEP_RUNS_DETAILED_MAX = 20;
/**
 * Characters of JSON shown for a field of a question the page has no shape for (in a closed
 * <details>); the rest is cut with a note, so one odd field cannot make the page megabytes larger.
 */
export const HTML_RAW_JSON_CHARS_MAX = 20_000;

/**
 * `podfit scheduler`: bindings in flight at once (each an HTTPS request and an assumed pod); the
 * scheduling loop waits for a slot above it. kube-scheduler has no bound (one goroutine per pod).
 */
export const SCHEDULER_BINDS_IN_FLIGHT_MAX = 256;
/** `podfit scheduler`: pods scheduled between yields to the event loop (watch events, binding answers). */
export const SCHEDULER_PODS_PER_YIELD = 32;
/** `podfit scheduler`: kept-alive connections for bindings, status patches and events. */
export const SCHEDULER_API_SOCKETS_MAX = 16;

/**
 * Placements and removals the cluster state remembers (ClusterState.placementsSince, a ring): a
 * class batch with dynamic parts more than this many behind is rebuilt. Two words each.
 */
export const PLACEMENT_LOG_SIZE = 4096;

/**
 * Topology keys whose per-node value ids the topology index keeps (one Int32Array row per node
 * each); beyond this the oldest is dropped (holders keep theirs, which stays valid for the node set
 * it was built on). Spread and affinity terms name a handful of keys (hostname, zone, region) in
 * practice.
 */
export const TOPOLOGY_KEYS_CACHED_MAX = 64;

/**
 * The longest wait, in state changes, between two tries to build a pod class's batch after its
 * builds kept declining (class-batch.ts ClassBatches.build: 1, 1, 2, 4, ... up to this).
 */
export const CLASS_BUILD_BACKOFF_MAX = 64;

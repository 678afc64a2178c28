// The memory layout shared by the host (src/kernel/layout.ts mirrors every constant here and checks
// them against this module's exports at start-up) and the kernels. Defined once, here; the
// argument descriptors (SD_*, FD_*, CX_*) are the one exception: their fields are defined once in
// src/kernel/descriptors.ts, whose derived offsets must equal the ones below (checked at load).
//
// Linear memory is imported (`env.memory`, shared, with a maximum) and owned by the host:
//
//   [0, HEADER_BASE)                module static data (layout_check() asserts it ends before HEADER_BASE)
//   [HEADER_BASE, ARENA_BASE)       header: i32 fields at H_* byte offsets from HEADER_BASE
//   [ARENA_BASE, memory end)        arena: host-allocated regions, ARENA_ALIGN-aligned (NodeTables,
//                                   the kernel scratch, arrays kernels read and write in place)
//
// A NodeTable region holds f64 columns of `capacity` rows; column c of row r lives at
// `base + 8 * (c * capacity + r)`. With S resource slots: column 2*s is slot s's allocatable,
// 2*s + 1 its requested (PODS_SLOT's requested is the pod count), 2*S the non-zero requested cpu
// (milli), 2*S + 1 the non-zero requested memory (bytes), 2*S + 2 the row version (a value of the
// table's epoch, new on every change to the row: per-row results cached by a kernel stay valid
// while it is unchanged). Every number is an integer exact to 2^53.
//
// The header describes the primary table (base, capacity, slots, columns) so another instance of
// this module on the same memory (a worker thread) finds it without any message.

/** Header magic, "PDFT". */
export const LAYOUT_MAGIC: i32 = 0x50444654;
/** Bumped on any change to this file. */
export const LAYOUT_VERSION: i32 = 3;

/** Byte offset of the header. */
export const HEADER_BASE: i32 = 1024;
/** Header size in bytes. */
export const HEADER_BYTES: i32 = 128;
/** First byte the host's arena manages. */
export const ARENA_BASE: i32 = 1152;
/** Alignment of every arena region (a v128 load never straddles it). */
export const ARENA_ALIGN: i32 = 16;

// Header fields (byte offsets from HEADER_BASE).
/** i32: LAYOUT_MAGIC once the host has initialised the header. */
export const H_MAGIC: i32 = 0;
/** i32: LAYOUT_VERSION the host was built with. */
export const H_VERSION: i32 = 4;
/** i32: bytes of memory the arena currently manages, from ARENA_BASE. */
export const H_ARENA_END: i32 = 8;
/** i32: byte offset of the primary NodeTable region (0 = none yet). */
export const H_TABLE_BASE: i32 = 12;
/** i32: rows per column of the primary table. */
export const H_TABLE_CAPACITY: i32 = 16;
/** i32: resource slots of the primary table. */
export const H_TABLE_SLOTS: i32 = 20;
/** i32: columns of the primary table (2 * slots + EXTRA_COLUMNS). */
export const H_TABLE_COLUMNS: i32 = 24;
/** i32: bumped by the single writer (the main thread) after each committed change (Atomics). */
export const H_EPOCH: i32 = 28;
/** f64: the top total found by select_top (its result slot). */
export const H_RESULT_MAX: i32 = 32;

// Table columns.
/** Resource slot of cpu (milli). */
export const CPU_SLOT: i32 = 0;
/** Resource slot of memory (bytes). */
export const MEMORY_SLOT: i32 = 1;
/** Resource slot of ephemeral-storage (bytes). */
export const EPHEMERAL_SLOT: i32 = 2;
/** Resource slot of pods (requested = pod count). */
export const PODS_SLOT: i32 = 3;
/** Slots every table has. */
export const FIXED_SLOTS: i32 = 4;
/** Columns after the 2 * S resource columns: non-zero requested cpu, memory, row version. */
export const EXTRA_COLUMNS: i32 = 3;
/** The row-version column is 2 * S + VERSION_COLUMN_OFFSET. */
export const VERSION_COLUMN_OFFSET: i32 = 2;

// Argument descriptors. A record of src/kernel/descriptors.ts in memory: its fields in definition
// order, i32 scalars and array pointers (i32 byte offsets) 4 bytes, f64 scalars 8 bytes 8-aligned,
// the size rounded up to 8; the host writes the arrays elsewhere (8-aligned). Names are
// <prefix>_<FIELD_NAME>.

// The scorer record (score_resources, score_add, score_rows): SD_BYTES per scorer.
/** i32: strategy (STRATEGY_*). */
export const SD_STRATEGY: i32 = 0;
/** i32: configured resources. */
export const SD_RESOURCE_COUNT: i32 = 4;
/** i32: 1 = cpu/memory use the non-zero requested columns (Fit), 0 = requested (BalancedAllocation). */
export const SD_USE_NON_ZERO: i32 = 8;
/** i32: RequestedToCapacityRatio shape points. */
export const SD_SHAPE_COUNT: i32 = 12;
/** i32: byte offset of the slots (i32 per resource; -1 = excluded). */
export const SD_SLOTS: i32 = 16;
/** i32: byte offset of the resource weights (f64). */
export const SD_WEIGHTS: i32 = 20;
/** i32: byte offset of the pod's requests (f64). */
export const SD_POD_REQUESTS: i32 = 24;
/** i32: byte offset of the shape utilizations (f64). */
export const SD_SHAPE_UTILIZATION: i32 = 28;
/** i32: byte offset of the shape scores (f64, already x10). */
export const SD_SHAPE_SCORE: i32 = 32;
/** f64: the plugin's weight in the profile. */
export const SD_PLUGIN_WEIGHT: i32 = 40;
/** Bytes per scorer descriptor. */
export const SD_BYTES: i32 = 48;

// The fit record (fit_batch, score_rows).
/** i32: requests checked. */
export const FD_COUNT: i32 = 0;
/** i32: byte offset of the slots (i32 per request; -1 = no node declares it). */
export const FD_SLOTS: i32 = 4;
/** i32: byte offset of the amounts (f64 per request). */
export const FD_AMOUNTS: i32 = 8;
/** Bytes of a fit descriptor. */
export const FD_BYTES: i32 = 16;

// The class index record (class_step, class_kth): byte offsets of a class batch's arrays, i32 each.
/** i32: table. */
export const CX_TABLE: i32 = 0;
/** i32: capacity. */
export const CX_CAPACITY: i32 = 4;
/** i32: slotCount. */
export const CX_SLOT_COUNT: i32 = 8;
/** i32: fit. */
export const CX_FIT: i32 = 12;
/** i32: scorers. */
export const CX_SCORERS: i32 = 16;
/** i32: scorerCount. */
export const CX_SCORER_COUNT: i32 = 20;
/** i32: useKernel. */
export const CX_USE_KERNEL: i32 = 24;
/** i32: changed. */
export const CX_CHANGED: i32 = 28;
/** i32: nodeOfRow. */
export const CX_NODE_OF_ROW: i32 = 32;
/** i32: classes. */
export const CX_CLASSES: i32 = 36;
/** i32: kernelTotal. */
export const CX_KERNEL_TOTAL: i32 = 40;
/** i32: classBase. */
export const CX_CLASS_BASE: i32 = 44;
/** i32: nodeBase. */
export const CX_NODE_BASE: i32 = 48;
/** i32: groups. */
export const CX_GROUPS: i32 = 52;
/** i32: groupBase. */
export const CX_GROUP_BASE: i32 = 56;
/** i32: feasible. */
export const CX_FEASIBLE: i32 = 60;
/** i32: classFeasible. */
export const CX_CLASS_FEASIBLE: i32 = 64;
/** i32: treeMax. */
export const CX_TREE_MAX: i32 = 68;
/** i32: treeCount. */
export const CX_TREE_COUNT: i32 = 72;
/** i32: size. */
export const CX_SIZE: i32 = 76;
/** i32: flips. */
export const CX_FLIPS: i32 = 80;
/** Bytes of a class index descriptor. */
export const CX_BYTES: i32 = 88;

// Kernel enums (src/kernel/kernels.ts mirrors them).
/** Fit mask bit 0: no room for one more pod. */
export const FIT_TOO_MANY_PODS: i32 = 1;
/** Strategy: NodeResourcesFit LeastAllocated. */
export const STRATEGY_LEAST_ALLOCATED: i32 = 0;
/** Strategy: NodeResourcesFit MostAllocated. */
export const STRATEGY_MOST_ALLOCATED: i32 = 1;
/** Strategy: NodeResourcesFit RequestedToCapacityRatio. */
export const STRATEGY_REQUESTED_TO_CAPACITY_RATIO: i32 = 2;
/** Strategy: NodeResourcesBalancedAllocation. */
export const STRATEGY_BALANCED_ALLOCATION: i32 = 3;

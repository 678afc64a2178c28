// Class batching's index upkeep (src/framework/class-batch.ts): node i's leaf in the segment
// tree of assembly/tree.ts is its total, kernelTotal[rows[i]] + classBase[classes[i]] + nodeBase[i]
// + groupBase[groups[i]] (a keyed part's value by group of nodes: src/framework/keyed-groups.ts), or -Infinity when it is infeasible: the fit kernel rejects its row (kernelTotal < 0, when
// useKernel is 1), or its class or the node itself fails a Filter (a base of -Infinity).
// src/kernel/js-kernels.ts has the same two functions (the reference). class_step and class_kth
// run one decision's kernels on a class index record (CX_*, src/kernel/descriptors.ts): the same
// functions, their arguments read from memory.
import {
  CX_CAPACITY, CX_CHANGED, CX_CLASS_BASE, CX_CLASS_FEASIBLE, CX_CLASSES, CX_FEASIBLE, CX_FIT, CX_FLIPS, CX_GROUP_BASE, CX_GROUPS,
  CX_KERNEL_TOTAL, CX_NODE_BASE, CX_NODE_OF_ROW, CX_SCORER_COUNT, CX_SCORERS, CX_SIZE, CX_SLOT_COUNT, CX_TABLE, CX_TREE_COUNT,
  CX_TREE_MAX, CX_USE_KERNEL,
} from './layout';
import { score_rows } from './score';
import { tree_build, tree_build_prefix, tree_kth, tree_set } from './tree';

// @ts-ignore: decorator
@inline
function leafOf(i: usize, row: usize, cls: usize, kernelTotal: usize, useKernel: i32, classBase: usize, nodeBase: usize, groups: usize, groupBase: usize): f64 {
  const cb = load<f64>(classBase + (cls << 3));
  const nb = load<f64>(nodeBase + (i << 3));
  if (cb == -Infinity || nb == -Infinity) return -Infinity;
  const gb = load<f64>(groupBase + (<usize>load<i32>(groups + (i << 2)) << 3));
  if (useKernel == 0) return cb + nb + gb;
  const t = load<f64>(kernelTotal + (row << 3));
  return t < 0 ? -Infinity : t + cb + nb + gb;
}

/**
 * Every leaf, feasibility and the feasible count per class (zeroed first), then the tree
 * (Kernels.classLeaves). Returns the feasible count. `full` 1 also sets the leaves past n to
 * -Infinity and builds every inner node; 0 rebuilds only the inner nodes over the first n leaves
 * (tree_build_prefix), for arrays a full call built before. Once per batch build, renormalization
 * or relink.
 */
export function class_leaves(
  rows: usize, classes: usize, n: i32, kernelTotal: usize, useKernel: i32, classBase: usize, nodeBase: usize,
  groups: usize, groupBase: usize, feasible: usize, classFeasible: usize, classCount: i32, treeMax: usize, treeCount: usize, size: i32,
  full: i32,
): i32 {
  memory.fill(classFeasible, 0, <usize>classCount << 2);
  const leaves = treeMax + (<usize>size << 3);
  let count = 0;
  for (let i: usize = 0; i < <usize>n; i++) {
    const cls = <usize>load<i32>(classes + (i << 2));
    const v = leafOf(i, <usize>load<i32>(rows + (i << 2)), cls, kernelTotal, useKernel, classBase, nodeBase, groups, groupBase);
    store<f64>(leaves + (i << 3), v);
    const f = v == -Infinity ? 0 : 1;
    store<i32>(feasible + (i << 2), f);
    if (f) {
      const at = classFeasible + (cls << 2);
      store<i32>(at, load<i32>(at) + 1);
      count++;
    }
  }
  if (full == 0) {
    tree_build_prefix(treeMax, treeCount, size, n);
    return count;
  }
  for (let i = <usize>n; i < <usize>size; i++) store<f64>(leaves + (i << 3), -Infinity);
  tree_build(treeMax, treeCount, size);
  return count;
}

/**
 * The leaves of the nodes on `count` changed rows (Kernels.classUpdate): each recomputed and set
 * in the tree; a node whose feasibility changed adjusts its class's count and is appended to
 * `flips` (i entering, ~i leaving). Returns the number of flips. Once per decision with changes.
 */
export function class_update(
  changedRows: usize, count: i32, nodeOfRow: usize, classes: usize, kernelTotal: usize, useKernel: i32,
  classBase: usize, nodeBase: usize, groups: usize, groupBase: usize, feasible: usize, classFeasible: usize, treeMax: usize, treeCount: usize,
  size: i32, flips: usize,
): i32 {
  let k = 0;
  for (let q: usize = 0; q < <usize>count; q++) {
    const row = <usize>load<i32>(changedRows + (q << 2));
    const node = load<i32>(nodeOfRow + (row << 2));
    if (node < 0) continue;
    const i = <usize>node;
    const cls = <usize>load<i32>(classes + (i << 2));
    const v = leafOf(i, row, cls, kernelTotal, useKernel, classBase, nodeBase, groups, groupBase);
    const now = v == -Infinity ? 0 : 1;
    if (now != load<i32>(feasible + (i << 2))) {
      store<i32>(feasible + (i << 2), now);
      const at = classFeasible + (cls << 2);
      store<i32>(at, load<i32>(at) + (now ? 1 : -1));
      store<i32>(flips + (<usize>k << 2), now ? node : ~node);
      k++;
    }
    tree_set(treeMax, treeCount, size, node, v);
  }
  return k;
}

// @ts-ignore: decorator
@inline
function ptr(rec: usize, field: i32): usize {
  return <usize>load<i32>(rec + <usize>field);
}

/**
 * One decision's upkeep on the class index at `rec`: the first `count` changed rows re-scored
 * (score_rows, when the index has a kernel part), then class_update on them. Returns the flips.
 */
export function class_step(rec: usize, count: i32): i32 {
  const changed = ptr(rec, CX_CHANGED);
  const kernelTotal = ptr(rec, CX_KERNEL_TOTAL);
  const useKernel = load<i32>(rec + <usize>CX_USE_KERNEL);
  if (useKernel != 0) {
    score_rows(
      ptr(rec, CX_TABLE), load<i32>(rec + <usize>CX_CAPACITY), load<i32>(rec + <usize>CX_SLOT_COUNT), changed, count,
      ptr(rec, CX_FIT), ptr(rec, CX_SCORERS), load<i32>(rec + <usize>CX_SCORER_COUNT), kernelTotal,
    );
  }
  return class_update(
    changed, count, ptr(rec, CX_NODE_OF_ROW), ptr(rec, CX_CLASSES), kernelTotal, useKernel, ptr(rec, CX_CLASS_BASE), ptr(rec, CX_NODE_BASE),
    ptr(rec, CX_GROUPS), ptr(rec, CX_GROUP_BASE), ptr(rec, CX_FEASIBLE), ptr(rec, CX_CLASS_FEASIBLE), ptr(rec, CX_TREE_MAX), ptr(rec, CX_TREE_COUNT),
    load<i32>(rec + <usize>CX_SIZE), ptr(rec, CX_FLIPS),
  );
}

/** tree_kth on the class index at `rec`: the node index of the k-th leaf holding the maximum. */
export function class_kth(rec: usize, k: i32): i32 {
  return tree_kth(ptr(rec, CX_TREE_MAX), ptr(rec, CX_TREE_COUNT), load<i32>(rec + <usize>CX_SIZE), k);
}

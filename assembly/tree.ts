// The class-batching index (src/framework/class-batch.ts): a max segment tree over node order.
// `max` (f64) and `count` (i32) are arrays of 2 * size entries; the leaves are at [size, 2 * size)
// (leaf i = node index i, -Infinity when the node is infeasible), tree node j has children 2j and
// 2j + 1, and holds the maximum of its leaves and how many of them hold it. src/kernel/js-kernels.ts
// has the same three functions (the reference); test/kernel/wasm-parity.test.ts compares them.

// @ts-ignore: decorator
@inline
function pull(max: usize, count: usize, j: usize): void {
  const l = j << 1;
  const ml = load<f64>(max + (l << 3));
  const mr = load<f64>(max + ((l + 1) << 3));
  const cl = load<i32>(count + (l << 2));
  const cr = load<i32>(count + ((l + 1) << 2));
  if (ml > mr) {
    store<f64>(max + (j << 3), ml);
    store<i32>(count + (j << 2), cl);
  } else if (mr > ml) {
    store<f64>(max + (j << 3), mr);
    store<i32>(count + (j << 2), cr);
  } else {
    store<f64>(max + (j << 3), ml);
    store<i32>(count + (j << 2), cl + cr);
  }
}

/** Fills the counts of the leaves (1 each) and every inner node from the leaves (Kernels.treeBuild). Once per batch build. */
export function tree_build(max: usize, count: usize, size: i32): void {
  const s = <usize>size;
  for (let i: usize = 0; i < s; i++) store<i32>(count + ((s + i) << 2), 1);
  for (let j = s - 1; j >= 1; j--) pull(max, count, j);
}

/**
 * The inner nodes over the first n leaves only, from the leaves up (class_leaves with full 0): the
 * leaves past n and the inner nodes over them alone must be as a tree_build left them, and leaf
 * counts stay 1 from it. For n = 5,000 in a tree of 8,192 leaves, 5,000 pulls instead of 8,191.
 */
export function tree_build_prefix(max: usize, count: usize, size: i32, n: i32): void {
  let lo = <usize>size;
  let hi = <usize>size + <usize>n;
  while (lo > 1) {
    lo >>= 1;
    hi = (hi + 1) >> 1;
    for (let j = lo; j < hi; j++) pull(max, count, j);
  }
}

/** Sets leaf i to `value` and updates its ancestors (Kernels.treeSet). Once per changed node. */
export function tree_set(max: usize, count: usize, size: i32, i: i32, value: f64): void {
  let j = <usize>size + <usize>i;
  store<f64>(max + (j << 3), value);
  j >>= 1;
  while (j >= 1) {
    pull(max, count, j);
    j >>= 1;
  }
}

/** The leaf index of the k-th (0-based, leaf order) leaf equal to the root's maximum (Kernels.treeKth). Once per decision. */
export function tree_kth(max: usize, count: usize, size: i32, k: i32): i32 {
  const s = <usize>size;
  const top = load<f64>(max + 8);
  let j: usize = 1;
  while (j < s) {
    const l = j << 1;
    if (load<f64>(max + (l << 3)) == top) {
      const cl = load<i32>(count + (l << 2));
      if (k < cl) {
        j = l;
        continue;
      }
      k -= cl;
    }
    j = l + 1;
  }
  return <i32>(j - s);
}

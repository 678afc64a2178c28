/**
 * An insertion-ordered map from string keys to values for the state's largest maps (a cluster's
 * placed pods: tens of thousands of keys, one insert and several lookups per scheduled pod).
 *
 * Why not a Map: a lookup in a large JS Map reads the key string, the bucket, the entry and the
 * candidate key strings, each a cache miss once the scheduling cycle between two lookups has
 * evicted them; measured on this project's machine with the caches disturbed between operations
 * (bench/model/keyed-table.mjs), a miss-then-insert costs 1.6-2.8 µs on a 70,000-key Map against
 * 0.05-0.15 µs here. Here a probe reads one Int32Array of 30-bit key hashes (open addressing,
 * linear probing, load at most one half) and compares keys only when the hashes are equal, so a
 * key that is absent usually costs one cache line. Callers that look a key up often keep its
 * hash (PodInfo.keyHash) and pass it in.
 *
 * Iteration is in insertion order, as a Map's (replacing a key's value keeps its place; a deleted
 * key inserted again goes last).
 */

/** The 30-bit FNV-1a hash of a string's UTF-16 code units (a small integer in every V8 build). */
export function keyHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}

const EMPTY = -1;
const DELETED = -2;
const MIN_CAPACITY = 64;

/**
 * A string-keyed, insertion-ordered table of values that carry their key (see the module
 * comment). Per slot, `meta` holds the key's hash and the entry's place in the insertion order
 * side by side (one cache line for a probe and its bookkeeping); `vals` holds the value, read only
 * when the hashes are equal.
 */
export class KeyedTable<V> {
  private mask = MIN_CAPACITY - 1;
  /** Per slot i: meta[2i] the key's hash (or EMPTY / DELETED), meta[2i+1] its index in `order`. */
  private meta = newMeta(MIN_CAPACITY);
  private vals: (V | undefined)[] = newVals<V>(MIN_CAPACITY);
  /** Insertion order: the slot of each entry, -1 once deleted. */
  private order: number[] = [];
  private live = 0;
  /** Live plus deleted slots (what the load counts). */
  private used = 0;

  /** `keyOf(value)` is the value's key (a placement's pod key, say). */
  constructor(private readonly keyOf: (value: V) => string) {}

  get size(): number {
    return this.live;
  }

  /** The slot holding `key`, or -1. */
  private find(key: string, hash: number): number {
    const meta = this.meta;
    const mask = this.mask;
    // Every operation of a probe runs on the first probe: the hash compared first (a hash is
    // never EMPTY or DELETED) and the step taken before the read, from the slot before the hash's.
    // A table with few collisions otherwise leaves the comparison and the step without type
    // feedback until optimized code meets its first collision and deoptimizes, with every caller
    // that inlined the lookup (addPodTo, at a few thousand pods into a run).
    for (let i = (hash - 1) & mask; ;) {
      i = (i + 1) & mask;
      const h = meta[2 * i]!;
      if (h === hash && this.keyOf(this.vals[i]!) === key) return i;
      if (h === EMPTY) return -1;
    }
  }

  get(key: string, hash: number = keyHash(key)): V | undefined {
    const i = this.find(key, hash);
    return i < 0 ? undefined : this.vals[i];
  }

  has(key: string, hash: number = keyHash(key)): boolean {
    return this.find(key, hash) >= 0;
  }

  /** Sets the entry of `value`'s key to `value`; returns the value it replaces, if any. */
  set(value: V, hash: number = keyHash(this.keyOf(value))): V | undefined {
    // The key only when a slot's hash is equal (an insert of a new key usually compares none).
    let key: string | undefined;
    const meta = this.meta;
    const mask = this.mask;
    let free = -1;
    let i = (hash - 1) & mask;
    for (;;) {
      // Every operation of a probe on the first probe, as in find.
      i = (i + 1) & mask;
      const h = meta[2 * i]!;
      if (h === hash && this.keyOf(this.vals[i]!) === (key ??= this.keyOf(value))) {
        const prev = this.vals[i];
        this.vals[i] = value;
        return prev;
      }
      if (h === DELETED) {
        if (free < 0) free = i;
      } else if (h === EMPTY) break;
    }
    if (free >= 0) i = free;
    else this.used++;
    meta[2 * i] = hash;
    meta[2 * i + 1] = this.order.length;
    this.vals[i] = value;
    this.order.push(i);
    this.live++;
    if (this.used * 2 > this.mask + 1) this.rehash();
    return undefined;
  }

  /** Deletes `key`; returns its value, if it was there. */
  delete(key: string, hash: number = keyHash(key)): V | undefined {
    const i = this.find(key, hash);
    if (i < 0) return undefined;
    const prev = this.vals[i];
    this.meta[2 * i] = DELETED;
    this.order[this.meta[2 * i + 1]!] = -1;
    this.vals[i] = undefined;
    this.live--;
    // Deleted slots lengthen probes and the order keeps holes: rebuild once they outnumber the live.
    if (this.order.length > 2 * this.live + MIN_CAPACITY) this.rehash();
    return prev;
  }

  /** Values in insertion order. */
  *values(): IterableIterator<V> {
    const order = this.order;
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      if (i >= 0) yield this.vals[i]!;
    }
  }

  /**
   * Makes room for `count` entries in all without a rehash on the way (a capacity hint, like Go's
   * make(map, n)): a rehash of thousands of entries runs as cold code, milliseconds in the middle
   * of a run that inserts them one by one.
   */
  reserve(count: number): void {
    if (count * 2 <= this.mask + 1) return;
    this.rehash(count);
  }

  /** Rebuilds at a load of at most a quarter (of `atLeast` entries, when more), in insertion order, without deleted slots. */
  private rehash(atLeast = 0): void {
    let cap = MIN_CAPACITY;
    while (cap < Math.max(this.live, atLeast) * 4) cap *= 2;
    const { meta, vals, order } = this;
    this.mask = cap - 1;
    this.meta = newMeta(cap);
    this.vals = newVals<V>(cap);
    this.order = [];
    this.live = 0;
    this.used = 0;
    const m = this.meta;
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      if (i < 0) continue;
      const hash = meta[2 * i]!;
      let j = hash & this.mask;
      while (m[2 * j] !== EMPTY) j = (j + 1) & this.mask;
      m[2 * j] = hash;
      m[2 * j + 1] = this.order.length;
      this.vals[j] = vals[i];
      this.order.push(j);
      this.live++;
      this.used++;
    }
  }
}

/**
 * Slot metadata for `cap` slots, every slot empty (a native fill: a JS loop over a fresh array of
 * 10^5 entries runs unoptimized and cost milliseconds inside a measured window).
 */
function newMeta(cap: number): Int32Array {
  return new Int32Array(2 * cap).fill(EMPTY);
}

/**
 * Value slots: a holey array (holes read as undefined). `fill(undefined)` on a fresh holey array
 * takes V8's slow path, 1-5 ms for 4,096-65,536 slots; a rehash then stalled a scheduling run.
 */
function newVals<V>(cap: number): (V | undefined)[] {
  return new Array<V | undefined>(cap);
}

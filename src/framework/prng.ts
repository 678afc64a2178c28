/**
 * Seeded PRNG for selectHost tie-breaking: xoshiro128** seeded by splitmix32. Specified exactly
 * (not Math.random) so that any engine that makes the same draws gets the same placements.
 */

/** A deterministic 32-bit generator. */
export class Prng {
  /**
   * The four state words (a typed array: a uint32 above 2^30 held in an object field is a boxed
   * number, and every draw would write four of them).
   */
  private readonly s = new Uint32Array(4);
  /** Number of draws made (for reproducibility checks). */
  draws = 0;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    const st = this.s;
    st[0] = next();
    st[1] = next();
    st[2] = next();
    st[3] = next();
    if ((st[0]! | st[1]! | st[2]! | st[3]!) === 0) st[0] = 1;
  }

  /** Next uint32 (xoshiro128**). */
  nextU32(): number {
    const st = this.s;
    const s0 = st[0]!;
    const s1 = st[1]!;
    let s2 = st[2]!;
    let s3 = st[3]!;
    // rotl spelled out (x << k | x >>> 32 - k): one function less on every decision's path.
    const m = Math.imul(s1, 5) >>> 0;
    const result = Math.imul(((m << 7) | (m >>> 25)) >>> 0, 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    st[1] = s1 ^ s2;
    st[0] = s0 ^ s3;
    st[2] = s2 ^ t;
    st[3] = ((s3 << 11) | (s3 >>> 21)) >>> 0;
    return result;
  }

  /** Uniform integer in [0, n), n in [1, 2^32): one logical draw (rejection keeps it unbiased). */
  intn(n: number): number {
    this.draws++;
    if (n <= 1) return 0;
    const limit = 0x100000000 - (0x100000000 % n);
    let v = this.nextU32();
    while (v >= limit) v = this.nextU32();
    return v % n;
  }

  /** Snapshot of the generator state (for what-if forks). */
  save(): [number, number, number, number, number] {
    const st = this.s;
    return [st[0]!, st[1]!, st[2]!, st[3]!, this.draws];
  }
  restore(s: readonly [number, number, number, number, number]): void {
    const st = this.s;
    [st[0], st[1], st[2], st[3]] = s;
    this.draws = s[4];
  }
}

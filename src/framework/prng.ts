/**
 * Seeded PRNG for selectHost tie-breaking: xoshiro128** seeded by splitmix32. Specified exactly
 * (not Math.random) so that any engine that makes the same draws gets the same placements.
 */

/** A deterministic 32-bit generator. */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
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
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next uint32 (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
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
    return [this.s0, this.s1, this.s2, this.s3, this.draws];
  }
  restore(s: readonly [number, number, number, number, number]): void {
    [this.s0, this.s1, this.s2, this.s3, this.draws] = s;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

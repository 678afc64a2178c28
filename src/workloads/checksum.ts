/** placementChecksum: FNV-1a (64-bit) over every `pod=node` decision in order; equal iff placements are equal. */

/** FNV-1a 64-bit prime is 2^40 + FNV_PRIME_LOW. */
const FNV_PRIME_LOW = 0x1b3;
/** FNV-1a 64-bit offset basis, as two 32-bit halves. */
const FNV_OFFSET_HI = 0xcbf29ce4;
const FNV_OFFSET_LO = 0x84222325;
const TWO_32 = 0x100000000;

/**
 * Incremental placement hash. The 64-bit state is kept as two uint32 halves (exact double
 * arithmetic, no BigInt), since it is updated once per scheduled pod inside measured loops.
 */
export class PlacementChecksum {
  private hi = FNV_OFFSET_HI;
  private lo = FNV_OFFSET_LO;
  /** Decisions folded in. */
  count = 0;

  /** Folds one decision; `node` null for an unschedulable pod. */
  add(podKey: string, node: string | null): void {
    this.fold(podKey);
    this.fold('=');
    if (node !== null) this.fold(node);
    this.fold('\n');
    this.count++;
  }

  private fold(s: string): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < s.length; i++) {
      const x = (lo ^ s.charCodeAt(i)) >>> 0;
      // h * (2^40 + 0x1b3) mod 2^64 on halves: x * 0x1b3 < 2^41 is exact (its carry goes to hi);
      // the 2^40 term adds x << 8 to hi. Int32 sums below are exact and reduced mod 2^32.
      const p = x * FNV_PRIME_LOW;
      lo = p >>> 0;
      hi = (Math.imul(hi, FNV_PRIME_LOW) + Math.floor(p / TWO_32) + (x << 8)) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** 16 hex digits. */
  digest(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

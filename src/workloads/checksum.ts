/** placementChecksum: FNV-1a (64-bit) over every `pod=node` decision in order; equal iff placements are equal. */

/** FNV-1a 64-bit prime is 2^40 + FNV_PRIME_LOW. */
const FNV_PRIME_LOW = 0x1b3;
/** FNV-1a 64-bit offset basis, as two 32-bit halves. */
const FNV_OFFSET_HI = 0xcbf29ce4;
const FNV_OFFSET_LO = 0x84222325;
const TWO_32 = 0x100000000;
/** Decisions recorded before they are folded (the memory a long run keeps for them is bounded). */
const PENDING_MAX = 1 << 16;

/**
 * Placement hash. `add` only records the decision: the FNV-1a fold (one step per character of
 * `pod=node`) runs when the digest is asked for, or when PENDING_MAX decisions are waiting, so a
 * measured window pays an array append per pod, not the hash (which is podfit's own check, no
 * part of scheduling). The 64-bit state is kept as two uint32 halves (exact double arithmetic, no
 * BigInt).
 */
export class PlacementChecksum {
  private hi = FNV_OFFSET_HI;
  private lo = FNV_OFFSET_LO;
  /** Decisions recorded and not yet folded, in order. */
  private readonly pods: string[] = [];
  private readonly nodes: Array<string | null> = [];
  /** Decisions recorded. */
  count = 0;

  /** Records one decision; `node` null for an unschedulable pod. */
  add(podKey: string, node: string | null): void {
    this.pods.push(podKey);
    this.nodes.push(node);
    this.count++;
    if (this.pods.length >= PENDING_MAX) this.flush();
  }

  /** Folds the recorded decisions into the state. */
  private flush(): void {
    const pods = this.pods;
    const nodes = this.nodes;
    for (let i = 0; i < pods.length; i++) {
      this.fold(pods[i]!);
      this.fold('=');
      const node = nodes[i]!;
      if (node !== null) this.fold(node);
      this.fold('\n');
    }
    // Emptied in place: assigning new arrays changed fields that optimized code (add, and the
    // scheduling loops that inline it) had taken as constant, and V8 threw that code away.
    pods.length = 0;
    nodes.length = 0;
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
    this.flush();
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

/** placementChecksum: FNV-1a (64-bit) over every `pod=node` decision in order; equal iff placements are equal. */

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

/** Incremental placement hash. */
export class PlacementChecksum {
  private h = FNV_OFFSET;
  /** Decisions folded in. */
  count = 0;

  /** Folds one decision; `node` null for an unschedulable pod. */
  add(podKey: string, node: string | null): void {
    const s = `${podKey}=${node ?? ''}\n`;
    let h = this.h;
    for (let i = 0; i < s.length; i++) {
      h ^= BigInt(s.charCodeAt(i));
      h = (h * FNV_PRIME) & MASK;
    }
    this.h = h;
    this.count++;
  }

  /** 16 hex digits. */
  digest(): string {
    return this.h.toString(16).padStart(16, '0');
  }
}

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PlacementChecksum } from '../../src/workloads/checksum.js';

/** FNV-1a 64 with BigInt, the definition the 32-bit-halves implementation must equal. */
function reference(decisions: Array<[string, string | null]>): string {
  let h = 0xcbf29ce484222325n;
  for (const [pod, node] of decisions) {
    const s = `${pod}=${node ?? ''}\n`;
    for (let i = 0; i < s.length; i++) {
      h ^= BigInt(s.charCodeAt(i));
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
  }
  return h.toString(16).padStart(16, '0');
}

describe('PlacementChecksum', () => {
  it('is FNV-1a 64 over "pod=node\\n" lines (empty node for unschedulable)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.option(fc.string(), { nil: null })), { maxLength: 20 }), (decisions) => {
        const c = new PlacementChecksum();
        for (const [pod, node] of decisions) c.add(pod, node);
        expect(c.digest()).toBe(reference(decisions));
        expect(c.count).toBe(decisions.length);
      }),
    );
  });
  it('is the same whether the digest is asked for midway or not, and past the pending limit', () => {
    const decisions: Array<[string, string | null]> = [];
    for (let i = 0; i < 70_000; i++) decisions.push([`ns/p-${i}`, i % 7 === 0 ? null : `n${i % 13}`]);
    const whole = new PlacementChecksum();
    const midway = new PlacementChecksum();
    for (let i = 0; i < decisions.length; i++) {
      whole.add(...decisions[i]!);
      midway.add(...decisions[i]!);
      if (i === 3 || i === 40_000) midway.digest();
    }
    expect(midway.digest()).toBe(whole.digest());
    expect(whole.digest()).toBe(reference(decisions));
    expect(whole.count).toBe(70_000);
  });
  it('has the FNV offset basis when empty and differs for different placements', () => {
    expect(new PlacementChecksum().digest()).toBe('cbf29ce484222325');
    const a = new PlacementChecksum();
    a.add('ns/p', 'n1');
    const b = new PlacementChecksum();
    b.add('ns/p', 'n2');
    expect(a.digest()).not.toBe(b.digest());
  });
});

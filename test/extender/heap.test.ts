/** collectGarbage: a full collection on demand, without --expose-gc on the command line. */
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/extender/heap.js';

describe('collectGarbage', () => {
  it('frees what is no longer referenced, at once', () => {
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    let junk: unknown[] | null = Array.from({ length: 400_000 }, (_, i) => ({ i, s: `item-${i}` }));
    const held = process.memoryUsage().heapUsed;
    expect(held - before).toBeGreaterThan(20e6); // the junk is really on the heap
    expect((junk as unknown[]).length).toBe(400_000);
    junk = null;
    collectGarbage();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(5e6);
  });
});

/**
 * CycleState: per-pod scratch data plugins share between extension points (kube's CycleState).
 * Its map and sets are made on first use: a pod decided without a cycle of its own (class
 * batching, a worker's summary) commits with an empty state that never allocates them.
 */
export class CycleState {
  private data: Map<string, unknown> | null = null;
  private skipFilter: Set<string> | null = null;
  private skipScore: Set<string> | null = null;

  /** Plugins whose Filter is skipped (PreFilter returned Skip). */
  get skipFilterPlugins(): Set<string> {
    return (this.skipFilter ??= new Set());
  }
  /** Plugins whose Score is skipped (PreScore returned Skip). */
  get skipScorePlugins(): Set<string> {
    return (this.skipScore ??= new Set());
  }

  read<T>(key: string): T | undefined {
    return this.data?.get(key) as T | undefined;
  }
  write(key: string, value: unknown): void {
    (this.data ??= new Map()).set(key, value);
  }
  delete(key: string): void {
    this.data?.delete(key);
  }
  /** Shallow clone (kube clones state for preemption dry runs). */
  clone(): CycleState {
    const c = new CycleState();
    if (this.data) {
      for (const [k, v] of this.data) {
        const cl = (v as { clone?: () => unknown } | null)?.clone;
        c.write(k, typeof cl === 'function' ? cl.call(v) : v);
      }
    }
    if (this.skipFilter) for (const p of this.skipFilter) c.skipFilterPlugins.add(p);
    if (this.skipScore) for (const p of this.skipScore) c.skipScorePlugins.add(p);
    return c;
  }
}

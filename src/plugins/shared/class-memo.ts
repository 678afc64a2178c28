/**
 * Per-cycle memo of one value per node class (DESIGN.md "node class"): label- and taint-based
 * plugins evaluate a pod once per class instead of once per node. One instance lives in a plugin
 * and is reset at the start of each batch call, so the hot loop allocates nothing.
 */

/** Values by classId; `undefined` = not computed yet in this cycle. */
export class ClassMemo<T> {
  private values: Array<T | undefined> = [];

  /** Forgets every value and sizes the memo for `classCount` classes. */
  reset(classCount: number): void {
    this.values.length = classCount;
    this.values.fill(undefined);
  }

  /** The value for a class, computing it with `compute` on first use in this cycle. */
  get(classId: number, compute: (classId: number) => T): T {
    let v = this.values[classId];
    if (v === undefined) {
      v = compute(classId);
      this.values[classId] = v;
    }
    return v;
  }
}

/**
 * Status: kube-scheduler's plugin result (framework/interface.go). "Doesn't fit" is a value,
 * never an exception. Statuses used per node are built once (ahead of the hot loop) and shared;
 * nothing formats strings per node.
 */

/** kube's status codes, same order as upstream. */
export enum Code {
  Success = 0,
  Error = 1,
  Unschedulable = 2,
  UnschedulableAndUnresolvable = 3,
  Wait = 4,
  Skip = 5,
  Pending = 6,
}

/** kube's names for codes (used in JSON output). */
export const CODE_NAMES: Record<Code, string> = {
  [Code.Success]: 'Success',
  [Code.Error]: 'Error',
  [Code.Unschedulable]: 'Unschedulable',
  [Code.UnschedulableAndUnresolvable]: 'UnschedulableAndUnresolvable',
  [Code.Wait]: 'Wait',
  [Code.Skip]: 'Skip',
  [Code.Pending]: 'Pending',
};

/** An immutable plugin result. `null` stands for Success throughout the framework. */
export class Status {
  constructor(
    readonly code: Code,
    readonly reasons: readonly string[] = [],
    /** Set by the framework on statuses it returns (the failing plugin). */
    readonly plugin?: string,
    readonly error?: Error,
  ) {}

  /** kube's Status.Message(): reasons joined with ", " (an error's text first). */
  message(): string {
    const rs = this.error ? [this.error.message, ...this.reasons] : this.reasons;
    return rs.join(', ');
  }

  isSuccess(): boolean {
    return this.code === Code.Success;
  }
  /** Unschedulable or UnschedulableAndUnresolvable. */
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable;
  }
  isSkip(): boolean {
    return this.code === Code.Skip;
  }

  /** The last status derived by withPlugin (plugins share one status between nodes, so it is reused). */
  private attributed: Status | undefined;

  /** Same status attributed to a plugin. */
  withPlugin(plugin: string): Status {
    if (this.plugin === plugin) return this;
    const a = this.attributed;
    if (a !== undefined && a.plugin === plugin) return a;
    return (this.attributed = new Status(this.code, this.reasons, plugin, this.error));
  }

  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }
  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }
  static error(err: Error | string): Status {
    const e = typeof err === 'string' ? new Error(err) : err;
    return new Status(Code.Error, [], undefined, e);
  }
  static skip(): Status {
    return SKIP;
  }
}

/** Shared Skip status. */
export const SKIP = new Status(Code.Skip);

/** null or Success. */
export function isSuccess(s: Status | null | undefined): boolean {
  return !s || s.code === Code.Success;
}

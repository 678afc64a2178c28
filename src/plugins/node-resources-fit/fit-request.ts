/**
 * NodeResourcesFit's PreFilter state: the pod's request vector in kube's check order, ready for
 * the fit kernel, and the statuses its fit masks map to (K8S-FACTS.md §6.1, kube fit.go
 * fitsRequest).
 *
 * Order of checks and reasons: "Too many pods" (always), then cpu, memory, ephemeral-storage,
 * then scalar resources. kube walks scalar resources in Go map order, which is random per run;
 * podfit sorts them by name so the reason list is deterministic (document, not a behaviour
 * difference: the set of reasons is the same).
 */
import { fitMaskWords, FIT_TOO_MANY_PODS, SLOT_ABSENT } from '../../kernel/kernels.js';
import type { NodeTable } from '../../model/node-table.js';
import type { PodInfo } from '../../model/pod-info.js';
import { CPU, EPHEMERAL_STORAGE, isExtendedResourceName, MEMORY, PODS } from '../../model/resources.js';
import { Status } from '../../framework/status.js';

/** kube's reason when the node has no room for one more pod. */
export const REASON_TOO_MANY_PODS = 'Too many pods';

/** kube's reason for resource `name`: `Insufficient <name>`. */
export function insufficientReason(name: string): string {
  return `Insufficient ${name}`;
}

/**
 * Reasons of names the table knows (at most RESOURCE_SLOTS_MAX of them), formatted once per
 * process; names no node declares are formatted per pod (still never per node).
 */
const reasonCache = new Map<string, string>([
  [CPU, insufficientReason(CPU)],
  [MEMORY, insufficientReason(MEMORY)],
  [EPHEMERAL_STORAGE, insufficientReason(EPHEMERAL_STORAGE)],
]);

function reasonFor(name: string, known: boolean): string {
  let r = reasonCache.get(name);
  if (r === undefined) {
    r = insufficientReason(name);
    if (known) reasonCache.set(name, r);
  }
  return r;
}

/** The shared status of a node that only lacks a pod slot (the most common rejection). */
const TOO_MANY_PODS_STATUS = Status.unschedulable(REASON_TOO_MANY_PODS);

/** Which extended resources the Filter ignores (args ignoredResources / ignoredResourceGroups). */
export interface IgnoredResources {
  readonly names: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

/**
 * kube: only extended resources can be ignored, by exact name or by the prefix before `/`
 * (hugepages-* and kubernetes.io/ resources are always checked).
 */
export function isIgnored(name: string, ignored: IgnoredResources): boolean {
  if (ignored.names.size === 0 && ignored.groups.size === 0) return false;
  if (!isExtendedResourceName(name)) return false;
  if (ignored.names.has(name)) return true;
  return ignored.groups.size > 0 && ignored.groups.has(name.split('/')[0]!);
}

/** A pod's request vector for the fit kernel, plus its mask -> Status memo. */
export class FitRequest {
  /** Kernel input: slot per request (SLOT_ABSENT when no node declares the resource). */
  readonly slots: Int32Array;
  /** Kernel input: amount per request (cpu milli, others base units), all > 0. */
  readonly amounts: Float64Array;
  /** Resource names in check order (for reasons and explain output). */
  readonly names: readonly string[];
  /** Uint32 words per row in the kernel's output. */
  readonly words: number;
  private readonly reasons: readonly string[];
  private readonly memo = new Map<number | string, Status>();

  constructor(names: readonly string[], slots: Int32Array, amounts: Float64Array) {
    this.names = names;
    this.slots = slots;
    this.amounts = amounts;
    this.words = fitMaskWords(names.length);
    this.reasons = names.map((n, j) => reasonFor(n, slots[j] !== SLOT_ABSENT));
  }

  /** Number of requests checked (0 for a best-effort pod: only the pod count is checked). */
  get count(): number {
    return this.names.length;
  }

  /**
   * The Status for row i of a kernel output (null when it fits). Statuses are built once per
   * distinct mask and reused for every node with that mask.
   */
  statusAt(masks: Uint32Array, i: number): Status | null {
    const w = this.words;
    if (w === 1) {
      const m = masks[i]!;
      if (m === 0) return null;
      if (m === FIT_TOO_MANY_PODS) return TOO_MANY_PODS_STATUS;
      let s = this.memo.get(m);
      if (!s) {
        s = this.build(masks, i);
        this.memo.set(m, s);
      }
      return s;
    }
    // Pods with more than 31 requests (rare): key the memo by all words.
    let any = false;
    for (let k = 0; k < w; k++) if (masks[i * w + k] !== 0) any = true;
    if (!any) return null;
    const key = Array.from(masks.subarray(i * w, (i + 1) * w)).join(',');
    let s = this.memo.get(key);
    if (!s) {
      s = this.build(masks, i);
      this.memo.set(key, s);
    }
    return s;
  }

  private build(masks: Uint32Array, i: number): Status {
    const w = this.words;
    const reasons: string[] = [];
    if ((masks[i * w]! & FIT_TOO_MANY_PODS) !== 0) reasons.push(REASON_TOO_MANY_PODS);
    for (let j = 0; j < this.reasons.length; j++) {
      const bit = j + 1;
      if ((masks[i * w + (bit >>> 5)]! & (1 << (bit & 31))) !== 0) reasons.push(this.reasons[j]!);
    }
    // 1.32: always Unschedulable (1.34+ uses UnschedulableAndUnresolvable past total allocatable).
    return Status.unschedulable(...reasons);
  }
}

/**
 * kube's computePodResourceRequest + the per-pod part of fitsRequest: the pod's non-zero
 * requests in check order, minus ignored extended resources, each resolved to its table slot.
 */
export function buildFitRequest(pod: PodInfo, table: NodeTable, ignored: IgnoredResources): FitRequest {
  const names: string[] = [];
  const scalars: string[] = [];
  for (const name of [CPU, MEMORY, EPHEMERAL_STORAGE]) if ((pod.requests.get(name) ?? 0) > 0) names.push(name);
  for (const [name, amount] of pod.requests) {
    if (name === CPU || name === MEMORY || name === EPHEMERAL_STORAGE || name === PODS) continue;
    if (amount === 0 || isIgnored(name, ignored)) continue;
    scalars.push(name);
  }
  scalars.sort();
  names.push(...scalars);
  const slots = new Int32Array(names.length);
  const amounts = new Float64Array(names.length);
  names.forEach((name, j) => {
    const slot = table.slots.slotOf(name);
    slots[j] = slot < 0 || slot >= table.slotCount ? SLOT_ABSENT : slot;
    amounts[j] = pod.requests.get(name)!;
  });
  return new FitRequest(names, slots, amounts);
}

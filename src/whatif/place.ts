/**
 * Placing pending pods in a what-if, on the engine `schedule --all-pending` and `capacity` run:
 * PreEnqueue (scheduling gates) first, then kube's activeQ order (the profile's QueueSort:
 * PrioritySort, priority then creation time), then one scheduling cycle per pod, decided by
 * class batching where the plan allows it (each pod's class key is computed up front), each
 * placement committed before the next pod. Preemption is not run (world.ts whatifConfig).
 */
import type { Pod } from '../api/k8s.js';
import { CLASS_BATCHES_MAX } from '../model/limits.js';
import { classKeyOf, makePodInfo, type PodInfo } from '../model/pod-info.js';
import { queueOrder } from '../workloads/batch-pending.js';
import type { UnschedulablePod } from './result.js';
import type { WhatifWorld } from './world.js';

/** What placing a set of pods did. */
export interface PlaceOutcome {
  /** Pod key -> node, for the pods placed, in queue order. */
  readonly placed: Map<string, string>;
  /** Pods not placed (gated, no profile, FitError), in queue order; they stay pending. */
  readonly unschedulable: UnschedulablePod[];
}

/** Reports pods decided so far (a progress bar). */
export type OnPlaced = (done: number, total: number) => void;

/**
 * Schedules `pods` (pending pods of the world) in queue order; the placed ones leave
 * `world.pending`, the others stay in it.
 */
export function placePods(world: WhatifWorld, pods: readonly PodInfo[], onPlaced?: OnPlaced): PlaceOutcome {
  const s = world.scheduler;
  const placed = new Map<string, string>();
  const unschedulable: UnschedulablePod[] = [];
  const queued: PodInfo[] = [];
  for (const pod of pods) {
    const fw = s.frameworkFor(pod) ?? s.defaultFramework;
    const gate = fw.runPreEnqueue(pod);
    if (gate) unschedulable.push({ pod: pod.key, reason: `gated: ${gate.message()}` });
    else queued.push(pod);
  }
  // Admission (PriorityClass) before the queue sorts by priority, as the API server admits first.
  for (const p of queued) world.objects.admitPod(p);
  const queue = queueOrder(queued, s.defaultFramework.queueSort);
  markClasses(queue);
  let done = 0;
  // The last pod that fit nowhere: a pod of its class after it, with the state unchanged since
  // (nothing placed in between), gets the same cycle and so the same FitError (a failing cycle
  // changes nothing: no placement, no tie-break draw, no preemption here). Class batching cannot
  // decide failures, so this saves a full cycle for each of a class's pods that do not fit.
  let lastFail: { key: string; generation: number; reason: string } | undefined;
  for (const pod of queue) {
    onPlaced?.(++done, queue.length);
    const fw = s.frameworkFor(pod);
    if (!fw) {
      unschedulable.push({ pod: pod.key, reason: `no profile for schedulerName "${pod.schedulerName}"` });
      continue;
    }
    if (lastFail !== undefined && pod.classKey === lastFail.key && world.state.generation === lastFail.generation) {
      unschedulable.push({ pod: pod.key, reason: lastFail.reason });
      continue;
    }
    const cs = fw.newCycleState();
    const start = s.nextStartNodeIndex;
    const r = s.schedulePod(pod, {}, fw, cs);
    if (r.selectedNode === null) {
      const reason = r.message ?? r.status?.message() ?? 'the pod could not be scheduled';
      unschedulable.push({ pod: pod.key, reason });
      // Sampled filtering (percentageOfNodesToScore) moves its start even when a pod fails: then every cycle counts.
      const repeatable = pod.classKey !== undefined && s.nextStartNodeIndex === start;
      lastFail = repeatable ? { key: pod.classKey!, generation: world.state.generation, reason } : undefined;
      continue;
    }
    const c = s.commit(fw, cs, pod, r.selectedNode);
    if (c.kind === 'rejected') {
      unschedulable.push({ pod: pod.key, reason: c.status.message() });
      continue;
    }
    placed.set(pod.key, r.selectedNode);
  }
  if (placed.size > 0) {
    const left = world.pending.filter((p) => !placed.has(p.key));
    world.pending.length = 0;
    for (const p of left) world.pending.push(p);
  }
  return { placed, unschedulable };
}

/**
 * Sets the class key of the pods whose class has other pods near them in the queue, so class
 * batching shares their decisions. Class batching keeps the batches of the last few classes
 * (CLASS_BATCHES_MAX), so a pod whose class does not come again soon would build a batch it uses
 * once; such a pod keeps no key and takes the plain cycle (the same decision: class batching
 * reproduces it). Measured on the Alibaba trace (8,152 pods, their shapes interleaved by creation
 * time): building those batches was most of the run.
 */
function markClasses(queue: readonly PodInfo[]): void {
  const keys = queue.map((p) => p.classKey ?? classKeyOf(p.pod));
  const near = CLASS_BATCHES_MAX;
  queue.forEach((p, i) => {
    if (p.classKey !== undefined) return;
    for (let j = Math.max(0, i - near); j <= Math.min(keys.length - 1, i + near); j++) {
      if (j !== i && keys[j] === keys[i]) {
        p.classKey = keys[i]!;
        return;
      }
    }
  });
}

/** Places every pending pod of the world. */
export function placePending(world: WhatifWorld, onPlaced?: OnPlaced): PlaceOutcome {
  return placePods(world, [...world.pending], onPlaced);
}

/** Whether a pod belongs to a DaemonSet (its controller ownerReference), which kubectl drain leaves. */
export function isDaemonSetPod(pod: Pod): boolean {
  return (pod.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.kind === 'DaemonSet');
}

/** The kubelet's mirror pod annotation (a static pod's API object; kubectl drain leaves it). */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** Whether a pod is a mirror pod. */
export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined;
}

/**
 * The pending pod a controller makes again for one it lost (an eviction, a deleted node): the
 * same pod without its node and status, so it queues and schedules afresh. Name and identity are
 * kept (the replacement's new name would change nothing a scheduler reads), so reports can follow
 * it from where it was to where it goes.
 */
export function pendingAgain(info: PodInfo): PodInfo {
  const { nodeName: _n, ...spec } = info.pod.spec as Pod['spec'] & { nodeName?: string };
  const pod: Pod = { ...info.pod, spec: spec as Pod['spec'] };
  delete (pod as { status?: unknown }).status;
  const again = makePodInfo(pod);
  again.priority = info.priority;
  return again;
}

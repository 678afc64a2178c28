/**
 * The scheduling queue (src/framework/queue.ts): PrioritySort order, kube's backoff timing with a
 * fake clock, unschedulable pods moved back by cluster events and the 5-minute flush, gates.
 */
import { describe, expect, it } from 'vitest';
import { SchedulingQueue, type Clock } from '../../src/framework/queue.js';
import { makePodInfo, type PodInfo } from '../../src/model/pod-info.js';
import { less } from '../../src/plugins/priority-sort/index.js';
import { preEnqueue } from '../../src/plugins/scheduling-gates/index.js';
import { makePod } from '../helpers/builders.js';

class FakeClock implements Clock {
  t = 1_000_000;
  now(): number { return this.t; }
  step(ms: number): void { this.t += ms; }
}

const pod = (name: string, priority = 0, created = '2024-01-01T00:00:00Z'): PodInfo =>
  makePodInfo(makePod(name).priority(priority).created(created).build());

function queue(clock = new FakeClock(), initial = 1, max = 10) {
  const q = new SchedulingQueue({ less, preEnqueue, podInitialBackoffSeconds: initial, podMaxBackoffSeconds: max, clock });
  return { q, clock };
}

describe('SchedulingQueue', () => {
  it('pops in PrioritySort order: priority first, then creation time', () => {
    const { q } = queue();
    q.add(pod('low', 0, '2024-01-01T00:00:00Z'));
    q.add(pod('high-late', 10, '2024-01-01T00:00:05Z'));
    q.add(pod('high-early', 10, '2024-01-01T00:00:01Z'));
    q.add(pod('mid', 5));
    expect([q.pop(), q.pop(), q.pop(), q.pop()].map((x) => x?.pod.pod.metadata.name)).toEqual(['high-early', 'high-late', 'mid', 'low']);
    expect(q.pop()).toBeUndefined();
  });

  it.each([
    // attempts -> backoff (kube: 1 s doubling, capped at podMaxBackoffSeconds 10)
    [1, 1000], [2, 2000], [3, 4000], [4, 8000], [5, 10_000], [9, 10_000],
  ])('backoff after %i attempt(s) is %i ms', (attempts, ms) => {
    const { q } = queue();
    expect(q.backoffDurationMs(attempts)).toBe(ms);
  });

  it('uses the configured podInitialBackoffSeconds and podMaxBackoffSeconds', () => {
    const { q } = queue(new FakeClock(), 2, 5);
    expect([1, 2, 3, 4].map((a) => q.backoffDurationMs(a))).toEqual([2000, 4000, 5000, 5000]);
  });

  it('an errored pod waits out its backoff in backoffQ, then returns to activeQ', () => {
    const { q, clock } = queue();
    q.add(pod('a'));
    let p = q.pop()!;
    q.requeue(p, true);
    expect(q.counts()).toMatchObject({ active: 0, backoff: 1 });
    clock.step(999);
    q.flushBackoffCompleted();
    expect(q.counts().backoff).toBe(1);
    clock.step(1);
    q.flushBackoffCompleted();
    expect(q.counts()).toMatchObject({ active: 1, backoff: 0 });
    // Second failure: 2 s.
    p = q.pop()!;
    expect(p.attempts).toBe(2);
    q.requeue(p, true);
    clock.step(1999);
    q.flushBackoffCompleted();
    expect(q.counts().backoff).toBe(1);
    clock.step(1);
    q.flushBackoffCompleted();
    expect(q.counts().active).toBe(1);
  });

  it('an unschedulable pod waits until a cluster event, then goes to backoffQ while backing off, else to activeQ', () => {
    const { q, clock } = queue();
    q.add(pod('a'));
    q.add(pod('b', 1));
    const b = q.pop()!;
    const a = q.pop()!;
    q.requeue(b, false);
    clock.step(5000);
    q.requeue(a, false);
    expect(q.counts()).toMatchObject({ unschedulable: 2 });
    clock.step(500); // a backs off until +1000, b's ended long ago
    q.moveAllToActiveOrBackoff('NodeAdd');
    expect(q.counts()).toMatchObject({ active: 1, backoff: 1, unschedulable: 0 });
    expect(q.pop()!.pod.pod.metadata.name).toBe('b');
    clock.step(500);
    q.flushBackoffCompleted();
    expect(q.pop()!.pod.pod.metadata.name).toBe('a');
  });

  it('a move request during a pod\'s cycle sends it to backoffQ instead of unschedulablePods', () => {
    const { q } = queue();
    q.add(pod('a'));
    const a = q.pop()!;
    q.moveAllToActiveOrBackoff('AssignedPodDelete');
    q.requeue(a, false);
    expect(q.counts()).toMatchObject({ backoff: 1, unschedulable: 0 });
  });

  it('flushes pods unschedulable for more than 5 minutes', () => {
    const { q, clock } = queue();
    q.add(pod('a'));
    q.requeue(q.pop()!, false);
    clock.step(5 * 60_000);
    q.flushUnschedulableLeftover();
    expect(q.counts().unschedulable).toBe(1);
    clock.step(1);
    q.flushUnschedulableLeftover();
    expect(q.counts()).toMatchObject({ unschedulable: 0, active: 1 });
  });

  it('holds gated pods until an update removes the gates; they are never popped meanwhile', () => {
    const { q } = queue();
    const gated = makePod('g').build();
    gated.spec.schedulingGates = [{ name: 'example.com/wait' }, { name: 'other' }];
    q.add(makePodInfo(gated));
    expect(q.counts()).toMatchObject({ gated: 1, active: 0 });
    expect(q.pop()).toBeUndefined();
    expect(q.gatedPods()[0]!.status.message()).toBe('waiting for scheduling gates: [example.com/wait other]');
    gated.spec.schedulingGates = [];
    q.update(makePodInfo(gated));
    expect(q.counts()).toMatchObject({ gated: 0, active: 1 });
    expect(q.pop()!.attempts).toBe(1);
  });

  it('an updated unschedulable pod moves back; a deleted pod leaves every sub-queue', () => {
    const { q, clock } = queue();
    q.add(pod('a'));
    q.requeue(q.pop()!, false);
    clock.step(2000);
    q.update(pod('a', 5));
    expect(q.counts().active).toBe(1);
    q.delete('default/a');
    expect(q.counts()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 0 });
    expect(q.has('default/a')).toBe(false);
  });

  it('a pod deleted while popped is not requeued', () => {
    const { q } = queue();
    q.add(pod('a'));
    const a = q.pop()!;
    q.delete('default/a');
    q.requeue(a, true);
    expect(q.counts()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 0 });
  });
});

describe('SchedulingQueue status-only updates', () => {
  it('a status-only update (the scheduler\'s own condition) does not move an unschedulable pod', () => {
    const { q, clock } = queue();
    const p = makePod('a').build();
    q.add(makePodInfo(p));
    q.requeue(q.pop()!, false);
    const withStatus = structuredClone(p);
    withStatus.metadata.resourceVersion = '7';
    withStatus.status = { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] };
    q.update(makePodInfo(withStatus));
    expect(q.counts()).toMatchObject({ unschedulable: 1, active: 0 });
    const relabeled = structuredClone(withStatus);
    relabeled.metadata.labels = { x: 'y' };
    clock.step(1000);
    q.update(makePodInfo(relabeled));
    expect(q.counts()).toMatchObject({ unschedulable: 0, active: 1 });
  });
});

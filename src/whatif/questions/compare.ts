/**
 * compare: the scenario under several profiles. For each configuration, the cluster after the
 * steps as that configuration leaves it (the steps run again under it when one of them
 * schedules), then every pending pod placed in kube's queue order; reported: pods placed and not,
 * nodes used, per-resource utilisation (mean and spread), fragmentation against the pending and
 * template shapes, kube's reasons for what did not fit, and the per-node allocation.
 */
import { placePending } from '../place.js';
import type { CompareResult, ProfileOutcome } from '../result.js';
import { clusterUsage, fragmentation, nodesUsed, utilizationStats } from '../usage.js';
import type { QuestionContext, QuestionDef, QuestionOf } from './types.js';

/** One profile of a compare: the cluster after the steps under it, every pending pod placed. */
function profileOutcome(q: QuestionOf<'compare'>, i: number, ctx: QuestionContext): ProfileOutcome {
  const c = q.configs[i]!;
  const world = ctx.stepsUnder(c.config);
  const shapes = [...world.pending, ...ctx.templates];
  const r = placePending(world, ctx.onPlaced);
  const allocation = clusterUsage(world.state);
  const reasons = new Map<string, number>();
  for (const u of r.unschedulable) reasons.set(u.reason, (reasons.get(u.reason) ?? 0) + 1);
  return {
    config: c.name,
    scheduled: r.placed.size,
    unschedulable: r.unschedulable.length,
    nodesUsed: nodesUsed(allocation),
    utilization: utilizationStats(allocation),
    fragmentation: fragmentation(world.scheduler, allocation, shapes),
    unschedulableReasons: [...reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([reason, pods]) => ({ reason, pods })),
    allocation,
  };
}

/** Each profile is a part (`--workers` runs them apart). */
export const compare: QuestionDef<'compare'> = {
  parts: (q) => q.configs.length,
  runPart: profileOutcome,
  join: (q, parts): CompareResult => ({ name: q.name, type: 'compare', profiles: parts as ProfileOutcome[] }),
};

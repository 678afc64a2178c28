/**
 * maxReplicas: how many more of a template fit after the steps, where, and why the next does
 * not: `podfit capacity` (capacity.ts, cluster-capacity's semantics, class batching) on a copy
 * of the cluster after the steps. Pending pods stay pending: they hold nothing until scheduled.
 */
import { InputError } from '../../api/errors.js';
import { ModelInputError } from '../../model/errors.js';
import { makePodInfo, type PodInfo } from '../../model/pod-info.js';
import { capacityDefaults, runCapacity } from '../capacity.js';
import type { MaxReplicasResult } from '../result.js';
import { clusterUsage } from '../usage.js';
import type { QuestionOf, QuestionRunner } from './types.js';

/** The question's template as capacity runs it (cluster-capacity's defaults), or an InputError naming it. */
export function maxReplicasTemplate(q: QuestionOf<'maxReplicas'>, file: string): PodInfo {
  try {
    return makePodInfo(capacityDefaults(q.template.object));
  } catch (e) {
    if (e instanceof ModelInputError) throw new InputError(`${q.template.source}: ${e.message}`, `${q.path}.maxReplicas.template`);
    throw e;
  }
}

export const maxReplicas: QuestionRunner<'maxReplicas'> = (q, ctx): MaxReplicasResult => {
  const world = ctx.afterSteps();
  const info = maxReplicasTemplate(q, ctx.file);
  if (!world.scheduler.frameworkFor(info)) {
    const profiles = [...world.scheduler.frameworks.keys()].join(', ');
    throw new InputError(`${q.template.source}: spec.schedulerName: "${info.schedulerName}" matches no profile of the configuration (profiles: ${profiles})`, `${q.path}.maxReplicas.template`);
  }
  const out = runCapacity(world.scheduler, [{ info, source: q.template.source }], q.limit !== undefined ? { maxLimit: q.limit } : {});
  const t = out.templates[0]!;
  return {
    name: q.name,
    type: 'maxReplicas',
    replicas: t.placed,
    failReason: { failType: t.stop.type, failMessage: t.stop.message },
    replicasOnNodes: [...t.replicasOnNodes].map(([nodeName, replicas]) => ({ nodeName, replicas })),
    after: clusterUsage(world.state),
  };
};

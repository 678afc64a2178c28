/**
 * minNodes (issue 14): the fewest nodes (or the cheapest mix of priced node shapes) to add for the
 * pods, with a lower bound: minnodes/index.ts solveMinNodes on a copy of the cluster after the
 * steps (it adds nodes and binds pods, so never on the run's own cluster). The pods are the
 * pending pods after the steps, or the question's Pod templates x replicas (`<name>-<k>`, cloned
 * from the template as an addPods step clones it).
 */
import { InputError } from '../../api/errors.js';
import { ModelInputError } from '../../model/errors.js';
import { clonePodInfo, makePodInfo, type PodInfo } from '../../model/pod-info.js';
import { capacityDefaults } from '../capacity.js';
import { solveMinNodes, solveMinNodesParallel, type MinNodesOptions, type MinNodesResult } from '../minnodes/index.js';
import type { JobRunner } from '../minnodes/jobs.js';
import type { MinNodesQuestionResult } from '../result.js';
import { clusterUsage } from '../usage.js';
import type { WhatifWorld } from '../world.js';
import { singlePart, type QuestionDef, type QuestionOf, type QuestionRunner } from './types.js';

/** The question's pods: the pending pods after the steps, or its templates' replicas. */
export function minNodesPods(q: QuestionOf<'minNodes'>, world: WhatifWorld): PodInfo[] {
  if (q.pods === null) return [...world.pending];
  const out: PodInfo[] = [];
  q.pods.forEach((p, k) => {
    let base: PodInfo;
    try {
      base = makePodInfo(capacityDefaults(p.template.object));
    } catch (e) {
      if (e instanceof ModelInputError) throw new InputError(`${p.template.source}: ${e.message}`, `${q.path}.minNodes.pods[${k}].template`);
      throw e;
    }
    for (let i = 0; i < p.replicas; i++) {
      const name = `${base.name}-${i}`;
      out.push(clonePodInfo(base, name, `minnodes-${base.namespace}-${name}`));
    }
  });
  return out;
}

/** The solver's settings for a question; the seed is the run's. */
export function minNodesOptions(q: QuestionOf<'minNodes'>, seed: number): MinNodesOptions {
  return {
    templates: q.nodeTemplates.map((t) => ({
      node: t.template.object,
      ...(t.price !== undefined ? { price: t.price } : {}),
      ...(t.max !== undefined ? { max: t.max } : {}),
      ...(t.name !== undefined ? { name: t.name } : {}),
      ...(t.prefix !== undefined ? { prefix: t.prefix } : {}),
    })),
    objective: q.objective,
    timeLimitSeconds: q.timeLimitSeconds,
    seed,
  };
}

/** The solver's answer as the question's: named, with the cluster after it. */
function answer(q: QuestionOf<'minNodes'>, world: WhatifWorld, r: MinNodesResult): MinNodesQuestionResult {
  return { name: q.name, ...r, after: clusterUsage(world.state) };
}

export const minNodes: QuestionRunner<'minNodes'> = (q, ctx): MinNodesQuestionResult => {
  const world = ctx.afterSteps();
  return answer(q, world, solveMinNodes(world.scheduler, minNodesPods(q, world), minNodesOptions(q, world.engine.seed)));
};

/**
 * The question: one part, with the heuristic portfolio on a worker pool when one is given (the
 * packing equals the one of `minNodes`: minnodes/jobs.ts keeps the best in portfolio order).
 */
export const minNodesQuestion: QuestionDef<'minNodes'> = {
  ...singlePart(minNodes),
  runPartOn: async (q, _part, ctx, runner: JobRunner) => {
    const world = ctx.afterSteps();
    return answer(q, world, await solveMinNodesParallel(world.scheduler, minNodesPods(q, world), minNodesOptions(q, world.engine.seed), runner));
  },
};

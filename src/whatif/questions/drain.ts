/**
 * drain: can these nodes be emptied? The drain (drain.ts: kubectl drain's evictions, PDBs
 * honoured, the evicted pods scheduled) on a copy of the cluster after the steps; drainable when
 * every evictable pod was evicted and found a node.
 */
import { drainNodes } from '../drain.js';
import type { DrainResult } from '../result.js';
import { targetNodes } from '../steps.js';
import { clusterUsage } from '../usage.js';
import type { QuestionRunner } from './types.js';

export const drain: QuestionRunner<'drain'> = (q, ctx): DrainResult => {
  const world = ctx.afterSteps();
  const nodes = targetNodes(world, q.target, ctx.stepContext, `${q.path}.drain`);
  const d = drainNodes(world, nodes);
  return {
    name: q.name,
    type: 'drain',
    drainable: d.pods.every((p) => p.to !== null),
    nodes,
    pods: d.pods,
    blockingPdbs: [...d.blockingPdbs].map(([pdb, pods]) => ({ pdb, pods })),
    ignored: d.ignored,
    after: clusterUsage(world.state),
  };
};

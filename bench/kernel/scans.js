// Kernel scans on a SchedulingBasic-like NodeTable, each engine against its TS reference (js):
//   score rows      score_rows over every node (fit check + LeastAllocated + BalancedAllocation),
//                   the fused cycle's work for a new pod shape or with the score cache off
//   scan classes    scan_classes over cached totals (the fused cycle's per-cycle pass)
//   select nth      select_nth for a tie in the middle
//   fit batch       fit_batch (the general path's NodeResourcesFit Filter)
//   least / balanced score_resources (the general path's resource Score plugins)
import b from 'benny';
import { dist, engines, resultsDir, usPerOp } from '../common.js';

const { NodeTable } = await dist('model/node-table.js');
const { STRATEGY_LEAST_ALLOCATED, STRATEGY_BALANCED_ALLOCATION } = await dist('kernel/kernels.js');

const GiB = 2 ** 30;

function table(kernels, n) {
  const t = new NodeTable(kernels.createTableMemory(), 64);
  t.ensure(n);
  for (let r = 0; r < n; r++) {
    const pods = r % 7;
    t.setAllocatable(0, r, 4000);
    t.setAllocatable(1, r, 32 * GiB);
    t.setAllocatable(3, r, 110);
    t.addRequested(0, r, pods * 100);
    t.addRequested(1, r, pods * 500 * 2 ** 20);
    t.addRequested(3, r, pods);
    t.addNonZero(r, pods * 100, pods * 500 * 2 ** 20);
    t.touch(r);
  }
  return t;
}

/** Runs the kernel suite at one size; returns { nodes, cases: {name: µs} }. */
export async function runKernelSuite(nodes, { maxTime = 1 } = {}) {
  const opts = { maxTime, minSamples: 5 };
  const cases = [];
  const empty = new Float64Array(0);
  for (const [name, k] of await engines()) {
    const t = table(k, nodes);
    const rows = k.allocI32(nodes);
    for (let i = 0; i < nodes; i++) rows[i] = i;
    const classes = k.allocI32(nodes);
    const classPass = k.allocI32(1);
    classPass[0] = 1;
    const classFeasible = k.allocI32(1);
    const classMax = k.allocF64(1);
    const classTies = k.allocI32(1);
    const classScore = k.allocF64(1);
    const slots = k.allocI32(2);
    slots.set([0, 1]);
    const amounts = k.allocF64(2);
    amounts.set([100, 500 * 2 ** 20]);
    const weights = k.allocF64(2);
    weights.set([1, 1]);
    const scorers = [
      { strategy: STRATEGY_LEAST_ALLOCATED, slots, weights, podRequests: amounts, resourceCount: 2, useNonZero: 1, shapeUtilization: empty, shapeScore: empty, shapeCount: 0, pluginWeight: 1 },
      { strategy: STRATEGY_BALANCED_ALLOCATION, slots, weights, podRequests: amounts, resourceCount: 2, useNonZero: 0, shapeUtilization: empty, shapeScore: empty, shapeCount: 0, pluginWeight: 1 },
    ];
    const totals = k.allocF64(t.capacity);
    const masks = k.allocI32(nodes);
    const masksU32 = new Uint32Array(masks.buffer, masks.byteOffset, nodes);
    const out = k.allocF64(nodes);
    const fit = { count: 2, slots, amounts };
    k.scoreRows(t.region, t.capacity, t.slotCount, rows, nodes, fit, scorers, totals);
    const set = { rowTotals: totals, rows: null, classes, singleClass: 0, n: nodes, classPass };
    classFeasible[0] = 0;
    k.scanClasses(set, classFeasible, classMax, classTies);
    const max = classMax[0];
    const mid = Math.floor(classTies[0] / 2);
    cases.push(
      b.add(`${name} score rows`, () => () => k.scoreRows(t.region, t.capacity, t.slotCount, rows, nodes, fit, scorers, totals), opts),
      b.add(`${name} scan classes`, () => () => {
        classFeasible[0] = 0;
        k.scanClasses(set, classFeasible, classMax, classTies);
      }, opts),
      b.add(`${name} select nth`, () => () => k.selectNth(set, classScore, max, mid), opts),
      b.add(`${name} fit batch`, () => () => k.fitBatch(t.region, t.capacity, rows, nodes, fit, masksU32), opts),
      b.add(`${name} least`, () => () => k.resourceScoreBatch(t.region, t.capacity, t.slotCount, rows, nodes, scorers[0], out), opts),
      b.add(`${name} balanced`, () => () => k.resourceScoreBatch(t.region, t.capacity, t.slotCount, rows, nodes, scorers[1], out), opts),
    );
  }
  const summary = await b.suite(
    `kernels-${nodes}-nodes`,
    ...cases,
    b.cycle(),
    b.complete(),
    b.save({ file: `kernels-${nodes}`, folder: resultsDir(), details: true, format: 'json' }),
  );
  return { nodes, cases: Object.fromEntries(summary.results.map((r) => [r.name, { usPerOp: usPerOp(r), samples: r.samples, rme: r.details.relativeMarginOfError }])) };
}

// minNodes' numeric core on every reference instance of ../shared/data/binpacking (issue 14's
// goals): per class, the mean gap to the optimum of our answer, of first-fit decreasing (L1) and
// of the best heuristic Mommessin et al. 2025 report for the same instances (`best_overall` of
// their tables: the best of all their heuristics, per instance), on the instances whose optimum
// is known, next to the published aggregate. Then the Kubernetes path: N pending pods of mixed
// shapes onto one node template (solveMinNodes with the default profile's filters).
//
//   nice -n 10 node bench/minnodes/run.mjs [--time-limit 2] [--effort 20000000] [--sets panigrahy,new,triplet,triplet2d,bpp1d]
//                                          [--pods 10000] [--pods-time-limit 10] [--only REGEX] [--out FILE] [--keep-order]
// Runs the TypeScript sources through src/parallel/ts-hooks.mjs (no build needed).
import { register } from 'node:module';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadInstances } from './instances.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
register(path.join(ROOT, 'src/parallel/ts-hooks.mjs'), import.meta.url);
const src = (p) => import(path.join(ROOT, 'src', p));

const { values } = parseArgs({ options: {
  'time-limit': { type: 'string', default: '2' }, effort: { type: 'string', default: '20000000' },
  sets: { type: 'string', default: 'panigrahy,new,triplet,triplet2d,bpp1d' }, only: { type: 'string' },
  pods: { type: 'string', default: '10000' }, 'pods-time-limit': { type: 'string', default: '10' }, out: { type: 'string' }, seed: { type: 'string', default: '1' }, 'keep-order': { type: 'boolean', default: false },
} });

/** Published aggregates (CAPACITY-FACTS.md §4: known-OPT rows, all d, best of all heuristics). */
const PUBLISHED = { panigrahy: 1.6, new: 5.2, triplet: 16.8 };

const { plainModel, solveNumeric } = await src('whatif/minnodes/solve.ts');
const timeLimitSeconds = Number(values['time-limit']);
const effortMax = Number(values.effort);
const seed = Number(values.seed);
const only = values.only ? new RegExp(values.only) : undefined;
const rows = [];
const t0 = performance.now();
// Items shuffled (seeded by the instance name) unless --keep-order: the upstream triplet files list
// each optimal triplet consecutively, which a sort whose ties keep input order can exploit.
for (const inst of loadInstances({ sets: values.sets.split(','), shuffle: !values['keep-order'] })) {
  if (only && !only.test(inst.name)) continue;
  const m = plainModel(inst.capacity.map((_, d) => `d${d}`), [{ name: 'bin', capacity: inst.capacity }], inst.items);
  const r = solveNumeric(m, { timeLimitSeconds, effortMax, seed });
  rows.push({
    set: inst.set, cls: inst.cls, name: inst.name, n: inst.items.length, opt: inst.opt, ours: r.nodes, ffd: r.ffd.nodes, bound: r.bounds.nodes,
    published: inst.published?.overall, seconds: r.seconds, heuristic: r.heuristic, stop: r.search?.stop,
  });
  if (r.nodes > r.ffd.nodes) console.error(`WORSE THAN FFD: ${inst.name} ${r.nodes} > ${r.ffd.nodes}`);
  if (r.nodes < r.bounds.nodes || (inst.opt > 0 && r.nodes < inst.opt)) console.error(`BELOW BOUND/OPT (bug): ${inst.name}`);
}
const totalSeconds = (performance.now() - t0) / 1000;

const pct = (x) => (x === undefined || Number.isNaN(x) ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const gap = (v, opt) => (v - opt) / opt;
function summarise(label, rs) {
  const known = rs.filter((r) => r.opt > 0);
  const pub = known.filter((r) => r.published !== undefined);
  return {
    label, instances: rs.length, knownOpt: known.length,
    ours: mean(known.map((r) => gap(r.ours, r.opt))), ffd: mean(known.map((r) => gap(r.ffd, r.opt))),
    published: pub.length ? mean(pub.map((r) => gap(r.published, r.opt))) : undefined,
    optHit: known.filter((r) => r.ours === r.opt).length, worseThanFfd: rs.filter((r) => r.ours > r.ffd).length,
    seconds: mean(rs.map((r) => r.seconds)), maxSeconds: Math.max(...rs.map((r) => r.seconds)),
  };
}
const lines = [];
const out = (s = '') => { lines.push(s); console.log(s); };
out(`minNodes numeric core: ${rows.length} instances (${values['keep-order'] ? 'items in file order' : 'items shuffled, seeded by name'}), time limit ${timeLimitSeconds} s, effort ${effortMax}, seed ${seed}; ${totalSeconds.toFixed(0)} s in all`);
out(`machine: ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}, ${new Date().toISOString()}`);
out('mean gap to the optimum over the instances with a known optimum; "published" = best_overall of Mommessin et al. on the same instances');
out('');
out('| set | class | inst | known OPT | ours | FFD | published best | OPT hit | worse than FFD | mean s | max s |');
out('|---|---|---|---|---|---|---|---|---|---|---|');
const sets = [...new Set(rows.map((r) => r.set))];
const summaries = {};
for (const set of sets) {
  const inSet = rows.filter((r) => r.set === set);
  for (const cls of [...new Set(inSet.map((r) => r.cls))]) {
    const s = summarise(cls, inSet.filter((r) => r.cls === cls));
    out(`| ${set} | ${cls} | ${s.instances} | ${s.knownOpt} | ${pct(s.ours)} | ${pct(s.ffd)} | ${pct(s.published)} | ${s.optHit}/${s.knownOpt} | ${s.worseThanFfd} | ${s.seconds.toFixed(2)} | ${s.maxSeconds.toFixed(2)} |`);
  }
  const s = summarise('all', inSet);
  summaries[set] = s;
  out(`| **${set}** | **all** | ${s.instances} | ${s.knownOpt} | **${pct(s.ours)}** | ${pct(s.ffd)} | ${pct(s.published)} | ${s.optHit}/${s.knownOpt} | ${s.worseThanFfd} | ${s.seconds.toFixed(2)} | ${s.maxSeconds.toFixed(2)} |`);
}
out('');
out('published aggregates (all d, CAPACITY-FACTS.md §4): ' + Object.entries(PUBLISHED).map(([k, v]) => `${k} ${v}%`).join(', '));

let k8s;
const pods = Number(values.pods);
if (pods > 0) {
  k8s = await podsRun(pods, Number(values['pods-time-limit']));
  out('');
  out(`Kubernetes path: ${pods} pending pods (${k8s.shapes} shapes) onto one template (${k8s.template}): ${k8s.nodes} nodes, lower bound ${k8s.lowerBound}, gap ${pct(k8s.gap)}, `
    + `numeric ${k8s.numericNodes} (FFD ${k8s.ffdNodes}), ${k8s.unschedulable} unschedulable, ${k8s.seconds.toFixed(2)} s (of which numeric ${k8s.numericSeconds.toFixed(2)} s, search stopped by ${k8s.searchStop}; time limit ${values['pods-time-limit']} s)`);
}
if (values.out) writeFileSync(values.out, JSON.stringify({ rows, summaries, k8s, lines }, null, 1));

/** N pods of mixed cpu/memory shapes (9 x 9 request sizes, drawn by a fixed LCG) onto one 16-cpu, 64Gi, 110-pod template. */
async function podsRun(n, timeLimit) {
  const { defaultSchedulerConfig } = await src('api/config.ts');
  const { Scheduler } = await src('framework/scheduler.ts');
  const { createJsKernels } = await src('kernel/js-kernels.ts');
  const { ClusterState } = await src('model/cluster-state.ts');
  const { makePodInfo } = await src('model/pod-info.ts');
  const { REGISTRY } = await src('plugins/registry.ts');
  const { solveMinNodes } = await src('whatif/minnodes/index.ts');
  const kernels = createJsKernels();
  const state = new ClusterState(kernels.createTableMemory());
  const scheduler = new Scheduler({ registry: REGISTRY, state, kernels, config: defaultSchedulerConfig(), seed: 1 });
  const cpusM = [100, 250, 500, 750, 1000, 1500, 2000, 3000, 4000];
  // Memory-heavy shapes too, so that cpu and memory both bind (cpu ~14,500 cores, memory ~55 TiB: ~906 vs ~870 nodes by volume).
  const memMi = [256, 512, 1024, 2048, 4096, 6144, 8192, 12288, 16384];
  const shapes = new Set();
  const pending = [];
  let x = 12345;
  const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) {
    const c = cpusM[Math.floor(rnd() * cpusM.length)];
    const m = memMi[Math.floor(rnd() * memMi.length)];
    shapes.add(`${c}/${m}`);
    pending.push(makePodInfo({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: 'bench', uid: `u-${i}` },
      spec: { schedulerName: 'default-scheduler', containers: [{ name: 'c', resources: { requests: { cpu: `${c}m`, memory: `${m}Mi` } } }] } }));
  }
  const template = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'm5-4xlarge', labels: { 'node.kubernetes.io/instance-type': 'm5.4xlarge' } },
    status: { allocatable: { cpu: '16', memory: '64Gi', pods: '110' } } };
  const r = solveMinNodes(scheduler, pending, { templates: [{ node: template }], timeLimitSeconds: timeLimit, seed: 1 });
  return { shapes: shapes.size, template: '16 cpu / 64Gi / 110 pods', nodes: r.nodes, lowerBound: r.lowerBound, gap: r.gap, numericNodes: r.numeric.nodes,
    ffdNodes: r.numeric.ffdNodes, unschedulable: r.unschedulable.length, seconds: r.seconds, numericSeconds: r.numeric.seconds, searchStop: r.numeric.searchStop };
}

// `npm run bench`: podfit's benchmarks (needs `npm run build`). Results go to bench/results/
// (gitignored): benny's JSON per suite, a summary JSON and a Markdown summary that BENCHMARKS.md
// quotes.
//
//   node bench/run.js [--only cycle,kernels,breakdown,e2e] [--sizes 500,5000,50000] [--runs N] [--quick]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { machine, resultsDir } from './common.js';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const only = new Set((flag('--only') ?? 'cycle,kernels,breakdown,e2e').split(','));
const sizes = (flag('--sizes') ?? (quick ? '500,5000' : '500,5000,50000')).split(',').map(Number);
const runs = Number(flag('--runs') ?? (quick ? 2 : 5));
const maxTime = quick ? 1 : 3;

const started = new Date();
const summary = { date: started.toISOString(), machine: machine(), command: `node bench/run.js ${args.join(' ')}`.trim(), cycle: [], kernels: [], breakdown: null, e2e: null };

if (only.has('cycle')) {
  const { runCycleSuite } = await import('./framework/cycle.js');
  for (const n of sizes) summary.cycle.push(await runCycleSuite(n, { maxTime }));
}
if (only.has('kernels')) {
  const { runKernelSuite } = await import('./kernel/scans.js');
  for (const n of sizes.filter((s) => s >= 5000)) summary.kernels.push(await runKernelSuite(n, { maxTime: quick ? 0.5 : 1 }));
}
if (only.has('breakdown')) {
  const { runBreakdown } = await import('./framework/breakdown.js');
  summary.breakdown = await runBreakdown(5000);
}
if (only.has('e2e')) {
  const { runSchedulingBasic } = await import('./workloads/scheduling-basic.js');
  console.log(`podfit bench SchedulingBasic --nodes 5000 --pods 10000, ${runs} runs per engine:`);
  summary.e2e = runSchedulingBasic({ nodes: 5000, pods: 10000, runs });
}

const stamp = started.toISOString().replace(/[:.]/g, '-');
const dir = resultsDir();
writeFileSync(path.join(dir, `summary-${stamp}.json`), JSON.stringify(summary, null, 2));
const md = markdown(summary);
writeFileSync(path.join(dir, `summary-${stamp}.md`), md);
console.log(`\n${md}\nwritten: bench/results/summary-${stamp}.{json,md}`);

function fmt(x, digits = 1) {
  return x === undefined ? '-' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits);
}

function markdown(s) {
  const lines = [];
  lines.push(`Run ${s.date} on ${s.machine.cpuModel}, ${s.machine.cpus} CPUs, Node ${s.machine.node} (${s.machine.platform}); \`${s.command}\`.`, '');
  if (s.cycle.length > 0) {
    const names = Object.keys(s.cycle[0].cases);
    lines.push('One scheduling cycle (schedulePod + assume), µs, median of benny samples:', '');
    lines.push(`| case | ${s.cycle.map((c) => `${c.nodes.toLocaleString('en-US')} nodes`).join(' | ')} |`);
    lines.push(`|---|${s.cycle.map(() => '---:').join('|')}|`);
    for (const n of names) lines.push(`| ${n} | ${s.cycle.map((c) => fmt(c.cases[n]?.usPerCycle)).join(' | ')} |`);
    lines.push('');
    lines.push('Ratios in the same run (higher = the second is faster):', '');
    const ratio = (c, a, b) => fmt(c.cases[a].usPerCycle / c.cases[b].usPerCycle, 2);
    lines.push(`| ratio | ${s.cycle.map((c) => `${c.nodes.toLocaleString('en-US')}`).join(' | ')} |`);
    lines.push(`|---|${s.cycle.map(() => '---:').join('|')}|`);
    for (const [a, b] of [['object-per-node', 'wasm-simd'], ['object-per-node', 'js'], ['js', 'wasm-simd'], ['wasm-scalar', 'wasm-simd'], ['js scan', 'wasm-simd scan'], ['wasm-scalar scan', 'wasm-simd scan'], ['general/js', 'wasm-simd']]) {
      lines.push(`| ${a} / ${b} | ${s.cycle.map((c) => ratio(c, a, b)).join(' | ')} |`);
    }
    lines.push('', `NodeTable: ${s.cycle[0].tableBytesPerRow} bytes per row; per node including unused capacity: ${s.cycle.map((c) => `${c.tableBytesPerNode} B at ${c.nodes.toLocaleString('en-US')}`).join(', ')}.`, '');
  }
  for (const k of s.kernels) {
    lines.push(`Kernels at ${k.nodes.toLocaleString('en-US')} nodes, µs per call:`, '');
    const ops = ['score rows', 'scan classes', 'select nth', 'fit batch', 'least', 'balanced'];
    lines.push(`| kernel | js | wasm-scalar | wasm-simd |`, '|---|---:|---:|---:|');
    for (const op of ops) lines.push(`| ${op} | ${['js', 'wasm-scalar', 'wasm-simd'].map((e) => fmt(k.cases[`${e} ${op}`]?.usPerOp, 2)).join(' | ')} |`);
    lines.push('');
  }
  if (s.breakdown) {
    lines.push(`Cycle phases at ${s.breakdown.nodes.toLocaleString('en-US')} nodes, µs (best of 5, warm state):`, '');
    const engines = s.breakdown.phases.map((p) => p.engine);
    const phaseNames = Object.keys(s.breakdown.phases[0]).filter((k) => k !== 'engine');
    lines.push(`| phase | ${engines.join(' | ')} |`, `|---|${engines.map(() => '---:').join('|')}|`);
    for (const ph of phaseNames) lines.push(`| ${ph} | ${s.breakdown.phases.map((p) => fmt(p[ph], 2)).join(' | ')} |`);
    lines.push('');
    for (const p of s.breakdown.profile) {
      lines.push(`Self time of the measured loop by area, ${p.engine} (CPU profile; ${p.usPerCycleUnderProfiler} µs/cycle under the profiler):`, '');
      lines.push('| area | % |', '|---|---:|');
      for (const [a, v] of Object.entries(p.percent)) lines.push(`| ${a} | ${v} |`);
      lines.push('');
    }
  }
  if (s.e2e) {
    lines.push(`\`podfit bench SchedulingBasic --nodes ${s.e2e.nodes} --pods ${s.e2e.pods}\` (fresh process per run, pods/s):`, '');
    lines.push('| engine | median | best | runs | p50 µs | p99 µs | checksum |', '|---|---:|---:|---|---:|---:|---|');
    for (const [e, r] of Object.entries(s.e2e.engines)) {
      lines.push(`| ${e} | ${fmt(r.throughput.median)} | ${fmt(r.throughput.best)} | ${r.throughput.runs.map((x) => fmt(x)).join(', ')} | ${fmt(r.p50LatencyUs)} | ${fmt(r.p99LatencyUs)} | ${r.checksums.join(', ')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

// End to end: `podfit bench SchedulingBasic` (every pod: full cycle, assume, binding cycle,
// checksum) in fresh processes, alternating engines so load changes on a shared machine hit
// both alike. Reports every run, the median and the best.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../common.js';

/** One `podfit bench` run; returns its JSON. */
export function runOnce(engine, nodes, pods) {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'podfit.js'), 'bench', 'SchedulingBasic', '--nodes', String(nodes), '--pods', String(pods), '--engine', engine, '-o', 'json'], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** `runs` runs per engine at one size; returns per-engine throughputs, p50 latencies and checksums. */
export function runSchedulingBasic({ nodes = 5000, pods = 10000, runs = 5, engines = ['js', 'wasm'] } = {}) {
  const results = Object.fromEntries(engines.map((e) => [e, []]));
  for (let r = 0; r < runs; r++) {
    for (const e of engines) {
      const j = runOnce(e, nodes, pods);
      results[e].push(j);
      process.stdout.write(`  ${e.padEnd(5)} run ${r + 1}: ${j.throughput.average} pods/s, p50 ${j.latencyUs.p50} µs, checksum ${j.placementChecksum}\n`);
    }
  }
  return {
    nodes,
    pods,
    engines: Object.fromEntries(
      engines.map((e) => {
        const rs = results[e];
        const tp = rs.map((j) => j.throughput.average);
        return [e, {
          throughput: { median: median(tp), best: Math.max(...tp), runs: tp },
          p50LatencyUs: median(rs.map((j) => j.latencyUs.p50)),
          p99LatencyUs: median(rs.map((j) => j.latencyUs.p99)),
          scheduled: rs[0].scheduled,
          checksums: [...new Set(rs.map((j) => j.placementChecksum))],
        }];
      }),
    ),
  };
}

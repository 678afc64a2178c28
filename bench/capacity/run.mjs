// `podfit capacity` end to end on a large snapshot (issue 12's goal): 5,000 kubelet-shaped nodes
// already running 100,000 pods (a `podfit snapshot`-shaped JSON file), and one template (500m
// cpu, 1Gi) that fits tens of thousands more times. Each run, alternating in the same session:
//   read+parse  a Node process that only reads the file and JSON.parses it (the floor);
//   capacity    `node bin/podfit.js capacity --cluster FILE --podspec web.yaml -o json`.
// Both are whole processes timed from spawn to exit (GNU time's peak RSS when /usr/bin/time exists).
// The machine is shared and its speed varies several-fold between sessions, so the result is the
// ratio capacity / read+parse of each run; the goal (3 s where reading and parsing takes 0.8 s)
// is a ratio of 3.75.
//
//   node bench/capacity/run.mjs [--nodes 5000] [--pods 100000] [--runs 3] [--engine wasm|js]
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSnapshot } from '../cluster/generate-snapshot.mjs';
import { RESULTS, ROOT } from '../extender/common.mjs';
import { kubeletPod, WEB_TEMPLATE } from './kubelet-pod.mjs';

const { values } = parseArgs({ options: {
  nodes: { type: 'string', default: '5000' }, pods: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' }, engine: { type: 'string', default: 'wasm' },
} });
const nodes = Number(values.nodes);
const pods = Number(values.pods);

const file = join(RESULTS, `capacity-${nodes}x${pods}.json`);
if (!existsSync(file)) writeSnapshot({ nodes, pods, pendingPods: 0, formats: ['json'], pod: kubeletPod, name: 'capacity', out: RESULTS });
const template = join(RESULTS, 'capacity-web.yaml');
writeFileSync(template, WEB_TEMPLATE);

const gnuTime = existsSync('/usr/bin/time');
/** Runs a process; wall ms, peak RSS (MB, when GNU time is there) and stdout. */
function timed(args) {
  const cmd = gnuTime ? '/usr/bin/time' : process.execPath;
  const argv = gnuTime ? ['-f', '%M', process.execPath, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  const rss = gnuTime ? Number(r.stderr.trim().split('\n').pop()) / 1024 : undefined;
  return { ms, rss, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = [];
for (let i = 0; i < Number(values.runs); i++) {
  const floor = timed(['-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`]);
  const cap = timed(['bin/podfit.js', 'capacity', '--cluster', file, '--podspec', template, '--engine', values.engine, '-o', 'json']);
  const review = JSON.parse(cap.stdout);
  runs.push({ readParseMs: Math.round(floor.ms), capacityMs: Math.round(cap.ms), ratio: +(cap.ms / floor.ms).toFixed(2), capacityRssMb: cap.rss && Math.round(cap.rss), readParseRssMb: floor.rss && Math.round(floor.rss), clones: review.status.replicas, stop: review.status.failReason.failType });
  console.error(JSON.stringify(runs[runs.length - 1]));
}
console.log(JSON.stringify({
  file, sizeMb: +(statSync(file).size / 1e6).toFixed(1), nodes, pods, engine: values.engine, runs: runs.length,
  median: { readParseMs: median(runs.map((r) => r.readParseMs)), capacityMs: median(runs.map((r) => r.capacityMs)), ratio: median(runs.map((r) => r.ratio)) },
  goalRatio: 3 / 0.8, clones: runs[0].clones, stop: runs[0].stop, capacityRssMb: median(runs.map((r) => r.capacityRssMb ?? 0)),
}, null, 2));

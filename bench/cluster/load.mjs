// Loads a large snapshot end to end the way a user does, `podfit schedule --cluster <file> --pod
// <pod> --top 10`, once per format and run, each in a fresh process under /usr/bin/time -v:
// wall time, CPU time and peak resident memory (maxRSS). Writes bench/results/snapshot-load.json.
//
//   node bench/cluster/generate-snapshot.mjs            # bench/results/snapshot-20000x200000.{yaml,json}
//   node bench/cluster/load.mjs [--runs 2] [--formats json,yaml] [--bin bin/podfit.js] [--label after]
//
// --bin points at another build's bin/podfit.js (a checkout of the commit before, for "before";
// with --args '' as that build has no --top and prints every node).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machine, resultsDir, ROOT } from '../common.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '20000' }, pods: { type: 'string', default: '200000' }, runs: { type: 'string', default: '2' },
    formats: { type: 'string', default: 'json,yaml' }, bin: { type: 'string', default: join(ROOT, 'bin', 'podfit.js') }, label: { type: 'string', default: 'current' },
    timeout: { type: 'string', default: '600' }, args: { type: 'string', default: '--top 10' },
  },
});
const dir = resultsDir();
const pod = join(dir, 'pod.yaml');
writeFileSync(pod, 'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: default}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    resources: {requests: {cpu: 500m, memory: 512Mi}}\n');

/** One run: `/usr/bin/time -v node <bin> schedule ...`; the numbers time prints. */
function run(file) {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, values.bin, 'schedule', '--cluster', file, '--pod', pod, ...values.args.split(' ').filter(Boolean)], { encoding: 'utf8', timeout: Number(values.timeout) * 1000, maxBuffer: 1 << 26 });
  const num = (re) => Number((re.exec(r.stderr) ?? [])[1]);
  const wall = (/Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr) ?? []).slice(1).map((x) => Number(x ?? 0));
  return {
    exit: num(/Exit status: (\d+)/),
    wallS: +(wall[0] * 3600 + wall[1] * 60 + wall[2]).toFixed(2),
    cpuS: +(num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/)).toFixed(2),
    maxRssMB: Math.round(num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024),
    error: r.status === 0 ? undefined : r.stderr.split('\n').find((l) => /error|heap|Error/.test(l))?.slice(0, 200),
  };
}

const out = { machine: machine(), date: new Date().toISOString(), label: values.label, bin: values.bin, runs: [] };
for (let i = 0; i < Number(values.runs); i++) {
  for (const format of values.formats.split(',')) {
    const file = join(dir, `snapshot-${values.nodes}x${values.pods}.${format}`);
    if (!existsSync(file)) throw new Error(`${file} missing: run bench/cluster/generate-snapshot.mjs first`);
    const r = { format, fileMB: +(statSync(file).size / 1e6).toFixed(1), run: i + 1, ...run(file) };
    out.runs.push(r);
    console.log(JSON.stringify(r));
  }
}
const path = join(dir, `snapshot-load-${values.label}.json`);
writeFileSync(path, JSON.stringify(out, null, 2));
console.log(`wrote ${path}`);

// A/B of a queue of distinct pods (each alone in its class, so each takes a cycle of its own: no
// class batching) between two builds, alternating rounds in one process tree:
//
//   node bench/framework/ab-distinct.mjs --a <checkout of another build> [--nodes 5000] [--pods 3000] [--rounds 4]
//
// Each round runs `podfit`'s scheduler of one build in a fresh process: N default nodes, then
// `--pods` pods with pairwise different requests, each scheduled, assumed and bound (the bench
// loop), and prints pods/s. The ratio B/A over the rounds' medians is what BENCHMARKS.md quotes.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { a: { type: 'string' }, b: { type: 'string' }, nodes: { type: 'string', default: '5000' }, pods: { type: 'string', default: '3000' }, rounds: { type: 'string', default: '4' }, child: { type: 'string' } } });

if (values.child) {
  const dist = (p) => import(path.join(values.child, 'dist', p));
  const { defaultSchedulerConfig } = await dist('api/config.js');
  const { Scheduler } = await dist('framework/scheduler.js');
  const { ClusterState } = await dist('model/cluster-state.js');
  const { makePodInfo } = await dist('model/pod-info.js');
  const { createKernels } = await dist('kernel/engine.js');
  const { defaultPerfNode, defaultPerfPod } = await dist('workloads/scheduling-basic.js');
  const registry = await dist('plugins/registry.js').then((m) => m.REGISTRY).catch(() => undefined);
  const kernels = await createKernels('wasm');
  const state = new ClusterState(kernels.createTableMemory());
  const n = Number(values.nodes);
  for (let i = 0; i < n; i++) state.addNode(defaultPerfNode(i));
  const s = new Scheduler({ state, config: defaultSchedulerConfig(), kernels, seed: 1, registry });
  const fw = s.defaultFramework;
  const count = Number(values.pods);
  const pods = Array.from({ length: count }, (_, i) => {
    const p = defaultPerfPod(i, 'distinct');
    p.spec.containers[0].resources = { requests: { cpu: `${100 + (i % 900)}m`, memory: `${200 + Math.floor(i / 900)}Mi` } };
    return makePodInfo(p);
  });
  const t0 = performance.now();
  for (const pod of pods) {
    const cs = fw.newCycleState();
    const r = s.schedulePod(pod, {}, fw, cs);
    if (!r.selectedNode) continue;
    if (typeof s.commit === 'function') {
      const c = s.commit(fw, cs, pod, r.selectedNode);
      if (c.kind === 'binding') await c.result;
    } else if (!s.assume(fw, cs, pod, r.selectedNode)) await s.bind(fw, cs, pod, r.selectedNode);
  }
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ podsPerSec: count / (ms / 1000) }));
  process.exit(0);
}

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const A = path.resolve(values.a ?? here);
const B = path.resolve(values.b ?? here);
const run = (dir) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', dir, '--nodes', values.nodes, '--pods', values.pods], { encoding: 'utf8' }).trim().split('\n').pop()).podsPerSec;
const a = [];
const b = [];
for (let r = 0; r < Number(values.rounds); r++) {
  a.push(run(A));
  b.push(run(B));
  console.log(`round ${r + 1}: A ${a.at(-1).toFixed(0)} pods/s, B ${b.at(-1).toFixed(0)} pods/s`);
}
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
console.log(`median: A ${median(a).toFixed(0)}, B ${median(b).toFixed(0)} pods/s; B/A = ${(median(b) / median(a)).toFixed(3)}`);

// `podfit whatif` end to end against the issue's goals, each run a whole process timed from spawn
// to exit (GNU time's peak RSS when /usr/bin/time exists), alternating in one session:
//   load      a scenario with no steps or questions on the large cluster: reading, decoding and
//             building the state, the floor of every scenario on it;
//   compare   5,000 nodes running 100,000 pods (bench/cluster/generate-snapshot.mjs, kubelet-shaped
//             pods), 20,000 pending pods of 8 shapes (8 ReplicaSets' replicas), compared under the
//             default profile and NodeResourcesFit MostAllocated (goal: 5 s);
//   drain     the first 100 nodes of that cluster drained (goal: 2 s);
//   maxReplicas  capacity's template (500m, 1Gi) on it, beside `podfit capacity` itself (goal: as fast);
//   trace     the Alibaba openb trace (1,523 nodes, 8,152 pods, all pending) scheduled under
//             LeastAllocated and MostAllocated by one compare (goal: 3 s, with the HTML report).
// The machine is shared and its speed varies between sessions: compare each number with the load
// floor of the same run. after-load.mjs times only the work after the load (maxReplicas against
// capacity), where a difference of a few percent shows.
//
//   node bench/whatif/run.mjs [--runs 2] [--engine wasm|js] [--only compare,drain,...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSnapshot } from '../cluster/generate-snapshot.mjs';
import { RESULTS, ROOT } from '../extender/common.mjs';
import { kubeletPod, WEB_TEMPLATE } from '../capacity/kubelet-pod.mjs';

const { values } = parseArgs({ options: {
  runs: { type: 'string', default: '2' }, engine: { type: 'string', default: 'wasm' }, only: { type: 'string' },
} });
const only = values.only ? new Set(values.only.split(',')) : null;
const DIR = join(RESULTS, 'whatif');
mkdirSync(DIR, { recursive: true });
const put = (name, text) => {
  const p = join(DIR, name);
  writeFileSync(p, text);
  return p;
};

// The large cluster: capacity's benchmark file (the same bytes when it exists already).
const cluster = join(RESULTS, 'capacity-5000x100000.json');
if (!existsSync(cluster)) writeSnapshot({ nodes: 5000, pods: 100000, pendingPods: 0, formats: ['json'], pod: kubeletPod, name: 'capacity', out: RESULTS });
const nodeName = (i) => `ip-10-${(i >> 16) & 255}-${(i >> 8) & 255}-${i & 255}.eu-west-1.compute.internal`;

// 8 shapes of pending pods, each the replicas of a ReplicaSet (as a Deployment's would be).
const SHAPES = [['250m', '256Mi'], ['500m', '512Mi'], ['1', '1Gi'], ['1', '4Gi'], ['2', '2Gi'], ['2', '8Gi'], ['100m', '128Mi'], ['4', '4Gi']];
const rsFile = put('replicasets.yaml', SHAPES.map((_, i) => `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: new-${i}-7d9f, namespace: bench, uid: rs-new-${i}}
spec:
  replicas: 0
  selector: {matchLabels: {app: new-${i}}}
  template:
    metadata: {labels: {app: new-${i}}}
    spec: {containers: [{name: app, image: registry.example/new-${i}:1}]}
`).join('---\n'));
SHAPES.forEach(([cpu, memory], i) => put(`pod-${i}.yaml`, `apiVersion: v1
kind: Pod
metadata:
  name: new-${i}-7d9f
  namespace: bench
  labels: {app: new-${i}}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: new-${i}-7d9f, uid: rs-new-${i}, controller: true}]
spec:
  containers:
  - {name: app, image: registry.example/new-${i}:1, resources: {requests: {cpu: "${cpu}", memory: ${memory}}}}
`));
// The same shapes without an owner: PodTopologySpread's system default constraints do not apply
// (they select by the owning ReplicaSet), so class batching decides them.
SHAPES.forEach(([cpu, memory], i) => put(`pod-plain-${i}.yaml`, `apiVersion: v1
kind: Pod
metadata: {name: plain-${i}, namespace: bench, labels: {app: plain-${i}}}
spec:
  containers:
  - {name: app, image: registry.example/new-${i}:1, resources: {requests: {cpu: "${cpu}", memory: ${memory}}}}
`));
put('most-allocated.yaml', readFileSync(join(ROOT, 'examples/whatif/compare-profiles/most-allocated.yaml'), 'utf8'));
put('web.yaml', WEB_TEMPLATE);
const head = `apiVersion: podfit/v1alpha1\nkind: Scenario\ncluster: ${cluster}\n`;
const scenarios = {
  load: put('load.yaml', head),
  compare: put('compare.yaml', `${head}steps:\n- apply: {file: replicasets.yaml}\n${SHAPES.map((_, i) => `- addPods: {templateFile: pod-${i}.yaml, replicas: 2500}\n`).join('')}questions:\n- name: profiles\n  compare: {configs: [default, most-allocated.yaml]}\n`),
  comparePlain: put('compare-plain.yaml', `${head}steps:\n${SHAPES.map((_, i) => `- addPods: {templateFile: pod-plain-${i}.yaml, replicas: 2500}\n`).join('')}questions:\n- name: profiles\n  compare: {configs: [default, most-allocated.yaml]}\n`),
  drain: put('drain.yaml', `${head}questions:\n- name: drain-100\n  drain:\n    nodes:\n${Array.from({ length: 100 }, (_, i) => `    - ${nodeName(i)}\n`).join('')}`),
  maxReplicas: put('max-replicas.yaml', `${head}questions:\n- name: web\n  maxReplicas: {templateFile: web.yaml}\n`),
};

// The Alibaba openb trace as a snapshot: its nodes (GPUs as nvidia.com/gpu) and every pod, pending.
const TRACE = [join(ROOT, '..', 'shared', 'data', 'traces', 'alibaba-gpu-v2023'), '/work/shared/data/traces/alibaba-gpu-v2023'].find((d) => existsSync(d)) ?? '';
if (existsSync(TRACE)) {
  const csv = (f) => readFileSync(join(TRACE, f), 'utf8').trim().split('\n').map((l) => l.split(','));
  const [nh, ...nodes] = csv('openb_node_list_all_node.csv');
  const [ph, ...pods] = csv('openb_pod_list_default.csv');
  const col = (h, name) => h.indexOf(name);
  const items = nodes.map((r) => {
    const res = { cpu: `${r[col(nh, 'cpu_milli')]}m`, memory: `${r[col(nh, 'memory_mib')]}Mi`, pods: '110', 'nvidia.com/gpu': r[col(nh, 'gpu')] };
    return { apiVersion: 'v1', kind: 'Node', metadata: { name: r[col(nh, 'sn')], labels: { 'kubernetes.io/hostname': r[col(nh, 'sn')], 'gpu-model': r[col(nh, 'model')] || 'none' } }, status: { allocatable: res, capacity: res } };
  });
  for (const r of pods) {
    const requests = { cpu: `${r[col(ph, 'cpu_milli')]}m`, memory: `${r[col(ph, 'memory_mib')]}Mi` };
    // A GPU-sharing pod (gpu_milli < 1000) takes a whole GPU here: kube's resources are integers.
    const gpus = Number(r[col(ph, 'num_gpu')]);
    if (gpus > 0) requests['nvidia.com/gpu'] = String(gpus);
    items.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: r[col(ph, 'name')], namespace: 'openb', creationTimestamp: new Date(Date.UTC(2023, 0, 1) + Number(r[col(ph, 'creation_time')]) * 1000).toISOString() }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests } }] } });
  }
  const traceCluster = put('openb.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  put('least-allocated.yaml', 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: default-scheduler\n');
  scenarios.trace = put('trace.yaml', `apiVersion: podfit/v1alpha1\nkind: Scenario\ncluster: ${traceCluster}\nquestions:\n- name: openb\n  compare: {configs: [least-allocated.yaml, most-allocated.yaml]}\n`);
}

const gnuTime = existsSync('/usr/bin/time');
function timed(args) {
  const cmd = gnuTime ? '/usr/bin/time' : process.execPath;
  const argv = gnuTime ? ['-f', '%M %U %S', process.execPath, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  // Peak RSS, and the CPU time the process got (user + system): on a shared machine the wall time
  // also counts the time other processes held the cores.
  const [rssKb, user, sys] = gnuTime ? r.stderr.trim().split('\n').pop().split(' ').map(Number) : [];
  return { ms: Math.round(ms), cpuMs: gnuTime ? Math.round((user + sys) * 1000) : undefined, rssMb: rssKb && Math.round(rssKb / 1024), stdout: r.stdout };
}
const whatif = (file, extra = []) => timed(['bin/podfit.js', 'whatif', file, '-o', 'json', '--engine', values.engine, ...extra]);

/** What each run answered, to check the benchmark measured what it says. */
const answer = {
  load: () => ({}),
  comparePlain: (r) => r.questions[0].profiles.map((p) => ({ config: p.config, scheduled: p.scheduled, unschedulable: p.unschedulable, nodesUsed: p.nodesUsed })),
  compare: (r) => r.questions[0].profiles.map((p) => ({ config: p.config, scheduled: p.scheduled, unschedulable: p.unschedulable, nodesUsed: p.nodesUsed })),
  drain: (r) => ({ drainable: r.questions[0].drainable, pods: r.questions[0].pods.length, placed: r.questions[0].pods.filter((p) => p.to).length }),
  maxReplicas: (r) => ({ replicas: r.questions[0].replicas }),
  trace: (r) => r.questions[0].profiles.map((p) => ({ config: p.config, scheduled: p.scheduled, unschedulable: p.unschedulable, nodesUsed: p.nodesUsed })),
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = {};
for (let i = 0; i < Number(values.runs); i++) {
  for (const [name, file] of Object.entries(scenarios)) {
    if (only && !only.has(name)) continue;
    const t = whatif(file, name === 'trace' ? ['--html', join(DIR, 'trace.html')] : []);
    (rows[name] ??= []).push({ ms: t.ms, cpuMs: t.cpuMs, rssMb: t.rssMb, answer: answer[name](JSON.parse(t.stdout)) });
    console.error(JSON.stringify({ run: i, name, ms: t.ms, cpuMs: t.cpuMs, rssMb: t.rssMb, answer: answer[name](JSON.parse(t.stdout)) }));
  }
  if (!only || only.has('capacity')) {
    const t = timed(['bin/podfit.js', 'capacity', '--cluster', cluster, '--podspec', join(DIR, 'web.yaml'), '-o', 'json', '--engine', values.engine]);
    (rows.capacity ??= []).push({ ms: t.ms, cpuMs: t.cpuMs, rssMb: t.rssMb, answer: { replicas: JSON.parse(t.stdout).status.replicas } });
    console.error(JSON.stringify({ run: i, name: 'capacity', ms: t.ms, cpuMs: t.cpuMs, rssMb: t.rssMb, replicas: JSON.parse(t.stdout).status.replicas }));
  }
}
const summary = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, { medianMs: median(v.map((x) => x.ms)), medianCpuMs: median(v.map((x) => x.cpuMs ?? 0)), runs: v }]));
const out = join(RESULTS, `whatif-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), engine: values.engine, summary }, null, 2));
console.log(JSON.stringify(Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, { wallMs: v.medianMs, cpuMs: v.medianCpuMs }]))));
console.log(out);

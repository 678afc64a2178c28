// `podfit scheduler` end to end, each piece its own process on this machine (127.0.0.1):
//
// 1. Throughput: the fake API server (bench/scheduler/fake-api.mjs, the tests' server) holds a
//    generated cluster (--nodes nodes, --running bound pods, --pending pods for schedulerName podfit);
//    `podfit scheduler` (bin/podfit.js, the compiled build) starts, lists, schedules and binds them
//    all. Reported: wall time from spawn to the last binding, the informers' sync time, the
//    scheduler's CPU time (/proc/<pid>/stat) per scheduled pod; then the placements are compared
//    with `podfit schedule --all-pending` on the same snapshot, config and seed (they must be equal).
// 2. Failover (--runs times each), two replicas with kube-scheduler's leader election defaults
//    (15 s / 10 s / 2 s): the leader is SIGKILLed and a pod created at once: time until the standby
//    binds it; then a new standby is started, the leader gets SIGTERM and a pod is created: time
//    until bound.
//
//   npm run build && node bench/scheduler/run.mjs [--nodes 5000] [--pending 10000] [--running 15000] [--runs 3]
//     [--retry-period 2s] [--skip-failover] [--skip-throughput] [--cpu-prof DIR]
//
// Writes bench/results/scheduler.json.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { dist, machine, resultsDir, ROOT } from '../common.js';
import { processTreeCpuMs, prng } from '../extender/common.mjs';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' }, pending: { type: 'string', default: '10000' }, running: { type: 'string', default: '15000' },
    seed: { type: 'string', default: '1' }, runs: { type: 'string', default: '3' }, 'cpu-prof': { type: 'string' },
    'retry-period': { type: 'string', default: '2s' },
    'skip-failover': { type: 'boolean', default: false }, 'skip-throughput': { type: 'boolean', default: false },
  },
});
const dir = resultsDir();
const BIN = join(ROOT, 'bin', 'podfit.js');
const TLS = join(ROOT, 'test', 'fixtures', 'extender', 'tls');


/** A cluster: nodes of four shapes in three zones, bound pods, and pending pods of 20 templates. */
function generate(nodes, running, pending) {
  const rnd = prng(42);
  const shapes = [['8', '32Gi'], ['16', '64Gi'], ['32', '128Gi'], ['64', '256Gi']];
  const items = [];
  for (let i = 0; i < nodes; i++) {
    const [cpu, memory] = shapes[i % shapes.length];
    const name = `node-${String(i).padStart(5, '0')}`;
    items.push({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}`, 'node.kubernetes.io/instance-type': `shape-${i % shapes.length}` } },
      spec: {}, status: { allocatable: { cpu, memory, pods: '110' }, capacity: { cpu, memory, pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } });
  }
  const cpus = ['100m', '250m', '500m', '1', '2'];
  const mems = ['128Mi', '256Mi', '512Mi', '1Gi', '4Gi'];
  const base = Date.parse('2025-01-01T00:00:00Z');
  for (let i = 0; i < running; i++) {
    const name = `running-${i}`;
    items.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'bench', uid: `uid-${name}`, creationTimestamp: new Date(base).toISOString() },
      spec: { nodeName: `node-${String(Math.floor(rnd() * nodes)).padStart(5, '0')}`, containers: [{ name: 'app', resources: { requests: { cpu: cpus[Math.floor(rnd() * 5)], memory: mems[Math.floor(rnd() * 5)] } } }] },
      status: { phase: 'Running' } });
  }
  const templates = Array.from({ length: 20 }, (_, t) => ({ cpu: cpus[t % 5], memory: mems[(t * 3) % 5], priority: t % 7 === 0 ? 1000 : 0 }));
  // The replicas of a template are created together (as a ReplicaSet creates them), one template
  // per second: queue order groups each template's pods, after the high-priority templates.
  const perTemplate = Math.ceil(pending / templates.length);
  for (let i = 0; i < pending; i++) {
    const ti = Math.floor(i / perTemplate);
    const t = templates[ti];
    const name = `pending-${String(i).padStart(6, '0')}`;
    items.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'bench', uid: `uid-${name}`, labels: { app: `t${ti}` }, creationTimestamp: new Date(base + 1000 * (1 + ti)).toISOString() },
      spec: { schedulerName: 'podfit', priority: t.priority, containers: [{ name: 'app', resources: { requests: { cpu: t.cpu, memory: t.memory } } }] },
      status: { phase: 'Pending' } });
  }
  return { apiVersion: 'v1', kind: 'List', items };
}

/** The fake API server process; resolves once it prints its URL. */
function startApi(args) {
  const hooks = pathToFileURL(join(ROOT, 'src', 'parallel', 'ts-hooks.mjs')).href;
  const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(hooks)});`;
  const child = spawn(process.execPath, ['--max-old-space-size=4096', '--import', register, join(ROOT, 'bench', 'scheduler', 'fake-api.mjs'), '--tls', TLS, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const listeners = new Set();
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      for (const l of [...listeners]) l(line);
    }
  });
  const waitLine = (pred, ms = 600_000) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('fake API server: timed out')), ms);
    const l = (line) => {
      if (!pred(line)) return;
      clearTimeout(t);
      listeners.delete(l);
      resolve(line);
    };
    listeners.add(l);
  });
  const ready = (async () => {
    const kc = await waitLine((l) => l.startsWith('kubeconfig '));
    const file = join(dir, `kubeconfig-${child.pid}`);
    writeFileSync(file, JSON.parse(kc.slice('kubeconfig '.length)));
    return file;
  })();
  return { child, waitLine, ready, send: (cmd) => child.stdin.write(`${cmd}\n`) };
}

/** A `podfit scheduler` process; `probe` resolves to its probe URL. */
function startScheduler(kubeconfig, extra) {
  // --cpu-prof DIR: a V8 CPU profile of each scheduler process, written when it exits.
  const prof = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
  // The young generation deploy/scheduler/deployment.yaml gives it (NODE_OPTIONS there).
  const child = spawn(process.execPath, ['--max-semi-space-size=32', ...prof, BIN, 'scheduler', '--kubeconfig', kubeconfig, '--address', '127.0.0.1', '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d) => (out += d.toString()));
  const probe = new Promise((resolve) => child.stdout.on('data', (d) => {
    out += d.toString();
    const m = /probes and metrics on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  }));
  return { child, probe, output: () => out };
}

/** CPU seconds (user + system) of a process and its descendants so far (podfit may run the CLI in a child: src/cli/relaunch.ts). */
const cpuSeconds = (pid) => processTreeCpuMs(pid) / 1000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function throughput() {
  const nodes = Number(values.nodes);
  const pending = Number(values.pending);
  const snapshot = join(dir, `scheduler-snapshot-${nodes}-${pending}.json`);
  writeFileSync(snapshot, JSON.stringify(generate(nodes, Number(values.running), pending)));
  const { DEFAULT_SCHEDULER_CONFIG_YAML } = await dist('scheduler/default-config.js');
  const config = join(dir, 'scheduler-config.yaml');
  writeFileSync(config, DEFAULT_SCHEDULER_CONFIG_YAML);

  const api = startApi(['--snapshot', snapshot, '--expect', String(pending)]);
  const kubeconfig = await api.ready;
  const all = api.waitLine((l) => l.startsWith('all '));
  const t0 = Date.now();
  const s = startScheduler(kubeconfig, ['--config', config, '--seed', values.seed, '--log-level', 'info']);
  const doneAt = Number((await all).split(' ')[2]);
  const cpuS = cpuSeconds(s.child.pid);
  const apiCpuS = cpuSeconds(api.child.pid);
  const bindingsFile = join(dir, 'scheduler-bindings.json');
  api.send(`dump ${bindingsFile}`);
  await api.waitLine((l) => l.startsWith('dumped '));
  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.on('exit', r));
  api.send('quit');
  const synced = /"ms":(\d+)[^\n]*"msg":"informers synced"/.exec(s.output());
  const bindings = JSON.parse(readFileSync(bindingsFile, 'utf8'));

  const r = spawnSync(process.execPath, [BIN, 'schedule', '--cluster', snapshot, '--all-pending', '--config', config, '--seed', values.seed, '-o', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`schedule --all-pending failed: ${r.stderr}`);
  const expected = new Map(JSON.parse(r.stdout).pods.filter((p) => p.node).map((p) => [p.pod, p.node]));
  const got = new Map();
  let duplicates = 0;
  for (const b of bindings) {
    if (got.has(b.pod)) duplicates++;
    got.set(b.pod, b.node);
  }
  let differ = 0;
  for (const [pod, node] of expected) if (got.get(pod) !== node) differ++;
  for (const pod of got.keys()) if (!expected.has(pod)) differ++;
  return {
    nodes, runningPods: Number(values.running), pendingPods: pending, seed: Number(values.seed),
    allBoundS: +((doneAt - t0) / 1000).toFixed(2), informersSyncedS: synced ? +(Number(synced[1]) / 1000).toFixed(2) : null,
    schedulerCpuS: +cpuS.toFixed(2), fakeApiServerCpuS: +apiCpuS.toFixed(2), cpuMsPerPod: +((cpuS * 1000) / pending).toFixed(3),
    bindings: bindings.length, duplicateBindings: duplicates,
    placementsComparedWithAllPending: expected.size, placementsDiffering: differ,
  };
}

/** The leader of two replicas (by their metrics). */
async function leaderOf(replicas) {
  for (;;) {
    for (const r of replicas) {
      const text = await fetch(`${await r.probe}/metrics`).then((x) => x.text(), () => '');
      if (/leader_election_master_status\{name="podfit-scheduler"\} 1/.test(text)) return r;
    }
    await sleep(100);
  }
}

async function ready(r) {
  for (;;) {
    const ok = await fetch(`${await r.probe}/readyz`).then((x) => x.status === 200, () => false);
    if (ok) return;
    await sleep(100);
  }
}

async function failover() {
  const runs = Number(values.runs);
  const small = join(dir, 'scheduler-failover-snapshot.json');
  writeFileSync(small, JSON.stringify(generate(10, 0, 0)));
  const api = startApi(['--snapshot', small, '--trace']);
  const kubeconfig = await api.ready;
  const args = ['--leader-elect', '--lease-namespace', 'kube-system', '--log-level', 'warn', '--leader-elect-retry-period', values['retry-period']];
  const kill = [];
  const term = [];
  let n = 0;
  const timeBinding = async (signal, replicas) => {
    const leader = await leaderOf(replicas);
    const name = `failover-${n++}`;
    const bound = api.waitLine((l) => l.startsWith(`bound bench/${name} `));
    const t = Date.now();
    const exited = new Promise((r) => leader.child.on('exit', r));
    leader.child.kill(signal);
    // Only once the old leader is gone (a SIGTERMed one finishes its bindings and releases the
    // Lease first), so the binding timed is the new leader's.
    await exited;
    api.send(`add ${name}`);
    const at = Number((await bound).split(' ')[3]);
    return { ms: at - t, survivor: replicas.find((r) => r !== leader) };
  };
  let a = startScheduler(kubeconfig, [...args, '--identity', 'r0']);
  let id = 1;
  for (let i = 0; i < runs; i++) {
    // SIGKILL: a standby is needed.
    const b = startScheduler(kubeconfig, [...args, '--identity', `r${id++}`]);
    await Promise.all([ready(a), ready(b)]);
    const k = await timeBinding('SIGKILL', [a, b]);
    kill.push(k.ms);
    // SIGTERM: a new standby first.
    const c = startScheduler(kubeconfig, [...args, '--identity', `r${id++}`]);
    await ready(c);
    const s = await timeBinding('SIGTERM', [k.survivor, c]);
    term.push(s.ms);
    a = s.survivor;
    console.log(`failover run ${i + 1}: SIGKILL ${k.ms} ms, SIGTERM ${s.ms} ms`);
  }
  a.child.kill('SIGTERM');
  api.send('quit');
  return { leaseDurationS: 15, renewDeadlineS: 10, retryPeriod: values['retry-period'], sigkillMs: kill, sigtermMs: term };
}

const result = { date: new Date().toISOString(), machine: machine() };
if (!values['skip-throughput']) {
  result.throughput = await throughput();
  console.log(JSON.stringify(result.throughput, null, 2));
}
if (!values['skip-failover']) {
  result.failover = await failover();
  result.failover.retryPeriod = values['retry-period'];
  console.log(JSON.stringify(result.failover));
}
writeFileSync(join(dir, `scheduler${values['skip-throughput'] ? `-failover-${values['retry-period']}` : ''}.json`), JSON.stringify(result, null, 2));
process.exit(0);

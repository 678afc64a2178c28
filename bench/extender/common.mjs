// Shared pieces of the extender benchmarks: a realistic cluster generator, request bodies shaped
// as kube-scheduler sends them, a server launcher (the compiled CLI, as a separate process) and
// percentiles. Run `npm run build` first: the benchmarks exercise dist/, like production.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS = join(ROOT, 'bench', 'results');

const TS = '2026-11-01T10:00:00Z';
const SHAPES = [
  { type: 'm5.2xlarge', cpu: '7910m', memory: '31369712Ki', capCpu: '8', capMem: '32386544Ki' },
  { type: 'm5.4xlarge', cpu: '15890m', memory: '63200000Ki', capCpu: '16', capMem: '64400000Ki' },
  { type: 'c5.xlarge', cpu: '3920m', memory: '7200000Ki', capCpu: '4', capMem: '7800000Ki' },
];

/** A Node as the API server returns it (about 8 KB: labels, annotations, conditions, 25 images). */
export function realisticNode(i) {
  const name = `node-${String(i).padStart(5, '0')}`;
  const zone = `eu-west-1${'abc'[i % 3]}`;
  const shape = SHAPES[i % SHAPES.length];
  const images = [];
  for (let k = 0; k < 25; k++) {
    images.push({ names: [`registry.example.com/team-${k % 7}/service-${k}@sha256:${'ab'.repeat(32)}`, `registry.example.com/team-${k % 7}/service-${k}:v1.${k}.${i % 5}`], sizeBytes: 10_000_000 + k * 1_234_567 });
  }
  const node = {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name, uid: `6f1c0000-aaaa-bbbb-cccc-${String(i).padStart(12, '0')}`, resourceVersion: String(100000 + i), creationTimestamp: TS,
      labels: {
        'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': zone, 'topology.kubernetes.io/region': 'eu-west-1', 'node.kubernetes.io/instance-type': shape.type,
        'eks.amazonaws.com/nodegroup': `ng-${i % 4}`, 'eks.amazonaws.com/capacityType': i % 5 === 0 ? 'SPOT' : 'ON_DEMAND',
      },
      annotations: { 'alpha.kubernetes.io/provided-node-ip': `10.0.${i >> 8}.${i & 255}`, 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: `10.${i >> 8}.${i & 255}.0/24`, podCIDRs: [`10.${i >> 8}.${i & 255}.0/24`], providerID: `aws:///${zone}/i-0${i.toString(16).padStart(16, '0')}` },
    status: {
      capacity: { cpu: shape.capCpu, 'ephemeral-storage': '104845292Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: shape.capMem, pods: '110' },
      allocatable: { cpu: shape.cpu, 'ephemeral-storage': '95551679124', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: shape.memory, pods: '110' },
      conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((t) => ({ type: t, status: t === 'Ready' ? 'True' : 'False', lastHeartbeatTime: TS, lastTransitionTime: TS, reason: t === 'Ready' ? 'KubeletReady' : `KubeletHasNo${t}`, message: t === 'Ready' ? 'kubelet is posting ready status' : `kubelet has no ${t.toLowerCase()}` })),
      addresses: [{ type: 'InternalIP', address: `10.0.${i >> 8}.${i & 255}` }, { type: 'Hostname', address: name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: { machineID: 'ec2'.padEnd(32, '0'), systemUUID: 'ec2'.padEnd(36, '1'), bootID: 'b'.repeat(36), kernelVersion: '5.10.226-214.880.amzn2.x86_64', osImage: 'Amazon Linux 2', containerRuntimeVersion: 'containerd://1.7.22', kubeletVersion: 'v1.32.1', kubeProxyVersion: 'v1.32.1', operatingSystem: 'linux', architecture: 'amd64' },
      images,
    },
  };
  // One node in ten is dedicated (tainted), one in fifty cordoned: the filters have work to do.
  if (i % 10 === 7) node.spec.taints = [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }];
  if (i % 50 === 13) node.spec.unschedulable = true;
  return node;
}

/** A pod as kube-scheduler's informer holds it. */
export function realisticPod(name, ns, cpu, memory, nodeName) {
  const pod = {
    metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, resourceVersion: '1', creationTimestamp: TS, labels: { app: name.replace(/-[^-]+$/, '') } },
    spec: {
      containers: [{ name: 'app', image: `registry.example.com/${ns}/${name.split('-')[0]}:1.0`, resources: { requests: { cpu, memory }, limits: { memory } }, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }],
      restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', serviceAccountName: 'default', securityContext: {}, schedulerName: 'default-scheduler',
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      priority: 0, enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority',
    },
    status: { phase: nodeName ? 'Running' : 'Pending', qosClass: 'Burstable' },
  };
  if (nodeName) pod.spec.nodeName = nodeName;
  return pod;
}

/** A deterministic PRNG (mulberry32). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A cluster: `nodes` realistic nodes with `podsPerNode` running pods each (a list kubectl prints). */
export function generateCluster(nodes, podsPerNode, seed = 1) {
  const rnd = prng(seed);
  const items = [];
  for (let i = 0; i < nodes; i++) items.push(realisticNode(i));
  for (let i = 0; i < nodes; i++) {
    for (let k = 0; k < podsPerNode; k++) {
      const cpu = `${50 + Math.floor(rnd() * 6) * 50}m`;
      const mem = `${64 * (1 + Math.floor(rnd() * 8))}Mi`;
      items.push({ apiVersion: 'v1', kind: 'Pod', ...realisticPod(`svc${k % 40}-${i}-${k}`, `team-${k % 12}`, cpu, mem, items[i].metadata.name) });
    }
  }
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}

/** Writes a generated cluster to bench/results and returns its path. */
export function writeCluster(nodes, podsPerNode) {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `cluster-${nodes}x${podsPerNode}.json`);
  writeFileSync(path, JSON.stringify(generateCluster(nodes, podsPerNode)));
  return path;
}

/** The pending pod used by the latency benchmark ("a typical pod"). */
export const typicalPod = () => realisticPod('web-7d4f9-x2k8p', 'shop', '500m', '512Mi');

/** Node names kube-scheduler would send: `count` names starting at `start` (its round-robin). */
export function nodeNames(count, total, start = 0) {
  const out = [];
  for (let i = 0; i < count; i++) out.push(`node-${String((start + i) % total).padStart(5, '0')}`);
  return out;
}

/** Starts `podfit serve` (compiled) on 127.0.0.1:port; resolves once it answers /readyz. */
export async function startServe(args, port) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'podfit.js'), 'serve', '--address', '127.0.0.1', '--port', String(port), '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`podfit serve exited ${child.exitCode}: ${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error('podfit serve did not get ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      const code = await new Promise((r) => child.once('exit', (c, sig) => r(c ?? sig)));
      return code;
    },
  };
}

/** Percentile of a sorted array (nearest rank). */
export function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Scrapes one metric value (first sample matching `name{labels}`) from /metrics text. */
export function metric(text, name) {
  for (const line of text.split('\n')) if (line.startsWith(name)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  return NaN;
}

/**
 * CPU time (user + system, all threads) a process and its descendants have used, in ms (Linux
 * /proc, 100 Hz ticks). `podfit` may run the CLI in a child of the process started
 * (src/cli/relaunch.ts), so a server's CPU is its process tree's.
 */
export function processTreeCpuMs(pid) {
  let ms = 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    ms += (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0; // gone
  }
  let children = '';
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  } catch {
    // no children file: the process alone
  }
  for (const c of children.split(' ').filter(Boolean)) ms += processTreeCpuMs(Number(c));
  return ms;
}

// Writes a large cluster snapshot the way `kubectl get nodes,pods -A -o json|yaml` prints it:
// one `kind: List` whose items are kubelet-shaped Nodes (status, conditions, images, addresses)
// and controller-made Pods (ownerReferences, containers with requests and limits, status). The
// YAML is block style with go-yaml's habits (keys sorted, sequences not indented under their key,
// long strings folded), so it exercises the same reader kubectl's output does.
//
//   node bench/cluster/generate-snapshot.mjs [--nodes 20000] [--pods 200000] [--out bench/results]
//
// Writes <out>/snapshot-<nodes>x<pods>.yaml and .json (item by item: the generator itself never
// holds the whole list) and prints their paths and sizes. Deterministic: same flags, same bytes.
import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { prng, RESULTS } from '../extender/common.mjs';

const TS = '2026-11-01T10:00:00Z';
const SHAPES = [
  { type: 'm5.2xlarge', cpu: '7910m', memory: '31369712Ki', capCpu: '8', capMem: '32386544Ki' },
  { type: 'm5.4xlarge', cpu: '15890m', memory: '63200000Ki', capCpu: '16', capMem: '64400000Ki' },
  { type: 'c5.xlarge', cpu: '3920m', memory: '7200000Ki', capCpu: '4', capMem: '7800000Ki' },
];
const IMAGES_PER_NODE = 5;

const nodeName = (i) => `ip-10-${(i >> 16) & 255}-${(i >> 8) & 255}-${i & 255}.eu-west-1.compute.internal`;

/** A Node as the kubelet reports it (about 4 KB of YAML). */
export function kubeletNode(i) {
  const name = nodeName(i);
  const zone = `eu-west-1${'abc'[i % 3]}`;
  const shape = SHAPES[i % SHAPES.length];
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const images = [];
  for (let k = 0; k < IMAGES_PER_NODE; k++) {
    const repo = `602401143452.dkr.ecr.eu-west-1.amazonaws.com/team-${k % 5}/service-${(i + k) % 40}`;
    images.push({ names: [`${repo}@sha256:${((i * 31 + k) >>> 0).toString(16).padStart(8, '0').repeat(8)}`, `${repo}:v1.${k}.${i % 7}`], sizeBytes: 20_000_000 + ((i * 7919 + k * 104_729) % 400_000_000) });
  }
  const node = {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name, uid: `6f1c${String(i).padStart(4, '0').slice(-4)}-aaaa-4bbb-8ccc-${String(i).padStart(12, '0')}`, resourceVersion: String(1_000_000 + i), creationTimestamp: TS,
      labels: {
        'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/instance-type': shape.type, 'beta.kubernetes.io/os': 'linux',
        'eks.amazonaws.com/capacityType': i % 5 === 0 ? 'SPOT' : 'ON_DEMAND', 'eks.amazonaws.com/nodegroup': `ng-${i % 4}`,
        'failure-domain.beta.kubernetes.io/region': 'eu-west-1', 'failure-domain.beta.kubernetes.io/zone': zone,
        'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': shape.type,
        'topology.kubernetes.io/region': 'eu-west-1', 'topology.kubernetes.io/zone': zone,
      },
      annotations: { 'alpha.kubernetes.io/provided-node-ip': ip, 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { providerID: `aws:///${zone}/i-0${i.toString(16).padStart(16, '0')}` },
    status: {
      addresses: [{ address: ip, type: 'InternalIP' }, { address: name, type: 'InternalDNS' }, { address: name, type: 'Hostname' }],
      allocatable: { cpu: shape.cpu, 'ephemeral-storage': '95551679124', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: shape.memory, pods: '110' },
      capacity: { cpu: shape.capCpu, 'ephemeral-storage': '104845292Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: shape.capMem, pods: '110' },
      conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((t) => ({
        lastHeartbeatTime: TS, lastTransitionTime: TS, message: t === 'Ready' ? 'kubelet is posting ready status' : `kubelet has no ${t.replace('Pressure', '').toLowerCase()} pressure`,
        reason: t === 'Ready' ? 'KubeletReady' : `KubeletHasNo${t}`, status: t === 'Ready' ? 'True' : 'False', type: t,
      })),
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images,
      nodeInfo: {
        architecture: 'amd64', bootID: `b0${String(i).padStart(6, '0')}-1111-4222-8333-444455556666`, containerRuntimeVersion: 'containerd://1.7.22', kernelVersion: '5.10.226-214.880.amzn2.x86_64',
        kubeProxyVersion: 'v1.32.1-eks-5598f69', kubeletVersion: 'v1.32.1-eks-5598f69', machineID: `ec2${i.toString(16).padStart(29, '0')}`, operatingSystem: 'linux', osImage: 'Amazon Linux 2', systemUUID: `ec2${i.toString(16).padStart(5, '0')}-0000-4000-8000-000000000000`,
      },
    },
  };
  // One node in ten is dedicated (tainted), one in fifty cordoned: the filters have work to do.
  if (i % 10 === 7) node.spec.taints = [{ effect: 'NoSchedule', key: 'dedicated', value: 'batch' }];
  if (i % 50 === 13) node.spec.unschedulable = true;
  return node;
}

/** A Pod made by a ReplicaSet, as the API server returns it, trimmed to what scheduling reads plus its owner (about 820 B of YAML). */
export function replicaSetPod(app, ns, k, cpu, memory, node) {
  const rs = `${app}-${((app.charCodeAt(app.length - 1) * 7919 + app.length * 104_729) >>> 0).toString(16).padStart(10, '5c7')}`;
  const name = `${rs}-${k.toString(36).padStart(5, 'x')}`;
  const pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      creationTimestamp: TS, labels: { app, 'pod-template-hash': rs.slice(app.length + 1) }, name, namespace: ns,
      ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'ReplicaSet', name: rs, uid: `0a0b0c0d-1111-4000-8000-${rs.slice(-10).padStart(12, '0')}` }],
      uid: `5e5e${String(k).padStart(4, '0').slice(-4)}-cccc-4ddd-8eee-${String(k).padStart(12, '0')}`,
    },
    spec: {
      containers: [{ image: `602401143452.dkr.ecr.eu-west-1.amazonaws.com/${ns}/${app}:1.${k % 9}.0`, name: app, resources: { limits: { memory }, requests: { cpu, memory } } }],
      priority: 0, schedulerName: 'default-scheduler',
    },
    status: { phase: node ? 'Running' : 'Pending', qosClass: 'Burstable' },
  };
  if (node) {
    pod.spec.nodeName = node.name;
    Object.assign(pod.status, { hostIP: node.ip, podIP: `100.64.${(k >> 8) & 255}.${k & 255}` });
  }
  return pod;
}

/** The items in the order kubectl prints `nodes,pods`: all Nodes, then all Pods. */
function* items(nodes, pods, pendingPods, seed, podOf = replicaSetPod) {
  const rnd = prng(seed);
  for (let i = 0; i < nodes; i++) yield kubeletNode(i);
  for (let k = 0; k < pods; k++) {
    const cpu = `${50 + Math.floor(rnd() * 6) * 50}m`;
    const memory = `${64 * (1 + Math.floor(rnd() * 8))}Mi`;
    const app = `svc${k % 97}`;
    const i = Math.floor(rnd() * nodes);
    const node = k < pods - pendingPods ? { name: nodeName(i), ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` } : undefined;
    yield podOf(app, `team-${k % 12}`, k, cpu, memory, node);
  }
}

/** Buffered appends to a file. */
class Out {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.parts = [];
    this.size = 0;
  }
  write(s) {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush() {
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Writes the snapshot as YAML and JSON (or only the given formats); returns the paths by format.
 * `pod` makes each pod (replicaSetPod's arguments; default replicaSetPod), `name` prefixes the files.
 */
export function writeSnapshot({ nodes, pods, pendingPods = 100, seed = 1, out = RESULTS, formats = ['yaml', 'json'], pod = replicaSetPod, name = 'snapshot' }) {
  mkdirSync(out, { recursive: true });
  const base = join(out, `${name}-${nodes}x${pods}`);
  const yaml = formats.includes('yaml') ? new Out(`${base}.yaml`) : null;
  const json = formats.includes('json') ? new Out(`${base}.json`) : null;
  yaml?.write('apiVersion: v1\nitems:\n');
  json?.write('{"apiVersion":"v1","items":[');
  let first = true;
  for (const item of items(nodes, pods, pendingPods, seed, pod)) {
    // go-yaml prints a list's items as an unindented block sequence: "- key: ..." at column 0.
    if (yaml) yaml.write(`- ${stringify(item, { sortMapEntries: true, indentSeq: false }).slice(0, -1).replaceAll('\n', '\n  ')}\n`);
    json?.write(`${first ? '' : ','}${JSON.stringify(item)}`);
    first = false;
  }
  yaml?.write('kind: List\nmetadata:\n  resourceVersion: ""\n');
  json?.write('],"kind":"List","metadata":{"resourceVersion":""}}\n');
  yaml?.close();
  json?.close();
  return Object.fromEntries(formats.map((f) => [f, `${base}.${f}`]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { nodes: { type: 'string', default: '20000' }, pods: { type: 'string', default: '200000' }, pending: { type: 'string', default: '100' }, out: { type: 'string', default: RESULTS } } });
  const paths = writeSnapshot({ nodes: Number(values.nodes), pods: Number(values.pods), pendingPods: Number(values.pending), out: values.out });
  for (const p of Object.values(paths)) console.log(`${p}  ${(statSync(p).size / 1e6).toFixed(1)} MB`);
}

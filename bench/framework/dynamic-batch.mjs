#!/usr/bin/env node
/**
 * Class batching with dynamic parts (PodTopologySpread) against one full cycle per pod, alternating
 * in one run: replicas of one template on N nodes in 3 zones, each placed before the next.
 *
 *   node bench/framework/dynamic-batch.mjs [--kind replicaset|zone|hostname] [--nodes 5000] [--pods 1000] [--rounds 2]
 *
 * Kinds: `replicaset` (pods owned by a ReplicaSet: kube's system default spreading, hostname and
 * zone, ScheduleAnyway), `zone` (DoNotSchedule on the zone, maxSkew 1: per-class parts),
 * `hostname` (ScheduleAnyway on the hostname: per-node parts). Prints µs per pod for each mode and
 * checks that both placed every pod on the same node. Run `npm run build` first (reads dist/).
 */
import { parseArgs } from 'node:util';
const { values } = parseArgs({ options: { kind: { type: 'string', default: 'replicaset' }, nodes: { type: 'string', default: '5000' }, pods: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '2' }, engine: { type: 'string', default: 'wasm' } } });
const root = new URL('../../dist/', import.meta.url);
const d = (p) => import(new URL(p, root).href);
const { ClusterState } = await d('model/cluster-state.js');
const { ClusterObjects } = await d('model/cluster-objects.js');
const { Scheduler } = await d('framework/scheduler.js');
const { createKernels } = await d('kernel/engine.js');
const { REGISTRY } = await d('plugins/registry.js');
const { defaultSchedulerConfig } = await d('api/config.js');
const { makePodInfo, clonePodInfo } = await d('model/pod-info.js');
const { scheduleAndBind } = await d('workloads/runner.js');

const N = Number(values.nodes), P = Number(values.pods), kind = values.kind;
const spec = { containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu: '250m', memory: '256Mi' } } }] };
const meta = { name: 'tpl', namespace: 'default', labels: { app: 'web' } };
if (kind === 'replicaset') meta.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs1', controller: true }];
else if (kind === 'zone') spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }];
else if (kind === 'hostname') spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }];
else throw new Error(`--kind: replicaset, zone or hostname, not ${kind}`);

async function run(classBatching) {
  const kernels = await createKernels(values.engine);
  const state = new ClusterState(kernels.createTableMemory());
  for (let i = 0; i < N; i++) state.addNode({ metadata: { name: `n${i}`, labels: { 'kubernetes.io/hostname': `n${i}`, 'topology.kubernetes.io/zone': `z${i % 3}` } }, status: { allocatable: { cpu: '32', memory: '128Gi', pods: '110' } } });
  const objects = new ClusterObjects();
  objects.addReplicaSet({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default', uid: 'rs1' }, spec: { replicas: P, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } } });
  const s = new Scheduler({ state, config: defaultSchedulerConfig(), kernels, registry: REGISTRY, seed: 1, objects, classBatching });
  const tpl = makePodInfo({ metadata: meta, spec });
  const pods = Array.from({ length: P }, (_, i) => clonePodInfo(tpl, `web-${i}`, `u${i}`));
  const t0 = performance.now();
  const placed = pods.map((p) => scheduleAndBind(s, p));
  const us = ((performance.now() - t0) * 1000) / P;
  return { us, placed, dynamic: s.defaultFramework.classBatches.dynamicDecisions };
}

const rows = { batched: [], cycle: [] };
let ref;
for (let r = 0; r < Number(values.rounds); r++) {
  for (const mode of ['cycle', 'batched']) {
    const got = await run(mode === 'batched');
    ref ??= got.placed;
    if (got.placed.some((n, i) => n !== ref[i])) throw new Error(`${mode}: placements differ from the first run`);
    rows[mode].push(got.us);
    if (mode === 'batched' && got.dynamic === 0) throw new Error('class batching made no dynamic decision');
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(JSON.stringify({ kind, nodes: N, pods: P, engine: values.engine, usPerPod: { cycle: rows.cycle.map((x) => +x.toFixed(1)), batched: rows.batched.map((x) => +x.toFixed(1)) }, speedup: +(med(rows.cycle) / med(rows.batched)).toFixed(2), samePlacements: true }));

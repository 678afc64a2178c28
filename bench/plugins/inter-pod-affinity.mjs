// InterPodAffinity's extension points on the shapes of scheduler_perf's SchedulingPodAntiAffinity
// (3,000 placed pods with required anti-affinity on hostname, each matching the incoming pod) and
// SchedulingPodAffinity (10,000 placed pods with required affinity on one zone, so every one adds
// hardPodAffinityWeight in PreScore) over 5,000 nodes: CPU microseconds per cycle for PreFilter,
// Filter (all nodes), PreScore and Score + NormalizeScore, median of 5 rounds of 300 cycles.
// CPU time rather than wall time, so a shared machine's other load blurs it less.
//
//   node bench/plugins/inter-pod-affinity.mjs [anti|affinity]
import { dist, machine } from '../common.js';

const { ClusterState } = await dist('model/cluster-state.js');
const { ClusterObjects } = await dist('model/cluster-objects.js');
const { makePodInfo } = await dist('model/pod-info.js');
const { CycleState } = await dist('framework/cycle-state.js');
const { newInterPodAffinity } = await dist('plugins/inter-pod-affinity/index.js');

const NODES = 5000;
const ROUNDS = 5;
const CYCLES = 300;
const SHAPES = {
  anti: { pods: 3000, color: 'green', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['sched-0', 'sched-1'] }] } } },
  affinity: { pods: 10000, color: 'blue', affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'blue' } }, topologyKey: 'topology.kubernetes.io/zone', namespaces: ['sched-0', 'sched-1'] }] } } },
};
const cpuUs = () => process.cpuUsage().user;

function run(name) {
  const shape = SHAPES[name];
  const state = new ClusterState();
  const objects = new ClusterObjects();
  for (const ns of ['sched-0', 'sched-1']) objects.addNamespace({ kind: 'Namespace', metadata: { name: ns } });
  for (let i = 0; i < NODES; i++) {
    state.addNode({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': 'zone1' } }, spec: {}, status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110' } } });
  }
  let seq = 0;
  const pod = () => makePodInfo({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${seq}`, namespace: 'sched-1', uid: `u${seq++}`, labels: { color: shape.color } }, spec: { affinity: shape.affinity, containers: [{ name: 'c' }] } });
  for (let i = 0; i < shape.pods; i++) {
    const p = pod();
    objects.admitPod(p);
    state.addPod(p, `node-${(i * 7) % NODES}`);
  }
  const handle = { state, kernels: { engine: 'js' }, profileName: 'default-scheduler', objects };
  const plugin = newInterPodAffinity({ hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false }, handle);
  const nodes = state.nodes;
  const out = new Array(NODES).fill(null);
  const scores = new Float64Array(NODES);
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = { preFilter: 0, filter: 0, preScore: 0, score: 0 };
    for (let c = 0; c < CYCLES; c++) {
      const p = pod();
      objects.admitPod(p);
      const cs = new CycleState();
      const t0 = cpuUs();
      plugin.preFilter(cs, p, nodes);
      const t1 = cpuUs();
      out.fill(null);
      plugin.filter(cs, p, nodes, out);
      const t2 = cpuUs();
      const skip = plugin.preScore(cs, p, nodes) !== null;
      const t3 = cpuUs();
      if (!skip) {
        plugin.score(cs, p, nodes, scores);
        plugin.normalizeScore(cs, p, nodes, scores);
      }
      const t4 = cpuUs();
      t.preFilter += t1 - t0;
      t.filter += t2 - t1;
      t.preScore += t3 - t2;
      t.score += t4 - t3;
    }
    rounds.push(t);
  }
  const median = (k) => rounds.map((x) => x[k] / CYCLES).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)].toFixed(1);
  console.log(`${name.padEnd(8)} us/cycle  PreFilter ${median('preFilter')}  Filter ${median('filter')}  PreScore ${median('preScore')}  Score+Normalize ${median('score')}`);
}

console.log(JSON.stringify(machine()));
for (const name of process.argv[2] ? [process.argv[2]] : Object.keys(SHAPES)) run(name);

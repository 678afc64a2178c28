/**
 * PluginTraits.epoch: a class run evaluates a pod's plan again only when the sum of the plugins'
 * trait epochs moved (ProfilePlan.epoch, Scheduler.scheduleRun). The contract checked here: on
 * random sequences of cluster changes (pods with and without terms placed and removed, Services
 * and ReplicaSets added and removed, namespaces and nodes added), whenever the epoch is what it was
 * after the previous change, every probe pod gets the plan it got then.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Pod } from '../../src/api/k8s.js';
import { Scheduler } from '../../src/framework/scheduler.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { ClusterObjects } from '../../src/model/cluster-objects.js';
import { makePodInfo, type PodInfo } from '../../src/model/pod-info.js';
import { REGISTRY } from '../../src/plugins/registry.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { config as configOf } from '../helpers/random-cluster.js';

const DEFAULT = configOf('profiles: [{schedulerName: default-scheduler}]');
// Without InterPodAffinity (whose epoch also counts the objects), the other plugins' epochs alone.
const NO_IPA = configOf('profiles: [{schedulerName: default-scheduler, plugins: {multiPoint: {disabled: [{name: InterPodAffinity}]}}}]');

const owned = (p: Pod): Pod => {
  p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs', controller: true }];
  return p;
};
const anti = (p: Pod, key: string, app: string): Pod => {
  p.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: key, labelSelector: { matchLabels: { app } } }] } };
  return p;
};
const preferred = (p: Pod, key: string, app: string): Pod => {
  p.spec.affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { topologyKey: key, labelSelector: { matchLabels: { app } } } }] } };
  return p;
};

/** Pods whose plans are compared: plain, labelled, owned, with terms, with an image some nodes hold. */
function probes(): PodInfo[] {
  return [
    makePod('plain').build(),
    makePod('a').label('app', 'a').build(),
    makePod('b').label('app', 'b').build(),
    owned(makePod('web').label('app', 'web').build()),
    anti(makePod('anti').label('app', 'a').build(), 'kubernetes.io/hostname', 'b'),
    preferred(makePod('pref').label('app', 'b').build(), 'zone', 'a'),
    makePod('img').image('registry/app:1').label('app', 'a').build(),
  ].map((p) => makePodInfo(p));
}

type Op =
  | { kind: 'place'; pod: number; node: number }
  | { kind: 'remove'; k: number }
  | { kind: 'service'; app: string }
  | { kind: 'unservice' }
  | { kind: 'replicaset' }
  | { kind: 'namespace'; n: number }
  | { kind: 'node'; image: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('place' as const), pod: fc.nat(6), node: fc.nat(10) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), k: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('service' as const), app: fc.constantFrom('a', 'web') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unservice' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replicaset' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('namespace' as const), n: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('node' as const), image: fc.boolean() }) },
);

/** A pod placed by an op: like a probe (terms included), under its own name. */
function podFor(i: number, seq: number): PodInfo {
  const src = probes()[i % 7]!.pod;
  const p = structuredClone(src);
  p.metadata.name = `${p.metadata.name}-${seq}`;
  return makePodInfo(p);
}

function planOf(s: Scheduler, pod: PodInfo): string {
  const p = s.defaultFramework.plan.forPod(pod);
  return `${[...p.filterReads].join('')}/${[...p.scoreReads].join('')}/${p.fused}/${p.classBatch}/${p.speculation}`;
}

describe('PluginTraits.epoch', () => {
  it.each([['the default profile', DEFAULT], ['a profile without InterPodAffinity', NO_IPA]])('moves whenever a plan of a pod could change (%s)', (_name, config) => {
    let kept = 0;
    let moved = 0;
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.array(opArb, { minLength: 1, maxLength: 40 }), (zones, firstImage, ops) => {
        const kernels = createJsKernels();
        const state = new ClusterState(kernels.createTableMemory());
        const objects = new ClusterObjects();
        let nodeSeq = 0;
        const addNode = (image: boolean) => {
          const b = makeNode(`n${nodeSeq}`).capacity({ cpu: '8', memory: '16Gi', pods: 50 }).label('zone', zones[nodeSeq % zones.length] ? 'z1' : 'z2');
          const node = b.build();
          if (image) node.status!.images = [{ names: ['registry/app:1'], sizeBytes: 500_000_000 }];
          state.addNode(node);
          nodeSeq++;
        };
        for (let i = 0; i < zones.length; i++) addNode(i === 0 && firstImage);
        const s = new Scheduler({ registry: REGISTRY, state, config, kernels, seed: 1, objects });
        const probe = probes();
        const placed: string[] = [];
        let seq = 0;
        let epoch = s.defaultFramework.plan.epoch();
        let plans = probe.map((p) => planOf(s, p));
        for (const op of ops) {
          switch (op.kind) {
            case 'place': {
              const pod = podFor(op.pod, seq++);
              state.addPod(pod, state.nodes[op.node % state.nodes.length]!.name);
              placed.push(pod.key);
              break;
            }
            case 'remove':
              if (placed.length > 0) state.removePod(placed.splice(op.k % placed.length, 1)[0]!);
              break;
            case 'service':
              objects.addService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'default' }, spec: { selector: { app: op.app } } } as never);
              break;
            case 'unservice':
              objects.removeService('default', 'svc');
              break;
            case 'replicaset':
              objects.addReplicaSet({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template: {} } } as never);
              break;
            case 'namespace':
              objects.noteNamespace(`ns${op.n}`);
              break;
            case 'node':
              addNode(op.image);
              break;
          }
          const e = s.defaultFramework.plan.epoch();
          const now = probe.map((p) => planOf(s, p));
          if (e === epoch) {
            expect(now).toEqual(plans);
            kept++;
          } else if (now.join() !== plans.join()) moved++;
          epoch = e;
          plans = now;
        }
      }),
      { numRuns: 300 },
    );
    // Both sides happened: epochs that stayed (plans reused) and epochs that moved with the plans.
    expect(kept).toBeGreaterThan(500);
    expect(moved).toBeGreaterThan(50);
  });
});

/**
 * A small cluster shaped like what an API server lists (managedFields, last-applied annotations,
 * container statuses, conditions, node addresses and info), whose pending pods exercise what
 * pruning and anonymizing must not change: resources, ImageLocality (node images, tags and
 * digests), zones and topology spread, node affinity (matchExpressions and matchFields), pod
 * (anti-)affinity with namespaces and namespaceSelectors, taints and tolerations, host ports,
 * priority classes, preemption with a PDB, a nominated node, Services and ReplicaSets as spread
 * selectors, and the workload and storage kinds a snapshot carries.
 *
 * Every name, namespace, label value and image is distinctive (letters outside a-f, long enough)
 * so a test can check that none of them survives anonymization as a substring.
 */
import type { Node, Pod } from '../../src/api/k8s.js';
import { makeNode, makePod } from './builders.js';

type Obj = Record<string, unknown>;

const managedFields = [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: '2026-11-01T09:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } } }];

/** Adds what the API server and kubelet add to a node. */
function kubeletNode(n: Node): Node {
  const o = n as Node & { metadata: Obj; status: Obj };
  o.metadata.managedFields = managedFields;
  o.metadata.annotations = { 'node.alpha.kubernetes.io/ttl': '0', 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ metadata: { name: o.metadata.name } }) };
  o.metadata.uid = `uid-${String(o.metadata.name)}`;
  o.metadata.resourceVersion = '1234';
  o.status.addresses = [{ type: 'InternalIP', address: '10.20.30.40' }, { type: 'Hostname', address: String(o.metadata.name) }];
  o.status.nodeInfo = { kubeletVersion: 'v1.32.1', osImage: 'Ubuntu 24.04', machineID: 'machine-identity-xyz' };
  o.status.conditions = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: '2026-11-01T10:00:00Z' }];
  o.status.daemonEndpoints = { kubeletEndpoint: { Port: 10250 } };
  (o.spec as Obj).providerID = 'aws:///westeros-a/i-0provider';
  (o.spec as Obj).podCIDR = '10.244.1.0/24';
  return n;
}

/** Adds what the API server and kubelet add to a pod. */
function kubeletPod(p: Pod, running: boolean, startMinute = 30): Pod {
  const o = p as Pod & { metadata: Obj; status: Obj };
  o.metadata.managedFields = managedFields;
  o.metadata.resourceVersion = '4321';
  o.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Pod"}' };
  o.status = {
    ...(o.status ?? {}),
    phase: running ? 'Running' : 'Pending',
    qosClass: 'Burstable',
    conditions: running
      ? [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }]
      : [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/6 nodes are available' }],
    ...(running
      ? {
        startTime: `2026-11-01T09:${startMinute}:00Z`, hostIP: '10.20.30.40', podIP: '10.244.1.7',
        containerStatuses: [{ name: 'c0', ready: true, restartCount: 0, image: 'registry.corp.internal/payments/api:v2.3.1', imageID: 'docker-pullable://registry.corp.internal/payments/api@sha256:0000', state: { running: { startedAt: '2026-11-01T09:30:01Z' } } }],
      }
      : {}),
  };
  return p;
}

const created = (minute: number) => `2026-11-01T10:${String(minute).padStart(2, '0')}:00Z`;
const owner = (kind: string, name: string) => ({ apiVersion: 'apps/v1', kind, name, uid: `uid-${name}`, controller: true, blockOwnerDeletion: true });

function nodes(): Node[] {
  const out: Node[] = [];
  for (let i = 1; i <= 6; i++) {
    const b = makeNode(`orion-worker-${i}`)
      .capacity({ cpu: i <= 3 ? '4' : '8', memory: '16Gi', pods: 110 })
      // Reserved for the system: what pods fit against is less than capacity.
      .allocatable({ cpu: i <= 3 ? '3500m' : '7500m', memory: '15Gi', pods: 110 })
      .labels({
        'topology.kubernetes.io/zone': ['westeros-north', 'westeros-south', 'westeros-vale'][i % 3]!,
        'topology.kubernetes.io/region': 'westeros',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': i <= 3 ? 'm5.xlarge' : 'm5.2xlarge',
        'node-role.kubernetes.io/worker': '',
        'gpu-count': String(i % 2),
      });
    if (i % 2 === 0) b.label('tier', 'premium-gold');
    if (i === 6) b.taint({ key: 'dedicated', value: 'ml-training', effect: 'NoSchedule' });
    if (i <= 3) {
      // Big enough on half the nodes for ImageLocality to outweigh the emptier nodes.
      b.images([
        { names: ['registry.corp.internal/payments/api@sha256:7f3e0c1b', 'registry.corp.internal/payments/api:v2.3.1'], sizeBytes: 1200 * 1024 * 1024 },
        { names: ['docker.io/library/nginx:latest', 'nginx:latest'], sizeBytes: 900 * 1024 * 1024 },
      ]);
    }
    out.push(kubeletNode(b.build()));
  }
  return out;
}

function runningPods(): Pod[] {
  const out: Pod[] = [];
  for (let i = 0; i < 8; i++) {
    // orion-worker-1's two (i = 0, 5) are batch pods no PDB covers.
    const p = makePod(`payments-api-x7q9z-${'qrstuvwx'[i]}`, 'payments')
      .req({ cpu: '1', memory: '2Gi' }, 'registry.corp.internal/payments/api:v2.3.1')
      .labels({ app: i % 5 === 0 ? 'payments-batch' : 'payments-api', 'pod-template-hash': 'x7q9z' })
      .nodeName(`orion-worker-${(i % 5) + 1}`)
      .created(created(0))
      .build();
    p.metadata.ownerReferences = [owner('ReplicaSet', 'payments-api-x7q9z')];
    p.spec.priorityClassName = 'standard-workload';
    p.spec.priority = 100;
    // Start times tell preemption's candidate nodes apart (the latest-started victims lose).
    kubeletPod(p, true, 30 + i);
    if (i === 6) {
      // Being deleted by an earlier preemption: a pod nominated here may not preempt again.
      p.metadata.deletionTimestamp = '2026-11-01T10:00:00Z';
      p.status!.conditions = [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' } as never];
    }
    out.push(p);
  }
  // Finished: holds nothing (only its phase says so).
  const done = makePod('batch-import-finished', 'payments').req({ cpu: '6', memory: '8Gi' }).nodeName('orion-worker-4').build();
  kubeletPod(done, true).status!.phase = 'Succeeded';
  out.push(done);
  const sys = makePod('kube-proxy-zzkq', 'kube-system').req({ cpu: '100m', memory: '128Mi' }, 'registry.k8s.io/kube-proxy:v1.32.1').nodeName('orion-worker-2').build();
  sys.spec.priorityClassName = 'system-node-critical';
  sys.spec.priority = 2000001000;
  out.push(kubeletPod(sys, true));
  return out;
}

function pendingPods(): Pod[] {
  const out: Pod[] = [];
  let minute = 1;
  const next = (b: ReturnType<typeof makePod>) => {
    const p = b.created(created(minute++)).build();
    out.push(kubeletPod(p, false));
    return p;
  };
  // Spread over zones, kept to two zones by node affinity, on premium nodes.
  for (let i = 0; i < 4; i++) {
    next(makePod(`checkout-web-${'ghijk'[i]}`, 'checkout')
      .req({ cpu: '500m', memory: '512Mi' }, 'registry.corp.internal/checkout/web:release-kumquat')
      .labels({ app: 'checkout-web' })
      .spreadConstraint({ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'checkout-web' } } })
      .affinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['westeros-north', 'westeros-south'] }] }] } } }));
  }
  // ImageLocality decides: the image is on orion-worker-1 and -4 (once by tag, untagged nginx by :latest).
  next(makePod('payments-api-canary', 'payments').req({ cpu: '200m', memory: '256Mi' }, 'registry.corp.internal/payments/api:v2.3.1').image('nginx')
    .labels({ app: 'payments-canary' })
    .affinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['checkout-web'] }] }, namespaces: ['checkout'] }] } }));
  // Tolerates the ml-training taint and asks for it by label Lt; fits capacity, not allocatable.
  next(makePod('model-trainer-omega', 'payments').req({ cpu: '7600m', memory: '8Gi' })
    .toleration({ key: 'dedicated', operator: 'Equal', value: 'ml-training', effect: 'NoSchedule' })
    .affinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gpu-count', operator: 'Lt', values: ['1'] }] }] } } }));
  // Pinned by matchFields (kube allows one value), preferring the premium tier.
  next(makePod('ledger-sync-pinned', 'payments').req({ cpu: '300m', memory: '256Mi' })
    .affinity({ nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['orion-worker-3'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['premium-gold'] }] } }],
    } }));
  // Affinity to payments pods found through a namespaceSelector on team labels.
  next(makePod('fraud-scorer-near', 'checkout').req({ cpu: '250m', memory: '256Mi' })
    .affinity({ podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 80, podAffinityTerm: { topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'payments-api' } }, namespaceSelector: { matchLabels: { team: 'fintech-squad' } } } }] } }));
  // Host ports, one on a specific host IP.
  next(makePod('metrics-relay-one', 'checkout').req({ cpu: '100m', memory: '64Mi' }).hostPort(9100, 'TCP', '10.99.88.77'));
  next(makePod('metrics-relay-two', 'checkout').req({ cpu: '100m', memory: '64Mi' }).hostPort(9100));
  // A nominated node from an earlier preemption.
  next(makePod('reporting-nominated', 'payments').req({ cpu: '500m', memory: '512Mi' }).nominatedNodeName('orion-worker-1'));
  // High priority and big: preempts payments-api pods (a PDB allows one disruption).
  const big = next(makePod('settlement-urgent', 'payments').req({ cpu: '3500m', memory: '4Gi' }).nodeSelector({ 'node.kubernetes.io/instance-type': 'm5.xlarge' }));
  big.spec.priorityClassName = 'business-critical';
  big.spec.priority = 1000;
  // The same, nominated where a victim of an earlier preemption is still terminating: it waits.
  const retry = next(makePod('settlement-retry', 'payments').req({ cpu: '3500m', memory: '4Gi' }).nodeSelector({ 'node.kubernetes.io/instance-type': 'm5.xlarge' }).nominatedNodeName('orion-worker-2'));
  retry.spec.priorityClassName = 'business-critical';
  retry.spec.priority = 1000;
  return out;
}

function others(): Obj[] {
  const selector = { matchLabels: { app: 'payments-api', 'pod-template-hash': 'x7q9z' } };
  const template = (labels: Obj) => ({ metadata: { labels }, spec: { containers: [{ name: 'api', image: 'registry.corp.internal/payments/api:v2.3.1', env: [{ name: 'DB_PASSWORD', value: 'hunter2-secret' }], resources: { requests: { cpu: '1' } } }] } });
  const ns = (name: string, team: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, team }, managedFields }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  return [
    ns('payments', 'fintech-squad'), ns('checkout', 'storefront-squad'), ns('default', 'platform-squad'), ns('kube-system', 'platform-squad'),
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'business-critical' }, value: 1000, description: 'money moves here' },
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'standard-workload' }, value: 100, globalDefault: false },
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-node-critical' }, value: 2000001000 },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'payments-api-budget', namespace: 'payments' }, spec: { minAvailable: 7, selector: { matchLabels: { app: 'payments-api' } } }, status: { disruptionsAllowed: 1, currentHealthy: 8, desiredHealthy: 7, expectedPods: 8, observedGeneration: 3, disruptedPods: { 'payments-api-x7q9z-x': '2026-11-01T10:00:00Z' } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'checkout-web-svc', namespace: 'checkout' }, spec: { selector: { app: 'checkout-web' }, clusterIP: '10.96.44.55', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }, status: { loadBalancer: {} } },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'payments-api-x7q9z', namespace: 'payments', uid: 'uid-payments-api-x7q9z', ownerReferences: [owner('Deployment', 'payments-api')] }, spec: { replicas: 8, selector, template: template(selector.matchLabels) }, status: { replicas: 8, readyReplicas: 8 } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'payments-api', namespace: 'payments', uid: 'uid-payments-api' }, spec: { replicas: 8, selector, template: template(selector.matchLabels), strategy: { type: 'RollingUpdate' } }, status: { replicas: 8 } },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'ledger-store', namespace: 'payments' }, spec: { replicas: 3, serviceName: 'ledger-headless', selector: { matchLabels: { app: 'ledger-store' } }, template: template({ app: 'ledger-store' }), volumeClaimTemplates: [{ metadata: { name: 'ledger-data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'premium-ssd', resources: { requests: { storage: '100Gi' } } } }] } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'node-exporter-daemon', namespace: 'kube-system' }, spec: { selector: { matchLabels: { app: 'node-exporter-daemon' } }, template: template({ app: 'node-exporter-daemon' }) }, status: { desiredNumberScheduled: 6 } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'nightly-reconcile', namespace: 'payments' }, spec: { completions: 1, parallelism: 1, template: template({ 'job-name': 'nightly-reconcile' }) }, status: { active: 1 } },
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy-gateway', namespace: 'checkout' }, spec: { replicas: 1, selector: { app: 'legacy-gateway' }, template: template({ app: 'legacy-gateway' }) } },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'ledger-data-ledger-store-0', namespace: 'payments', annotations: { 'volume.kubernetes.io/selected-node': 'orion-worker-2', 'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com', 'owner-contact': 'jane.doe@corp.internal' } }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'premium-ssd', volumeName: 'pvc-volume-quokka', resources: { requests: { storage: '100Gi' } } }, status: { phase: 'Bound', capacity: { storage: '100Gi' }, conditions: [] } },
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'premium-ssd' }, provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'WaitForFirstConsumer', parameters: { kmsKeyId: 'arn:aws:kms:key-walrus' }, allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['westeros-north'] }] }] },
    { apiVersion: 'storage.k8s.io/v1', kind: 'CSINode', metadata: { name: 'orion-worker-1', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'orion-worker-1', uid: 'uid-orion-worker-1' }] }, spec: { drivers: [{ name: 'ebs.csi.aws.com', nodeID: 'i-0instanceowl', topologyKeys: ['topology.ebs.csi.aws.com/zone'], allocatable: { count: 25 } }] } },
  ];
}

/** The cluster's objects, nodes first, as a snapshot lists them. */
export function realisticCluster(): Obj[] {
  return [...(nodes() as unknown as Obj[]), ...(runningPods() as unknown as Obj[]), ...(pendingPods() as unknown as Obj[]), ...others()];
}

/** Strings of the cluster that say something about its owner: names, namespaces, label values, images, taint values. */
export const SECRET_STRINGS: readonly string[] = [
  'orion', 'westeros', 'premium-gold', 'ml-training', 'payments', 'checkout', 'registry.corp', 'corp.internal', 'kumquat', 'v2.3.1',
  'release', 'canary', 'model-trainer', 'ledger', 'fraud-scorer', 'metrics-relay', 'reporting', 'settlement', 'fintech', 'storefront',
  'platform-squad', 'business-critical', 'standard-workload', 'budget', 'legacy-gateway', 'nightly', 'exporter', 'quokka', 'walrus',
  'instanceowl', 'hunter2', 'jane.doe', 'money moves', '10.99.88.77', '10.20.30.40', '10.96.44.55', 'machine-identity', 'i-0provider', 'zzkq', 'kube-proxy', 'nginx',
  'x7q9z', 'premium-ssd',
];

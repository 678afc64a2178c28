// A Pod a Deployment made and the kubelet runs, as a `podfit snapshot` file holds it: metadata
// with owner and generateName, a spec with the defaults the API server fills in (the
// service-account token volume, tolerations, ports), and the status fields the snapshot keeps.
// About 2 KB of JSON: what a capacity run's 100,000 running pods are made of.
const TS = '2026-11-01T10:00:00Z';

/** Pod k of app `app` in namespace `ns`, requesting cpu/memory, running on `node` ({name, ip}) or pending. */
export function kubeletPod(app, ns, k, cpu, memory, node) {
  const hash = ((app.length * 7919 + app.charCodeAt(app.length - 1) * 104_729) >>> 0).toString(16).padStart(10, '7').slice(-10);
  const rs = `${app}-${hash}`;
  const name = `${rs}-${k.toString(36).padStart(5, 'x')}`;
  const uid = `5e5e${(k & 0xffff).toString(16).padStart(4, '0')}-cccc-4ddd-8eee-${String(k).padStart(12, '0')}`;
  const image = `602401143452.dkr.ecr.eu-west-1.amazonaws.com/${ns}/${app}:1.${k % 9}.0`;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: TS,
      generateName: `${rs}-`,
      labels: { app, 'pod-template-hash': hash },
      name,
      namespace: ns,
      ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'ReplicaSet', name: rs, uid: `0a0b0c0d-1111-4000-8000-${hash.padStart(12, '0')}` }],
      resourceVersion: String(5_000_000 + k),
      uid,
    },
    spec: {
      containers: [{
        image,
        imagePullPolicy: 'IfNotPresent',
        name: app,
        ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
        resources: { limits: { memory }, requests: { cpu, memory } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        volumeMounts: [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: `kube-api-access-${hash.slice(0, 5)}`, readOnly: true }],
      }],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
      ],
      volumes: [{
        name: `kube-api-access-${hash.slice(0, 5)}`,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
            { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
          ],
        },
      }],
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
  if (node) {
    pod.spec.nodeName = node.name;
    const podIP = `100.64.${(k >> 8) & 255}.${k & 255}`;
    // The status a snapshot keeps (podfit snapshot drops conditions and container statuses).
    pod.status = { hostIP: node.ip, hostIPs: [{ ip: node.ip }], phase: 'Running', podIP, podIPs: [{ ip: podIP }], qosClass: 'Burstable', startTime: TS };
  }
  return pod;
}

/** The template capacity's benchmark asks about (whatif's maxReplicas asks the same). */
export const WEB_TEMPLATE = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  containers:
  - name: web
    image: registry.example/shop/web:2.1
    resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {memory: 1Gi}}
`;

/** The strict field check of person-written objects (kubectl's --validate), and its generated table. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { InputError } from '../../src/api/errors.js';
import { checkKnownFields, editDistance, findUnknownFields, isCheckedKind, suggestField, unknownFieldMessage } from '../../src/api/known-fields.js';
import { KNOWN_FIELDS } from '../../src/api/known-fields.generated.js';
import { UNKNOWN_FIELDS_REPORTED_MAX } from '../../src/model/limits.js';

/** A Pod as a person writes one, with many fields podfit's schemas do not model. */
const fullPod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, annotations: { a: 'b' }, finalizers: ['x'] },
  spec: {
    serviceAccountName: 'web',
    securityContext: { runAsNonRoot: true, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } },
    terminationGracePeriodSeconds: 30,
    dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
    imagePullSecrets: [{ name: 'reg' }],
    containers: [{
      name: 'web',
      image: 'nginx',
      args: ['--port', '80'],
      env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      livenessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 10 },
      readinessProbe: { exec: { command: ['true'] } },
      volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
      securityContext: { capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false },
      lifecycle: { preStop: { sleep: { seconds: 5 } } },
      ports: [{ containerPort: 80, name: 'http' }],
    }],
    initContainers: [{ name: 'init', image: 'busybox', restartPolicy: 'Always', startupProbe: { tcpSocket: { port: 1 } } }],
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'k', path: 'p' }] } },
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
      { name: 'eph', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
    ],
    affinity: {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: 'h', labelSelector: { matchLabels: { app: 'web' } } } }] },
    },
    tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }],
  },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }], containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'nginx', imageID: '' }] },
});

describe('known Kubernetes fields (generated table)', () => {
  it('is what scripts/gen-known-fields.js generates from the installed @kubernetes/client-node', () => {
    const r = spawnSync(process.execPath, ['scripts/gen-known-fields.js', '--check'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('has the Pod fields podfit does not model', () => {
    expect(KNOWN_FIELDS.V1Container).toMatchObject({ livenessProbe: 'V1Probe', volumeMounts: 'V1VolumeMount[]', securityContext: 'V1SecurityContext', resources: 'V1ResourceRequirements' });
    expect(KNOWN_FIELDS.V1ResourceRequirements).toEqual({ claims: 'CoreV1ResourceClaim[]', limits: '', requests: '' });
  });
});

describe('findUnknownFields', () => {
  it('accepts every field Kubernetes has, modelled by podfit or not', () => {
    expect(findUnknownFields(fullPod(), 'Pod')).toEqual({ fields: [], total: 0 });
  });

  it.each([
    ['resource for resources', (p: ReturnType<typeof fullPod>) => { const c = p.spec.containers[0]! as Record<string, unknown>; c.resource = c.resources; delete c.resources; }, 'spec.containers[0].resource', 'resources'],
    ['requets in resources', (p: ReturnType<typeof fullPod>) => { (p.spec.containers[0]!.resources as Record<string, unknown>).requets = {}; }, 'spec.containers[0].resources.requets', 'requests'],
    ['requests straight on the container', (p: ReturnType<typeof fullPod>) => { (p.spec.containers[0] as Record<string, unknown>).requests = {}; }, 'spec.containers[0].requests', 'resources.requests'],
    ['a capitalised name', (p: ReturnType<typeof fullPod>) => { (p.spec as Record<string, unknown>).NodeSelector = {}; }, 'spec.NodeSelector', 'nodeSelector'],
    ['a swapped pair', (p: ReturnType<typeof fullPod>) => { (p.spec.tolerations[0] as Record<string, unknown>).opertaor = 'Exists'; }, 'spec.tolerations[0].opertaor', 'operator'],
    ['deep in affinity', (p: ReturnType<typeof fullPod>) => { (p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]!.matchExpressions[0] as Record<string, unknown>).value = ['a']; }, 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].value', 'values'],
    ['in a field podfit does not model', (p: ReturnType<typeof fullPod>) => { (p.spec.containers[0]!.livenessProbe as Record<string, unknown>).periodSecond = 1; }, 'spec.containers[0].livenessProbe.periodSecond', 'periodSeconds'],
    ['in metadata', (p: ReturnType<typeof fullPod>) => { (p.metadata as Record<string, unknown>).label = {}; }, 'metadata.label', 'labels'],
    ['nothing near', (p: ReturnType<typeof fullPod>) => { (p.spec as Record<string, unknown>).replicas = 3; }, 'spec.replicas', undefined],
  ])('finds %s', (_name, mutate, path, suggestion) => {
    const pod = fullPod();
    mutate(pod);
    expect(findUnknownFields(pod, 'Pod')).toEqual({ fields: [{ path, suggestion }], total: 1 });
  });

  it('leaves values of the wrong shape to the schemas, and does not check kinds it does not know', () => {
    expect(findUnknownFields({ spec: { containers: 'x', affinity: [1], tolerations: {} } }, 'Pod').total).toBe(0);
    expect(findUnknownFields({ spec: { anything: 1 } }, 'Widget').total).toBe(0);
    expect(isCheckedKind('Pod')).toBe(true);
    expect(isCheckedKind('Deployment')).toBe(true);
    expect(isCheckedKind('Widget')).toBe(false);
  });

  it('checks the pod template of a workload object', () => {
    const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'c', resource: {} }] } } } };
    expect(findUnknownFields(d, 'Deployment').fields).toEqual([{ path: 'spec.template.spec.containers[0].resource', suggestion: 'resources' }]);
  });

  it(`lists at most ${UNKNOWN_FIELDS_REPORTED_MAX} fields and counts the rest`, () => {
    const spec: Record<string, unknown> = {};
    for (let i = 0; i < UNKNOWN_FIELDS_REPORTED_MAX + 5; i++) spec[`zz${i}`] = 1;
    const r = findUnknownFields({ spec }, 'Pod');
    expect(r.fields).toHaveLength(UNKNOWN_FIELDS_REPORTED_MAX);
    expect(r.total).toBe(UNKNOWN_FIELDS_REPORTED_MAX + 5);
  });
});

describe('checkKnownFields (--validate)', () => {
  const typo = () => ({ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', resource: { requests: { cpu: '1' } } }], nodeSelecter: {} } });

  it('strict: one InputError naming every unknown field, the first one as its field', () => {
    const check = () => checkKnownFields(typo(), 'Pod', 'pod.yaml', 'strict', []);
    expect(check).toThrow(InputError);
    expect(check).toThrow('pod.yaml: spec.containers[0].resource: unknown field, did you mean resources?; spec.nodeSelecter: unknown field, did you mean nodeSelector? (podfit knows the fields of Kubernetes v1.34.0; --validate=warn or --validate=ignore accepts others)');
    expect(check).toThrow(expect.objectContaining({ field: 'spec.containers[0].resource' }));
  });

  it('warn: one warning per field, no error', () => {
    const warnings: string[] = [];
    checkKnownFields(typo(), 'Pod', 'pod.yaml', 'warn', warnings);
    expect(warnings).toEqual([
      'pod.yaml: spec.containers[0].resource: unknown field, did you mean resources?',
      'pod.yaml: spec.nodeSelecter: unknown field, did you mean nodeSelector?',
    ]);
  });

  it('ignore: nothing', () => {
    const warnings: string[] = [];
    checkKnownFields(typo(), 'Pod', 'pod.yaml', 'ignore', warnings);
    expect(warnings).toEqual([]);
  });

  it('says how many more there were beyond the listed ones', () => {
    const spec: Record<string, unknown> = {};
    for (let i = 0; i < UNKNOWN_FIELDS_REPORTED_MAX + 2; i++) spec[`zz${i}`] = 1;
    expect(() => checkKnownFields({ spec }, 'Pod', 'p.yaml', 'strict', [])).toThrow(/; and 2 more unknown field\(s\) \(podfit knows/);
    const warnings: string[] = [];
    checkKnownFields({ spec }, 'Pod', 'p.yaml', 'warn', warnings);
    expect(warnings.at(-1)).toBe('p.yaml: 2 more unknown field(s)');
  });
});

describe('suggestions', () => {
  it.each([
    ['kitten', 'sitting', 3, 3],
    ['resource', 'resources', 2, 1],
    ['opertaor', 'operator', 2, 1],
    ['abc', 'abc', 0, 0],
    ['', 'ab', 2, 2],
    ['a', 'abcdef', 2, 3],
  ])('editDistance(%s, %s) within %i = %i', (a, b, max, d) => {
    expect(editDistance(a, b, max)).toBe(d);
  });

  it('suggests within one edit for short names, two for longer ones', () => {
    expect(suggestField('nme', 'V1Container')).toBe('name');
    expect(suggestField('nm', 'V1Container')).toBeUndefined();
    expect(suggestField('imagee', 'V1Container')).toBe('image');
    expect(suggestField('imgae', 'V1Container')).toBe('image');
  });

  it('renders the message with and without a suggestion', () => {
    expect(unknownFieldMessage({ path: 'spec.x', suggestion: undefined })).toBe('spec.x: unknown field');
    expect(unknownFieldMessage({ path: 'spec.nodeNme', suggestion: 'nodeName' })).toBe('spec.nodeNme: unknown field, did you mean nodeName?');
  });
});

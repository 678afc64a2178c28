import { describe, expect, it } from 'vitest';
import { computeNonZeroRequests, computePodRequests, makePodInfo, storedPod } from '../../src/model/pod-info.js';
import { ModelInputError } from '../../src/model/errors.js';
import { makePod } from '../helpers/builders.js';

const obj = (m: Map<string, number>) => Object.fromEntries(m);

describe('pod request aggregation (K8S-FACTS §6.1)', () => {
  it('sums regular containers', () => {
    const p = makePod().req({ cpu: '100m', memory: '1Gi' }).req({ cpu: '200m', memory: '1Gi' }).build();
    expect(obj(computePodRequests(p))).toEqual({ cpu: 300, memory: 2 * 2 ** 30 });
  });
  it('takes the max of init containers and the regular sum', () => {
    const p = makePod().req({ cpu: '1', memory: '1Gi' }).initReq({ cpu: '2', memory: '512Mi' }).initReq({ cpu: '500m', memory: '3Gi' }).build();
    expect(obj(computePodRequests(p))).toEqual({ cpu: 2000, memory: 3 * 2 ** 30 });
  });
  it('adds sidecars to the steady state and to later init containers', () => {
    // sidecar 1 cpu, then init 2 cpu (usage 1+2=3), regular 1 cpu (steady 1+1=2) -> max(2, 3) = 3
    const p = makePod().req({ cpu: '1' }).initReq({ cpu: '1' }, true).initReq({ cpu: '2' }).build();
    expect(obj(computePodRequests(p))).toEqual({ cpu: 3000 });
  });
  it('an init container before the sidecar does not see it', () => {
    // init 2 cpu (usage 2), sidecar 1 (usage 1), regular 2 -> steady 3 -> 3
    const p = makePod().req({ cpu: '2' }).initReq({ cpu: '2' }).initReq({ cpu: '1' }, true).build();
    expect(obj(computePodRequests(p))).toEqual({ cpu: 3000 });
  });
  it('adds overhead', () => {
    const p = makePod().req({ cpu: '1', memory: '1Gi' }).overhead({ cpu: '250m', memory: '120Mi' }).build();
    expect(obj(computePodRequests(p))).toEqual({ cpu: 1250, memory: 2 ** 30 + 120 * 2 ** 20 });
  });
  it('sums exact values before rounding up (two 0.0001 cpu = 1m, not 2m)', () => {
    const p = makePod().req({ cpu: '0.0001' }).req({ cpu: '0.0001' }).build();
    expect(obj(computePodRequests(p))).toEqual({ cpu: 1 });
  });
  it('limits fill missing requests (API-server defaulting)', () => {
    const p = makePod().reqLim({ cpu: '1' }, { cpu: '2', memory: '1Gi', 'nvidia.com/gpu': '1' }).build();
    expect(obj(computePodRequests(p))).toEqual({ cpu: 1000, memory: 2 ** 30, 'nvidia.com/gpu': 1 });
  });
  it('keeps extended resources and hugepages, drops untracked names', () => {
    const p = makePod().req({ 'example.com/foo': 3, 'hugepages-2Mi': '4Mi', foo: '1' }).build();
    expect(obj(computePodRequests(p))).toEqual({ 'example.com/foo': 3, 'hugepages-2Mi': 4 * 2 ** 20 });
  });
  it('non-zero defaults only for missing keys, per container', () => {
    const p = makePod().req({}).req({ cpu: '0', memory: '0' }).req({ cpu: '1' }).build();
    // c0: 100m + 200Mi; c1: explicit zeros kept; c2: 1 cpu + 200Mi
    expect(computeNonZeroRequests(p)).toEqual({ cpuMilli: 1100, memoryBytes: 400 * 2 ** 20 });
  });
  it('non-zero defaults apply to init containers too', () => {
    const p = makePod().req({ cpu: '50m', memory: '10Mi' }).initReq({}).build();
    expect(computeNonZeroRequests(p)).toEqual({ cpuMilli: 100, memoryBytes: 200 * 2 ** 20 });
  });
  it('names the field on a bad quantity', () => {
    const p = makePod('bad').req({ cpu: '1x' }).build();
    expect(() => makePodInfo(p)).toThrow(/pod default\/bad: invalid quantity "1x" at spec.containers\[0\].resources.requests.cpu/);
  });
  it.each([
    ['a negative request', makePod('neg').req({ cpu: '-1' }), 'pod default/neg: spec.containers[0].resources.requests.cpu: Invalid value: "-1": must be greater than or equal to 0', 'spec.containers[0].resources.requests.cpu'],
    ['a negative number', makePod('neg').req({ memory: -5 }), 'pod default/neg: spec.containers[0].resources.requests.memory: Invalid value: "-5": must be greater than or equal to 0', 'spec.containers[0].resources.requests.memory'],
    ['a negative limit', makePod('neg').reqLim({}, { cpu: '-100m' }), 'pod default/neg: spec.containers[0].resources.limits.cpu: Invalid value: "-100m": must be greater than or equal to 0', 'spec.containers[0].resources.limits.cpu'],
    ['a negative init container request', makePod('neg').req({ cpu: '1' }).initReq({ cpu: '-2' }), 'pod default/neg: spec.initContainers[0].resources.requests.cpu: Invalid value: "-2": must be greater than or equal to 0', 'spec.initContainers[0].resources.requests.cpu'],
    ['a negative overhead', makePod('neg').req({ cpu: '1' }).overhead({ memory: '-1Mi' }), 'pod default/neg: spec.overhead.memory: Invalid value: "-1Mi": must be greater than or equal to 0', 'spec.overhead.memory'],
    ['a request above its limit', makePod('over').reqLim({ cpu: '2' }, { cpu: '1' }), 'pod default/over: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1', 'spec.containers[0].resources.requests'],
    ['a request above its limit in other units', makePod('over').req({ cpu: '1' }).reqLim({ memory: '1.5Gi' }, { memory: '1024Mi' }), 'pod default/over: spec.containers[1].resources.requests: Invalid value: "1.5Gi": must be less than or equal to memory limit of 1024Mi', 'spec.containers[1].resources.requests'],
    ['an extended resource request other than its limit', makePod('gpu').reqLim({ 'nvidia.com/gpu': 1 }, { 'nvidia.com/gpu': 2 }), 'pod default/gpu: spec.containers[0].resources.requests: Invalid value: "1": must be equal to nvidia.com/gpu limit of 2', 'spec.containers[0].resources.requests'],
    ['a fractional extended resource', makePod('gpu').req({ 'nvidia.com/gpu': '0.5' }), 'pod default/gpu: spec.containers[0].resources.requests.nvidia.com/gpu: Invalid value: "0.5": must be an integer', 'spec.containers[0].resources.requests.nvidia.com/gpu'],
  ])('refuses %s as the API server does, naming the field', (_name, builder, message, field) => {
    const p = builder.build();
    expect(() => makePodInfo(p)).toThrow(ModelInputError);
    expect(() => makePodInfo(p)).toThrow(message);
    expect(() => makePodInfo(p)).toThrow(expect.objectContaining({ field }));
  });
  it('accepts a request equal to or below its limit, and a limit alone', () => {
    const p = makePod('ok').reqLim({ cpu: '1', memory: '1Gi', 'nvidia.com/gpu': 1 }, { cpu: '1000m', memory: '2Gi', 'nvidia.com/gpu': '1' }).reqLim({}, { cpu: '500m' }).build();
    expect(obj(makePodInfo(p).requests)).toEqual({ cpu: 1500, memory: 2 ** 30, 'nvidia.com/gpu': 1 });
  });
  it('throws the model\'s own error, with the field path inside the pod', () => {
    const p = makePod('bad').req({ cpu: '1' }).initReq({ memory: 'much' }).build();
    expect(() => makePodInfo(p)).toThrow(ModelInputError);
    expect(() => makePodInfo(p)).toThrow(expect.objectContaining({ field: 'spec.initContainers[0].resources.requests.memory' }));
  });
});

describe('storedPod', () => {
  it('drops managedFields and container statuses, keeps everything the scheduler reads', () => {
    const pod = makePod('p').req({ cpu: '100m' }).build();
    const listed = {
      ...pod,
      metadata: { ...pod.metadata, managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': {} } }], ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }] },
      status: { phase: 'Running', startTime: '2026-01-01T00:00:00Z', nominatedNodeName: 'n1', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'x', imageID: 'y' }] },
    } as typeof pod;
    const info = makePodInfo(listed);
    expect(info.pod.metadata).not.toHaveProperty('managedFields');
    expect(info.pod.status).toEqual({ phase: 'Running', startTime: '2026-01-01T00:00:00Z', nominatedNodeName: 'n1' });
    expect(info.pod.metadata.ownerReferences).toEqual(listed.metadata.ownerReferences);
    expect(info.pod.spec).toBe(listed.spec);
    expect(info.requests).toEqual(makePodInfo(pod).requests);
    // The input is not modified, and a pod with neither is kept as it is.
    expect(listed.metadata).toHaveProperty('managedFields');
    expect(storedPod(pod)).toBe(pod);
  });
});

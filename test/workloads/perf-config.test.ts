/**
 * kube-scheduler's own scheduler_perf configs (../shared/data/scheduler_perf, read from there,
 * not copied): every file decodes, every performance workload of misc/ and affinity/ resolves or
 * is skipped with a stated reason, and every test case runs at its small (integration-test) size
 * without failing.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSchedulerConfig } from '../../src/api/config.js';
import { loadPerfConfig, matchesLabelFilter, parsePerfConfig, splitWorkloadId } from '../../src/api/perf-config.js';
import { PerfSkip, renderGoTemplate, resolvePerfPlan } from '../../src/api/perf-plan.js';
import { createJsKernels } from '../../src/kernel/js-kernels.js';
import { REGISTRY } from '../../src/plugins/registry.js';
import { runPerfBench } from '../../src/workloads/perf/perf-bench.js';
import { sharedData } from '../helpers/shared-data.js';

const DATA = sharedData('scheduler_perf');
const FILES = ['misc/performance-config.yaml', 'affinity/performance-config.yaml'];
const have = existsSync(path.join(DATA, FILES[0]!));

async function runSmall(file: string, id: string) {
  const config = loadPerfConfig(path.join(DATA, file));
  const { testCase, workload } = splitWorkloadId(id);
  const tc = config.testCases.find((t) => t.name === testCase)!;
  const entry = tc.workloads.find((w) => w.name === workload)!;
  const plan = resolvePerfPlan(config, tc, entry);
  return runPerfBench({ plan, config: defaultSchedulerConfig(), kernels: createJsKernels(), registry: REGISTRY, seed: 1 });
}

describe.skipIf(!have)('scheduler_perf configs (../shared/data/scheduler_perf)', () => {
  for (const file of FILES) {
    const config = have ? loadPerfConfig(path.join(DATA, file)) : undefined;
    it(`${file}: every performance workload resolves or is skipped with a reason`, () => {
      const perf = config!.testCases.flatMap((tc) => tc.workloads.filter((w) => matchesLabelFilter(w.labels, 'performance')).map((w) => ({ tc, w })));
      expect(perf.length).toBeGreaterThan(5);
      for (const { tc, w } of perf) {
        if (w.skip) {
          expect(w.skip.length).toBeGreaterThan(10);
          continue;
        }
        try {
          const plan = resolvePerfPlan(config!, tc, w);
          expect(plan.steps.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(PerfSkip);
        }
      }
    });
    for (const tc of config?.testCases ?? []) {
      const small = tc.workloads.find((w) => matchesLabelFilter(w.labels, 'integration-test')) ?? tc.workloads[0]!;
      it(`${file}: ${small.id} runs or is skipped with a reason, and does not fail`, async () => {
        let r;
        try {
          r = await runSmall(file, small.id);
        } catch (e) {
          expect(e).toBeInstanceOf(PerfSkip);
          return;
        }
        expect(r.status, r.reason).not.toBe('failed');
        if (r.status === 'ok') {
          expect(r.measuredPods).toBeGreaterThan(0);
          expect(r.placementChecksum).toMatch(/^[0-9a-f]{16}$/);
        }
      });
    }
  }

  it('resolves template paths from the config\'s folder and renders {{.Index}}', async () => {
    const r = await runSmall('misc/performance-config.yaml', 'SchedulingWithExtendedResource/fast');
    expect(r.status).toBe('ok');
    // Pod i requests foo.com/bar-i, which only node i has: all 10 fit, on 10 distinct nodes.
    expect(r.pods.scheduled).toBe(10);
    expect(r.nodesUsed).toBe(10);
  });

  it('a gated workload: gated pods count as attempted at the barrier, never as scheduled', async () => {
    const r = await runSmall('misc/performance-config.yaml', 'SchedulingWhileGated/1Node_10GatedPods');
    expect(r.status).toBe('ok');
    expect(r.pods.gated).toBe(10);
  });

  it('preemption evicts low-priority pods so the measured ones bind', async () => {
    const r = await runSmall('misc/performance-config.yaml', 'PreemptionBasic/5Nodes');
    expect(r.status).toBe('ok');
    expect(r.pods.preempted).toBeGreaterThan(0);
    expect(r.measuredPods).toBe(5);
  });
});

const MINI = (ops: string, params = 'initNodes: 3\n      measurePods: 4') => `
- name: Mini
  workloadTemplate:
${ops}
  workloads:
  - name: small
    labels: [integration-test]
    params:
      ${params}
`;
const CREATE = `  - opcode: createNodes
    countParam: $initNodes
  - opcode: createPods
    countParam: $measurePods
    collectMetrics: true`;

describe('performance-config decoding', () => {
  it('substitutes $params into counts', async () => {
    const config = parsePerfConfig(MINI(CREATE), '/tmp/x/performance-config.yaml');
    const tc = config.testCases[0]!;
    const plan = resolvePerfPlan(config, tc, tc.workloads[0]!);
    expect(plan.steps.map((s) => [s.op, 'count' in s ? s.count : undefined])).toEqual([['createNodes', 3], ['createPods', 4]]);
    const r = await runPerfBench({ plan, config: defaultSchedulerConfig(), kernels: createJsKernels(), registry: REGISTRY, seed: 1 });
    expect(r).toMatchObject({ status: 'ok', nodes: 3, measuredPods: 4 });
    expect(r.pods.scheduled).toBe(4);
  });

  it('skips a test case with an unknown op, naming it', () => {
    const config = parsePerfConfig(MINI(`${CREATE}\n  - opcode: frobnicate\n    count: 1`), 'x.yaml');
    expect(config.testCases[0]!.skip).toBe('op 2: unknown op "frobnicate"');
    expect(config.testCases[0]!.workloads[0]!.skip).toBe('op 2: unknown op "frobnicate"');
  });

  it('skips a test case with an unknown field, naming it', () => {
    const config = parsePerfConfig(MINI(CREATE.replace('collectMetrics: true', 'collectMetrics: true\n    colour: blue')), 'x.yaml');
    expect(config.testCases[0]!.skip).toBe('op 1 (createPods): unknown field colour');
  });

  it('skips DRA ops and unsupported fields with the reason', () => {
    const dra = parsePerfConfig(MINI(`${CREATE}\n  - opcode: createResourceClaims\n    count: 1`), 'x.yaml');
    expect(dra.testCases[0]!.skip).toMatch(/DRA op; podfit does not model DRA/);
    const steady = parsePerfConfig(MINI(CREATE.replace('collectMetrics: true', 'collectMetrics: true\n    steadyState: true')), 'x.yaml');
    expect(steady.testCases[0]!.skip).toBe('op 1 (createPods): field steadyState not supported by podfit');
  });

  it('runs sleep (a supported op whose duration field is unsupported on createPods)', async () => {
    const config = parsePerfConfig(MINI(`${CREATE}\n  - opcode: sleep\n    duration: 20ms`), 'x.yaml');
    const tc = config.testCases[0]!;
    expect(tc.skip).toBeUndefined();
    const plan = resolvePerfPlan(config, tc, tc.workloads[0]!);
    expect(plan.steps[2]).toEqual({ op: 'sleep', index: 2, durationMs: 20 });
    const r = await runPerfBench({ plan, config: defaultSchedulerConfig(), kernels: createJsKernels(), registry: REGISTRY, seed: 1 });
    expect(r.durationMs).toBeGreaterThanOrEqual(19);
  });

  it('skips DRA objects: a createAny of a ResourceClaim, a pod template with resourceClaims', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'podfit-dra-'));
    writeFileSync(path.join(dir, 'claim.yaml'), 'apiVersion: resource.k8s.io/v1\nkind: ResourceClaim\nmetadata:\n  name: c\n');
    writeFileSync(path.join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: p-\nspec:\n  resourceClaims:\n  - name: gpu\n    resourceClaimName: c\n  containers:\n  - name: c\n    image: x\n');
    const any = parsePerfConfig(MINI(`${CREATE}\n  - opcode: createAny\n    templatePath: claim.yaml`), path.join(dir, 'performance-config.yaml'));
    expect(any.testCases[0]!.skip).toBe('op 2 (createAny): DRA object ResourceClaim; podfit does not model DRA objects');
    const pods = parsePerfConfig(MINI(CREATE.replace('collectMetrics: true', 'collectMetrics: true\n    podTemplatePath: pod.yaml')), path.join(dir, 'performance-config.yaml'));
    const tc = pods.testCases[0]!;
    expect(() => resolvePerfPlan(pods, tc, tc.workloads[0]!)).toThrow(/op 1 \(createPods\): pod template pod.yaml uses resourceClaims \(DRA\)/);
  });

  it('churn (recreate) creates and deletes nodes, Services and pods on the wall clock while a sleep runs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'podfit-churn-'));
    writeFileSync(path.join(dir, 'node.yaml'), 'apiVersion: v1\nkind: Node\nmetadata:\n  generateName: churn-node-\nstatus:\n  capacity:\n    pods: "0"\n');
    writeFileSync(path.join(dir, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  generateName: svc-\nspec:\n  selector:\n    app: x\n');
    writeFileSync(path.join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: big-\nspec:\n  priority: 10\n  containers:\n  - name: c\n    image: x\n    resources:\n      requests:\n        cpu: "9"\n');
    const ops = `  - opcode: createNodes\n    countParam: $initNodes\n  - opcode: churn\n    mode: recreate\n    number: 1\n    templatePaths: [node.yaml, svc.yaml, pod.yaml]\n    intervalMilliseconds: 5\n  - opcode: sleep\n    duration: 60ms\n  - opcode: createPods\n    countParam: $measurePods\n    collectMetrics: true`;
    const config = parsePerfConfig(MINI(ops), path.join(dir, 'performance-config.yaml'));
    const tc = config.testCases[0]!;
    const r = await runPerfBench({ plan: resolvePerfPlan(config, tc, tc.workloads[0]!), config: defaultSchedulerConfig(), kernels: createJsKernels(), registry: REGISTRY, seed: 1 });
    expect(r.status, r.reason).toBe('ok');
    expect(r.measuredPods).toBe(4);
    // Ticks alternate create / delete: at most one churned node is left beside the 3.
    expect(r.nodes).toBeGreaterThanOrEqual(3);
    expect(r.nodes).toBeLessThanOrEqual(4);
    // The 9-cpu pods never fit; every other tick deletes the one created before.
    expect(r.pods.created).toBeGreaterThan(4);
    expect(r.pods.deleted).toBeGreaterThan(0);
  });

  it('skips workloads with a missing or unused param, or an unmodelled feature gate', () => {
    const missing = parsePerfConfig(MINI(CREATE, 'initNodes: 3'), 'x.yaml');
    expect(missing.testCases[0]!.workloads[0]!.skip).toBe('param $measurePods not set');
    const unused = parsePerfConfig(MINI(CREATE, 'initNodes: 3\n      measurePods: 4\n      extra: 1'), 'x.yaml');
    expect(unused.testCases[0]!.workloads[0]!.skip).toMatch(/^param extra set but never used/);
    const gate = parsePerfConfig(MINI(CREATE).replace('  workloads:', '  featureGates:\n    SomethingNew: true\n  workloads:'), 'x.yaml');
    expect(gate.testCases[0]!.workloads[0]!.skip).toBe('feature gate SomethingNew not modelled by podfit');
  });

  it('reads thresholds per topic (a map entry wins) and filters labels as scheduler_perf does', () => {
    const text = MINI(CREATE).replace('    labels: [integration-test]', '    labels: [performance, short]\n    threshold: {misc: 50, other: 7}');
    const config = parsePerfConfig(text, '/x/misc/performance-config.yaml');
    const w = config.testCases[0]!.workloads[0]!;
    expect(w.threshold).toBe(50);
    expect(matchesLabelFilter(w.labels, 'performance')).toBe(true);
    expect(matchesLabelFilter(w.labels, 'performance,-short')).toBe(false);
    expect(matchesLabelFilter(w.labels, 'integration-test')).toBe(false);
  });

  it('splits TESTCASE/WORKLOAD at the first slash', () => {
    expect(splitWorkloadId('Unschedulable/5Nodes/1Init/10Pods')).toEqual({ testCase: 'Unschedulable', workload: '5Nodes/1Init/10Pods' });
  });

  it('renders Go template actions with scheduler_perf\'s helpers, and refuses others', () => {
    expect(renderGoTemplate('a-{{.Index}} b-{{ AddInt .Index 10 }} c-{{Mod .Index 3}}', { Index: 4 }, 'f')).toBe('a-4 b-14 c-1');
    expect(() => renderGoTemplate('{{range .X}}', { Index: 1 }, 'f')).toThrow(PerfSkip);
  });
});

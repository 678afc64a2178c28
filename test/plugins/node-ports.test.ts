import { describe, it, expect } from 'vitest';
import type { ContainerPort, Pod } from '../../src/api/k8s.js';
import type { FilterPlugin, PreFilterPlugin } from '../../src/framework/interfaces.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { Code } from '../../src/framework/status.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { definition, ERR_REASON, fitsPorts } from '../../src/plugins/node-ports/index.js';
import { makeNode, makePod } from '../helpers/builders.js';
import { build, clusterOf, filterAll, statusView } from './shared/plugin-harness.js';

type NodePorts = PreFilterPlugin & FilterPlugin;

/** kube's newPod(host, "PROTO/IP/PORT"...): one container with these host ports. */
function portsPod(name: string, ...specs: string[]): Pod {
  const ports: ContainerPort[] = specs.map((s) => {
    const [protocol, hostIP, port] = s.split('/');
    return { containerPort: Number(port), hostPort: Number(port), hostIP, protocol };
  });
  return makePod(name).container({ ports }).build();
}

function sidecarPortsPod(name: string, sidecar: boolean): Pod {
  const p = makePod(name).build();
  p.spec.initContainers = [{ name: 'init', ports: [{ containerPort: 8001, hostPort: 8001, protocol: 'TCP' }], ...(sidecar ? { restartPolicy: 'Always' } : {}) }];
  return p;
}

const unschedulable = { code: Code.Unschedulable, reasons: [ERR_REASON] };
const skip = { code: Code.Skip, reasons: [] };

// Port of kube's nodeports TestNodePorts with v1.32 semantics (sidecar ports are not counted).
describe('NodePorts', () => {
  const cases: Array<{ name: string; pod: Pod; existing: Pod[]; wantPreFilter?: unknown; wantFilter?: unknown }> = [
    { name: 'skip filter', pod: makePod('p').build(), existing: [], wantPreFilter: skip },
    { name: 'other port', pod: portsPod('p', 'UDP/127.0.0.1/8080'), existing: [portsPod('e', 'UDP/127.0.0.1/9090')] },
    { name: 'same udp port', pod: portsPod('p', 'UDP/127.0.0.1/8080'), existing: [portsPod('e', 'UDP/127.0.0.1/8080')], wantFilter: unschedulable },
    { name: 'same tcp port', pod: portsPod('p', 'TCP/127.0.0.1/8080'), existing: [portsPod('e', 'TCP/127.0.0.1/8080')], wantFilter: unschedulable },
    { name: 'different host ip', pod: portsPod('p', 'TCP/127.0.0.1/8080'), existing: [portsPod('e', 'TCP/127.0.0.2/8080')] },
    { name: 'different protocol', pod: portsPod('p', 'UDP/127.0.0.1/8080'), existing: [portsPod('e', 'TCP/127.0.0.1/8080')] },
    {
      name: 'second udp port conflict',
      pod: portsPod('p', 'UDP/127.0.0.1/8000', 'UDP/127.0.0.1/8080'),
      existing: [portsPod('e', 'UDP/127.0.0.1/8080')],
      wantFilter: unschedulable,
    },
    {
      name: 'first tcp port conflict',
      pod: portsPod('p', 'TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8080'),
      existing: [portsPod('e', 'TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8081')],
      wantFilter: unschedulable,
    },
    {
      name: 'first tcp port conflict due to 0.0.0.0 hostIP',
      pod: portsPod('p', 'TCP/0.0.0.0/8001'),
      existing: [portsPod('e', 'TCP/127.0.0.1/8001')],
      wantFilter: unschedulable,
    },
    {
      name: 'TCP hostPort conflict due to 0.0.0.0 hostIP',
      pod: portsPod('p', 'TCP/10.0.10.10/8001', 'TCP/0.0.0.0/8001'),
      existing: [portsPod('e', 'TCP/127.0.0.1/8001')],
      wantFilter: unschedulable,
    },
    {
      name: 'second tcp port conflict to 0.0.0.0 hostIP',
      pod: portsPod('p', 'TCP/127.0.0.1/8001'),
      existing: [portsPod('e', 'TCP/0.0.0.0/8001')],
      wantFilter: unschedulable,
    },
    { name: 'second different protocol', pod: portsPod('p', 'UDP/127.0.0.1/8001'), existing: [portsPod('e', 'TCP/0.0.0.0/8001')] },
    {
      name: 'UDP hostPort conflict due to 0.0.0.0 hostIP',
      pod: portsPod('p', 'UDP/127.0.0.1/8001'),
      existing: [portsPod('e', 'TCP/0.0.0.0/8001', 'UDP/0.0.0.0/8001')],
      wantFilter: unschedulable,
    },
    {
      name: 'empty hostIP and protocol default to 0.0.0.0 and TCP',
      pod: portsPod('p', '//8001'),
      existing: [portsPod('e', 'TCP/127.0.0.1/8001')],
      wantFilter: unschedulable,
    },
    {
      name: 'existing pod with empty hostIP and protocol blocks a TCP port on any IP',
      pod: portsPod('p', 'TCP/10.1.1.1/8001'),
      existing: [portsPod('e', '//8001')],
      wantFilter: unschedulable,
    },
    { name: 'SCTP does not conflict with TCP', pod: portsPod('p', 'SCTP/0.0.0.0/8001'), existing: [portsPod('e', 'TCP/0.0.0.0/8001')] },
    { name: 'non-sidecar initContainer using hostPort', pod: sidecarPortsPod('p', false), existing: [portsPod('e', 'TCP/0.0.0.0/8001')], wantPreFilter: skip },
    // v1.32: NodePorts looks at regular containers only; sidecar ports count from v1.34 (kube PR #132040).
    { name: 'sidecar initContainer using hostPort (not counted in v1.32)', pod: sidecarPortsPod('p', true), existing: [portsPod('e', 'TCP/0.0.0.0/8001')], wantPreFilter: skip },
    { name: 'existing sidecar port does not block the node (v1.32)', pod: portsPod('p', 'TCP/0.0.0.0/8001'), existing: [sidecarPortsPod('e', true)] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = clusterOf([makeNode('m1').build()], c.existing.map((p) => [p, 'm1'] as const));
      const p = build<NodePorts>(definition, state);
      const cs = new CycleState();
      const pod = makePodInfo(c.pod);
      const pre = p.preFilter(cs, pod, state.nodes);
      expect(statusView(pre.status)).toEqual(c.wantPreFilter ?? null);
      expect(pre.result).toBeUndefined();
      if (pre.status?.isSkip()) return;
      const [got] = filterAll(p, cs, pod, state);
      expect(statusView(got)).toEqual(c.wantFilter ?? null);
    });
  }

  it('Filter without PreFilter state is an Error (kube TestPreFilterDisabled)', () => {
    const state = clusterOf([makeNode('m1').build()]);
    const p = build<NodePorts>(definition, state);
    const [got] = filterAll(p, new CycleState(), makePodInfo(makePod().build()), state);
    expect(got?.code).toBe(Code.Error);
    expect(got?.message()).toBe('reading "PreFilterNodePorts" from cycleState: not found');
  });

  it('filters a batch: only nodes using the port reject', () => {
    const state = clusterOf(
      ['a', 'b', 'c'].map((n) => makeNode(n).build()),
      [[portsPod('e1', 'TCP/0.0.0.0/80'), 'b'], [portsPod('e2', 'UDP/0.0.0.0/80'), 'c']],
    );
    const p = build<NodePorts>(definition, state);
    const cs = new CycleState();
    const pod = makePodInfo(portsPod('p', 'TCP/10.0.0.1/80'));
    p.preFilter(cs, pod, state.nodes);
    expect(filterAll(p, cs, pod, state).map((s) => s === null)).toEqual([true, false, true]);
    // The port is free again once the pod is removed.
    state.removePod('default/e1');
    expect(filterAll(p, cs, pod, state).every((s) => s === null)).toBe(true);
  });
});

// Port of kube's nodeports TestFits.
describe('NodePorts fitsPorts', () => {
  const usedOf = (...specs: string[]) => makePodInfo(portsPod('e', ...specs)).hostPorts;
  const cases = [
    { desc: 'non-conflicting ports', pod: ['TCP/127.0.0.1/80'], existing: ['TCP/127.0.0.1/9090'], expect: true },
    {
      desc: 'multiple non-conflicting ports',
      pod: ['TCP/127.0.0.1/80', 'TCP/127.0.1.1/80', 'TCP/127.0.1.1/90', 'TCP/127.0.1.1/100'],
      existing: ['TCP/127.0.0.1/9090', 'TCP/127.0.0.1/9191', 'TCP/127.0.1.1/8080'],
      expect: true,
    },
    { desc: 'same ports on different protocols', pod: ['TCP/127.0.0.1/80'], existing: ['UDP/127.0.0.1/80'], expect: true },
    { desc: 'conflicting ports', pod: ['TCP/127.0.0.1/80'], existing: ['TCP/127.0.0.1/80'], expect: false },
    {
      desc: 'multiple ports, some conflicting',
      pod: ['TCP/127.0.0.1/80', 'TCP/127.0.1.1/80', 'TCP/127.0.1.1/90', 'TCP/127.0.1.1/100'],
      existing: ['TCP/127.0.0.1/9090', 'TCP/127.0.1.1/90', 'TCP/127.0.1.1/8080'],
      expect: false,
    },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      expect(fitsPorts(usedOf(...c.pod), usedOf(...c.existing))).toBe(c.expect);
    });
  }
});

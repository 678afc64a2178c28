/**
 * Test harness for plugins, until tests go through the framework runtime: builds a ClusterState
 * from Kubernetes objects, a minimal FrameworkHandle, and runs batch Filter/Score calls.
 */
import type { Node, Pod } from '../../../src/api/k8s.js';
import type {
  Binder,
  FilterPlugin,
  FrameworkHandle,
  FrameworkRunner,
  PluginDefinition,
  ScorePlugin,
} from '../../../src/framework/interfaces.js';
import type { Kernels } from '../../../src/kernel/kernels.js';
import type { Status } from '../../../src/framework/status.js';
import type { CycleState } from '../../../src/framework/cycle-state.js';
import type { PodInfo } from '../../../src/model/pod-info.js';
import { ClusterState } from '../../../src/model/cluster-state.js';
import { makePodInfo } from '../../../src/model/pod-info.js';

/** A cluster of these nodes, with `pods` placed on the named nodes. */
export function clusterOf(nodes: readonly Node[], pods: ReadonlyArray<readonly [Pod, string]> = []): ClusterState {
  const state = new ClusterState();
  for (const n of nodes) state.addNode(n);
  for (const [p, nodeName] of pods) state.addPod(makePodInfo(p), nodeName);
  return state;
}

/** A binder that records bindings (or fails with `fail`). */
export function recordingBinder(fail?: Error): Binder & { bound: Array<[string, string]> } {
  const bound: Array<[string, string]> = [];
  return {
    bound,
    async bind(pod: PodInfo, nodeName: string) {
      if (fail) throw fail;
      bound.push([pod.key, nodeName]);
    },
  };
}

/** The handle a plugin factory gets, over `state`. */
export function handleFor(state: ClusterState, binder: Binder = recordingBinder()): FrameworkHandle {
  return {
    state,
    kernels: { engine: 'js' } as Kernels,
    profileName: 'default-scheduler',
    binder,
    framework: {} as FrameworkRunner,
  };
}

/** Builds a plugin from its registry entry; `args` go through the plugin's args schema. */
export function build<P>(def: PluginDefinition<any>, state: ClusterState, rawArgs: unknown = {}, binder?: Binder): P {
  const args = def.argsSchema ? def.argsSchema.parse(rawArgs) : rawArgs;
  return def.factory(args, handleFor(state, binder)) as P;
}

/** Runs a batch Filter over every node of the cluster (in node order). */
export function filterAll(p: FilterPlugin, cs: CycleState, pod: PodInfo, state: ClusterState): Array<Status | null> {
  const out: Array<Status | null> = new Array(state.nodes.length).fill(null);
  p.filter(cs, pod, state.nodes, out);
  return out;
}

/** Runs Score (and NormalizeScore when `normalize`) over every node; throws on an error status. */
export function scoreAll(p: ScorePlugin, cs: CycleState, pod: PodInfo, state: ClusterState, normalize = true): number[] {
  const out = new Float64Array(state.nodes.length);
  const st = p.score(cs, pod, state.nodes, out);
  if (st) throw new Error(`score failed: ${st.message()}`);
  if (normalize && p.normalizeScore) {
    const ns = p.normalizeScore(cs, pod, state.nodes, out);
    if (ns) throw new Error(`normalize failed: ${ns.message()}`);
  }
  return [...out];
}

/** A status as a comparable value: null, or code + reasons (+ error message). */
export function statusView(s: Status | null | undefined): null | { code: number; reasons: readonly string[]; error?: string } {
  if (!s) return null;
  return s.error ? { code: s.code, reasons: s.reasons, error: s.error.message } : { code: s.code, reasons: s.reasons };
}

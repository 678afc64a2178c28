/**
 * A scenario's steps, applied in order to one world (world.ts): one function per step type, in
 * one table (STEP_RUNNERS). A step that cannot apply (a node that does not exist, a selector that
 * selects nothing, a name that is taken) is an InputError naming the scenario file and the step's
 * path (`s.yaml: steps[3].drain.nodes[1]: no node "b-7" in the cluster`), never a silent no-op.
 */
import { InputError } from '../api/errors.js';
import type { Node, Pod } from '../api/k8s.js';
import { addClusterObjects } from '../api/objects.js';
import type { NodeTarget, ScenarioSelector, StepType } from '../api/scenario.js';
import type { ScenarioStep } from '../api/scenario-files.js';
import { ModelInputError } from '../model/errors.js';
import { labelSelectorAsSelector, labelSelectorMatches } from '../model/label-selector.js';
import { clonePodInfo, makePodInfo, type PodInfo } from '../model/pod-info.js';
import { nodeFromTemplate } from '../model/templates.js';
import { capacityDefaults } from './capacity.js';
import { drainNodes } from './drain.js';
import { daemonSetPodsForNodes, expandWorkloads, type ExpandContext } from './expand.js';
import { isDaemonSetPod, isMirrorPod, pendingAgain, placePending, type OnPlaced } from './place.js';
import type { StepResult } from './result.js';
import type { WhatifWorld } from './world.js';

/** What every step reads besides its world. */
export interface StepContext {
  /** The scenario file, for messages. */
  readonly file: string;
  /** The creation time of what step `index` makes (ISO): later steps' pods queue after earlier ones at equal priority. */
  readonly timeOf: (index: number) => string;
  /** Warnings of the run (the expansion's, skipped objects). */
  readonly warnings: string[];
  readonly onPlaced?: OnPlaced;
}

type StepOf<T extends StepType> = Extract<ScenarioStep, { type: T }>;
type StepRunner<T extends StepType> = (world: WhatifWorld, step: StepOf<T>, index: number, ctx: StepContext) => StepResult;

/** `<prefix>0..<prefix>n-1` or one name. */
const range = (prefix: string, from: number, n: number) => (n === 1 ? `${prefix}${from}` : `${prefix}${from}..${prefix}${from + n - 1}`);
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Runs a model decoder, turning its errors into the step's InputError. */
function atStep<T>(ctx: StepContext, where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ModelInputError) throw new InputError(`${ctx.file}: ${where}: ${e.message}`, where);
    throw e;
  }
}

/** A selector compiled, or the step's InputError. */
function compile(sel: ScenarioSelector, ctx: StepContext, where: string) {
  const r = labelSelectorAsSelector(sel);
  if (!r.ok) throw new InputError(`${ctx.file}: ${where}: ${r.error}`, where);
  return r.selector;
}

/** The node names a target names (each must exist) or selects (at least one), in node order. */
export function targetNodes(world: WhatifWorld, target: NodeTarget, ctx: StepContext, at: string): string[] {
  if (target.nodes) {
    target.nodes.forEach((name, i) => {
      if (!world.state.getNode(name)) throw new InputError(`${ctx.file}: ${at}.nodes[${i}]: no node "${name}" in the cluster`, `${at}.nodes[${i}]`);
    });
    const wanted = new Set(target.nodes);
    return world.state.nodes.filter((n) => wanted.has(n.name)).map((n) => n.name);
  }
  const sel = compile(target.selector!, ctx, `${at}.selector`);
  const out = world.state.nodes.filter((n) => labelSelectorMatches(sel, n.labels)).map((n) => n.name);
  if (out.length === 0) throw new InputError(`${ctx.file}: ${at}.selector: selects no node of the cluster`, `${at}.selector`);
  return out;
}

/** Adds decoded pending pods (ModelInputError named at `where`). */
function addPending(world: WhatifWorld, pods: readonly Pod[], ctx: StepContext, where: string): PodInfo[] {
  const infos = pods.map((p) => atStep(ctx, where, () => makePodInfo(p)));
  for (const p of infos) {
    world.objects.admitPod(p);
    world.pending.push(p);
  }
  return infos;
}

/** The context the workload expansion reads. */
function expandContext(world: WhatifWorld, ctx: StepContext, index: number, source: string, positions?: readonly string[]): ExpandContext {
  return {
    nodes: world.state.nodes.map((n) => n.node),
    existingPods: world.allPods(),
    seed: world.engine.seed,
    now: ctx.timeOf(index),
    source,
    ...(positions ? { positions } : {}),
  };
}

const addNodes: StepRunner<'addNodes'> = (world, step, index, ctx) => {
  const at = `${step.path}.addNodes`;
  const nodes: Node[] = [];
  for (let i = 0; i < step.count; i++) {
    const node = nodeFromTemplate(step.template.object, step.namePrefix, i);
    if (world.state.getNode(node.metadata.name!)) throw new InputError(`${ctx.file}: ${at}.namePrefix: node "${node.metadata.name}" exists already`, `${at}.namePrefix`);
    nodes.push(node);
  }
  for (const n of nodes) atStep(ctx, `${at}.template`, () => world.state.addNode(n));
  const ds = daemonSetPodsForNodes(world.daemonSets, nodes, expandContext(world, ctx, index, `${ctx.file}: ${at}`));
  addPending(world, ds, ctx, at);
  const daemons = ds.length > 0 ? ` and ${plural(ds.length, 'DaemonSet pod')} for them` : '';
  return { index, type: 'addNodes', summary: `added ${plural(step.count, 'node')} ${range(step.namePrefix, 0, step.count)}${daemons}` };
};

const addPods: StepRunner<'addPods'> = (world, step, index, ctx) => {
  const at = `${step.path}.addPods`;
  const t = capacityDefaults(step.template.object);
  const template: Pod = { ...t, metadata: { ...t.metadata, creationTimestamp: t.metadata.creationTimestamp ?? ctx.timeOf(index) } };
  const base = atStep(ctx, `${at}.template`, () => makePodInfo(template));
  world.objects.admitPod(base);
  const prefix = `${base.name}-`;
  // Names taken: placed pods by the state's keyed lookup, pending ones of the template's namespace
  // and prefix (a cluster has a hundred thousand pods; a scenario adds several templates).
  const pendingKeys = new Set<string>();
  for (const p of world.pending) if (p.namespace === base.namespace && p.name.startsWith(prefix)) pendingKeys.add(p.key);
  const taken = { has: (key: string) => pendingKeys.has(key) || world.state.placementOf(key) !== undefined };
  let k = 0;
  const first = [];
  for (let i = 0; i < step.replicas; i++) {
    while (taken.has(`${base.namespace}/${prefix}${k}`)) k++;
    const name = `${prefix}${k++}`;
    if (i === 0 || i === step.replicas - 1) first.push(name);
    world.pending.push(clonePodInfo(base, name, `whatif-${base.namespace}-${name}`));
  }
  return { index, type: 'addPods', summary: `added ${plural(step.replicas, 'pending pod')} ${first.join('..')} (${base.namespace})` };
};

const apply: StepRunner<'apply'> = (world, step, index, ctx) => {
  const objects = step.objects.map((o) => o.object);
  const positions = step.objects.map((o, i) => o.where || `object ${i + 1}`);
  const out = expandWorkloads(objects, expandContext(world, ctx, index, step.file, positions));
  ctx.warnings.push(...out.warnings);
  const byKind = new Map<string, Record<string, unknown>[]>();
  for (const o of out.objects) {
    const kind = String(o.kind ?? '');
    if (kind === 'DaemonSet') world.daemonSets.push(o);
    const list = byKind.get(kind) ?? [];
    list.push(o);
    byKind.set(kind, list);
  }
  const before = world.objects.warnings.length;
  addClusterObjects(world.objects, byKind, step.file);
  ctx.warnings.push(...world.objects.warnings.slice(before));
  const pods = addPending(world, out.pods, ctx, `${step.path}.apply (${step.file})`);
  const kinds = [...byKind].map(([k, l]) => `${l.length} ${k}`).join(', ');
  return { index, type: 'apply', summary: `${step.file}: ${plural(pods.length, 'pending pod')}${kinds ? `; added ${kinds}` : ''}` };
};

/** Marks nodes unschedulable (spec.unschedulable, as kubectl cordon). */
function cordonNodes(world: WhatifWorld, names: readonly string[]): void {
  for (const name of names) {
    const info = world.state.getNode(name)!;
    if (!info.unschedulable) world.state.updateNode({ ...info.node, spec: { ...info.node.spec, unschedulable: true } });
  }
}

const cordon: StepRunner<'cordon'> = (world, step, index, ctx) => {
  const names = targetNodes(world, step.target, ctx, `${step.path}.cordon`);
  cordonNodes(world, names);
  return { index, type: 'cordon', summary: `cordoned ${plural(names.length, 'node')}` };
};

const drain: StepRunner<'drain'> = (world, step, index, ctx) => {
  const names = targetNodes(world, step.target, ctx, `${step.path}.drain`);
  const d = drainNodes(world, names);
  const blocked = [...d.blockingPdbs.values()].reduce((s, l) => s + l.length, 0);
  const unplaced = d.pods.length - d.placed - blocked;
  const summary = `drained ${plural(names.length, 'node')}: ${plural(d.pods.length - blocked, 'pod')} evicted, ${d.placed} placed elsewhere`
    + `${unplaced > 0 ? `, ${unplaced} pending` : ''}${blocked > 0 ? `, ${blocked} kept by PodDisruptionBudgets` : ''}`;
  return {
    index, type: 'drain', summary, scheduled: d.placed, evicted: d.pods,
    unschedulable: d.pods.filter((p) => p.to === null).map((p) => ({ pod: p.pod, reason: p.reason ?? '' })),
  };
};

const removeNodes: StepRunner<'removeNodes'> = (world, step, index, ctx) => {
  const names = targetNodes(world, step.target, ctx, `${step.path}.removeNodes`);
  let again = 0;
  for (const name of names) {
    const info = world.state.getNode(name)!;
    // Their controllers make the lost pods again; DaemonSet and mirror pods go with the node.
    const lost = info.pods.filter((p) => !isDaemonSetPod(p.pod) && !isMirrorPod(p.pod));
    world.state.removeNode(name);
    for (const p of lost) world.pending.push(pendingAgain(p));
    again += lost.length;
  }
  return { index, type: 'removeNodes', summary: `removed ${plural(names.length, 'node')}; ${plural(again, 'pod')} pending again` };
};

const removePods: StepRunner<'removePods'> = (world, step, index, ctx) => {
  const at = `${step.path}.removePods`;
  const sel = step.selector ? compile(step.selector, ctx, `${at}.selector`) : undefined;
  const matches = (p: PodInfo) => (step.namespace === undefined || p.namespace === step.namespace) && (!sel || labelSelectorMatches(sel, p.labels));
  const placed: string[] = [];
  for (const n of world.state.nodes) for (const p of n.pods) if (matches(p)) placed.push(p.key);
  for (const key of placed) world.state.removePod(key);
  const before = world.pending.length;
  const left = world.pending.filter((p) => !matches(p));
  world.pending.length = 0;
  world.pending.push(...left);
  const removed = placed.length + before - left.length;
  if (removed === 0) throw new InputError(`${ctx.file}: ${at}: selects no pod of the cluster`, at);
  return { index, type: 'removePods', summary: `removed ${plural(removed, 'pod')} (${placed.length} placed, ${before - left.length} pending)` };
};

const schedule: StepRunner<'schedule'> = (world, _step, index, ctx) => {
  const r = placePending(world, ctx.onPlaced);
  return {
    index, type: 'schedule', summary: `scheduled ${r.placed.size} of ${r.placed.size + r.unschedulable.length} pending pods`,
    scheduled: r.placed.size, unschedulable: r.unschedulable,
  };
};

/** Every step type's runner. */
export const STEP_RUNNERS: { readonly [T in StepType]: StepRunner<T> } = { addNodes, addPods, apply, cordon, drain, removeNodes, removePods, schedule };

/** Applies one step to the world. */
export function runStep(world: WhatifWorld, step: ScenarioStep, index: number, ctx: StepContext): StepResult {
  return (STEP_RUNNERS[step.type] as StepRunner<StepType>)(world, step as never, index, ctx);
}

/** Whether a step asks the scheduler for placements (so its outcome depends on the profile). */
export function stepSchedules(step: ScenarioStep): boolean {
  return step.type === 'schedule' || step.type === 'drain';
}

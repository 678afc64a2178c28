/**
 * kube-scheduler's scheduler_perf `performance-config.yaml`, read unchanged (the format, the ops
 * and how template paths resolve: ../shared/data/scheduler_perf/README.md). podfit's built-in
 * workloads (bench/workloads/perf/) are files of the same format.
 *
 * Reading is two steps. The file is a list of test cases, each decoded on its own with strict
 * schemas: a test case podfit cannot run exactly as scheduler_perf would (an unknown op or field,
 * a DRA op, an op or field podfit does not implement, a feature gate it does not model, a bad
 * `$param`) is kept with a skip reason naming what, never run differently. Then one workload of a
 * runnable test case is resolved into plain ops (perf-plan.ts): params substituted, createPodSets
 * expanded, templates read relative to the config file's folder.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { InputError, formatPath } from './errors.js';

const count = z.number().int().nonnegative();
const param = z.string().regex(/^\$\w+$/, 'a param reference like $initNodes');
const labelSelector = z.record(z.string(), z.string());

/** Op fields every op has. */
const opBase = { opcode: z.string() };

/** createNodes (scheduler_perf operations.go createNodesOp). */
const createNodesOp = z.strictObject({
  ...opBase,
  count: count.optional(),
  countParam: param.optional(),
  nodeTemplatePath: z.string().optional(),
  labelNodePrepareStrategy: z.strictObject({ labelKey: z.string(), labelValues: z.array(z.string()).min(1) }).optional(),
  uniqueNodeLabelStrategy: z.strictObject({ labelKey: z.string() }).optional(),
  nodeAllocatableStrategy: z.unknown().optional(),
  templateParams: z.record(z.string(), z.unknown()).optional(),
});

/** createNamespaces. */
const createNamespacesOp = z.strictObject({
  ...opBase,
  prefix: z.string(),
  count: count.optional(),
  countParam: param.optional(),
  namespaceTemplatePath: z.string().optional(),
});

const createPodsFields = {
  count: count.optional(),
  countParam: param.optional(),
  podTemplatePath: z.string().optional(),
  namespace: z.string().optional(),
  collectMetrics: z.boolean().optional(),
  skipWaitToCompletion: z.boolean().optional(),
  templateParams: z.record(z.string(), z.unknown()).optional(),
  signatureBatchSize: count.optional(),
  signatureBatchSizeParam: param.optional(),
  steadyState: z.boolean().optional(),
  steadyStateParam: param.optional(),
  duration: z.string().optional(),
  durationParam: param.optional(),
  countMultiplierParam: param.optional(),
  persistentVolumeTemplatePath: z.string().optional(),
  persistentVolumeClaimTemplatePath: z.string().optional(),
};

/** createPods. */
const createPodsOp = z.strictObject({ ...opBase, ...createPodsFields });

/** createPodSets: N createPods ops, one per namespace `<namespacePrefix>-<i>`. */
const createPodSetsOp = z.strictObject({
  ...opBase,
  count: count.optional(),
  countParam: param.optional(),
  namespacePrefix: z.string(),
  createPodsOp: createPodsOp,
});

/** barrier. */
const barrierOp = z.strictObject({
  ...opBase,
  namespaces: z.array(z.string()).optional(),
  labelSelector: labelSelector.optional(),
  stageRequirement: z.enum(['Scheduled', 'Attempted']).optional(),
});

/** sleep. */
const sleepOp = z.strictObject({ ...opBase, duration: z.string().optional(), durationParam: param.optional() });

/** deletePods. */
const deletePodsOp = z.strictObject({
  ...opBase,
  namespace: z.string(),
  labelSelector: labelSelector.optional(),
  deletePodsPerSecond: z.number().nonnegative().optional(),
  skipWaitToCompletion: z.boolean().optional(),
});

/** churn. */
const churnOp = z.strictObject({
  ...opBase,
  mode: z.enum(['create', 'recreate']),
  number: count.optional(),
  templatePaths: z.array(z.string()).min(1),
  intervalMilliseconds: z.number().int().positive().optional(),
  namespace: z.string().optional(),
});

/** startCollectingMetrics / stopCollectingMetrics. */
const startCollectingOp = z.strictObject({
  ...opBase,
  name: z.string().optional(),
  namespaces: z.array(z.string()).min(1),
  labelSelector: labelSelector.optional(),
  collectMetrics: z.boolean().optional(),
});
const stopCollectingOp = z.strictObject({ ...opBase });

/** Ops podfit runs, by opcode. */
export const OP_SCHEMAS = {
  createNodes: createNodesOp,
  createNamespaces: createNamespacesOp,
  createPods: createPodsOp,
  createPodSets: createPodSetsOp,
  barrier: barrierOp,
  sleep: sleepOp,
  deletePods: deletePodsOp,
  churn: churnOp,
  startCollectingMetrics: startCollectingOp,
  stopCollectingMetrics: stopCollectingOp,
} as const;

/** Ops of DRA configs: podfit does not model DRA objects (ResourceClaims, DeviceClasses, ResourceSlices). */
export const DRA_OPS: ReadonlySet<string> = new Set(['createResourceClaims', 'createResourceDriver', 'allocResourceClaims']);

/** Ops scheduler_perf has that podfit does not implement (a test case using one is skipped). */
export const UNSUPPORTED_OPS: ReadonlySet<string> = new Set([
  'createAny', 'updateAny', 'createPodGroups', 'waitForPodGroups', 'startCollectingProfile', 'stopCollectingProfile',
]);

/** Known op fields podfit does not implement, per op: a test case setting one is skipped, naming it. */
export const UNSUPPORTED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  createNodes: ['nodeAllocatableStrategy'],
  createPods: ['steadyState', 'steadyStateParam', 'duration', 'durationParam', 'countMultiplierParam', 'persistentVolumeTemplatePath', 'persistentVolumeClaimTemplatePath'],
};

/**
 * Feature gates a config may set, and why none of them changes a podfit placement: they switch
 * kube-scheduler's internals (queueing, API calls, batching) or plugins that have nothing to act
 * on in these workloads. Any other gate skips the test case: podfit would not honour it.
 */
export const FEATURE_GATES: ReadonlyMap<string, string> = new Map([
  ['SchedulerQueueingHints', 'requeueing of unschedulable pods only'],
  ['SchedulerAsyncAPICalls', 'how the API calls are issued only'],
  ['SchedulerAsyncPreemption', 'whether victims are deleted off the scheduling loop only'],
  ['SchedulerPopFromBackoffQ', 'queue internals only'],
  ['OpportunisticBatching', 'kube-scheduler\'s own signature batching (podfit has class batching, same placements)'],
  ['NodeDeclaredFeatures', 'the nodes and pods of these workloads declare and require no node features'],
  ['DynamicResourceAllocation', 'no ResourceClaims exist in these workloads'],
  ['DRAExtendedResource', 'no DeviceClass maps an extended resource, so nodes serve it as usual'],
]);

const opSchema = z.looseObject({ opcode: z.string() });

/** A workload of a test case (field names as scheduler_perf's). */
export const workloadSchema = z.strictObject({
  name: z.string().min(1),
  labels: z.array(z.string()).optional(),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  threshold: z.union([z.number().nonnegative(), z.record(z.string(), z.number().nonnegative())]).optional(),
  featureGates: z.record(z.string(), z.boolean()).optional(),
  thresholdMetricSelector: z.unknown().optional(),
});

/** A test case. */
export const testCaseSchema = z.strictObject({
  name: z.string().min(1),
  labels: z.array(z.string()).optional(),
  featureGates: z.record(z.string(), z.boolean()).optional(),
  defaultPodTemplatePath: z.string().optional(),
  schedulerConfigPath: z.string().optional(),
  metricsCollectorConfig: z.unknown().optional(),
  defaultThresholdMetricSelector: z.unknown().optional(),
  workloadTemplate: z.array(opSchema).min(1),
  workloads: z.array(workloadSchema).min(1),
});

/** The file: a list of test cases (each decoded on its own, so one bad case skips only itself). */
export const perfConfigSchema = z.array(z.looseObject({ name: z.string().min(1) }));

export type PerfWorkloadSpec = z.infer<typeof workloadSchema>;
export type PerfTestCaseSpec = z.infer<typeof testCaseSchema>;
export type CreateNodesOp = z.infer<typeof createNodesOp>;
export type CreateNamespacesOp = z.infer<typeof createNamespacesOp>;
export type CreatePodsOp = z.infer<typeof createPodsOp>;
export type CreatePodSetsOp = z.infer<typeof createPodSetsOp>;
export type BarrierOp = z.infer<typeof barrierOp>;
export type SleepOp = z.infer<typeof sleepOp>;
export type DeletePodsOp = z.infer<typeof deletePodsOp>;
export type ChurnOp = z.infer<typeof churnOp>;
export type StartCollectingOp = z.infer<typeof startCollectingOp>;
/** One decoded op. */
export type PerfOpSpec =
  | (CreateNodesOp & { opcode: 'createNodes' })
  | (CreateNamespacesOp & { opcode: 'createNamespaces' })
  | (CreatePodsOp & { opcode: 'createPods' })
  | (CreatePodSetsOp & { opcode: 'createPodSets' })
  | (BarrierOp & { opcode: 'barrier' })
  | (SleepOp & { opcode: 'sleep' })
  | (DeletePodsOp & { opcode: 'deletePods' })
  | (ChurnOp & { opcode: 'churn' })
  | (StartCollectingOp & { opcode: 'startCollectingMetrics' })
  | { opcode: 'stopCollectingMetrics' };

/** A workload as listed: runnable, or skipped with the reason. */
export interface PerfWorkloadEntry {
  readonly testCase: string;
  readonly name: string;
  /** `<testCase>/<name>`. */
  readonly id: string;
  /** Test-case labels and the workload's own. */
  readonly labels: readonly string[];
  /** The threshold for this file's topic (0: none). */
  readonly threshold: number;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  /** Test-case gates overridden by the workload's. */
  readonly featureGates: Readonly<Record<string, boolean>>;
  /** Why podfit does not run it (absent: it runs). */
  readonly skip?: string;
}

/** A decoded test case, with what is needed to resolve its workloads. */
export interface PerfTestCase {
  readonly name: string;
  /** Decoded ops (empty when the case is skipped). */
  readonly ops: readonly PerfOpSpec[];
  readonly defaultPodTemplatePath?: string;
  readonly schedulerConfigPath?: string;
  readonly workloads: readonly PerfWorkloadEntry[];
  /** Why the whole test case is skipped. */
  readonly skip?: string;
}

/** A decoded config file. */
export interface PerfConfig {
  readonly file: string;
  /** Folder template paths resolve from (the config's own folder; README "How template paths resolve"). */
  readonly baseDir: string;
  /** The threshold map key: the folder name, as scheduler_perf's per-folder test passes it. */
  readonly topic: string;
  readonly testCases: readonly PerfTestCase[];
}

function issueText(e: z.ZodError): string {
  return e.issues.map((i) => {
    const at = formatPath(i.path);
    if (i.code === 'unrecognized_keys') return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}${at ? ` in ${at}` : ''}`;
    return `${at ? `${at}: ` : ''}${i.message}`;
  }).join('; ');
}

/** Kinds of DRA objects (resource.k8s.io): podfit does not model them. */
export const DRA_KINDS: ReadonlySet<string> = new Set(['ResourceClaim', 'ResourceClaimTemplate', 'DeviceClass', 'ResourceSlice', 'DeviceTaintRule']);

/** The `kind` of a template file, best effort (for naming DRA objects in a skip reason). */
function templateKind(baseDir: string, rel: unknown): string | undefined {
  if (typeof rel !== 'string') return undefined;
  try {
    const v = parseYaml(readFileSync(path.resolve(baseDir, rel), 'utf8')) as { kind?: unknown } | null;
    return typeof v?.kind === 'string' ? v.kind : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes one op, or says why the test case cannot run it. */
function decodeOp(raw: { opcode: string }, i: number, baseDir: string): { op?: PerfOpSpec; skip?: string } {
  const where = `op ${i} (${raw.opcode})`;
  if (DRA_OPS.has(raw.opcode)) return { skip: `${where}: DRA op; podfit does not model DRA objects` };
  const kind = raw.opcode === 'createAny' || raw.opcode === 'updateAny' ? templateKind(baseDir, (raw as { templatePath?: unknown }).templatePath) : undefined;
  if (kind !== undefined && DRA_KINDS.has(kind)) return { skip: `${where}: DRA object ${kind}; podfit does not model DRA objects` };
  if (UNSUPPORTED_OPS.has(raw.opcode)) return { skip: `${where}: op not supported by podfit` };
  const schema = (OP_SCHEMAS as Record<string, z.ZodType>)[raw.opcode];
  if (!schema) return { skip: `op ${i}: unknown op "${raw.opcode}"` };
  const r = schema.safeParse(raw);
  if (!r.success) return { skip: `${where}: ${issueText(r.error)}` };
  const op = r.data as PerfOpSpec;
  const bad = (o: object, opcode: string, prefix = '') => Object.keys(o).filter((f) => UNSUPPORTED_FIELDS[opcode]?.includes(f)).map((f) => prefix + f);
  const unsupported = op.opcode === 'createPodSets' ? bad(op.createPodsOp, 'createPods', 'createPodsOp.') : bad(op, op.opcode);
  if (unsupported.length > 0) return { skip: `${where}: field${unsupported.length > 1 ? 's' : ''} ${unsupported.join(', ')} not supported by podfit` };
  if (op.opcode === 'createPods' && op.collectMetrics && op.skipWaitToCompletion) return { skip: `${where}: collectMetrics and skipWaitToCompletion are mutually exclusive` };
  return { op };
}

/** The threshold of a workload for a topic: a map entry wins over the plain number (README "Threshold"). */
export function thresholdFor(t: PerfWorkloadSpec['threshold'], topic: string): number {
  if (t === undefined) return 0;
  if (typeof t === 'number') return t;
  return t[topic] ?? 0;
}

/** Every `$param` an op list references. */
function paramRefs(ops: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, key: string) => {
    if (typeof v === 'string' && key.endsWith('Param') && v.startsWith('$')) out.add(v.slice(1));
    else if (Array.isArray(v)) for (const x of v) walk(x, '');
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  for (const op of ops) walk(op, '');
  return out;
}

function gateSkip(gates: Readonly<Record<string, boolean>>): string | undefined {
  const unknown = Object.keys(gates).filter((g) => !FEATURE_GATES.has(g));
  return unknown.length > 0 ? `feature gate${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} not modelled by podfit` : undefined;
}

function decodeWorkload(tc: PerfTestCaseSpec, w: PerfWorkloadSpec, topic: string, refs: Set<string>, caseSkip: string | undefined): PerfWorkloadEntry {
  const featureGates = { ...(tc.featureGates ?? {}), ...(w.featureGates ?? {}) };
  const params = w.params ?? {};
  const base = {
    testCase: tc.name, name: w.name, id: `${tc.name}/${w.name}`,
    labels: [...new Set([...(tc.labels ?? []), ...(w.labels ?? [])])],
    threshold: thresholdFor(w.threshold, topic), params, featureGates,
  };
  const missing = [...refs].filter((p) => !(p in params));
  const unused = Object.keys(params).filter((p) => !refs.has(p));
  const skip = caseSkip
    ?? gateSkip(featureGates)
    ?? (missing.length > 0 ? `param${missing.length > 1 ? 's' : ''} ${missing.map((p) => `$${p}`).join(', ')} not set` : undefined)
    ?? (unused.length > 0 ? `param${unused.length > 1 ? 's' : ''} ${unused.join(', ')} set but never used (scheduler_perf fails such a workload)` : undefined)
    ?? (w.thresholdMetricSelector !== undefined ? 'thresholdMetricSelector: podfit checks SchedulingThroughput Average only' : undefined);
  return skip ? { ...base, skip } : base;
}

/** Decodes one test case; a problem becomes its skip reason. */
function decodeTestCase(raw: unknown, topic: string, baseDir: string): PerfTestCase {
  const name = (raw as { name: string }).name;
  const r = testCaseSchema.safeParse(raw);
  if (!r.success) {
    // Workloads are still listed when they decode, so --list shows what was skipped.
    const ws = z.array(z.looseObject({ name: z.string() })).safeParse((raw as { workloads?: unknown }).workloads);
    const skip = issueText(r.error);
    return { name, ops: [], skip, workloads: (ws.success ? ws.data : []).map((w) => ({ testCase: name, name: w.name, id: `${name}/${w.name}`, labels: [], threshold: 0, params: {}, featureGates: {}, skip })) };
  }
  const tc = r.data;
  const ops: PerfOpSpec[] = [];
  let skip: string | undefined;
  tc.workloadTemplate.forEach((o, i) => {
    const d = decodeOp(o, i, baseDir);
    if (d.op) ops.push(d.op);
    else skip ??= d.skip;
  });
  if (tc.defaultThresholdMetricSelector !== undefined) skip ??= 'defaultThresholdMetricSelector: podfit checks SchedulingThroughput Average only';
  const refs = paramRefs(tc.workloadTemplate);
  const workloads = tc.workloads.map((w) => decodeWorkload(tc, w, topic, refs, skip));
  return {
    name, ops: skip ? [] : ops, workloads,
    ...(tc.defaultPodTemplatePath !== undefined ? { defaultPodTemplatePath: tc.defaultPodTemplatePath } : {}),
    ...(tc.schedulerConfigPath !== undefined ? { schedulerConfigPath: tc.schedulerConfigPath } : {}),
    ...(skip ? { skip } : {}),
  };
}

/** Decodes a performance-config.yaml text. `file` names it in errors; `baseDir` defaults to its folder. */
export function parsePerfConfig(text: string, file: string, baseDir = path.dirname(file)): PerfConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new InputError(`${file}: not YAML: ${(e as Error).message}`);
  }
  const r = perfConfigSchema.safeParse(doc);
  if (!r.success) throw new InputError(`${file}: not a scheduler_perf config (a list of test cases): ${issueText(r.error)}`);
  const topic = path.basename(path.resolve(baseDir));
  const seen = new Set<string>();
  for (const tc of r.data) {
    if (seen.has(tc.name)) throw new InputError(`${file}: test case "${tc.name}" appears twice`);
    seen.add(tc.name);
  }
  return { file, baseDir, topic, testCases: r.data.map((tc) => decodeTestCase(tc, topic, baseDir)) };
}

/** Reads and decodes a performance-config.yaml. */
export function loadPerfConfig(file: string, baseDir?: string): PerfConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return parsePerfConfig(text, file, baseDir);
}

/**
 * A label filter as scheduler_perf's -perf-scheduling-label-filter: comma-separated; `x` or `+x`
 * must be present, `-x` absent. Empty: everything.
 */
export function matchesLabelFilter(labels: readonly string[], filter: string): boolean {
  for (const raw of filter.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (raw.startsWith('-')) {
      if (labels.includes(raw.slice(1))) return false;
    } else if (!labels.includes(raw.replace(/^\+/, ''))) return false;
  }
  return true;
}

/** Splits `TESTCASE/WORKLOAD` at the first `/` (workload names may contain `/`). */
export function splitWorkloadId(id: string): { testCase: string; workload?: string } {
  const i = id.indexOf('/');
  return i < 0 ? { testCase: id } : { testCase: id.slice(0, i), workload: id.slice(i + 1) };
}

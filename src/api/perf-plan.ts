/**
 * One workload of a scheduler_perf config resolved into the steps podfit runs: `$param`s
 * substituted, createPodSets expanded (op indexes count the expanded list, as scheduler_perf's
 * do: `namespace-<opIndex>`), templates read relative to the config's folder and decoded once.
 * Node and pod templates with Go template actions (`{{.Index}}`) are rendered per object with
 * scheduler_perf's data (.Index, .Count, templateParams) and helpers (AddInt, ..., Mod).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from './errors.js';
import { nodeSchema, podSchema, type Node, type Pod } from './k8s.js';
import { namespaceSchema, serviceSchema, type Service } from './k8s-extra.js';
import { decodeObject } from './objects.js';
import type { PerfConfig, PerfOpSpec, PerfTestCase, PerfWorkloadEntry } from './perf-config.js';

/** Thrown while resolving when podfit cannot run the workload as written (it is then skipped). */
export class PerfSkip extends Error {
  override readonly name = 'PerfSkip';
}

/** Where objects of an op come from: one decoded object for every index, or one rendered per index. */
export interface ObjectSource<T> {
  readonly file: string;
  /** The object when the template has no template actions (clone it per index). */
  readonly fixed?: T;
  /** Renders object `index` of `count` (templates with actions). */
  readonly render?: (index: number, count: number) => T;
  /** The template text mentions `signature` (the per-pod signature label may then be read). */
  readonly mentionsSignature: boolean;
}

/** A churn template: the object kinds scheduler_perf's churn creates in these configs. */
export type ChurnTemplate =
  | { readonly kind: 'Node'; readonly node: Node }
  | { readonly kind: 'Pod'; readonly pod: Pod }
  | { readonly kind: 'Service'; readonly service: Service };

/** One resolved step. `index` is the op's position in the expanded list. */
export type PerfStep =
  | { op: 'createNodes'; index: number; count: number; nodes: ObjectSource<Node>; labelStrategy?: { key: string; values: readonly string[] }; uniqueLabelKey?: string }
  | { op: 'createNamespaces'; index: number; prefix: string; count: number; labels: Readonly<Record<string, string>> }
  | { op: 'createPods'; index: number; count: number; namespace: string; pods: ObjectSource<Pod>; collectMetrics: boolean; skipWait: boolean; signatureBatchSize: number }
  | { op: 'barrier'; index: number; namespaces?: readonly string[]; labelSelector?: Readonly<Record<string, string>>; stage: 'Scheduled' | 'Attempted' }
  | { op: 'sleep'; index: number; durationMs: number }
  | { op: 'deletePods'; index: number; namespace: string; labelSelector?: Readonly<Record<string, string>>; perSecond: number; skipWait: boolean }
  | { op: 'churn'; index: number; mode: 'create' | 'recreate'; number: number; intervalMs: number; namespace: string; templates: readonly ChurnTemplate[] }
  | { op: 'startCollectingMetrics'; index: number; name: string; namespaces: readonly string[]; labelSelector?: Readonly<Record<string, string>> }
  | { op: 'stopCollectingMetrics'; index: number };

/** A workload ready to run. */
export interface PerfPlan {
  readonly id: string;
  readonly entry: PerfWorkloadEntry;
  readonly steps: readonly PerfStep[];
  /** KubeSchedulerConfiguration file the test case names (resolved), if any. */
  readonly schedulerConfigPath?: string;
}

/** scheduler_perf's built-in pod (runners.go): one pause container, port 80, 100m / 500Mi. */
export const BUILTIN_POD: Pod = {
  apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'pod-' },
  spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }] },
  status: {},
};

/** scheduler_perf's built-in node: 110 pods, 4 cpu, 32Gi, Ready. */
export function builtinNode(opIndex: number): Node {
  const r = { pods: '110', cpu: '4', memory: '32Gi' };
  return { apiVersion: 'v1', kind: 'Node', metadata: { generateName: `node-${opIndex}-` }, spec: {}, status: { capacity: r, allocatable: { ...r }, conditions: [{ type: 'Ready', status: 'True' }] } };
}

/** Go durations as scheduler_perf's sleep takes them ("500ms", "1m30s"). */
export function parseGoDurationMs(s: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  let used = 0;
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * units[m[2]!]!;
    used += m[0].length;
  }
  if (used === 0 || used !== s.length) throw new PerfSkip(`duration "${s}" is not a Go duration`);
  return total;
}

type TemplateData = Readonly<Record<string, unknown>>;

const HELPERS: Record<string, (a: number, b: number) => number> = {
  AddInt: (a, b) => a + b, AddFloat: (a, b) => a + b,
  SubtractInt: (a, b) => a - b, SubtractFloat: (a, b) => a - b,
  MultiplyInt: (a, b) => a * b, MultiplyFloat: (a, b) => a * b,
  DivideInt: (a, b) => Math.trunc(a / b), DivideFloat: (a, b) => a / b,
  Mod: (a, b) => a % b,
};

function arg(tok: string, data: TemplateData, file: string): unknown {
  if (tok.startsWith('.')) {
    const v = data[tok.slice(1)];
    if (v === undefined) throw new PerfSkip(`${file}: template field ${tok} is not set`);
    return v;
  }
  if (/^-?\d+(\.\d+)?$/.test(tok)) return Number(tok);
  throw new PerfSkip(`${file}: template argument "${tok}" not supported by podfit`);
}

/** Renders the Go template actions scheduler_perf's templates use: `{{.Field}}` and `{{Helper a b}}`. */
export function renderGoTemplate(text: string, data: TemplateData, file: string): string {
  return text.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_m, expr: string) => {
    const toks = expr.split(/\s+/).filter(Boolean);
    if (toks.length === 1) return String(arg(toks[0]!, data, file));
    const fn = HELPERS[toks[0]!];
    if (!fn || toks.length !== 3) throw new PerfSkip(`${file}: template action {{${expr}}} not supported by podfit`);
    return String(fn(Number(arg(toks[1]!, data, file)), Number(arg(toks[2]!, data, file))));
  });
}

/** Reads template files once per plan. */
class TemplateFiles {
  private readonly texts = new Map<string, string>();
  constructor(private readonly baseDir: string) {}
  text(rel: string): { file: string; text: string } {
    const file = path.resolve(this.baseDir, rel);
    let t = this.texts.get(file);
    if (t === undefined) {
      try {
        t = readFileSync(file, 'utf8');
      } catch (e) {
        throw new InputError(`cannot read template ${rel} (resolved from ${this.baseDir}): ${(e as Error).message}`);
      }
      this.texts.set(file, t);
    }
    return { file, text: t };
  }
}

function yamlObject(text: string, file: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = parseYaml(text);
  } catch (e) {
    throw new InputError(`${file}: not YAML: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(`${file}: expected one object`);
  return v as Record<string, unknown>;
}

/** Allocatable defaults to capacity when absent (API server defaulting; README "Built-in objects"). */
function defaultAllocatable(n: Node): Node {
  if (n.status?.capacity && !n.status.allocatable) n.status.allocatable = { ...n.status.capacity };
  return n;
}

function decodeNodeText(text: string, file: string): Node {
  return defaultAllocatable(decodeObject(nodeSchema, { obj: { kind: 'Node', ...yamlObject(text, file) }, where: '' }, file));
}

function decodePodText(text: string, file: string): Pod {
  return decodeObject(podSchema, { obj: { kind: 'Pod', ...yamlObject(text, file) }, where: '' }, file);
}

function source<T>(files: TemplateFiles, rel: string, decode: (text: string, file: string) => T, params: TemplateData): ObjectSource<T> {
  const { file, text } = files.text(rel);
  const mentionsSignature = text.includes('signature');
  if (!text.includes('{{')) return { file, fixed: decode(text, file), mentionsSignature };
  // Fail now (skip the workload) rather than mid-run when an action is not supported.
  renderGoTemplate(text, { ...params, Index: 0, Count: 1 }, file);
  return { file, mentionsSignature, render: (index, count) => decode(renderGoTemplate(text, { ...params, Index: index, Count: count }, file), file) };
}

function churnTemplate(files: TemplateFiles, rel: string): ChurnTemplate {
  const { file, text } = files.text(rel);
  const obj = yamlObject(text, file);
  switch (obj.kind) {
    case 'Node':
      return { kind: 'Node', node: decodeNodeText(text, file) };
    case 'Pod':
      return { kind: 'Pod', pod: decodePodText(text, file) };
    case 'Service':
      return { kind: 'Service', service: decodeObject(serviceSchema, { obj: named(obj), where: '' }, file) };
    default:
      throw new PerfSkip(`churn template ${rel}: kind ${String(obj.kind)} not supported by podfit`);
  }
}

/** A template object named by generateName only gets a placeholder name (each created copy is named). */
function named(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = (obj.metadata ?? {}) as Record<string, unknown>;
  return { ...obj, metadata: { ...meta, name: meta.name ?? meta.generateName ?? 'template' } };
}

function intParam(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new PerfSkip(`param ${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

/** Resolves a workload of a runnable test case into steps. Throws PerfSkip when podfit cannot run it. */
export function resolvePerfPlan(config: PerfConfig, tc: PerfTestCase, entry: PerfWorkloadEntry): PerfPlan {
  if (entry.skip) throw new PerfSkip(entry.skip);
  const files = new TemplateFiles(config.baseDir);
  const p = entry.params;
  const countOf = (o: { count?: number; countParam?: string }, where: string): number => {
    if (o.countParam !== undefined) return intParam(p[o.countParam.slice(1)], o.countParam);
    if (o.count !== undefined) return o.count;
    throw new PerfSkip(`${where}: count or countParam required`);
  };
  // createPodSets expands first: op indexes are positions in the expanded list.
  const expanded: Exclude<PerfOpSpec, { opcode: 'createPodSets' }>[] = [];
  for (const [i, op] of tc.ops.entries()) {
    if (op.opcode !== 'createPodSets') {
      expanded.push(op);
      continue;
    }
    const n = countOf(op, `op ${i} (createPodSets)`);
    for (let k = 0; k < n; k++) expanded.push({ ...op.createPodsOp, opcode: 'createPods', namespace: `${op.namespacePrefix}-${k}` });
  }
  const steps: PerfStep[] = expanded.map((op, index): PerfStep => {
    const where = `op ${index} (${op.opcode})`;
    switch (op.opcode) {
      case 'createNodes': {
        const nodes = op.nodeTemplatePath
          ? source(files, op.nodeTemplatePath, decodeNodeText, op.templateParams ?? {})
          : { file: '(scheduler_perf built-in node)', fixed: builtinNode(index), mentionsSignature: false };
        return {
          op: 'createNodes', index, count: countOf(op, where), nodes,
          ...(op.labelNodePrepareStrategy ? { labelStrategy: { key: op.labelNodePrepareStrategy.labelKey, values: op.labelNodePrepareStrategy.labelValues } } : {}),
          ...(op.uniqueNodeLabelStrategy ? { uniqueLabelKey: op.uniqueNodeLabelStrategy.labelKey } : {}),
        };
      }
      case 'createNamespaces': {
        let labels: Record<string, string> = {};
        if (op.namespaceTemplatePath) {
          const { file, text } = files.text(op.namespaceTemplatePath);
          labels = decodeObject(namespaceSchema, { obj: named({ kind: 'Namespace', ...yamlObject(text, file) }), where: '' }, file).metadata.labels ?? {};
        }
        return { op: 'createNamespaces', index, prefix: op.prefix, count: countOf(op, where), labels };
      }
      case 'createPods': {
        const tpl = op.podTemplatePath ?? tc.defaultPodTemplatePath;
        const pods = tpl ? source(files, tpl, decodePodText, op.templateParams ?? {}) : { file: '(scheduler_perf built-in pod)', fixed: BUILTIN_POD, mentionsSignature: false };
        const sample = pods.fixed ?? pods.render!(0, 1);
        const claims = (sample.spec as { resourceClaims?: unknown }).resourceClaims;
        if (Array.isArray(claims) && claims.length > 0) throw new PerfSkip(`${where}: pod template ${tpl} uses resourceClaims (DRA); podfit does not model DRA`);
        const batch = op.signatureBatchSizeParam !== undefined ? intParam(p[op.signatureBatchSizeParam.slice(1)], op.signatureBatchSizeParam) : op.signatureBatchSize ?? 1;
        return { op: 'createPods', index, count: countOf(op, where), namespace: op.namespace ?? `namespace-${index}`, pods, collectMetrics: op.collectMetrics ?? false, skipWait: op.skipWaitToCompletion ?? false, signatureBatchSize: Math.max(1, batch) };
      }
      case 'barrier':
        return { op: 'barrier', index, stage: op.stageRequirement ?? 'Scheduled', ...(op.namespaces ? { namespaces: op.namespaces } : {}), ...(op.labelSelector ? { labelSelector: op.labelSelector } : {}) };
      case 'sleep': {
        const d = op.durationParam !== undefined ? p[op.durationParam.slice(1)] : op.duration;
        if (typeof d !== 'string') throw new PerfSkip(`${where}: duration or durationParam required`);
        return { op: 'sleep', index, durationMs: parseGoDurationMs(d) };
      }
      case 'deletePods':
        return { op: 'deletePods', index, namespace: op.namespace, perSecond: op.deletePodsPerSecond ?? 0, skipWait: op.skipWaitToCompletion ?? false, ...(op.labelSelector ? { labelSelector: op.labelSelector } : {}) };
      case 'churn':
        return { op: 'churn', index, mode: op.mode, number: op.number ?? 0, intervalMs: op.intervalMilliseconds ?? 500, namespace: op.namespace ?? `namespace-${index}`, templates: op.templatePaths.map((t) => churnTemplate(files, t)) };
      case 'startCollectingMetrics':
        return { op: 'startCollectingMetrics', index, name: op.name ?? entry.id, namespaces: op.namespaces, ...(op.labelSelector ? { labelSelector: op.labelSelector } : {}) };
      case 'stopCollectingMetrics':
        return { op: 'stopCollectingMetrics', index };
    }
  });
  if (!steps.some((s) => (s.op === 'createPods' && s.collectMetrics) || s.op === 'startCollectingMetrics')) {
    throw new PerfSkip('no op collects metrics (nothing to measure)');
  }
  return {
    id: entry.id, entry, steps,
    ...(tc.schedulerConfigPath ? { schedulerConfigPath: path.resolve(config.baseDir, tc.schedulerConfigPath) } : {}),
  };
}

/**
 * Reading a `podfit whatif` scenario and every file it names, before any cluster is loaded, so a
 * mistake in a file a person wrote fails fast and nothing runs half-way: the scenario itself
 * (scenario.ts), Pod and Node templates inline or from files (checked as kubectl checks them,
 * `--validate`), the objects of `apply` files, and the scheduler configurations. Paths inside a
 * scenario are relative to the scenario file.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { parseDocument } from 'yaml';
import { defaultSchedulerConfig, loadSchedulerConfig, type SchedulerConfig } from './config.js';
import { InputError } from './errors.js';
import { readInputText, STDIN_PATH } from './input-files.js';
import type { Node, Pod } from './k8s.js';
import { checkKnownFields, isCheckedKind, type FieldValidation } from './known-fields.js';
import { decodeNode, decodePod, readObjectsFromText } from './objects.js';
import {
  DEFAULT_CONFIG_NAME, decodeScenario, type NodeTarget, type QuestionValue, type ScenarioDoc, type ScenarioSelector, type StepValue,
} from './scenario.js';
import { sweepPoints, sweepSize, type Shard } from './scenario-sweep.js';

/** A scheduler configuration and how the scenario named it (`default`, or the file as written). */
export interface NamedConfig {
  readonly name: string;
  readonly config: SchedulerConfig;
}

/** A template and where it came from, for messages (`s.yaml: steps[0].addPods.template`, or its file). */
export interface Sourced<T> {
  readonly object: T;
  readonly source: string;
}

/** One object of an `apply` file, as written (its fields checked under --validate). */
export interface ApplyObject {
  readonly kind: string;
  readonly object: Record<string, unknown>;
  /** Where it is in its file (`items[2]`, `document 3`; empty for a file of one object). */
  readonly where: string;
}

/** A step, its files read. `path` is where it is in the scenario (`steps[2]`). */
export type ScenarioStep =
  | { readonly type: 'addNodes'; readonly path: string; readonly template: Sourced<Node>; readonly count: number; readonly namePrefix: string }
  | { readonly type: 'addPods'; readonly path: string; readonly template: Sourced<Pod>; readonly replicas: number }
  | { readonly type: 'apply'; readonly path: string; readonly file: string; readonly objects: readonly ApplyObject[] }
  | { readonly type: 'cordon'; readonly path: string; readonly target: NodeTarget }
  | { readonly type: 'drain'; readonly path: string; readonly target: NodeTarget }
  | { readonly type: 'removeNodes'; readonly path: string; readonly target: NodeTarget }
  | { readonly type: 'removePods'; readonly path: string; readonly namespace?: string; readonly selector?: ScenarioSelector }
  | { readonly type: 'schedule'; readonly path: string };

/** A question, its files read. */
export type ScenarioQuestion =
  | { readonly type: 'maxReplicas'; readonly name: string; readonly path: string; readonly template: Sourced<Pod>; readonly limit?: number }
  | { readonly type: 'drain'; readonly name: string; readonly path: string; readonly target: NodeTarget }
  | { readonly type: 'compare'; readonly name: string; readonly path: string; readonly configs: readonly NamedConfig[] }
  | {
    readonly type: 'minNodes'; readonly name: string; readonly path: string;
    readonly nodeTemplates: readonly MinNodesNodeTemplate[];
    /** null: the pending pods after the steps; else Pod templates x replicas. */
    readonly pods: ReadonlyArray<{ readonly template: Sourced<Pod>; readonly replicas: number }> | null;
    readonly objective: 'nodes' | 'cost';
    readonly timeLimitSeconds: number;
  };

/** A minNodes node shape, its file read. */
export interface MinNodesNodeTemplate {
  readonly template: Sourced<Node>;
  readonly price?: number;
  readonly max?: number;
  readonly name?: string;
  readonly prefix?: string;
}

/** A scenario with every file it names read and checked. */
export interface Scenario {
  /** The scenario file as given (`-` for standard input is named `<stdin>`). */
  readonly file: string;
  /** The snapshot's path (resolved against the scenario's folder), or null for an empty cluster. */
  readonly cluster: string | null;
  readonly config: NamedConfig;
  /** The file's seed, if it set one. */
  readonly seed?: number;
  readonly steps: readonly ScenarioStep[];
  readonly questions: readonly ScenarioQuestion[];
  /** `--validate=warn` warnings and skipped objects. */
  readonly warnings: readonly string[];
}

/** How a scenario's files are read. */
export interface ScenarioReadOptions {
  /** kubectl's --validate for templates and apply files. */
  readonly validation: FieldValidation;
  /** Standard input (tests). */
  readonly stdin?: () => string;
}

/** Parses YAML or JSON text into plain data (YAML 1.1, as kubectl reads it; duplicate keys are errors). */
export function parseYamlOrJson(text: string, name: string): unknown {
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { version: '1.1', uniqueKeys: true, prettyErrors: true });
  const err = doc.errors[0];
  if (err) throw new InputError(`${name}: invalid YAML: ${err.message}`);
  return doc.toJS() as unknown;
}

/** Reads a scenario file and the files it names. Throws InputError naming the file and path (and for a sweep, that it is one). */
export function readScenario(path: string, opts: ScenarioReadOptions): Scenario {
  const r = readScenarioOrSweep(path, opts);
  if (r.kind === 'sweep') throw new InputError(`${path}: sweep: a sweep runs as podfit whatif runs it (one run per point)`, 'sweep');
  return r.scenario;
}

/** A sweep's points, each a scenario with its files read. */
export interface ScenarioSweep {
  readonly kind: 'sweep';
  /** Points of the whole sweep. */
  readonly total: number;
  readonly shard?: Shard;
  /** The points of the shard (all when no shard), in order. */
  readonly points: ReadonlyArray<{ readonly index: number; readonly values: Readonly<Record<string, unknown>>; readonly scenario: Scenario }>;
}

/**
 * Reads a scenario file: one scenario, or a sweep (the points of `shard`, each decoded and its
 * files read; an error in a point names the point's values).
 */
export function readScenarioOrSweep(path: string, opts: ScenarioReadOptions, shard?: Shard): { readonly kind: 'single'; readonly scenario: Scenario } | ScenarioSweep {
  const { text, name } = readInputText(path, undefined, opts.stdin);
  const raw = parseYamlOrJson(text, name);
  const dir = path === STDIN_PATH ? '.' : dirname(path);
  const doc = decodeScenario(raw, name);
  if (doc.sweep === undefined) {
    if (shard) throw new InputError(`--shard: ${name} has no sweep to shard`);
    return { kind: 'single', scenario: resolveScenario(doc, name, dir, opts.validation) };
  }
  const points = sweepPoints(raw as Record<string, unknown>, doc.sweep, name, shard).map((p) => {
    try {
      return { index: p.index, values: p.values, scenario: resolveScenario(decodeScenario(p.doc, name), name, dir, opts.validation) };
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${e.message} (sweep point ${p.index}: ${Object.entries(p.values).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})`, e.field);
      throw e;
    }
  });
  return { kind: 'sweep', total: sweepSize(doc.sweep), ...(shard ? { shard } : {}), points };
}

/** A path as written in the scenario, relative to its folder. */
function resolvePath(dir: string, p: string): string {
  return isAbsolute(p) || dir === '.' ? p : join(dir, p);
}

/** Resolves a decoded document: templates decoded, apply files read, configurations loaded. */
export function resolveScenario(doc: ScenarioDoc, file: string, dir: string, validation: FieldValidation): Scenario {
  const warnings: string[] = [];
  const ctx: Ctx = { file, dir, validation, warnings, configs: new Map() };
  const config = loadConfig(ctx, doc.config ?? DEFAULT_CONFIG_NAME);
  const steps = doc.steps.map((s): ScenarioStep => {
    const path = s.path;
    switch (s.type) {
      case 'addNodes': {
        const v = s.value as StepValue<'addNodes'>;
        const template = nodeTemplate(ctx, v, `${path}.addNodes`);
        const prefix = v.namePrefix ?? `${template.object.metadata.name ?? 'node'}-`;
        return { type: 'addNodes', path, template, count: v.count, namePrefix: prefix };
      }
      case 'addPods': {
        const v = s.value as StepValue<'addPods'>;
        return { type: 'addPods', path, template: podTemplate(ctx, v, `${path}.addPods`), replicas: v.replicas };
      }
      case 'apply':
        return { type: 'apply', path, ...applyFile(ctx, (s.value as StepValue<'apply'>).file, `${path}.apply`) };
      case 'cordon':
      case 'drain':
      case 'removeNodes':
        return { type: s.type, path, target: s.value as NodeTarget } as ScenarioStep;
      case 'removePods': {
        const v = s.value as StepValue<'removePods'>;
        return { type: 'removePods', path, ...(v.namespace !== undefined ? { namespace: v.namespace } : {}), ...(v.selector !== undefined ? { selector: v.selector } : {}) };
      }
      case 'schedule':
        return { type: 'schedule', path };
    }
  });
  const questions = doc.questions.map((q): ScenarioQuestion => {
    const { name, path } = q;
    switch (q.type) {
      case 'maxReplicas': {
        const v = q.value as QuestionValue<'maxReplicas'>;
        return { type: 'maxReplicas', name, path, template: podTemplate(ctx, v, `${path}.maxReplicas`), ...(v.limit !== undefined ? { limit: v.limit } : {}) };
      }
      case 'drain':
        return { type: 'drain', name, path, target: q.value as NodeTarget };
      case 'compare':
        return { type: 'compare', name, path, configs: (q.value as QuestionValue<'compare'>).configs.map((c) => loadConfig(ctx, c)) };
      case 'minNodes':
        return minNodesQuestion(ctx, q.value as QuestionValue<'minNodes'>, name, path);
    }
  });
  return {
    file,
    cluster: doc.cluster !== undefined ? resolvePath(dir, doc.cluster) : null,
    config,
    ...(doc.seed !== undefined ? { seed: doc.seed } : {}),
    steps,
    questions,
    warnings,
  };
}

/** A minNodes question with its Node and Pod templates read and checked. */
function minNodesQuestion(ctx: Ctx, v: QuestionValue<'minNodes'>, name: string, path: string): ScenarioQuestion {
  const at = `${path}.minNodes`;
  const nodeTemplates = v.nodeTemplates.map((t, k): MinNodesNodeTemplate => ({
    template: nodeTemplate(ctx, { ...t, namePrefix: t.prefix ?? t.name }, `${at}.nodeTemplates[${k}]`, 'give the template a name, or the entry a name or prefix (added nodes are <prefix>-<i>)'),
    ...(t.price !== undefined ? { price: t.price } : {}),
    ...(t.max !== undefined ? { max: t.max } : {}),
    ...(t.name !== undefined ? { name: t.name } : {}),
    ...(t.prefix !== undefined ? { prefix: t.prefix } : {}),
  }));
  const pods = v.pods === 'pending' ? null : v.pods.map((p, k) => ({ template: podTemplate(ctx, p, `${at}.pods[${k}]`), replicas: p.replicas }));
  return { type: 'minNodes', name, path, nodeTemplates, pods, objective: v.objective, timeLimitSeconds: v.timeLimit };
}

interface Ctx {
  readonly file: string;
  readonly dir: string;
  readonly validation: FieldValidation;
  readonly warnings: string[];
  /** Configurations already loaded, by name (compare often names the scenario's own). */
  readonly configs: Map<string, NamedConfig>;
}

function loadConfig(ctx: Ctx, name: string): NamedConfig {
  const known = ctx.configs.get(name);
  if (known) return known;
  const config = name === DEFAULT_CONFIG_NAME ? defaultSchedulerConfig() : loadSchedulerConfig(resolvePath(ctx.dir, name));
  const out = { name, config };
  ctx.configs.set(name, out);
  return out;
}

type TemplateRef = { readonly template?: Record<string, unknown>; readonly templateFile?: string };

/** The one object of `kind` an inline template or a template file holds, checked under --validate. */
function templateObject(ctx: Ctx, ref: TemplateRef, at: string, kind: 'Pod' | 'Node'): { raw: Record<string, unknown>; where: string } {
  if (ref.template !== undefined) {
    const where = `${ctx.file}: ${at}.template`;
    const kindOf = ref.template.kind;
    if (kindOf !== undefined && kindOf !== kind) throw new InputError(`${where}: kind: expected ${kind}, got ${JSON.stringify(kindOf)}`, `${at}.template.kind`);
    const raw = { apiVersion: 'v1', kind, ...ref.template };
    checkKnownFields(raw, kind, where, ctx.validation, ctx.warnings);
    return { raw, where };
  }
  const path = resolvePath(ctx.dir, ref.templateFile!);
  const { text, name } = readInputText(path, `${ctx.file}: ${at}.templateFile`);
  const raws = readObjectsFromText(text, name).filter((r) => r.obj.kind === kind || r.obj.kind === undefined);
  if (raws.length !== 1) throw new InputError(`${name}: expected exactly one ${kind}, found ${raws.length} (named by ${ctx.file}: ${at}.templateFile)`);
  const r = raws[0]!;
  const where = r.where ? `${name}: ${r.where}` : name;
  checkKnownFields(r.obj, kind, where, ctx.validation, ctx.warnings);
  return { raw: { kind, ...r.obj }, where };
}

function podTemplate(ctx: Ctx, ref: TemplateRef, at: string): Sourced<Pod> {
  const { raw, where } = templateObject(ctx, ref, at, 'Pod');
  const pod = decodePod({ obj: raw, where: '' }, where);
  if (!pod.metadata.name) throw new InputError(`${where}: metadata.name: Required value: the template needs a name (its pods are <name>-<i>)`, 'metadata.name');
  return { object: pod, source: where };
}

function nodeTemplate(ctx: Ctx, ref: TemplateRef & { readonly namePrefix?: string }, at: string, nameHint = 'give the template a name or the step a namePrefix (nodes are <namePrefix><i>)'): Sourced<Node> {
  const { raw, where } = templateObject(ctx, ref, at, 'Node');
  const meta = (raw.metadata ?? {}) as Record<string, unknown>;
  // A template needs no name of its own when namePrefix names its nodes.
  const node = decodeNode({ obj: { ...raw, metadata: { ...meta, name: meta.name ?? ref.namePrefix ?? 'node' } }, where: '' }, where);
  if (meta.name === undefined && ref.namePrefix === undefined) {
    throw new InputError(`${where}: metadata.name: Required value: ${nameHint}`, 'metadata.name');
  }
  return { object: node, source: where };
}

/**
 * Reads an apply file: every object of a kind kubectl checks has its fields checked (--validate);
 * the objects are kept as written, with where each is, for the expansion (whatif/expand.ts), which
 * decodes them, runs the controllers and warns about the kinds it does not apply.
 */
function applyFile(ctx: Ctx, p: string, at: string): { file: string; objects: ApplyObject[] } {
  const path = resolvePath(ctx.dir, p);
  const { text, name } = readInputText(path, `${ctx.file}: ${at}.file`);
  const out: ApplyObject[] = [];
  for (const raw of readObjectsFromText(text, name)) {
    const kind = typeof raw.obj.kind === 'string' ? raw.obj.kind : '';
    const where = raw.where ? `${name}: ${raw.where}` : name;
    if (isCheckedKind(kind)) checkKnownFields(raw.obj, kind, where, ctx.validation, ctx.warnings);
    out.push({ kind, object: raw.obj, where: raw.where });
  }
  if (out.length === 0) throw new InputError(`${name}: no objects (named by ${ctx.file}: ${at}.file)`);
  return { file: name, objects: out };
}

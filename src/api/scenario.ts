/**
 * The `podfit whatif` scenario file (`apiVersion: podfit/v1alpha1`, `kind: Scenario`): its strict
 * zod schema and the decoding of a parsed document. podfit's own file, so every object is strict:
 * an unknown key is an error naming its path and the key probably meant
 * (`steps[2].cordon.nodez: unknown field, did you mean nodes?`). Kubernetes objects inside it
 * (Pod and Node templates) are loose here and checked as kubectl checks them (known-fields.ts)
 * when the scenario's files are loaded (scenario-load.ts).
 *
 * A step or question is a list item with one key naming its type (a question also has `name`).
 * Parsing dispatches on that key, so a misspelt type is reported as such
 * (`steps[0]: unknown step "cordn", did you mean cordon?`) instead of as the failures of every
 * alternative of a union; the JSON Schema (`podfit whatif --schema`) describes the same shapes
 * as a `oneOf`.
 */
import { z } from 'zod';
import { InputError, formatPath } from './errors.js';
import { editDistance } from './known-fields.js';
import { sweepSchema, type SweepSpec } from './scenario-sweep.js';
import {
  FIELD_SUGGESTION_DISTANCE_MAX, WHATIF_ADD_NODES_MAX, WHATIF_ADD_PODS_MAX, WHATIF_COMPARE_CONFIGS_MAX, WHATIF_MIN_NODES_TEMPLATES_MAX,
  WHATIF_MIN_NODES_TIME_LIMIT_SECONDS_DEFAULT, WHATIF_MIN_NODES_TIME_LIMIT_SECONDS_MAX, WHATIF_QUESTIONS_MAX, WHATIF_STEPS_MAX,
} from '../model/limits.js';

/** The scenario file's apiVersion and kind. */
export const SCENARIO_API_VERSION = 'podfit/v1alpha1';
export const SCENARIO_KIND = 'Scenario';
/** A compare entry naming kube-scheduler's default configuration instead of a file. */
export const DEFAULT_CONFIG_NAME = 'default';

const labelSelectorSchema = z
  .strictObject({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(z.strictObject({
        key: z.string().min(1),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }))
      .optional(),
  })
  .describe('a Kubernetes LabelSelector (matchLabels, matchExpressions); {} selects everything');

/** Nodes by name or by label selector (exactly one of the two). */
const nodeTargetSchema = z
  .strictObject({
    nodes: z.array(z.string().min(1)).min(1).optional().describe('node names'),
    selector: labelSelectorSchema.optional().describe('nodes whose labels match'),
  })
  .refine((t) => (t.nodes === undefined) !== (t.selector === undefined), { message: 'give exactly one of nodes and selector' });

const objectSchema = z.record(z.string(), z.unknown());
const podTemplate = objectSchema.describe('a core/v1 Pod, checked as `kubectl apply --validate=strict` checks it');
const nodeTemplate = objectSchema.describe('a core/v1 Node (status.allocatable or status.capacity sets its resources)');
const file = (what: string) => z.string().min(1).describe(`${what}, relative to the scenario file`);
const oneTemplate = (t: { template?: unknown; templateFile?: string }) => (t.template === undefined) !== (t.templateFile === undefined);
const ONE_TEMPLATE = { message: 'give exactly one of template and templateFile' };

/** A node shape of a minNodes question, with its price and how many of it may be added. */
const minNodesTemplateSchema = z
  .strictObject({
    template: nodeTemplate.optional(),
    templateFile: file('a Node file').optional(),
    price: z.number().min(0).optional().describe('price of one node (per hour, or any unit); objective cost needs one on every template'),
    max: z.int().min(1).max(WHATIF_ADD_NODES_MAX).optional().describe('most nodes of this template (default: no limit)'),
    name: z.string().min(1).optional().describe("the template's name in the answer (default: the Node's metadata.name)"),
    prefix: z.string().min(1).optional().describe('added nodes are <prefix>-<i> (default: the template name)'),
  })
  .refine(oneTemplate, ONE_TEMPLATE);

/** Pods as templates x replicas (instead of the scenario's pending pods). */
const minNodesPodsSchema = z
  .strictObject({
    template: podTemplate.optional(),
    templateFile: file('a Pod file').optional(),
    replicas: z.int().min(1).max(WHATIF_ADD_PODS_MAX).default(1),
  })
  .refine(oneTemplate, ONE_TEMPLATE);

/** Each step's value, by the key that names the step. */
export const STEP_SCHEMAS = {
  addNodes: z
    .strictObject({
      template: nodeTemplate.optional(),
      templateFile: file('a Node file').optional(),
      count: z.int().min(1).max(WHATIF_ADD_NODES_MAX),
      namePrefix: z.string().min(1).optional().describe("names are <namePrefix><i>, i from 0; default: the template's name and a dash"),
    })
    .refine(oneTemplate, ONE_TEMPLATE)
    .describe('add nodes cloned from a template; kubernetes.io/hostname follows each name'),
  addPods: z
    .strictObject({
      template: podTemplate.optional(),
      templateFile: file('a Pod file').optional(),
      replicas: z.int().min(1).max(WHATIF_ADD_PODS_MAX).default(1),
    })
    .refine(oneTemplate, ONE_TEMPLATE)
    .describe('add pending pods <name>-<i> cloned from a template; the next schedule step or question places them'),
  apply: z
    .strictObject({ file: file('a file of Kubernetes objects (JSON, YAML, multi-document YAML or a List)') })
    .describe('create objects: workloads expand into pods as their controllers would; PDBs, PriorityClasses, Namespaces, Services are added'),
  cordon: nodeTargetSchema.describe('mark nodes unschedulable'),
  drain: nodeTargetSchema.describe('cordon, then evict every pod but DaemonSet and mirror pods as kubectl drain does, honouring PodDisruptionBudgets; evicted pods become pending'),
  removeNodes: nodeTargetSchema.describe('delete nodes; their pods but DaemonSet and mirror pods become pending'),
  removePods: z
    .strictObject({
      namespace: z.string().min(1).optional().describe('default: every namespace'),
      selector: labelSelectorSchema.optional().describe('default: every pod of the namespace'),
    })
    .refine((t) => t.namespace !== undefined || t.selector !== undefined, { message: 'give a namespace, a selector or both' })
    .describe('delete pods (placed or pending)'),
  schedule: z.strictObject({}).describe("place every pending pod in kube's queue order; what does not fit stays pending"),
} as const;

/** Each question's value, by the key that names the question. */
export const QUESTION_SCHEMAS = {
  maxReplicas: z
    .strictObject({
      template: podTemplate.optional(),
      templateFile: file('a Pod file').optional(),
      limit: z.int().min(1).optional().describe('stop after this many (default: until one does not fit)'),
    })
    .refine(oneTemplate, ONE_TEMPLATE)
    .describe('how many more of a template fit, where, and why the next does not'),
  drain: nodeTargetSchema.describe('can these nodes be emptied: where each pod would go, or why not; the PDBs that block'),
  compare: z
    .strictObject({
      configs: z
        .array(z.string().min(1))
        .min(1)
        .max(WHATIF_COMPARE_CONFIGS_MAX)
        .describe(`KubeSchedulerConfiguration files (relative to the scenario file), or "${DEFAULT_CONFIG_NAME}" for kube's defaults`),
    })
    .describe('the steps and the pending pods under each configuration'),
  minNodes: z
    .strictObject({
      nodeTemplates: z.array(minNodesTemplateSchema).min(1).max(WHATIF_MIN_NODES_TEMPLATES_MAX).describe('the node shapes new nodes are made from'),
      pods: z
        .union([z.literal('pending'), z.array(minNodesPodsSchema).min(1)])
        .default('pending')
        .describe('"pending": the pending pods after the steps (default); or Pod templates x replicas, named <name>-<k>'),
      objective: z.enum(['nodes', 'cost']).default('nodes').describe('fewest nodes (default), or least total price'),
      timeLimit: z
        .number()
        .positive()
        .max(WHATIF_MIN_NODES_TIME_LIMIT_SECONDS_MAX)
        .default(WHATIF_MIN_NODES_TIME_LIMIT_SECONDS_DEFAULT)
        .describe('seconds for the whole answer (the search stops early at the lower bound; --time-limit overrides it)'),
    })
    .superRefine((v, ctx) => {
      if (v.objective !== 'cost') return;
      v.nodeTemplates.forEach((t, k) => {
        if (t.price === undefined) ctx.addIssue({ code: 'custom', path: ['nodeTemplates', k, 'price'], message: 'objective cost needs a price on every node template' });
      });
    })
    .describe('the fewest added nodes (or the cheapest mix of node shapes) that hold the pods, with a lower bound'),
} as const;

/** Step types, in the order the README lists them. */
export type StepType = keyof typeof STEP_SCHEMAS;
/** Question types. */
export type QuestionType = keyof typeof QUESTION_SCHEMAS;
/** A decoded step value of type T. */
export type StepValue<T extends StepType> = z.output<(typeof STEP_SCHEMAS)[T]>;
/** A decoded question value of type T. */
export type QuestionValue<T extends QuestionType> = z.output<(typeof QUESTION_SCHEMAS)[T]>;
/** A LabelSelector as a scenario writes it. */
export type ScenarioSelector = z.output<typeof labelSelectorSchema>;
/** Nodes as a scenario names them. */
export type NodeTarget = z.output<typeof nodeTargetSchema>;

/** Keys a scenario reserves for what comes in later issues: named in the error instead of "unknown". */
const COMING: Readonly<Record<string, string>> = {};

const rootSchema = z.strictObject({
  apiVersion: z.literal(SCENARIO_API_VERSION),
  kind: z.literal(SCENARIO_KIND),
  cluster: file('the cluster snapshot (podfit snapshot, kubectl get ... -o json|yaml); omitted: an empty cluster').optional(),
  config: file('the KubeSchedulerConfiguration of the steps and questions; omitted: kube-scheduler\'s defaults').optional(),
  seed: z.int().min(0).max(2 ** 32 - 1).optional().describe('seed for tie-breaking among equal top scores (default 1; --seed overrides it)'),
  steps: z.array(z.unknown()).max(WHATIF_STEPS_MAX).optional().describe('applied in order to a copy of the cluster'),
  questions: z.array(z.unknown()).max(WHATIF_QUESTIONS_MAX).optional().describe('each answered on its own copy of the cluster after the steps'),
  sweep: sweepSchema.optional(),
});

/** One step as written: its type, its decoded value and its path in the file (`steps[2]`). */
export type ScenarioStepDoc = { [T in StepType]: { readonly type: T; readonly value: StepValue<T>; readonly path: string } }[StepType];
/** One question as written. */
export type ScenarioQuestionDoc = { [T in QuestionType]: { readonly type: T; readonly name: string; readonly value: QuestionValue<T>; readonly path: string } }[QuestionType];

/** A scenario file's document, decoded (files not read yet: scenario-load.ts reads them). */
export interface ScenarioDoc {
  readonly cluster?: string;
  readonly config?: string;
  readonly seed?: number;
  readonly steps: readonly ScenarioStepDoc[];
  readonly questions: readonly ScenarioQuestionDoc[];
  /** The sweep, when the file has one (scenario-sweep.ts: each point is decoded on its own). */
  readonly sweep?: SweepSpec;
}

/** The nearest of `known` to `key` (kubectl-style suggestion), if any is close enough. */
export function nearest(key: string, known: readonly string[]): string | undefined {
  const max = key.length <= 4 ? 1 : FIELD_SUGGESTION_DISTANCE_MAX;
  let best: string | undefined;
  let bestD = max + 1;
  for (const k of known) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, k, max);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/** The object keys a schema accepts at `path` (through optionals, defaults, arrays and records). */
function keysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  let s: z.ZodType | undefined = schema;
  const unwrap = (t: z.ZodType | undefined): z.ZodType | undefined => {
    while (t instanceof z.ZodOptional || t instanceof z.ZodDefault || t instanceof z.ZodNullable) t = t.unwrap() as z.ZodType;
    return t;
  };
  for (const [i, p] of path.entries()) {
    s = unwrap(s);
    // A union (minNodes' pods: pending | a list): the keys of the first branch that has the path.
    if (s instanceof z.ZodUnion) {
      for (const o of s.options as z.ZodType[]) {
        const keys = keysAt(o, path.slice(i));
        if (keys.length > 0) return keys;
      }
      return [];
    }
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(p)];
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else if (s instanceof z.ZodRecord) s = s.valueType as z.ZodType;
    else return [];
  }
  s = unwrap(s);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

const join = (base: string, rel: string) => (!base ? rel : !rel ? base : rel.startsWith('[') ? `${base}${rel}` : `${base}.${rel}`);

/**
 * A union's failure as the branch that got furthest (`pods: pending | [...]`: a misspelt key in
 * `pods[0]` is reported there, not as "invalid input" at `pods`); other issues as they are.
 */
function deepestIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && (!best || first.path.length > best.path.length)) best = first;
  }
  return best && best.path.length > 0 ? deepestIssue({ ...best, path: [...issue.path, ...best.path] } as z.core.$ZodIssue) : issue;
}

/** The first zod issue as an InputError naming the file and the path (`steps[2].cordon.nodez`). */
function issueError(err: z.ZodError, schema: z.ZodType, file: string, base: string): InputError {
  const issue = deepestIssue(err.issues[0]!);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const path = join(base, formatPath([...issue.path, key]));
    const coming = COMING[key];
    if (coming && base === '') return new InputError(`${file}: ${path}: ${coming}`, path);
    const suggestion = nearest(key, keysAt(schema, issue.path));
    return new InputError(`${file}: ${path}: unknown field${suggestion ? `, did you mean ${suggestion}?` : ''}`, path);
  }
  const path = join(base, formatPath(issue.path));
  return new InputError(`${file}: ${path || '(top level)'}: ${issue.message}`, path || undefined);
}

/** Parses one value with a schema, or throws the first issue as an InputError. */
function parseWith<S extends z.ZodType>(schema: S, value: unknown, file: string, base: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw issueError(r.error, schema, file, base);
  return r.data;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A list item with one key naming its type (plus `name` for questions): that key and its value. */
function typedItem<K extends string>(item: unknown, types: readonly K[], what: 'step' | 'question', file: string, path: string): { type: K; value: unknown } {
  if (!isPlainObject(item)) throw new InputError(`${file}: ${path}: expected an object with one ${what} key (${types.join(', ')})`, path);
  const keys = Object.keys(item).filter((k) => what === 'step' || k !== 'name');
  const known = keys.filter((k): k is K => (types as readonly string[]).includes(k));
  const unknown = keys.filter((k) => !(types as readonly string[]).includes(k));
  if (unknown.length > 0) {
    const key = unknown[0]!;
    const coming = COMING[key];
    if (coming) throw new InputError(`${file}: ${path}.${key}: ${coming}`, `${path}.${key}`);
    const suggestion = nearest(key, what === 'question' ? [...types, 'name'] : types);
    throw new InputError(`${file}: ${path}: unknown ${what} "${key}"${suggestion ? `, did you mean ${suggestion}?` : ''} (${what}s: ${types.join(', ')})`, `${path}.${key}`);
  }
  if (known.length !== 1) {
    throw new InputError(`${file}: ${path}: ${known.length === 0 ? `no ${what} key` : `one ${what} per list item, found ${known.join(' and ')}`} (${what}s: ${types.join(', ')})`, path);
  }
  return { type: known[0]!, value: item[known[0]!] };
}

const STEP_TYPES = Object.keys(STEP_SCHEMAS) as StepType[];
const QUESTION_TYPES = Object.keys(QUESTION_SCHEMAS) as QuestionType[];

/** Decodes a parsed scenario document; errors name `file` and the path inside it. */
export function decodeScenario(doc: unknown, file: string): ScenarioDoc {
  if (!isPlainObject(doc)) throw new InputError(`${file}: expected a Scenario object (apiVersion: ${SCENARIO_API_VERSION}, kind: ${SCENARIO_KIND})`);
  const root = parseWith(rootSchema, doc, file, '');
  const steps = (root.steps ?? []).map((item, i): ScenarioStepDoc => {
    const path = `steps[${i}]`;
    const { type, value } = typedItem(item, STEP_TYPES, 'step', file, path);
    // `schedule:` with nothing after it is YAML null: the step has no settings.
    const v = type === 'schedule' && value === null ? {} : value;
    return { type, value: parseWith(STEP_SCHEMAS[type], v, file, `${path}.${type}`), path } as ScenarioStepDoc;
  });
  const names = new Set<string>();
  const questions = (root.questions ?? []).map((item, i): ScenarioQuestionDoc => {
    const path = `questions[${i}]`;
    const { type, value } = typedItem(item, QUESTION_TYPES, 'question', file, path);
    const name = parseWith(z.string().min(1).optional(), (item as Record<string, unknown>).name, file, `${path}.name`) ?? `${type}-${i}`;
    if (names.has(name)) throw new InputError(`${file}: ${path}.name: duplicate question name "${name}"`, `${path}.name`);
    names.add(name);
    return { type, name, value: parseWith(QUESTION_SCHEMAS[type], value, file, `${path}.${type}`), path } as ScenarioQuestionDoc;
  });
  return {
    ...(root.cluster !== undefined ? { cluster: root.cluster } : {}),
    ...(root.config !== undefined ? { config: root.config } : {}),
    ...(root.seed !== undefined ? { seed: root.seed } : {}),
    ...(root.sweep !== undefined ? { sweep: root.sweep } : {}),
    steps,
    questions,
  };
}

/** The scenario file's JSON Schema (draft 2020-12), for editors: `podfit whatif --schema`. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const keyed = (schemas: Record<string, z.ZodType>, extra: Record<string, z.ZodType> = {}) =>
    Object.entries(schemas).map(([k, s]) => z.strictObject({ ...extra, [k]: s }));
  const full = rootSchema.extend({
    steps: z.array(z.union(keyed(STEP_SCHEMAS))).max(WHATIF_STEPS_MAX).optional().describe('applied in order to a copy of the cluster'),
    questions: z
      .array(z.union(keyed(QUESTION_SCHEMAS, { name: z.string().min(1).optional().describe('the answer\'s name (default: <type>-<index>)') })))
      .max(WHATIF_QUESTIONS_MAX)
      .optional()
      .describe('each answered on its own copy of the cluster after the steps'),
  });
  const schema = z.toJSONSchema(full, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'podfit whatif scenario', description: `apiVersion: ${SCENARIO_API_VERSION}, kind: ${SCENARIO_KIND}; README "podfit whatif"` };
}

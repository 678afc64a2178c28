/**
 * KubeSchedulerConfiguration v1: loading (YAML or JSON, strict like kube's decoder), defaulting
 * (kube's v1 defaults.go and default_plugins.go), multiPoint expansion and validation (kube's
 * validation.go plus the checks kube's framework does when it builds a profile). The result is
 * what the CLI and the framework runtime consume: ordered plugins per extension point, parsed
 * plugin args, and validated extenders. K8S-FACTS.md §3, §4.2-4.4.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { ExtensionPoint } from '../framework/interfaces.js';
import { PLUGINS, getPluginDefinition } from '../plugins/registry.js';
import type { NodeResourcesFitArgs } from '../plugins/node-resources-fit/args.js';
import { InputError } from './errors.js';
import {
  duplicateValue,
  invalidValue,
  renderPath,
  requiredValue,
  unsupportedValue,
  type FieldError,
  type FieldPath,
} from './config-field.js';
import {
  REMOVED_PLUGINS,
  removedPluginMessage,
  resolvePluginSets,
  unknownPluginMessage,
  type MergedPluginSet,
  type ResolvedPlugin,
  type ResolvedPluginSets,
} from './config-plugins.js';
import { resolveExtenders, type ResolvedExtender } from './config-extenders.js';
import {
  CONFIG_API_VERSION,
  CONFIG_KIND,
  kubeSchedulerConfigurationSchema,
  type RawProfile,
  type RawSchedulerConfiguration,
} from './config-schema.js';

export type { ResolvedPlugin } from './config-plugins.js';
export type { ResolvedExtender, ResolvedExtenderTLSConfig, ResolvedManagedResource } from './config-extenders.js';

/** One scheduling profile, fully resolved. */
export interface ResolvedProfile {
  schedulerName: string;
  /**
   * Per extension point, the final ordered plugin list after kube's default merge and multiPoint
   * expansion (§4.3): (1) overridden, (2) multiPoint, (3) remaining specific.
   */
  plugins: Record<ExtensionPoint, ResolvedPlugin[]>;
  /** Plugin name -> parsed, defaulted, validated args, for every enabled plugin that has an args schema. */
  pluginArgs: Map<string, unknown>;
  /** Profile override of the global value; undefined = not set. */
  percentageOfNodesToScore: number | undefined;
}

/** A loaded KubeSchedulerConfiguration. */
export interface SchedulerConfig {
  profiles: ResolvedProfile[];
  /** undefined = not set in the file (kube's own default is 0 = adaptive; the runtime decides). */
  percentageOfNodesToScore: number | undefined;
  parallelism: number;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
  /** Validated extenders, ignorable ones last (kube buildExtenders order). */
  extenders: ResolvedExtender[];
  /** Things worth telling the user that do not stop loading (e.g. plugins not implemented yet). */
  warnings: string[];
}

/** kube's DefaultSchedulerName. */
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
/** kube's default parallelism. */
export const DEFAULT_PARALLELISM = 16;
/** kube's default podInitialBackoffSeconds. */
export const DEFAULT_POD_INITIAL_BACKOFF_SECONDS = 1;
/** kube's default podMaxBackoffSeconds. */
export const DEFAULT_POD_MAX_BACKOFF_SECONDS = 10;

/** The args schema of a plugin (its definition's), if it takes args. */
function argsSchemaOf(name: string): z.ZodType | undefined {
  return getPluginDefinition(name)?.argsSchema as z.ZodType | undefined;
}

/** Validation failed: the errors, in file order where possible. */
class ConfigErrors extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super('invalid configuration');
  }
}

function fail(errors: readonly FieldError[]): never {
  throw new ConfigErrors(errors);
}

/** Turns zod issues into kube-style field errors under `base`. */
function zodIssuesToFieldErrors(issues: readonly z.core.$ZodIssue[], base: FieldPath): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as Array<string | number>)];
    if (issue.code === 'unrecognized_keys') {
      // kube's strict decoding: `unknown field "..."`.
      for (const key of issue.keys) out.push({ path: [...path, key], message: `unknown field ${JSON.stringify(key)}` });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

/** Formats errors as one InputError naming the file and the first error's field. */
function toInputError(fileName: string, errors: readonly FieldError[]): InputError {
  const lines = errors.map((e) => {
    const p = renderPath(e.path);
    return p ? `${p}: ${e.message}` : e.message;
  });
  const first = errors[0];
  const field = first ? renderPath(first.path) || undefined : undefined;
  return new InputError(`${fileName}: ${lines.join('; ')}`, field);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses one pluginConfig entry's args with the plugin's schema (TypeMeta checked and stripped). */
function parsePluginArgs(name: string, rawArgs: unknown, base: FieldPath, errs: FieldError[]): unknown {
  const schema = argsSchemaOf(name);
  if (!schema) return undefined;
  let args: unknown = rawArgs ?? {};
  if (isPlainObject(args)) {
    // Args may carry their own TypeMeta (`apiVersion`/`kind: NodeResourcesFitArgs`), as in kube.
    const { apiVersion, kind, ...rest } = args;
    const wantKind = `${name}Args`;
    if (apiVersion != null && apiVersion !== CONFIG_API_VERSION) {
      errs.push({ path: [...base, 'apiVersion'], message: unsupportedValue(apiVersion, [CONFIG_API_VERSION]) });
      return undefined;
    }
    if (kind != null && kind !== wantKind) {
      errs.push({ path: [...base, 'kind'], message: invalidValue(kind, `args for plugin ${name} must be of kind ${JSON.stringify(wantKind)}`) });
      return undefined;
    }
    args = rest;
  }
  const r = schema.safeParse(args);
  if (!r.success) {
    errs.push(...zodIssuesToFieldErrors(r.error.issues, base));
    return undefined;
  }
  return r.data;
}

/** A profile in progress: its resolved plugins and the args parsed from its pluginConfig. */
interface ProfileDraft {
  readonly index: number;
  readonly schedulerName: string;
  readonly sets: ResolvedPluginSets;
  /** Parsed args of every pluginConfig entry (enabled or not), by plugin name. */
  readonly configArgs: Map<string, unknown>;
  readonly percentageOfNodesToScore: number | undefined;
}

function validatePercentage(value: number | null | undefined, path: FieldPath, errs: FieldError[]): number | undefined {
  if (value == null) return undefined;
  if (value < 0 || value > 100) errs.push({ path, message: invalidValue(value, 'not in valid range [0-100]') });
  return value;
}

/** Resolves one profile; pushes its validation errors into `errs`. */
function resolveProfile(
  raw: RawProfile,
  index: number,
  soleProfile: boolean,
  errs: FieldError[],
  warnings: Set<string>,
): ProfileDraft | undefined {
  const base = ['profiles', index];
  // Only a lone profile gets the default name; with several, each must be named (validation.go).
  const schedulerName = raw.schedulerName ?? (soleProfile ? DEFAULT_SCHEDULER_NAME : '');
  if (schedulerName === '') errs.push({ path: [...base, 'schedulerName'], message: requiredValue() });
  const percentageOfNodesToScore = validatePercentage(raw.percentageOfNodesToScore, [...base, 'percentageOfNodesToScore'], errs);

  const configArgs = new Map<string, unknown>();
  const seen = new Set<string>();
  (raw.pluginConfig ?? []).forEach((pc, j) => {
    const path = [...base, 'pluginConfig', j];
    if (seen.has(pc.name)) {
      errs.push({ path, message: duplicateValue(pc.name) });
      return;
    }
    seen.add(pc.name);
    if (REMOVED_PLUGINS.has(pc.name)) {
      errs.push({ path, message: removedPluginMessage(pc.name) });
      return;
    }
    if (!getPluginDefinition(pc.name)) {
      errs.push({ path: [...path, 'name'], message: unknownPluginMessage(pc.name) });
      return;
    }
    if (!argsSchemaOf(pc.name)) {
      const empty = pc.args == null || (isPlainObject(pc.args) && Object.keys(pc.args).every((k) => k === 'apiVersion' || k === 'kind'));
      if (!empty) warnings.add(`${pc.name}: pluginConfig args ignored (the plugin takes no args)`);
      configArgs.set(pc.name, undefined);
      return;
    }
    const parsed = parsePluginArgs(pc.name, pc.args, [...path, 'args'], errs);
    configArgs.set(pc.name, parsed);
  });

  const r = resolvePluginSets(raw.plugins, [...base, 'plugins']);
  if (!r.ok) {
    errs.push(...r.errors);
    return undefined;
  }
  const sets = r.value;
  const queueSort = sets.plugins.queueSort.length;
  if (queueSort !== 1) {
    errs.push({
      path: [...base, 'plugins', 'queueSort'],
      message: invalidValue(
        queueSort,
        `only one queue sort plugin required for profile with scheduler name ${JSON.stringify(schedulerName)}, but got ${queueSort}`,
      ),
    });
  }
  if (sets.plugins.bind.length === 0) {
    errs.push({
      path: [...base, 'plugins', 'bind'],
      message: requiredValue(`at least one bind plugin is needed for profile with scheduler name ${JSON.stringify(schedulerName)}`),
    });
  }
  return { index, schedulerName, sets, configArgs, percentageOfNodesToScore };
}

const pluginSetKey = (s: MergedPluginSet): string =>
  JSON.stringify({ enabled: s.enabled.map((p) => [p.name, p.weight ?? null]), disabled: s.disabled });

/**
 * Cross-profile rules: unique scheduler names; queueSort identical in every profile, both as
 * configured (validation.go validateCommonQueueSort) and as resolved (profile.go), args included.
 */
function validateAcrossProfiles(drafts: readonly ProfileDraft[], errs: FieldError[]): void {
  const byName = new Map<string, number>();
  for (const d of drafts) {
    const prev = byName.get(d.schedulerName);
    if (prev !== undefined && d.schedulerName !== '') {
      errs.push({ path: ['profiles', d.index, 'schedulerName'], message: `Duplicate value: ${renderPath(['profiles', prev, 'schedulerName'])}` });
    } else byName.set(d.schedulerName, d.index);
  }
  const first = drafts[0];
  if (!first) return;
  const canon = first.sets.merged.queueSort;
  if (canon.enabled.length > 1) {
    errs.push({
      path: ['profiles', first.index, 'plugins', 'queueSort', 'Enabled'],
      message: invalidValue(canon.enabled.length, 'only one queue sort plugin can be enabled'),
    });
  }
  const canonKey = pluginSetKey(canon);
  const queueSortName = first.sets.plugins.queueSort[0]?.name;
  const argsKey = (d: ProfileDraft): string => JSON.stringify(queueSortName ? (d.configArgs.get(queueSortName) ?? null) : null);
  const firstArgs = argsKey(first);
  for (const d of drafts.slice(1)) {
    const curr = d.sets.merged.queueSort;
    if (pluginSetKey(curr) !== canonKey) {
      const shown = { enabled: curr.enabled.map((p) => ({ name: p.name })), disabled: curr.disabled.map((name) => ({ name })) };
      errs.push({ path: ['profiles', d.index, 'plugins', 'queueSort'], message: invalidValue(shown, 'must be the same for all profiles') });
      continue;
    }
    const name = d.sets.plugins.queueSort[0]?.name;
    if (queueSortName && name && name !== queueSortName) {
      errs.push({
        path: ['profiles', d.index, 'plugins', 'queueSort'],
        message: invalidValue(name, `different queue sort plugins for profile ${JSON.stringify(d.schedulerName)}: ${JSON.stringify(name)}, first: ${JSON.stringify(queueSortName)}`),
      });
    } else if (argsKey(d) !== firstArgs) {
      errs.push({
        path: ['profiles', d.index, 'pluginConfig'],
        message: invalidValue(queueSortName ?? '', `different queue sort plugin args for profile ${JSON.stringify(d.schedulerName)}`),
      });
    }
  }
}

/** Builds the final profile: args for every enabled plugin (defaults when not configured), warnings. */
function finishProfile(d: ProfileDraft, ignoredResources: readonly string[], warnings: Set<string>): ResolvedProfile {
  const pluginArgs = new Map<string, unknown>();
  for (const def of PLUGINS) {
    if (!d.sets.needed.has(def.name)) continue;
    const schema = argsSchemaOf(def.name);
    if (!schema) continue;
    pluginArgs.set(def.name, d.configArgs.has(def.name) ? d.configArgs.get(def.name) : schema.parse({}));
  }
  // buildExtenders: extender-ignored resources REPLACE NodeResourcesFit's ignoredResources in every
  // profile (kube assigns the list; its comment says "append"). Created when absent.
  if (ignoredResources.length > 0) {
    const fitName = 'NodeResourcesFit';
    const current = (pluginArgs.get(fitName) ?? d.configArgs.get(fitName) ?? argsSchemaOf(fitName)?.parse({})) as NodeResourcesFitArgs;
    pluginArgs.set(fitName, { ...current, ignoredResources: [...ignoredResources] });
  }
  const active = new Set<string>();
  for (const list of Object.values(d.sets.plugins)) for (const p of list) active.add(p.name);
  for (const def of PLUGINS) {
    if (!active.has(def.name) || def.implemented) continue;
    // Plugins left out on purpose (notModeled) are warned about only when enabled by name.
    if (def.notModeled !== undefined && !d.sets.userEnabled.has(def.name)) continue;
    warnings.add(`${def.name}: not implemented yet; skipped`);
  }
  return {
    schedulerName: d.schedulerName,
    plugins: d.sets.plugins,
    pluginArgs,
    percentageOfNodesToScore: d.percentageOfNodesToScore,
  };
}

/** Defaults and validates a decoded configuration; throws ConfigErrors. */
function resolveConfiguration(raw: RawSchedulerConfiguration): SchedulerConfig {
  const errs: FieldError[] = [];
  const warnings = new Set<string>();

  const parallelism = raw.parallelism ?? DEFAULT_PARALLELISM;
  if (parallelism <= 0) errs.push({ path: ['parallelism'], message: invalidValue(parallelism, 'should be an integer value greater than zero') });

  const rawProfiles: RawProfile[] = raw.profiles && raw.profiles.length > 0 ? raw.profiles : [{}];
  const drafts: ProfileDraft[] = [];
  rawProfiles.forEach((p, i) => {
    const d = resolveProfile(p, i, rawProfiles.length === 1, errs, warnings);
    if (d) drafts.push(d);
  });
  if (drafts.length === rawProfiles.length) validateAcrossProfiles(drafts, errs);

  const percentageOfNodesToScore = validatePercentage(raw.percentageOfNodesToScore, ['percentageOfNodesToScore'], errs);
  const podInitialBackoffSeconds = raw.podInitialBackoffSeconds ?? DEFAULT_POD_INITIAL_BACKOFF_SECONDS;
  const podMaxBackoffSeconds = raw.podMaxBackoffSeconds ?? DEFAULT_POD_MAX_BACKOFF_SECONDS;
  if (podInitialBackoffSeconds <= 0) {
    errs.push({ path: ['podInitialBackoffSeconds'], message: invalidValue(podInitialBackoffSeconds, 'must be greater than 0') });
  }
  if (podMaxBackoffSeconds < podInitialBackoffSeconds) {
    errs.push({
      path: ['podMaxBackoffSeconds'],
      message: invalidValue(podMaxBackoffSeconds, 'must be greater than or equal to PodInitialBackoffSeconds'),
    });
  }

  const ext = resolveExtenders(raw.extenders ?? []);
  if (!ext.ok) errs.push(...ext.errors);
  if (errs.length > 0 || !ext.ok) fail(errs);

  const profiles = drafts.map((d) => finishProfile(d, ext.ignoredResources, warnings));
  return {
    profiles,
    percentageOfNodesToScore,
    parallelism,
    podInitialBackoffSeconds,
    podMaxBackoffSeconds,
    extenders: ext.extenders,
    warnings: [...warnings],
  };
}

/** Checks apiVersion/kind, then decodes the structure strictly. */
function decode(doc: unknown): RawSchedulerConfiguration {
  if (!isPlainObject(doc)) fail([{ path: [], message: 'expected a KubeSchedulerConfiguration object' }]);
  const errs: FieldError[] = [];
  const { apiVersion, kind } = doc;
  if (apiVersion == null || apiVersion === '') errs.push({ path: ['apiVersion'], message: requiredValue(`must be ${JSON.stringify(CONFIG_API_VERSION)}`) });
  else if (apiVersion !== CONFIG_API_VERSION) errs.push({ path: ['apiVersion'], message: unsupportedValue(apiVersion, [CONFIG_API_VERSION]) });
  if (kind == null || kind === '') errs.push({ path: ['kind'], message: requiredValue(`must be ${JSON.stringify(CONFIG_KIND)}`) });
  else if (kind !== CONFIG_KIND) errs.push({ path: ['kind'], message: unsupportedValue(kind, [CONFIG_KIND]) });
  if (errs.length > 0) fail(errs);
  const r = kubeSchedulerConfigurationSchema.safeParse(doc);
  if (!r.success) fail(zodIssuesToFieldErrors(r.error.issues, []));
  return r.data;
}

/**
 * Parses the text: JSON for `.json` files (strict), otherwise YAML 1.1 like kube's
 * sigs.k8s.io/yaml (JSON is YAML too), with duplicate keys rejected as kube's strict decoder does.
 */
function parseText(text: string, fileName: string): unknown {
  if (fileName.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new InputError(`${fileName}: invalid JSON: ${(err as Error).message}`);
    }
  }
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: true, prettyErrors: true });
  const firstError = doc.errors[0];
  if (firstError) throw new InputError(`${fileName}: invalid YAML: ${firstError.message}`);
  return doc.toJS() as unknown;
}

function run(fileName: string, f: () => SchedulerConfig): SchedulerConfig {
  try {
    return f();
  } catch (err) {
    if (err instanceof ConfigErrors) throw toInputError(fileName, err.errors);
    throw err;
  }
}

/** kube-scheduler's configuration when no file is given: one `default-scheduler` profile with the default plugins. */
export function defaultSchedulerConfig(): SchedulerConfig {
  return run('(default configuration)', () => resolveConfiguration({ apiVersion: CONFIG_API_VERSION, kind: CONFIG_KIND }));
}

/**
 * Parses a KubeSchedulerConfiguration (YAML or JSON text). Throws InputError naming `fileName`
 * and the field path, e.g. `config.yaml: profiles[0].pluginConfig[1].args.scoringStrategy.type: Unsupported value: ...`.
 */
export function parseSchedulerConfig(text: string, fileName: string): SchedulerConfig {
  return run(fileName, () => resolveConfiguration(decode(parseText(text, fileName))));
}

/** Reads and parses a KubeSchedulerConfiguration file. */
export function loadSchedulerConfig(path: string): SchedulerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`${path}: cannot read scheduler configuration: ${(err as Error).message}`);
  }
  return parseSchedulerConfig(text, path);
}

/**
 * Plugin sets of a profile: kube's default plugins, the defaulting merge of the user's sets into
 * them (`v1/default_plugins.go: mergePluginSet`) and the framework's multiPoint expansion with
 * score weights (`framework/runtime/framework.go: expandMultiPointPlugins, getScoreWeights`).
 * K8S-FACTS.md §4.2-4.3.
 */
import { EXTENSION_POINTS, type ExtensionPoint } from '../framework/interfaces.js';
import { PLUGINS, getPluginDefinition } from '../plugins/registry.js';
import { duplicateValue, invalidValue, type FieldError, type FieldPath } from './config-field.js';
import { CONFIG_API_VERSION, type RawPluginSet, type RawPlugins } from './config-schema.js';

/** A plugin at one extension point of a resolved profile. */
export interface ResolvedPlugin {
  name: string;
  /** Score weight (weight 0 or unset becomes 1); 0 at every other extension point. */
  weight: number;
}

/** A PluginSet key: an extension point or multiPoint. */
export type PluginSetKey = ExtensionPoint | 'multiPoint';

/** One enabled entry after the defaulting merge; userIndex = its index in the user's `enabled`. */
export interface MergedPlugin {
  readonly name: string;
  readonly weight: number | undefined;
  readonly userIndex: number | undefined;
}

/** A PluginSet after the defaulting merge. */
export interface MergedPluginSet {
  readonly enabled: readonly MergedPlugin[];
  readonly disabled: readonly string[];
}

/**
 * kube v1.32's default plugins (`getDefaultPlugins`, 1.31+ list: the cloud volume-limit plugins
 * are gone), all through multiPoint, in registration order, with kube's score weights.
 * DynamicResources is absent: its feature gate is off by default in 1.32.
 */
export const DEFAULT_MULTI_POINT_PLUGINS: ReadonlyArray<{ readonly name: string; readonly weight?: number }> = [
  { name: 'SchedulingGates' },
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'VolumeRestrictions' },
  { name: 'NodeVolumeLimits' },
  { name: 'VolumeBinding' },
  { name: 'VolumeZone' },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
];

/** Plugins that v1 validation rejects by name ("was invalid in version ..."), removed in 1.31. */
export const REMOVED_PLUGINS: ReadonlySet<string> = new Set(['AzureDiskLimits', 'CinderLimits', 'EBSLimits', 'GCEPDLimits']);

/** The order kube's framework walks extension points (getExtensionPoints); fixes which error comes first. */
const EXPANSION_ORDER: readonly ExtensionPoint[] = [
  'preFilter', 'filter', 'postFilter', 'reserve', 'preScore', 'score',
  'preBind', 'bind', 'postBind', 'permit', 'preEnqueue', 'queueSort',
];

/** The Go interface name kube prints for an extension point, e.g. `FilterPlugin`. */
export function pluginTypeName(point: ExtensionPoint): string {
  return `${point[0]!.toUpperCase()}${point.slice(1)}Plugin`;
}

/** The message for a removed plugin name, verbatim from kube's validation. */
export function removedPluginMessage(name: string): string {
  return invalidValue(
    name,
    `was invalid in version ${JSON.stringify(CONFIG_API_VERSION)} (KubeSchedulerConfiguration is version ${JSON.stringify(CONFIG_API_VERSION)})`,
  );
}

/** The message for a name that is not in the registry. */
export function unknownPluginMessage(name: string): string {
  return invalidValue(name, `plugin ${JSON.stringify(name)} does not exist; known plugins: ${PLUGINS.map((p) => p.name).join(', ')}`);
}

/**
 * kube mergePluginSet: disabled = user's + default's; `*` drops every default plugin; a default
 * re-listed in the user's `enabled` is replaced in place (that is how a default weight changes);
 * the other user plugins follow in user order (duplicates included: expansion rejects them).
 */
export function mergePluginSet(defaults: MergedPluginSet, user: RawPluginSet | null | undefined): MergedPluginSet {
  const userEnabled = user?.enabled ?? [];
  const disabled = [...(user?.disabled ?? []).map((p) => p.name), ...defaults.disabled];
  const disabledSet = new Set(disabled);
  // Go map semantics: for a name listed twice, the last index is the one that replaces the default.
  const customByName = new Map<string, number>();
  userEnabled.forEach((p, i) => customByName.set(p.name, i));
  const replaced = new Set<number>();
  const enabled: MergedPlugin[] = [];
  if (!disabledSet.has('*')) {
    for (const d of defaults.enabled) {
      if (disabledSet.has(d.name)) continue;
      const idx = customByName.get(d.name);
      if (idx !== undefined) {
        const c = userEnabled[idx]!;
        enabled.push({ name: c.name, weight: c.weight ?? undefined, userIndex: idx });
        replaced.add(idx);
      } else {
        enabled.push(d);
      }
    }
  }
  userEnabled.forEach((p, i) => {
    if (!replaced.has(i)) enabled.push({ name: p.name, weight: p.weight ?? undefined, userIndex: i });
  });
  return { enabled, disabled };
}

/** The default PluginSets: everything in multiPoint, every specific point empty. */
export function defaultPluginSets(): Record<PluginSetKey, MergedPluginSet> {
  const out = {} as Record<PluginSetKey, MergedPluginSet>;
  for (const p of EXTENSION_POINTS) out[p] = { enabled: [], disabled: [] };
  out.multiPoint = {
    enabled: DEFAULT_MULTI_POINT_PLUGINS.map((p) => ({ name: p.name, weight: p.weight, userIndex: undefined })),
    disabled: [],
  };
  return out;
}

/** The result of resolving one profile's plugins. */
export interface ResolvedPluginSets {
  /** Final ordered plugins per extension point. */
  readonly plugins: Record<ExtensionPoint, ResolvedPlugin[]>;
  /** The merged sets (kube's defaulted `profile.plugins`), used for cross-profile queueSort checks. */
  readonly merged: Record<PluginSetKey, MergedPluginSet>;
  /** Every plugin named in a merged `enabled` list (kube's pluginsNeeded): these get args. */
  readonly needed: ReadonlySet<string>;
  /** Plugins the user named in some `enabled` list (as opposed to kube's defaults). */
  readonly userEnabled: ReadonlySet<string>;
}

/** Validates the names in the user's sets: removed, unknown, or not implementing a specific point. */
function validateUserSets(plugins: RawPlugins | null | undefined, base: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const keys: PluginSetKey[] = [...EXTENSION_POINTS, 'multiPoint'];
  for (const key of keys) {
    const set = plugins?.[key];
    (set?.enabled ?? []).forEach((p, i) => {
      const path = [...base, key, 'enabled', i];
      if (REMOVED_PLUGINS.has(p.name)) {
        errs.push({ path, message: removedPluginMessage(p.name) });
        return;
      }
      const def = getPluginDefinition(p.name);
      if (!def) {
        errs.push({ path: [...path, 'name'], message: unknownPluginMessage(p.name) });
        return;
      }
      if (key !== 'multiPoint' && !def.points.includes(key)) {
        errs.push({ path: [...path, 'name'], message: invalidValue(p.name, `plugin ${JSON.stringify(p.name)} does not extend ${pluginTypeName(key)} plugin`) });
      }
    });
  }
  return errs;
}

/** Rejects a plugin listed twice in one specific point's merged `enabled` (kube updatePluginList). */
function validateSpecificDuplicates(merged: Record<PluginSetKey, MergedPluginSet>, base: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const point of EXPANSION_ORDER) {
    const seen = new Set<string>();
    for (const p of merged[point].enabled) {
      if (seen.has(p.name)) {
        errs.push({
          path: [...base, point, 'enabled', p.userIndex ?? 0, 'name'],
          message: `${duplicateValue(p.name)}: plugin ${JSON.stringify(p.name)} already registered as ${JSON.stringify(pluginTypeName(point))}`,
        });
      }
      seen.add(p.name);
    }
  }
  return errs;
}

/**
 * Resolves one profile's plugins: merge the user's sets into the defaults, then expand multiPoint
 * per extension point. Final order at a point: (1) multiPoint plugins the point re-lists
 * (overrides), in the point's order; (2) the other multiPoint plugins; (3) the point's remaining
 * plugins. A point whose `disabled` has `*` gets no multiPoint plugins. Returns errors instead of
 * throwing so the caller can name the file.
 */
export function resolvePluginSets(
  plugins: RawPlugins | null | undefined,
  base: FieldPath,
): { ok: true; value: ResolvedPluginSets } | { ok: false; errors: FieldError[] } {
  const nameErrs = validateUserSets(plugins, base);
  if (nameErrs.length > 0) return { ok: false, errors: nameErrs };

  const defaults = defaultPluginSets();
  const merged = {} as Record<PluginSetKey, MergedPluginSet>;
  for (const key of [...EXTENSION_POINTS, 'multiPoint'] as const) merged[key] = mergePluginSet(defaults[key], plugins?.[key]);

  const dupErrs = validateSpecificDuplicates(merged, base);
  if (dupErrs.length > 0) return { ok: false, errors: dupErrs };

  const out = {} as Record<ExtensionPoint, ResolvedPlugin[]>;
  for (const point of EXPANSION_ORDER) {
    const specific = merged[point].enabled.map((p) => p.name);
    const specificSet = new Set(specific);
    const disabled = new Set(merged[point].disabled);
    if (disabled.has('*')) {
      out[point] = specific.map((name) => ({ name, weight: 0 }));
      continue;
    }
    const overrides = new Set<string>();
    const fromMultiPoint: string[] = [];
    const fromMultiPointSet = new Set<string>();
    for (const mp of merged.multiPoint.enabled) {
      const def = getPluginDefinition(mp.name)!;
      if (!def.points.includes(point) || disabled.has(mp.name)) continue;
      if (specificSet.has(mp.name)) {
        overrides.add(mp.name);
        continue;
      }
      if (fromMultiPointSet.has(mp.name)) {
        return {
          ok: false,
          errors: [
            {
              path: [...base, 'multiPoint', 'enabled', mp.userIndex ?? 0, 'name'],
              message: `${duplicateValue(mp.name)}: plugin ${JSON.stringify(mp.name)} already registered as ${JSON.stringify(pluginTypeName(point))}`,
            },
          ],
        };
      }
      fromMultiPointSet.add(mp.name);
      fromMultiPoint.push(mp.name);
    }
    const ordered = [
      ...specific.filter((n) => overrides.has(n)),
      ...fromMultiPoint,
      ...specific.filter((n) => !overrides.has(n)),
    ];
    out[point] = ordered.map((name) => ({ name, weight: 0 }));
  }

  // getScoreWeights: the score point's own entries first, then multiPoint; first seen wins; 0 -> 1.
  const weights = new Map<string, number>();
  for (const p of [...merged.score.enabled, ...merged.multiPoint.enabled]) {
    if (weights.has(p.name) || !getPluginDefinition(p.name)!.points.includes('score')) continue;
    weights.set(p.name, p.weight ? p.weight : 1);
  }
  out.score = out.score.map((p) => ({ name: p.name, weight: weights.get(p.name) ?? 1 }));

  const needed = new Set<string>();
  const userEnabled = new Set<string>();
  for (const key of [...EXTENSION_POINTS, 'multiPoint'] as const) {
    for (const p of merged[key].enabled) needed.add(p.name);
    for (const p of plugins?.[key]?.enabled ?? []) userEnabled.add(p.name);
  }
  // Key order of the record follows EXTENSION_POINTS, for stable printing.
  const plugins_ = {} as Record<ExtensionPoint, ResolvedPlugin[]>;
  for (const p of EXTENSION_POINTS) plugins_[p] = out[p];
  return { ok: true, value: { plugins: plugins_, merged, needed, userEnabled } };
}

/**
 * NodeResourcesFitArgs (kube-scheduler config/v1 types_pluginargs.go) with kube's defaults
 * (v1/defaults.go SetDefaults_NodeResourcesFitArgs) and validation (validation_pluginargs.go
 * ValidateNodeResourcesFitArgs). See K8S-FACTS.md §4.4.
 */
import { z } from 'zod';
import {
  defaultResourceSpecs,
  defaultResources,
  normalizeShape,
  resourceSpecSchema,
  shapePointSchema,
  validateFunctionShape,
  validateResources,
  type ResourceSpec,
  type UtilizationShapePoint,
} from '../../api/config-args.js';
import {
  forbidden,
  invalidValue,
  qualifiedNameErrors,
  reportFieldErrors,
  requiredValue,
  unsupportedValue,
  type FieldError,
} from '../../api/config-field.js';

/** The three scoring strategies, in kube's sorted order (used in the "supported values" message). */
export const SCORING_STRATEGY_TYPES = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'] as const;
/** A NodeResourcesFit scoring strategy name. */
export type ScoringStrategyType = (typeof SCORING_STRATEGY_TYPES)[number];

/** The scoring strategy after defaults; `requestedToCapacityRatio` is set only for that type. */
export interface ScoringStrategy {
  type: ScoringStrategyType;
  resources: ResourceSpec[];
  requestedToCapacityRatio?: { shape: UtilizationShapePoint[] };
}

/** Parsed NodeResourcesFit args (defaults applied, validated). */
export interface NodeResourcesFitArgs {
  /** Exact extended-resource names the Filter skips. */
  ignoredResources: string[];
  /** Resource-name prefixes (before `/`) the Filter skips. */
  ignoredResourceGroups: string[];
  scoringStrategy: ScoringStrategy;
}

const rawSchema = z.strictObject({
  ignoredResources: z.array(z.string()).nullish(),
  ignoredResourceGroups: z.array(z.string()).nullish(),
  scoringStrategy: z
    .strictObject({
      type: z.string().nullish(),
      resources: z.array(resourceSpecSchema).nullish(),
      requestedToCapacityRatio: z.strictObject({ shape: z.array(shapePointSchema).nullish() }).nullish(),
    })
    .nullish(),
});

function validate(args: NodeResourcesFitArgs, typeRaw: string, hasRatio: boolean): FieldError[] {
  const errs: FieldError[] = [];
  args.ignoredResources.forEach((res, i) => {
    for (const msg of qualifiedNameErrors(res)) errs.push({ path: ['ignoredResources', i], message: invalidValue(res, msg) });
  });
  args.ignoredResourceGroups.forEach((group, i) => {
    if (group.includes('/')) {
      errs.push({ path: ['ignoredResourceGroups', i], message: invalidValue(group, "resource group name can't contain '/'") });
    }
    for (const msg of qualifiedNameErrors(group)) errs.push({ path: ['ignoredResourceGroups', i], message: invalidValue(group, msg) });
  });
  const s = args.scoringStrategy;
  if (!(SCORING_STRATEGY_TYPES as readonly string[]).includes(typeRaw)) {
    errs.push({ path: ['scoringStrategy', 'type'], message: unsupportedValue(typeRaw, SCORING_STRATEGY_TYPES) });
  }
  errs.push(...validateResources(s.resources, ['scoringStrategy', 'resources']));
  if (typeRaw === 'RequestedToCapacityRatio') {
    if (!s.requestedToCapacityRatio) {
      errs.push({
        path: ['scoringStrategy', 'requestedToCapacityRatio'],
        message: requiredValue('must be specified when type is RequestedToCapacityRatio'),
      });
    } else {
      errs.push(...validateFunctionShape(s.requestedToCapacityRatio.shape, ['scoringStrategy', 'requestedToCapacityRatio', 'shape']));
    }
  } else if (hasRatio) {
    errs.push({
      path: ['scoringStrategy', 'requestedToCapacityRatio'],
      message: forbidden('must be nil when type is not RequestedToCapacityRatio'),
    });
  }
  return errs;
}

/**
 * Parses `pluginConfig[].args` of NodeResourcesFit. Defaults: no scoringStrategy ->
 * LeastAllocated over cpu:1, memory:1; empty resources -> cpu:1, memory:1; weight 0 -> 1.
 * A scoringStrategy without `type` is not defaulted and fails validation, as in kube.
 */
export const argsSchema = rawSchema.transform((raw, ctx): NodeResourcesFitArgs => {
  const rs = raw.scoringStrategy;
  const typeRaw = rs ? (rs.type ?? '') : 'LeastAllocated';
  const ratio = rs?.requestedToCapacityRatio;
  const scoringStrategy: ScoringStrategy = rs
    ? { type: typeRaw as ScoringStrategyType, resources: defaultResources(rs.resources) }
    : { type: 'LeastAllocated', resources: defaultResourceSpecs() };
  if (ratio) scoringStrategy.requestedToCapacityRatio = { shape: normalizeShape(ratio.shape ?? []) };
  const args: NodeResourcesFitArgs = {
    ignoredResources: [...(raw.ignoredResources ?? [])],
    ignoredResourceGroups: [...(raw.ignoredResourceGroups ?? [])],
    scoringStrategy,
  };
  const errs = validate(args, typeRaw, ratio != null);
  if (errs.length > 0) {
    reportFieldErrors(ctx, errs);
    return z.NEVER;
  }
  return args;
});

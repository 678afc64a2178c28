/**
 * PodTopologySpreadArgs (kube-scheduler config/v1 types_pluginargs.go) with kube's default
 * (defaultingType System) and validation (validation_pluginargs.go ValidatePodTopologySpreadArgs):
 * System must not come with defaultConstraints; each default constraint needs maxSkew > 0, a valid
 * topologyKey, a supported whenUnsatisfiable, no labelSelector, and no repeated
 * {topologyKey, whenUnsatisfiable}. K8S-FACTS.md §4.4.
 */
import { z } from 'zod';
import { labelSelectorSchema, type TopologySpreadConstraint } from '../../api/k8s.js';
import {
  duplicateValue,
  forbidden,
  invalidValue,
  qualifiedNameErrors,
  reportFieldErrors,
  requiredValue,
  unsupportedValue,
  type FieldError,
} from '../../api/config-field.js';

/** How default constraints are chosen for pods that have none. */
export type PodTopologySpreadDefaultingType = 'System' | 'List';

/** Parsed PodTopologySpread args. */
export interface PodTopologySpreadArgs {
  /** Constraints for pods without their own (used when defaultingType is List). */
  defaultConstraints: TopologySpreadConstraint[];
  defaultingType: PodTopologySpreadDefaultingType;
}

/**
 * kube's systemDefaultConstraints (podtopologyspread/plugin.go), used when defaultingType is
 * System: spread over hostnames (maxSkew 3) and zones (maxSkew 5), both ScheduleAnyway.
 */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = Object.freeze([
  { topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
]);

const WHEN_UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'] as const;
const DEFAULTING_TYPES = ['System', 'List'] as const;

// A core/v1 TopologySpreadConstraint, loose (Kubernetes keeps adding fields); the scheduler's
// own rules below report kube's messages instead of zod's.
const constraintSchema = z.looseObject({
  maxSkew: z.int32().nullish(),
  topologyKey: z.string().nullish(),
  whenUnsatisfiable: z.string().nullish(),
  labelSelector: labelSelectorSchema.nullish(),
  minDomains: z.int32().nullish(),
  nodeAffinityPolicy: z.enum(['Honor', 'Ignore']).nullish(),
  nodeTaintsPolicy: z.enum(['Honor', 'Ignore']).nullish(),
  matchLabelKeys: z.array(z.string()).nullish(),
});

const rawSchema = z.strictObject({
  defaultConstraints: z.array(constraintSchema).nullish(),
  defaultingType: z.string().nullish(),
});

type RawConstraint = z.infer<typeof constraintSchema>;

function validate(defaultingType: string, constraints: readonly RawConstraint[]): FieldError[] {
  const errs: FieldError[] = [];
  if (!(DEFAULTING_TYPES as readonly string[]).includes(defaultingType)) {
    errs.push({ path: ['defaultingType'], message: unsupportedValue(defaultingType, DEFAULTING_TYPES) });
  } else if (defaultingType === 'System' && constraints.length > 0) {
    errs.push({ path: ['defaultingType'], message: invalidValue(defaultingType, 'when .defaultConstraints are not empty') });
  }
  constraints.forEach((c, i) => {
    const p = ['defaultConstraints', i];
    const maxSkew = c.maxSkew ?? 0;
    if (maxSkew <= 0) errs.push({ path: [...p, 'maxSkew'], message: invalidValue(maxSkew, 'not in valid range (0, inf)') });
    const key = c.topologyKey ?? '';
    if (key.length === 0) errs.push({ path: [...p, 'topologyKey'], message: requiredValue('can not be empty') });
    else for (const msg of qualifiedNameErrors(key)) errs.push({ path: [...p, 'topologyKey'], message: invalidValue(key, msg) });
    const when = c.whenUnsatisfiable ?? '';
    if (when.length === 0) errs.push({ path: [...p, 'whenUnsatisfiable'], message: requiredValue('can not be empty') });
    else if (!(WHEN_UNSATISFIABLE as readonly string[]).includes(when)) {
      errs.push({ path: [...p, 'whenUnsatisfiable'], message: unsupportedValue(when, WHEN_UNSATISFIABLE) });
    }
    if (c.labelSelector != null) {
      errs.push({ path: [...p, 'labelSelector'], message: forbidden('constraint must not define a selector, as they deduced for each pod') });
    }
    for (let j = 0; j < i; j++) {
      const o = constraints[j]!;
      if ((o.topologyKey ?? '') === key && (o.whenUnsatisfiable ?? '') === when) {
        errs.push({ path: p, message: duplicateValue(`{${key}, ${when}}`) });
        break;
      }
    }
  });
  return errs;
}

/** Parses `pluginConfig[].args` of PodTopologySpread, applying kube's default (System). */
export const argsSchema = rawSchema.transform((raw, ctx): PodTopologySpreadArgs => {
  const defaultingType = raw.defaultingType || 'System';
  const constraints = raw.defaultConstraints ?? [];
  const errs = validate(defaultingType, constraints);
  if (errs.length > 0) {
    reportFieldErrors(ctx, errs);
    return z.NEVER;
  }
  return {
    // Validated above: maxSkew > 0, topologyKey set, whenUnsatisfiable one of the two values.
    defaultConstraints: constraints.map((c) => ({ ...c }) as TopologySpreadConstraint),
    defaultingType: defaultingType as PodTopologySpreadDefaultingType,
  };
});

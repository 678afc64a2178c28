/**
 * NodeAffinityArgs (kube-scheduler config/v1 types_pluginargs.go): an optional `addedAffinity`
 * applied to every pod on top of its own node affinity. Validation parses the selectors the way
 * kube does (validation_pluginargs.go ValidateNodeAffinityArgs -> component-helpers nodeaffinity
 * and apimachinery labels.NewRequirement), with kube's messages and field paths.
 */
import { z } from 'zod';
import type { nodeAffinitySchema } from '../../api/k8s.js';
import {
  invalidValue,
  isGoInt64,
  labelValueErrors,
  qualifiedNameErrors,
  reportFieldErrors,
  unsupportedValue,
  type FieldError,
  type FieldPath,
} from '../../api/config-field.js';

/** core/v1 NodeAffinity, as podfit's Kubernetes schemas type it. */
export type NodeAffinity = z.infer<typeof nodeAffinitySchema>;

/** Parsed NodeAffinity args. */
export interface NodeAffinityArgs {
  /** Node affinity every pod must also satisfy (required) and is scored by (preferred). */
  addedAffinity?: NodeAffinity;
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const;
const FIELD_SELECTOR_OPERATORS = ['In', 'NotIn'] as const;

// Operators are plain strings here so an unknown one gets kube's "Unsupported value" message.
const requirementSchema = z.looseObject({
  key: z.string().nullish(),
  operator: z.string().nullish(),
  values: z.array(z.string()).nullish(),
});
const termSchema = z.looseObject({
  matchExpressions: z.array(requirementSchema).nullish(),
  matchFields: z.array(requirementSchema).nullish(),
});
const nodeSelectorSchema = z.looseObject({ nodeSelectorTerms: z.array(termSchema).nullish() });
const preferredTermSchema = z.looseObject({ weight: z.int32().nullish(), preference: termSchema.nullish() });
const rawAffinitySchema = z.looseObject({
  requiredDuringSchedulingIgnoredDuringExecution: nodeSelectorSchema.nullish(),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(preferredTermSchema).nullish(),
});
const rawSchema = z.strictObject({ addedAffinity: rawAffinitySchema.nullish() });

type RawRequirement = z.infer<typeof requirementSchema>;
type RawTerm = z.infer<typeof termSchema>;

const isEmptyTerm = (t: RawTerm | null | undefined): boolean =>
  !t || ((t.matchExpressions?.length ?? 0) === 0 && (t.matchFields?.length ?? 0) === 0);

/** labels.NewRequirement's checks for one matchExpressions entry. */
function validateLabelRequirement(r: RawRequirement, path: FieldPath, errs: FieldError[]): void {
  const op = r.operator ?? '';
  if (!(SELECTOR_OPERATORS as readonly string[]).includes(op)) {
    errs.push({ path: [...path, 'operator'], message: unsupportedValue(op, SELECTOR_OPERATORS) });
    return;
  }
  const key = r.key ?? '';
  const keyErrs = qualifiedNameErrors(key);
  if (keyErrs.length > 0) errs.push({ path: [...path, 'key'], message: invalidValue(key, keyErrs.join('; ')) });
  const values = r.values ?? [];
  const valuesPath = [...path, 'values'];
  if (op === 'In' || op === 'NotIn') {
    if (values.length === 0) errs.push({ path: valuesPath, message: invalidValue(values, "for 'in', 'notin' operators, values set can't be empty") });
  } else if (op === 'Exists' || op === 'DoesNotExist') {
    if (values.length !== 0) errs.push({ path: valuesPath, message: invalidValue(values, 'values set must be empty for exists and does not exist') });
  } else {
    if (values.length !== 1) errs.push({ path: valuesPath, message: invalidValue(values, "for 'Gt', 'Lt' operators, exactly one value is required") });
    values.forEach((v, i) => {
      if (!isGoInt64(v)) errs.push({ path: [...valuesPath, i], message: invalidValue(v, "for 'Gt', 'Lt' operators, the value must be an integer") });
    });
  }
  values.forEach((v, i) => {
    const msgs = labelValueErrors(v);
    if (msgs.length > 0) errs.push({ path: [...valuesPath, i, `[${key}]`], message: invalidValue(v, msgs.join('; ')) });
  });
}

/** nodeSelectorRequirementsAsFieldSelector's checks for one matchFields entry. */
function validateFieldRequirement(r: RawRequirement, path: FieldPath, errs: FieldError[]): void {
  const op = r.operator ?? '';
  if (op === 'In' || op === 'NotIn') {
    const values = r.values ?? [];
    if (values.length !== 1) errs.push({ path: [...path, 'values'], message: invalidValue(values, 'must have one element') });
  } else {
    errs.push({ path: [...path, 'operator'], message: unsupportedValue(op, FIELD_SELECTOR_OPERATORS) });
  }
}

function validateTerm(t: RawTerm, path: FieldPath, errs: FieldError[]): void {
  (t.matchExpressions ?? []).forEach((r, i) => validateLabelRequirement(r, [...path, 'matchExpressions', i], errs));
  (t.matchFields ?? []).forEach((r, i) => validateFieldRequirement(r, [...path, 'matchFields', i], errs));
}

function validate(a: z.infer<typeof rawAffinitySchema>): FieldError[] {
  const errs: FieldError[] = [];
  const req = a.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) {
    const base = ['addedAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms'];
    // Empty terms select nothing and are not parsed (nodeaffinity.NewLazyErrorNodeSelector).
    (req.nodeSelectorTerms ?? []).forEach((t, i) => {
      if (!isEmptyTerm(t)) validateTerm(t, [...base, i], errs);
    });
  }
  // Terms with weight 0 or an empty preference are skipped (nodeaffinity.NewPreferredSchedulingTerms).
  (a.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
    if ((t.weight ?? 0) === 0 || isEmptyTerm(t.preference)) return;
    validateTerm(t.preference!, ['addedAffinity', 'preferredDuringSchedulingIgnoredDuringExecution', i, 'preference'], errs);
  });
  return errs;
}

/** Parses `pluginConfig[].args` of NodeAffinity (no defaults: no addedAffinity = all nodes match). */
export const argsSchema = rawSchema.transform((raw, ctx): NodeAffinityArgs => {
  if (!raw.addedAffinity) return {};
  const errs = validate(raw.addedAffinity);
  if (errs.length > 0) {
    reportFieldErrors(ctx, errs);
    return z.NEVER;
  }
  const a = raw.addedAffinity;
  // Validated above; fill the Go zero values the k8s schema types as required.
  const addedAffinity = {
    ...a,
    requiredDuringSchedulingIgnoredDuringExecution: a.requiredDuringSchedulingIgnoredDuringExecution
      ? { ...a.requiredDuringSchedulingIgnoredDuringExecution, nodeSelectorTerms: a.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms ?? [] }
      : a.requiredDuringSchedulingIgnoredDuringExecution,
    preferredDuringSchedulingIgnoredDuringExecution: a.preferredDuringSchedulingIgnoredDuringExecution?.map((t) => ({
      ...t,
      weight: t.weight ?? 0,
      preference: t.preference ?? {},
    })),
  } as NodeAffinity;
  return { addedAffinity };
});

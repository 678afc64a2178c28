/**
 * NodeResourcesBalancedAllocationArgs (kube-scheduler config/v1 types_pluginargs.go) with kube's
 * defaults (resources cpu:1, memory:1; weight 0 -> 1) and validation (no duplicate names, every
 * weight exactly 1). See K8S-FACTS.md §4.4.
 */
import { z } from 'zod';
import { defaultResources, resourceSpecSchema, type ResourceSpec } from '../../api/config-args.js';
import { duplicateValue, invalidValue, reportFieldErrors, type FieldError } from '../../api/config-field.js';

/** Parsed NodeResourcesBalancedAllocation args. */
export interface NodeResourcesBalancedAllocationArgs {
  /** Resources whose utilisation fractions are balanced; weights are always 1. */
  resources: ResourceSpec[];
}

const rawSchema = z.strictObject({
  resources: z.array(resourceSpecSchema).nullish(),
});

function validate(args: NodeResourcesBalancedAllocationArgs): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  args.resources.forEach((r, i) => {
    if (seen.has(r.name)) errs.push({ path: ['resources', i, 'name'], message: duplicateValue(r.name) });
    else seen.add(r.name);
    if (r.weight !== 1) errs.push({ path: ['resources', i, 'weight'], message: invalidValue(r.weight, 'must be 1') });
  });
  return errs;
}

/** Parses `pluginConfig[].args` of NodeResourcesBalancedAllocation, applying kube's defaults. */
export const argsSchema = rawSchema.transform((raw, ctx): NodeResourcesBalancedAllocationArgs => {
  const args: NodeResourcesBalancedAllocationArgs = { resources: defaultResources(raw.resources) };
  const errs = validate(args);
  if (errs.length > 0) {
    reportFieldErrors(ctx, errs);
    return z.NEVER;
  }
  return args;
});

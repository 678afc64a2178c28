/**
 * VolumeBindingArgs (kube-scheduler config/v1 types_pluginargs.go) with kube's defaults
 * (bindTimeoutSeconds 600) and validation (bindTimeoutSeconds >= 0). `shape` belongs to the
 * VolumeCapacityPriority feature gate, which is off in v1.32, so setting it is an error, as in kube.
 */
import { z } from 'zod';
import { shapePointSchema } from '../../api/config-args.js';
import { invalidValue, reportFieldErrors, type FieldError } from '../../api/config-field.js';

/** Parsed VolumeBinding args. */
export interface VolumeBindingArgs {
  /** Timeout of the volume binding operation in PreBind; 0 = no waiting. */
  bindTimeoutSeconds: number;
}

const rawSchema = z.strictObject({
  bindTimeoutSeconds: z.number().int().nullish(),
  shape: z.array(shapePointSchema).nullish(),
});

/** Parses `pluginConfig[].args` of VolumeBinding, applying kube's defaults. */
export const argsSchema = rawSchema.transform((raw, ctx): VolumeBindingArgs => {
  const args: VolumeBindingArgs = { bindTimeoutSeconds: raw.bindTimeoutSeconds ?? 600 };
  const errs: FieldError[] = [];
  if (args.bindTimeoutSeconds < 0) {
    errs.push({
      path: ['bindTimeoutSeconds'],
      message: invalidValue(args.bindTimeoutSeconds, 'invalid BindTimeoutSeconds, should not be a negative value'),
    });
  }
  if (raw.shape != null) {
    errs.push({
      path: ['shape'],
      message: invalidValue(raw.shape, 'unexpected field `shape`, remove it or turn on the feature gate VolumeCapacityPriority'),
    });
  }
  if (errs.length > 0) {
    reportFieldErrors(ctx, errs);
    return z.NEVER;
  }
  return args;
});

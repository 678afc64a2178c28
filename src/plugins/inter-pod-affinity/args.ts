/**
 * InterPodAffinityArgs (kube-scheduler config/v1 types_pluginargs.go) with kube's defaults
 * (hardPodAffinityWeight 1) and validation (hardPodAffinityWeight in [0, 100]). K8S-FACTS.md §4.4.
 */
import { z } from 'zod';
import { invalidValue, reportFieldErrors } from '../../api/config-field.js';

/** Parsed InterPodAffinity args. */
export interface InterPodAffinityArgs {
  /** Score weight given to existing pods' required affinity terms that match the incoming pod. */
  hardPodAffinityWeight: number;
  /** Ignore existing pods' preferred terms unless the incoming pod has inter-pod affinities. */
  ignorePreferredTermsOfExistingPods: boolean;
}

const rawSchema = z.strictObject({
  hardPodAffinityWeight: z.int32().nullish(),
  ignorePreferredTermsOfExistingPods: z.boolean().nullish(),
});

/** Parses `pluginConfig[].args` of InterPodAffinity, applying kube's defaults. */
export const argsSchema = rawSchema.transform((raw, ctx): InterPodAffinityArgs => {
  const args: InterPodAffinityArgs = {
    hardPodAffinityWeight: raw.hardPodAffinityWeight ?? 1,
    ignorePreferredTermsOfExistingPods: raw.ignorePreferredTermsOfExistingPods ?? false,
  };
  const w = args.hardPodAffinityWeight;
  if (w < 0 || w > 100) {
    reportFieldErrors(ctx, [{ path: ['hardPodAffinityWeight'], message: invalidValue(w, 'not in valid range [0, 100]') }]);
    return z.NEVER;
  }
  return args;
});

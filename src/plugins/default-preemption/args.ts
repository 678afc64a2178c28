/**
 * DefaultPreemptionArgs (kube-scheduler config/v1 types_pluginargs.go) with kube's defaults
 * (minCandidateNodesPercentage 10, minCandidateNodesAbsolute 100) and validation
 * (percentage in [0, 100], absolute >= 0, not both 0). K8S-FACTS.md §4.4.
 */
import { z } from 'zod';
import { invalidValue, reportFieldErrors, type FieldError } from '../../api/config-field.js';

/** Parsed DefaultPreemption args. */
export interface DefaultPreemptionArgs {
  /** Candidates to shortlist in the dry run, as a percentage of the nodes. */
  minCandidateNodesPercentage: number;
  /** Absolute minimum of candidates: numCandidates = max(nodes * pct / 100, absolute). */
  minCandidateNodesAbsolute: number;
}

const rawSchema = z.strictObject({
  minCandidateNodesPercentage: z.int32().nullish(),
  minCandidateNodesAbsolute: z.int32().nullish(),
});

function validate(args: DefaultPreemptionArgs): FieldError[] {
  const errs: FieldError[] = [];
  const pct = args.minCandidateNodesPercentage;
  const abs = args.minCandidateNodesAbsolute;
  if (pct < 0 || pct > 100) {
    errs.push({ path: ['minCandidateNodesPercentage'], message: invalidValue(pct, 'not in valid range [0, 100]') });
  }
  if (abs < 0) errs.push({ path: ['minCandidateNodesAbsolute'], message: invalidValue(abs, 'not in valid range [0, inf)') });
  if (pct === 0 && abs === 0) {
    errs.push(
      { path: ['minCandidateNodesPercentage'], message: invalidValue(pct, 'cannot be zero at the same time as minCandidateNodesAbsolute') },
      { path: ['minCandidateNodesAbsolute'], message: invalidValue(abs, 'cannot be zero at the same time as minCandidateNodesPercentage') },
    );
  }
  return errs;
}

/** Parses `pluginConfig[].args` of DefaultPreemption, applying kube's defaults. */
export const argsSchema = rawSchema.transform((raw, ctx): DefaultPreemptionArgs => {
  const args: DefaultPreemptionArgs = {
    minCandidateNodesPercentage: raw.minCandidateNodesPercentage ?? 10,
    minCandidateNodesAbsolute: raw.minCandidateNodesAbsolute ?? 100,
  };
  const errs = validate(args);
  if (errs.length > 0) {
    reportFieldErrors(ctx, errs);
    return z.NEVER;
  }
  return args;
});

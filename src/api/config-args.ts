/**
 * Pieces shared by several plugin args schemas (kube's `types_pluginargs.go` ResourceSpec and
 * UtilizationShapePoint, and the validators `validateResources` / `validateFunctionShape` of
 * `validation_pluginargs.go`). Plugins never import each other, so these live with the config API.
 */
import { z } from 'zod';
import { MAX_CUSTOM_PRIORITY_SCORE } from '../model/limits.js';
import { invalidValue, requiredValue, type FieldError, type FieldPath } from './config-field.js';

/** kube ResourceSpec as written: `{name, weight}` (weight int64, 0/absent is defaulted to 1). */
export const resourceSpecSchema = z.strictObject({
  name: z.string().nullish(),
  weight: z.number().int().nullish(),
});

/** kube UtilizationShapePoint as written (both int32, absent = 0). */
export const shapePointSchema = z.strictObject({
  utilization: z.int32().nullish(),
  score: z.int32().nullish(),
});

/** A resource and its weight, after defaults. */
export interface ResourceSpec {
  name: string;
  weight: number;
}

/** One point of a broken-linear scoring shape: utilization 0..100 -> score 0..10. */
export interface UtilizationShapePoint {
  utilization: number;
  score: number;
}

/** kube's defaultResourceSpec: cpu and memory, weight 1 each (defaults.go). */
export function defaultResourceSpecs(): ResourceSpec[] {
  return [
    { name: 'cpu', weight: 1 },
    { name: 'memory', weight: 1 },
  ];
}

/** Applies kube's ResourceSpec defaults: empty list -> cpu:1, memory:1; weight 0/absent -> 1. */
export function defaultResources(raw: ReadonlyArray<z.infer<typeof resourceSpecSchema>> | null | undefined): ResourceSpec[] {
  if (!raw || raw.length === 0) return defaultResourceSpecs();
  return raw.map((r) => ({ name: r.name ?? '', weight: r.weight ? r.weight : 1 }));
}

/** Shape points with absent fields as 0 (Go zero values). */
export function normalizeShape(raw: ReadonlyArray<z.infer<typeof shapePointSchema>>): UtilizationShapePoint[] {
  return raw.map((p) => ({ utilization: p.utilization ?? 0, score: p.score ?? 0 }));
}

/** kube validateResources: every weight in (0, 100]. */
export function validateResources(resources: readonly ResourceSpec[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  resources.forEach((r, i) => {
    if (r.weight <= 0 || r.weight > 100) {
      errs.push({
        path: [...path, i, 'weight'],
        message: invalidValue(r.weight, `resource weight of ${r.name} not in valid range (0, 100]`),
      });
    }
  });
  return errs;
}

/** kube validateFunctionShape: >= 1 point, utilization strictly increasing in [0,100], score in [0,10]. */
export function validateFunctionShape(shape: readonly UtilizationShapePoint[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (shape.length === 0) return [{ path, message: requiredValue('at least one point must be specified') }];
  for (let i = 1; i < shape.length; i++) {
    if (shape[i - 1]!.utilization >= shape[i]!.utilization) {
      errs.push({ path: [...path, i, 'utilization'], message: invalidValue(shape[i]!.utilization, 'values must be sorted in increasing order') });
      break;
    }
  }
  shape.forEach((p, i) => {
    if (p.utilization < 0 || p.utilization > 100) {
      errs.push({ path: [...path, i, 'utilization'], message: invalidValue(p.utilization, 'not in valid range [0, 100]') });
    }
    if (p.score < 0 || p.score > MAX_CUSTOM_PRIORITY_SCORE) {
      errs.push({ path: [...path, i, 'score'], message: invalidValue(p.score, `not in valid range [0, ${MAX_CUSTOM_PRIORITY_SCORE}]`) });
    }
  });
  return errs;
}

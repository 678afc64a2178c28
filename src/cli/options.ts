/** Parsing and validating shared CLI flags (edges validate: a bad flag is exit 2 naming it). */
import { UsageError } from './errors.js';
import { DEFAULT_FIELD_VALIDATION, FIELD_VALIDATIONS, type FieldValidation } from '../api/known-fields.js';
import type { EngineName } from '../kernel/kernels.js';
import { DEFAULT_ENGINE, ENGINES } from '../kernel/engine.js';

/** `--seed N`: a non-negative integer below 2^32. */
export function parseSeed(v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new UsageError(`--seed: expected an integer in [0, 4294967295], got "${v}"`);
  return Number(v);
}

/** `-o table|json` (and others a command allows). */
export function parseOutput<T extends string>(v: string | undefined, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`-o/--output: expected one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

/** `--engine js|wasm` (default wasm). */
export function parseEngine(v: string | undefined): EngineName {
  const e = (v ?? DEFAULT_ENGINE) as EngineName;
  if (!ENGINES.includes(e)) throw new UsageError(`--engine: expected one of ${ENGINES.join(', ')}, got "${v}"`);
  return e;
}

/** A positive integer flag. */
export function parsePositiveInt(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new UsageError(`${flag}: expected a positive integer, got "${v}"`);
  return Number(v);
}

/** `--workers N`: worker threads for batch scheduling, 0 = the main thread only (at most 256). */
export function parseWorkers(v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) > 256) throw new UsageError(`--workers: expected an integer in [0, 256], got "${v}"`);
  return Number(v);
}

/**
 * `--validate strict|warn|ignore` for files a person writes (default strict), as kubectl's: fail
 * on fields Kubernetes does not have, warn and go on, or accept them. A bare `--validate` and
 * kubectl's older `true` and `false` mean strict, strict and ignore.
 */
export function parseValidate(v: string | boolean | undefined): FieldValidation {
  if (v === undefined) return DEFAULT_FIELD_VALIDATION;
  if (v === true || v === 'true') return 'strict';
  if (v === false || v === 'false') return 'ignore';
  if (!(FIELD_VALIDATIONS as readonly string[]).includes(v)) throw new UsageError(`--validate: expected one of ${FIELD_VALIDATIONS.join(', ')}, got "${v}"`);
  return v as FieldValidation;
}

/** The `--validate` option as every command reading a person's files declares it. */
export const VALIDATE_FLAG = '--validate [mode]';
/** Its help text. */
export const VALIDATE_HELP = `fields Kubernetes does not have in the files you write (${FIELD_VALIDATIONS.join(', ')}): fail, warn and go on, or accept them`;

/** A duration flag (`30s`, `500ms`, `2m`; a bare number is seconds, as kubectl's --request-timeout): positive, in ms. */
export function parseDurationMs(flag: string, v: string | undefined, fallbackMs: number): number {
  if (v === undefined) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000) : NaN;
  if (!(ms >= 1) || !Number.isSafeInteger(Math.round(ms))) throw new UsageError(`${flag}: expected a duration such as 30s, 500ms or 2m, got "${v}"`);
  return Math.round(ms);
}

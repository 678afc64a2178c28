/**
 * The `extenders:` list of a KubeSchedulerConfiguration: kube's validation (validation.go
 * validateExtenders), the 5s default timeout, and the construction-time ordering and
 * ignored-resource collection of `scheduler.go: buildExtenders`. K8S-FACTS.md §2.1-2.2, §3.
 */
import { isExtendedResourceName } from '../model/resources.js';
import { invalidValue, qualifiedNameErrors, type FieldError } from './config-field.js';
import type { RawExtender } from './config-schema.js';

/** kube's DefaultExtenderTimeout, used when httpTimeout is 0 or unset. */
export const DEFAULT_EXTENDER_TIMEOUT_MS = 5000;

/** TLS settings for calling an extender; inline *Data (decoded from base64) win over the files. */
export interface ResolvedExtenderTLSConfig {
  insecure: boolean;
  serverName: string;
  certFile: string;
  keyFile: string;
  caFile: string;
  certData?: Buffer;
  keyData?: Buffer;
  caData?: Buffer;
}

/** An extender resource: requests for it make a pod interesting to the extender. */
export interface ResolvedManagedResource {
  name: string;
  /** The NodeResourcesFit filter skips this resource (it is the extender's business). */
  ignoredByScheduler: boolean;
}

/** One extender, validated and defaulted. */
export interface ResolvedExtender {
  urlPrefix: string;
  filterVerb: string;
  preemptVerb: string;
  prioritizeVerb: string;
  bindVerb: string;
  /** Multiplier for prioritize scores (> 0 when prioritizeVerb is set). */
  weight: number;
  enableHTTPS: boolean;
  tlsConfig?: ResolvedExtenderTLSConfig;
  /** Whole-request timeout; 0/unset in the file becomes 5000. */
  httpTimeoutMs: number;
  nodeCacheCapable: boolean;
  managedResources: ResolvedManagedResource[];
  ignorable: boolean;
}

const NS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * Go's time.ParseDuration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or a bare "0". Returns nanoseconds,
 * or throws an Error with Go's message (`time: invalid duration "x"`, `time: missing unit ...`).
 */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new Error(`time: invalid duration ${quoted}`);
  let totalNs = 0;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    const intPart = m[1]!;
    const fracPart = m[2];
    if (intPart === '' && (fracPart === undefined || fracPart === '')) throw new Error(`time: invalid duration ${quoted}`);
    s = s.slice(m[0].length);
    const unitMatch = /^[^0-9.]*/.exec(s)!;
    const unit = unitMatch[0];
    if (unit === '') throw new Error(`time: missing unit in duration ${quoted}`);
    const perUnit = NS_PER_UNIT[unit];
    if (perUnit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    s = s.slice(unit.length);
    totalNs += Number(`${intPart || '0'}.${fracPart ?? ''}0`) * perUnit;
  }
  return sign * Math.trunc(totalNs);
}

/** Go's encoding/json []byte: standard base64 with padding (newlines ignored). */
function decodeBase64(text: string): Buffer | undefined {
  const clean = text.replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  return Buffer.from(clean, 'base64');
}

/** Validates and defaults the extenders; errors name `extenders[i]...`. */
export function resolveExtenders(
  raw: readonly RawExtender[],
): { ok: true; extenders: ResolvedExtender[]; ignoredResources: string[] } | { ok: false; errors: FieldError[] } {
  const errs: FieldError[] = [];
  const managedNames = new Set<string>();
  let binders = 0;
  const resolved: ResolvedExtender[] = [];
  const ignoredResources: string[] = [];
  raw.forEach((e, i) => {
    const base = ['extenders', i];
    const weight = e.weight ?? 0;
    const prioritizeVerb = e.prioritizeVerb ?? '';
    if (prioritizeVerb.length > 0 && weight <= 0) {
      errs.push({ path: [...base, 'weight'], message: invalidValue(weight, 'must have a positive weight applied to it') });
    }
    const bindVerb = e.bindVerb ?? '';
    if (bindVerb !== '') binders++;
    const managedResources: ResolvedManagedResource[] = [];
    (e.managedResources ?? []).forEach((r, j) => {
      const path = [...base, 'managedResources', j, 'name'];
      const qnErrs = qualifiedNameErrors(r.name);
      for (const msg of qnErrs) errs.push({ path, message: invalidValue(r.name, msg) });
      if (qnErrs.length === 0 && !isExtendedResourceName(r.name)) {
        errs.push({ path, message: invalidValue(r.name, 'is an invalid extended resource name') });
      }
      if (managedNames.has(r.name)) errs.push({ path, message: invalidValue(r.name, 'duplicate extender managed resource name') });
      managedNames.add(r.name);
      const ignoredByScheduler = r.ignoredByScheduler ?? false;
      managedResources.push({ name: r.name, ignoredByScheduler });
      if (ignoredByScheduler) ignoredResources.push(r.name);
    });
    let httpTimeoutMs = DEFAULT_EXTENDER_TIMEOUT_MS;
    if (e.httpTimeout != null) {
      try {
        const ns = parseGoDuration(e.httpTimeout);
        if (ns < 0) errs.push({ path: [...base, 'httpTimeout'], message: invalidValue(e.httpTimeout, 'must not be negative') });
        else if (ns > 0) httpTimeoutMs = ns / 1e6;
      } catch (err) {
        errs.push({ path: [...base, 'httpTimeout'], message: invalidValue(e.httpTimeout, (err as Error).message) });
      }
    }
    let tlsConfig: ResolvedExtenderTLSConfig | undefined;
    if (e.tlsConfig) {
      const t = e.tlsConfig;
      tlsConfig = {
        insecure: t.insecure ?? false,
        serverName: t.serverName ?? '',
        certFile: t.certFile ?? '',
        keyFile: t.keyFile ?? '',
        caFile: t.caFile ?? '',
      };
      for (const key of ['certData', 'keyData', 'caData'] as const) {
        const text = t[key];
        if (text == null || text === '') continue;
        const bytes = decodeBase64(text);
        if (!bytes) errs.push({ path: [...base, 'tlsConfig', key], message: 'Invalid value: illegal base64 data' });
        else tlsConfig[key] = bytes;
      }
    }
    const ext: ResolvedExtender = {
      urlPrefix: e.urlPrefix ?? '',
      filterVerb: e.filterVerb ?? '',
      preemptVerb: e.preemptVerb ?? '',
      prioritizeVerb,
      bindVerb,
      weight,
      enableHTTPS: e.enableHTTPS ?? false,
      httpTimeoutMs,
      nodeCacheCapable: e.nodeCacheCapable ?? false,
      managedResources,
      ignorable: e.ignorable ?? false,
    };
    if (tlsConfig) ext.tlsConfig = tlsConfig;
    resolved.push(ext);
  });
  if (binders > 1) {
    errs.push({ path: ['extenders'], message: invalidValue(`found ${binders} extenders implementing bind`, 'only one extender can implement bind') });
  }
  if (errs.length > 0) return { ok: false, errors: errs };
  // buildExtenders: ignorable extenders go last, relative order kept.
  const ordered = [...resolved.filter((e) => !e.ignorable), ...resolved.filter((e) => e.ignorable)];
  return { ok: true, extenders: ordered, ignoredResources };
}

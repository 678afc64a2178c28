/**
 * kube's field-error texts (apimachinery `field.Error.ErrorBody()`) and the name validators whose
 * messages appear in KubeSchedulerConfiguration validation (apimachinery `util/validation`).
 * Config loading and the plugin args schemas build their messages here, so an error reads the
 * same as kube-scheduler's: `<path>: Invalid value: 101: not in valid range [0, 100]`.
 */

/** Renders a bad value the way kube's ErrorBody does: numbers/bools bare, strings quoted, the rest as JSON. */
export function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** `field.Invalid`: `Invalid value: <value>: <detail>`. */
export function invalidValue(value: unknown, detail: string): string {
  return `Invalid value: ${renderValue(value)}${detail ? `: ${detail}` : ''}`;
}

/** `field.Required`: `Required value[: <detail>]`. */
export function requiredValue(detail = ''): string {
  return detail ? `Required value: ${detail}` : 'Required value';
}

/** `field.NotSupported`: `Unsupported value: "x": supported values: "a", "b"`. */
export function unsupportedValue(value: unknown, supported: readonly string[]): string {
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return `Unsupported value: ${renderValue(value)}${supported.length ? `: supported values: ${list}` : ''}`;
}

/** `field.Duplicate`: `Duplicate value: <value>`. */
export function duplicateValue(value: unknown): string {
  return `Duplicate value: ${renderValue(value)}`;
}

/** `field.Forbidden`: `Forbidden: <detail>`. */
export function forbidden(detail: string): string {
  return `Forbidden: ${detail}`;
}

/** A path segment list, zod style: strings are keys, numbers are indices. */
export type FieldPath = ReadonlyArray<string | number>;

/**
 * Renders a path as kube does: `profiles[0].pluginConfig[1].args`. A string segment that starts
 * with `[` is a map key (kube's `Path.Key`) and is appended as is: `values[0][zone]`.
 */
export function renderPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && p.startsWith('[')) out += p;
    else out += out.length === 0 ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** One validation error: where, and kube's message body. */
export interface FieldError {
  readonly path: FieldPath;
  readonly message: string;
}

// --- apimachinery util/validation messages -------------------------------------------------

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_ERR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_MAX_LENGTH = 63;
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_ERR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MAX_LENGTH = 63;

/** apimachinery RegexError: the message, examples and the regex, spaced exactly like Go's. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let out = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) out += ' or ';
    out += `'${e}', `;
  });
  return `${out}regex used for validation is '${fmt}')`;
}

const maxLenError = (n: number): string => `must be no more than ${n} characters`;

/** apimachinery IsDNS1123Subdomain: empty list = valid. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** apimachinery IsQualifiedName (`[prefix/]name`): empty list = valid. Also kube's ValidateLabelName. */
export function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of dns1123SubdomainErrors(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > QUALIFIED_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  if (!QUALIFIED_NAME_RE.test(name)) {
    errs.push(`name part ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

/** apimachinery IsValidLabelValue: empty list = valid. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** Go's strconv.ParseInt(v, 10, 64) succeeds (used by kube for Gt/Lt selector values). */
export function isGoInt64(value: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(value)) return false;
  const n = BigInt(value);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** Minimal structural view of zod's refinement context, so args schemas can report kube-style errors. */
export interface IssueSink {
  addIssue(issue: { code: 'custom'; message: string; path?: Array<string | number> }): void;
}

/** Reports FieldErrors into a zod refinement context (paths relative to the refined value). */
export function reportFieldErrors(ctx: IssueSink, errors: readonly FieldError[]): void {
  for (const e of errors) ctx.addIssue({ code: 'custom', message: e.message, path: [...e.path] });
}

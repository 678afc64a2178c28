/**
 * Kubernetes resource.Quantity parsing (K8S-FACTS.md §8), exact: the number is read into a
 * BigInt rational, scaled by its suffix, and rounded up (away from zero) exactly as
 * apimachinery's Value() and MilliValue() do. Results are JS numbers: exact up to 2^53,
 * which covers every realistic cpu (milli), memory and storage value.
 */

/** The regular expression kube reports when a quantity has the wrong shape. */
export const QUANTITY_REGEXP_TEXT = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${QUANTITY_REGEXP_TEXT}'`;
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const ERR_SUFFIX = "unable to parse quantity's suffix";

/** Thrown for an unparseable quantity; the message is kube's own text. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
}

/** An exact quantity: value = num / den (den > 0). */
export interface ExactQuantity {
  readonly num: bigint;
  readonly den: bigint;
}

const MAX_INT64 = (1n << 63n) - 1n;

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n,
};
const DECIMAL_EXP: Record<string, number> = {
  n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18,
};

/** Parses a quantity string (or a JSON number) into an exact rational. Throws QuantityError. */
export function parseQuantityExact(input: string | number): ExactQuantity {
  let str = typeof input === 'number' ? numberToString(input) : input.trim();
  if (str.length === 0) throw new QuantityError('quantities must match the regular expression');
  const m = QUANTITY_RE.exec(str);
  if (!m) throw new QuantityError(ERR_FORMAT_WRONG);
  let numText = m[1]!;
  const suffix = m[2]!;
  let negative = false;
  if (numText[0] === '+' || numText[0] === '-') {
    negative = numText[0] === '-';
    numText = numText.slice(1);
  }
  const dot = numText.indexOf('.');
  const intPart = dot < 0 ? numText : numText.slice(0, dot);
  const fracPart = dot < 0 ? '' : numText.slice(dot + 1);
  if ((intPart.length === 0 && fracPart.length === 0) || fracPart.includes('.')) {
    throw new QuantityError(ERR_NUMERIC);
  }
  let num = BigInt((intPart || '0') + fracPart);
  let den = 10n ** BigInt(fracPart.length);

  const bin = BINARY[suffix];
  if (bin !== undefined) {
    num *= bin;
  } else {
    let exp10: number | undefined = DECIMAL_EXP[suffix];
    if (exp10 === undefined) {
      const e = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
      if (!e) throw new QuantityError(ERR_SUFFIX);
      exp10 = Number.parseInt(e[1]!, 10);
      if (!Number.isFinite(exp10) || Math.abs(exp10) > 1000) throw new QuantityError(ERR_SUFFIX);
    }
    if (exp10 >= 0) num *= 10n ** BigInt(exp10);
    else den *= 10n ** BigInt(-exp10);
  }
  if (negative) num = -num;
  return { num, den };
}

function numberToString(n: number): string {
  if (!Number.isFinite(n)) throw new QuantityError(ERR_NUMERIC);
  // JSON numbers such as 1e-7 print in exponent form, which the grammar accepts.
  return String(n).replace('e+', 'e');
}

/** ceil(num/den) away from zero, capped at int64 like kube. */
function ceilAway(num: bigint, den: bigint): bigint {
  const neg = num < 0n;
  const a = neg ? -num : num;
  let q = a / den;
  if (q * den !== a) q += 1n;
  if (q > MAX_INT64) q = MAX_INT64;
  return neg ? -q : q;
}

/** kube's Quantity.Value(): rounded up to an integer. */
export function quantityValue(q: ExactQuantity): number {
  return Number(ceilAway(q.num, q.den));
}

/** kube's Quantity.MilliValue(): value*1000 rounded up. */
export function quantityMilliValue(q: ExactQuantity): number {
  return Number(ceilAway(q.num * 1000n, q.den));
}

/** Parses and returns Value() (bytes, counts). */
export function parseValue(input: string | number | null | undefined): number {
  if (input === null || input === undefined) return 0;
  return quantityValue(parseQuantityExact(input));
}

/** Parses and returns MilliValue() (cpu). */
export function parseMilliValue(input: string | number | null | undefined): number {
  if (input === null || input === undefined) return 0;
  return quantityMilliValue(parseQuantityExact(input));
}

/** Formats a value for humans: cpu milli as "250m"/"2", bytes with binary suffixes when exact. */
export function formatQuantity(resource: string, amount: number): string {
  if (resource === 'cpu') return amount % 1000 === 0 ? String(amount / 1000) : `${amount}m`;
  const suffixes: Array<[string, number]> = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
  for (const [s, f] of suffixes) {
    if (amount !== 0 && amount % f === 0) return `${amount / f}${s}`;
  }
  return String(amount);
}

/** apimachinery's quantity formats: how a Quantity prints (the format of the text it was parsed from). */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** The format apimachinery records when parsing `text` (binary suffix, exponent, or decimal). */
export function quantityFormatOf(text: string | number): QuantityFormat {
  if (typeof text === 'number') return 'DecimalSI';
  const m = QUANTITY_RE.exec(text.trim());
  const suffix = m?.[2] ?? '';
  if (BINARY[suffix] !== undefined) return 'BinarySI';
  if (/^[eE]/.test(suffix)) return 'DecimalExponent';
  return 'DecimalSI';
}

const DECIMAL_SUFFIX = new Map<number, string>([[-9, 'n'], [-6, 'u'], [-3, 'm'], [0, ''], [3, 'k'], [6, 'M'], [9, 'G'], [12, 'T'], [15, 'P'], [18, 'E']]);
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/**
 * Quantity.String(): the canonical text of an exact quantity in a format, as apimachinery prints
 * it. Decimal: rounded up to nano units, then the largest power of 1000 that keeps the mantissa
 * whole (1.5 -> "1500m", 1000 -> "1k"). Binary: a whole number of at least 1024 in absolute value
 * takes the largest power of 1024 that divides it ("100Mi", 1500 -> "1500"); anything else prints
 * as decimal (512 -> "512", 1000 -> "1k").
 */
export function canonicalQuantity(q: ExactQuantity, format: QuantityFormat): string {
  const neg = q.num < 0n;
  const num = neg ? -q.num : q.num;
  const sign = neg ? '-' : '';
  if (num === 0n) return '0';
  if (format === 'BinarySI' && num % q.den === 0n && num / q.den >= 1024n) {
    let v = num / q.den;
    let i = 0;
    while (i < BINARY_SUFFIXES.length - 1 && v % 1024n === 0n) {
      v /= 1024n;
      i++;
    }
    return `${sign}${v}${BINARY_SUFFIXES[i]}`;
  }
  // Rounded up to nano units, then grouped by thousands.
  let mantissa = (num * 1_000_000_000n + q.den - 1n) / q.den;
  let exp = -9;
  while (exp < 18 && mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exp += 3;
  }
  if (format === 'DecimalExponent') return `${sign}${mantissa}${exp === 0 ? '' : `e${exp}`}`;
  return `${sign}${mantissa}${DECIMAL_SUFFIX.get(exp)}`;
}

/** Adds two exact quantities. */
export function addExact(a: ExactQuantity, b: ExactQuantity): ExactQuantity {
  if (a.den === b.den) return { num: a.num + b.num, den: a.den };
  return { num: a.num * b.den + b.num * a.den, den: a.den * b.den };
}

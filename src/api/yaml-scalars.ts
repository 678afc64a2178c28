/**
 * Scalars of the fast YAML reader (yaml-block.ts): plain scalars resolved by YAML 1.2's core
 * schema and double-quoted escapes, each exactly as the `yaml` package does them (the tests and
 * order of its core schema, its escape table), and their JSON.
 */

/** Thrown inside the reader to unwind to blockYamlToJson; never escapes it. */
class OutsideSubset {}
/** The one value thrown when the text leaves the subset (yaml-block.ts catches it). */
export const OUTSIDE = new OutsideSubset();

const DASH = 0x2d;
const BACKSLASH = 0x5c;

/** Double-quoted escapes, as `yaml` resolves them. */
const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\', '\t': '\t',
};

/** JSON for a resolved scalar; NaN and infinities (which JSON cannot write) are left to yaml. */
export function scalarJson(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw OUTSIDE;
    return Object.is(v, -0) ? '-0' : String(v);
  }
  return v === null ? 'null' : v ? 'true' : 'false';
}

/** Core-schema resolution of a one-line plain scalar (the order and tests of yaml's core schema). */
export function resolvePlain(s: string): unknown {
  const c = s.length === 0 ? 0 : s.charCodeAt(0);
  // Only these first characters can start a null, bool, int or float.
  if (s.length > 0 && !(c === 0x7e || c === 0x2b || c === DASH || c === 0x2e || (c >= 0x30 && c <= 0x39) || c === 0x6e || c === 0x4e || c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46)) return s;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return c === 0x74 || c === 0x54;
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

/** A double-quoted scalar on one line, its quotes at `start` and `close`, escapes resolved. */
export function doubleQuoted(t: string, start: number, close: number): string {
  let out = '';
  let from = start + 1;
  for (let i = from; i < close; i++) {
    if (t.charCodeAt(i) !== BACKSLASH) continue;
    out += t.slice(from, i);
    const e = t[i + 1]!;
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i++;
    } else {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      const hex = t.slice(i + 2, i + 2 + n);
      if (n === 0 || i + 2 + n > close || !/^[0-9a-fA-F]+$/.test(hex)) throw OUTSIDE;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw OUTSIDE;
      out += String.fromCodePoint(code);
      i += 1 + n;
    }
    from = i + 1;
  }
  return out + t.slice(from, close);
}

/**
 * A fast reader for the block-style YAML that kubectl prints: block mappings and sequences
 * (sequences under a key may sit at the key's own indentation, as go-yaml writes them), plain
 * scalars (folded over several lines when long), single-line quoted scalars, literal block
 * scalars (`|`, `|-`, `|+`), empty flow collections (`{}`, `[]`) and comments.
 *
 * It exists because the `yaml` package builds a full syntax tree first: about 2 MB/s on this
 * machine's 2 cores, two minutes and several GB for a 20,000-node snapshot. This reader does one
 * pass over the lines and writes the value as JSON text, which V8's JSON.parse turns into objects:
 * the same compact objects, exact-length arrays and strings of their own (not views into the
 * file's text) that a JSON snapshot gives, so YAML costs no more memory than JSON
 * (BENCHMARKS.md, "Large snapshots").
 *
 * Exactness: it returns what `yaml`'s `parseDocument(text).toJS()` (YAML 1.2, core schema) returns,
 * or NOT_BLOCK_YAML for anything outside that subset — anchors, aliases, tags, flow collections
 * with content, multi-line quoted scalars, folded block scalars, directives, tabs in indentation,
 * keys that are not strings, duplicate keys, anything it finds ambiguous — and the caller hands
 * the same text to `yaml`. So a file reads the same either way; only the speed differs.
 * test/api/yaml-block.test.ts checks this on random documents and on each way out of the subset.
 */

import { doubleQuoted, OUTSIDE, resolvePlain, scalarJson } from './yaml-scalars.js';

/** Returned when the text is outside the subset this reader handles; use the `yaml` package. */
export const NOT_BLOCK_YAML: unique symbol = Symbol('NOT_BLOCK_YAML');

// Line kinds.
const CONTENT = 0;
const BLANK = 1;
const COMMENT = 2;

const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
const NL = 0x0a;
const CR = 0x0d;

/** Characters that cannot start a plain scalar or a plain key (YAML 1.2 c-indicator, less - ? :). */
const NOT_PLAIN_FIRST = new Uint8Array(128);
for (const c of ',[]{}#&*!|>\'"%@`') NOT_PLAIN_FIRST[c.charCodeAt(0)] = 1;


/**
 * Line tables of the text being read, kept between calls (a snapshot reads hundreds of thousands
 * of items; each is a few dozen lines). Grown by doubling, never shrunk.
 */
let lineStart = new Int32Array(1024);
let lineEnd = new Int32Array(1024);
let lineIndent = new Int32Array(1024);
let lineKind = new Uint8Array(1024);

function growLines(): void {
  const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
    const b = make(a.length * 2);
    b.set(a);
    return b;
  };
  lineStart = grow(lineStart, (n) => new Int32Array(n));
  lineEnd = grow(lineEnd, (n) => new Int32Array(n));
  lineIndent = grow(lineIndent, (n) => new Int32Array(n));
  lineKind = grow(lineKind, (n) => new Uint8Array(n));
}

/** Tabs, control characters, a byte-order mark and a carriage return not before a line feed: all left to `yaml`. */
const UNUSUAL_CHARS = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff]|\r(?!\n)/;

/**
 * Splits `text` into the line tables; returns the line count, or -1 when the text holds a tab or
 * an unusual character (UNUSUAL_CHARS) or a line is a document marker or directive.
 */
function scanLines(text: string): number {
  if (UNUSUAL_CHARS.test(text)) return -1;
  let n = 0;
  let p = 0;
  const len = text.length;
  while (p < len) {
    let e = text.indexOf('\n', p);
    if (e < 0) e = len;
    let end = e;
    if (end > p && text.charCodeAt(end - 1) === CR) end--;
    let i = p;
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    if (n === lineStart.length) growLines();
    lineStart[n] = p;
    lineEnd[n] = end;
    lineIndent[n] = i - p;
    if (i === end) lineKind[n] = BLANK;
    else {
      const c = text.charCodeAt(i);
      if (c === TAB) return -1;
      lineKind[n] = c === HASH ? COMMENT : CONTENT;
      if (i === p && (c === 0x25 || ((c === DASH || c === 0x2e) && text.startsWith(c === DASH ? '---' : '...', p) && (p + 3 === end || text.charCodeAt(p + 3) === SPACE || text.charCodeAt(p + 3) === TAB)))) return -1;
    }
    n++;
    p = e + 1;
  }
  return n;
}

/** Keys of the mappings being read, innermost last: duplicates are found without a Set per mapping. */
const keyStack: string[] = [];

/** One read of one text (the line tables are module state; the reader is not re-entrant). */
class BlockReader {
  /** The current line. */
  pos = 0;

  constructor(
    private readonly text: string,
    private readonly lines: number,
    /** Whether the text ends with a line break (a literal block scalar on the last line keeps it). */
    private readonly finalBreak: boolean,
  ) {}

  /** Moves past blank and comment lines. */
  skipEmpty(): void {
    while (this.pos < this.lines && lineKind[this.pos] !== CONTENT) this.pos++;
  }

  /** Whether line `l` (content starting at `col`) is a sequence entry: `-` then space or end. */
  isEntry(l: number, col: number): boolean {
    const at = lineStart[l]! + col;
    return this.text.charCodeAt(at) === DASH && (at + 1 === lineEnd[l] || this.text.charCodeAt(at + 1) === SPACE);
  }

  /** JSON of the node whose first line is the current one, at `indent`, inside a parent at `parentIndent`. */
  node(indent: number, parentIndent: number): string {
    if (this.isEntry(this.pos, indent)) return this.sequence(indent);
    if (this.keyEnd(this.pos, indent) >= 0) return this.mapping(indent);
    // A scalar on a line of its own under its key (a block scalar header there is left to yaml).
    if (this.text.charCodeAt(lineStart[this.pos]! + indent) === 0x7c) throw OUTSIDE;
    return this.inline(indent, parentIndent);
  }

  /**
   * Where the key on line `l` (starting at `col`) ends: the index of its `:`, or -1 when the line
   * holds no key. Quoted keys return the colon after the closing quote.
   */
  keyEnd(l: number, col: number): number {
    const t = this.text;
    const start = lineStart[l]! + col;
    const end = lineEnd[l]!;
    const c = t.charCodeAt(start);
    if (c === DQUOTE || c === SQUOTE) {
      const close = c === DQUOTE ? this.doubleQuotedEnd(start, end) : this.singleQuotedEnd(start, end);
      let i = close + 1;
      while (i < end && t.charCodeAt(i) === SPACE) i++;
      if (i < end && t.charCodeAt(i) === COLON && (i + 1 === end || t.charCodeAt(i + 1) === SPACE)) return i;
      return -1;
    }
    for (let i = start; i < end; i++) {
      const ch = t.charCodeAt(i);
      if (ch === COLON && (i + 1 === end || t.charCodeAt(i + 1) === SPACE || t.charCodeAt(i + 1) === TAB)) return i;
      if (ch === HASH && (t.charCodeAt(i - 1) === SPACE || t.charCodeAt(i - 1) === TAB)) return -1;
    }
    return -1;
  }

  /** JSON of a block mapping whose keys sit at `indent`. */
  mapping(indent: number): string {
    const base = keyStack.length;
    try {
      return `{${this.pairs(indent, base)}}`;
    } finally {
      keyStack.length = base;
    }
  }

  private pairs(indent: number, base: number): string {
    const t = this.text;
    let out = '';
    for (;;) {
      this.skipEmpty();
      if (this.pos >= this.lines) return out;
      const ind = lineIndent[this.pos]!;
      if (ind < indent) return out;
      if (ind > indent) throw OUTSIDE;
      const l = this.pos;
      const start = lineStart[l]! + indent;
      const colon = this.keyEnd(l, indent);
      if (colon < 0) throw OUTSIDE;
      const key = this.key(start, colon);
      if (key === '__proto__' || key === '<<') throw OUTSIDE;
      for (let k = base; k < keyStack.length; k++) if (keyStack[k] === key) throw OUTSIDE; // yaml: "Map keys must be unique"
      keyStack.push(key);
      let v = colon + 1;
      const end = lineEnd[l]!;
      while (v < end && (t.charCodeAt(v) === SPACE || t.charCodeAt(v) === TAB)) v++;
      const value = v === end || t.charCodeAt(v) === HASH ? this.nested(indent, true) : this.inline(v - lineStart[l]!, indent);
      out += `${out ? ',' : ''}${JSON.stringify(key)}:${value}`;
    }
  }

  /** A key's text: quoted, or plain (which must resolve to a string in the core schema). */
  key(start: number, colon: number): string {
    const t = this.text;
    const c = t.charCodeAt(start);
    if (c === DQUOTE) return doubleQuoted(this.text, start, this.doubleQuotedEnd(start, colon));
    if (c === SQUOTE) return this.singleQuoted(start, this.singleQuotedEnd(start, colon));
    if ((c < 128 && NOT_PLAIN_FIRST[c]) || (c === DASH && t.charCodeAt(start + 1) === SPACE) || c === 0x3f || c === COLON) throw OUTSIDE;
    let e = colon;
    while (e > start && (t.charCodeAt(e - 1) === SPACE || t.charCodeAt(e - 1) === TAB)) e--;
    if (e - start > 1024) throw OUTSIDE;
    const k = t.slice(start, e);
    if (resolvePlain(k) !== k) throw OUTSIDE;
    return k;
  }

  /**
   * The value of a key or entry with nothing after its indicator: a node on the following, deeper
   * lines; a sequence at the key's own indentation (go-yaml's style); or null.
   */
  nested(indent: number, inMapping: boolean): string {
    this.pos++;
    let commentIndent = Infinity;
    while (this.pos < this.lines && lineKind[this.pos] !== CONTENT) {
      if (lineKind[this.pos] === COMMENT) commentIndent = Math.min(commentIndent, lineIndent[this.pos]!);
      this.pos++;
    }
    if (this.pos >= this.lines) return 'null';
    const ind = lineIndent[this.pos]!;
    if (ind > indent) {
      if (commentIndent < ind) throw OUTSIDE; // a comment left of the value: yaml's reading differs by case
      return this.node(ind, indent);
    }
    if (ind === indent && inMapping && this.isEntry(this.pos, ind)) return this.sequence(ind);
    return 'null';
  }

  /** JSON of the value of the one entry of a sequence at `indent` (OUTSIDE if there are more). */
  entry(indent: number): string {
    return this.entries(indent, true);
  }

  /** JSON of a block sequence whose `-` sit at `indent`. */
  sequence(indent: number): string {
    return `[${this.entries(indent)}]`;
  }

  private entries(indent: number, one = false): string {
    const t = this.text;
    let out = '';
    let count = 0;
    for (;;) {
      this.skipEmpty();
      if (this.pos >= this.lines) return out;
      const ind = lineIndent[this.pos]!;
      if (ind < indent) return out;
      if (ind > indent) throw OUTSIDE;
      const l = this.pos;
      if (!this.isEntry(l, indent)) return out; // the next key of a mapping at the same indentation
      if (count++ > 0) {
        if (one) throw OUTSIDE;
        out += ',';
      }
      const base = lineStart[l]!;
      const end = lineEnd[l]!;
      let v = base + indent + 1;
      while (v < end && t.charCodeAt(v) === SPACE) v++;
      if (v === end || t.charCodeAt(v) === HASH) {
        out += this.nested(indent, false);
        continue;
      }
      const col = v - base;
      if (t.charCodeAt(v) === TAB || this.isEntry(l, col)) throw OUTSIDE;
      if (this.keyEnd(l, col) >= 0) {
        // `- key: value`: a mapping whose keys sit where this one starts.
        lineIndent[l] = col;
        out += this.mapping(col);
      } else {
        out += this.inline(col, indent);
      }
    }
  }

  /** JSON of a value that starts on the current line at `col`, inside a parent at `parentIndent`. */
  inline(col: number, parentIndent: number): string {
    const t = this.text;
    const l = this.pos;
    const start = lineStart[l]! + col;
    const end = lineEnd[l]!;
    const c = t.charCodeAt(start);
    if (c === DQUOTE || c === SQUOTE) {
      const close = c === DQUOTE ? this.doubleQuotedEnd(start, end) : this.singleQuotedEnd(start, end);
      this.endOfLine(close + 1, end);
      this.pos++;
      return JSON.stringify(c === DQUOTE ? doubleQuoted(this.text, start, close) : this.singleQuoted(start, close));
    }
    if (c === 0x7c) return JSON.stringify(this.literal(start, end, parentIndent));
    if (c === 0x7b || c === 0x5b) {
      if (t.charCodeAt(start + 1) !== (c === 0x7b ? 0x7d : 0x5d)) throw OUTSIDE;
      this.endOfLine(start + 2, end);
      this.pos++;
      return c === 0x7b ? '{}' : '[]';
    }
    if ((c < 128 && NOT_PLAIN_FIRST[c]) || ((c === DASH || c === 0x3f || c === COLON) && (start + 1 === end || t.charCodeAt(start + 1) === SPACE))) throw OUTSIDE;
    return this.scalar(col, parentIndent);
  }

  /** After a quoted scalar or `{}`: only spaces and a comment may follow on the line. */
  endOfLine(i: number, end: number): void {
    const t = this.text;
    if (i < end && t.charCodeAt(i) !== SPACE && t.charCodeAt(i) !== TAB) throw OUTSIDE;
    while (i < end && (t.charCodeAt(i) === SPACE || t.charCodeAt(i) === TAB)) i++;
    if (i < end && t.charCodeAt(i) !== HASH) throw OUTSIDE;
  }

  /**
   * The text of one line of a plain scalar from `start`: up to a comment, trailing blanks
   * trimmed. Returns [text, hadComment].
   */
  plainLine(start: number, end: number, first: boolean): [string, boolean] {
    const t = this.text;
    let comment = false;
    let e = end;
    for (let i = start; i < end; i++) {
      const ch = t.charCodeAt(i);
      if (ch === COLON) {
        // `a: b` inside a value is a nested mapping (an error in yaml); `a:` at the end too.
        const nx = i + 1 === end ? -1 : t.charCodeAt(i + 1);
        if (nx === -1 || nx === SPACE || nx === TAB) throw OUTSIDE;
      } else if (ch === HASH && i > start && (t.charCodeAt(i - 1) === SPACE || t.charCodeAt(i - 1) === TAB)) {
        e = i;
        comment = true;
        break;
      }
    }
    while (e > start && (t.charCodeAt(e - 1) === SPACE || t.charCodeAt(e - 1) === TAB)) e--;
    if (!first) {
      const c = t.charCodeAt(start);
      // Continuation lines that start with an indicator are where implementations differ.
      if ((c < 128 && NOT_PLAIN_FIRST[c]) || c === DASH || c === 0x3f || c === COLON) throw OUTSIDE;
    }
    return [t.slice(start, e), comment];
  }

  /**
   * A plain scalar from the current line at `col`, continued on following lines deeper than
   * `parentIndent` (folded: one line break becomes a space, n blank lines become n line breaks).
   */
  scalar(col: number, parentIndent: number): string {
    const l = this.pos;
    const [first, comment] = this.plainLine(lineStart[l]! + col, lineEnd[l]!, true);
    this.pos++;
    let text = first;
    let more = false;
    for (;;) {
      let p = this.pos;
      let blanks = 0;
      while (p < this.lines && lineKind[p] === BLANK) {
        p++;
        blanks++;
      }
      if (p >= this.lines || lineKind[p] !== CONTENT || lineIndent[p]! <= parentIndent) break;
      if (comment) throw OUTSIDE; // a comment ends a plain scalar; a deeper line after it is an error
      const [next, c2] = this.plainLine(lineStart[p]! + lineIndent[p]!, lineEnd[p]!, false);
      text += blanks === 0 ? ` ${next}` : '\n'.repeat(blanks) + next;
      more = true;
      this.pos = p + 1;
      if (c2) break;
    }
    return more ? JSON.stringify(text) : scalarJson(resolvePlain(text));
  }

  /** A literal block scalar (`|`, `|-`, `|+`) whose header starts at `start`. */
  literal(start: number, end: number, parentIndent: number): string {
    const t = this.text;
    let i = start + 1;
    let chomp = 0; // 0 clip, -1 strip, 1 keep
    const h = t.charCodeAt(i);
    if (h === DASH) {
      chomp = -1;
      i++;
    } else if (h === 0x2b) {
      chomp = 1;
      i++;
    }
    this.endOfLine(i, end);
    this.pos++;
    // Content indentation: the first non-blank line's; blank lines before it may not be deeper.
    let p = this.pos;
    let maxBlank = 0;
    while (p < this.lines && lineKind[p] === BLANK) maxBlank = Math.max(maxBlank, lineIndent[p++]!);
    if (p >= this.lines || lineIndent[p]! <= parentIndent || maxBlank > lineIndent[p]!) throw OUTSIDE; // empty or odd: leave to yaml
    const indent = lineIndent[p]!;
    const parts: string[] = [];
    let trailing = 0;
    p = this.pos;
    for (; p < this.lines; p++) {
      if (lineKind[p] === BLANK) {
        if (lineIndent[p]! > indent) throw OUTSIDE; // spaces as content
        trailing++;
        continue;
      }
      if (lineIndent[p]! < indent) break;
      for (; trailing > 0; trailing--) parts.push('');
      parts.push(t.slice(lineStart[p]! + indent, lineEnd[p]));
    }
    if (p >= this.lines && trailing === 0 && !this.finalBreak) throw OUTSIDE;
    this.pos = p;
    const body = parts.join('\n');
    return chomp < 0 ? body : chomp === 0 ? `${body}\n` : `${body}\n${'\n'.repeat(trailing)}`;
  }

  /** Index of the closing quote of a double-quoted scalar opened at `start`, on this line. */
  doubleQuotedEnd(start: number, end: number): number {
    const t = this.text;
    for (let i = start + 1; i < end; i++) {
      const c = t.charCodeAt(i);
      if (c === BACKSLASH) i++;
      else if (c === DQUOTE) return i;
    }
    throw OUTSIDE; // continues on the next line: folding rules left to yaml
  }

  /** Index of the closing quote of a single-quoted scalar opened at `start`, on this line. */
  singleQuotedEnd(start: number, end: number): number {
    const t = this.text;
    for (let i = start + 1; i < end; i++) {
      if (t.charCodeAt(i) === SQUOTE) {
        if (t.charCodeAt(i + 1) === SQUOTE && i + 1 < end) i++;
        else return i;
      }
    }
    throw OUTSIDE;
  }

  singleQuoted(start: number, close: number): string {
    const s = this.text.slice(start + 1, close);
    return s.includes("''") ? s.replaceAll("''", "'") : s;
  }
}

/**
 * JSON text of one YAML document in the block subset (see the file comment), or NOT_BLOCK_YAML.
 * With `entry`, the text is one sequence entry (`- ...`, a list item cut out of a larger document)
 * and the JSON is that entry's value, as `yaml` would give element 0 of the one-entry sequence.
 */
export function blockYamlToJson(text: string, entry = false): string | typeof NOT_BLOCK_YAML {
  const lines = scanLines(text);
  if (lines < 0) return NOT_BLOCK_YAML;
  const r = new BlockReader(text, lines, text.length > 0 && text.charCodeAt(text.length - 1) === NL);
  try {
    r.skipEmpty();
    if (r.pos >= lines) return entry ? NOT_BLOCK_YAML : 'null';
    const indent = lineIndent[r.pos]!;
    let json: string;
    if (entry) {
      if (!r.isEntry(r.pos, indent)) return NOT_BLOCK_YAML;
      json = r.entry(indent);
    } else {
      if (!r.isEntry(r.pos, indent) && r.keyEnd(r.pos, indent) < 0) return NOT_BLOCK_YAML; // a scalar document
      json = r.node(indent, -1);
    }
    r.skipEmpty();
    return r.pos < lines ? NOT_BLOCK_YAML : json;
  } catch (e) {
    if (e === OUTSIDE) return NOT_BLOCK_YAML;
    throw e;
  } finally {
    keyStack.length = 0;
  }
}

/** The value of one YAML document (or entry) in the block subset, or NOT_BLOCK_YAML. */
export function readBlockYaml(text: string, entry = false): unknown {
  const json = blockYamlToJson(text, entry);
  return json === NOT_BLOCK_YAML ? json : JSON.parse(json);
}

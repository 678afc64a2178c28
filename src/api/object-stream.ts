/**
 * The Kubernetes objects of a JSON or YAML file, handed over one at a time so a large snapshot is
 * never held as one parsed tree: YAML is read document by document, and the `items` of a list
 * (what `kubectl get -o yaml` prints) item by item; JSON is parsed whole (JSON.parse is fast and
 * compact) and its list items are released as they are handed over.
 *
 * A list's items take their kind from the list's kind when they carry none, as the API server
 * returns them (`kubectl get --raw /api/v1/nodes`: a NodeList whose items have no kind).
 */
import { parseDocument } from 'yaml';
import { InputError } from './errors.js';
import { SNAPSHOT_ANCHOR_TEXT_BYTES_MAX } from '../model/limits.js';
import { NOT_BLOCK_YAML, readBlockYaml } from './yaml-block.js';

/** A raw object with its location, for error messages. */
export interface RawObject {
  readonly obj: Record<string, unknown>;
  /** e.g. `items[3]` or `document 2.items[3]`. */
  readonly where: string;
}

/** Receives each object, in file order. */
export type ObjectSink = (raw: RawObject) => void;

/** Whether `kind` names a list: `List`, or a typed list such as `NodeList`. */
export const isListKind = (kind: string): boolean => kind.endsWith('List');

/** Kind and apiVersion a typed list gives its items (`NodeList` → `Node`); none for a plain `List`. */
interface ItemType {
  readonly kind: string;
  readonly apiVersion: string | undefined;
}

function itemTypeOf(list: Record<string, unknown>): ItemType | undefined {
  const kind = list.kind;
  if (typeof kind !== 'string' || kind === 'List' || !isListKind(kind)) return undefined;
  return { kind: kind.slice(0, -'List'.length), apiVersion: typeof list.apiVersion === 'string' ? list.apiVersion : undefined };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A list object with `items` but a kind that is not a list: it cannot be read item by item. */
function notAList(fileName: string, where: string, kind: string): InputError {
  return new InputError(`${fileName}: ${where || 'document'}: a ${kind} with an items list; expected a List (or a typed list such as NodeList) or single objects`, 'kind');
}

/**
 * Hands over the objects in `v` (an object, a list, an array of either), flattening lists.
 * Items are released from their list once handed over.
 */
export function visitObjects(v: unknown, where: string, fileName: string, emit: ObjectSink, itemType?: ItemType): void {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) visitObjects(v[i], `${where}[${i}]`, fileName, emit, itemType);
    return;
  }
  if (!isObject(v)) {
    throw new InputError(`${fileName}: ${where || 'document'}: expected a Kubernetes object, got ${v === null ? 'null' : typeof v}`);
  }
  if (itemType && typeof v.kind !== 'string') {
    v.kind = itemType.kind;
    if (v.apiVersion === undefined && itemType.apiVersion !== undefined) v.apiVersion = itemType.apiVersion;
  }
  const kind = typeof v.kind === 'string' ? v.kind : '';
  if (Array.isArray(v.items)) {
    if (kind !== '' && !isListKind(kind)) throw notAList(fileName, where, kind);
    const items: unknown[] = v.items;
    const inner = itemTypeOf(v);
    const prefix = where ? `${where}.` : '';
    for (let i = 0; i < items.length; i++) {
      visitObjects(items[i], `${prefix}items[${i}]`, fileName, emit, inner);
      items[i] = undefined; // the decoded object replaces it: do not hold both
    }
    return;
  }
  emit({ obj: v, where });
}

/**
 * Reads the objects of JSON text. `read` returns the text; it is dropped as soon as it is parsed,
 * so the text and the tree are not both held while the objects are decoded. `onListLength`
 * learns how many items a top-level list has (for progress).
 */
export function readJsonObjects(read: () => string, fileName: string, emit: ObjectSink, onListLength?: (items: number) => void): void {
  let text: string | undefined = read();
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text); // a byte-order mark is not JSON
  } catch (e) {
    throw new InputError(`${fileName}: invalid JSON: ${(e as Error).message}`);
  }
  text = undefined;
  if (onListLength && isObject(doc) && Array.isArray(doc.items)) onListLength(doc.items.length);
  visitObjects(doc, '', fileName, emit);
}

/** Whether text (its first non-blank characters) is JSON rather than YAML. */
export function looksLikeJson(start: string): boolean {
  const t = start.replace(/^\uFEFF/, '').trimStart();
  return t.startsWith('{') || t.startsWith('[');
}

const SPACE = 0x20;

/** Whether `t` from `p` is the line `items:` (trailing blanks or a comment allowed). */
function isItemsKey(t: string, p: number, e: number): boolean {
  if (!t.startsWith('items:', p)) return false;
  for (let i = p + 6; i < e; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x23) return i > p + 6; // a comment, after at least one blank
    if (c !== SPACE && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

/** `---` or `...` at column 0, followed by a blank or the end of the line. */
function markerAt(t: string, p: number, e: number): '---' | '...' | undefined {
  const c = t.charCodeAt(p);
  if (c !== 0x2d && c !== 0x2e) return undefined;
  const m = c === 0x2d ? '---' : '...';
  if (!t.startsWith(m, p)) return undefined;
  const n = p + 3 === e ? -1 : t.charCodeAt(p + 3);
  return n === -1 || n === SPACE || n === 0x09 || n === 0x0d ? m : undefined;
}

/** Whether a sequence entry starts at `i` of the line ending at `e`: `-` then a blank or the end. */
function isEntryAt(t: string, i: number, e: number): boolean {
  if (t.charCodeAt(i) !== 0x2d) return false;
  const n = i + 1 === e ? -1 : t.charCodeAt(i + 1);
  return n === -1 || n === SPACE || n === 0x0d;
}

/** How a line starts: its indentation, and whether it is blank or a comment. */
function lineShape(t: string, p: number, e: number): { indent: number; empty: boolean } {
  let i = p;
  while (i < e && t.charCodeAt(i) === SPACE) i++;
  const c = i < e ? t.charCodeAt(i) : -1;
  return { indent: i - p, empty: c === -1 || c === 0x23 || (c === 0x0d && i + 1 === e) };
}

/**
 * Reads YAML pushed in pieces of any size (a file read block by block) and hands over each object
 * as soon as its text is complete. Documents are split at `---`/`...`; a document's top-level
 * `items:` block sequence is cut at its entries, each entry read on its own. Each piece of text
 * goes to readBlockYaml, or to the `yaml` package when it is outside that reader's subset, so the
 * values are `yaml`'s. Held at any time: one item's (or one small document's) text and value.
 *
 * Anchors and aliases across the items of a list (kubectl never writes them; PyYAML does, for an
 * object it meets twice) work as in the whole document: the items that define anchors are kept
 * (their text, up to SNAPSHOT_ANCHOR_TEXT_BYTES_MAX per document), and an item whose alias does not
 * resolve on its own is read after the items defining what it refers to. The one difference:
 * `yaml`'s limit of 100 alias uses (against "billion laughs" documents) counts per item.
 */
export class YamlObjectStream {
  /** The incomplete last line of the text pushed so far. */
  private rest = '';
  /** Start, in the text being processed, of what is not yet added to the current item or document. */
  private seg = 0;
  /** Lines completed so far. */
  private line = 0;
  private doc = 1;
  /** The current document's text outside a streamed items list (pieces). */
  private docText: string[] = [];
  private docStartLine = 1;
  private docHasContent = false;
  private docHasDirective = false;
  /** Streaming the items of the current document: -2 no, -1 before the first entry, else the entries' column. */
  private seqIndent = -2;
  private streamed = false;
  /** The current item's text from earlier pieces, its index and first line. */
  private itemText: string[] = [];
  private item = -1;
  private itemLine = 0;
  /** Item type of the list being streamed: undefined for none, null while its kind is unknown. */
  private itemType: ItemType | undefined | null = null;
  /** Items waiting for the list's kind (it comes after the items in kubectl's output). */
  private held: { value: unknown; where: string }[] = [];
  /** The text of the last item defining each anchor of the current document, and their size. */
  private anchors = new Map<string, { readonly text: string; readonly index: number }>();
  private anchorChars = 0;

  constructor(private readonly fileName: string, private readonly emit: ObjectSink) {}

  /** Adds text; hands over every object completed by it. */
  push(piece: string): void {
    const t = this.rest ? this.rest + piece : piece;
    const last = t.lastIndexOf('\n');
    if (last < 0) {
      this.rest = t;
      return;
    }
    this.rest = t.slice(last + 1);
    this.lines(t, last + 1);
  }

  /** Ends the text: hands over the last objects. */
  end(): void {
    if (this.rest) {
      const t = this.rest;
      this.rest = '';
      this.lines(t, t.length);
    }
    this.endDocument();
  }

  private get docWhere(): string {
    return this.doc > 1 ? `document ${this.doc}` : '';
  }

  /** Processes the complete lines of `t` up to `end`. */
  private lines(t: string, end: number): void {
    this.seg = 0;
    let p = 0;
    while (p < end) {
      let e = t.indexOf('\n', p);
      if (e < 0 || e >= end) e = end;
      this.line++;
      if (this.seqIndent < -1 || !this.listLine(t, p, e)) this.documentLine(t, p, e);
      p = e + 1;
    }
    if (this.seqIndent >= 0) this.itemText.push(t.slice(this.seg, end));
    else if (this.seqIndent === -2) this.docText.push(t.slice(this.seg, end));
  }

  /** A line inside a streamed `items:` list; false when it ends the list (a document line then). */
  private listLine(t: string, p: number, e: number): boolean {
    // With go-yaml's unindented entries, every line of an item but the first starts with a space:
    // the common case costs one character test.
    if (this.seqIndent === 0 && t.charCodeAt(p) === SPACE) return true;
    const { indent, empty } = lineShape(t, p, e);
    if (empty) {
      if (this.seqIndent === -1) this.seg = e + 1; // blank lines and comments before the first entry are dropped
      return true; // elsewhere they stay with the item they follow
    }
    const entry = isEntryAt(t, p + indent, e);
    if (this.seqIndent === -1) {
      if (!entry) {
        // `items:` holds something else than a block sequence: read the document whole.
        this.seqIndent = -2;
        this.docText.push('items:\n');
        this.seg = p;
        return false;
      }
      this.seqIndent = indent;
      this.streamed = true;
    } else if (indent > this.seqIndent) {
      return true; // more of the current item
    } else {
      this.finishItem(t.slice(this.seg, p));
      if (!(indent === this.seqIndent && entry)) {
        this.seqIndent = -2; // the list ends: the document's next key
        this.seg = p;
        return false;
      }
    }
    this.item++;
    this.itemLine = this.line;
    this.itemText = [];
    this.seg = p;
    return true;
  }

  /** A line of a document outside a streamed list: markers, `items:`, directives, content. */
  private documentLine(t: string, p: number, e: number): void {
    const marker = markerAt(t, p, e);
    if (marker) {
      const inline = marker === '---' && !lineShape(t, p + 3, e).empty;
      if (marker === '---' && !this.docHasContent) {
        // `---` opening the first document, or after directives: part of this document.
        if (this.docHasDirective || inline) this.docHasContent ||= inline;
        else this.seg = e + 1;
        return;
      }
      this.docText.push(t.slice(this.seg, p));
      this.endDocument();
      this.doc++;
      this.docStartLine = this.line + (inline ? 0 : 1);
      this.seg = inline ? p : e + 1;
      this.docHasContent = inline;
    } else if (isItemsKey(t, p, e)) {
      if (this.streamed) throw new InputError(`${this.fileName}: invalid YAML at line ${this.line}: Map keys must be unique (a second items:)`);
      this.docText.push(t.slice(this.seg, p));
      this.docHasContent = true;
      this.seqIndent = -1;
      this.item = -1;
      this.itemType = this.headerItemType();
      this.seg = e + 1;
    } else if (!lineShape(t, p, e).empty) {
      if (t.charCodeAt(p) === 0x25 && !this.docHasContent) this.docHasDirective = true;
      else this.docHasContent = true;
    }
  }

  /** Reads the current item (its earlier pieces plus `tail`) and hands it over or holds it. */
  private finishItem(tail: string): void {
    if (this.item < 0) return;
    const text = this.itemText.length > 0 ? this.itemText.join('') + tail : tail;
    this.itemText = [];
    const value = this.read(text, true, this.itemLine);
    const where = `${this.docWhere ? `${this.docWhere}.` : ''}items[${this.item}]`;
    if (this.itemType === null && (this.held.length > 0 || (isObject(value) && typeof value.kind !== 'string'))) {
      this.held.push({ value, where });
    } else {
      visitObjects(value, where, this.fileName, this.emit, this.itemType ?? undefined);
    }
  }

  /** The item type from the document's text before `items:`, or null when it names no kind yet. */
  private headerItemType(): ItemType | undefined | null {
    const header = this.read(this.docText.join(''), false, this.docStartLine);
    if (!isObject(header) || typeof header.kind !== 'string') return null;
    if (!isListKind(header.kind)) throw notAList(this.fileName, this.docWhere, header.kind);
    return itemTypeOf(header);
  }

  private endDocument(): void {
    if (this.seqIndent >= 0) this.finishItem('');
    else if (this.seqIndent === -1) this.docText.push('items:\n'); // `items:` and nothing under it
    this.seqIndent = -2;
    const text = this.docText.join('');
    this.docText = [];
    if (this.streamed) {
      // The document's other keys (apiVersion, kind, metadata) decide the held items' kind.
      const rest = this.read(text, false, this.docStartLine);
      if (rest !== null && !isObject(rest)) throw new InputError(`${this.fileName}: invalid YAML in ${this.docWhere || 'document'}: items: beside a non-mapping`);
      const kind = isObject(rest) && typeof rest.kind === 'string' ? rest.kind : '';
      if (kind !== '' && !isListKind(kind)) throw notAList(this.fileName, this.docWhere, kind);
      const type = isObject(rest) ? itemTypeOf(rest) : undefined;
      for (const h of this.held) visitObjects(h.value, h.where, this.fileName, this.emit, type);
    } else if (this.docHasContent) {
      const value = this.read(text, false, this.docStartLine);
      if (value !== null && value !== undefined) visitObjects(value, this.docWhere, this.fileName, this.emit);
    }
    this.held = [];
    this.anchors.clear();
    this.anchorChars = 0;
    this.streamed = false;
    this.itemType = null;
    this.docHasContent = false;
    this.docHasDirective = false;
  }

  /** One document's or item's value: the fast reader, else the `yaml` package. */
  private read(text: string, entry: boolean, firstLine: number): unknown {
    const fast = readBlockYaml(text, entry);
    if (fast !== NOT_BLOCK_YAML) return fast;
    let v: unknown;
    try {
      v = this.readYaml(text, firstLine);
    } catch (e) {
      if (!(entry && e instanceof UnresolvedAlias && this.anchors.size > 0)) throw e instanceof UnresolvedAlias ? e.error : e;
      v = this.readWithAnchors(text, firstLine);
    }
    if (!entry) return v;
    if (!Array.isArray(v) || v.length === 0) throw new InputError(`${this.fileName}: invalid YAML near line ${firstLine}: expected one list item`);
    if (ANCHOR.test(text)) this.keepAnchors(text);
    return v[v.length - 1];
  }

  /** Text through the `yaml` package; errors name the file and the line. */
  private readYaml(text: string, firstLine: number): unknown {
    const d = parseDocument(text);
    const err = d.errors[0];
    if (err) {
      const at = err.linePos?.[0];
      const msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(`${this.fileName}: invalid YAML${at ? ` at line ${firstLine + at.line - 1}, column ${at.col}` : ` near line ${firstLine}`}: ${msg}`);
    }
    try {
      return d.toJS({ maxAliasCount: 100 });
    } catch (e) {
      const error = new InputError(`${this.fileName}: invalid YAML near line ${firstLine}: ${(e as Error).message}`);
      throw /^Unresolved alias/.test((e as Error).message) ? new UnresolvedAlias(error) : error;
    }
  }

  /** Remembers an item that defines anchors, as the last definer of each. */
  private keepAnchors(text: string): void {
    for (const m of text.matchAll(ANCHORS)) {
      const prev = this.anchors.get(m[1]!);
      if (prev?.text === text) continue;
      this.anchors.set(m[1]!, { text, index: this.item });
      this.anchorChars += text.length;
    }
    if (this.anchorChars > SNAPSHOT_ANCHOR_TEXT_BYTES_MAX) {
      throw new InputError(`${this.fileName}: near line ${this.itemLine}: the items of this list that define anchors (&name) exceed ${SNAPSHOT_ANCHOR_TEXT_BYTES_MAX} characters; write the list without anchors and aliases`);
    }
  }

  /** An item whose aliases refer to earlier items: read after the items defining what it uses. */
  private readWithAnchors(text: string, firstLine: number): unknown {
    const used = new Map<string, { readonly text: string; readonly index: number }>();
    const queue = [...text.matchAll(ALIASES)].map((m) => m[1]!);
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      const def = this.anchors.get(name);
      if (!def || used.has(def.text)) continue;
      used.set(def.text, def);
      for (const m of def.text.matchAll(ALIASES)) queue.push(m[1]!);
    }
    const before = [...used.values()].sort((a, b) => a.index - b.index).map((d) => d.text);
    return this.readYaml(before.join('') + text, firstLine);
  }
}

/** An alias whose anchor is not in the text read (it may be in an earlier item). */
class UnresolvedAlias extends Error {
  constructor(readonly error: InputError) {
    super(error.message);
  }
}

/** An anchor (`&name` after a blank, a flow indicator or at a line start) and an alias (`*name`). */
const ANCHOR = /(?:^|[\s,[{])&[^\s,[\]{}]/m;
const ANCHORS = /(?:^|[\s,[{])&([^\s,[\]{}]+)/gm;
const ALIASES = /(?:^|[\s,[{])\*([^\s,[\]{}]+)/gm;

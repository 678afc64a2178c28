/**
 * Files a person hands podfit on the command line: reading them (a path, or `-` for standard
 * input) with messages that say what went wrong in words (`--pod pod.yaml: no such file`), and
 * decoding the objects in them with kubectl's field validation (known-fields.ts). Every loader of
 * a person-written file (the pod of `schedule`, templates and workload objects later) goes
 * through here, so each gets `-` and `--validate` the same way.
 */
import { readFileSync } from 'node:fs';
import { InputError } from './errors.js';
import type { Pod } from './k8s.js';
import { checkKnownFields, type FieldValidation } from './known-fields.js';
import { decodePod, readObjectsFromText } from './objects.js';

/** The file argument that means standard input, as kubectl's `-f -`. */
export const STDIN_PATH = '-';
/** How standard input is named in messages. */
export const STDIN_NAME = '<stdin>';

/** A file's text and the name messages use for it. */
export interface InputText {
  readonly text: string;
  /** The path, or STDIN_NAME. */
  readonly name: string;
}

/** Reads all of standard input. */
const readStdin = (): string => readFileSync(0, 'utf8');

/** errno codes a person can act on, in words. */
const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
  EISDIR: 'is a directory, expected a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
};

/** What went wrong reading a file, in words where the errno code has some (`no such file`). */
export function readErrorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const reason = err.code !== undefined ? READ_ERRORS[err.code] : undefined;
  return reason ?? `cannot read file: ${err.code ?? err.message}`;
}

/**
 * Reads a file given as `flag` (`--pod`; optional, it prefixes messages), or standard input for
 * `-`. An unreadable file is an InputError saying why: `--pod pod.yaml: no such file`.
 */
export function readInputText(path: string, flag?: string, stdin: () => string = readStdin): InputText {
  const label = flag ? `${flag} ${path}` : path;
  try {
    if (path === STDIN_PATH) return { text: stdin(), name: STDIN_NAME };
    return { text: readFileSync(path, 'utf8'), name: path };
  } catch (e) {
    if (path === STDIN_PATH) throw new InputError(`${label}: cannot read standard input: ${(e as Error).message}`);
    throw new InputError(`${label}: ${readErrorText(e)}`);
  }
}

/** How a person-written file is read. */
export interface PersonFileOptions {
  /** The flag that named the file, for messages (`--pod`). */
  readonly flag?: string;
  /** What to do with fields Kubernetes does not have (kubectl's `--validate`). */
  readonly validation: FieldValidation;
  /** Receives `--validate=warn` warnings (`<file>: <path>: unknown field ...`). */
  readonly warnings: string[];
  /** Standard input (replaceable in tests). */
  readonly stdin?: () => string;
}

/**
 * Reads exactly one Pod (a Pod object, or a List holding one Pod) from a file a person wrote,
 * checking its fields under `validation` before decoding it. Returns the pod and the file's name
 * for messages.
 */
export function loadPodFile(path: string, options: PersonFileOptions): { pod: Pod; name: string } {
  const { text, name } = readInputText(path, options.flag, options.stdin);
  const raws = readObjectsFromText(text, name);
  const pods = raws.filter((r) => r.obj.kind === 'Pod' || r.obj.kind === undefined);
  if (pods.length !== 1) {
    throw new InputError(`${name}: expected exactly one Pod, found ${pods.length} (kinds: ${raws.map((r) => String(r.obj.kind)).join(', ') || 'none'})`);
  }
  const raw = pods[0]!;
  checkKnownFields(raw.obj, 'Pod', raw.where ? `${name}: ${raw.where}` : name, options.validation, options.warnings);
  return { pod: decodePod(raw, name), name };
}

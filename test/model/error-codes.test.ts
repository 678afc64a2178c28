/**
 * The error catalogue stays honest (STYLE.md, fastify): every `PODFIT_ERR_*` named in src/ is in
 * the catalogue, every catalogue code is named somewhere in src/ (no dead codes), codes are thrown
 * as PodfitError (so `err.code` is set), and PodfitError keeps the `<code>: <detail>` message.
 * That a thrown PodfitError's code is a catalogue key is the compiler's part (PodfitErrorCode).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, errorCode, isPodfitErrorCode, PodfitError, type PodfitErrorCode } from '../../src/model/error-codes.js';

const SRC = path.resolve('src');
const CATALOGUE = 'model/error-codes.ts';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|mts|mjs|js)$/.test(p) ? [p] : [];
  });
}

const SOURCES = files(SRC).map((p) => ({ rel: path.relative(SRC, p).split(path.sep).join('/'), text: readFileSync(p, 'utf8') }));
const CODE = /PODFIT_ERR_[A-Z_]*[A-Z]/g;

/** Code -> the files outside the catalogue that name it. */
const NAMED = new Map<string, string[]>();
for (const s of SOURCES) {
  if (s.rel === CATALOGUE) continue;
  for (const m of s.text.matchAll(CODE)) {
    const at = NAMED.get(m[0]) ?? [];
    if (!at.includes(s.rel)) at.push(s.rel);
    NAMED.set(m[0], at);
  }
}
const KEYS = Object.keys(ERROR_CODES) as PodfitErrorCode[];

describe('error catalogue (model/error-codes.ts)', () => {
  it('the scan finds the codes src/ names (a scan that finds nothing proves nothing)', () => {
    expect(SOURCES.length).toBeGreaterThan(20);
    expect(NAMED.size).toBeGreaterThanOrEqual(30);
    expect(NAMED.get('PODFIT_ERR_PARALLEL_JOB')).toEqual(['parallel/worker.ts']);
  });

  it('every code named in src/ is in the catalogue', () => {
    const unknown = [...NAMED].filter(([code]) => !isPodfitErrorCode(code)).map(([code, at]) => `${code} (${at.join(', ')})`);
    expect(unknown).toEqual([]);
  });

  it('every catalogue code is named somewhere in src/ outside the catalogue (no dead codes)', () => {
    expect(KEYS.filter((code) => !NAMED.has(code))).toEqual([]);
  });

  it('codes read PODFIT_ERR_<AREA>_<WHAT>; each has a one-line meaning; extender codes, and only they, have an HTTP status', () => {
    for (const code of KEYS) {
      const info: { meaning: string; status?: number } = ERROR_CODES[code];
      expect(code).toMatch(/^PODFIT_ERR_[A-Z]+_[A-Z]+(_[A-Z]+)*$/);
      expect(info.meaning.trim().length, code).toBeGreaterThan(10);
      expect(info.meaning, code).not.toMatch(/\n/);
      if (code.startsWith('PODFIT_ERR_EXTENDER_')) {
        expect(Number.isInteger(info.status) && info.status! >= 200 && info.status! <= 599, code).toBe(true);
      } else {
        expect(info.status, code).toBeUndefined();
      }
    }
  });

  it('codes are thrown as PodfitError, not as a plain Error with the code in its text', () => {
    const plain = /new Error\(\s*['"`]PODFIT_ERR_/;
    const bad = SOURCES.filter((s) => plain.test(s.text)).map((s) => s.rel);
    expect(bad).toEqual([]);
  });

  it('the catalogue imports nothing, so every layer (kernel/ and model/ included) may import it', () => {
    const text = SOURCES.find((s) => s.rel === CATALOGUE)!.text;
    expect(text.match(/^\s*(import|export)\b[^;]*\bfrom\s/gm) ?? []).toEqual([]);
    expect(text).not.toMatch(/\bimport\(/);
  });

  it('every PodfitError names its code as a literal the scan sees', () => {
    // `new PodfitError(code, …)` with a variable would hide the code from the dead-code check.
    const bad = SOURCES.flatMap((s) => [...s.text.matchAll(/new PodfitError\(\s*([^,)]*)/g)].filter((m) => !/^'PODFIT_ERR_[A-Z_]+'$/.test(m[1]!.trim())).map((m) => `${s.rel}: ${m[0]}`));
    expect(bad).toEqual([]);
  });
});

describe('PodfitError', () => {
  it('keeps the message as `<code>: <detail>` and carries the code, its name and an optional cause', () => {
    const cause = new Error('the cause');
    const e = new PodfitError('PODFIT_ERR_PARALLEL_JOB', 'cannot load the job module x.mjs', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('PODFIT_ERR_PARALLEL_JOB: cannot load the job module x.mjs');
    expect(e.code).toBe('PODFIT_ERR_PARALLEL_JOB');
    expect(e.name).toBe('PodfitError');
    expect(e.cause).toBe(cause);
    expect(String(e)).toBe('PodfitError: PODFIT_ERR_PARALLEL_JOB: cannot load the job module x.mjs');
    expect(new PodfitError('PODFIT_ERR_LIVE_NO_CLUSTER', 'x').cause).toBeUndefined();
  });

  it('errorCode reads the code field, else a catalogue code prefixing the message (an error that crossed a thread)', () => {
    expect(errorCode(new PodfitError('PODFIT_ERR_PARALLEL_CLOSED', 'the worker pool is closed'))).toBe('PODFIT_ERR_PARALLEL_CLOSED');
    // What structured clone leaves of a PodfitError: a plain Error with the same message.
    const cloned = structuredClone(new PodfitError('PODFIT_ERR_PARALLEL_REPLICA', 'x', { cause: new Error('c') }));
    expect(cloned).not.toBeInstanceOf(PodfitError);
    expect((cloned as { code?: string }).code).toBeUndefined();
    expect(errorCode(cloned)).toBe('PODFIT_ERR_PARALLEL_REPLICA');
    // Not a catalogue code, not at the start, not an error: no code.
    expect(errorCode(new Error('PODFIT_ERR_NO_SUCH_THING: x'))).toBeUndefined();
    expect(errorCode(new Error('failed: PODFIT_ERR_PARALLEL_JOB: x'))).toBeUndefined();
    expect(errorCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
    expect(errorCode('PODFIT_ERR_PARALLEL_JOB: x')).toBeUndefined();
    expect(errorCode(undefined)).toBeUndefined();
  });

  it('isPodfitErrorCode knows the catalogue keys only', () => {
    expect(isPodfitErrorCode('PODFIT_ERR_EXTENDER_BAD_JSON')).toBe(true);
    expect(isPodfitErrorCode('PODFIT_ERR_EXTENDER')).toBe(false);
    expect(isPodfitErrorCode('toString')).toBe(false);
  });
});

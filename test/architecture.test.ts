/**
 * The import rules of DESIGN.md ("Who may import whom"), checked over src/: a layering mistake
 * fails the build instead of waiting for a reviewer.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve('src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

interface Source { rel: string; area: string; text: string; imports: string[]; valueImports: string[] }
const SOURCES: Source[] = files(SRC).map((p) => {
  const text = readFileSync(p, 'utf8');
  const imports = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  // Imports that exist at run time (`import type` is erased by the compiler).
  const valueImports = [...text.matchAll(/(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  const rel = path.relative(SRC, p).split(path.sep).join('/');
  return { rel, area: rel.split('/')[0]!, text, imports, valueImports };
});

/** Resolves a relative import to a path under src/ (or the bare package name). */
function target(s: Source, spec: string): string {
  if (!spec.startsWith('.')) return `pkg:${spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]}`;
  return path.posix.normalize(path.posix.join(path.posix.dirname(s.rel), spec));
}

const violations = (pred: (s: Source, t: string) => boolean): string[] =>
  SOURCES.flatMap((s) => s.imports.map((i) => target(s, i)).filter((t) => pred(s, t)).map((t) => `${s.rel} -> ${t}`));

describe('architecture (DESIGN.md import rules)', () => {
  it('finds the sources', () => {
    expect(SOURCES.length).toBeGreaterThan(20);
  });

  it('model knows nothing of the framework, plugins or edges', () => {
    expect(violations((s, t) => s.area === 'model' && /^(framework|plugins|extender|cli|cluster|workloads|whatif|report|parallel)\//.test(t))).toEqual([]);
  });

  it('api knows nothing of the framework runtime or edges (it may read the plugin registry for config)', () => {
    expect(violations((s, t) => s.area === 'api' && /^(framework\/(runtime|scheduler)|extender|cli|cluster|workloads|whatif|report|parallel)\b/.test(t))).toEqual([]);
  });

  it('a plugin never imports another plugin (shared helpers live in plugins/shared/)', () => {
    expect(violations((s, t) => {
      const m = /^plugins\/([^/]+)\//.exec(s.rel);
      const n = /^plugins\/([^/]+)\//.exec(t);
      return !!m && !!n && m[1] !== 'shared' && n[1] !== 'shared' && m[1] !== n[1] && !s.rel.startsWith('plugins/registry');
    })).toEqual([]);
  });

  it('nothing imports cli/', () => {
    expect(violations((s, t) => s.area !== 'cli' && t.startsWith('cli/'))).toEqual([]);
  });

  it('zod only in api/ and plugin args schemas (type-only imports aside)', () => {
    const bad = SOURCES.filter((s) => s.valueImports.includes('zod') && s.area !== 'api' && s.area !== 'plugins').map((s) => s.rel);
    expect(bad).toEqual([]);
  });

  it('WebAssembly only in kernel/', () => {
    expect(SOURCES.filter((s) => s.area !== 'kernel' && /\bWebAssembly\./.test(s.text)).map((s) => s.rel)).toEqual([]);
  });

  it('parallel imports no workloads/ (type or value imports): workers run jobs by module URL', () => {
    expect(violations((s, t) => s.area === 'parallel' && t.startsWith('workloads/'))).toEqual([]);
  });

  it('worker_threads and piscina only in parallel/', () => {
    expect(violations((s, t) => (t === 'pkg:node:worker_threads' || t === 'pkg:worker_threads' || t === 'pkg:piscina') && s.area !== 'parallel')).toEqual([]);
  });
});

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

  it('model takes only types from api/ (the Kubernetes object types), never a value', () => {
    expect(SOURCES.filter((s) => s.area === 'model').flatMap((s) => s.valueImports.map((i) => target(s, i)).filter((t) => t.startsWith('api/')).map((t) => `${s.rel} -> ${t}`))).toEqual([]);
  });

  it('model has no zod, not even its types (decoding happens at the edge, in api/)', () => {
    expect(violations((s, t) => s.area === 'model' && t === 'pkg:zod')).toEqual([]);
  });

  it('model throws no api error: it imports nothing from api/errors and names no InputError (it has ModelInputError)', () => {
    expect(violations((s, t) => s.area === 'model' && t === 'api/errors.js')).toEqual([]);
    expect(SOURCES.filter((s) => s.area === 'model' && /\bInputError\b/.test(s.text)).map((s) => s.rel)).toEqual([]);
  });

  it('framework knows plugins only through the registry it is handed (it imports nothing from plugins/)', () => {
    expect(violations((s, t) => s.area === 'framework' && t.startsWith('plugins/'))).toEqual([]);
  });

  it('framework and parallel name no plugin (what they need to know is in the plugins\' traits)', () => {
    const names = /['"`](NodeResourcesFit|NodeResourcesBalancedAllocation|TaintToleration|NodeAffinity|NodeUnschedulable|NodeName|NodePorts|ImageLocality|PodTopologySpread|InterPodAffinity|DefaultPreemption|DefaultBinder|SchedulingGates|PrioritySort|Volume\w+|NodeVolumeLimits)['"`]/;
    const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(SOURCES.filter((s) => (s.area === 'framework' || s.area === 'parallel') && names.test(code(s.text))).map((s) => s.rel)).toEqual([]);
  });

  it('only cli/ and the worker entry wire the plugin registry; api/ reads it for config', () => {
    const allowed = (rel: string) => rel.startsWith('cli/') || rel === 'parallel/worker.ts' || rel.startsWith('api/config') || rel.startsWith('plugins/');
    expect(violations((s, t) => t === 'plugins/registry.js' && !allowed(s.rel))).toEqual([]);
  });

  it('extender, workloads, cluster, whatif and scheduler sit on framework: they import no plugin', () => {
    expect(violations((s, t) => /^(extender|workloads|cluster|whatif|scheduler)$/.test(s.area) && t.startsWith('plugins/'))).toEqual([]);
  });

  it('api knows nothing of the framework runtime or edges (it may read the plugin registry for config)', () => {
    expect(violations((s, t) => s.area === 'api' && /^(framework\/(framework|scheduler)|extender|cli|cluster|workloads|whatif|report|parallel)\b/.test(t))).toEqual([]);
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

  it('parallel knows no workload: it imports nothing from workloads/ (workers run jobs by module URL)', () => {
    expect(violations((s, t) => s.area === 'parallel' && t.startsWith('workloads/'))).toEqual([]);
  });

  it('worker_threads and piscina only in parallel/', () => {
    expect(violations((s, t) => (t === 'pkg:node:worker_threads' || t === 'pkg:worker_threads' || t === 'pkg:piscina') && s.area !== 'parallel')).toEqual([]);
  });
});

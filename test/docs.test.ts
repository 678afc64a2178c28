/**
 * The documentation points at things that exist: every relative link (and its #anchor) and every
 * `*.md` file named in README.md, BENCHMARKS.md and docs/*.md is in the repository, every
 * `podfit <command>` is one the CLI has or is marked as coming, and the suggested `kubectl get`
 * for a snapshot names every kind podfit reads.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/main.js';
import { EXTRA_KINDS } from '../src/cluster/snapshot.js';

const ROOT = path.resolve(new URL('..', import.meta.url).pathname);
const DOCS = ['README.md', 'BENCHMARKS.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const text = (doc: string) => readFileSync(path.join(ROOT, doc), 'utf8');

/** Directories .gitignore keeps out of the repository (a link into them points at nothing in a clone). */
const IGNORED = readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.endsWith('/')).map((l) => l.replace(/^\//, ''));
const inRepository = (rel: string) => existsSync(path.join(ROOT, rel)) && !IGNORED.some((d) => `${rel}/`.startsWith(d)) && !rel.startsWith('..');

/** Text outside fenced code blocks (links and names in code are examples, not references). */
function prose(md: string): string {
  return md.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, -1.. for repeats. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(md).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Relative link targets (`[text](target)`), with their anchors. */
function links(md: string): Array<{ target: string; anchor?: string }> {
  return [...prose(md).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t))
    .map((t) => {
      const [target, anchor] = t.split('#', 2) as [string, string | undefined];
      return { target, ...(anchor ? { anchor } : {}) };
    });
}

describe('documentation', () => {
  it('finds the documents, including docs/architecture.md and docs/kube-semantics.md', () => {
    expect(DOCS).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/kube-semantics.md']));
  });

  it.each(DOCS)('%s: every relative link points to a file in the repository, and an #anchor to a heading there', (doc) => {
    const dir = path.dirname(doc);
    const problems: string[] = [];
    for (const { target, anchor } of links(text(doc))) {
      const rel = target === '' ? doc : path.normalize(path.join(dir, target));
      if (!inRepository(rel)) {
        problems.push(`${target}: no such file`);
        continue;
      }
      if (anchor !== undefined && rel.endsWith('.md') && statSync(path.join(ROOT, rel)).isFile() && !anchors(text(rel)).has(anchor)) {
        problems.push(`${target}#${anchor}: no such heading in ${rel}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(DOCS)('%s: every .md file it names exists (relative to it or to the repository root)', (doc) => {
    const dir = path.dirname(doc);
    const named = [...prose(text(doc)).matchAll(/(?<![\w/.-])([\w./-]*[\w-]\.md)\b/g)].map((m) => m[1]!);
    const missing = named.filter((n) => !IGNORED.some((d) => n.startsWith(d)) && !inRepository(path.normalize(path.join(dir, n))) && !inRepository(path.normalize(n)));
    expect(missing).toEqual([]);
  });

  it.each(DOCS)('%s: every `podfit <command>` is a command of the CLI, or marked as coming in its paragraph', (doc) => {
    const commands = new Set(buildProgram({ stdout: () => {}, stderr: () => {} }).commands.map((c) => c.name()));
    const unmarked: string[] = [];
    for (const paragraph of text(doc).split(/\n\s*\n/)) {
      // Command lines: inline code, and the lines of a code block (without their # comments).
      const code = [...paragraph.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
      if (paragraph.trimStart().startsWith('```')) code.push(...paragraph.split('\n').map((l) => l.replace(/\s#.*$/, '')));
      for (const c of code) {
        for (const m of c.matchAll(/(?:^|&&|;|\|)\s*(?:npx )?podfit ([a-z][\w-]*)/g)) {
          if (!commands.has(m[1]!) && !/\bcoming\b/i.test(paragraph)) unmarked.push(`podfit ${m[1]}`);
        }
      }
    }
    expect(unmarked).toEqual([]);
  });

  it('README.md and docs/kube-semantics.md suggest a snapshot command that gets every kind podfit reads', () => {
    const resources = ['Node', 'Pod', ...EXTRA_KINDS].map((k) => `${k.toLowerCase()}${k.endsWith('s') ? 'es' : 's'}`);
    for (const doc of ['README.md', 'docs/kube-semantics.md']) {
      const commands = [...text(doc).matchAll(/kubectl get (\S+) -A -o (?:json|yaml)/g)].map((m) => new Set(m[1]!.split(',')));
      expect(commands.some((got) => resources.every((r) => got.has(r))), `${doc}: kubectl get ${resources.join(',')}`).toBe(true);
    }
  });
});

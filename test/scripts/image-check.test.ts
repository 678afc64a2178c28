/**
 * The container image: the Dockerfile, .dockerignore, scripts/image-check.sh, deploy/ and the
 * README agree, and the image's steps work on the built tree (no container engine runs here, so
 * image-check.sh performs the deps and runtime stages: a production install, then podfit from the
 * assembled files as the image's user).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
const exists = (p: string) => existsSync(new URL(`../../${p}`, import.meta.url));
const version = (JSON.parse(read('package.json')) as { version: string }).version;

interface Stage { readonly from: string; readonly name?: string; readonly lines: string[] }

/** The Dockerfile's stages: instructions with continuation lines joined, comments dropped. */
function stages(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  const out: Array<{ from: string; name?: string; lines: string[] }> = [];
  for (const l of lines) {
    const arg = /^ARG\s+(\w+)=(\S+)$/.exec(l);
    if (arg && out.length === 0) args.set(arg[1]!, arg[2]!);
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(l);
    if (from) out.push({ from: from[1]!.replace(/\$\{(\w+)\}/g, (_m, k: string) => args.get(k) ?? ''), ...(from[2] ? { name: from[2] } : {}), lines: [] });
    else if (out.length > 0) out[out.length - 1]!.lines.push(l);
  }
  return out;
}

/** COPY instructions of a stage: sources, destination and the stage they come from (none: the context). */
function copies(stage: Stage): Array<{ from?: string; sources: string[]; dest: string }> {
  return stage.lines.filter((l) => l.startsWith('COPY ')).map((l) => {
    const words = l.split(/\s+/).slice(1);
    const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
    const dest = words.pop()!;
    return { ...(from ? { from } : {}), sources: words, dest };
  });
}

const norm = (p: string) => p.replace(/^\/(src|app)\//, '').replace(/\/+$/, '');
const dockerfile = stages(read('Dockerfile'));
const runtime = dockerfile[dockerfile.length - 1]!;
const script = read('scripts/image-check.sh');
const deployment = parseAllDocuments(read('deploy/deployment.yaml')).map((d) => d.toJS() as Record<string, any>).find((d) => d.kind === 'Deployment')!;
const pod = deployment.spec.template.spec;
const container = pod.containers[0];

describe('Dockerfile', () => {
  it('builds in one stage, installs production dependencies in another, and runs on slim Node 20', () => {
    expect(dockerfile.map((s) => s.name)).toEqual(['build', 'deps', undefined]);
    for (const s of dockerfile) expect(s.from).toBe('node:20-bookworm-slim');
    expect(dockerfile[0]!.lines).toEqual(expect.arrayContaining(['RUN npm ci --ignore-scripts --no-audit --no-fund', 'RUN npm run build']));
    expect(dockerfile[1]!.lines.some((l) => l.startsWith('RUN npm ci --omit=dev --ignore-scripts'))).toBe(true);
    expect(script).toContain('npm ci --omit=dev --ignore-scripts');
  });

  it('runs `podfit` as a numeric non-root user, the one deploy/ runs it as', () => {
    expect(runtime.lines).toContain('ENTRYPOINT ["podfit"]');
    const user = /^USER (\d+):(\d+)$/.exec(runtime.lines.find((l) => l.startsWith('USER'))!);
    expect(user).not.toBeNull();
    expect(Number(user![1])).toBeGreaterThan(0);
    expect([Number(user![1]), Number(user![2])]).toEqual([pod.securityContext.runAsUser, pod.securityContext.runAsGroup]);
    expect(script).toContain(`IMAGE_UID=${user![1]}`);
  });

  it('the runtime stage copies what image-check.sh assembles: production node_modules, dist/, build/ and the context files', () => {
    const c = copies(runtime);
    expect(c.filter((x) => x.from === 'deps').flatMap((x) => x.sources.map(norm))).toEqual(['node_modules']);
    const fromBuild = c.filter((x) => x.from === 'build').flatMap((x) => x.sources.map(norm));
    const fromContext = c.filter((x) => x.from === undefined).flatMap((x) => x.sources.map(norm));
    const listed = /^RUNTIME_PATHS=\(([^)]*)\)$/m.exec(script)![1]!.trim().split(/\s+/);
    expect([...fromContext, ...fromBuild].sort()).toEqual([...listed].sort());
  });

  it('.dockerignore lets in exactly what the stages copy from the context (and keeps node_modules, dist and .git out)', () => {
    const rules = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(rules[0]).toBe('*');
    const allowed = rules.slice(1).map((r) => {
      expect(r.startsWith('!')).toBe(true);
      return norm(r.slice(1));
    });
    const fromContext = dockerfile.flatMap((s) => copies(s).filter((x) => x.from === undefined).flatMap((x) => x.sources.map(norm)));
    expect([...new Set(fromContext)].sort()).toEqual([...allowed].sort());
    for (const p of allowed) expect(exists(p), p).toBe(true);
  });
});

describe('deploy/ and the README name the image the README builds', () => {
  const image = `ghcr.io/podfit/podfit:${version}`;

  it(`deploy/deployment.yaml runs ${image}, with a read-only root filesystem and no privileges`, () => {
    expect(container.image).toBe(image);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  it('the README builds, pushes and points deploy/ at the same image', () => {
    const readme = read('README.md');
    expect(readme).toMatch(/^#+ Container image$/m);
    expect(readme).toContain(`docker build -t ${image} .`);
    expect(readme).toContain(`docker tag ${image} REGISTRY/podfit:${version}`);
    expect(readme).toContain(`docker push REGISTRY/podfit:${version}`);
    expect(readme).toContain(`kustomize edit set image ghcr.io/podfit/podfit=REGISTRY/podfit:${version}`);
    expect(read('Dockerfile')).toContain(`docker build -t ${image} .`);
  });
});

describe('scripts/image-check.sh (the image steps without a container engine)', () => {
  it('installs the production dependencies and runs podfit from the assembled files as the image user', () => {
    const r = spawnSync('bash', ['scripts/image-check.sh'], { encoding: 'utf8', timeout: 240_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.stdout + r.stderr).toContain(`image-check: podfit --version = ${version}`);
    expect(r.stdout).toContain('image-check: serve listened and exited 0 on SIGTERM');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe('image-check: ok');
  }, 300_000);
});

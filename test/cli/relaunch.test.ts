/**
 * src/cli/relaunch.ts: on a machine with few cores the CLI runs itself again with a V8 background
 * pool of cores - 1 threads; the child gets the arguments, Node options, stdio and signals, and
 * its exit code is the parent's. Driven through a small entry script that does what bin/podfit.js
 * does (the built dist/, as the binary uses it).
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { childTunables, MALLOC_TRIM_THRESHOLD, requestedPoolSize, v8PoolSize } from '../../src/cli/relaunch.js';

const dir = mkdtempSync(join(tmpdir(), 'podfit-relaunch-'));
const entry = join(dir, 'entry.mjs');
writeFileSync(entry, `
import { relaunch } from ${JSON.stringify(pathToFileURL(resolve('dist/cli/relaunch.js')).href)};
const code = await relaunch(process.argv[1]);
if (code !== null) process.exitCode = code;
else if (process.argv[2] === 'wait') {
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { process.stdout.write('child got ' + sig + '\\n'); process.exit(7); });
  process.stdout.write('ready\\n');
  setTimeout(() => {}, 60_000);
} else {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  process.stdout.write(JSON.stringify({ execArgv: process.execArgv, args: process.argv.slice(2), input, tunables: process.env.GLIBC_TUNABLES ?? null }));
  process.exitCode = Number(process.argv[2] ?? 0);
}
`);
const expected = v8PoolSize(availableParallelism());

describe('relaunch with a V8 pool sized to the machine', () => {
  it('sizes the pool cores - 1 (at least 1) below Node\'s default of 4, else keeps the default', () => {
    expect([1, 2, 3, 4, 5, 64].map(v8PoolSize)).toEqual([1, 1, 2, 3, null, null]);
  });

  it('reads PODFIT_V8_POOL_SIZE: unset, default or a positive integer; anything else is an error naming it', () => {
    expect([undefined, '', 'default', '1', '3'].map(requestedPoolSize)).toEqual([null, null, 'default', 1, 3]);
    for (const bad of ['defualt', '-1', '0', '2.5', '2Gi', ' 2']) expect(() => requestedPoolSize(bad)).toThrow(/PODFIT_V8_POOL_SIZE: expected "default" or a positive integer/);
    const r = spawnSync(process.execPath, [entry, '0'], { input: '', encoding: 'utf8', timeout: 30_000, env: { ...process.env, PODFIT_V8_POOL_SIZE: 'defualt' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('PODFIT_V8_POOL_SIZE: expected "default" or a positive integer, got "defualt"');
    expect(r.stdout).toBe('');
    const two = spawnSync(process.execPath, [entry, '0'], { input: '', encoding: 'utf8', timeout: 30_000, env: { ...process.env, PODFIT_V8_POOL_SIZE: '2' } });
    expect(JSON.parse(two.stdout).execArgv).toEqual(['--v8-pool-size=2']);
  });

  it('keeps freed malloc memory in the child (a trim threshold in GLIBC_TUNABLES), unless the caller set one', () => {
    const t = `glibc.malloc.trim_threshold=${MALLOC_TRIM_THRESHOLD}`;
    expect(childTunables(undefined)).toBe(t);
    expect(childTunables('')).toBe(t);
    expect(childTunables('glibc.malloc.arena_max=2')).toBe(`glibc.malloc.arena_max=2:${t}`);
    expect(childTunables('glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=1024')).toBe('glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=1024');
    const env: NodeJS.ProcessEnv = { ...process.env, PODFIT_V8_POOL_SIZE: '1' };
    delete env.GLIBC_TUNABLES;
    const r = spawnSync(process.execPath, [entry, '0'], { input: '', encoding: 'utf8', timeout: 30_000, env });
    expect(JSON.parse(r.stdout).tunables).toBe(t);
    const mine = spawnSync(process.execPath, [entry, '0'], { input: '', encoding: 'utf8', timeout: 30_000, env: { ...env, GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=4096' } });
    expect(JSON.parse(mine.stdout).tunables).toBe('glibc.malloc.trim_threshold=4096');
  });

  it('passes arguments, Node options and stdin on, and exits with the child\'s code', () => {
    const r = spawnSync(process.execPath, ['--max-old-space-size=300', entry, '3', 'x y'], { input: 'from stdin', encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(3);
    const out = JSON.parse(r.stdout) as { execArgv: string[]; args: string[]; input: string };
    expect(out.args).toEqual(['3', 'x y']);
    expect(out.input).toBe('from stdin');
    expect(out.execArgv).toContain('--max-old-space-size=300');
    if (expected === null) expect(out.execArgv.some((a) => a.startsWith('--v8-pool-size'))).toBe(false);
    else expect(out.execArgv).toContain(`--v8-pool-size=${expected}`);
  });

  it('runs once when a pool size is given or PODFIT_V8_POOL_SIZE=default', () => {
    const given = spawnSync(process.execPath, ['--v8-pool-size=2', entry, '0'], { input: '', encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(given.stdout).execArgv).toEqual(['--v8-pool-size=2']);
    const kept = spawnSync(process.execPath, [entry, '0'], { input: '', encoding: 'utf8', timeout: 30_000, env: { ...process.env, PODFIT_V8_POOL_SIZE: 'default' } });
    expect(JSON.parse(kept.stdout).execArgv).toEqual([]);
  });

  it('podfit serve stops cleanly on a SIGINT to its whole process group (Ctrl-C: the signal arrives twice when relaunched)', async () => {
    const p = spawn(process.execPath, ['bin/podfit.js', 'serve', '--cluster', 'examples/cluster.yaml', '--port', '0', '--address', '127.0.0.1', '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    for (let k = 0; k < 200 && !out.includes('listening on'); k++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain('listening on');
    const exited = new Promise<number | null>((res) => p.once('exit', (c) => res(c)));
    process.kill(-p.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('shutting down');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('passes %s on to the process that runs the CLI (no terminal)', async (sig) => {
    const p = spawn(process.execPath, [entry, 'wait'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    await new Promise<void>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`no ready line: ${out}`)), 20_000);
      p.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) {
          clearTimeout(t);
          res();
        }
      });
    });
    const exited = new Promise<number | null>((res) => p.once('exit', (c) => res(c)));
    p.kill(sig);
    const code = await exited;
    expect(out).toContain(`child got ${sig}`);
    expect(code).toBe(7);
  });
});

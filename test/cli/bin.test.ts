import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The installed command (bin/podfit.js -> dist/), as a user runs it after `npm ci`.
const run = (...args: string[]) => spawnSync(process.execPath, ['bin/podfit.js', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('bin/podfit.js (compiled CLI)', () => {
  it('prints help with the commands', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: podfit/);
    expect(r.stdout).toMatch(/schedule/);
  });
  it('schedules the example pod and exits 0', () => {
    const r = run('schedule', '--cluster', 'examples/cluster.yaml', '--pod', 'examples/pod.yaml', '-o', 'json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).selectedNode).toMatch(/^worker-/);
  });
  it('reads the pod from standard input with --pod -', () => {
    const input = readFileSync('examples/pod.yaml', 'utf8');
    const r = spawnSync(process.execPath, ['bin/podfit.js', 'schedule', '--cluster', 'examples/cluster.yaml', '--pod', '-', '-o', 'json'], { encoding: 'utf8', timeout: 60_000, input });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).pod).toBe('shop/web-6b9c7-x1');
    const typo = spawnSync(process.execPath, ['bin/podfit.js', 'schedule', '--cluster', 'examples/cluster.yaml', '--pod', '-'], { encoding: 'utf8', timeout: 60_000, input: input.replace('resources:', 'resource:') });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/^error: <stdin>: spec\.containers\[0\]\.resource: unknown field, did you mean resources\?/);
  });
  it('exits 2 with a message on bad input', () => {
    const r = run('schedule', '--cluster', 'missing.yaml', '--pod', 'examples/pod.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing\.yaml/);
  });
});

describe('bin/kubectl-podfit.js (the kubectl plugin)', () => {
  it('is installed as a `kubectl-*` bin, which is how kubectl finds plugins on PATH', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['kubectl-podfit']).toBe('bin/kubectl-podfit.js');
    expect(statSync(pkg.bin['kubectl-podfit']!).mode & 0o111).not.toBe(0);
  });
  it('runs `kubectl podfit capacity ...` as kubectl does: the plugin found on PATH, given the remaining arguments', () => {
    // npm links bins into node_modules/.bin; kubectl execs the first kubectl-podfit on PATH.
    const dir = mkdtempSync(path.join(tmpdir(), 'kubectl-plugins-'));
    symlinkSync(path.resolve('bin/kubectl-podfit.js'), path.join(dir, 'kubectl-podfit'));
    const env = { ...process.env, PATH: `${dir}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` };
    const r = spawnSync('kubectl-podfit', ['capacity', '--cluster', 'examples/capacity/cluster.yaml', '--podspec', 'examples/capacity/pod.yaml'], { encoding: 'utf8', env, timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^The cluster can schedule 52 instance\(s\) of the pod small-pod\./);
    const help = spawnSync('kubectl-podfit', ['--help'], { encoding: 'utf8', env, timeout: 60_000 });
    expect(help.stdout).toMatch(/Usage: kubectl podfit/);
  });
});

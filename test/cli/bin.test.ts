import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

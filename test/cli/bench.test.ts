import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('podfit bench', () => {
  it('runs SchedulingBasic and reports throughput and a placement checksum', async () => {
    const r = await runCli('bench', 'SchedulingBasic', '--nodes', '50', '--pods', '200', '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ workload: 'SchedulingBasic', engine: expect.any(String), nodes: 50, pods: 200, scheduled: 200 });
    expect(j.throughput.average).toBeGreaterThan(0);
    expect(j.placementChecksum).toMatch(/^[0-9a-f]{16}$/);
  });
  it('gives the same checksum for the same seed and a different one for another seed', async () => {
    const a = JSON.parse((await runCli('bench', 'SchedulingBasic', '--nodes', '30', '--pods', '100', '-o', 'json', '--seed', '3')).stdout);
    const b = JSON.parse((await runCli('bench', 'SchedulingBasic', '--nodes', '30', '--pods', '100', '-o', 'json', '--seed', '3')).stdout);
    const c = JSON.parse((await runCli('bench', 'SchedulingBasic', '--nodes', '30', '--pods', '100', '-o', 'json', '--seed', '4')).stdout);
    expect(a.placementChecksum).toBe(b.placementChecksum);
    expect(c.placementChecksum).not.toBe(a.placementChecksum);
  });
  it('fills nodes up: pods beyond capacity are unschedulable', async () => {
    // 2 nodes x 4 cpu / 100m = 40 pods each by cpu; 110 pod slots -> 80 fit
    const j = JSON.parse((await runCli('bench', 'SchedulingBasic', '--nodes', '2', '--pods', '100', '-o', 'json')).stdout);
    expect(j.scheduled).toBe(80);
    expect(j.unschedulable).toBe(20);
  });
  it('rejects an unknown workload with exit 2', async () => {
    const r = await runCli('bench', 'Nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no workload "Nope"/);
  });
});

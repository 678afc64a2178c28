/** `podfit bench` on scheduler_perf workloads: --list, built-in runs, -o json, --repeat, compare. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const BUILTIN = ['SchedulingBasic', 'SchedulingPodAntiAffinity', 'SchedulingPodAffinity', 'SchedulingNodeAffinity', 'TopologySpreading',
  'PreferredTopologySpreading', 'PreemptionBasic', 'Unschedulable', 'SchedulingWithExtendedResource', 'MixedSchedulingBasePod'];

describe('podfit bench (scheduler_perf workloads)', () => {
  it('--list shows every built-in workload at 500 and 5,000 nodes with kube\'s thresholds', async () => {
    const r = await runCli('bench', '--list', '--label', '', '-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { id: string; threshold: number | null; skip?: string }[];
    for (const tc of BUILTIN) {
      for (const size of ['10Nodes', '500Nodes', '5000Nodes']) expect(rows.map((x) => x.id)).toContain(`${tc}/${size}`);
    }
    expect(rows.find((x) => x.id === 'SchedulingBasic/5000Nodes')!.threshold).toBe(680);
    expect(rows.find((x) => x.id === 'PreemptionBasic/5000Nodes')!.threshold).toBeNull();
    expect(rows.filter((x) => x.skip)).toEqual([]);
    const table = await runCli('bench', '--list');
    expect(table.stdout).toMatch(/^WORKLOAD\s+LABELS\s+THRESHOLD\s+STATUS/);
    expect(table.stdout).toMatch(/SchedulingBasic\/5000Nodes\s+performance\s+680\s+runs/);
  });

  for (const tc of BUILTIN) {
    it(`runs ${tc}/10Nodes through the same runner`, async () => {
      const r = await runCli('bench', `${tc}/10Nodes`, '-o', 'json', '--engine', 'js');
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.status, j.reason).toBe('ok');
      expect(j.measuredPods).toBeGreaterThan(0);
      expect(j.placementChecksum).toMatch(/^[0-9a-f]{16}$/);
    });
  }

  it('prints the result as scheduler_perf reports it, saying when samples were shortened', async () => {
    const r = await runCli('bench', 'SchedulingBasic/10Nodes', '--engine', 'js');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/throughput {3}(average .* pods\/s; p50 .*, p90 .*, p95 .*, p99 |none: no sample)/);
    expect(r.stdout).toMatch(/not scheduler_perf's 1-s ticker; rates scaled to pods\/s/);
    expect(r.stdout).toMatch(/checksum {5}[0-9a-f]{16}/);
    expect(r.stdout).toMatch(/utilisation {2}cpu \d+\.\d%/);
  });

  it('-o json has stable keys and the same placements for the same seed; --repeat gives min/median/max', async () => {
    const a = JSON.parse((await runCli('bench', 'SchedulingPodAntiAffinity/10Nodes', '-o', 'json', '--engine', 'js')).stdout);
    const b = JSON.parse((await runCli('bench', 'SchedulingPodAntiAffinity/10Nodes', '-o', 'json', '--engine', 'js', '--repeat', '3')).stdout);
    expect(Object.keys(b).slice(0, Object.keys(a).length)).toEqual(Object.keys(a));
    expect(b.placementChecksum).toBe(a.placementChecksum);
    expect(b.repeat.runs).toBe(3);
    expect(b.repeat.checksumsEqual).toBe(true);
    const s = b.repeat.throughputAverage;
    if (s) expect(s.min <= s.median && s.median <= s.max).toBe(true);
  });

  it('compare prints ratios and flags a changed placementChecksum', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'podfit-compare-'));
    const result = (avg: number, checksum: string) => ({ workload: 'X/1', placementChecksum: checksum, throughput: { average: avg, perc50: avg, perc90: avg, perc95: avg, perc99: avg }, latencyUs: { average: 5, perc50: 4, perc90: 6, perc95: 7, perc99: 8 } });
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(result(100, 'aaaa')));
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify([result(250, 'aaaa')]));
    writeFileSync(path.join(dir, 'c.json'), JSON.stringify(result(50, 'bbbb')));
    const same = await runCli('bench', 'compare', path.join(dir, 'a.json'), path.join(dir, 'b.json'));
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/X\/1\s+throughput\.average\s+100\s+250\s+2\.500×/);
    expect(same.stdout).toMatch(/placementChecksum: equal/);
    const changed = await runCli('bench', 'compare', path.join(dir, 'a.json'), path.join(dir, 'c.json'), '-o', 'json');
    const j = JSON.parse(changed.stdout);
    expect(j.checksumChanged).toEqual(['X/1']);
    expect(j.rows.find((r: { figure: string }) => r.figure === 'throughput.average').ratio).toBe(0.5);
    expect((await runCli('bench', 'compare', path.join(dir, 'a.json'))).code).toBe(2);
  });

  it('rejects an unknown built-in workload with exit 2', async () => {
    const r = await runCli('bench', 'Nope/1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no workload "Nope\/1"/);
  });
});

/** Progress bars: on a terminal after a second, never before, never when stderr is not a terminal. */
import { Writable } from 'node:stream';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadProgress, Progress, PROGRESS_DELAY_MS } from '../../src/cli/progress.js';
import { buildClusterState, loadClusterSnapshot } from '../../src/cluster/snapshot.js';
import { makeNode, makePod } from '../helpers/builders.js';

/** A stream that records what is written; a terminal or not. */
function stream(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text(): string } {
  const chunks: string[] = [];
  const s = new Writable({ write(c: Buffer, _e, cb) { chunks.push(c.toString()); cb(); } }) as Writable & { isTTY: boolean; columns: number; text(): string };
  s.isTTY = isTTY;
  s.columns = 120;
  s.text = () => chunks.join('');
  return s;
}

describe('Progress', () => {
  it('draws nothing during the first second, then a bar with the amounts, and clears it at the end', () => {
    const out = stream(true);
    let now = 0;
    const p = new Progress(out, () => now);
    p.stage('reading c.yaml', 50e6, 'bytes');
    now = PROGRESS_DELAY_MS - 1;
    p.update(10e6);
    expect(out.text()).toBe('');
    now = PROGRESS_DELAY_MS + 1;
    p.update(20e6);
    expect(out.text()).toContain('reading c.yaml');
    expect(out.text()).toContain('40%');
    expect(out.text()).toContain('20 MB of 50 MB');
    const drawn = out.text().length;
    p.stop();
    expect(out.text().slice(drawn)).toContain('\x1b[?25h'); // the cursor back, the line cleared
  });

  it('draws nothing at all when the stream is not a terminal (piped output stays as it was)', () => {
    const out = stream(false);
    let now = 0;
    const p = new Progress(out, () => now);
    p.stage('scheduling pending pods', 1000, 'pods');
    for (let i = 1; i <= 1000; i++) {
      now += 10;
      p.update(i);
    }
    p.stop();
    expect(p.enabled).toBe(false);
    expect(out.text()).toBe('');
  });

  it('follows a snapshot load: the bytes read, then the objects added to the state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podfit-progress-'));
    const file = join(dir, 'c.yaml');
    const items = [
      ...Array.from({ length: 3000 }, (_, i) => ({ apiVersion: 'v1', kind: 'Node', ...makeNode(`n${i}`).capacity({ cpu: '4', memory: '8Gi', pods: 110 }).build() })),
      ...Array.from({ length: 3000 }, (_, i) => ({ apiVersion: 'v1', kind: 'Pod', ...makePod(`p${i}`).req({ cpu: '100m' }).nodeName(`n${i}`).build() })),
    ];
    writeFileSync(file, stringify({ apiVersion: 'v1', items, kind: 'List' }));
    const seen: string[] = [];
    const onLoad = (p: { stage: string; done: number; total: number; unit: string }) => seen.push(`${p.stage} ${p.unit} ${p.done}/${p.total}`);
    const loaded = buildClusterState(loadClusterSnapshot(file, onLoad), file, undefined, onLoad);
    expect(loaded.state.nodeCount).toBe(3000);
    const size = statSync(file).size;
    expect(seen).toContain(`read bytes ${size}/${size}`);
    expect(seen.filter((s) => s.startsWith('build objects'))).toEqual(['build objects 2048/6000', 'build objects 4096/6000']);
    // And the CLI's adapter draws them on a terminal once a stage has run for a second.
    const out = stream(true);
    let now = 0;
    const progress = new Progress(out, () => (now += 400));
    const show = loadProgress(progress, 'c.yaml');
    show({ stage: 'read', done: 1e6, total: 4e6, unit: 'bytes' });
    show({ stage: 'read', done: 2e6, total: 4e6, unit: 'bytes' });
    show({ stage: 'read', done: 3e6, total: 4e6, unit: 'bytes' });
    expect(out.text()).toContain('reading c.yaml');
    show({ stage: 'build', done: 2048, total: 6000, unit: 'objects' });
    progress.stop();
  });
});

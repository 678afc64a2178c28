/**
 * A large YAML snapshot (kubectl's output shape) loads in bounded memory: the compiled CLI reads
 * 1,000 nodes and 10,000 pods (13 MB of YAML) inside a 160 MB heap, where building `yaml`'s syntax
 * tree of the whole file needs several times that. Also: the same snapshot in JSON gives the same
 * scheduling answer.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// The benchmark's generator: kubelet-shaped Nodes and ReplicaSet Pods, written item by item.
import { writeSnapshot } from '../../bench/cluster/generate-snapshot.mjs';

const dir = mkdtempSync(join(tmpdir(), 'podfit-large-'));
let files: Record<string, string>;
const pod = join(dir, 'pod.yaml');

beforeAll(() => {
  files = writeSnapshot({ nodes: 1000, pods: 10_000, out: dir });
  writeFileSync(pod, 'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: default}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    resources: {requests: {cpu: 500m, memory: 512Mi}}\n');
}, 120_000);

const schedule = (file: string, heapMb: number) => spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, 'bin/podfit.js', 'schedule', '--cluster', file, '--pod', pod, '-o', 'json'], { encoding: 'utf8', timeout: 120_000 });

describe('large snapshots', () => {
  it('reads a 13 MB YAML snapshot within a 160 MB heap, with the same answer as its JSON', () => {
    const yaml = schedule(files.yaml!, 160);
    expect(yaml.stderr).toBe('');
    expect(yaml.status).toBe(0);
    const json = schedule(files.json!, 400);
    expect(json.status).toBe(0);
    expect(JSON.parse(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    expect(Object.keys(JSON.parse(yaml.stdout).nodes)).toHaveLength(1000);
  }, 120_000);
});

/**
 * `podfit capacity --kubeconfig`: the cluster read live (the fake API server of test/, with the
 * real list wire format) gives the answer the same cluster gives from a file; a kubeconfig that
 * cannot connect is a clear error within the bound, exit 2.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { closedPort, hangingServer, startFakeCluster, type FakeCluster } from '../helpers/fake-cluster.js';
import { realisticCluster } from '../helpers/realistic-cluster.js';

const POD = 'examples/capacity/pod.yaml';
let fake: FakeCluster;
beforeEach(async () => {
  fake = await startFakeCluster(realisticCluster());
});
afterEach(async () => {
  await fake.stop();
});

const review = (stdout: string) => {
  const j = JSON.parse(stdout);
  delete j.status.creationTimestamp;
  return j;
};

describe('podfit capacity --kubeconfig', () => {
  it('answers as it does for the same cluster in a file', async () => {
    const live = await runCli('capacity', '--kubeconfig', fake.kubeconfig, '--podspec', POD, '-o', 'json');
    expect(live.code).toBe(0);
    const dir = mkdtempSync(path.join(tmpdir(), 'podfit-capacity-live-'));
    const file = path.join(dir, 'cluster.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: realisticCluster() }));
    const offline = await runCli('capacity', '--cluster', file, '--podspec', POD, '-o', 'json');
    expect(offline.code).toBe(0);
    const a = review(live.stdout);
    expect(a.status.replicas).toBeGreaterThan(0);
    expect(a).toEqual(review(offline.stdout));
    // Through the collector: the API server was asked for nodes and pods (pages of the real list format).
    expect(fake.api.requests.some((q) => q.path === '/api/v1/nodes')).toBe(true);
    expect(fake.api.requests.some((q) => q.path === '/api/v1/pods' && q.query.get('fieldSelector') === 'status.phase!=Succeeded,status.phase!=Failed')).toBe(true);
  });

  it('a refused connection: exit 2 with the server and the cause', async () => {
    const port = await closedPort();
    const kubeconfig = fake.writeKubeconfig('refused', (t) => t.replace(fake.api.url, `https://127.0.0.1:${port}`));
    const r = await runCli('capacity', '--kubeconfig', kubeconfig, '--podspec', POD);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`127.0.0.1:${port}`);
    expect(r.stderr).toMatch(/refused/i);
  });

  it('a server that never answers: exit 2 within --timeout', async () => {
    const hang = await hangingServer('https');
    try {
      const kubeconfig = fake.writeKubeconfig('hang', (t) => t.replace(fake.api.url, hang.url));
      const t0 = Date.now();
      const r = await runCli('capacity', '--kubeconfig', kubeconfig, '--podspec', POD, '--timeout', '1s');
      expect(r.code).toBe(2);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(r.stderr).toContain(hang.url.replace('https://', ''));
    } finally {
      await hang.close();
    }
  });

  it('--context that the kubeconfig does not have', async () => {
    const r = await runCli('capacity', '--kubeconfig', fake.kubeconfig, '--context', 'nope', '--podspec', POD);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no context "nope"/);
  });
});

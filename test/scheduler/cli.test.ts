/**
 * `podfit scheduler` as a process: flag validation, and two replicas against the fake API server
 * (127.0.0.1): probes and metrics, failover after SIGKILL (the Lease expires) and after SIGTERM
 * (the Lease is released, exit code 0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tlsFile } from '../extender/helpers.js';
import type { FakeApiServer } from '../cluster/live-fake-apiserver.js';
import { node, pod, startApi, until } from './helpers.js';

describe('podfit scheduler flags', () => {
  it.each([
    [[], /exactly one of --kubeconfig and --in-cluster/],
    [['--kubeconfig', 'k', '--in-cluster'], /exactly one of --kubeconfig and --in-cluster/],
    [['--kubeconfig', 'k', '--leader-elect', '--leader-elect-lease-duration', '10s'], /leaseDuration must be greater than renewDeadline/],
    [['--kubeconfig', 'k', '--leader-elect', '--leader-elect-retry-period', '9s'], /renewDeadline must be greater than retryPeriod\*JitterFactor/],
    [['--kubeconfig', 'k', '--leader-elect', '--leader-elect-retry-period', 'soon'], /--leader-elect-retry-period: expected a duration/],
  ])('rejects %j with exit code 2', async (args, message) => {
    const r = await runCli('scheduler', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

const LEASE = { duration: 2000, renew: 1500, retry: 300 };

describe('podfit scheduler processes', () => {
  let api: FakeApiServer;
  let dir: string;
  let kubeconfig: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    api = await startApi();
    dir = mkdtempSync(path.join(tmpdir(), 'podfit-scheduler-cli-'));
    kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfig(tlsFile('ca.crt')));
  });
  afterEach(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    children.length = 0;
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a replica from the TypeScript sources; resolves with its probe URL once it prints it. */
  function replica(identity: string): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
    const hooks = pathToFileURL(path.resolve('src/parallel/ts-hooks.mjs')).href;
    const mainUrl = pathToFileURL(path.resolve('src/cli/main.ts')).href;
    const file = path.join(dir, `${identity}.mjs`);
    const args = ['scheduler', '--kubeconfig', kubeconfig, '--address', '127.0.0.1', '--port', '0', '--leader-elect', '--identity', identity,
      '--lease-namespace', 'kube-system', '--leader-elect-lease-duration', `${LEASE.duration}ms`, '--leader-elect-renew-deadline', `${LEASE.renew}ms`,
      '--leader-elect-retry-period', `${LEASE.retry}ms`, '--log-level', 'warn', '--engine', 'js'];
    writeFileSync(file, `import { main } from ${JSON.stringify(mainUrl)};\nprocess.exitCode = await main(['node', 'podfit', ...${JSON.stringify(args)}]);\n`);
    const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(hooks)});`;
    const child = spawn(process.execPath, ['--import', register, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    return new Promise((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`replica ${identity} did not start: ${out}`)), 30_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /probes and metrics on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve({ child, url: m[1]!, exited });
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
    });
  }

  const holder = () => (api.objectsOf('coordination.k8s.io/v1/leases')[0] as { spec?: { holderIdentity?: string } } | undefined)?.spec?.holderIdentity;
  const get = async (url: string) => {
    const r = await fetch(url);
    return { status: r.status, text: await r.text() };
  };

  it('two replicas: one leads and binds, both ready; SIGKILL fails over after the lease; SIGTERM releases and exits 0', async () => {
    api.addNode(node('n1', '8', '64Gi'));
    const [a, b] = await Promise.all([replica('a'), replica('b')]);
    await until(() => holder() === 'a' || holder() === 'b', 'a leader', 10_000);
    const [leader, standby] = holder() === 'a' ? [a, b] : [b, a];
    const standbyId = holder() === 'a' ? 'b' : 'a';
    expect((await get(`${leader.url}/healthz`)).status).toBe(200);
    for (const r of [leader, standby]) {
      const ready = async () => (await get(`${r.url}/readyz`)).status === 200;
      const end = Date.now() + 10_000;
      while (!(await ready()) && Date.now() < end) await new Promise((x) => setTimeout(x, 50));
      expect(await ready()).toBe(true);
    }
    api.addPod(pod('first'));
    await until(() => api.bindings.length === 1, 'the first binding', 10_000);
    const metrics = (await get(`${leader.url}/metrics`)).text;
    expect(metrics).toMatch(/leader_election_master_status\{name="podfit-scheduler"\} 1/);
    expect(metrics).toMatch(/scheduler_schedule_attempts_total\{result="scheduled",profile="podfit"\} 1/);
    expect(metrics).toMatch(/scheduler_pending_pods\{queue="active"\} 0/);
    expect((await get(`${standby.url}/metrics`)).text).toMatch(/leader_election_master_status\{name="podfit-scheduler"\} 0/);

    // SIGKILL: the standby waits out the lease, then binds.
    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    api.addPod(pod('second'));
    await until(() => api.bindings.length === 2, 'the standby binding', 15_000);
    const failoverMs = Date.now() - killedAt;
    expect(holder()).toBe(standbyId);
    expect(failoverMs).toBeLessThan(LEASE.duration + LEASE.retry * 2.2 + 1500);

    // SIGTERM: bindings finish, the Lease is released, exit code 0.
    standby.child.kill('SIGTERM');
    expect(await standby.exited).toBe(0);
    const spec = (api.objectsOf('coordination.k8s.io/v1/leases')[0] as unknown as { spec: { holderIdentity: string; leaseDurationSeconds: number } }).spec;
    expect(spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
  }, 60_000);
});

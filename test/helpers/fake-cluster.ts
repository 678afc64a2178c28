/**
 * A fake API server (test/cluster/live-fake-apiserver.ts) holding a set of objects under the
 * resources `podfit snapshot` lists, with a kubeconfig file for it, and servers that fail the way
 * an unreachable cluster does (refusing, or accepting and never answering).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SNAPSHOT_RESOURCES, type SnapshotResource } from '../../src/cluster/collect.js';
import { FakeApiServer } from '../cluster/live-fake-apiserver.js';
import { tlsFile } from '../extender/helpers.js';

type Obj = Parameters<FakeApiServer['put']>[1];

/** The fake server's name of a resource: `pods`, `apps/v1/deployments`. */
export const fakeResource = (r: SnapshotResource): string => (r.apiVersion === 'v1' ? r.resource : `${r.apiVersion}/${r.resource}`);

/** The fake server's name of the resource holding objects of `kind`. */
export function fakeResourceOfKind(kind: string): string {
  const r = SNAPSHOT_RESOURCES.find((x) => x.kind === kind);
  if (!r) throw new Error(`no snapshot resource for kind ${kind}`);
  return fakeResource(r);
}

/** A running fake cluster and a kubeconfig file for it. */
export interface FakeCluster {
  readonly api: FakeApiServer;
  readonly dir: string;
  readonly kubeconfig: string;
  /** Writes another kubeconfig (e.g. a wrong token, no CA) and returns its path. */
  writeKubeconfig(name: string, edit: (text: string) => string): string;
  stop(): Promise<void>;
}

/** Starts a fake API server holding `items` (by kind). */
export async function startFakeCluster(items: readonly Record<string, unknown>[]): Promise<FakeCluster> {
  const api = new FakeApiServer({ cert: tlsFile('server.crt'), key: tlsFile('server.key') });
  await api.start();
  for (const o of items) api.put(fakeResourceOfKind(String(o.kind)), structuredClone(o) as Obj);
  const dir = mkdtempSync(path.join(tmpdir(), 'podfit-fake-cluster-'));
  const text = api.kubeconfig(tlsFile('ca.crt'));
  const writeKubeconfig = (name: string, edit: (t: string) => string) => {
    const file = path.join(dir, name);
    writeFileSync(file, edit(text));
    return file;
  };
  return {
    api, dir, kubeconfig: writeKubeconfig('kubeconfig', (t) => t), writeKubeconfig,
    stop: async () => {
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A server that hangs: `tcp` accepts connections and never speaks (no TLS handshake); `https` never answers a request. */
export async function hangingServer(mode: 'tcp' | 'https'): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = mode === 'tcp'
    ? createNetServer(() => {})
    : createHttpsServer({ cert: tlsFile('server.crt'), key: tlsFile('server.key') }, () => {});
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `https://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

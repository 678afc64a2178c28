/**
 * Reading a live cluster for a command (`snapshot`, `capacity --kubeconfig`): the KubeConfig of
 * the flags (a kubeconfig file and one of its contexts, or the pod's service account), the
 * collector (src/cluster/collect.ts) with bounded connect and request times, and a progress line
 * on stderr when it is a terminal.
 */
import { InputError } from '../api/errors.js';
import type { CollectResult } from '../cluster/collect.js';
import { SNAPSHOT_CONNECT_TIMEOUT_MS } from '../model/limits.js';
import { UsageError } from './errors.js';
import type { CliIO } from './main.js';

/** The flags that say which cluster to read. */
export interface LiveClusterFlags {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
}

/** The progress line is redrawn at most this often. */
const PROGRESS_INTERVAL_MS = 100;

/** Lists the cluster once; `timeoutMs` bounds each request (connecting: the smaller of it and SNAPSHOT_CONNECT_TIMEOUT_MS). */
export async function readLiveCluster(flags: LiveClusterFlags, timeoutMs: number, io: CliIO): Promise<CollectResult> {
  if (flags.context && !flags.kubeconfig) throw new UsageError('--context needs --kubeconfig');
  const kc = await loadKubeConfig(flags);
  // Loaded only here: the collector pulls in the client library.
  const { collectClusterObjects } = await import('../cluster/collect.js');
  const progress = io.stderrIsTTY ? progressLine(io) : undefined;
  try {
    return await collectClusterObjects(kc, { requestTimeoutMs: timeoutMs, connectTimeoutMs: Math.min(timeoutMs, SNAPSHOT_CONNECT_TIMEOUT_MS), onProgress: progress?.update });
  } finally {
    progress?.clear();
  }
}

/** The KubeConfig of the flags: a file (and a context of it) or the pod's service account. */
export async function loadKubeConfig(flags: LiveClusterFlags) {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const where = flags.kubeconfig ?? 'in-cluster config';
  if (flags.inCluster && !process.env.KUBERNETES_SERVICE_HOST) {
    throw new UsageError('--in-cluster: KUBERNETES_SERVICE_HOST is not set (podfit is not running in a pod); use --kubeconfig');
  }
  try {
    if (flags.kubeconfig) kc.loadFromFile(flags.kubeconfig);
    else kc.loadFromCluster();
  } catch (e) {
    throw new InputError(`${where}: ${(e as Error).message}`);
  }
  if (flags.context) {
    if (!kc.getContextObject(flags.context)) {
      throw new InputError(`${where}: no context "${flags.context}" (contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    }
    kc.setCurrentContext(flags.context);
  }
  if (!kc.getCurrentCluster()) throw new InputError(`${where}: no current cluster (set current-context, or pass --context)`);
  return kc;
}

/** `listing pods: 12,500`, redrawn in place on a terminal. */
function progressLine(io: CliIO): { update: (resource: string, count: number) => void; clear: () => void } {
  let last = 0;
  let lastResource = '';
  let drawn = false;
  return {
    update: (resource, count) => {
      const now = Date.now();
      if (resource === lastResource && now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      lastResource = resource;
      drawn = true;
      io.stderr(`\r\x1b[Klisting ${resource}: ${count.toLocaleString('en-US')}`);
    },
    clear: () => {
      if (drawn) io.stderr('\r\x1b[K');
    },
  };
}


/**
 * Reading a live cluster once, for `podfit snapshot` and for commands that take `--kubeconfig`
 * instead of a snapshot file (`podfit capacity`): a paginated list of every resource in
 * SNAPSHOT_RESOURCES, each object stamped with the kind and apiVersion its list leaves out, and
 * pruned (prune.ts) as it arrives so a large cluster never sits in memory at full size.
 *
 * - Pages of `limit=500` follow `metadata.continue`; a continue token that expires between pages
 *   (410, reason Expired: etcd compacted past the list's resourceVersion) starts that resource's
 *   list over, as client-go's pager does, at most SNAPSHOT_LIST_RESTARTS_MAX times.
 * - Each resource is listed at its own resourceVersion: the result is not one point in time (a pod
 *   bound to a node created after the node list is reported by snapshotFromRaw and skipped).
 * - A resource outside core/v1 the server does not serve (404: an older cluster without CSINode,
 *   say) is skipped with a warning; every other failure stops the collection with a PodfitError naming the server
 *   and the cause (unreachable, 401, 403 with the resource and the RBAC file to apply).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { RawObject } from '../api/objects.js';
import { PodfitError } from '../model/error-codes.js';
import {
  LIVE_LIST_PAGE_SIZE, SNAPSHOT_CONNECT_TIMEOUT_MS, SNAPSHOT_LIST_RESTARTS_MAX, SNAPSHOT_REQUEST_TIMEOUT_MS,
} from '../model/limits.js';
import { KubeApi, KubeApiError, statusMessage } from './kube-api.js';
import { pruneObject } from './prune.js';

/** One resource the snapshot lists. */
export interface SnapshotResource {
  /** The kind of its items, e.g. `Pod`. */
  readonly kind: string;
  /** Group version, e.g. `v1`, `apps/v1`. */
  readonly apiVersion: string;
  /** The plural resource name the API path and RBAC use, e.g. `pods`. */
  readonly resource: string;
  readonly fieldSelector?: string;
}

/** kube-scheduler's informer selector for pods that hold resources (the snapshot's and live.ts's). */
export const NON_TERMINAL_PODS_SELECTOR = 'status.phase!=Succeeded,status.phase!=Failed';

/**
 * What a snapshot holds, in output order: nodes first (node order is input order for the
 * scheduler), then what pods refer to, then pods and their owners. deploy/snapshot-rbac.yaml
 * grants list on exactly these (test/cluster/snapshot-rbac.test.ts reads this table).
 */
export const SNAPSHOT_RESOURCES: readonly SnapshotResource[] = [
  { kind: 'Node', apiVersion: 'v1', resource: 'nodes' },
  { kind: 'Namespace', apiVersion: 'v1', resource: 'namespaces' },
  { kind: 'PriorityClass', apiVersion: 'scheduling.k8s.io/v1', resource: 'priorityclasses' },
  { kind: 'Pod', apiVersion: 'v1', resource: 'pods', fieldSelector: NON_TERMINAL_PODS_SELECTOR },
  { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1', resource: 'poddisruptionbudgets' },
  { kind: 'Service', apiVersion: 'v1', resource: 'services' },
  { kind: 'ReplicationController', apiVersion: 'v1', resource: 'replicationcontrollers' },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', resource: 'replicasets' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', resource: 'statefulsets' },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', resource: 'daemonsets' },
  { kind: 'Deployment', apiVersion: 'apps/v1', resource: 'deployments' },
  { kind: 'Job', apiVersion: 'batch/v1', resource: 'jobs' },
  { kind: 'PersistentVolumeClaim', apiVersion: 'v1', resource: 'persistentvolumeclaims' },
  { kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1', resource: 'storageclasses' },
  { kind: 'CSINode', apiVersion: 'storage.k8s.io/v1', resource: 'csinodes' },
];

/** The API group of a resource (`''` for the core group), as RBAC rules name it. */
export const apiGroupOf = (r: SnapshotResource): string => (r.apiVersion.includes('/') ? r.apiVersion.split('/')[0]! : '');

/** The cluster-wide list path of a resource. */
export const listPathOf = (r: SnapshotResource): string =>
  r.apiVersion === 'v1' ? `/api/v1/${r.resource}` : `/apis/${r.apiVersion}/${r.resource}`;

/** `pods` or `poddisruptionbudgets.policy`: how kubectl and RBAC errors name a resource. */
export const resourceNameOf = (r: SnapshotResource): string => (apiGroupOf(r) ? `${r.resource}.${apiGroupOf(r)}` : r.resource);

/** Collection settings. */
export interface CollectOptions {
  readonly pageSize?: number;
  readonly requestTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Keep objects whole (tests compare pruned and unpruned snapshots); default false. */
  readonly keepAll?: boolean;
  /** After every page: the resource and how many of its objects have arrived. */
  readonly onProgress?: (resource: string, count: number) => void;
}

/** What a collection returns. */
export interface CollectResult {
  /** The objects, kind and apiVersion set, in SNAPSHOT_RESOURCES order; `where` names resource and index. */
  readonly items: RawObject[];
  /** Objects per kind, in SNAPSHOT_RESOURCES order (0 for a kind the cluster has none of). */
  readonly counts: ReadonlyMap<string, number>;
  /** Resources skipped because the server does not serve them. */
  readonly warnings: string[];
  /** The API server's URL, for messages (and as the `fileName` of snapshotFromRaw). */
  readonly server: string;
}

type ListPage = { metadata?: { continue?: string }; items?: Record<string, unknown>[] | null };

/** Lists every resource of SNAPSHOT_RESOURCES once. Throws PodfitError (LIVE_*) on failure. */
export async function collectClusterObjects(kc: KubeConfig, opts: CollectOptions = {}): Promise<CollectResult> {
  const api = new KubeApi(kc, opts.requestTimeoutMs ?? SNAPSHOT_REQUEST_TIMEOUT_MS, opts.connectTimeoutMs ?? SNAPSHOT_CONNECT_TIMEOUT_MS);
  const server = api.server;
  const items: RawObject[] = [];
  const counts = new Map<string, number>();
  const warnings: string[] = [];
  for (const r of SNAPSHOT_RESOURCES) {
    const got = await listResource(api, server, r, opts);
    if (got === null) {
      warnings.push(`${server}: the server does not serve ${resourceNameOf(r)} (${r.apiVersion}); the snapshot has none`);
      counts.set(r.kind, 0);
      continue;
    }
    got.forEach((obj, i) => items.push({ obj, where: `${r.resource}[${i}]` }));
    counts.set(r.kind, got.length);
  }
  return { items, counts, warnings, server };
}

/** One resource, all pages; null when the server does not serve its group version (404). */
async function listResource(api: KubeApi, server: string, r: SnapshotResource, opts: CollectOptions): Promise<Record<string, unknown>[] | null> {
  const path = listPathOf(r);
  for (let restarts = 0; ; restarts++) {
    const out: Record<string, unknown>[] = [];
    let cont = '';
    try {
      do {
        const q = new URLSearchParams({ limit: String(opts.pageSize ?? LIVE_LIST_PAGE_SIZE) });
        if (cont) q.set('continue', cont);
        if (r.fieldSelector) q.set('fieldSelector', r.fieldSelector);
        const page = await getPage(api, server, r, `${path}?${q}`);
        for (const it of page.items ?? []) {
          // Items of a raw list carry neither kind nor apiVersion: the list's type gives both.
          const obj = { apiVersion: r.apiVersion, kind: r.kind, ...it };
          out.push(opts.keepAll ? obj : pruneObject(obj));
        }
        cont = page.metadata?.continue ?? '';
        opts.onProgress?.(r.resource, out.length);
      } while (cont);
      return out;
    } catch (e) {
      if (!(e instanceof KubeApiError)) throw e;
      // Every API server serves core/v1: a 404 there means the URL is not one.
      if (e.statusCode === 404 && r.apiVersion !== 'v1') return null;
      if (e.statusCode === 404) throw new PodfitError('PODFIT_ERR_LIVE_LIST_FAILED', `${server}: listing ${resourceNameOf(r)}: 404 (is ${server} a Kubernetes API server?)`, { cause: e });
      const expired = e.statusCode === 410 && cont !== '';
      if (!expired) throw new PodfitError('PODFIT_ERR_LIVE_LIST_FAILED', `${server}: listing ${resourceNameOf(r)}: ${e.message}`, { cause: e });
      if (restarts >= SNAPSHOT_LIST_RESTARTS_MAX) {
        throw new PodfitError('PODFIT_ERR_LIVE_LIST_FAILED', `${server}: listing ${resourceNameOf(r)}: the continue token expired ${restarts + 1} times (etcd compacted faster than the list advanced); retry`, { cause: e });
      }
      // Start this resource over: a continue token past compaction cannot be resumed.
    }
  }
}

/** One GET of a list page, with transport and API failures turned into PodfitErrors. */
async function getPage(api: KubeApi, server: string, r: SnapshotResource, pathAndQuery: string): Promise<ListPage> {
  let res: { statusCode: number; body: string };
  try {
    res = await api.request('GET', pathAndQuery);
  } catch (e) {
    throw new PodfitError('PODFIT_ERR_LIVE_UNREACHABLE', `cannot reach the API server ${server}: ${transportCause(e)}`, { cause: e });
  }
  const code = res.statusCode;
  if (code >= 200 && code <= 299) {
    try {
      return JSON.parse(res.body) as ListPage;
    } catch (e) {
      throw new PodfitError('PODFIT_ERR_LIVE_LIST_FAILED', `${server}: listing ${resourceNameOf(r)}: the answer is not JSON (is ${server} a Kubernetes API server?)`, { cause: e });
    }
  }
  const { message, reason } = statusMessage(code, res.body);
  if (code === 401) {
    throw new PodfitError('PODFIT_ERR_LIVE_UNAUTHORIZED', `the API server ${server} rejected the kubeconfig's credentials (401 ${message}); refresh the token or client certificate of the context`);
  }
  if (code === 403) {
    throw new PodfitError('PODFIT_ERR_LIVE_FORBIDDEN', `${server}: not allowed to list ${resourceNameOf(r)} (403: ${message}); podfit snapshot needs get/list on every resource in deploy/snapshot-rbac.yaml (kubectl apply -f deploy/snapshot-rbac.yaml, or bind your user to that ClusterRole)`);
  }
  throw new KubeApiError(code, `GET ${pathAndQuery}: ${message}`, reason);
}

/** Node's transport error codes, in words a user can act on. */
const TRANSPORT_CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is the server address right, and the API server up?)',
  ENOTFOUND: 'DNS lookup failed (no such host)',
  EAI_AGAIN: 'DNS lookup failed (temporary failure in name resolution)',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'the connection was closed',
};

/** The cause of a failed request: refused, DNS, TLS, timeout, ... */
export function transportCause(e: unknown): string {
  const err = e as (Error & { code?: string }) | undefined;
  const code = typeof err?.code === 'string' ? err.code : '';
  const known = TRANSPORT_CAUSES[code];
  if (known) return `${known} [${code}]`;
  if (code === 'ETIMEDOUT') return `timed out: ${err!.message}`;
  // TLS: certificate verification (Node's codes are OpenSSL's) and handshake failures.
  if (/CERT|SELF_SIGNED|UNABLE_TO_|TLS|SSL|EPROTO/.test(code)) {
    return `TLS error: ${err!.message} [${code}] (check certificate-authority(-data) and the server name in the kubeconfig)`;
  }
  return err instanceof Error ? `${err.message}${code ? ` [${code}]` : ''}` : String(e);
}

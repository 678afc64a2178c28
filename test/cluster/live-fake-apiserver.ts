/**
 * A small fake kube-apiserver for the live path: HTTPS with the test CA, bearer-token auth, and
 * the real wire format of what podfit uses:
 *
 * - GET /api/v1/<resource> and /apis/<group>/<version>/<resource> (?limit=&continue=&fieldSelector=):
 *   paginated lists (`metadata.continue`, `metadata.resourceVersion`, items without kind and
 *   apiVersion as the real server sends them), a continue token that can be made to expire (410,
 *   reason Expired), a resource that can be made forbidden (403 with kube's RBAC message) or not
 *   served (404); any resource path is served, empty until objects are put there;
 * - the same with `watch=true&resourceVersion=`: a chunked stream of `{"type","object"}` lines,
 *   BOOKMARKs when asked, and for a resourceVersion older than the compaction point the real
 *   server's answer: 200, then an ERROR event carrying a 410 Expired Status;
 * - POST /api/v1/namespaces/{ns}/pods/{name}/binding : sets spec.nodeName (UID precondition,
 *   409 when already assigned, 404 when missing) and emits a MODIFIED event; failures injectable;
 * - GET /api/v1/namespaces/{ns}/pods/{name}; DELETE of it (UID precondition, DELETED event);
 * - PATCH /api/v1/namespaces/{ns}/pods/{name}/status (strategic merge: conditions merged by type,
 *   other status fields replaced);
 * - coordination.k8s.io/v1 Leases: GET, POST (409 AlreadyExists), PUT with optimistic concurrency
 *   (409 Conflict when metadata.resourceVersion is not the stored one); `leaseDown` fails them all;
 * - events.k8s.io/v1 Events (and core v1 events): POST stores them.
 *
 * Objects change through the test's calls (addNode, addPod, deletePod, put...), each bumping the
 * global resourceVersion and appending to the event history. A resource is named by its plural
 * for the core group (`nodes`, `pods`, `services`) and `<group>/<version>/<plural>` otherwise
 * (`apps/v1/deployments`).
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

type Obj = { metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string }; [k: string]: unknown };
/** A resource: `pods`, or `apps/v1/deployments` outside the core group. */
type Kind = string;
interface Event { rv: number; kind: Kind; type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: Obj }

/** The list kind of a resource (`PodList`), from its plural; `List` for one not named here. */
const LIST_KINDS: Record<string, string> = {
  nodes: 'NodeList', pods: 'PodList', namespaces: 'NamespaceList', services: 'ServiceList',
  replicationcontrollers: 'ReplicationControllerList', persistentvolumeclaims: 'PersistentVolumeClaimList',
  priorityclasses: 'PriorityClassList', poddisruptionbudgets: 'PodDisruptionBudgetList', replicasets: 'ReplicaSetList',
  statefulsets: 'StatefulSetList', daemonsets: 'DaemonSetList', deployments: 'DeploymentList', jobs: 'JobList',
  storageclasses: 'StorageClassList', csinodes: 'CSINodeList',
};
const plural = (kind: Kind) => kind.slice(kind.lastIndexOf('/') + 1);
const groupOf = (kind: Kind) => (kind.includes('/') ? kind.slice(0, kind.indexOf('/')) : '');
const listApiVersion = (kind: Kind) => (kind.includes('/') ? kind.slice(0, kind.lastIndexOf('/')) : 'v1');

const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

/** The fake API server. */
export class FakeApiServer {
  private server: Server;
  private rv = 100;
  private readonly objects = new Map<Kind, Map<string, Obj>>();
  private history: Event[] = [];
  /** Watches with resourceVersion below this get 410 (etcd compaction). */
  compactedRv = 0;
  private readonly watchers = new Set<{ kind: Kind; res: ServerResponse; selector?: (o: Obj) => boolean }>();
  private readonly sockets = new Set<Socket>();
  /** Requests seen, for assertions: method + path (without query) + query. */
  readonly requests: Array<{ method: string; path: string; query: URLSearchParams }> = [];
  /** While true every Lease request answers 500 (an API server that cannot reach etcd). */
  leaseDown = false;
  /** Successful bindings, in order: `ns/name -> node` (a pod bound twice would show twice). */
  readonly bindings: Array<{ pod: string; node: string }> = [];
  /** Delay before answering a binding (a slow API server), ms. */
  bindDelayMs = 0;
  /** Called before a binding is handled (a test binds the pod elsewhere first). */
  beforeBinding: ((ns: string, name: string) => void) | null = null;
  /** Binding requests to fail before succeeding: each entry is the HTTP status to answer. */
  bindFailures: number[] = [];
  /** When false, a successful binding does not emit the pod's MODIFIED event (a lagging watch). */
  emitBindEvents = true;
  /** The next N list requests carrying a continue token get 410 Expired. */
  expireContinues = 0;
  /** The next N watch requests (of any resource) get the answer for a compacted resourceVersion: 200, then ERROR 410 Expired. */
  expireWatches = 0;
  /** The next N list requests fail with 500; the next N watch requests fail with 500. */
  failLists = 0;
  failWatches = 0;
  /** When set, watches answer 200 and end at once (a proxy cutting streams). */
  closeWatchesAtOnce = false;
  /** Resources whose lists answer 403 Forbidden (RBAC without them). */
  readonly forbidden = new Set<Kind>();
  /** Resources the server does not serve (404, an API the cluster lacks). */
  readonly notServed = new Set<Kind>();
  url = '';

  constructor(readonly tls: { cert: string; key: string }, readonly token = 'test-token') {
    this.server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => this.handle(req, res));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** A kubeconfig for this server (CA data inline, token user). */
  kubeconfig(ca: string): string {
    return [
      'apiVersion: v1', 'kind: Config', 'current-context: fake',
      'clusters:', '- name: fake', '  cluster:', `    server: ${this.url}`, `    certificate-authority-data: ${Buffer.from(ca).toString('base64')}`,
      'users:', '- name: podfit', '  user:', `    token: ${this.token}`,
      'contexts:', '- name: fake', '  context: {cluster: fake, user: podfit}', '',
    ].join('\n');
  }

  /** Drops every open connection (watches included), like an API server restart. */
  dropConnections(): void {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
    for (const s of this.sockets) s.destroy();
  }

  /** Ends every watch stream normally, as the server does when timeoutSeconds runs out. */
  endWatches(kind?: Kind): void {
    for (const w of [...this.watchers]) {
      if (kind && w.kind !== kind) continue;
      w.res.end();
      this.watchers.delete(w);
    }
  }

  /** Compacts history: watches from older resourceVersions now get 410 Expired. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history = [];
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** Open watches per resource. */
  watchCount(kind: Kind): number {
    return [...this.watchers].filter((w) => w.kind === kind).length;
  }

  private key(kind: Kind, o: Obj): string {
    return kind === 'pods' ? `${o.metadata.namespace ?? 'default'}/${o.metadata.name}` : o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
  }

  private store(kind: Kind): Map<string, Obj> {
    let m = this.objects.get(kind);
    if (!m) this.objects.set(kind, (m = new Map()));
    return m;
  }

  private emit(kind: Kind, type: Event['type'], o: Obj, record = true): void {
    this.rv++;
    const obj = structuredClone(o);
    obj.metadata.resourceVersion = String(this.rv);
    if (type === 'DELETED') this.store(kind).delete(this.key(kind, obj));
    else this.store(kind).set(this.key(kind, obj), obj);
    const ev: Event = { rv: this.rv, kind, type, object: obj };
    if (record) this.history.push(ev);
    for (const w of this.watchers) {
      if (w.kind !== kind) continue;
      if (w.selector && !w.selector(obj)) {
        // An object leaving a field selector is a DELETED for that watch.
        if (type !== 'DELETED') w.res.write(`${JSON.stringify({ type: 'DELETED', object: obj })}\n`);
        continue;
      }
      w.res.write(`${JSON.stringify({ type, object: obj })}\n`);
    }
  }

  /** Adds or replaces an object of any resource (kind and apiVersion are dropped from lists, as the real server does). */
  put(kind: Kind, o: Obj): void {
    this.emit(kind, this.store(kind).has(this.key(kind, o)) ? 'MODIFIED' : 'ADDED', o);
  }
  addNode(n: Obj): void {
    this.put('nodes', n);
  }
  deleteNode(name: string): void {
    const o = this.store('nodes').get(name);
    if (o) this.emit('nodes', 'DELETED', o);
  }
  addPod(p: Obj): void {
    this.put('pods', p);
  }
  deletePod(ns: string, name: string): void {
    const o = this.store('pods').get(`${ns}/${name}`);
    if (o) this.emit('pods', 'DELETED', o);
  }
  pod(ns: string, name: string): Obj | undefined {
    return this.store('pods').get(`${ns}/${name}`);
  }

  private send(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private selectorFor(q: URLSearchParams): ((o: Obj) => boolean) | undefined {
    const fs = q.get('fieldSelector');
    if (!fs) return undefined;
    const excluded = fs.split(',').map((c) => /^status\.phase!=(.+)$/.exec(c)?.[1]).filter(Boolean) as string[];
    return (o) => !excluded.includes(((o as { status?: { phase?: string } }).status?.phase) ?? '');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', 'https://x');
    this.requests.push({ method: req.method ?? '', path: u.pathname, query: u.searchParams });
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const list = /^\/api\/v1\/([a-z]+)$/.exec(u.pathname) ?? /^\/apis\/([a-z0-9.-]+\/[a-z0-9]+\/[a-z]+)$/.exec(u.pathname);
    if (list && req.method === 'GET') {
      const kind = list[1]!;
      if (this.notServed.has(kind)) return this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      if (this.forbidden.has(kind)) {
        const group = groupOf(kind);
        return this.send(res, 403, status(403, 'Forbidden', `${plural(kind)}${group ? `.${group}` : ''} is forbidden: User "system:serviceaccount:podfit-system:podfit-snapshot" cannot list resource "${plural(kind)}" in API group "${group}" at the cluster scope`));
      }
      const watching = u.searchParams.get('watch') === 'true';
      if (watching ? this.failWatches > 0 : this.failLists > 0) {
        if (watching) this.failWatches--;
        else this.failLists--;
        return this.send(res, 500, status(500, 'InternalError', 'Internal error occurred: injected'));
      }
      if (watching) return this.watch(kind, u.searchParams, res);
      return this.list(kind, u.searchParams, res);
    }
    const bind = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/binding$/.exec(u.pathname);
    if (bind && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const go = () => {
          this.beforeBinding?.(bind[1]!, bind[2]!);
          this.binding(bind[1]!, bind[2]!, JSON.parse(Buffer.concat(chunks).toString()) as Obj & { target: { name: string } }, res);
        };
        if (this.bindDelayMs > 0) setTimeout(go, this.bindDelayMs);
        else go();
      });
      return;
    }
    const get = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(u.pathname);
    if (get && req.method === 'GET') {
      const p = this.pod(get[1]!, get[2]!);
      return p ? this.send(res, 200, { apiVersion: 'v1', kind: 'Pod', ...p }) : this.send(res, 404, status(404, 'NotFound', `pods "${get[2]}" not found`));
    }
    if (get && req.method === 'DELETE') return this.withBody(req, (b) => this.deletePodRequest(get[1]!, get[2]!, b, res));
    const podStatus = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/status$/.exec(u.pathname);
    if (podStatus && req.method === 'PATCH') return this.withBody(req, (b) => this.patchPodStatus(podStatus[1]!, podStatus[2]!, b, req.headers['content-type'] ?? '', res));
    const lease = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/.exec(u.pathname);
    if (lease) {
      if (this.leaseDown) return this.send(res, 500, status(500, 'InternalError', 'Internal error occurred: etcdserver: request timed out'));
      return this.withBody(req, (b) => this.leaseRequest(req.method ?? '', lease[1]!, lease[2], b, res));
    }
    const events = /^\/apis\/events\.k8s\.io\/v1\/namespaces\/([^/]+)\/events$/.exec(u.pathname) ?? /^\/api\/v1\/namespaces\/([^/]+)\/events$/.exec(u.pathname);
    if (events && req.method === 'POST') {
      const kind = u.pathname.startsWith('/apis/') ? 'events.k8s.io/v1/events' : 'events';
      return this.withBody(req, (b) => {
        const o = b as Obj;
        o.metadata.namespace ??= events[1]!;
        this.put(kind, o);
        this.send(res, 201, this.store(kind).get(this.key(kind, o)));
      });
    }
    this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  }

  /** Objects of a resource (tests read Events and Leases). */
  objectsOf(kind: Kind): Obj[] {
    return [...this.store(kind).values()];
  }

  private withBody(req: IncomingMessage, f: (body: unknown) => void): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      f(text ? JSON.parse(text) : undefined);
    });
  }

  private deletePodRequest(ns: string, name: string, body: unknown, res: ServerResponse): void {
    const p = this.pod(ns, name);
    if (!p) return this.send(res, 404, status(404, 'NotFound', `pods "${name}" not found`));
    const uid = (body as { preconditions?: { uid?: string } } | undefined)?.preconditions?.uid;
    if (uid && uid !== p.metadata.uid) return this.send(res, 409, status(409, 'Conflict', `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${p.metadata.uid}`));
    this.emit('pods', 'DELETED', p);
    this.send(res, 200, { apiVersion: 'v1', kind: 'Pod', ...p });
  }

  /** Strategic merge of a status patch: conditions merge by type, other fields replace. */
  private patchPodStatus(ns: string, name: string, body: unknown, contentType: string, res: ServerResponse): void {
    if (!contentType.startsWith('application/strategic-merge-patch+json') && !contentType.startsWith('application/merge-patch+json')) {
      return this.send(res, 415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`));
    }
    const p = this.pod(ns, name);
    if (!p) return this.send(res, 404, status(404, 'NotFound', `pods "${name}" not found`));
    const patch = (body as { status?: Record<string, unknown> }).status ?? {};
    const updated = structuredClone(p);
    const st = ((updated as { status?: Record<string, unknown> }).status ??= {});
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'conditions' && contentType.startsWith('application/strategic')) {
        const conds = ((st.conditions as Array<{ type: string }> | undefined) ?? []).slice();
        for (const c of v as Array<{ type: string }>) {
          const i = conds.findIndex((x) => x.type === c.type);
          if (i >= 0) conds[i] = { ...conds[i], ...c };
          else conds.push(c);
        }
        st.conditions = conds;
      } else if (v === null) delete st[k];
      else st[k] = v;
    }
    this.emit('pods', 'MODIFIED', updated);
    this.send(res, 200, { apiVersion: 'v1', kind: 'Pod', ...this.pod(ns, name) });
  }

  private leaseRequest(method: string, ns: string, name: string | undefined, body: unknown, res: ServerResponse): void {
    const kind = 'coordination.k8s.io/v1/leases';
    const wire = (o: Obj) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...o });
    if (method === 'GET' && name) {
      const o = this.store(kind).get(`${ns}/${name}`);
      return o ? this.send(res, 200, wire(o)) : this.send(res, 404, status(404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`));
    }
    const o = body as Obj;
    if (method === 'POST' && !name) {
      o.metadata.namespace = ns;
      if (this.store(kind).has(`${ns}/${o.metadata.name}`)) return this.send(res, 409, status(409, 'AlreadyExists', `leases.coordination.k8s.io "${o.metadata.name}" already exists`));
      this.put(kind, o);
      return this.send(res, 201, wire(this.store(kind).get(`${ns}/${o.metadata.name}`)!));
    }
    if (method === 'PUT' && name) {
      const cur = this.store(kind).get(`${ns}/${name}`);
      if (!cur) return this.send(res, 404, status(404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`));
      if (o.metadata.resourceVersion !== cur.metadata.resourceVersion) {
        return this.send(res, 409, status(409, 'Conflict', `Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`));
      }
      o.metadata.namespace = ns;
      this.put(kind, o);
      return this.send(res, 200, wire(this.store(kind).get(`${ns}/${name}`)!));
    }
    this.send(res, 405, status(405, 'MethodNotAllowed', `${method} is not allowed`));
  }

  private list(kind: Kind, q: URLSearchParams, res: ServerResponse): void {
    const limit = Number(q.get('limit') ?? '0') || Infinity;
    const cont = q.get('continue');
    let offset = 0;
    let listRv = this.rv;
    if (cont) {
      const [rv, off] = cont.split(':').map(Number) as [number, number];
      if (this.expireContinues > 0) {
        this.expireContinues--;
        return this.send(res, 410, status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'));
      }
      offset = off;
      listRv = rv;
    }
    const sel = this.selectorFor(q);
    const all = [...this.store(kind).values()].filter((o) => !sel || sel(o));
    // Items of a list carry neither kind nor apiVersion: the list's own fields say both.
    const items = all.slice(offset, offset + limit).map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
    const more = offset + limit < all.length;
    this.send(res, 200, {
      kind: LIST_KINDS[plural(kind)] ?? 'List',
      apiVersion: listApiVersion(kind),
      metadata: { resourceVersion: String(listRv), ...(more ? { continue: `${listRv}:${offset + limit}` } : {}) },
      items,
    });
  }

  private watch(kind: Kind, q: URLSearchParams, res: ServerResponse): void {
    const from = Number(q.get('resourceVersion') ?? '0');
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    if (from < this.compactedRv || this.expireWatches > 0) {
      if (this.expireWatches > 0) this.expireWatches--;
      res.write(`${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${from} (${this.compactedRv})`) })}\n`);
      res.end();
      return;
    }
    if (this.closeWatchesAtOnce) {
      res.end();
      return;
    }
    const sel = this.selectorFor(q);
    for (const ev of this.history) {
      if (ev.kind === kind && ev.rv > from && (!sel || sel(ev.object))) res.write(`${JSON.stringify({ type: ev.type, object: ev.object })}\n`);
    }
    if (q.get('allowWatchBookmarks') === 'true') {
      res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: (LIST_KINDS[plural(kind)] ?? 'List').replace(/List$/, ''), apiVersion: listApiVersion(kind), metadata: { resourceVersion: String(this.rv) } } })}\n`);
    }
    const w = { kind, res, selector: sel };
    this.watchers.add(w);
    res.on('close', () => this.watchers.delete(w));
  }

  private binding(ns: string, name: string, b: Obj & { target: { name: string } }, res: ServerResponse): void {
    const injected = this.bindFailures.shift();
    if (injected !== undefined) return this.send(res, injected, status(injected, injected === 403 ? 'Forbidden' : 'InternalError', injected === 403 ? `pods "${name}" is forbidden: User "system:serviceaccount:kube-system:podfit" cannot create resource "pods/binding"` : 'etcdserver: request timed out'));
    const pod = this.pod(ns, name);
    if (!pod) return this.send(res, 404, status(404, 'NotFound', `pods "${name}" not found`));
    if (b.metadata.uid && pod.metadata.uid !== b.metadata.uid) {
      return this.send(res, 409, status(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${name}": Precondition failed: UID in precondition: ${b.metadata.uid}, UID in object meta: ${pod.metadata.uid}`));
    }
    const spec = pod.spec as { nodeName?: string };
    if (spec.nodeName) {
      return this.send(res, 409, status(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${spec.nodeName}"`));
    }
    const updated = structuredClone(pod);
    (updated.spec as { nodeName?: string }).nodeName = b.target.name;
    this.bindings.push({ pod: `${ns}/${name}`, node: b.target.name });
    if (this.emitBindEvents) this.emit('pods', 'MODIFIED', updated);
    else this.store('pods').set(`${ns}/${name}`, updated);
    this.send(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }
}

/**
 * What the standalone scheduler writes to the API besides Bindings (cluster/binder.ts), each the
 * way kube-scheduler writes it (K8S-FACTS.md §6.3):
 *
 * - the PodScheduled=False condition (reason Unschedulable or SchedulerError, the FitError text as
 *   message) and status.nominatedNodeName: a strategic-merge PATCH of pods/status, so the
 *   conditions list merges by `type` (kube's util.PatchPodStatus), sent only when something changed
 *   (kube's updatePod: podutil.UpdatePodCondition reports no change, nomination unchanged);
 * - Events through events.k8s.io/v1, as kube-scheduler's events broadcaster writes them when the
 *   API serves that group (it does since 1.19): `Scheduled` (Normal, action `Binding`, note
 *   `Successfully assigned <ns>/<pod> to <node>`), `FailedScheduling` (Warning, action `Scheduling`,
 *   the FitError text cut to 1024 characters), `Preempted` on victims (Normal, action `Preempting`);
 *   reportingController is the profile's schedulerName, the name `<pod>.<hex nanoseconds>`.
 *   podfit writes each event once (no series aggregation, kube's PATCH of a repeated event);
 * - Bindings (pods/binding, with metadata.uid as kube's DefaultBinder sends it), with
 *   cluster/binder.ts's semantics over raw JSON on kept-alive connections: transient failures
 *   retried, a 409 checked against the pod (already on that node: done; else a conflict);
 * - preemption victims: the DisruptionTarget condition (reason PreemptionByScheduler) patched onto
 *   the victim, then the pod deleted (kube's PrepareCandidate / util.DeletePod).
 */
import type { Pod } from '../api/k8s.js';
import { KubeApiError, statusMessage, type KubeApi } from '../cluster/kube-api.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PodInfo } from '../model/pod-info.js';
import { LIVE_BIND_ATTEMPTS } from '../model/limits.js';
import { BindError } from '../cluster/source.js';

/** The fields of a pod condition the scheduler compares. */
interface PodCondition { type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }

/** kube's events note limit (noteLengthLimit); longer notes are cut with ` ...`. */
export const EVENT_NOTE_LENGTH_MAX = 1024;

/** One API call the scheduler made (tests and the RBAC check read them). */
export interface ApiCall {
  readonly verb: 'create' | 'patch' | 'delete';
  readonly resource: string;
}

/** Every kind of write this module makes: verb, API group, resource (deploy/scheduler RBAC covers them). */
export const SCHEDULER_WRITES: ReadonlyArray<{ verb: string; group: string; resource: string }> = [
  { verb: 'create', group: '', resource: 'pods/binding' },
  { verb: 'get', group: '', resource: 'pods' },
  { verb: 'patch', group: '', resource: 'pods/status' },
  { verb: 'create', group: 'events.k8s.io', resource: 'events' },
  { verb: 'delete', group: '', resource: 'pods' },
];

const podPath = (ns: string, name: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}`;

/** A MicroTime as the API writes it: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  // toISOString always ends in `.mmmZ` (years 0 to 9999).
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, -1)}000Z`;
}

/** The writes, over one KubeApi. */
export class SchedulerWrites {
  private seq = 0;
  constructor(private readonly api: KubeApi, private readonly instance: string, private readonly now: () => number = Date.now) {}

  private async send(method: string, path: string, body: unknown, contentType?: string): Promise<void> {
    const r = await this.api.request(method, path, body, contentType);
    if (r.statusCode < 200 || r.statusCode > 299) {
      const { message, reason } = statusMessage(r.statusCode, r.body);
      throw new KubeApiError(r.statusCode, `${method} ${path}: ${message}`, reason);
    }
  }

  /** Creates the Binding; throws BindError (`conflict` set for a 409 that is not our own earlier bind). */
  async bind(pod: PodInfo, nodeName: string, attempts = LIVE_BIND_ATTEMPTS, retryDelayMs = 100): Promise<'bound' | 'already_bound'> {
    const ns = pod.pod.metadata.namespace ?? 'default';
    const name = pod.pod.metadata.name ?? '';
    const body = {
      apiVersion: 'v1', kind: 'Binding',
      metadata: { name, namespace: ns, ...(pod.uid ? { uid: pod.uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    const what = `binding pod ${ns}/${name} to node ${nodeName}`;
    for (let attempt = 1; ; attempt++) {
      let code: number | undefined;
      let message: string;
      try {
        const r = await this.api.request('POST', `${podPath(ns, name)}/binding`, body);
        if (r.statusCode >= 200 && r.statusCode <= 299) return 'bound';
        code = r.statusCode;
        message = statusMessage(r.statusCode, r.body).message;
      } catch (e) {
        message = (e as Error).message;
      }
      if (code === 409) return this.checkConflict(pod, nodeName, `${what}: ${message} (HTTP 409)`);
      const transient = code === undefined || code === 429 || code >= 500;
      if (transient && attempt < attempts) {
        await sleep(retryDelayMs * 2 ** (attempt - 1));
        continue;
      }
      throw new BindError(`${what}: ${message}${code ? ` (HTTP ${code})` : ''}`);
    }
  }

  private async checkConflict(pod: PodInfo, nodeName: string, what: string): Promise<'already_bound'> {
    const ns = pod.pod.metadata.namespace ?? 'default';
    const r = await this.api.request('GET', podPath(ns, pod.pod.metadata.name ?? '')).catch((e: Error) => ({ statusCode: 0, body: e.message }));
    if (r.statusCode === 404) throw new BindError(`${what} (the pod is gone)`, true);
    if (r.statusCode !== 200) throw new BindError(`${what} (and reading the pod failed: ${statusMessage(r.statusCode, r.body).message})`);
    const cur = JSON.parse(r.body) as Pod;
    const uidMatches = !pod.uid || !cur.metadata.uid || cur.metadata.uid === pod.uid;
    if (uidMatches && cur.spec.nodeName === nodeName) return 'already_bound';
    const where = cur.spec.nodeName ? `it is bound to node ${cur.spec.nodeName}` : 'it is not bound';
    throw new BindError(`${what} (${uidMatches ? where : `UID ${cur.metadata.uid} differs from ${pod.uid}`})`, true);
  }

  /**
   * PodScheduled=False with `reason` and `message`, and the nominated node when preemption chose
   * one; skipped (false) when the pod already says exactly that.
   */
  async podScheduledFalse(pod: Pod, reason: 'Unschedulable' | 'SchedulerError', message: string, nominatedNodeName?: string): Promise<boolean> {
    const conditions = (pod.status as { conditions?: PodCondition[] } | undefined)?.conditions;
    const cur = conditions?.find((c) => c.type === 'PodScheduled');
    const sameCondition = cur !== undefined && cur.status === 'False' && cur.reason === reason && cur.message === message;
    const nominationChanges = nominatedNodeName !== undefined && pod.status?.nominatedNodeName !== nominatedNodeName;
    if (sameCondition && !nominationChanges) return false;
    const now = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const condition = {
      type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null,
      // kube keeps the transition time when only the reason or message changes.
      lastTransitionTime: cur && cur.status === 'False' && cur.lastTransitionTime ? cur.lastTransitionTime : now,
    };
    const status: Record<string, unknown> = { conditions: [condition] };
    if (nominationChanges) status.nominatedNodeName = nominatedNodeName;
    await this.send('PATCH', `${podPath(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '')}/status`, { status }, 'application/strategic-merge-patch+json');
    return true;
  }

  /** An events.k8s.io/v1 Event about a pod. */
  async event(pod: PodInfo, controller: string, type: 'Normal' | 'Warning', reason: string, action: string, note: string, related?: PodInfo): Promise<void> {
    const ns = pod.pod.metadata.namespace ?? 'default';
    const name = pod.pod.metadata.name ?? '';
    const ms = this.now();
    // kube names events `<object>.<hex UnixNano>`; the sequence keeps two in one millisecond apart.
    const nanos = BigInt(ms) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    const cut = note.length > EVENT_NOTE_LENGTH_MAX ? `${note.slice(0, EVENT_NOTE_LENGTH_MAX - 4)} ...` : note;
    const ref = (p: PodInfo) => ({ kind: 'Pod', apiVersion: 'v1', namespace: p.pod.metadata.namespace ?? 'default', name: p.pod.metadata.name, uid: p.uid, resourceVersion: p.pod.metadata.resourceVersion });
    const body = {
      apiVersion: 'events.k8s.io/v1', kind: 'Event',
      metadata: { name: `${name}.${nanos.toString(16)}`, namespace: ns },
      eventTime: microTime(ms),
      reportingController: controller,
      reportingInstance: `${controller}-${this.instance}`,
      action, reason, type, note: cut,
      regarding: ref(pod),
      ...(related ? { related: ref(related) } : {}),
    };
    await this.send('POST', `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/events`, body);
  }

  /** A preemption victim: the DisruptionTarget condition, then the delete (a victim already gone is fine). */
  async preemptVictim(victim: PodInfo, schedulerName: string): Promise<void> {
    const ns = victim.pod.metadata.namespace ?? 'default';
    const name = victim.pod.metadata.name ?? '';
    const condition = {
      type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler',
      message: `${schedulerName}: preempting to accommodate a higher priority pod`,
      lastTransitionTime: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    try {
      await this.send('PATCH', `${podPath(ns, name)}/status`, { status: { conditions: [condition] } }, 'application/strategic-merge-patch+json');
      await this.send('DELETE', podPath(ns, name), { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: victim.uid } });
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 404) return;
      throw e;
    }
  }
}

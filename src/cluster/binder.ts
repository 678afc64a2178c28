/**
 * Creating Bindings (the pods/binding subresource) with @kubernetes/client-node's CoreV1Api, the
 * way kube's DefaultBinder does: `POST /api/v1/namespaces/<ns>/pods/<name>/binding` with
 * metadata.uid set, so the API server refuses to bind a different pod that reuses the name.
 *
 * Safe to retry: a Conflict (409) is checked against the pod; if it is already on the requested
 * node the bind counts as done (a retry after a lost answer), otherwise the error names the node
 * it is on. Transient failures (5xx, 429, network) are retried a few times with backoff; other
 * API errors come back as the Status message for ExtenderBindingResult.Error.
 */
import { ApiException, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { LIVE_BIND_ATTEMPTS } from '../model/limits.js';
import { statusMessage } from './kube-api.js';
import { BindError, type PodRef } from './source.js';

/** What happened. */
export type BindOutcome = 'bound' | 'already_bound';

/** Binding creation with retries. */
export class ApiBinder {
  private readonly api: CoreV1Api;

  constructor(kc: KubeConfig, private readonly attempts = LIVE_BIND_ATTEMPTS, private readonly retryDelayMs = 100) {
    this.api = kc.makeApiClient(CoreV1Api);
  }

  /** Binds `ref` to `nodeName`; throws BindError with the API's message. */
  async bind(ref: PodRef, nodeName: string): Promise<BindOutcome> {
    const body = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: ref.name, namespace: ref.namespace, ...(ref.uid ? { uid: ref.uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    const what = `binding pod ${ref.namespace}/${ref.name} to node ${nodeName}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.api.createNamespacedPodBinding({ name: ref.name, namespace: ref.namespace, body });
        return 'bound';
      } catch (e) {
        const code = e instanceof ApiException ? e.code : undefined;
        if (code === 409) return this.checkConflict(ref, nodeName, what, e as ApiException<unknown>);
        const transient = code === undefined || code === 429 || code >= 500;
        if (transient && attempt < this.attempts) {
          await sleep(this.retryDelayMs * 2 ** (attempt - 1));
          continue;
        }
        throw new BindError(`${what}: ${describe(e)}`);
      }
    }
  }

  /** A 409: done if the pod is already on that node (same UID), else the conflict. */
  private async checkConflict(ref: PodRef, nodeName: string, what: string, conflict: ApiException<unknown>): Promise<BindOutcome> {
    let pod;
    try {
      pod = await this.api.readNamespacedPod({ name: ref.name, namespace: ref.namespace });
    } catch (e) {
      // A pod that is gone is no longer anyone's to bind.
      const gone = e instanceof ApiException && e.code === 404;
      throw new BindError(`${what}: ${describe(conflict)} (and reading the pod failed: ${describe(e)})`, gone);
    }
    const uidMatches = !ref.uid || !pod.metadata?.uid || pod.metadata.uid === ref.uid;
    if (uidMatches && pod.spec?.nodeName === nodeName) return 'already_bound';
    const where = pod.spec?.nodeName ? `it is bound to node ${pod.spec.nodeName}` : 'it is not bound';
    throw new BindError(`${what}: ${describe(conflict)} (${uidMatches ? where : `UID ${pod.metadata?.uid} differs from ${ref.uid}`})`, true);
  }
}

/** An API error as one line: the Status message and HTTP code. */
function describe(e: unknown): string {
  if (e instanceof ApiException) {
    const body = typeof e.body === 'string' ? e.body : e.body === undefined ? '' : JSON.stringify(e.body);
    const { message } = statusMessage(e.code, body);
    return message.startsWith('HTTP ') ? message : `${message} (HTTP ${e.code})`;
  }
  return (e as Error)?.message ?? String(e);
}

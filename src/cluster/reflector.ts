/**
 * A reflector (client-go's list/watch loop) for one resource, in the shape kube's informers use:
 *
 *   list (paginated, consistent read) -> replace everything -> watch from the list's
 *   resourceVersion with bookmarks -> apply events; when the watch ends normally (server-side
 *   timeout) watch again from the last resourceVersion seen; when it reports 410 Gone
 *   ("too old resource version", reason Expired) list again at once; on any other failure
 *   (connection refused, reset, API error) back off and list again, since events may have been
 *   missed while disconnected.
 *
 * Watches use @kubernetes/client-node's Watch (the streaming client); lists use KubeApi.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { Watch } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LIVE_BACKOFF_INITIAL_MS, LIVE_BACKOFF_MAX_MS, LIVE_LIST_PAGE_SIZE, LIVE_WATCH_TIMEOUT_SECONDS,
} from '../model/limits.js';
import { KubeApiError, type KubeApi } from './kube-api.js';

/** What a reflector feeds. */
export interface ReflectorSink {
  /** The full current set (after a list); objects not in it are gone. May be async (yields between chunks). */
  replace(items: readonly Record<string, unknown>[]): Promise<void> | void;
  /** One watch event. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: Record<string, unknown>): void;
}

/** Reflector settings. */
export interface ReflectorOptions {
  /** e.g. `/api/v1/nodes`. */
  readonly path: string;
  /** Name for logs and metrics, e.g. `nodes`. */
  readonly resource: string;
  readonly fieldSelector?: string;
  readonly pageSize?: number;
  readonly watchTimeoutSeconds?: number;
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** Called for every list: reason `initial`, `expired` (410) or `reconnect`. */
  readonly onList?: (reason: 'initial' | 'expired' | 'reconnect') => void;
  readonly onWatchEvent?: (type: string) => void;
  readonly onError?: (err: Error, phase: 'list' | 'watch') => void;
}

type WatchEnd = 'closed' | 'expired' | 'failed';

/** A watch that closes normally sooner than this after opening is retried with backoff. */
const QUICK_CLOSE_MS = 1000;

/** A 410 Gone, from a list's continue token or a watch. */
const isGone = (e: unknown) => e instanceof KubeApiError ? e.statusCode === 410 : (e as { statusCode?: number } | null)?.statusCode === 410;

/** List/watch loop for one resource. */
export class Reflector {
  /** resourceVersion of the last list or event applied. */
  resourceVersion = '';
  /** True after the first successful list. */
  synced = false;
  /** When the loop last lost sync (a failed list or watch), or null while in sync. */
  outOfSyncSince: number | null = null;
  private stopped = false;
  private abort: AbortController | null = null;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private firstSync: Promise<void>;
  private resolveFirstSync!: () => void;
  private readonly watcher: Watch;

  constructor(
    private readonly api: KubeApi,
    kc: KubeConfig,
    private readonly sink: ReflectorSink,
    readonly options: ReflectorOptions,
  ) {
    this.watcher = new Watch(kc);
    this.firstSync = new Promise((r) => (this.resolveFirstSync = r));
  }

  /** Starts the loop; resolves once the first list has been applied. */
  start(): Promise<void> {
    this.loop ??= this.run();
    return this.firstSync;
  }

  /** Stops the loop and any open watch. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let reason: 'initial' | 'expired' | 'reconnect' = 'initial';
    let backoff = this.options.backoffInitialMs ?? LIVE_BACKOFF_INITIAL_MS;
    const backoffMax = this.options.backoffMaxMs ?? LIVE_BACKOFF_MAX_MS;
    while (!this.stopped) {
      try {
        this.options.onList?.(reason);
        await this.listAndReplace();
      } catch (e) {
        if (this.stopped) return;
        this.outOfSyncSince ??= Date.now();
        this.options.onError?.(e as Error, 'list');
        await this.pause(backoff);
        backoff = Math.min(backoffMax, backoff * 2);
        reason = 'reconnect';
        continue;
      }
      this.outOfSyncSince = null;
      if (!this.synced) {
        this.synced = true;
        this.resolveFirstSync();
      }
      for (;;) {
        if (this.stopped) return;
        const started = Date.now();
        const end = await this.watchOnce();
        if (this.stopped) return;
        if (end === 'closed') {
          // A watch that ends at once (a proxy cutting streams, an apiserver shutting down) must
          // not turn into a tight reconnect loop: back off as for a failure, but keep the
          // resourceVersion (nothing was missed).
          if (Date.now() - started < QUICK_CLOSE_MS) {
            await this.pause(backoff);
            backoff = Math.min(backoffMax, backoff * 2);
          } else {
            backoff = this.options.backoffInitialMs ?? LIVE_BACKOFF_INITIAL_MS;
          }
          continue;
        }
        if (end === 'expired') {
          reason = 'expired';
        } else {
          this.outOfSyncSince ??= Date.now();
          await this.pause(backoff);
          backoff = Math.min(backoffMax, backoff * 2);
          reason = 'reconnect';
        }
        break;
      }
    }
  }

  private pause(ms: number): Promise<void> {
    // Jitter so replicas do not relist in lockstep; stop() cuts the wait short.
    const jittered = ms * (0.5 + Math.random() / 2);
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, jittered);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Lists every page (restarting if a continue token expires) and replaces the sink's contents. */
  private async listAndReplace(): Promise<void> {
    const limit = this.options.pageSize ?? LIVE_LIST_PAGE_SIZE;
    for (let attempt = 0; ; attempt++) {
      const items: Record<string, unknown>[] = [];
      let cont = '';
      let rv = '';
      try {
        do {
          const q = new URLSearchParams({ limit: String(limit) });
          if (cont) q.set('continue', cont);
          if (this.options.fieldSelector) q.set('fieldSelector', this.options.fieldSelector);
          const page = await this.api.getJson<{ metadata?: { resourceVersion?: string; continue?: string }; items?: Record<string, unknown>[] | null }>(`${this.options.path}?${q}`);
          if (this.stopped) return;
          for (const it of page.items ?? []) items.push(it);
          cont = page.metadata?.continue ?? '';
          rv = page.metadata?.resourceVersion ?? rv;
          // Let requests run between pages of a large list.
          await sleep(0);
        } while (cont);
      } catch (e) {
        // An expired continue token: start the list over (kube falls back to a full list too).
        if (isGone(e) && attempt < 3) continue;
        throw e;
      }
      await this.sink.replace(items);
      this.resourceVersion = rv;
      return;
    }
  }

  /** One watch from the current resourceVersion; resolves with how it ended. */
  private watchOnce(): Promise<WatchEnd> {
    const base = this.options.watchTimeoutSeconds ?? LIVE_WATCH_TIMEOUT_SECONDS;
    const timeoutSeconds = Math.floor(base * (1 + Math.random()));
    return new Promise<WatchEnd>((resolve) => {
      let ended: WatchEnd | null = null;
      let controller: AbortController | null = null;
      // Client-side guard against a silently dead connection: the server should have closed it.
      const guard = setTimeout(() => finish('failed', new Error(`watch ${this.options.path} exceeded ${timeoutSeconds + 30}s without closing`)), (timeoutSeconds + 30) * 1000);
      const finish = (how: WatchEnd, err?: Error) => {
        if (ended) return;
        ended = how;
        clearTimeout(guard);
        if (err && how !== 'expired' && !this.stopped) this.options.onError?.(err, 'watch');
        controller?.abort();
        this.abort = null;
        resolve(how);
      };
      const params: Record<string, string | number | boolean | undefined> = {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
        fieldSelector: this.options.fieldSelector,
      };
      this.watcher
        .watch(this.options.path, params, (type: string, obj: Record<string, unknown> | undefined) => {
          if (ended || !obj) return;
          if (type === 'ERROR') {
            const code = (obj as { code?: number }).code;
            const msg = (obj as { message?: string }).message ?? 'watch error';
            if (code === 410) finish('expired');
            else finish('failed', new KubeApiError(code ?? 500, `watch ${this.options.path}: ${msg}`));
            return;
          }
          const rv = (obj.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
          if (type === 'BOOKMARK') {
            if (rv) this.resourceVersion = rv;
            return;
          }
          if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
          this.options.onWatchEvent?.(type);
          try {
            this.sink.apply(type, obj);
          } catch (e) {
            this.options.onError?.(e as Error, 'watch');
          }
          if (rv) this.resourceVersion = rv;
        }, (err: unknown) => {
          if (!err) finish('closed');
          else if (isGone(err)) finish('expired');
          else finish('failed', err instanceof Error ? err : new Error(String(err)));
        })
        .then((c) => {
          controller = c;
          if (ended) c.abort();
          else {
            this.abort = c;
            if (this.stopped) finish('closed');
          }
        }, (err: unknown) => finish('failed', err instanceof Error ? err : new Error(String(err))));
    });
  }
}

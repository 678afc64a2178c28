/**
 * A cluster snapshot file as the extender's state (demos, offline use): loaded at start, reloaded
 * when the file changes (stat polling, which survives editors that replace the file), and bound
 * to in memory. A reload replaces the whole state, dropping in-memory binds made since: the file
 * is the source of truth. A file that fails to load keeps the previous state.
 */
import { statSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import type { ClusterObjects } from '../model/cluster-objects.js';
import { ClusterState } from '../model/cluster-state.js';
import type { TableMemory } from '../model/node-table.js';
import type { PodInfo } from '../model/pod-info.js';
import { buildClusterState, loadClusterSnapshot } from './snapshot.js';
import { BindError, type ClusterSource, type PodRef, type SourceStats } from './source.js';

/** Snapshot source settings. */
export interface SnapshotSourceOptions {
  /** How often the file is stat'ed for changes; 0 disables reloading. */
  readonly pollIntervalMs: number;
  /** Where each loaded state keeps its NodeTable (the kernels' memory: the WASM engine reads it in place). */
  readonly tableMemory?: () => TableMemory;
  /** Called after each reload attempt (error set when the file could not be loaded). */
  readonly onReload?: (info: { error?: Error; warnings: readonly string[]; nodes: number }) => void;
}

/** Loads `path` (throws InputError on a bad file) and watches it. */
export class SnapshotSource implements ClusterSource {
  readonly kind = 'snapshot' as const;
  state: ClusterState = new ClusterState();
  objects: ClusterObjects | undefined;
  /** Pending pods of the snapshot, by UID and by key. */
  private pendingByUid = new Map<string, PodInfo>();
  private pendingByKey = new Map<string, PodInfo>();
  private loaded = false;
  private listener: ((cur: Stats, prev: Stats) => void) | undefined;
  /** Successful reloads after the first load, and failed ones. */
  reloads = 0;
  reloadErrors = 0;
  /** Warnings of the last successful load. */
  warnings: readonly string[] = [];

  constructor(readonly path: string, readonly options: SnapshotSourceOptions = { pollIntervalMs: 1000 }) {
    this.load();
    if (options.pollIntervalMs > 0) {
      this.listener = (cur: Stats, prev: Stats) => {
        if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size || cur.ino !== prev.ino) this.reload();
      };
      watchFile(path, { interval: options.pollIntervalMs, persistent: false }, this.listener);
    }
  }

  private load(): void {
    const loaded = buildClusterState(loadClusterSnapshot(this.path), this.path, this.options.tableMemory?.());
    const byUid = new Map<string, PodInfo>();
    const byKey = new Map<string, PodInfo>();
    for (const p of loaded.pending) {
      if (p.uid) byUid.set(p.uid, p);
      byKey.set(p.key, p);
    }
    this.state = loaded.state;
    this.objects = loaded.objects;
    this.pendingByUid = byUid;
    this.pendingByKey = byKey;
    this.warnings = loaded.warnings;
    this.loaded = true;
  }

  /** Re-reads the file now; keeps the old state when it fails. */
  reload(): void {
    try {
      statSync(this.path);
      this.load();
      this.reloads++;
      this.options.onReload?.({ warnings: this.warnings, nodes: this.state.nodeCount });
    } catch (e) {
      this.reloadErrors++;
      this.options.onReload?.({ error: e as Error, warnings: [], nodes: this.state.nodeCount });
    }
  }

  ready(): boolean {
    return this.loaded;
  }

  findPendingPod(ref: PodRef): PodInfo | undefined {
    return (ref.uid ? this.pendingByUid.get(ref.uid) : undefined) ?? this.pendingByKey.get(`${ref.namespace}/${ref.name}`);
  }

  async bind(ref: PodRef, pod: PodInfo | undefined, nodeName: string): Promise<void> {
    const key = `${ref.namespace}/${ref.name}`;
    if (!this.state.getNode(nodeName)) throw new BindError(`node "${nodeName}" not found in cluster snapshot ${this.path}`);
    const placed = this.state.placementOf(key);
    if (placed) {
      if (ref.uid && placed.pod.uid && placed.pod.uid !== ref.uid) {
        throw new BindError(`pod ${key} has UID ${placed.pod.uid}, not ${ref.uid}`);
      }
      if (placed.node.name === nodeName) return;
      throw new BindError(`pod ${key} is already assigned to node "${placed.node.name}"`);
    }
    const info = pod ?? this.findPendingPod(ref);
    if (!info) {
      throw new BindError(`pod ${key}${ref.uid ? ` (UID ${ref.uid})` : ''} is unknown to podfit: it is neither pending in ${this.path} nor seen in a recent filter/prioritize request`);
    }
    if (ref.uid && info.uid && info.uid !== ref.uid) throw new BindError(`pod ${key} has UID ${info.uid}, not ${ref.uid}`);
    this.state.addPod(info, nodeName, false);
    this.pendingByKey.delete(info.key);
    if (info.uid) this.pendingByUid.delete(info.uid);
  }

  stats(): SourceStats {
    let pods = 0;
    for (const n of this.state.nodes) pods += n.pods.length;
    return { nodes: this.state.nodeCount, pods, assumedPods: 0, pendingPods: this.pendingByKey.size };
  }

  async stop(): Promise<void> {
    if (this.listener) unwatchFile(this.path, this.listener);
    this.listener = undefined;
  }
}

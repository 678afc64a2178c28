/**
 * Cluster snapshots from files (`kubectl get nodes,pods -A -o json|yaml`, or the API server's
 * raw lists), and building a ClusterState from them: pods with spec.nodeName run there,
 * Succeeded/Failed pods are ignored, the rest are pending. Unknown kinds are skipped with a
 * warning. Files are read one object at a time: memory holds the decoded objects and the state,
 * not the file's text or a syntax tree (BENCHMARKS.md, "Large snapshots").
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../api/errors.js';
import { readErrorText, readInputText } from '../api/input-files.js';
import type { Node, Pod } from '../api/k8s.js';
import { decodeClusterObjects, decodeNode, decodePod, readObjectsFromText, type RawObject } from '../api/objects.js';
import { looksLikeJson, readJsonObjects, YamlObjectStream } from '../api/object-stream.js';
import { ClusterState } from '../model/cluster-state.js';
import { ModelInputError } from '../model/errors.js';
import type { ClusterObjects } from '../model/cluster-objects.js';
import { SNAPSHOT_PROGRESS_EVERY_OBJECTS, SNAPSHOT_READ_BLOCK_BYTES } from '../model/limits.js';
import type { TableMemory } from '../model/node-table.js';
import { makePodInfo, type PodInfo } from '../model/pod-info.js';

/** Objects read from a cluster file. */
export interface ClusterSnapshot {
  readonly nodes: Node[];
  readonly pods: Pod[];
  /** Other kinds podfit understands (Namespace, Service, PriorityClass, ...), by kind. */
  readonly others: Map<string, Record<string, unknown>[]>;
  readonly warnings: string[];
}

/** Kinds read (besides Node and Pod) for later plugins; everything else is skipped with a warning. */
export const EXTRA_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Service', 'ReplicaSet', 'StatefulSet', 'ReplicationController', 'PodDisruptionBudget', 'PriorityClass',
]);

/** Kinds a `podfit snapshot` carries that podfit does not read yet: kept in `others`, without a warning. */
export const SNAPSHOT_ONLY_KINDS: ReadonlySet<string> = new Set(['DaemonSet', 'Deployment', 'Job', 'PersistentVolumeClaim', 'StorageClass', 'CSINode']);

/**
 * Where a long load is: `read` counts bytes of a YAML file (objects of a JSON list), `build`
 * counts the objects added to the state. Called every few thousand objects or one read block.
 */
export type LoadProgress = (p: { readonly stage: 'read' | 'build'; readonly done: number; readonly total: number; readonly unit: 'bytes' | 'objects' }) => void;

/** Reads a file's text, turning I/O errors into InputError (`c.yaml: no such file`). */
export function readInputFile(path: string): string {
  return readInputText(path).text;
}

/** Sorts raw objects into a snapshot as they arrive, decoding Nodes and Pods at once. */
class SnapshotBuilder {
  readonly snap: ClusterSnapshot = { nodes: [], pods: [], others: new Map(), warnings: [] };
  private readonly skipped = new Map<string, number>();
  count = 0;

  constructor(private readonly fileName: string) {}

  readonly add = (raw: RawObject): void => {
    this.count++;
    const kind = typeof raw.obj.kind === 'string' ? raw.obj.kind : '';
    if (kind === 'Node') this.snap.nodes.push(decodeNode(raw, this.fileName));
    else if (kind === 'Pod') this.snap.pods.push(decodePod(raw, this.fileName));
    else if (EXTRA_KINDS.has(kind) || SNAPSHOT_ONLY_KINDS.has(kind)) {
      const list = this.snap.others.get(kind) ?? [];
      list.push(raw.obj);
      this.snap.others.set(kind, list);
    } else this.skipped.set(kind || '<no kind>', (this.skipped.get(kind || '<no kind>') ?? 0) + 1);
  };

  finish(): ClusterSnapshot {
    for (const [kind, n] of this.skipped) this.snap.warnings.push(`${this.fileName}: skipped ${n} object(s) of unsupported kind ${kind}`);
    return this.snap;
  }
}

/** Parses cluster text (JSON or YAML) into a snapshot. */
export function parseClusterSnapshot(text: string, fileName: string): ClusterSnapshot {
  return snapshotFromRaw(readObjectsFromText(text, fileName), fileName);
}

/** Builds a snapshot from raw objects. */
export function snapshotFromRaw(raws: readonly RawObject[], fileName: string): ClusterSnapshot {
  const b = new SnapshotBuilder(fileName);
  for (const raw of raws) b.add(raw);
  return b.finish();
}

/**
 * Reads a cluster file, one object at a time: YAML block by block (SNAPSHOT_READ_BLOCK_BYTES),
 * JSON parsed whole and its text dropped before the objects are decoded.
 */
export function loadClusterSnapshot(path: string, onProgress?: LoadProgress): ClusterSnapshot {
  const b = new SnapshotBuilder(path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputError(`${path}: ${readErrorText(e)}`);
  }
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(Math.min(SNAPSHOT_READ_BLOCK_BYTES, Math.max(size, 1)));
    const decoder = new StringDecoder('utf8');
    let n = readSync(fd, buf, 0, buf.length, null);
    let piece = decoder.write(buf.subarray(0, n)).replace(/^\uFEFF/, '');
    if (looksLikeJson(piece.slice(0, 1024))) {
      piece = '';
      const list = { done: 0, total: 0 };
      readJsonObjects(() => readInputFile(path), path, (raw) => {
        b.add(raw);
        if (onProgress && b.count % SNAPSHOT_PROGRESS_EVERY_OBJECTS === 0) onProgress({ stage: 'read', done: b.count, total: Math.max(b.count, list.total), unit: 'objects' });
      }, (total) => {
        list.total = total;
      });
      return b.finish();
    }
    const stream = new YamlObjectStream(path, b.add);
    let read = n;
    while (n > 0) {
      stream.push(piece);
      onProgress?.({ stage: 'read', done: read, total: size, unit: 'bytes' });
      n = readSync(fd, buf, 0, buf.length, null);
      read += n;
      piece = n > 0 ? decoder.write(buf.subarray(0, n)) : '';
    }
    stream.push(decoder.end());
    stream.end();
    return b.finish();
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new InputError(`${path}: ${readErrorText(e)}`);
    throw e;
  } finally {
    closeSync(fd);
  }
}

/** A ClusterState plus the pending pods of a snapshot, in file order. */
export interface LoadedCluster {
  readonly state: ClusterState;
  readonly pending: PodInfo[];
  readonly snapshot: ClusterSnapshot;
  readonly warnings: string[];
  /** Namespaces, Services, workloads, PDBs and PriorityClasses of the snapshot. */
  readonly objects: ClusterObjects;
}

/** Whether a pod no longer holds resources (kube ignores terminal pods). */
export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Builds a ClusterState from a snapshot. Throws InputError naming the object on bad data. */
export function buildClusterState(snap: ClusterSnapshot, fileName: string, memory?: TableMemory, onProgress?: LoadProgress): LoadedCluster {
  const state = new ClusterState(memory);
  const warnings = [...snap.warnings];
  const wrap = <T>(what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ModelInputError) throw new InputError(`${fileName}: ${e.message.startsWith(what) ? '' : `${what}: `}${e.message}`, e.field);
      throw e;
    }
  };
  const total = snap.nodes.length + snap.pods.length;
  let done = 0;
  const step = () => {
    if (onProgress && ++done % SNAPSHOT_PROGRESS_EVERY_OBJECTS === 0) onProgress({ stage: 'build', done, total, unit: 'objects' });
  };
  const objects = decodeClusterObjects(snap.others, fileName);
  warnings.push(...objects.warnings);
  for (const n of snap.nodes) {
    wrap(`node ${n.metadata.name}`, () => state.addNode(n));
    step();
  }
  const pending: PodInfo[] = [];
  const seen = new Set<string>();
  for (const p of snap.pods) {
    step();
    if (isTerminal(p)) continue;
    const info = wrap(`pod ${p.metadata.namespace ?? 'default'}/${p.metadata.name}`, () => makePodInfo(p));
    if (seen.has(info.key)) throw new InputError(`${fileName}: duplicate pod ${info.key}`, 'metadata.name');
    seen.add(info.key);
    const w = objects.admitPod(info);
    if (w) warnings.push(`${fileName}: ${w}`);
    if (info.nodeName) {
      if (!state.getNode(info.nodeName)) {
        warnings.push(`${fileName}: pod ${info.key} is bound to unknown node ${info.nodeName}; ignored`);
        continue;
      }
      state.addPod(info, info.nodeName);
    } else {
      pending.push(info);
    }
  }
  if (state.nodeCount === 0) warnings.push(emptyClusterWarning(fileName, snap));
  return { state, pending, snapshot: snap, warnings, objects };
}

/** What to say about a snapshot without nodes: nothing can be scheduled on it. */
export function emptyClusterWarning(fileName: string, snap: ClusterSnapshot): string {
  const read = snap.pods.length + [...snap.others.values()].reduce((a, l) => a + l.length, 0);
  return `${fileName}: no nodes in the cluster snapshot (${read === 0 ? 'the file holds no objects podfit reads' : `read ${snap.pods.length} pod(s) and no Node`}): every pod is unschedulable; `
    + 'a snapshot is `kubectl get nodes,pods -A -o yaml` (or -o json)';
}

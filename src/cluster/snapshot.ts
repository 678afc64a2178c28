/**
 * Cluster snapshots from files (`kubectl get nodes,pods -A -o json|yaml`), and building a
 * ClusterState from them: pods with spec.nodeName run there, Succeeded/Failed pods are ignored,
 * the rest are pending. Unknown kinds are skipped with a warning.
 */
import { InputError } from '../api/errors.js';
import { readInputText } from '../api/input-files.js';
import type { Node, Pod } from '../api/k8s.js';
import { decodeClusterObjects, decodeNode, decodePod, flattenObjects, parseDocuments, type RawObject } from '../api/objects.js';
import { ClusterState } from '../model/cluster-state.js';
import { ModelInputError } from '../model/errors.js';
import type { ClusterObjects } from '../model/cluster-objects.js';
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

/** Reads a file's text, turning I/O errors into InputError (`c.yaml: no such file`). */
export function readInputFile(path: string): string {
  return readInputText(path).text;
}

/** Parses cluster text (JSON or YAML) into a snapshot. */
export function parseClusterSnapshot(text: string, fileName: string): ClusterSnapshot {
  const raws = flattenObjects(parseDocuments(text, fileName), fileName);
  return snapshotFromRaw(raws, fileName);
}

/** Builds a snapshot from raw objects. */
export function snapshotFromRaw(raws: readonly RawObject[], fileName: string): ClusterSnapshot {
  const snap: ClusterSnapshot = { nodes: [], pods: [], others: new Map(), warnings: [] };
  const skipped = new Map<string, number>();
  for (const raw of raws) {
    const kind = typeof raw.obj.kind === 'string' ? raw.obj.kind : '';
    if (kind === 'Node') snap.nodes.push(decodeNode(raw, fileName));
    else if (kind === 'Pod') snap.pods.push(decodePod(raw, fileName));
    else if (EXTRA_KINDS.has(kind) || SNAPSHOT_ONLY_KINDS.has(kind)) {
      const list = snap.others.get(kind) ?? [];
      list.push(raw.obj);
      snap.others.set(kind, list);
    } else skipped.set(kind || '<no kind>', (skipped.get(kind || '<no kind>') ?? 0) + 1);
  }
  for (const [kind, n] of skipped) snap.warnings.push(`${fileName}: skipped ${n} object(s) of unsupported kind ${kind}`);
  return snap;
}

/** Reads a cluster file. */
export function loadClusterSnapshot(path: string): ClusterSnapshot {
  return parseClusterSnapshot(readInputFile(path), path);
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
export function buildClusterState(snap: ClusterSnapshot, fileName: string, memory?: TableMemory): LoadedCluster {
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
  const objects = decodeClusterObjects(snap.others, fileName);
  warnings.push(...objects.warnings);
  for (const n of snap.nodes) wrap(`node ${n.metadata.name}`, () => state.addNode(n));
  const pending: PodInfo[] = [];
  const seen = new Set<string>();
  for (const p of snap.pods) {
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
  return { state, pending, snapshot: snap, warnings, objects };
}

/**
 * `podfit snapshot --anonymize`: objects rewritten so a snapshot can be shared. Each kind keeps an
 * allowlist of what scheduling reads, with every name, namespace, label value and image mapped by
 * the Anonymizer (anonymize-names.ts); anything not listed (env, commands, mounts, IPs, most
 * annotations, fields kube adds later) is dropped, so new fields are private by default.
 *
 * Kept as they are: label keys, quantities, taint keys and effects, toleration keys, ports,
 * scheduler names, topology keys, storage provisioners and CSI driver names, timestamps, and the
 * integers and enums of specs (UIDs are hashed like names). References are mapped by the role of
 * what they name, so they still meet: spec.nodeName and the hostname label follow node names,
 * ownerReferences their owner's name, priorityClassName its PriorityClass, claimName its claim.
 */
import { Anonymizer } from './anonymize-names.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A copy of `o` with only `keys` (those present). */
function pick(o: unknown, keys: readonly string[]): Obj {
  const out: Obj = {};
  if (!isObj(o)) return out;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Sets `out[k]` when `v` is not undefined. */
function put(out: Obj, k: string, v: unknown): void {
  if (v !== undefined) out[k] = v;
}

/** Annotations kept: ones with meaning to scheduling, volume binding or autoscaling, and how to map their value. */
const KEPT_ANNOTATIONS: Readonly<Record<string, 'keep' | 'node'>> = {
  'volume.kubernetes.io/selected-node': 'node',
  'volume.kubernetes.io/storage-provisioner': 'keep',
  'volume.beta.kubernetes.io/storage-provisioner': 'keep',
  'pv.kubernetes.io/bind-completed': 'keep',
  'pv.kubernetes.io/bound-by-controller': 'keep',
  'storageclass.kubernetes.io/is-default-class': 'keep',
  'storageclass.beta.kubernetes.io/is-default-class': 'keep',
  'cluster-autoscaler.kubernetes.io/safe-to-evict': 'keep',
  'controller.kubernetes.io/pod-deletion-cost': 'keep',
};

/** Spec fields of workloads kept as they are (counts, enums, strategies). */
const WORKLOAD_SPEC_KEPT = [
  'replicas', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds', 'strategy', 'updateStrategy',
  'podManagementPolicy', 'persistentVolumeClaimRetentionPolicy', 'ordinals', 'parallelism', 'completions', 'completionMode',
  'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes', 'activeDeadlineSeconds', 'suspend', 'ttlSecondsAfterFinished',
  'manualSelector', 'podReplacementPolicy',
] as const;

/** Pod spec fields kept as they are (everything else of the spec is mapped below or dropped). */
const POD_SPEC_KEPT = [
  'overhead', 'resources', 'priority', 'preemptionPolicy', 'hostNetwork', 'schedulerName', 'restartPolicy', 'runtimeClassName', 'os', 'schedulingGates',
] as const;

/** Rewrites objects of one snapshot; keep one instance for the whole snapshot. */
export class SnapshotAnonymizer {
  constructor(readonly names: Anonymizer = new Anonymizer()) {}

  /** The anonymized copy of one object (kind and apiVersion set). */
  object(o: Obj): Obj {
    const kind = str(o.kind);
    const out: Obj = { apiVersion: o.apiVersion, kind: o.kind, metadata: this.metadata(kind, o.metadata) };
    const spec = o.spec;
    switch (kind) {
      case 'Pod':
        put(out, 'spec', isObj(spec) ? this.podSpec(spec) : undefined);
        put(out, 'status', isObj(o.status) ? this.podStatus(o.status) : undefined);
        break;
      case 'Node':
        put(out, 'spec', isObj(spec) ? { ...pick(spec, ['unschedulable']), ...this.optArr('taints', spec.taints, (t) => this.taint(t)) } : undefined);
        put(out, 'status', isObj(o.status) ? this.nodeStatus(o.status) : undefined);
        break;
      case 'PriorityClass':
        Object.assign(out, pick(o, ['value', 'globalDefault', 'preemptionPolicy']));
        break;
      case 'PodDisruptionBudget':
        put(out, 'spec', isObj(spec) ? { ...pick(spec, ['minAvailable', 'maxUnavailable', 'unhealthyPodEvictionPolicy']), ...this.optSelector('selector', spec.selector) } : undefined);
        put(out, 'status', isObj(o.status) ? this.pdbStatus(o.status) : undefined);
        break;
      case 'Service':
        put(out, 'spec', isObj(spec) ? { ...pick(spec, ['type', 'ports']), ...this.optLabelMap('selector', spec.selector) } : undefined);
        break;
      case 'ReplicaSet': case 'StatefulSet': case 'DaemonSet': case 'Deployment': case 'Job': case 'ReplicationController':
        put(out, 'spec', isObj(spec) ? this.workloadSpec(kind, spec) : undefined);
        break;
      case 'PersistentVolumeClaim':
        put(out, 'spec', isObj(spec) ? this.claimSpec(spec) : undefined);
        put(out, 'status', isObj(o.status) ? pick(o.status, ['phase', 'capacity', 'accessModes']) : undefined);
        break;
      case 'StorageClass':
        Object.assign(out, pick(o, ['provisioner', 'reclaimPolicy', 'volumeBindingMode', 'allowVolumeExpansion']));
        put(out, 'allowedTopologies', Array.isArray(o.allowedTopologies) ? o.allowedTopologies.map((t) => this.topologySelectorTerm(t)) : undefined);
        break;
      case 'CSINode':
        put(out, 'spec', isObj(spec) ? { drivers: arr(spec.drivers).map((d) => this.csiDriver(d)) } : undefined);
        break;
      default:
        // Namespace, and kinds this table does not know: metadata only.
        break;
    }
    return out;
  }

  // --- metadata and selectors --------------------------------------------------------------------

  private metadata(kind: string, m: unknown): Obj {
    if (!isObj(m)) return {};
    const n = this.names;
    const out = pick(m, ['resourceVersion', 'creationTimestamp', 'deletionTimestamp']);
    // UIDs are random in a real cluster, but hashing them costs nothing and keeps references.
    if (typeof m.uid === 'string') out.uid = n.hashed('uid', m.uid);
    if (typeof m.name === 'string') out.name = n.objectName(kind, m.name);
    if (typeof m.namespace === 'string') out.namespace = n.namespace(m.namespace);
    Object.assign(out, this.optLabelMap('labels', m.labels), this.annotations(m.annotations));
    if (Array.isArray(m.ownerReferences)) {
      out.ownerReferences = m.ownerReferences.map((r) => ({
        ...pick(r, ['apiVersion', 'kind', 'controller', 'blockOwnerDeletion']),
        name: n.objectName(str((r as Obj).kind), str((r as Obj).name)),
        ...(typeof (r as Obj).uid === 'string' ? { uid: n.hashed('uid', str((r as Obj).uid)) } : {}),
      }));
    }
    return out;
  }

  private annotations(a: unknown): Obj {
    if (!isObj(a)) return {};
    const out: Obj = {};
    for (const [k, v] of Object.entries(a)) {
      const how = KEPT_ANNOTATIONS[k];
      if (how === 'keep') out[k] = v;
      else if (how === 'node') out[k] = this.names.nodeName(str(v));
    }
    return Object.keys(out).length > 0 ? { annotations: out } : {};
  }

  private labelMap(m: Obj): Obj {
    const out: Obj = {};
    for (const [k, v] of Object.entries(m)) out[k] = this.names.labelValue(k, str(v));
    return out;
  }

  private optLabelMap(field: string, m: unknown): Obj {
    return isObj(m) ? { [field]: this.labelMap(m) } : {};
  }

  /** A metav1.LabelSelector (or a node selector requirement list): values mapped under their key. */
  private requirement(r: unknown): Obj {
    const key = str((r as Obj).key);
    const op = str((r as Obj).operator);
    const out = pick(r, ['key', 'operator']);
    // Gt/Lt compare integers, which labelValue keeps anyway; say so by not mapping them at all.
    put(out, 'values', Array.isArray((r as Obj).values) ? ((r as Obj).values as unknown[]).map((v) => (op === 'Gt' || op === 'Lt' ? v : this.names.labelValue(key, str(v)))) : undefined);
    return out;
  }

  private selector(s: Obj): Obj {
    const out: Obj = { ...this.optLabelMap('matchLabels', s.matchLabels) };
    put(out, 'matchExpressions', Array.isArray(s.matchExpressions) ? s.matchExpressions.map((r) => this.requirement(r)) : undefined);
    return out;
  }

  private optSelector(field: string, s: unknown): Obj {
    return isObj(s) ? { [field]: this.selector(s) } : {};
  }

  private optArr(field: string, v: unknown, f: (x: unknown) => unknown): Obj {
    return Array.isArray(v) ? { [field]: v.map(f) } : {};
  }

  // --- pods ----------------------------------------------------------------------------------------

  /** A PodSpec (pods and workload templates). */
  podSpec(s: Obj): Obj {
    const n = this.names;
    const out = pick(s, POD_SPEC_KEPT);
    Object.assign(
      out,
      this.optArr('initContainers', s.initContainers, (c) => this.container(c)),
      this.optArr('containers', s.containers, (c) => this.container(c)),
      this.optLabelMap('nodeSelector', s.nodeSelector),
      this.optArr('tolerations', s.tolerations, (t) => this.taint(t)),
      this.optArr('topologySpreadConstraints', s.topologySpreadConstraints, (c) => ({ ...(c as Obj), ...this.optSelector('labelSelector', (c as Obj).labelSelector) })),
      this.optArr('volumes', s.volumes, (v) => this.volume(v)),
    );
    if (typeof s.nodeName === 'string') out.nodeName = n.nodeName(s.nodeName);
    if (typeof s.priorityClassName === 'string') out.priorityClassName = n.objectName('PriorityClass', s.priorityClassName);
    if (isObj(s.affinity)) out.affinity = this.affinity(s.affinity);
    return out;
  }

  private container(c: unknown): Obj {
    const out = pick(c, ['resources', 'restartPolicy', 'resizePolicy']);
    const co = c as Obj;
    out.name = this.names.hashed('c', str(co.name));
    if (typeof co.image === 'string') out.image = this.names.image(co.image);
    if (Array.isArray(co.ports)) {
      out.ports = co.ports.map((p) => {
        const port = { ...(p as Obj) };
        if (typeof port.hostIP === 'string') port.hostIP = this.names.hostIP(port.hostIP);
        return port;
      });
    }
    return out;
  }

  /** A taint or a toleration: the key stays, the value is a label value under it. */
  private taint(t: unknown): Obj {
    const out = { ...(t as Obj) };
    if (typeof out.value === 'string') out.value = this.names.labelValue(str(out.key), out.value);
    return out;
  }

  private volume(v: unknown): Obj {
    const vo = v as Obj;
    const out: Obj = { name: this.names.hashed('vol', str(vo.name)) };
    for (const [source, body] of Object.entries(vo)) {
      if (source === 'name') continue;
      if (source === 'persistentVolumeClaim') {
        out[source] = { ...pick(body, ['readOnly']), claimName: this.names.objectName('PersistentVolumeClaim', str((body as Obj).claimName)) };
      } else if (source === 'ephemeral' && isObj(body) && isObj(body.volumeClaimTemplate)) {
        const t = body.volumeClaimTemplate;
        out[source] = { volumeClaimTemplate: { metadata: pick(this.metadata('PersistentVolumeClaim', t.metadata), ['labels']), spec: isObj(t.spec) ? this.claimSpec(t.spec) : {} } };
      } else if (source === 'csi') {
        out[source] = pick(body, ['driver', 'readOnly', 'fsType']);
      } else {
        // Paths, secret and config map names, disk IDs: only the volume's type is kept.
        out[source] = {};
      }
    }
    return out;
  }

  private affinity(a: Obj): Obj {
    const out: Obj = {};
    const na = a.nodeAffinity;
    if (isObj(na)) {
      const node: Obj = {};
      const req = na.requiredDuringSchedulingIgnoredDuringExecution;
      if (isObj(req)) node.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: arr(req.nodeSelectorTerms).map((t) => this.nodeSelectorTerm(t)) };
      Object.assign(node, this.optArr('preferredDuringSchedulingIgnoredDuringExecution', na.preferredDuringSchedulingIgnoredDuringExecution, (p) => ({
        ...pick(p, ['weight']), preference: this.nodeSelectorTerm((p as Obj).preference),
      })));
      out.nodeAffinity = node;
    }
    for (const which of ['podAffinity', 'podAntiAffinity'] as const) {
      const pa = a[which];
      if (!isObj(pa)) continue;
      out[which] = {
        ...this.optArr('requiredDuringSchedulingIgnoredDuringExecution', pa.requiredDuringSchedulingIgnoredDuringExecution, (t) => this.podAffinityTerm(t)),
        ...this.optArr('preferredDuringSchedulingIgnoredDuringExecution', pa.preferredDuringSchedulingIgnoredDuringExecution, (w) => ({
          ...pick(w, ['weight']), podAffinityTerm: this.podAffinityTerm((w as Obj).podAffinityTerm),
        })),
      };
    }
    return out;
  }

  private nodeSelectorTerm(t: unknown): Obj {
    const to = isObj(t) ? t : {};
    return {
      ...this.optArr('matchExpressions', to.matchExpressions, (r) => this.requirement(r)),
      // matchFields has one field, metadata.name: the values are node names.
      ...this.optArr('matchFields', to.matchFields, (r) => ({
        ...pick(r, ['key', 'operator']),
        ...this.optArr('values', (r as Obj).values, (v) => this.names.nodeName(str(v))),
      })),
    };
  }

  private podAffinityTerm(t: unknown): Obj {
    const to = isObj(t) ? t : {};
    return {
      ...pick(to, ['topologyKey', 'matchLabelKeys', 'mismatchLabelKeys']),
      ...this.optSelector('labelSelector', to.labelSelector),
      ...this.optSelector('namespaceSelector', to.namespaceSelector),
      ...this.optArr('namespaces', to.namespaces, (ns) => this.names.namespace(str(ns))),
    };
  }

  private podStatus(s: Obj): Obj {
    const out = pick(s, ['phase', 'startTime']);
    if (typeof s.nominatedNodeName === 'string') out.nominatedNodeName = this.names.nodeName(s.nominatedNodeName);
    // Conditions keep their meaning, not their messages (which name objects).
    Object.assign(out, this.optArr('conditions', s.conditions, (c) => pick(c, ['type', 'status', 'reason'])));
    return out;
  }

  // --- other kinds -------------------------------------------------------------------------------

  private nodeStatus(s: Obj): Obj {
    const out = pick(s, ['allocatable', 'capacity']);
    Object.assign(out, this.optArr('images', s.images, (im) => ({
      ...pick(im, ['sizeBytes']),
      ...this.optArr('names', (im as Obj).names, (name) => this.names.image(str(name))),
    })));
    return out;
  }

  private pdbStatus(s: Obj): Obj {
    const out = pick(s, ['disruptionsAllowed']);
    if (isObj(s.disruptedPods)) {
      out.disruptedPods = Object.fromEntries(Object.entries(s.disruptedPods).map(([pod, t]) => [this.names.objectName('Pod', pod), t]));
    }
    return out;
  }

  private workloadSpec(kind: string, s: Obj): Obj {
    const out = pick(s, WORKLOAD_SPEC_KEPT);
    // ReplicationController selectors are label maps; the apps/v1 and batch/v1 ones LabelSelectors.
    Object.assign(out, kind === 'ReplicationController' ? this.optLabelMap('selector', s.selector) : this.optSelector('selector', s.selector));
    if (isObj(s.template)) {
      const t = s.template;
      out.template = { metadata: this.metadata('Pod', t.metadata), ...(isObj(t.spec) ? { spec: this.podSpec(t.spec) } : {}) };
      delete (out.template as { metadata: Obj }).metadata.name;
    }
    if (typeof s.serviceName === 'string') out.serviceName = this.names.objectName('Service', s.serviceName);
    Object.assign(out, this.optArr('volumeClaimTemplates', s.volumeClaimTemplates, (c) => ({
      // Pods name the claim template as a volume: its name maps like a volume's.
      metadata: { ...pick(this.metadata('PersistentVolumeClaim', (c as Obj).metadata), ['labels']), name: this.names.hashed('vol', str(((c as Obj).metadata as Obj | undefined)?.name)) },
      spec: isObj((c as Obj).spec) ? this.claimSpec((c as Obj).spec as Obj) : {},
    })));
    return out;
  }

  private claimSpec(s: Obj): Obj {
    const n = this.names;
    const out = pick(s, ['accessModes', 'resources', 'volumeMode']);
    if (typeof s.storageClassName === 'string') out.storageClassName = n.objectName('StorageClass', s.storageClassName);
    if (typeof s.volumeName === 'string') out.volumeName = n.objectName('PersistentVolume', s.volumeName);
    if (typeof s.volumeAttributesClassName === 'string') out.volumeAttributesClassName = n.objectName('VolumeAttributesClass', s.volumeAttributesClassName);
    Object.assign(out, this.optSelector('selector', s.selector));
    for (const ref of ['dataSource', 'dataSourceRef'] as const) {
      const r = s[ref];
      if (isObj(r)) out[ref] = { ...pick(r, ['apiGroup', 'kind']), name: n.objectName(str(r.kind), str(r.name)) };
    }
    return out;
  }

  private topologySelectorTerm(t: unknown): Obj {
    return this.optArr('matchLabelExpressions', (t as Obj)?.matchLabelExpressions, (e) => ({
      ...pick(e, ['key']),
      ...this.optArr('values', (e as Obj).values, (v) => this.names.labelValue(str((e as Obj).key), str(v))),
    }));
  }

  private csiDriver(d: unknown): Obj {
    const out = pick(d, ['name', 'topologyKeys', 'allocatable']);
    // The node's ID in the storage system (a cloud instance ID): a name like any other.
    if (typeof (d as Obj).nodeID === 'string') out.nodeID = this.names.hashed('nodeid', str((d as Obj).nodeID));
    return out;
  }
}

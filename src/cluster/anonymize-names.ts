/**
 * The name mapping of `podfit snapshot --anonymize`: every name, namespace, label value, taint
 * value and image becomes a stable hash with a readable prefix (`node-3f2a9c1b04de`), the same
 * for the same input in every run and every object, so references still meet:
 *
 *   output = prefix + '-' + hex(sha256(prefix + ':' + input))[0, ANONYMIZE_HASH_HEX_DIGITS)
 *
 * The prefix is part of the hashed input, so one string in two roles (a pod named `web`, a label
 * value `web`) gives unrelated outputs, and a reference must use the role of what it names: a
 * node name, spec.nodeName and the `kubernetes.io/hostname` label value all go through nodeName.
 * Hashes are unsalted (that is what makes two runs equal), so a name someone can guess can be
 * confirmed by hashing the guess: the output hides names, it is not encryption. Two inputs that
 * hash alike would merge two objects; that fails loudly (48 bits: odds ~2e-5 at 100,000 names).
 *
 * Kept as they are, because kube gives them meaning and they say nothing about the owner:
 * kube's own namespaces, `system-` PriorityClasses, empty and integer label values (Gt/Lt compare
 * integers), the values of a few well-known node labels (os, arch, instance type: a cloud's
 * catalogue names, which capacity planning answers in), and the image tag `latest` (ImageLocality
 * appends it to untagged images).
 */
import { createHash } from 'node:crypto';
import { PodfitError } from '../model/error-codes.js';
import { ANONYMIZE_HASH_HEX_DIGITS } from '../model/limits.js';

/** Namespaces every cluster has: kept, like kube's meaning for them. */
export const KUBE_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** Label keys whose values are kept as they are. */
export const KEPT_LABEL_VALUE_KEYS: ReadonlySet<string> = new Set([
  'kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch',
  'node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type', 'node.kubernetes.io/windows-build',
]);

/** Label keys whose values are names of objects: they follow that object's name. */
const NAME_LABEL_KEYS: Readonly<Record<string, string>> = {
  'kubernetes.io/hostname': 'Node',
  'kubernetes.io/metadata.name': 'Namespace',
  'statefulset.kubernetes.io/pod-name': 'Pod',
};

/** Readable prefixes of object names, by kind (`obj` for any other). */
const NAME_PREFIXES: Readonly<Record<string, string>> = {
  Node: 'node', Namespace: 'ns', Pod: 'pod', ReplicaSet: 'rs', Deployment: 'deploy', StatefulSet: 'sts',
  DaemonSet: 'ds', Job: 'job', CronJob: 'cronjob', ReplicationController: 'rc', Service: 'svc',
  PodDisruptionBudget: 'pdb', PriorityClass: 'pc', PersistentVolumeClaim: 'pvc', PersistentVolume: 'pv',
  StorageClass: 'sc', VolumeAttributesClass: 'vac',
};

const INTEGER = /^-?\d+$/;

/** The stable mapping; one instance per snapshot (it remembers outputs to detect collisions). */
export class Anonymizer {
  /** Output -> input, for every hashed output. */
  private readonly outputs = new Map<string, string>();

  /** `prefix-<hex>` for `input` (the prefix is hashed too). */
  hashed(prefix: string, input: string): string {
    const hex = createHash('sha256').update(`${prefix}:${input}`).digest('hex').slice(0, ANONYMIZE_HASH_HEX_DIGITS);
    return this.remember(`${prefix}-${hex}`, `${prefix}:${input}`);
  }

  private remember(out: string, input: string): string {
    const was = this.outputs.get(out);
    if (was === undefined) this.outputs.set(out, input);
    else if (was !== input) {
      throw new PodfitError('PODFIT_ERR_SNAPSHOT_HASH_COLLISION', `--anonymize: two different names hash to ${out}; the snapshot would merge them (raise ANONYMIZE_HASH_HEX_DIGITS)`);
    }
    return out;
  }

  /** A node's name (also spec.nodeName, nominatedNodeName, the hostname label, CSINode names). */
  nodeName(name: string): string {
    return name ? this.hashed('node', name) : name;
  }

  /** A namespace (kube's own are kept). */
  namespace(ns: string): string {
    return ns === '' || KUBE_NAMESPACES.has(ns) ? ns : this.hashed('ns', ns);
  }

  /** The name of an object of `kind` (also what ownerReferences and other references name). */
  objectName(kind: string, name: string): string {
    if (name === '') return name;
    if (kind === 'Node' || kind === 'CSINode') return this.nodeName(name); // a CSINode is named after its node
    if (kind === 'Namespace') return this.namespace(name);
    // system-node-critical and system-cluster-critical mean something to kube (and to podfit).
    if (kind === 'PriorityClass' && name.startsWith('system-')) return name;
    return this.hashed(NAME_PREFIXES[kind] ?? 'obj', name);
  }

  /**
   * A label value under `key` (labels, selectors, node affinity, taints and tolerations): the
   * prefix is the key's name part, so zones read `zone-…` whichever zone key holds them.
   */
  labelValue(key: string, value: string): string {
    if (value === '' || INTEGER.test(value) || KEPT_LABEL_VALUE_KEYS.has(key)) return value;
    const named = NAME_LABEL_KEYS[key];
    if (named) return this.objectName(named, value);
    return this.hashed(labelPrefix(key), value);
  }

  /**
   * A container image: repository and tag hashed apart (`img-…:t-…`), a digest re-hashed in its
   * own format, `latest` kept, so kube's normalizedImageName (append `:latest` to an untagged
   * name) commutes with the mapping and ImageLocality matches pods to node images as before.
   */
  image(name: string): string {
    if (name === '') return name;
    const at = name.indexOf('@');
    const left = at >= 0 ? name.slice(0, at) : name;
    const colon = left.lastIndexOf(':');
    const tag = colon > left.lastIndexOf('/') ? left.slice(colon + 1) : undefined;
    const repo = tag === undefined ? left : left.slice(0, colon);
    let out = this.hashed('img', repo);
    if (tag !== undefined) out += `:${tag === 'latest' ? tag : this.hashed('t', tag)}`;
    if (at >= 0) {
      const digest = name.slice(at + 1);
      const algo = digest.includes(':') ? digest.slice(0, digest.indexOf(':')) : 'sha256';
      out += `@${algo}:${createHash('sha256').update(`digest:${digest}`).digest('hex')}`;
    }
    return out;
  }

  /** A host IP (container hostIP): a stable address in 10.0.0.0/8; wildcards kept (NodePorts reads them). */
  hostIP(ip: string): string {
    if (ip === '' || ip === '0.0.0.0' || ip === '::') return ip;
    const h = createHash('sha256').update(`ip:${ip}`).digest();
    return this.remember(`10.${h[0]}.${h[1]}.${h[2]}`, `ip:${ip}`);
  }
}

/** The name part of a label key, as a label-value prefix (at most 20 characters, ends alphanumeric). */
function labelPrefix(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 20).replace(/[^A-Za-z0-9]+$/, '');
  return /^[A-Za-z0-9]/.test(name) ? name : 'v';
}

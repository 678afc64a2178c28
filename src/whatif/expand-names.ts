/**
 * Names, hashes and uids as kube's controllers and API server make them, but seeded: the same
 * scenario and seed give the same pod names, run after run.
 *
 * - A pod of a ReplicaSet, Job or DaemonSet is created with `generateName: <owner>-` and the API
 *   server appends 5 characters of `bcdfghjklmnpqrstvwxz2456789` (apimachinery utilrand.String,
 *   names.SimpleNameGenerator), first cutting the prefix to 58 characters so the name fits 63.
 * - A template hash (Deployment's `pod-template-hash`, the DaemonSet's `controller-revision-hash`)
 *   is kube's controller.ComputeHash: an FNV-1a 32-bit hash of the template (and of the collision
 *   count, as 4 little-endian bytes, when there is one), printed in decimal and each digit mapped
 *   through the same alphabet (rand.SafeEncodeString): 1 to 10 characters. kube hashes the Go
 *   struct's spew-printed form, which this cannot reproduce; podfit hashes the template's
 *   canonical JSON (keys sorted), so equal templates get equal hashes and the values have kube's
 *   form, but not kube's digits. A StatefulSet's revision (`<set>-<hash>`) is kube's
 *   history.HashControllerRevision of its revision patch; podfit uses the same template hash.
 */
import { InputError } from '../api/errors.js';
import { Prng } from '../framework/prng.js';
import { EXPAND_NAME_DRAWS_MAX } from '../model/limits.js';

/** apimachinery's utilrand alphabet: no vowels (no words), no 0/1/3 (look like o/l/e). */
export const KUBE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
/** Characters the API server appends to a generateName (names.SimpleNameGenerator's randomLength). */
export const GENERATED_SUFFIX_LENGTH = 5;
/** A generateName is cut to this many characters before the suffix (63 - 5: maxGeneratedNameLength). */
export const MAX_GENERATED_NAME_LENGTH = 58;

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/** FNV-1a 32-bit over bytes, continuing from `h` (Go's hash/fnv New32a). */
export function fnv32a(bytes: Uint8Array, h = FNV32_OFFSET): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, FNV32_PRIME) >>> 0;
  return h >>> 0;
}

/** kube's rand.SafeEncodeString: every character mapped to the alphabet by its code. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += KUBE_ALPHANUMS[ch.codePointAt(0)! % KUBE_ALPHANUMS.length];
  return out;
}

/** JSON with object keys sorted at every level, so equal values print equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** kube's controller.ComputeHash of a pod template (see the file comment). */
export function templateHash(template: unknown, collisionCount?: number | null): string {
  let h = fnv32a(utf8.encode(canonicalJson(template)));
  if (collisionCount != null) {
    const le = new Uint8Array(4);
    new DataView(le.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(le, h);
  }
  return safeEncodeString(String(h));
}

/**
 * A PRNG for one object's names, seeded by the scenario seed and the object's identity, so
 * adding a workload to a file does not rename the pods of the others.
 */
export function namePrng(seed: number, ...identity: readonly string[]): Prng {
  return new Prng(fnv32a(utf8.encode([String(seed >>> 0), ...identity].join('\u0000'))));
}

/** utilrand.String(n) from a seeded generator. */
export function randomSuffix(prng: Prng, n = GENERATED_SUFFIX_LENGTH): string {
  let out = '';
  for (let i = 0; i < n; i++) out += KUBE_ALPHANUMS[prng.intn(KUBE_ALPHANUMS.length)];
  return out;
}

/** What the API server makes of a generateName: the prefix, cut to 58 characters, and 5 random ones. */
export function generatedName(generateName: string, prng: Prng): string {
  return generateName.slice(0, MAX_GENERATED_NAME_LENGTH) + randomSuffix(prng);
}

/** A version-4 UUID (as the API server gives every object) drawn from a seeded generator. */
export function seededUid(prng: Prng): string {
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const a = hex(prng.nextU32());
  const b = hex(prng.nextU32());
  const c = hex(prng.nextU32());
  const d = hex(prng.nextU32());
  const variant = ((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

/**
 * Pod names taken per namespace: the pods that exist and those made so far. A generated name that
 * is taken is drawn again (the API server answers AlreadyExists and the controller retries with
 * a new name); a fixed name that is taken (a StatefulSet ordinal) is reported by the caller.
 */
export class NameBook {
  private readonly taken = new Map<string, Set<string>>();

  /**
   * `existing` are pods that exist (namespace `default` when unset), read the first time their
   * namespace is looked at (an expansion touches a few namespaces of a cluster that may hold
   * 100,000 pods).
   */
  constructor(private readonly existing: readonly { readonly metadata: { readonly name?: string; readonly namespace?: string } }[] = []) {}

  private namespaceSet(namespace: string): Set<string> {
    let set = this.taken.get(namespace);
    if (!set) {
      set = new Set();
      for (const { metadata: m } of this.existing) if (m.name && (m.namespace || 'default') === namespace) set.add(m.name);
      this.taken.set(namespace, set);
    }
    return set;
  }

  /** Marks a name taken; false when it already was. */
  take(namespace: string, name: string): boolean {
    const set = this.namespaceSet(namespace);
    if (set.has(name)) return false;
    set.add(name);
    return true;
  }

  has(namespace: string, name: string): boolean {
    return this.namespaceSet(namespace).has(name);
  }

  /** A free name `generateName` + suffix, taken (EXPAND_NAME_DRAWS_MAX draws at most). */
  generate(namespace: string, generateName: string, prng: Prng): string {
    for (let i = 0; i < EXPAND_NAME_DRAWS_MAX; i++) {
      const name = generatedName(generateName, prng);
      if (this.take(namespace, name)) return name;
    }
    throw new InputError(`no free pod name for generateName ${generateName} in namespace ${namespace} after ${EXPAND_NAME_DRAWS_MAX} draws (EXPAND_NAME_DRAWS_MAX)`, 'metadata.generateName');
  }
}

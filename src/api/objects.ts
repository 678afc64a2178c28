/**
 * Reading Kubernetes objects from files: JSON or YAML, a single object, a v1 List / NodeList /
 * PodList (what `kubectl get ... -o json|yaml` prints, or the API server's own lists whose items
 * carry no kind), or multi-document YAML. Objects are validated once here, with errors naming the
 * file, the item and the field, and handed to the model already decoded. Large files are read
 * one object at a time (object-stream.ts).
 */
import { z } from 'zod';
import { InputError, zodToInputError } from './errors.js';
import { nodeSchema, podSchema, type Node, type Pod } from './k8s.js';
import { EXTRA_KIND_SCHEMAS } from './k8s-extra.js';
import { ClusterObjects } from '../model/cluster-objects.js';
import { looksLikeJson, readJsonObjects, YamlObjectStream, type RawObject } from './object-stream.js';

export type { RawObject } from './object-stream.js';

/** The objects of JSON or YAML text, lists flattened, in text order. */
export function readObjectsFromText(text: string, fileName: string): RawObject[] {
  const out: RawObject[] = [];
  const emit = (raw: RawObject) => {
    out.push(raw);
  };
  if (looksLikeJson(text.slice(0, 1024))) {
    readJsonObjects(() => text, fileName, emit);
  } else {
    const stream = new YamlObjectStream(fileName, emit);
    stream.push(text.replace(/^\uFEFF/, ''));
    stream.end();
  }
  return out;
}

/** Validates one raw object against a schema, naming file, location and field on failure. */
export function decodeObject<T>(schema: z.ZodType<T>, raw: RawObject, fileName: string): T {
  const r = schema.safeParse(raw.obj);
  if (!r.success) {
    const meta = raw.obj.metadata as { name?: unknown; namespace?: unknown } | undefined;
    const name = typeof meta?.name === 'string' ? ` ${String(raw.obj.kind ?? 'object')} ${typeof meta.namespace === 'string' ? `${meta.namespace}/` : ''}${meta.name}` : '';
    throw zodToInputError(r.error, `${fileName}${raw.where ? `: ${raw.where}` : ''}${name ? `:${name}` : ''}`, '');
  }
  return r.data;
}

/** Decodes a Node. */
export const decodeNode = (raw: RawObject, fileName: string): Node => decodeObject(nodeSchema, raw, fileName);
/** Decodes a Pod. */
export const decodePod = (raw: RawObject, fileName: string): Pod => decodeObject(podSchema, raw, fileName);

/** A kind `decodeClusterObjects` reads, and the object type it decodes to. */
type ExtraKind = keyof typeof EXTRA_KIND_SCHEMAS;
type ExtraObject<K extends ExtraKind> = z.infer<(typeof EXTRA_KIND_SCHEMAS)[K]>;

/**
 * Decodes the extra objects of a snapshot (`ClusterSnapshot.others`, by kind) with their zod
 * schemas into the model's ClusterObjects; an invalid object is an InputError naming the file,
 * the object and the field.
 */
export function decodeClusterObjects(others: ReadonlyMap<string, readonly Record<string, unknown>[]>, fileName: string): ClusterObjects {
  return addClusterObjects(new ClusterObjects(), others, fileName);
}

/** Decodes extra objects (by kind) into an existing ClusterObjects (a what-if's `apply` step); returns it. */
export function addClusterObjects(out: ClusterObjects, others: ReadonlyMap<string, readonly Record<string, unknown>[]>, fileName: string): ClusterObjects {
  const each = <K extends ExtraKind>(kind: K, add: (o: ExtraObject<K>) => void) => {
    // TypeScript does not narrow the indexed union of schemas by K; the table pairs them by kind.
    const schema = EXTRA_KIND_SCHEMAS[kind] as unknown as z.ZodType<ExtraObject<K>>;
    for (const obj of others.get(kind) ?? []) add(decodeObject(schema, { obj, where: '' }, fileName));
  };
  each('Namespace', (o) => out.addNamespace(o));
  each('Service', (o) => out.addService(o));
  each('ReplicaSet', (o) => out.addReplicaSet(o));
  each('StatefulSet', (o) => out.addStatefulSet(o));
  each('ReplicationController', (o) => out.addReplicationController(o));
  each('PodDisruptionBudget', (o) => {
    if (o.apiVersion && o.apiVersion !== 'policy/v1') {
      out.warnings.push(`${fileName}: PodDisruptionBudget ${o.metadata.namespace || 'default'}/${o.metadata.name}: apiVersion ${o.apiVersion} read as policy/v1`);
    }
    out.addPodDisruptionBudget(o);
  });
  each('PriorityClass', (o) => out.addPriorityClass(o));
  return out;
}

/**
 * The objects a workload creates, as the API server would hold them: nodes and pods from their
 * templates, named from generateName with per-prefix counters (deterministic, unlike the API
 * server's random suffixes), pods with scheduler_perf's `signature` label and a creation order.
 */
import type { Node, Pod } from '../../api/k8s.js';
import type { ObjectSource } from '../../api/perf-plan.js';
import { classKeyOf, clonePodInfo, makePodInfo, podClassKey, type PodInfo } from '../../model/pod-info.js';
import { HOSTNAME_LABEL } from '../../model/templates.js';

/** Builds a workload's nodes and pods (see the file comment). */
export class PerfObjects {
  private readonly nameSeq = new Map<string, number>();
  private creationSeq = 0;

  /**
   * `signatureRead`: a template mentions `signature`, so a selector may read the per-pod signature
   * label; then it stays in the pods' class keys. Otherwise the clones of one template share the
   * template's class key (the label is read by nothing that schedules them).
   */
  constructor(private readonly signatureRead: boolean) {}

  /** `<prefix><n>`, n counting per prefix (generateName as the API server would fill it, deterministically). */
  nextName(prefix: string): string {
    const n = this.nameSeq.get(prefix) ?? 0;
    this.nameSeq.set(prefix, n + 1);
    return `${prefix}${n}`;
  }

  /** Node `i` of `count` of a source, named (generateName) and labelled with its hostname. */
  node(src: ObjectSource<Node>, i: number, count: number): Node {
    const n = src.fixed !== undefined ? (structuredClone(src.fixed) as Node) : src.render!(i, count);
    const name = n.metadata.name ?? this.nextName(n.metadata.generateName ?? 'scheduler-perf-');
    n.metadata = { ...n.metadata, name, labels: { ...n.metadata.labels, [HOSTNAME_LABEL]: n.metadata.labels?.[HOSTNAME_LABEL] ?? name } };
    return n;
  }

  /** Builds `count` pods of an op (before any is queued: pod creation is the API server's part). */
  pods(src: ObjectSource<Pod>, namespace: string, count: number, batch: number): PodInfo[] {
    const out: PodInfo[] = new Array(count);
    const base = src.fixed !== undefined ? makePodInfo({ ...src.fixed, metadata: { ...src.fixed.metadata, namespace } }) : undefined;
    if (base) base.classKey = classKeyOf(base.pod);
    for (let i = 0; i < count; i++) {
      const sig = `signature-label-${Math.floor(i / batch)}`;
      let p: PodInfo;
      if (base) {
        const name = base.pod.metadata.name && count === 1 ? base.pod.metadata.name : this.nextName(`${namespace}/${base.pod.metadata.generateName ?? base.pod.metadata.name ?? 'pod-'}`).slice(namespace.length + 1);
        p = clonePodInfo(base, name, `${namespace}-${name}`);
        const labels = { ...base.labels, signature: sig };
        p.pod.metadata.labels = labels;
        (p as { labels: Readonly<Record<string, string>> }).labels = labels;
        if (this.signatureRead) p.classKey = classKeyOf(p.pod);
      } else {
        const pod = src.render!(i, count);
        const name = pod.metadata.name ?? this.nextName(`${namespace}/${pod.metadata.generateName ?? 'pod-'}`).slice(namespace.length + 1);
        pod.metadata = { ...pod.metadata, name, namespace, uid: `${namespace}-${name}`, labels: { ...pod.metadata.labels, signature: sig } };
        p = makePodInfo(pod);
        podClassKey(p);
      }
      // Creation order on a virtual clock: QueueSort (priority, then creation) keeps the ops' order.
      (p as { creationMs: number }).creationMs = this.creationSeq++;
      out[i] = p;
    }
    return out;
  }
}

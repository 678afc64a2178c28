/**
 * The Job controller of kube v1.32, as far as the pods it starts, with what the API server adds
 * to a Job first: the selector it generates (`batch.kubernetes.io/controller-uid`) and the labels
 * it puts on the template (`batch.kubernetes.io/job-name`, `batch.kubernetes.io/controller-uid`
 * and the legacy `job-name`, `controller-uid`), unless `manualSelector`. The controller runs
 * min(parallelism, completions - succeeded) pods at once (parallelism without completions: a work
 * queue), less the active ones it has. Indexed Jobs start the lowest indexes neither done nor
 * running, each pod `<job>-<index>-<5 chars>` with its index as an annotation and a label, its
 * hostname `<job>-<index>` and JOB_COMPLETION_INDEX in its containers' environment. Retries after
 * failures, backoff, success and failure policies are a matter of time and are not modelled.
 */
import { InputError } from '../api/errors.js';
import type { Pod } from '../api/k8s.js';
import type { Job } from '../api/k8s-workloads.js';
import { MAX_GENERATED_NAME_LENGTH } from './expand-names.js';
import { admitWorkload } from './expand-apps.js';
import { admittedSpec, checkSelectorSelectsTemplate, compileSelector, podFromTemplate, type Expansion, type Owner } from './expand-pods.js';

/** batch/v1 labels the API server puts on a Job's pod template (JobNameLabel, ControllerUidLabel and their legacy forms). */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const JOB_CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
/** An Indexed Job pod's index (annotation, and label with PodIndexLabel: on by default since 1.28). */
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
/** The finalizer the Job controller puts on its pods to count them. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** The environment variable of an Indexed Job pod's index. */
export const JOB_COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/** The Job as the API server stores it (defaults, generated selector and template labels), and its controller reference. */
function admitJob(run: Expansion, job: Job, where: string): { job: Job; owner: Owner } {
  const spec = job.spec;
  if (spec.template.spec.restartPolicy !== 'Never' && spec.template.spec.restartPolicy !== 'OnFailure') {
    const got = JSON.stringify(spec.template.spec.restartPolicy ?? 'Always');
    throw new InputError(`${where}: invalid value at spec.template.spec.restartPolicy: Unsupported value: ${got}: supported values: "OnFailure", "Never"`, 'spec.template.spec.restartPolicy');
  }
  const both = spec.completions == null && spec.parallelism == null;
  const completions = both ? 1 : spec.completions;
  const parallelism = spec.parallelism ?? 1;
  if (spec.completionMode === 'Indexed' && completions == null) {
    throw new InputError(`${where}: invalid value at spec.completions: Required value: when completion mode is Indexed`, 'spec.completions');
  }
  const labels = job.metadata.labels && Object.keys(job.metadata.labels).length > 0 ? job.metadata.labels : (spec.template.metadata?.labels ?? undefined);
  const { obj, owner } = admitWorkload(run, { ...job, metadata: { ...job.metadata, ...(labels ? { labels } : {}) } }, 'batch/v1', 'Job');
  let selector = spec.selector;
  let template = spec.template;
  if (!spec.manualSelector) {
    const tl = { ...(template.metadata?.labels ?? {}) };
    for (const [k, v] of [[LEGACY_JOB_NAME_LABEL, owner.name], [JOB_NAME_LABEL, owner.name], [LEGACY_CONTROLLER_UID_LABEL, owner.uid], [JOB_CONTROLLER_UID_LABEL, owner.uid]] as const) {
      tl[k] ??= v;
      if (tl[k] !== v) throw new InputError(`${where}: invalid value at spec.template.metadata.labels: ${JSON.stringify(tl[k])}: must be '${v}'`, `spec.template.metadata.labels`);
    }
    template = { ...template, metadata: { ...template.metadata, labels: tl } };
    selector = { ...selector, matchLabels: { ...(selector?.matchLabels ?? {}), [JOB_CONTROLLER_UID_LABEL]: (selector?.matchLabels ?? {})[JOB_CONTROLLER_UID_LABEL] ?? owner.uid } };
    if (!isGeneratedSelector(selector, owner.uid)) {
      throw new InputError(`${where}: invalid value at spec.selector: \`selector\` not auto-generated (set spec.manualSelector: true to choose one)`, 'spec.selector');
    }
  } else if (!selector) {
    throw new InputError(`${where}: invalid value at spec.selector: Required value`, 'spec.selector');
  }
  const out: Job = { ...obj, spec: { ...spec, completions, parallelism, completionMode: spec.completionMode ?? 'NonIndexed', selector, template } };
  return { job: out, owner };
}

/**
 * The API server's validateGeneratedSelector: without manualSelector the selector is exactly
 * `matchLabels: {batch.kubernetes.io/controller-uid: <uid>}` (a Job exported from a cluster keeps
 * its uid and passes; a selector of one's own needs manualSelector).
 */
function isGeneratedSelector(selector: NonNullable<Job['spec']['selector']>, uid: string): boolean {
  const labels = Object.entries(selector.matchLabels ?? {});
  return (selector.matchExpressions ?? []).length === 0 && labels.length === 1 && labels[0]![0] === JOB_CONTROLLER_UID_LABEL && labels[0]![1] === uid;
}

/** batch/v1 Job: the pods its controller starts now. A suspended Job starts none. */
export function expandJob(run: Expansion, input: Job, where: string): void {
  const { job, owner } = admitJob(run, input, where);
  const spec = job.spec;
  const match = compileSelector(spec.selector, where);
  checkSelectorSelectsTemplate('Job', spec.selector!, match, spec.template, where);
  run.objects.push(job);
  if (spec.suspend) {
    run.warnings.push(`${where}: suspended: its controller starts no pods`);
    return;
  }
  const indexed = spec.completionMode === 'Indexed';
  const active = run.activePodsOf(owner, match);
  const done = indexed ? parseIndexes(job.status?.completedIndexes ?? '', spec.completions!, where) : new Set<number>();
  const succeeded = indexed ? done.size : (job.status?.succeeded ?? 0);
  const parallelism = spec.parallelism!;
  let wantActive: number;
  if (spec.completions == null) wantActive = succeeded > 0 ? active.length : parallelism;
  else wantActive = Math.max(0, Math.min(parallelism, spec.completions - succeeded));
  const diff = wantActive - active.length;
  if (diff <= 0) return;
  run.reserve(diff, where);
  const podSpec = admittedSpec(spec.template.spec, true);
  const prng = run.prng('pods', owner.kind, owner.namespace, owner.name);
  const finalizers = [...(((spec.template.metadata as { finalizers?: string[] } | null | undefined)?.finalizers) ?? []), JOB_TRACKING_FINALIZER];
  const template = { ...spec.template, metadata: { ...spec.template.metadata, finalizers } };
  if (!indexed) {
    for (let i = 0; i < diff; i++) run.addPod(podFromTemplate(template, owner, podSpec), prng, where);
    return;
  }
  const running = new Set(active.map((p) => Number(p.metadata.annotations?.[JOB_COMPLETION_INDEX] ?? -1)));
  let made = 0;
  for (let index = 0; index < spec.completions! && made < diff; index++) {
    if (done.has(index) || running.has(index)) continue;
    run.addPod(indexedPod(podFromTemplate(template, owner, podSpec), owner.name, index), prng, where, podSpec);
    made++;
  }
}

/**
 * An Indexed Job's pod for one index: generateName `<job>-<index>-` (the Job's name cut so it
 * fits), the index annotation and label, hostname `<job>-<index>` (set over the template's, as the controller does),
 * and JOB_COMPLETION_INDEX in every container from the annotation.
 */
function indexedPod(pod: Pod, jobName: string, index: number): Pod {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  pod.metadata.generateName = prefix.length > MAX_GENERATED_NAME_LENGTH ? jobName.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) + suffix : prefix;
  pod.metadata.annotations = { ...pod.metadata.annotations, [JOB_COMPLETION_INDEX]: String(index) };
  pod.metadata.labels = { ...pod.metadata.labels, [JOB_COMPLETION_INDEX]: String(index) };
  const spec = { ...pod.spec } as Pod['spec'] & Record<string, unknown>;
  spec.hostname = `${jobName}-${index}`;
  spec.containers = withIndexEnv(spec.containers);
  if (spec.initContainers) spec.initContainers = withIndexEnv(spec.initContainers);
  pod.spec = spec;
  return pod;
}

/** Containers with JOB_COMPLETION_INDEX from the pod's annotation, unless they set it. */
function withIndexEnv(containers: Pod['spec']['containers']): Pod['spec']['containers'] {
  if (!containers) return containers;
  const env = { name: JOB_COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } };
  return containers.map((c) => {
    const own = (c as { env?: { name: string }[] }).env ?? [];
    return own.some((e) => e.name === JOB_COMPLETION_INDEX_ENV) ? c : { ...c, env: [...own, env] };
  });
}

/** A Job's status.completedIndexes (`1,3-5`) as a set of indexes below `completions`. */
export function parseIndexes(text: string, completions: number, where: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new InputError(`${where}: invalid value at status.completedIndexes: ${JSON.stringify(text)} is not a list of indexes and ranges`, 'status.completedIndexes');
    const lo = Number(m[1]);
    const hi = Math.min(m[2] === undefined ? lo : Number(m[2]), completions - 1);
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return out;
}

/**
 * Job expansion (src/whatif/expand-job.ts): the API server's generated selector and template
 * labels, min(parallelism, completions) pods with kube's defaults, Indexed Jobs' names, index
 * annotation, label, hostname and environment, what is done or running counted, and the API
 * server's validation errors naming the field.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/api/errors.js';
import type { Pod } from '../../src/api/k8s.js';
import { makePod } from '../helpers/builders.js';
import { errorOf, expand, job, names, objectsOf, SUFFIX } from './expand-helpers.js';

const count = (spec: Record<string, unknown>, status?: Record<string, unknown>) => expand([job('j', spec, status ? { status } : {})]).pods.length;

describe('expand: Job', () => {
  it.each([
    ['no parallelism, no completions: 1', {}, 1],
    ['parallelism 3, completions 5: 3', { parallelism: 3, completions: 5 }, 3],
    ['parallelism 5, completions 2: 2', { parallelism: 5, completions: 2 }, 2],
    ['completions 4 alone (parallelism defaults to 1): 1', { completions: 4 }, 1],
    ['parallelism 4 alone (a work queue): 4', { parallelism: 4 }, 4],
    ['parallelism 0: none', { parallelism: 0, completions: 3 }, 0],
    ['completions 0: none', { completions: 0 }, 0],
  ])('%s', (_name, spec, want) => {
    expect(count(spec)).toBe(want);
  });

  it('counts what already succeeded (status.succeeded)', () => {
    expect(count({ parallelism: 3, completions: 5 }, { succeeded: 4 })).toBe(1);
    expect(count({ parallelism: 3, completions: 5 }, { succeeded: 5 })).toBe(0);
  });

  it('names pods <job>-<suffix> with the generated labels, selector, finalizer and controller reference', () => {
    const e = expand([job('batch', { parallelism: 2, completions: 2 })]);
    const [obj] = objectsOf(e, 'Job') as Array<{ metadata: { uid: string; labels: Record<string, string> }; spec: { selector: unknown; completionMode: string } }>;
    const uid = obj!.metadata.uid;
    expect(obj!.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    expect(obj!.spec.completionMode).toBe('NonIndexed');
    expect(obj!.metadata.labels).toEqual({ app: 'batch' });
    for (const p of e.pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^batch-${SUFFIX}$`));
      expect(p.metadata.labels).toEqual({
        app: 'batch',
        'batch.kubernetes.io/job-name': 'batch', 'job-name': 'batch',
        'batch.kubernetes.io/controller-uid': uid, 'controller-uid': uid,
      });
      expect((p.metadata as { finalizers?: string[] }).finalizers).toEqual(['batch.kubernetes.io/job-tracking']);
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'batch', uid, controller: true, blockOwnerDeletion: true }]);
      expect(p.spec.restartPolicy).toBe('Never');
    }
  });

  it('Indexed: pods <job>-<index>-<suffix> for the lowest indexes, with index annotation, label, hostname and JOB_COMPLETION_INDEX', () => {
    const e = expand([job('sweep', { completionMode: 'Indexed', completions: 5, parallelism: 3 }, { templateSpec: { hostname: 'ignored' } })]);
    expect(names(e.pods)).toEqual([0, 1, 2].map((i) => expect.stringMatching(new RegExp(`^sweep-${i}-${SUFFIX}$`))));
    e.pods.forEach((p, i) => {
      expect(p.metadata.annotations).toEqual({ 'batch.kubernetes.io/job-completion-index': String(i) });
      expect(p.metadata.labels!['batch.kubernetes.io/job-completion-index']).toBe(String(i));
      expect(p.spec.hostname).toBe(`sweep-${i}`);
      expect((p.spec.containers![0] as { env?: unknown[] }).env).toEqual([
        { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
      ]);
    });
  });

  it('Indexed: skips completed indexes (status.completedIndexes) and the ones running', () => {
    const running = makePod('sweep-1-abcde').labels({ app: 'sweep' }).build();
    running.metadata.annotations = { 'batch.kubernetes.io/job-completion-index': '1' };
    running.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'sweep', uid: 'job-uid', controller: true }];
    running.metadata.labels = { ...running.metadata.labels, 'batch.kubernetes.io/controller-uid': 'job-uid' };
    const e = expand([job('sweep', { completionMode: 'Indexed', completions: 8, parallelism: 4 }, { metadata: { uid: 'job-uid' }, status: { completedIndexes: '0,2-3' } })], { existingPods: [running] });
    expect(e.pods.map((p) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index'])).toEqual(['4', '5', '6']);
  });

  it('Indexed: cuts a long Job name so the generateName fits', () => {
    const long = 'x'.repeat(60);
    const [p] = expand([job(long, { completionMode: 'Indexed', completions: 1 })]).pods;
    expect(p!.metadata.generateName).toBe(`${'x'.repeat(55)}-0-`);
    expect(p!.metadata.name).toHaveLength(63);
  });

  it('counts the active pods it has, in a NonIndexed Job', () => {
    const mine = (n: string, phase = 'Running'): Pod => {
      const p = makePod(n).label('batch.kubernetes.io/controller-uid', 'u1').phase(phase).build();
      p.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'u1', controller: true }];
      return p;
    };
    const e = expand([job('j', { parallelism: 3, completions: 10 }, { metadata: { uid: 'u1' } })], { existingPods: [mine('a'), mine('b', 'Succeeded')] });
    expect(e.pods).toHaveLength(2);
  });

  it('a suspended Job starts none', () => {
    const e = expand([job('j', { suspend: true, parallelism: 3 })]);
    expect(e.pods).toHaveLength(0);
    expect(e.warnings.join('\n')).toMatch(/suspended/);
  });

  it('manualSelector: the selector given is used and must select the template', () => {
    const e = expand([job('j', { manualSelector: true, selector: { matchLabels: { app: 'j' } } })]);
    expect(e.pods[0]!.metadata.labels).toEqual({ app: 'j' });
    expect(errorOf(() => expand([job('j', { manualSelector: true })])).message).toMatch(/Job default\/j: invalid value at spec\.selector: Required value/);
    expect(errorOf(() => expand([job('j', { manualSelector: true, selector: { matchLabels: { app: 'k' } } })])).message).toMatch(/`selector` does not match template `labels`/);
  });

  it.each([
    ['restartPolicy Always', { templateSpec: { restartPolicy: 'Always' } }, {}, 'spec.template.spec.restartPolicy', /Unsupported value: "Always": supported values: "OnFailure", "Never"/],
    ['Indexed without completions', {}, { completionMode: 'Indexed', parallelism: 2 }, 'spec.completions', /Required value: when completion mode is Indexed/],
    ['a selector without manualSelector', {}, { selector: { matchLabels: { app: 'j' } } }, 'spec.selector', /`selector` not auto-generated/],
    ['a bad completedIndexes', { status: { completedIndexes: 'x' } }, { completionMode: 'Indexed', completions: 2 }, 'status.completedIndexes', /is not a list of indexes/],
    ['negative parallelism', {}, { parallelism: -1 }, 'spec.parallelism', /./],
  ])('refuses %s, naming the field', (_name, extra, spec, field, message) => {
    const err = errorOf(() => expand([job('j', spec, extra)], { source: 'jobs.yaml' }));
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe(field);
    expect(err.message).toMatch(/^jobs\.yaml: object 1: Job (default\/)?j: invalid value at /);
    expect(err.message).toContain(field);
    expect(err.message).toMatch(message);
  });

  it("a Job exported from a cluster (selector and labels with its uid) is accepted", () => {
    const uid = '11111111-2222-4333-8444-555555555555';
    const exported = job('j', { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } } }, { metadata: { uid } });
    const tpl = (exported.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
    tpl.metadata.labels = { ...tpl.metadata.labels, 'batch.kubernetes.io/controller-uid': uid, 'controller-uid': uid, 'job-name': 'j', 'batch.kubernetes.io/job-name': 'j' };
    expect(expand([exported]).pods).toHaveLength(1);
  });
});

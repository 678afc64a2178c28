import { describe, it, expect } from 'vitest';
import type { BindPlugin } from '../../src/framework/interfaces.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { Code } from '../../src/framework/status.js';
import { makePodInfo } from '../../src/model/pod-info.js';
import { definition } from '../../src/plugins/default-binder/index.js';
import { makePod } from '../helpers/builders.js';
import { build, clusterOf, recordingBinder } from './shared/plugin-harness.js';

// Port of kube's defaultbinder TestDefaultBinder: success binds the pod; an API error is an Error status.
describe('DefaultBinder', () => {
  const pod = makePodInfo(makePod('foo', 'ns').build());
  it('successful', async () => {
    const binder = recordingBinder();
    const p = build<BindPlugin>(definition, clusterOf([]), {}, binder);
    expect(await p.bind(new CycleState(), pod, 'foohost.kubernetes.mydomain.com')).toBeNull();
    expect(binder.bound).toEqual([['ns/foo', 'foohost.kubernetes.mydomain.com']]);
  });
  it('binding error', async () => {
    const binder = recordingBinder(new Error('failed to bind: api server down'));
    const p = build<BindPlugin>(definition, clusterOf([]), {}, binder);
    const st = await p.bind(new CycleState(), pod, 'foohost.kubernetes.mydomain.com');
    expect(st?.code).toBe(Code.Error);
    expect(st?.message()).toBe('failed to bind: api server down');
    expect(binder.bound).toEqual([]);
  });
  it('a non-Error rejection still becomes an Error status', async () => {
    const p = build<BindPlugin>(definition, clusterOf([]), {}, { bind: () => Promise.reject('boom') });
    const st = await p.bind(new CycleState(), pod, 'n');
    expect(st?.code).toBe(Code.Error);
    expect(st?.message()).toBe('boom');
  });
});

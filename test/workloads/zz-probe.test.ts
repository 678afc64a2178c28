import path from 'node:path';
import { it } from 'vitest';
import { loadPerfConfig } from '../../src/api/perf-config.js';
import { resolvePerfPlan } from '../../src/api/perf-plan.js';
it('probe', () => {
  for (const f of ['misc', 'affinity']) {
    const c = loadPerfConfig(path.join('/work/shared/data/scheduler_perf', f, 'performance-config.yaml'));
    for (const tc of c.testCases) for (const w of tc.workloads) {
      if (w.skip) { console.log('SKIP', w.id, w.skip); continue; }
      try { resolvePerfPlan(c, tc, w); } catch (e) { console.log('ERR', w.id, (e as Error).message); }
    }
  }
});

import { it } from 'vitest';
import { decodeScenario, scenarioJsonSchema } from '../../src/api/scenario.js';
it('x', () => {
  console.log(JSON.stringify(scenarioJsonSchema()).slice(0, 1500));
  const tryIt = (d: unknown) => { try { console.log(JSON.stringify(decodeScenario(d, 's.yaml'))); } catch (e) { console.log((e as Error).message); } };
  const base = { apiVersion: 'podfit/v1alpha1', kind: 'Scenario' };
  tryIt({ ...base, steps: [{ schedule: null }, {schedule: {}}, { cordon: { nodes: ['a'] } }, { cordon: { nodez: ['a'] } }] });
  tryIt({ ...base, steps: [{ cordn: { nodes: ['a'] } }] });
  tryIt({ ...base, stepz: [] });
  tryIt({ ...base, sweep: [] });
  tryIt({ ...base, kind: 'Scenari' });
  tryIt({ ...base, steps: [{ addPods: { replicas: 'x', template: {} } }] });
  tryIt({ ...base, steps: [{ addPods: { replicas: 3 } }] });
  tryIt({ ...base, steps: [{ cordon: { nodes: ['a'], selector: {} } }] });
  tryIt({ ...base, steps: [{ cordon: { selector: { matchLabels: {a: 'b'}, matchExpresions: [] } } }] });
  tryIt({ ...base, questions: [{ name: 'q', maxReplicas: { templateFile: 'x', limt: 3 } }] });
  tryIt({ ...base, questions: [{ name: 'q', minNodes: {} }] });
  tryIt({ ...base, questions: [{ nam: 'q', drain: {nodes: ['a']} }] });
});

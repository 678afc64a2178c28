// The fake API server of the tests (test/cluster/live-fake-apiserver.ts) as its own process, for
// bench/scheduler/run.mjs: loads a snapshot's nodes and pods, prints `url <URL>`, then obeys
// commands on stdin (`add <name>`: a pending pod for schedulerName podfit; `dump <file>`: writes
// the bindings; `quit`) and reports on stdout: `bound <count> <epoch ms>` for every binding when
// --trace, `all <count> <epoch ms>` once --expect bindings were made. Run with ts-hooks registered
// (run.mjs does): it imports the TypeScript sources.
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { FakeApiServer } from '../../test/cluster/live-fake-apiserver.ts';

const { values } = parseArgs({ options: { snapshot: { type: 'string' }, expect: { type: 'string', default: '0' }, trace: { type: 'boolean', default: false }, tls: { type: 'string' } } });
const tls = (f) => readFileSync(`${values.tls}/${f}`, 'utf8');
const api = new FakeApiServer({ cert: tls('server.crt'), key: tls('server.key') });
await api.start();
if (values.snapshot) {
  const list = JSON.parse(readFileSync(values.snapshot, 'utf8'));
  for (const o of list.items) api.put(o.kind === 'Node' ? 'nodes' : 'pods', o);
}
const expected = Number(values.expect);
const push = api.bindings.push.bind(api.bindings);
api.bindings.push = (...b) => {
  const n = push(...b);
  if (values.trace) process.stdout.write(`bound ${b[0].pod} ${b[0].node} ${Date.now()}\n`);
  if (n === expected) process.stdout.write(`all ${n} ${Date.now()}\n`);
  return n;
};
process.stdout.write(`url ${api.url}\n`);
process.stdout.write(`kubeconfig ${JSON.stringify(api.kubeconfig(tls('ca.crt')))}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'add') {
    api.addPod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: arg, namespace: 'bench', uid: `uid-${arg}`, creationTimestamp: new Date().toISOString() },
      spec: { schedulerName: 'podfit', containers: [{ name: 'app', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] }, status: { phase: 'Pending' } });
  } else if (cmd === 'dump') {
    writeFileSync(arg, JSON.stringify(api.bindings));
    process.stdout.write(`dumped ${api.bindings.length}\n`);
  } else if (cmd === 'quit') break;
}
await api.stop();
process.exit(0);

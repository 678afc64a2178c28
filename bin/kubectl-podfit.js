#!/usr/bin/env node
// kubectl plugin entry point: kubectl runs `kubectl-podfit` from PATH for `kubectl podfit ...`
// (e.g. `kubectl podfit capacity --cluster snap.json --podspec pod.yaml`). Same CLI as bin/podfit.js,
// and like it, first run again with a smaller V8 background pool on machines with few cores.
import { fileURLToPath } from 'node:url';
import { relaunch } from '../dist/cli/relaunch.js';

const code = await relaunch(fileURLToPath(import.meta.url));
if (code !== null) process.exitCode = code;
else {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv, undefined, 'kubectl podfit');
}

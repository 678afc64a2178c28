#!/usr/bin/env node
// kubectl plugin entry point: kubectl runs `kubectl-podfit` from PATH for `kubectl podfit ...`
// (e.g. `kubectl podfit capacity --cluster snap.json --podspec pod.yaml`). Same CLI as bin/podfit.js.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv, undefined, 'kubectl podfit');

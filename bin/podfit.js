#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (built by `npm run build`, run by `npm ci` via prepare).
// On machines with few cores the CLI first runs itself with a smaller V8 background pool
// (src/cli/relaunch.ts); the child then takes the second branch.
import { fileURLToPath } from 'node:url';
import { relaunch } from '../dist/cli/relaunch.js';

const code = await relaunch(fileURLToPath(import.meta.url));
if (code !== null) process.exitCode = code;
else {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv);
}

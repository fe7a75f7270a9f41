#!/usr/bin/env node
// Entry point for `npx docinline`: runs the compiled CLI (built by `npm install` through `prepare`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/adapters/node/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('docinline: the build is missing; run `npm install` (or `npm run build`) in the checkout first.');
  process.exit(1);
}
await import(cli.href);

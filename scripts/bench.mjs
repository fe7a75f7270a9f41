#!/usr/bin/env node
// `npm run bench [-- NAME...]`: runs bench/<NAME>.mjs (all of them, in name order, by default).
// Each benchmark measures docinline next to a reference in the same run and prints ratios.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const all = readdirSync(root + 'bench').filter((f) => f.endsWith('.mjs')).map((f) => f.slice(0, -4)).sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : all;
let failed = 0;
for (const name of names) {
  if (!all.includes(name)) { console.error(`unknown benchmark "${name}" (have: ${all.join(', ')})`); failed++; continue; }
  console.log(`\n=== bench/${name} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', root + `bench/${name}.mjs`, ...process.argv.slice(2).filter((a) => a.startsWith('-'))], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);

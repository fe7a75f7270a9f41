#!/usr/bin/env node
// The test command (`npm test`, called by .ci/run): installs the system packages the suites need when
// they are missing, type-checks and builds, then runs every test/**/*.test.ts with node:test.
// `npm test -- test/engine` runs a subset (any file or folder prefix).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

// Debian packages the suites need, by the command that proves they are there.
const SYSTEM = [
  { bin: 'redis-server', pkg: 'redis-server' },
  { bin: 'chromium', pkg: 'chromium' },
  { bin: 'pdftotext', pkg: 'poppler-utils' },
];

function have(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

function ensureSystemPackages() {
  const missing = SYSTEM.filter((s) => !have(s.bin)).map((s) => s.pkg);
  if (!missing.length) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  console.log(`[test] installing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync(sudo.length ? 'sudo' : args[0], sudo.length ? args : args.slice(1), { stdio: 'inherit', env });
  run(['apt-get', 'update', '-qq']);
  const r = run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
  if (r.status !== 0) {
    console.error(`[test] could not install ${missing.join(' ')}; the suites that need them will fail`);
    process.exit(1);
  }
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passthrough = process.argv.slice(2).filter((a) => a.startsWith('-'));

ensureSystemPackages();

if (!existsSync('node_modules')) {
  console.error('[test] node_modules is missing: run `npm install` first (the README test command does)');
  process.exit(1);
}

const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('[test] type check failed');
  process.exit(build.status ?? 1);
}

let files = findTests('test');
if (filters.length) files = files.filter((f) => filters.some((x) => f.startsWith(x.replace(/^\.\//, ''))));
if (!files.length) {
  console.error('[test] no test files matched');
  process.exit(1);
}

const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...passthrough, ...files],
  { stdio: 'inherit', env: { ...process.env, DOCINLINE_LOG_LEVEL: process.env.DOCINLINE_LOG_LEVEL ?? 'silent' } },
);
process.exit(r.status ?? 1);

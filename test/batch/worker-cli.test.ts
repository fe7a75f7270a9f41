/** `docinline worker` refuses to start without a shared queue, and documents itself. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const entry = `const m = await import(${JSON.stringify(path.join(root, 'adapters/node/commands/worker.ts'))}); process.exitCode = await m.run(process.argv.slice(1));`;

function worker(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', entry, '--', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DOCINLINE_REDIS_URL: '', ...env },
    timeout: 60_000,
  });
}

test('without DOCINLINE_REDIS_URL the worker explains and exits 1', () => {
  const r = worker([]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /DOCINLINE_REDIS_URL is not set/);
});

test('--help documents the options; a bad option or concurrency is a usage error', () => {
  const h = worker(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /--concurrency N/);
  assert.match(h.stdout, /--recover/);
  assert.equal(worker(['--frobnicate']).status, 2);
  assert.equal(worker(['--concurrency', 'x'], { DOCINLINE_REDIS_URL: 'redis://127.0.0.1:1' }).status, 2);
});

test('a Redis that cannot be reached is a clear start-up error, not a hang', () => {
  const r = worker([], { DOCINLINE_REDIS_URL: 'redis://127.0.0.1:1' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /could not connect to Redis at redis:\/\/127\.0\.0\.1:1/);
});

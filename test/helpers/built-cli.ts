/**
 * The CLI as a user runs it: bin/docinline.mjs, which runs the compiled dist/. `npm test` builds first;
 * a test file run alone builds here when dist/ is older than the sources.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const bin = join(root, 'bin/docinline.mjs');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Runs tsc when dist/adapters/node/cli.js is missing or older than src/ or adapters/node/; returns its path. */
export function buildCliIfStale(): string {
  const cli = join(root, 'dist/adapters/node/cli.js');
  if (!existsSync(cli) || statSync(cli).mtimeMs < Math.max(newest(join(root, 'src')), newest(join(root, 'adapters/node')))) {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'ignore' });
  }
  return cli;
}

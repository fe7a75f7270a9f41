/**
 * Real processes for the ops tests: `docinline serve` in a child process (its stdout captured, signals
 * delivered for real); the throwaway redis-server comes from test/helpers/redis.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export { freePort } from '../helpers/ports.js';
export { startRedis } from '../helpers/redis.js';

const root = path.resolve(import.meta.dirname, '../..');

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it is still running after `ms`. Removes the data folder. */
  stop(ms?: number): Promise<number | null>;
}

export async function spawnServe(env: Record<string, string>): Promise<ServeProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'docinline-ops-'));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/ops/serve-child.ts')], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DOCINLINE_DATA_DIR: dataDir, DOCINLINE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`docinline serve did not start:\n${out}\n${err}`)), 60_000);
    const check = () => {
      const m = /docinline listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`docinline serve exited:\n${out}\n${err}`));
    });
  });
  return {
    url,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(ms = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), ms);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      return exited;
    },
  };
}

/**
 * Real processes for the ops tests: `docinline serve` in a child process (its stdout captured, signals
 * delivered for real) and a throwaway redis-server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RedisHandle {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Debian's redis-server on a free loopback port, no persistence, stopped by its pid. */
export async function startRedis(port?: number): Promise<RedisHandle> {
  port ??= await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'docinline-ops-redis-'));
  const pidfile = path.join(dir, 'redis.pid');
  const r = spawnSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--pidfile', pidfile, '--dir', dir], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`redis-server failed: ${r.stderr || r.stdout}`);
  const { readFileSync, existsSync } = await import('node:fs');
  let pid = 0;
  for (let i = 0; i < 100 && !pid; i++) {
    if (existsSync(pidfile)) pid = Number(readFileSync(pidfile, 'utf8').trim());
    else await new Promise((res) => setTimeout(res, 50));
  }
  if (!pid) throw new Error('redis-server did not write its pid file');
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid,
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
          await new Promise((res) => setTimeout(res, 50));
        } catch {
          break;
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Real processes for the batch tests: `docinline serve` and `docinline worker` as child processes (from
 * source through tsx), each killable with SIGKILL; redis-server comes from test/helpers/redis.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export { freePort } from '../helpers/ports.js';
export { startRedis, type Redis } from '../helpers/redis.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Proc {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
  stop(): Promise<void>;
  kill(): Promise<void>;
}

function track(child: ChildProcess, out: { text: string }): Proc {
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r();
    else child.once('exit', () => r());
  });
  void exited.then(() => process.off('exit', killOnExit));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    pid: child.pid!,
    output: () => out.text,
    async stop() {
      if (gone()) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
    async kill() {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Spawns and resolves once `ready` matches the output (stdout or stderr). */
async function spawnUntil(cmd: string, args: string[], env: Record<string, string | undefined>, ready: RegExp, what: string): Promise<{ proc: Proc; match: RegExpExecArray }> {
  const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { text: '' };
  const proc = track(child, out);
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start in 60 s:\n${out.text}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      out.text += d;
      const m = ready.exec(out.text);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? sig}) before it was ready:\n${out.text}`));
    });
  });
  return { proc, match };
}

const entry = (file: string) =>
  `const m = await import(${JSON.stringify(path.join(root, file))}); process.exitCode = await m.run(process.argv.slice(1));`;

export interface Server extends Proc {
  url: string;
  baseURL: string;
}

/** `docinline serve` on a free port. */
export async function startServer(env: Record<string, string>): Promise<Server> {
  const { proc, match } = await spawnUntil(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', entry('adapters/node/commands/serve.ts')],
    { ...process.env, PORT: '0', HOST: '127.0.0.1', DOCINLINE_LOG_LEVEL: process.env.DOCINLINE_TEST_LOG ?? 'warn', ...env },
    /listening on (http:\/\/[^\s]+)/,
    'docinline serve',
  );
  return { ...proc, url: match[1]!, baseURL: `${match[1]}/v1` };
}

/** `docinline worker`. */
export async function startWorker(env: Record<string, string>, args: string[] = []): Promise<Proc> {
  const { proc } = await spawnUntil(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', entry('adapters/node/commands/worker.ts'), '--', ...args],
    { ...process.env, DOCINLINE_LOG_LEVEL: process.env.DOCINLINE_TEST_LOG ?? 'warn', ...env },
    /taking batch jobs/,
    'docinline worker',
  );
  return proc;
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const p = mkdtempSync(path.join(tmpdir(), prefix));
  return { path: p, remove: () => rmSync(p, { recursive: true, force: true }) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `f` until it returns a truthy value (or throws after `timeoutMs`). */
export async function until<T>(f: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(everyMs);
  }
}

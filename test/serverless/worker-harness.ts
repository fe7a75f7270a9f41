/**
 * The Worker as Cloudflare runs it, locally and offline: `wrangler deploy --dry-run` bundles
 * adapters/cloudflare with the repository's wrangler.toml (the exact upload a deploy would send), and
 * Miniflare runs that bundle in workerd (shipped inside the wrangler package) with the bindings wrangler
 * derives from the same wrangler.toml: R2, KV, Queues and Durable Objects simulated in memory. Vars
 * given to `startTestWorker` override wrangler.toml's.
 *
 * Not `wrangler dev`/`unstable_startWorker`: those rebuild and restart the Worker whenever a source
 * file changes, which cuts requests off mid-flight while other work edits the tree.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// Offline and quiet: no Request.cf download, no telemetry.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_SEND_METRICS = 'false';

export const root = fileURLToPath(new URL('../../', import.meta.url));

export interface WorkerBundle {
  dir: string;
  /** Every module of the upload (the script, CMaps, wasm, language data), not source maps. */
  files: string[];
  rawBytes: number;
  gzipBytes: number;
  /** wrangler's own "Total Upload: … / gzip: …" line. */
  report: string;
}

let bundling: Promise<WorkerBundle> | null = null;

/** Bundles the Worker once per test process. */
export function bundleWorker(): Promise<WorkerBundle> {
  bundling ??= new Promise<WorkerBundle>((resolve, reject) => {
    const dir = mkdtempSync(join(tmpdir(), 'docinline-worker-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const bin = join(root, 'node_modules/wrangler/bin/wrangler.js');
    execFile(process.execPath, [bin, 'deploy', '--dry-run', '--outdir', dir], { cwd: root, env: process.env, maxBuffer: 16 << 20, timeout: 300_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrangler deploy --dry-run failed: ${err.message}\n${stdout}\n${stderr}`));
      const report = /Total Upload:[^\n]*/.exec(stdout)?.[0] ?? '';
      const files = readdirSync(dir).filter((f) => !f.endsWith('.map') && f !== 'README.md');
      let rawBytes = 0;
      let gzipBytes = 0;
      for (const f of files) {
        const b = readFileSync(join(dir, f));
        rawBytes += b.length;
        gzipBytes += gzipSync(b, { level: 9 }).length;
      }
      resolve({ dir, files, rawBytes, gzipBytes, report });
    });
  });
  return bundling;
}

export interface TestWorker {
  /** Origin, e.g. http://127.0.0.1:43210 */
  url: string;
  /** OpenAI base URL (…/v1). */
  baseURL: string;
  /** Miniflare itself, for its bindings (R2, queues) and the scheduled handler. */
  mf: import('miniflare').Miniflare;
  close(): Promise<void>;
}

export interface TestWorkerOptions {
  /** The Worker's console output (its JSON log lines), line by line. */
  onOutput?: (line: string) => void;
  /** Service bindings, e.g. a Node function standing behind PARSE_SERVICE. */
  serviceBindings?: Record<string, (request: Request) => Promise<Response>>;
}

export async function startTestWorker(vars: Record<string, string>, opts: TestWorkerOptions = {}): Promise<TestWorker> {
  const bundle = await bundleWorker();
  const { unstable_getMiniflareWorkerOptions } = await import('wrangler');
  const { Miniflare, Log, LogLevel } = await import('miniflare');
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(root, 'wrangler.toml'));
  const verbose = !!process.env.DOCINLINE_TEST_LOG;
  const mf = new Miniflare({
    ...(workerOptions as object),
    name: 'docinline',
    modules: true,
    scriptPath: join(bundle.dir, 'index.js'),
    modulesRoot: bundle.dir,
    bindings: { ...(workerOptions.bindings as Record<string, string>), DOCINLINE_LOG_LEVEL: process.env.DOCINLINE_TEST_LOG ?? 'silent', ...vars },
    host: '127.0.0.1',
    port: 0,
    cf: false,
    log: new Log(verbose ? LogLevel.DEBUG : LogLevel.ERROR),
    ...(opts.serviceBindings ? { serviceBindings: { ...((workerOptions as { serviceBindings?: object }).serviceBindings ?? {}), ...opts.serviceBindings } } : {}),
    ...(opts.onOutput
      ? {
          // The Worker's console output (its JSON log lines), line by line.
          handleRuntimeStdio(stdout: import('node:stream').Readable, stderr: import('node:stream').Readable) {
            for (const s of [stdout, stderr]) {
              let rest = '';
              s.on('data', (d: Buffer) => {
                const lines = (rest + d.toString()).split('\n');
                rest = lines.pop()!;
                for (const l of lines) opts.onOutput!(l);
              });
            }
          },
        }
      : {}),
  } as ConstructorParameters<typeof Miniflare>[0]);
  try {
    const url = (await mf.ready).origin;
    return { url, baseURL: `${url}/v1`, mf, close: () => mf.dispose() };
  } catch (e) {
    await mf.dispose().catch(() => {});
    throw e;
  }
}

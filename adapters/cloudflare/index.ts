/**
 * The Worker: the same Hono app as the Node server, wired with Workers parts (adapters/cloudflare/*):
 * unpdf's pdf.js, R2 files, a KV or Cache API parse cache, batches on a Cloudflare Queue with a Durable
 * Object for locks, in-Worker OCR where memory allows and a parse service for the rest. Configuration
 * is the Worker's vars and secrets under the Node server's names (see README and wrangler.toml).
 *
 *   fetch      the HTTP API; every response that parsed something says how in x-docinline-parse-path
 *   queue      batch jobs from the JOBS queue
 *   scheduled  deletes expired files (cron in wrangler.toml)
 */
import type { MessageBatch, ScheduledController, WorkerContext } from './cf.js';
import type { Hono } from 'hono';
import { createBatchModule, type BatchModule } from '../../src/batch/index.js';
import { ConfigError } from '../../src/config.js';
import { DocinlineError } from '../../src/errors.js';
import { createFilesModule, type FilesModule } from '../../src/files/index.js';
import { createApp, createGateway, type AppDeps } from '../../src/server/app.js';
import type { AppEnv } from '../../src/server/context.js';
import type { ReadinessCheck } from '../../src/server/routes/ops.js';
import { errorResponse } from '../../src/server/errors.js';
import { createLogger, type Logger } from '../../src/server/logger.js';
import { createWorkerParseCache } from './cache.js';
import { loadWorkerConfig } from './config.js';
import type { WorkerEnv } from './env.js';
import { createWorkerPdfDriver } from './pdf.js';
import { CloudflareJobQueue } from './queue.js';
import { R2BlobStore } from './r2.js';
import { PARSE_PATH_HEADER, parsePathHeader, parsePaths, type ParsePath } from './gate.js';
import { createWorkerParser } from './runtime.js';

export { DocinlineCoordinator } from './coordinator.js';

interface Instance {
  app: Hono<AppEnv>;
  deps: AppDeps;
  logger: Logger;
  files: FilesModule | null;
  queue: CloudflareJobQueue | null;
  batches: BatchModule | null;
}

// Built once per isolate: the env of a deployed Worker does not change while the isolate lives, and
// what is built here (pdf.js, the OCR engine, the caches) is what makes the next request fast.
let instance: Instance | null = null;

function build(env: WorkerEnv): Instance {
  const { config, worker } = loadWorkerConfig(env);
  const logger = createLogger(config.logLevel);
  const pdf = createWorkerPdfDriver();
  const parser = createWorkerParser({
    pdf,
    service: { url: worker.parseService.url, binding: env.PARSE_SERVICE, apiKey: worker.parseService.apiKey, timeoutMs: worker.parseService.timeoutMs },
    ocr: worker.ocr,
    ocrMaxPixels: worker.ocrMaxPixels,
    gateBytes: Math.max(config.limits.maxFileBytes, 16 * 1024 * 1024),
    logger,
  });
  const files = env.FILES ? createFilesModule({ blobs: new R2BlobStore(env.FILES, { prefix: worker.r2Prefix }), config }) : null;
  const deps: AppDeps = {
    config,
    runtime: parser.runtime,
    parseDocument: parser.parse,
    cache: createWorkerParseCache({ kv: env.PARSE_CACHE, entries: config.cache.entries, bytes: config.cache.bytes, ttlSeconds: worker.cacheTtlSeconds }),
    logger,
    ...(files ? { files } : {}),
  };
  let queue: CloudflareJobQueue | null = null;
  let batches: BatchModule | null = null;
  if (files && env.JOBS) {
    queue = new CloudflareJobQueue({
      queue: env.JOBS,
      coordinator: env.COORDINATOR,
      onFailed: (job, error) => logger.error('batch job dropped after its last attempt', { job: job.name, id: job.id, error: String((error as Error)?.message ?? error) }),
    });
    batches = createBatchModule({ blobs: files.store.blobs, files: files.store, queue, config, logger });
  }
  const app = createApp({ ...deps, ...(batches ? { batches: batches.routes } : {}), readiness: workerReadiness(env, files, worker.parseService) });
  return { app, deps, logger, files, queue, batches };
}

/** GET /readyz: R2 answers (a HEAD proves the binding and the bucket), and so does the parse service. */
function workerReadiness(env: WorkerEnv, files: FilesModule | null, service: { url: string | null }): Record<string, ReadinessCheck> {
  const checks: Record<string, ReadinessCheck> = {};
  if (files) {
    checks.storage = async () => {
      await files.store.blobs.head('health/readyz');
      return { kind: 'r2' };
    };
  }
  const binding = env.PARSE_SERVICE;
  if (binding || service.url) {
    checks.parse_service = async (signal) => {
      // The Node server's liveness route sits at its origin, beside /v1.
      const url = binding ? 'https://parse-service.internal/healthz' : new URL('/healthz', service.url!).href;
      const res = binding ? await binding.fetch(url, { signal }) : await fetch(url, { signal });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`the parse service answered ${res.status}`);
      return { via: binding ? 'service binding' : new URL(url).host };
    };
  }
  return checks;
}

function getInstance(env: WorkerEnv): Instance {
  return (instance ??= build(env));
}

/** A configuration mistake answers every request with what is wrong, instead of failing somewhere later. */
function configError(e: unknown): Response {
  const message = e instanceof ConfigError ? e.message : `The Worker could not start: ${String((e as Error)?.message ?? e)}`;
  console.error(message);
  return errorResponse(new DocinlineError('internal_error', message));
}

export default {
  async fetch(req: Request, env: WorkerEnv, ctx: WorkerContext): Promise<Response> {
    let inst: Instance;
    try {
      inst = getInstance(env);
    } catch (e) {
      return configError(e);
    }
    const paths: ParsePath[] = [];
    const res = await parsePaths.run(paths, () => inst.app.fetch(req, env, ctx as Parameters<typeof inst.app.fetch>[2]));
    const value = parsePathHeader(paths, Number(res.headers.get('x-docinline-cache-hits') ?? 0));
    if (!value) return res;
    // Responses relayed from fetch() have immutable headers: copy around the same body stream.
    const out = new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers });
    out.headers.set(PARSE_PATH_HEADER, value);
    return out;
  },

  async queue(batch: MessageBatch<unknown>, env: WorkerEnv): Promise<void> {
    const inst = getInstance(env);
    if (!inst.queue || !inst.batches) {
      // Messages for a deployment without R2: keep them until it has a bucket again.
      batch.retryAll({ delaySeconds: 60 });
      return;
    }
    if (!inst.queue.consuming) inst.batches.service.startWorker(createGateway(inst.deps), inst.deps.config.batch.workerConcurrency);
    await inst.queue.dispatch(batch);
  },

  async scheduled(controller: ScheduledController, env: WorkerEnv): Promise<void> {
    const inst = getInstance(env);
    if (!inst.files) return;
    const swept = await inst.files.sweepExpired();
    // Once a day (the 03:17 trigger): bytes of uploads that never committed.
    const orphans = controller.cron === '17 3 * * *' ? await inst.files.collectOrphans() : 0;
    if (swept || orphans) inst.logger.info('files swept', { expired: swept, orphans });
  },
};

/**
 * The app on AWS Lambda: the Node server's parts (pdf.js legacy build, sharp, tesseract.js, the
 * DNS-pinned URL fetcher, the keep-alive backend client) without the listening server. Built once per
 * execution environment and reused by every invocation it serves.
 *
 * What differs from the Node server: files need S3 (DOCINLINE_S3_BUCKET): a function's disk is private
 * and short-lived, so without a bucket the Files API is off. Batches need Redis (DOCINLINE_REDIS_URL):
 * the function only submits them and `docinline worker` processes run them; a frozen function cannot.
 */
// First: records the builtins pdf.js' polyfills replace (see adapters/node/builtins.ts).
import { preloadPdfWorker, restoreBuiltins } from '../node/builtins.js';
import type { Hono } from 'hono';
import { createBatchModule } from '../../src/batch/index.js';
import { createMemoryParseCache } from '../../src/cache/index.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createFilesModule, type FilesModule } from '../../src/files/index.js';
import type { ParseRuntime } from '../../src/ports/parsing.js';
import { createApp, createGateway, type AppDeps } from '../../src/server/app.js';
import type { AppEnv } from '../../src/server/context.js';
import type { ReadinessCheck } from '../../src/server/routes/ops.js';
import { createLogger, type Logger } from '../../src/server/logger.js';
import { createQueue } from '../node/batch.js';
import { createNodeGatewayParts } from '../node/gateway-parts.js';
import { createBlobStore, nodeSha256 } from '../node/storage.js';

export interface LambdaApp {
  app: Hono<AppEnv>;
  config: Config;
  logger: Logger;
  /** The Files API, when DOCINLINE_S3_BUCKET is set (its sweep runs on scheduled invocations). */
  files: FilesModule | null;
  close(): Promise<void>;
}

export interface LambdaAppOptions {
  /** Environment to read (default process.env). */
  env?: Record<string, string | undefined>;
  runtime?: ParseRuntime;
  logger?: Logger;
}

export async function createLambdaApp(opts: LambdaAppOptions = {}): Promise<LambdaApp> {
  const config = loadConfig(opts.env ?? process.env);
  const logger = opts.logger ?? createLogger(config.logLevel);
  await preloadPdfWorker();
  restoreBuiltins();
  const parts = createNodeGatewayParts(config, { runtime: opts.runtime });
  const files = config.storage.s3 ? createFilesModule({ blobs: createBlobStore(config), config, sha256: nodeSha256 }) : undefined;
  if (!files) logger.info('Files API off: set DOCINLINE_S3_BUCKET (a function has no lasting disk)');
  const deps: AppDeps = {
    config,
    runtime: parts.runtime,
    cache: createMemoryParseCache(config.cache),
    fetcher: parts.fetcher,
    upstream: parts.upstream,
    logger,
    ...(files ? { files } : {}),
  };
  let batches: Hono<AppEnv> | undefined;
  let closeQueue = async () => {};
  if (files && config.redisUrl) {
    const queue = await createQueue(config, logger);
    batches = createBatchModule({ blobs: files.store.blobs, files: files.store, queue, config, logger }).routes;
    closeQueue = () => queue.close();
  }
  const s3 = config.storage.s3;
  const readiness: Record<string, ReadinessCheck> = {};
  if (files && s3) {
    readiness.storage = async () => {
      await files.store.blobs.head('health/readyz');
      return { kind: 's3', bucket: s3.bucket };
    };
  }
  const app = createApp({ ...deps, ...(batches ? { batches } : {}), readiness });
  // The gateway is built eagerly so a bad config fails the cold start, not the first request.
  createGateway(deps);
  return {
    app,
    config,
    logger,
    files: files ?? null,
    async close() {
      await closeQueue().catch(() => {});
      await parts.close();
    },
  };
}

import type { Hono } from 'hono';
import type { Config } from '../config.js';
import type { FileStore } from '../files/store.js';
import type { JobQueue } from '../ports/queue.js';
import type { BlobStore } from '../ports/storage.js';
import type { AppEnv } from '../server/context.js';
import type { Logger } from '../server/logger.js';
import { batchRoutes } from '../server/routes/batches.js';
import { BatchService } from './service.js';
import { BatchStore } from './store.js';

export { BatchService, planChunks, type CreateBatchInput } from './service.js';
export { BatchStore } from './store.js';
export * from './model.js';

export interface BatchModule {
  service: BatchService;
  /** Mounted by the app at /v1/batches. */
  routes: Hono<AppEnv>;
}

/**
 * The Batch API over a BlobStore (state, results) and a job queue (the work). The same store and
 * queue in every gateway instance and worker is all it takes to share batches between them; workers
 * call `service.startWorker(gateway)`.
 */
export function createBatchModule(deps: { blobs: BlobStore; files: FileStore; queue: JobQueue; config: Config; logger: Logger; now?: () => number }): BatchModule {
  const service = new BatchService({ store: new BatchStore(deps.blobs), files: deps.files, queue: deps.queue, config: deps.config, logger: deps.logger, now: deps.now });
  return { service, routes: batchRoutes(service) };
}

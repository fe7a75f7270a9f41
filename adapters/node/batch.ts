/**
 * Batches on Node: the queue the config asks for (BullMQ on Redis when DOCINLINE_REDIS_URL is set, else
 * in-process), the batch module over the Files API's store, and, when this process works too, a
 * consumer running the jobs through a gateway built from the same deps as the HTTP routes.
 */
import { createBatchModule, type BatchModule } from '../../src/batch/index.js';
import type { Config } from '../../src/config.js';
import type { FilesModule } from '../../src/files/index.js';
import type { JobQueue, QueueConsumer } from '../../src/ports/queue.js';
import type { Gateway } from '../../src/server/gateway.js';
import type { Logger } from '../../src/server/logger.js';
import { createMemoryQueue } from './queue-memory.js';

export async function createQueue(config: Config, logger: Logger): Promise<JobQueue> {
  const onFailed = (job: { id: string; name: string }, error: unknown) =>
    logger.error('batch job dropped after its last attempt', { job: job.name, id: job.id, error: String((error as Error)?.message ?? error) });
  if (!config.redisUrl) return createMemoryQueue({ onFailed });
  const { createBullQueue } = await import('./queue-bullmq.js');
  // ioredis reports every failed reconnect; one line per 10 s is enough to see that Redis is down.
  let lastError = 0;
  const onError = (e: unknown) => {
    const now = Date.now();
    if (now - lastError < 10_000) return;
    lastError = now;
    logger.warn('redis error', { error: String((e as Error)?.message ?? e) });
  };
  return createBullQueue({ url: config.redisUrl, prefix: config.batch.redisPrefix, lockMs: config.batch.lockMs, onFailed, onError });
}

export interface NodeBatches {
  module: BatchModule;
  queue: JobQueue;
  /** True when this process runs batch jobs. */
  working: boolean;
  close(): Promise<void>;
}

/**
 * The batch module for the server. With the in-process queue the server always runs the jobs (there is
 * no one else) and resumes unfinished batches left by a previous run; with Redis it runs them unless
 * DOCINLINE_BATCH_IN_SERVER=false (then only `docinline worker` processes do).
 */
export async function startBatches(o: { config: Config; files: FilesModule; logger: Logger; gateway: () => Gateway }): Promise<NodeBatches> {
  const { config, logger } = o;
  const queue = await createQueue(config, logger);
  const module = createBatchModule({ blobs: o.files.store.blobs, files: o.files.store, queue, config, logger });
  const working = !queue.shared || config.batch.inServer;
  if (!queue.shared && !config.batch.inServer) logger.warn('DOCINLINE_BATCH_IN_SERVER=false needs DOCINLINE_REDIS_URL; without it the server runs batches itself');
  let consumer: QueueConsumer | null = null;
  if (working) consumer = module.service.startWorker(o.gateway());
  if (!queue.shared) {
    await module.service.recover().catch((e) => logger.warn('could not resume unfinished batches', { error: String((e as Error)?.message ?? e) }));
  }
  let closing: Promise<void> | null = null;
  return {
    module,
    queue,
    working,
    close() {
      closing ??= (async () => {
        await consumer?.close();
        await queue.close();
      })();
      return closing;
    },
  };
}

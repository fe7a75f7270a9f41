/**
 * `docinline worker`: runs batch jobs from the shared queue (BullMQ on DOCINLINE_REDIS_URL) until
 * SIGINT/SIGTERM. Start as many as you like, on as many machines as you like, with the same
 * configuration as the gateways (same Redis, same storage, same backend). Each batch line goes through
 * the gateway's own inline-and-forward path, built here from the same deps as `docinline serve`.
 */
import { parseArgs } from 'node:util';
import { createMemoryParseCache } from '../../../src/cache/index.js';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { createFilesModule } from '../../../src/files/index.js';
import { createBatchModule } from '../../../src/batch/index.js';
import { createGateway } from '../../../src/server/app.js';
import { createLogger } from '../../../src/server/logger.js';
import { createQueue } from '../batch.js';
import { redact } from '../queue-bullmq.js';
import { createNodeGatewayParts } from '../gateway-parts.js';
import { createBlobStore, nodeSha256 } from '../storage.js';

export const summary = 'run batch jobs from the shared queue (needs DOCINLINE_REDIS_URL)';

const USAGE = `Usage: docinline worker [--concurrency N]

Takes batch jobs (POST /v1/batches) from the Redis queue at DOCINLINE_REDIS_URL and runs them: each
line is inlined and sent to the backend exactly as a live request would be. Run any number of workers
on any number of machines with the same settings as the gateways (Redis, storage, backend). Stops on
SIGINT/SIGTERM after the requests it has started (unfinished work goes back to the queue).

Options:
  -c, --concurrency N   batch jobs at once in this process (default DOCINLINE_WORKER_CONCURRENCY, 16)
      --recover         first queue again the work of every unfinished batch in the store: only after
                        Redis lost its data (a healthy queue would then run some requests twice)
  -h, --help            this text

Without DOCINLINE_REDIS_URL there is no shared queue: \`docinline serve\` runs batches itself.
`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { concurrency: { type: 'string', short: 'c' }, recover: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`docinline worker: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`docinline worker: refusing to start. ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (!config.redisUrl) {
    process.stderr.write('docinline worker: DOCINLINE_REDIS_URL is not set. Workers share batches through Redis; without it `docinline serve` runs batches itself.\n');
    return 1;
  }
  let concurrency = config.batch.workerConcurrency;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      process.stderr.write(`docinline worker: --concurrency must be a positive integer (got "${values.concurrency}")\n`);
      return 2;
    }
  }

  const logger = createLogger(config.logLevel, (line) => process.stdout.write(line + '\n'));
  // The same deps as adapters/node/server.ts builds for the HTTP routes.
  const { runtime, fetcher, upstream, close: closeParts } = createNodeGatewayParts(config);
  const files = createFilesModule({ blobs: createBlobStore(config), config, sha256: nodeSha256 });
  const gateway = createGateway({ config, runtime, files, fetcher, upstream, cache: createMemoryParseCache(config.cache), logger });
  const queue = await createQueue(config, logger);
  const batches = createBatchModule({ blobs: files.store.blobs, files: files.store, queue, config, logger });
  if (values.recover) process.stdout.write(`docinline worker: queued the work of ${await batches.service.recover()} unfinished batch(es) again\n`);
  const consumer = batches.service.startWorker(gateway, concurrency);
  process.stdout.write(`docinline worker ${process.pid}: taking batch jobs from ${redact(config.redisUrl)} (concurrency ${concurrency}, backend ${config.upstream.url})\n`);

  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      process.stderr.write(`docinline worker: ${sig}, finishing the requests in flight\n`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await consumer.close();
  await queue.close();
  await closeParts();
  return 0;
}

/**
 * The job queue on Redis with BullMQ (DOCINLINE_REDIS_URL): every gateway and `docinline worker` pointed
 * at the same Redis shares the jobs. A worker that dies (SIGKILL, lost machine) stops renewing its job
 * locks; after DOCINLINE_BATCH_LOCK_MS its jobs are moved back to the queue by the other workers' stall
 * checks and run again (the handlers are idempotent). bullmq and ioredis are loaded only when used.
 */
import { randomUUID } from 'node:crypto';
import type { Redis as RedisClient } from 'ioredis';
import { DocinlineError } from '../../src/errors.js';
import { RequeueJob, type EnqueueOptions, type JobHandler, type JobQueue, type QueueConsumer, type QueueLock } from '../../src/ports/queue.js';
import { renewedLock } from '../../src/batch/lock.js';

export interface BullQueueOptions {
  url: string;
  /** Key prefix in Redis (several deployments can share one Redis). */
  prefix: string;
  /** How long a job's lock lasts without renewal: how soon a dead worker's jobs are picked up again. */
  lockMs: number;
  onFailed?: (job: { id: string; name: string }, error: unknown) => void;
  onError?: (error: unknown) => void;
}

const QUEUE_NAME = 'batch';
const BACKOFF_MS = 1000;

// Compare-and-act on the lock's token, so a holder whose lock expired never touches its successor's.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const INCREMENT = `local n = redis.call('incr', KEYS[1]) redis.call('pexpire', KEYS[1], ARGV[1]) return n`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

function unavailable(e: unknown): DocinlineError {
  return new DocinlineError('storage_unavailable', `The job queue (Redis) is unavailable: ${(e as Error)?.message ?? e}`, { cause: e });
}

async function ready(client: RedisClient, url: string, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      cleanup();
      reject(new Error(`could not connect to Redis at ${redact(url)} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(t);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured URL';
  }
}

export async function createBullQueue(opts: BullQueueOptions): Promise<JobQueue> {
  const [bull, ioredis] = await Promise.all([import('bullmq'), import('ioredis')]).catch((e: unknown) => {
    throw new Error(`DOCINLINE_REDIS_URL needs the bullmq and ioredis packages (npm install bullmq ioredis): ${(e as Error).message}`);
  });
  const { Queue, Worker, DelayedError } = bull;
  const { Redis } = ioredis;
  // The producer fails fast when Redis is down (a 503 for POST /v1/batches rather than a hang); workers
  // wait for it to come back, as BullMQ requires for their blocking connection.
  const producer = new Redis(opts.url, { maxRetriesPerRequest: 2, enableOfflineQueue: false, lazyConnect: false });
  const onError = (e: unknown) => opts.onError?.(e);
  producer.on('error', onError);
  try {
    await ready(producer, opts.url, 10_000);
  } catch (e) {
    producer.disconnect();
    throw e;
  }
  const queue = new Queue(QUEUE_NAME, { connection: producer, prefix: opts.prefix });
  queue.on('error', onError);
  const workers: Array<{ close(): Promise<void> }> = [];
  let closed = false;

  return {
    kind: 'redis',
    shared: true,
    async add(name: string, data: Record<string, unknown>, o: EnqueueOptions = {}) {
      try {
        await queue.add(name, data, {
          jobId: o.id,
          delay: o.delayMs && o.delayMs > 0 ? Math.round(o.delayMs) : undefined,
          attempts: Math.max(1, o.attempts ?? 10),
          backoff: { type: 'exponential', delay: BACKOFF_MS },
          // Finished jobs are removed so their id can be used again (a failed one kept would block it).
          removeOnComplete: true,
          removeOnFail: true,
        });
      } catch (e) {
        throw unavailable(e);
      }
    },
    consume(handler: JobHandler, { concurrency }: { concurrency: number }): QueueConsumer {
      const ctrl = new AbortController();
      const connection = new Redis(opts.url, { maxRetriesPerRequest: null });
      connection.on('error', onError);
      const worker = new Worker(
        QUEUE_NAME,
        async (job, token) => {
          try {
            await handler({ id: job.id!, name: job.name, data: job.data as Record<string, unknown>, attempt: job.attemptsMade + 1 }, ctrl.signal);
          } catch (e) {
            if (e instanceof RequeueJob) {
              // Back to the queue without counting as a failure: another worker (or this one, restarted) takes it.
              await job.moveToDelayed(Date.now() + 100, token);
              throw new DelayedError();
            }
            throw e;
          }
        },
        {
          connection,
          prefix: opts.prefix,
          concurrency: Math.max(1, concurrency),
          lockDuration: opts.lockMs,
          stalledInterval: Math.max(1000, Math.round(opts.lockMs / 2)),
          // Our jobs are idempotent: a job whose worker died is always worth running again.
          maxStalledCount: 1000,
        },
      );
      worker.on('failed', (job, err) => {
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) opts.onFailed?.({ id: job.id ?? '?', name: job.name }, err);
      });
      worker.on('error', onError);
      const handle = {
        async close() {
          ctrl.abort(new RequeueJob('the worker is shutting down'));
          await worker.close();
          await connection.quit().catch(() => connection.disconnect());
        },
      };
      workers.push(handle);
      return handle;
    },
    async tryLock(key: string, ttlMs: number): Promise<QueueLock | null> {
      const k = `${opts.prefix}:lock:${key}`;
      const token = randomUUID();
      let ok: string | null;
      try {
        ok = await producer.set(k, token, 'PX', ttlMs, 'NX');
      } catch (e) {
        throw unavailable(e);
      }
      if (ok !== 'OK') return null;
      return renewedLock({
        renew: () => {
          producer.eval(RENEW, 1, k, token, String(ttlMs)).catch(onError);
        },
        release: async () => {
          await producer.eval(RELEASE, 1, k, token).catch(onError);
        },
        everyMs: Math.max(200, Math.floor(ttlMs / 3)),
        unref: true,
      });
    },
    async counts() {
      try {
        const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
        return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0 };
      } catch (e) {
        throw unavailable(e);
      }
    },
    async increment(key: string, ttlMs: number): Promise<number> {
      try {
        return Number(await producer.eval(INCREMENT, 1, `${opts.prefix}:count:${key}`, String(ttlMs)));
      } catch (e) {
        throw unavailable(e);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled(workers.map((w) => w.close()));
      await queue.close().catch(onError);
      await producer.quit().catch(() => producer.disconnect());
    },
  };
}

/**
 * The batch JobQueue on Cloudflare Queues: `add` sends a message to the queue binding, and the Worker's
 * `queue` handler hands each delivered batch of messages to `dispatch`, which runs the registered job
 * handler. What Queues lack is filled in with the Coordinator Durable Object: locks (`tryLock`), shared
 * counters (`increment`) and "not added again while waiting or running" de-duplication by job id. Delays longer than Queues allow
 * (12 h) are reached in hops; a job that asks to be requeued (shutdown) does not use up an attempt.
 */
import type { CoordinatorNamespace, CoordinatorStub, Message, MessageBatch, Queue } from './cf.js';
import { RequeueJob, type EnqueueOptions, type JobHandler, type JobQueue, type QueueConsumer, type QueueLock } from '../../src/ports/queue.js';
import { renewedLock } from '../../src/batch/lock.js';

/** The message on the queue. */
export interface JobMessage {
  v: 1;
  name: string;
  data: Record<string, unknown>;
  id: string;
  /** Tries before the job is dropped. */
  attempts: number;
  /** Not run before this time (ms). */
  due: number;
  /** Attempts used before this message was sent (a requeue or a delay hop). */
  used?: number;
  /** Token of the de-duplication lease taken by `add`. */
  token?: string;
}

/** Cloudflare Queues' longest delivery delay. */
const MAX_DELAY_SECONDS = 12 * 3600;
/** A queue consumer invocation may run 15 minutes; handlers are asked to stop before that. */
const STOP_AFTER_MS = 13 * 60_000;
const DEDUPE_GRACE_MS = 24 * 3600_000;

export interface CloudflareQueueOptions {
  queue: Queue<unknown>;
  coordinator?: CoordinatorNamespace;
  backoffMs?: (attempt: number) => number;
  onFailed?: (job: { id: string; name: string }, error: unknown) => void;
}

function stub(ns: CoordinatorNamespace, name: string): CoordinatorStub {
  return ns.get(ns.idFromName(name));
}

export class CloudflareJobQueue implements JobQueue {
  readonly kind = 'cloudflare-queues';
  readonly shared = true;
  private handler: JobHandler | null = null;
  private concurrency = 1;
  private ctrl = new AbortController();
  private readonly backoff: (attempt: number) => number;

  constructor(private readonly opts: CloudflareQueueOptions) {
    this.backoff = opts.backoffMs ?? ((n) => Math.min(60_000, 2000 * 2 ** (n - 1)));
  }

  async add(name: string, data: Record<string, unknown>, opts: EnqueueOptions = {}): Promise<void> {
    const delayMs = Math.max(0, opts.delayMs ?? 0);
    const msg: JobMessage = {
      v: 1,
      name,
      data,
      id: opts.id ?? `job-${crypto.randomUUID()}`,
      attempts: Math.max(1, opts.attempts ?? 10),
      due: Date.now() + delayMs,
    };
    if (opts.id && this.opts.coordinator) {
      const token = crypto.randomUUID();
      if (!(await stub(this.opts.coordinator, `job:${opts.id}`).acquire(token, delayMs + DEDUPE_GRACE_MS))) return;
      msg.token = token;
    }
    try {
      await this.send(msg, delayMs);
    } catch (e) {
      // Not on the queue: the id must be free for the caller's next try.
      await this.finished(msg);
      throw e;
    }
  }

  private async send(msg: JobMessage, delayMs: number): Promise<void> {
    const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
    await this.opts.queue.send(msg, delaySeconds ? { delaySeconds, contentType: 'json' } : { contentType: 'json' });
  }

  consume(handler: JobHandler, opts: { concurrency: number }): QueueConsumer {
    if (this.handler) throw new Error('this queue already has a consumer');
    this.handler = handler;
    this.concurrency = Math.max(1, opts.concurrency);
    this.ctrl = new AbortController();
    return {
      close: async () => {
        this.handler = null;
        this.ctrl.abort(new RequeueJob('the worker is shutting down'));
      },
    };
  }

  get consuming(): boolean {
    return this.handler !== null;
  }

  /** Runs one delivered batch (the Worker's `queue` handler); every message is acked or retried. */
  async dispatch(batch: MessageBatch<unknown>): Promise<void> {
    const handler = this.handler;
    if (!handler) {
      batch.retryAll({ delaySeconds: 5 });
      return;
    }
    const stop = new AbortController();
    const onStop = () => stop.abort(new RequeueJob('the consumer invocation is about to end'));
    const timer = setTimeout(onStop, STOP_AFTER_MS);
    this.ctrl.signal.addEventListener('abort', onStop, { once: true });
    const queue = [...batch.messages];
    const worker = async () => {
      for (let m = queue.shift(); m; m = queue.shift()) await this.runOne(handler, m as Message<JobMessage>, stop.signal);
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
    } finally {
      clearTimeout(timer);
      this.ctrl.signal.removeEventListener('abort', onStop);
    }
  }

  private async runOne(handler: JobHandler, m: Message<JobMessage>, signal: AbortSignal): Promise<void> {
    const job = m.body;
    if (!job || job.v !== 1 || typeof job.name !== 'string') {
      m.ack(); // not ours
      return;
    }
    const wait = job.due - Date.now();
    if (wait > 1000) {
      // Longer than one hop of the queue's delay: send it on.
      await this.send(job, wait);
      m.ack();
      return;
    }
    const attempt = (job.used ?? 0) + m.attempts;
    try {
      await handler({ id: job.id, name: job.name, data: job.data, attempt }, signal);
      await this.finished(job);
      m.ack();
    } catch (e) {
      if (e instanceof RequeueJob || signal.aborted) {
        await this.send({ ...job, used: attempt - 1, due: Date.now() + 1000 }, 1000);
        m.ack();
      } else if (attempt >= job.attempts) {
        await this.finished(job);
        m.ack();
        this.opts.onFailed?.({ id: job.id, name: job.name }, e);
      } else {
        m.retry({ delaySeconds: Math.max(1, Math.round(this.backoff(attempt) / 1000)) });
      }
    }
  }

  private async finished(job: JobMessage): Promise<void> {
    if (job.token && this.opts.coordinator) {
      await stub(this.opts.coordinator, `job:${job.id}`).release(job.token).catch(() => {});
    }
  }

  async tryLock(key: string, ttlMs: number): Promise<QueueLock | null> {
    const ns = this.opts.coordinator;
    if (!ns) throw new Error('batch locks need the COORDINATOR Durable Object binding (see wrangler.toml)');
    const lease = stub(ns, `lock:${key}`);
    const token = crypto.randomUUID();
    if (!(await lease.acquire(token, ttlMs))) return null;
    // Kept alive while held (the holder is working); gone after ttlMs if this invocation dies.
    return renewedLock({
      renew: () => void lease.acquire(token, ttlMs).catch(() => {}),
      release: () => lease.release(token).catch(() => {}),
      everyMs: Math.max(1000, Math.floor(ttlMs / 3)),
    });
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const ns = this.opts.coordinator;
    if (!ns) throw new Error('batch counters need the COORDINATOR Durable Object binding (see wrangler.toml)');
    return stub(ns, `count:${key}`).increment(ttlMs);
  }

  async close(): Promise<void> {
    this.ctrl.abort(new RequeueJob('the queue is closing'));
  }
}

/**
 * The job queue batches run on: in-process by default (adapters/node/queue-memory.ts), BullMQ on Redis
 * when DOCINLINE_REDIS_URL is set (adapters/node/queue-bullmq.ts), so any number of worker processes on
 * any number of machines share the work. Jobs are small JSON messages that name a batch and a piece of
 * it; the work itself and its results live in the BlobStore. Every handler is idempotent, so a job run
 * twice (a worker killed before acknowledging, a stalled lock) does no harm.
 */

export interface QueueJob {
  /** Which handler: "validate", "chunk", "finalize", … */
  name: string;
  data: Record<string, unknown>;
  id: string;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
}

export interface EnqueueOptions {
  /**
   * A job with this id is not added again while one is waiting, delayed or running; once it has finished
   * the id may be used again. Ids are [A-Za-z0-9_.-].
   */
  id?: string;
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
  /** Runs before the job is dropped when its handler keeps throwing (default 10). */
  attempts?: number;
}

/**
 * Thrown by a handler that stopped because its process is shutting down: the job goes back to the queue
 * as it is, without counting as a failed attempt.
 */
export class RequeueJob extends Error {
  constructor(message = 'requeued') {
    super(message);
    this.name = 'RequeueJob';
  }
}

export type JobHandler = (job: QueueJob, signal: AbortSignal) => Promise<void>;

export interface QueueConsumer {
  /**
   * Stops taking jobs and aborts the signal passed to running handlers; resolves once they have
   * returned (handlers stop between two requests, so this takes at most one request's time).
   */
  close(): Promise<void>;
}

/** A named lock held by one process at a time; kept alive while held, gone after `ttlMs` if its holder dies. */
export interface QueueLock {
  release(): Promise<void>;
}

/** Jobs waiting to run (delayed ones included in `delayed`), running now, and waiting for a retry or a delay. */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
}

export interface JobQueue {
  /** "memory" or "redis" (for logs and start-up lines). */
  readonly kind: string;
  /** True when jobs outlive this process and other processes see them. */
  readonly shared: boolean;
  add(name: string, data: Record<string, unknown>, opts?: EnqueueOptions): Promise<void>;
  /** Runs `handler` for jobs, up to `concurrency` at a time in this process. One consumer per queue. */
  consume(handler: JobHandler, opts: { concurrency: number }): QueueConsumer;
  /** The lock, or null when another holder has it. */
  tryLock(key: string, ttlMs: number): Promise<QueueLock | null>;
  /**
   * Adds one to a counter shared by every process on this queue and returns the new value (1 the first
   * time). The counter is forgotten `ttlMs` after its last increment.
   */
  increment(key: string, ttlMs: number): Promise<number>;
  /**
   * Jobs by state, for /metrics and /readyz (on Redis this is a round trip, so it also tells that the
   * queue is reachable). Optional: a queue without it is reported without depth.
   */
  counts?(): Promise<QueueCounts>;
  close(): Promise<void>;
}

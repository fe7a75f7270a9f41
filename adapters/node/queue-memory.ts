/**
 * The in-process job queue: the default, nothing to set up. Jobs live in this process only; what makes
 * batches survive a restart is that their state is in the BlobStore and the batch module re-queues
 * unfinished batches when it starts (see BatchService.recover).
 */
import { RequeueJob, type EnqueueOptions, type JobHandler, type JobQueue, type QueueConsumer, type QueueCounts, type QueueLock } from '../../src/ports/queue.js';

interface Entry {
  id: string;
  name: string;
  data: Record<string, unknown>;
  attempts: number;
  attempt: number;
  timer?: NodeJS.Timeout;
}

export interface MemoryQueueOptions {
  /** Wait before retry number `attempt` (default 1 s doubling to 30 s). */
  backoffMs?: (attempt: number) => number;
  /** Called when a job is dropped after its last attempt. */
  onFailed?: (job: { id: string; name: string }, error: unknown) => void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export class MemoryQueue implements JobQueue {
  readonly kind = 'memory';
  readonly shared = false;
  /** Waiting, delayed or running: what `add` deduplicates against. */
  private readonly known = new Map<string, Entry>();
  private readonly ready: Entry[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly held = new Set<string>();
  private readonly counters = new Map<string, { n: number; until: number }>();
  private handler: JobHandler | null = null;
  private concurrency = 1;
  private ctrl = new AbortController();
  private closed = false;
  private seq = 0;
  private readonly backoff: (attempt: number) => number;

  constructor(private readonly opts: MemoryQueueOptions = {}) {
    this.backoff = opts.backoffMs ?? ((n) => Math.min(30_000, 1000 * 2 ** (n - 1)));
  }

  async add(name: string, data: Record<string, unknown>, opts: EnqueueOptions = {}): Promise<void> {
    if (this.closed) throw new Error('the job queue is closed');
    const id = opts.id ?? `job-${++this.seq}`;
    if (this.known.has(id)) return;
    const entry: Entry = { id, name, data: structuredClone(data), attempts: Math.max(1, opts.attempts ?? 10), attempt: 0 };
    this.known.set(id, entry);
    this.schedule(entry, opts.delayMs ?? 0);
  }

  private schedule(e: Entry, delayMs: number): void {
    if (delayMs <= 0) {
      this.ready.push(e);
      queueMicrotask(() => this.pump());
      return;
    }
    e.timer = setTimeout(() => {
      e.timer = undefined;
      this.ready.push(e);
      this.pump();
    }, Math.min(delayMs, MAX_TIMER_MS));
    e.timer.unref();
  }

  private pump(): void {
    if (!this.handler || this.closed) return;
    while (this.running.size < this.concurrency && this.ready.length) {
      const e = this.ready.shift()!;
      const p: Promise<void> = this.run(e).finally(() => {
        this.running.delete(p);
        this.pump();
      });
      this.running.add(p);
    }
  }

  private async run(e: Entry): Promise<void> {
    e.attempt++;
    try {
      await this.handler!({ id: e.id, name: e.name, data: structuredClone(e.data), attempt: e.attempt }, this.ctrl.signal);
      this.known.delete(e.id);
    } catch (err) {
      if (this.closed) return;
      if (err instanceof RequeueJob) {
        e.attempt--;
        this.schedule(e, 100);
      } else if (e.attempt >= e.attempts) {
        this.known.delete(e.id);
        this.opts.onFailed?.({ id: e.id, name: e.name }, err);
      } else {
        this.schedule(e, this.backoff(e.attempt));
      }
    }
  }

  consume(handler: JobHandler, opts: { concurrency: number }): QueueConsumer {
    if (this.handler) throw new Error('this queue already has a consumer');
    this.handler = handler;
    this.concurrency = Math.max(1, opts.concurrency);
    this.ctrl = new AbortController();
    queueMicrotask(() => this.pump());
    return {
      close: async () => {
        this.handler = null;
        this.ctrl.abort(new RequeueJob('the worker is shutting down'));
        await Promise.allSettled([...this.running]);
      },
    };
  }

  async tryLock(key: string): Promise<QueueLock | null> {
    // One process: a holder cannot die without taking the lock table with it, so no expiry is needed.
    if (this.held.has(key)) return null;
    this.held.add(key);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        this.held.delete(key);
      },
    };
  }

  async counts(): Promise<QueueCounts> {
    const waiting = this.ready.length;
    const active = this.running.size;
    return { waiting, active, delayed: Math.max(0, this.known.size - waiting - active) };
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const now = Date.now();
    if (this.counters.size > 1000) for (const [k, c] of this.counters) if (c.until <= now) this.counters.delete(k);
    const c = this.counters.get(key);
    const n = c && c.until > now ? c.n + 1 : 1;
    this.counters.set(key, { n, until: now + ttlMs });
    return n;
  }

  /** Jobs waiting, delayed or running (tests, logs). */
  get size(): number {
    return this.known.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ctrl.abort(new RequeueJob('the queue is closing'));
    for (const e of this.known.values()) if (e.timer) clearTimeout(e.timer);
    this.ready.length = 0;
    await Promise.allSettled([...this.running]);
    this.known.clear();
  }
}

export function createMemoryQueue(opts?: MemoryQueueOptions): MemoryQueue {
  return new MemoryQueue(opts);
}

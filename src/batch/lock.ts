/**
 * QueueLock over a lease that expires unless renewed (a Redis key with a TTL, a Durable Object's
 * lease): renewed on a timer while held, so it outlives its TTL only while its holder is alive, and
 * released at most once.
 */
import type { QueueLock } from '../ports/queue.js';

export function renewedLock(lease: {
  /** Extends the lease; errors are the caller's to swallow or report (the next tick tries again). */
  renew: () => void;
  release: () => Promise<void>;
  everyMs: number;
  /** Node: the timer does not keep the process alive. */
  unref?: boolean;
}): QueueLock {
  const timer = setInterval(lease.renew, lease.everyMs);
  if (lease.unref) (timer as { unref?: () => void }).unref?.();
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await lease.release();
    },
  };
}

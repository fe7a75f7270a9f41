/**
 * When a batch line is tried again and after how long: 429, 5xx and timeouts are retried with
 * exponential backoff and jitter; a `retry-after` (or OpenAI's `retry-after-ms`) from the backend is
 * honoured as the shortest wait.
 */

export interface RetryPolicy {
  /** Tries in all, the first included. */
  maxAttempts: number;
  /** Backoff before the second try; doubles for each one after. */
  baseMs: number;
  /** Longest backoff (a longer retry-after is still honoured). */
  maxMs: number;
}

/** Statuses worth another try: rate limits, timeouts and server-side failures (not 501: it will not change). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** The backend's requested wait in ms, from `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: { get(name: string): string | null }, nowMs: number = Date.now()): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));
  const ra = headers.get('retry-after');
  if (ra === null) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.ceil(Number(ra) * 1000);
  const at = Date.parse(ra);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

/**
 * Backoff after `failures` failed tries: half of base·2^(failures-1) (capped) plus a random part of the
 * other half, so lines that failed together do not all come back at the same moment.
 */
export function backoffMs(failures: number, p: RetryPolicy, random: () => number = Math.random): number {
  const d = Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(d / 2 + random() * (d / 2));
}

/** The wait before the next try: the backend's retry-after when it gave one (never less), else backoff. */
export function retryDelayMs(failures: number, retryAfter: number | null, p: RetryPolicy, random: () => number = Math.random): number {
  if (retryAfter !== null) return retryAfter + Math.round(random() * Math.min(1000, retryAfter * 0.1));
  return backoffMs(failures, p, random);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

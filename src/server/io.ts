import type { Context } from 'hono';
import { readBody } from './body.js';
import type { EventRelay } from './upstream.js';

/**
 * How a route reads its request: body, headers, and whether the client went away. The Web versions work
 * on every runtime; Node passes faster ones that read the Node request directly instead of building a
 * WHATWG Request and Headers around it (the largest per-request costs of a pass-through on
 * @hono/node-server).
 */
export interface RequestIO {
  /** The whole body, refused with 413 (request_too_large) past `maxBytes`. */
  body(c: Context, maxBytes: number): Promise<Uint8Array>;
  /** One request header (lowercase name), or null. */
  header(c: Context, name: string): string | null;
  /** Calls `fn` if the client disconnects before the response is complete; returns an unsubscribe. */
  onClose(c: Context, fn: () => void): () => void;
  /** The same as an AbortSignal (for the slower paths that pass it on). */
  signal(c: Context): AbortSignal;
  /**
   * Optional: sends a relayed event stream to the client directly and returns the Response to hand the
   * framework instead (see StreamWriter in upstream.ts). Without it, streams are Web stream bodies.
   */
  stream?(c: Context, status: number, headers: Record<string, string>, relay: EventRelay): Response;
}

export const webRequestIO: RequestIO = {
  body: (c, maxBytes) => readBody(c.req.raw, maxBytes),
  header: (c, name) => c.req.raw.headers.get(name),
  onClose(c, fn) {
    const s = c.req.raw.signal;
    if (s.aborted) {
      queueMicrotask(fn);
      return () => {};
    }
    s.addEventListener('abort', fn, { once: true });
    return () => s.removeEventListener('abort', fn);
  },
  signal: (c) => c.req.raw.signal,
};

import type { Context } from 'hono';
import { readBody } from './body.js';

/**
 * How a route reads its request body and learns that the client went away. The Web versions work on
 * every runtime; Node passes faster ones that read the socket directly instead of building a WHATWG
 * Request around it (the largest per-request cost of a pass-through on @hono/node-server).
 */
export interface RequestIO {
  /** The whole body, refused with 413 (request_too_large) past `maxBytes`. */
  body(c: Context, maxBytes: number): Promise<Uint8Array>;
  /** Aborts when the client disconnects before the response is complete. */
  signal(c: Context): AbortSignal;
}

export const webRequestIO: RequestIO = {
  body: (c, maxBytes) => readBody(c.req.raw, maxBytes),
  signal: (c) => c.req.raw.signal,
};

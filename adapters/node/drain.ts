/**
 * Graceful shutdown for the Node server: once draining, new requests get a 503 (`shutting_down`, with
 * Connection: close and Retry-After, which OpenAI clients retry elsewhere) while requests already
 * running, streams included, go on until they finish or the grace period ends.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { DocinlineError } from '../../src/errors.js';
import { errorResponse } from '../../src/server/errors.js';

export interface Drain {
  /** Requests whose response has not finished (streams count until their last byte). */
  readonly inFlight: number;
  readonly draining: boolean;
  /** The answer to a request that arrives while draining. */
  refuse(): Response;
  /** Stops taking requests; resolves true once the in-flight ones are done, false when `graceMs` ran out. */
  start(graceMs: number): Promise<boolean>;
}

export function trackRequests(server: Server): Drain {
  const active = new Set<ServerResponse>();
  let draining = false;
  let idle: (() => void) | null = null;

  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    active.add(res);
    if (draining && !res.headersSent) res.setHeader('connection', 'close');
    res.once('close', () => {
      active.delete(res);
      if (!draining) return;
      // A keep-alive connection whose last response just ended must not wait for another request.
      server.closeIdleConnections();
      if (active.size === 0) idle?.();
    });
  });

  return {
    get inFlight() {
      return active.size;
    },
    get draining() {
      return draining;
    },
    refuse() {
      return errorResponse(new DocinlineError('shutting_down', 'The server is shutting down; send the request again (another instance will take it).'), {
        connection: 'close',
        'retry-after': '1',
      });
    },
    start(graceMs) {
      draining = true;
      for (const res of active) if (!res.headersSent) res.setHeader('connection', 'close');
      server.closeIdleConnections();
      if (active.size === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          idle = null;
          resolve(false);
        }, graceMs);
        timer.unref();
        idle = () => {
          clearTimeout(timer);
          idle = null;
          resolve(true);
        };
      });
    },
  };
}

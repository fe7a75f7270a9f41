import { Hono, type Context } from 'hono';
import { findChatDocuments, findResponsesDocuments, type DocumentRef } from '../../inline/parts.js';
import { inlineDocuments, type InlineStats } from '../../inline/inline.js';
import { DocinlineError } from '../../errors.js';
import { parseJsonObject } from '../body.js';
import type { AppEnv } from '../context.js';
import { NO_DOCUMENTS, statsHeaders, type Gateway } from '../gateway.js';
import { forward, type StreamWriter } from '../upstream.js';

const decoder = new TextDecoder();

interface Api {
  name: 'chat' | 'responses';
  path: string;
  /** Substrings without which the body cannot hold a part to inline (checked before parsing JSON). */
  markers: string[];
  /** Extra markers when the backend is text-only (every image is inlined). */
  textOnlyMarkers: string[];
  find(body: Record<string, unknown>, opts: { textOnly: boolean }): DocumentRef[];
}

const CHAT: Api = {
  name: 'chat',
  path: '/chat/completions',
  markers: ['transform=inline', '"file"'],
  textOnlyMarkers: ['"image_url"'],
  find: findChatDocuments,
};

const RESPONSES: Api = {
  name: 'responses',
  path: '/responses',
  markers: ['transform=inline', '"input_file"'],
  textOnlyMarkers: ['"input_image"'],
  find: findResponsesDocuments,
};

/** One chat or Responses request as the route receives it, without the HTTP exchange around it. */
export interface ForwardRequest {
  /** The JSON body as sent. */
  raw: Uint8Array;
  owner: string | null;
  /** The client's headers (a few are passed on to the backend); a Web Headers fits. */
  headers: { get(name: string): string | null };
  /** Aborts when the caller goes away. */
  signal?: AbortSignal;
  /**
   * Or, cheaper for the HTTP routes: subscribe to the caller going away (an AbortSignal is then made
   * only if documents are inlined).
   */
  onClose?: (fn: () => void) => () => void;
  requestId: string;
  /** What was inlined, once known (for the access log). */
  onStats?: (stats: InlineStats) => void;
  /** Writes an event stream to the client directly (the runtime's RequestIO.stream). */
  writeStream?: StreamWriter;
}

/**
 * Inlines the request's documents and forwards it: everything POST /v1/chat/completions and
 * /v1/responses do once the body is read. Batch lines go through here too (src/batch), so a line is
 * treated exactly like a live request.
 */
export async function inlineAndForward(gw: Gateway, apiName: 'chat' | 'responses', req: ForwardRequest): Promise<Response> {
  const api = apiName === 'chat' ? CHAT : RESPONSES;
  const markers = gw.router.anyTextOnly ? [...api.markers, ...api.textOnlyMarkers] : api.markers;
  const { raw } = req;
  const text = decoder.decode(raw);
  // Most requests carry no document: those are forwarded byte for byte without a JSON round trip.
  const mayInline = markers.some((m) => text.includes(m));
  const body = mayInline || gw.router.routed ? parseJsonObject(text) : null;
  const target = gw.router.pick(body?.model);
  let stats: InlineStats = NO_DOCUMENTS;
  let out: string | Uint8Array = raw;
  if (body && mayInline) {
    const refs = api.find(body, { textOnly: target.textOnly });
    if (refs.length) {
      stats = await inlineDocuments(refs, { owner: req.owner, signal: req.signal ?? signalFrom(req.onClose) }, gw.inline);
      out = JSON.stringify(body);
      gw.logger.debug('inlined', { requestId: req.requestId, ...stats });
    }
  }
  req.onStats?.(stats);
  return forward({
    target,
    method: 'POST',
    path: api.path,
    body: out,
    clientHeader: (name) => req.headers.get(name),
    passAuthorization: !gw.auth.enabled,
    onClientClose: req.onClose ?? (req.signal ? onAbort(req.signal) : undefined),
    timeoutMs: gw.config.upstream.timeoutMs,
    transport: gw.transport,
    requestId: req.requestId,
    api: api.name,
    logger: gw.logger,
    responseHeaders: { 'x-request-id': req.requestId, ...statsHeaders(stats) },
    writeStream: req.writeStream,
  });
}

function onAbort(signal: AbortSignal): (fn: () => void) => () => void {
  return (fn) => {
    if (signal.aborted) {
      queueMicrotask(fn);
      return () => {};
    }
    signal.addEventListener('abort', fn, { once: true });
    return () => signal.removeEventListener('abort', fn);
  };
}

function signalFrom(onClose: ForwardRequest['onClose']): AbortSignal | undefined {
  if (!onClose) return undefined;
  const ctrl = new AbortController();
  onClose(() => ctrl.abort(new DocinlineError('aborted', 'The client closed the request.')));
  return ctrl.signal;
}

function handler(gw: Gateway, api: Api) {
  return async (c: Context<AppEnv>) => {
    const raw = await gw.io.body(c, gw.config.limits.maxBodyBytes);
    return inlineAndForward(gw, api.name, {
      raw,
      owner: c.get('owner'),
      headers: { get: (name) => gw.io.header(c, name) },
      onClose: (fn) => gw.io.onClose(c, fn),
      requestId: c.get('requestId'),
      onStats: (s) => c.set('inlineStats', s),
      writeStream: gw.io.stream ? (status, headers, relay) => gw.io.stream!(c, status, headers, relay) : undefined,
    });
  };
}

export function completionRoutes(gw: Gateway): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/chat/completions', handler(gw, CHAT));
  app.post('/responses', handler(gw, RESPONSES));
  app.get('/models', (c) =>
    forward({
      target: gw.router.pick(undefined),
      method: 'GET',
      path: '/models',
      clientHeader: (name) => gw.io.header(c, name),
      passAuthorization: !gw.auth.enabled,
      onClientClose: (fn) => gw.io.onClose(c, fn),
      timeoutMs: gw.config.upstream.timeoutMs,
      transport: gw.transport,
      requestId: c.get('requestId'),
      api: 'other',
      logger: gw.logger,
      responseHeaders: { 'x-request-id': c.get('requestId') },
    }),
  );
  return app;
}

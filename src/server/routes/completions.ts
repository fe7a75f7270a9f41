import { Hono, type Context } from 'hono';
import { findChatDocuments, findResponsesDocuments, type DocumentRef } from '../../inline/parts.js';
import { inlineDocuments, type InlineStats } from '../../inline/inline.js';
import { parseJsonObject } from '../body.js';
import type { AppEnv } from '../context.js';
import { NO_DOCUMENTS, statsHeaders, type Gateway } from '../gateway.js';
import { forward } from '../upstream.js';

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

function handler(gw: Gateway, api: Api) {
  const markers = gw.router.anyTextOnly ? [...api.markers, ...api.textOnlyMarkers] : api.markers;
  return async (c: Context<AppEnv>) => {
    const raw = await gw.io.body(c, gw.config.limits.maxBodyBytes);
    const signal = gw.io.signal(c);
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
        stats = await inlineDocuments(refs, { owner: c.get('owner'), signal }, gw.inline);
        out = JSON.stringify(body);
        gw.logger.debug('inlined', { requestId: c.get('requestId'), ...stats });
      }
    }
    c.set('inlineStats', stats);
    return forward({
      target,
      method: 'POST',
      path: api.path,
      body: out,
      clientHeaders: c.req.raw.headers,
      passAuthorization: !gw.auth.enabled,
      clientSignal: signal,
      timeoutMs: gw.config.upstream.timeoutMs,
      transport: gw.transport,
      requestId: c.get('requestId'),
      api: api.name,
      logger: gw.logger,
      responseHeaders: { 'x-request-id': c.get('requestId'), ...statsHeaders(stats) },
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
      clientHeaders: c.req.raw.headers,
      passAuthorization: !gw.auth.enabled,
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

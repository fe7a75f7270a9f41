import type { Config, UpstreamRoute } from '../config.js';
import { DocinlineError } from '../errors.js';
import { Cancellation, toAbortSignal, type CancelSignal } from './cancel.js';
import type { Logger } from './logger.js';

/**
 * Talking to the backend: choosing it by model, sending the request, and relaying its answer. Streams
 * (SSE) are relayed event by event as they arrive; the client going away aborts the backend request.
 */

/** Response headers as the gateway reads them (a Web `Headers` fits). */
export interface HeaderView {
  get(name: string): string | null;
  forEach(cb: (value: string, name: string) => void): void;
}

/** The backend's answer: status and headers, then either the whole body or its chunks as they come. */
export interface UpstreamResponse {
  status: number;
  headers: HeaderView;
  /** The body's chunks as they arrive (streams). */
  chunks(): AsyncIterable<Uint8Array>;
  /** The whole body (non-streaming answers). */
  bytes(): Promise<Uint8Array>;
}

/**
 * How the gateway calls its backend. Runtimes without anything better use `fetchTransport(fetch)`; Node
 * passes one on `undici.request`, which skips WHATWG fetch's per-request machinery.
 */
export type UpstreamTransport = (
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string | Uint8Array; signal: CancelSignal },
) => Promise<UpstreamResponse>;

export function fetchTransport(f: typeof fetch = fetch): UpstreamTransport {
  return async (url, init) => {
    const res = await f(url, { method: init.method, headers: init.headers, body: init.body as RequestInit['body'], signal: toAbortSignal(init.signal) });
    return {
      status: res.status,
      headers: res.headers,
      bytes: async () => new Uint8Array(await res.arrayBuffer()),
      chunks: () => ({
        async *[Symbol.asyncIterator]() {
          if (!res.body) return;
          const reader = res.body.getReader();
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) return;
              yield value;
            }
          } finally {
            reader.cancel().catch(() => {});
          }
        },
      }),
    };
  };
}

export interface UpstreamTarget {
  url: string;
  apiKey: string;
  textOnly: boolean;
  /** The routing key that matched (for logs), or null for the default backend. */
  route: string | null;
}

export interface Router {
  pick(model: unknown): UpstreamTarget;
  /** True when some model is routed elsewhere: the request's model must be read before forwarding. */
  readonly routed: boolean;
  /** True when any backend is text-only: image parts may need inlining without the suffix. */
  readonly anyTextOnly: boolean;
}

export function createRouter(cfg: Config['upstream']): Router {
  const exact = new Map<string, UpstreamRoute>();
  const prefixes: Array<[string, UpstreamRoute]> = [];
  for (const [k, v] of Object.entries(cfg.routes)) {
    if (k.endsWith('*')) prefixes.push([k.slice(0, -1), v]);
    else exact.set(k, v);
  }
  prefixes.sort((a, b) => b[0].length - a[0].length); // longest prefix wins
  const fallback: UpstreamTarget = { url: cfg.url, apiKey: cfg.apiKey, textOnly: cfg.textOnly, route: null };
  const target = (key: string, r: UpstreamRoute): UpstreamTarget => ({
    url: r.url,
    // A routed backend never receives the default backend's key.
    apiKey: r.apiKey ?? '',
    textOnly: r.textOnly ?? cfg.textOnly,
    route: key,
  });
  return {
    routed: exact.size + prefixes.length > 0,
    anyTextOnly: cfg.textOnly || Object.values(cfg.routes).some((r) => r.textOnly),
    pick(model) {
      if (typeof model !== 'string') return fallback;
      const e = exact.get(model);
      if (e) return target(model, e);
      for (const [p, r] of prefixes) if (model.startsWith(p)) return target(p + '*', r);
      return fallback;
    },
  };
}

/** Client headers worth passing on; everything else (cookies, our own auth, hop-by-hop) stays here. */
const FORWARDED = ['accept', 'user-agent', 'openai-organization', 'openai-project', 'openai-beta'];

/** Backend response headers the client gets back: content-type, retry-after, x-ratelimit-*, openai-*, x-request-id. */
function returned(name: string): boolean {
  // Called for every backend header of every answer: a few comparisons instead of a regular expression.
  const k = name.length;
  switch (name.charCodeAt(0) | 0x20) {
    case 0x63: // c
      return k === 12 && name.toLowerCase() === 'content-type';
    case 0x72: // r
      return k === 11 && name.toLowerCase() === 'retry-after';
    case 0x6f: // o
      return k > 7 && name.slice(0, 7).toLowerCase() === 'openai-';
    case 0x78: // x
      return k === 12 ? name.toLowerCase() === 'x-request-id' : k > 12 && name.slice(0, 12).toLowerCase() === 'x-ratelimit-';
    default:
      return false;
  }
}

export interface ForwardOptions {
  target: UpstreamTarget;
  method: 'GET' | 'POST';
  /** Path under the backend's base URL, e.g. "/chat/completions". */
  path: string;
  body?: string | Uint8Array;
  /** Reads a client request header (lowercase name). */
  clientHeader: (name: string) => string | null;
  /** Forward the client's Authorization when the target has no key of its own. */
  passAuthorization: boolean;
  /** Subscribes to the client going away; returns an unsubscribe. */
  onClientClose?: (fn: () => void) => () => void;
  timeoutMs: number;
  transport: UpstreamTransport;
  requestId: string;
  /** Chat streams end with `data: [DONE]`; Responses streams name their events. */
  api: 'chat' | 'responses' | 'other';
  logger: Logger;
  /** Headers to add to the response to the client. */
  responseHeaders: Record<string, string>;
  /** Writes event streams straight to the client (see StreamWriter); default a Web stream body. */
  writeStream?: StreamWriter;
}

function upstreamHeaders(o: ForwardOptions): Record<string, string> {
  const h: Record<string, string> = { 'accept-encoding': 'identity', 'x-request-id': o.requestId };
  if (o.body !== undefined) h['content-type'] = 'application/json';
  for (const name of FORWARDED) {
    const v = o.clientHeader(name);
    if (v !== null) h[name] = v;
  }
  if (o.target.apiKey) h.authorization = `Bearer ${o.target.apiKey}`;
  else if (o.passAuthorization) {
    const a = o.clientHeader('authorization');
    if (a) h.authorization = a;
  }
  return h;
}

function clientHeadersFrom(res: UpstreamResponse, extra: Record<string, string>): Record<string, string> {
  // A plain object: @hono/node-server writes it without building a Headers instance.
  const h: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (returned(k)) {
      const name = k.toLowerCase();
      h[name === 'x-request-id' ? 'x-upstream-request-id' : name] = v;
    }
  });
  return Object.assign(h, extra);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_PENDING = 1 << 20;

/** Text of an upstream error body, trimmed for inclusion in our message. */
function upstreamMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const e = j.error;
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
    if (typeof j.message === 'string') return j.message;
    if (typeof j.detail === 'string') return j.detail;
  } catch {
    /* not JSON */
  }
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 300 ? t.slice(0, 297) + '...' : t;
}

function isOpenAIShaped(text: string): boolean {
  try {
    const j = JSON.parse(text) as { error?: { message?: unknown; type?: unknown } };
    return !!j.error && typeof j.error === 'object' && typeof j.error.message === 'string';
  } catch {
    return false;
  }
}

/**
 * A backend error before any byte was relayed: 4xx keep their status (the client's request was wrong),
 * 429 keeps retry-after, 5xx become 502. Bodies that are already OpenAI-shaped are kept as they are.
 */
async function upstreamErrorResponse(res: UpstreamResponse, o: ForwardOptions): Promise<Response> {
  const text = await res.bytes().then((b) => decoder.decode(b), () => '');
  const headers = clientHeadersFrom(res, o.responseHeaders);
  headers['content-type'] = 'application/json';
  const status = res.status >= 500 ? 502 : res.status;
  if (res.status < 500 && isOpenAIShaped(text)) return new Response(text, { status, headers });
  const detail = upstreamMessage(text) || 'no details';
  const err =
    res.status === 429
      ? new DocinlineError('rate_limited', `The backend is rate limiting requests: ${detail}`)
      : res.status >= 500
        ? new DocinlineError('upstream_error', `The backend failed with HTTP ${res.status}: ${detail}`)
        : new DocinlineError('upstream_error', `The backend rejected the request with HTTP ${res.status}: ${detail}`, { status: res.status });
  return new Response(JSON.stringify(err.toJSON()), { status, headers });
}

function errorEvent(api: ForwardOptions['api'], err: DocinlineError): Uint8Array {
  const e = err.toJSON().error;
  // `error` for OpenAI SDKs (they throw on it) and the Responses API's own error-event fields.
  const payload = api === 'responses' ? { type: 'error', code: e.code, message: e.message, param: e.param, error: e } : { error: e };
  return encoder.encode(`${api === 'responses' ? 'event: error\n' : ''}data: ${JSON.stringify(payload)}\n\n`);
}

/** Index just past the last complete SSE event in `b` (a blank line ends an event), or 0. */
function lastEventEnd(b: Uint8Array): number {
  for (let i = b.length - 1; i > 0; i--) {
    // "\n\n", or "\n\r\n" (the tail of "\r\n\r\n")
    if (b[i] === 10 && (b[i - 1] === 10 || (b[i - 1] === 13 && i > 1 && b[i - 2] === 10))) return i + 1;
  }
  return 0;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Relays an SSE body. Each read is passed on at once, cut at the last complete event so the client never
 * holds half an event; if the backend dies mid-stream the partial event is dropped and a final error event
 * is sent instead. Cancelling (the client left) aborts the backend request.
 */
export class EventRelay {
  private readonly it: AsyncIterator<Uint8Array>;
  private pending: Uint8Array = new Uint8Array(0);
  private finished = false;
  private closed = false;

  constructor(
    body: AsyncIterable<Uint8Array>,
    private readonly o: { api: ForwardOptions['api']; abort: (reason: unknown) => void; onEnd?: () => void; logger: Logger; requestId: string },
  ) {
    this.it = body[Symbol.asyncIterator]();
  }

  private end(): void {
    this.finished = true;
    this.o.onEnd?.();
  }

  /** The next bytes to send (whole events), or null at the end. */
  async next(): Promise<Uint8Array | null> {
    if (this.closed) return null;
    for (;;) {
      let chunk: IteratorResult<Uint8Array>;
      try {
        chunk = await this.it.next();
      } catch (e) {
        this.closed = true;
        if (this.finished) return null;
        this.end();
        this.o.logger.warn('upstream stream failed', { requestId: this.o.requestId, error: String((e as Error)?.message ?? e) });
        return errorEvent(this.o.api, new DocinlineError('upstream_error', 'The backend connection failed in the middle of the stream.'));
      }
      if (chunk.done) {
        this.closed = true;
        this.end();
        return this.pending.length ? this.pending : null;
      }
      const data = this.pending.length ? concat(this.pending, chunk.value) : chunk.value;
      const cut = lastEventEnd(data);
      // A backend that never ends its events would otherwise grow `pending` without bound.
      if (cut === data.length || data.length > MAX_PENDING) {
        this.pending = new Uint8Array(0);
        return data;
      }
      this.pending = data.subarray(cut);
      if (cut > 0) return data.subarray(0, cut);
      // Only part of an event so far: read on rather than hand the client a fragment.
    }
  }

  /** The client left: aborts the backend request. */
  cancel(reason?: unknown): void {
    this.closed = true;
    if (!this.finished) this.end();
    this.o.abort(reason ?? new DocinlineError('aborted', 'The client closed the stream.'));
    this.it.return?.().catch(() => {});
  }
}

/** The relay as a Web stream (what a Response body is on every runtime). */
export function relayEvents(body: AsyncIterable<Uint8Array>, o: ConstructorParameters<typeof EventRelay>[1]): ReadableStream<Uint8Array> {
  return relayStream(new EventRelay(body, o));
}

export function relayStream(relay: EventRelay): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(ctrl) {
        const chunk = await relay.next();
        if (chunk) ctrl.enqueue(chunk);
        else ctrl.close();
      },
      cancel(reason) {
        relay.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Sends a relayed event stream to the client itself, for runtimes that can write to the connection
 * without a Web stream in between (Node: the first event leaves with the headers, and no stream
 * machinery runs per event). Returns the Response the framework is given in its place.
 */
export type StreamWriter = (status: number, headers: Record<string, string>, relay: EventRelay) => Response;

/** Sends the request to the backend and turns its answer into the response for the client. */
export async function forward(o: ForwardOptions): Promise<Response> {
  const ctrl = new Cancellation();
  const abort = (reason: unknown) => ctrl.abort(reason);
  const unsubscribe = o.onClientClose?.(() => abort(new DocinlineError('aborted', 'The client closed the request.')));
  const timer = setTimeout(
    () => abort(new DocinlineError('upstream_timeout', `The backend did not answer within ${o.timeoutMs} ms.`)),
    o.timeoutMs,
  );
  const done = () => {
    clearTimeout(timer);
    unsubscribe?.();
  };

  let res: UpstreamResponse;
  try {
    res = await o.transport(o.target.url + o.path, {
      method: o.method,
      headers: upstreamHeaders(o),
      body: o.body,
      signal: ctrl,
    });
  } catch (e) {
    done();
    if (ctrl.aborted && ctrl.reason instanceof DocinlineError) throw ctrl.reason;
    const host = new URL(o.target.url).host;
    const err = e as { code?: string; cause?: { code?: string } } | undefined;
    const code = err?.code ?? err?.cause?.code ?? '';
    const unreachable = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT)$/.test(code);
    throw new DocinlineError(
      'upstream_error',
      unreachable ? `The backend at ${host} could not be reached.` : `The backend at ${host} closed the connection before answering.`,
      { cause: e },
    );
  }
  clearTimeout(timer); // the timeout covers waiting for headers; streams may think for minutes after that

  if (res.status >= 400) {
    try {
      return await upstreamErrorResponse(res, o);
    } finally {
      done();
    }
  }
  const headers = clientHeadersFrom(res, o.responseHeaders);
  const ct = res.headers.get('content-type') ?? '';
  if (ct.startsWith('text/event-stream')) {
    headers['cache-control'] = 'no-cache';
    // Proxies in front of us (nginx) must not buffer the stream either.
    headers['x-accel-buffering'] = 'no';
    // The client signal stays attached until the stream ends, so a disconnect aborts the backend.
    const relay = new EventRelay(res.chunks(), { api: o.api, abort, onEnd: done, logger: o.logger, requestId: o.requestId });
    if (o.writeStream) return o.writeStream(res.status, headers, relay);
    return new Response(relayStream(relay), { status: res.status, headers });
  }
  try {
    return new Response((await res.bytes()) as Uint8Array<ArrayBuffer>, { status: res.status, headers });
  } catch (e) {
    if (ctrl.aborted && ctrl.reason instanceof DocinlineError) throw ctrl.reason;
    throw new DocinlineError('upstream_error', 'The backend connection failed while sending its answer.', { cause: e });
  } finally {
    done();
  }
}

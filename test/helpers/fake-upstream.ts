/**
 * A fake OpenAI-compatible backend for tests and benchmarks: the one thing we do not run for real.
 * It records what it receives and answers like vLLM/Ollama/DeepSeek do, streaming SSE with
 * `reasoning_content` deltas, content deltas and `data: [DONE]`. Behaviours can be queued per request
 * to inject errors, delays, 429s with retry-after, hangs, or a failure in the middle of a stream.
 *
 *   const up = await startFakeUpstream();
 *   up.enqueue({ status: 429, headers: { 'retry-after': '7' } });
 *   ... call the gateway with DOCINLINE_UPSTREAM_URL = up.url ...
 *   up.last().body.messages
 *   await up.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeBehaviour {
  /** Answer with this HTTP status and an error body instead of a completion. */
  status?: number;
  /** Body for an error status (default an OpenAI-shaped error); a string is sent as is. */
  errorBody?: unknown;
  /** Extra response headers (e.g. retry-after). */
  headers?: Record<string, string>;
  /** Wait before sending headers. */
  delayMs?: number;
  /** Never answer (the connection stays open until the client gives up). */
  hang?: boolean;
  /** Reasoning deltas streamed first (as `reasoning_content`), then content deltas. */
  reasoning?: string[];
  content?: string[];
  /** Pause between streamed events. */
  chunkDelayMs?: number;
  /** Fail after this many streamed events (counting from the first). */
  failAfterChunks?: number;
  /** "destroy" cuts the connection (default); "error-event" ends with an error event carrying code 500, as
   * vLLM does when generation fails after the stream started. */
  failMode?: 'destroy' | 'error-event';
  /** Write this partial event right before failing (e.g. 'data: {"id":'), to check it never reaches a client. */
  partialBeforeFail?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body (undefined when empty or not JSON). */
  body: any;
  raw: string;
  /** Resolves when the exchange ends: "finished" (response fully sent) or "aborted" (the client left first). */
  closed: Promise<'finished' | 'aborted'>;
  /** Events written before the end (streams). */
  eventsSent: number;
  /** Date.now() when the request's body had arrived. */
  receivedAt: number;
}

export interface FakeUpstream {
  /** Base URL including /v1, what DOCINLINE_UPSTREAM_URL expects. */
  url: string;
  origin: string;
  port: number;
  requests: RecordedRequest[];
  last(): RecordedRequest;
  /** Behaviour for the next request (queued, first in first out). */
  enqueue(...b: FakeBehaviour[]): void;
  /** Behaviour when the queue is empty. */
  setDefault(b: FakeBehaviour): void;
  /** Clears recorded requests and queued behaviours. */
  reset(): void;
  /** Resolves once `n` requests have been received since the start (or the last reset). */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_REASONING = ['Let me ', 'think.'];
export const DEFAULT_CONTENT = ['Hello', ' from', ' the fake', ' backend.'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeUpstream(opts: { port?: number; host?: string; behaviour?: FakeBehaviour; record?: boolean } = {}): Promise<FakeUpstream> {
  const record = opts.record ?? true;
  const requests: RecordedRequest[] = [];
  const queue: FakeBehaviour[] = [];
  let fallback: FakeBehaviour = opts.behaviour ?? {};
  let received = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let seq = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString();
      let body: any;
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = undefined;
        }
      }
      let settle!: (v: 'finished' | 'aborted') => void;
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
        raw: record ? raw : '',
        closed: new Promise((r) => (settle = r)),
        eventsSent: 0,
        receivedAt: Date.now(),
      };
      res.on('close', () => settle(res.writableFinished ? 'finished' : 'aborted'));
      if (record) requests.push(rec);
      received++;
      for (const w of waiters.splice(0)) {
        if (received >= w.n) w.resolve();
        else waiters.push(w);
      }
      const b = queue.shift() ?? fallback;
      handle(req, res, rec, b).catch(() => res.destroy());
    });
  });
  server.keepAliveTimeout = 60_000;

  async function handle(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest, b: FakeBehaviour): Promise<void> {
    if (b.hang) return;
    if (b.delayMs) await sleep(b.delayMs);
    const path = (req.url ?? '').split('?')[0];
    const extra = b.headers ?? {};
    if (b.status && b.status >= 400) {
      const eb = b.errorBody ?? { error: { message: `fake backend error ${b.status}`, type: 'server_error', param: null, code: null } };
      const text = typeof eb === 'string' ? eb : JSON.stringify(eb);
      res.writeHead(b.status, { 'content-type': typeof eb === 'string' ? 'text/plain' : 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
      res.end(text);
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const text = JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'fake' }] });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
      res.end(text);
      return;
    }
    const reasoning = b.reasoning ?? DEFAULT_REASONING;
    const content = b.content ?? DEFAULT_CONTENT;
    const id = `fake-${++seq}`;
    const model = typeof rec.body?.model === 'string' ? rec.body.model : 'fake-model';
    const stream = rec.body?.stream === true;
    if (path === '/v1/chat/completions') {
      if (!stream) {
        const text = JSON.stringify({
          id,
          object: 'chat.completion',
          created: 1700000000,
          model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: content.join(''), reasoning_content: reasoning.join('') } }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
        res.end(text);
        return;
      }
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1700000000, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      const events = [
        chunk({ role: 'assistant', content: '' }),
        ...reasoning.map((r) => chunk({ reasoning_content: r })),
        ...content.map((c) => chunk({ content: c })),
        chunk({}, 'stop'),
      ];
      if (rec.body?.stream_options?.include_usage) {
        events.push(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1700000000, model, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } })}\n\n`);
      }
      events.push('data: [DONE]\n\n');
      await streamEvents(res, rec, b, events, 'chat');
      return;
    }
    if (path === '/v1/responses') {
      const text = content.join('');
      const response = (status: string, out: string) => ({
        id,
        object: 'response',
        created_at: 1700000000,
        status,
        model,
        output: out
          ? [{ type: 'message', id: `msg-${id}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: out, annotations: [] }] }]
          : [],
        usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
      });
      if (!stream) {
        const body = JSON.stringify(response('completed', text));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extra });
        res.end(body);
        return;
      }
      let n = 0;
      const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: n++, ...data })}\n\n`;
      const events = [
        ev('response.created', { response: response('in_progress', '') }),
        ...reasoning.map((r) => ev('response.reasoning_text.delta', { item_id: `rs-${id}`, output_index: 0, content_index: 0, delta: r })),
        ...content.map((c) => ev('response.output_text.delta', { item_id: `msg-${id}`, output_index: 0, content_index: 0, delta: c })),
        ev('response.completed', { response: response('completed', text) }),
      ];
      await streamEvents(res, rec, b, events, 'responses');
      return;
    }
    const text = JSON.stringify({ error: { message: `fake backend: no route ${req.method} ${path}`, type: 'invalid_request_error', param: null, code: null } });
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function streamEvents(res: ServerResponse, rec: RecordedRequest, b: FakeBehaviour, events: string[], api: 'chat' | 'responses'): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...(b.headers ?? {}) });
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed) return;
      if (b.failAfterChunks !== undefined && i === b.failAfterChunks) {
        if (b.partialBeforeFail) {
          res.write(b.partialBeforeFail);
          await sleep(5);
        }
        if (b.failMode === 'error-event') {
          const err = { error: { message: 'fake backend failed mid-stream', type: 'server_error', param: null, code: 500 } };
          res.end(`${api === 'responses' ? 'event: error\n' : ''}data: ${JSON.stringify(err)}\n\n`);
        } else {
          // Let what was written reach the client first: "after N chunks" means it got them.
          await sleep(5);
          res.destroy();
        }
        return;
      }
      res.write(events[i]!);
      rec.eventsSent++;
      if (b.chunkDelayMs) await sleep(b.chunkDelayMs);
    }
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const origin = `http://${opts.host ?? '127.0.0.1'}:${addr.port}`;
  return {
    url: `${origin}/v1`,
    origin,
    port: addr.port,
    requests,
    last() {
      const r = requests[requests.length - 1];
      if (!r) throw new Error('the fake upstream has received no request');
      return r;
    },
    enqueue: (...b) => void queue.push(...b),
    setDefault: (b) => void (fallback = b),
    reset() {
      requests.length = 0;
      queue.length = 0;
      received = 0;
    },
    waitForRequests(n, timeoutMs = 5000) {
      if (received >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`fake upstream: ${received}/${n} requests after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

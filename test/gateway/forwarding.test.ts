// Forwarding through the running gateway with the official OpenAI client: non-stream and stream for both
// APIs, models, auth, routing, upstream failures before and after the first byte, client aborts.
import { strict as assert } from 'node:assert';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI, { APIError } from 'openai';
import { DEFAULT_CONTENT, DEFAULT_REASONING, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let up: FakeUpstream;
let gw: TestGateway;
let client: OpenAI;

/** An `assert.rejects` check: an OpenAI APIError with this status and code, then `more` on it. */
const apiError = (status: number, code: string, more: (e: APIError) => void = () => {}) => (e: unknown) => {
  assert.ok(e instanceof APIError);
  assert.equal(e.status, status);
  assert.equal(e.code, code);
  more(e);
  return true;
};

before(async () => {
  up = await startFakeUpstream();
  gw = await startGateway({ DOCINLINE_UPSTREAM_URL: up.url, DOCINLINE_UPSTREAM_TIMEOUT_MS: '1500', DOCINLINE_MAX_BODY_BYTES: String(256 * 1024) });
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-client', maxRetries: 0 });
});
after(async () => {
  await gw?.close();
  await up?.close();
});
beforeEach(() => up.reset());

describe('chat completions', () => {
  test('non-stream: the answer and reasoning come back, the request reaches the backend unchanged', async () => {
    const res = await client.chat.completions.create({
      model: 'deepseek-r1',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.25,
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
      // unknown fields must survive
      ...({ chat_template_kwargs: { thinking: true }, top_k: 7 } as object),
    });
    assert.equal(res.choices[0]!.message.content, DEFAULT_CONTENT.join(''));
    assert.equal((res.choices[0]!.message as unknown as { reasoning_content: string }).reasoning_content, DEFAULT_REASONING.join(''));
    const got = up.last();
    assert.equal(got.path, '/v1/chat/completions');
    assert.equal(got.body.temperature, 0.25);
    assert.deepEqual(got.body.chat_template_kwargs, { thinking: true });
    assert.equal(got.body.top_k, 7);
    assert.equal(got.body.tools[0].function.name, 'lookup');
    assert.equal(got.headers.authorization, 'Bearer sk-client', 'no upstream key configured: the client key is passed through');
  });

  test('a request without documents is forwarded byte for byte', async () => {
    const raw = '{"model":"m",  "messages":[{"role":"user","content":"a \\"file\\" mention"}],"x_unknown":[1,2,{"z":null}]}';
    const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    assert.equal(res.status, 200);
    await res.json();
    assert.equal(up.last().raw, raw);
  });

  test('stream: chunks arrive in order, reasoning_content first, then content, then [DONE]', async () => {
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const reasoning: string[] = [];
    const content: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      if (d?.reasoning_content) {
        assert.equal(content.length, 0, 'reasoning arrives before content');
        reasoning.push(d.reasoning_content);
      }
      if (d?.content) content.push(d.content);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.deepEqual(reasoning, DEFAULT_REASONING);
    assert.deepEqual(content, DEFAULT_CONTENT);
    assert.equal(finish, 'stop');
  });

  test('stream: the raw SSE ends with data: [DONE] and carries the docinline headers', async () => {
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(res.headers.get('x-docinline-documents'), '0');
    assert.ok(res.headers.get('x-request-id'));
    const text = await res.text();
    const events = text.split('\n\n').filter(Boolean);
    assert.equal(events.at(-1), 'data: [DONE]');
    assert.match(events.at(-2)!, /"usage"/);
    assert.equal(up.last().body.stream_options.include_usage, true);
  });

  test('stream: each event is passed on as it arrives, not buffered', async () => {
    up.enqueue({ chunkDelayMs: 150, reasoning: [], content: ['one', 'two', 'three'] });
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    const reader = res.body!.getReader();
    const t0 = performance.now();
    const arrivals: number[] = [];
    let seen = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
      arrivals.push(performance.now() - t0);
    }
    assert.ok(seen.includes('"content":"one"') && seen.includes('[DONE]'));
    // 6 events 150 ms apart: a buffering proxy would deliver everything at once after ~750 ms.
    assert.ok(arrivals.length >= 4, `expected several separate reads, got ${arrivals.length}`);
    assert.ok(arrivals[0]! < 300, `first chunk after ${arrivals[0]} ms`);
  });

  test('a backend that dies mid-stream: the client gets the chunks so far, then an error event', async () => {
    up.enqueue({ failAfterChunks: 3, partialBeforeFail: 'data: {"id":"half', reasoning: [], content: ['a', 'b', 'c', 'd'] });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const got: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) got.push(chunk.choices[0]?.delta?.content ?? '');
      })(),
      (e: unknown) => e instanceof APIError && /middle of the stream/.test(e.message) && (e as APIError).code === 'upstream_error',
    );
    assert.deepEqual(got, ['', 'a', 'b'], 'the events before the failure arrived, the partial one did not');
  });

  test('a backend error event after the first byte is passed to the client', async () => {
    up.enqueue({ failAfterChunks: 2, failMode: 'error-event' });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    await assert.rejects(
      (async () => {
        for await (const _ of stream) void _;
      })(),
      (e: unknown) => e instanceof APIError && /failed mid-stream/.test(e.message),
    );
  });

  test('client abort reaches the backend', async () => {
    up.enqueue({ chunkDelayMs: 200, content: Array.from({ length: 50 }, (_, i) => `t${i} `) });
    const ctrl = new AbortController();
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal: ctrl.signal });
    let n = 0;
    // The SDK ends an aborted stream's iteration quietly.
    await (async () => {
      for await (const _ of stream) {
        void _;
        if (++n === 2) ctrl.abort();
      }
    })().catch(() => {});
    assert.equal(n, 2);
    const rec = up.last();
    const outcome = await Promise.race([rec.closed, new Promise((r) => setTimeout(() => r('still open'), 3000))]);
    assert.equal(outcome, 'aborted');
    assert.ok(rec.eventsSent < 20, `the backend stopped early (sent ${rec.eventsSent} events)`);
  });

  test('client abort while waiting for the backend headers reaches the backend', async () => {
    up.enqueue({ delayMs: 1000 });
    const ctrl = new AbortController();
    const p = client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true }, { signal: ctrl.signal });
    await up.waitForRequests(1);
    const rec = up.requests[0]!;
    ctrl.abort();
    await assert.rejects(p);
    const outcome = await Promise.race([rec.closed, new Promise((r) => setTimeout(() => r('still open'), 3000))]);
    assert.equal(outcome, 'aborted');
  });
});

describe('responses API', () => {
  test('non-stream is forwarded to /v1/responses', async () => {
    const r = await client.responses.create({ model: 'm', input: 'hello', instructions: 'be brief' });
    assert.equal(r.output_text, DEFAULT_CONTENT.join(''));
    assert.equal(up.last().path, '/v1/responses');
    assert.equal(up.last().body.instructions, 'be brief');
  });

  test('stream: named events arrive in order', async () => {
    const stream = await client.responses.create({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }], stream: true });
    const types: string[] = [];
    let text = '';
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'response.output_text.delta') text += ev.delta;
    }
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    assert.equal(text, DEFAULT_CONTENT.join(''));
  });

  test('a backend dying mid-stream ends the stream with an error event', async () => {
    up.enqueue({ failAfterChunks: 2 });
    const stream = await client.responses.create({ model: 'm', input: 'x', stream: true });
    await assert.rejects(
      (async () => {
        for await (const _ of stream) void _;
      })(),
      (e: unknown) => e instanceof APIError && (e as APIError).code === 'upstream_error',
    );
  });
});

describe('models and errors', () => {
  test('GET /v1/models is forwarded', async () => {
    const list = await client.models.list();
    assert.deepEqual(
      list.data.map((m) => m.id),
      ['fake-model'],
    );
    assert.equal(up.last().path, '/v1/models');
  });

  test('429 is passed through with retry-after', async () => {
    up.enqueue({ status: 429, headers: { 'retry-after': '7' }, errorBody: { error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limit' } } });
    await assert.rejects(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof APIError);
      assert.equal(e.status, 429);
      assert.equal(e.headers?.get('retry-after'), '7');
      assert.match(e.message, /slow down/);
      return true;
    });
  });

  test('a non-OpenAI 429 body is reshaped, keeping retry-after', async () => {
    up.enqueue({ status: 429, headers: { 'retry-after': '3' }, errorBody: 'Too Many Requests' });
    const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [], x: '"file"' }) });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '3');
    const body = (await res.json()) as { error: { code: string; type: string; message: string } };
    assert.equal(body.error.code, 'rate_limited');
    assert.equal(body.error.type, 'rate_limit_error');
  });

  test('backend 500 before the first byte becomes 502, OpenAI-shaped', async () => {
    up.enqueue({ status: 500, errorBody: '<html>internal error</html>' });
    await assert.rejects(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true }), apiError(502, 'upstream_error', (e) => assert.match(e.message, /HTTP 500.*internal error/)));
  });

  test('backend 4xx keeps its status and body', async () => {
    up.enqueue({ status: 404, errorBody: { error: { message: 'model "nope" not found', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } } });
    await assert.rejects(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }), apiError(404, 'model_not_found'));
  });

  test('a backend that does not answer in time gives 504', async () => {
    up.enqueue({ hang: true });
    await assert.rejects(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), apiError(504, 'upstream_timeout'));
  });

  test('an oversize body gets 413 before the backend sees anything', async () => {
    const big = 'x'.repeat(300 * 1024);
    await assert.rejects(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: big }] }), apiError(413, 'request_too_large'));
    assert.equal(up.requests.length, 0);
  });

  test('an oversize chunked body (no content-length) gets 413 too', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 8) c.enqueue(chunk);
        else c.close();
      },
    });
    const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'request_too_large');
  });

  test('invalid JSON that would need inlining is a 400', async () => {
    const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', body: '{"messages": [{"type":"file"' });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; type: string; message: string; param: unknown } };
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
    assert.equal(body.error.type, 'invalid_request_error');
  });

  test('unknown routes are OpenAI-shaped 404s', async () => {
    const res = await fetch(`${gw.baseURL}/embeddings/nope`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found');
  });
});

describe('backend unreachable', () => {
  test('502 when nothing listens at the upstream URL', async () => {
    const dead = await startFakeUpstream();
    const url = dead.url;
    await dead.close();
    const g = await startGateway({ DOCINLINE_UPSTREAM_URL: url });
    try {
      const c = new OpenAI({ baseURL: g.baseURL, apiKey: 'k', maxRetries: 0 });
      await assert.rejects(c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true }), apiError(502, 'upstream_error', (e) => assert.match(e.message, /could not be reached/)));
    } finally {
      await g.close();
    }
  });
});

describe('auth, upstream keys and routing', () => {
  let up2: FakeUpstream;
  let g: TestGateway;
  before(async () => {
    up2 = await startFakeUpstream();
    g = await startGateway({
      DOCINLINE_UPSTREAM_URL: up.url,
      DOCINLINE_UPSTREAM_API_KEY: 'sk-backend',
      DOCINLINE_API_KEYS: 'sk-alice, sk-bob',
      DOCINLINE_MODEL_ROUTES: JSON.stringify({ 'special-model': { url: up2.url, apiKey: 'sk-second' }, 'qwen*': up2.url }),
    });
  });
  after(async () => {
    await g?.close();
    await up2?.close();
  });

  test('401 without a key or with a wrong one, OpenAI-shaped', async () => {
    for (const apiKey of ['', 'sk-mallory']) {
      const c = new OpenAI({ baseURL: g.baseURL, apiKey: apiKey || 'unused', maxRetries: 0, defaultHeaders: apiKey ? {} : { authorization: null } as never });
      await assert.rejects(c.models.list(), apiError(401, 'invalid_api_key', (e) => assert.equal(e.type, 'authentication_error')));
    }
    const res = await fetch(`${g.baseURL}/chat/completions`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 401);
    assert.equal(up.requests.length, 0);
  });

  test('a valid key passes; the backend gets its own key, never the client key', async () => {
    const c = new OpenAI({ baseURL: g.baseURL, apiKey: 'sk-bob', maxRetries: 0 });
    await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(up.last().headers.authorization, 'Bearer sk-backend');
  });

  test('model routes pick the backend by exact name and by prefix', async () => {
    up2.reset();
    const c = new OpenAI({ baseURL: g.baseURL, apiKey: 'sk-alice', maxRetries: 0 });
    await c.chat.completions.create({ model: 'special-model', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(up2.last().headers.authorization, 'Bearer sk-second');
    await c.chat.completions.create({ model: 'qwen2.5-7b', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(up2.requests.length, 2);
    assert.equal(up2.last().headers.authorization, undefined, 'a route without a key gets no key (and never the client key)');
    const before = up.requests.length;
    await c.chat.completions.create({ model: 'other', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(up.requests.length, before + 1);
  });
});

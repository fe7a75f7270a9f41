// Graceful shutdown: a stream already running when shutdown starts is delivered to its end, a request
// that arrives meanwhile gets a clean 503, and the grace period bounds how long a stuck one can hold
// the process. Both through RunningServer.close() and through SIGTERM to `docinline serve`.
import { strict as assert } from 'node:assert';
import { after, describe, test } from 'node:test';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway } from '../helpers/gateway.js';
import { spawnServe } from './harness.js';

const CONTENT = Array.from({ length: 8 }, (_, i) => `part${i} `);

const ups: FakeUpstream[] = [];
after(async () => {
  for (const u of ups) await u.close();
});

/** Starts a streaming chat request and resolves once its first bytes are in; `rest` reads it to the end. */
async function startStream(base: string): Promise<{ rest: Promise<string>; first: string }> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(res.status, 200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const first = (await reader.read()).value ?? '';
  const rest = (async () => {
    let text = first;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += value;
    }
  })();
  return { rest, first };
}

async function assertRefused(base: string): Promise<void> {
  const res = await fetch(`${base}/v1/models`);
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('connection'), 'close');
  assert.equal(res.headers.get('retry-after'), '1');
  const body = (await res.json()) as { error: { code: string; type: string } };
  assert.equal(body.error.code, 'shutting_down');
}

function contentOf(sse: string): string {
  return sse
    .split('\n')
    .filter((l) => l.startsWith('data: {'))
    .map((l) => (JSON.parse(l.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '')
    .join('');
}

describe('graceful shutdown', () => {
  test('close(): the running stream finishes, a new request gets 503, then the port is closed', async () => {
    const up = await startFakeUpstream();
    ups.push(up);
    const gw = await startGateway({ DOCINLINE_UPSTREAM_URL: up.url });
    up.enqueue({ content: CONTENT, reasoning: [], chunkDelayMs: 120 });
    const stream = await startStream(gw.url);

    const closing = gw.close();
    let closed = false;
    void closing.then(() => (closed = true));
    await assertRefused(gw.url);
    assert.equal(closed, false, 'close() waits for the stream');

    const text = await stream.rest;
    assert.equal(contentOf(text), CONTENT.join(''), 'every chunk arrived');
    assert.match(text, /data: \[DONE\]\n\n$/);
    await closing;
    assert.equal(await up.last().closed, 'finished', 'the backend stream was not cut either');
    await assert.rejects(fetch(`${gw.url}/healthz`), 'nothing listens any more');
  });

  test('the grace period bounds a stream that does not end', async () => {
    const up = await startFakeUpstream();
    ups.push(up);
    const gw = await startGateway({ DOCINLINE_UPSTREAM_URL: up.url, DOCINLINE_SHUTDOWN_GRACE_MS: '400' });
    up.enqueue({ content: CONTENT, reasoning: [], chunkDelayMs: 2000 });
    const stream = await startStream(gw.url);
    const outcome = stream.rest.then(
      (t) => t,
      () => 'cut',
    );
    const started = performance.now();
    await gw.close();
    const took = performance.now() - started;
    assert.ok(took >= 350 && took < 3000, `close took ${Math.round(took)} ms`);
    const text = await outcome;
    assert.notEqual(contentOf(text === 'cut' ? '' : text), CONTENT.join(''), 'the stream was cut');
  });

  test('SIGTERM to docinline serve: the stream finishes, new requests get 503, the process exits 0', async () => {
    const up = await startFakeUpstream();
    ups.push(up);
    const srv = await spawnServe({ DOCINLINE_UPSTREAM_URL: up.url });
    try {
      up.enqueue({ content: CONTENT, reasoning: [], chunkDelayMs: 150 });
      const stream = await startStream(srv.url);
      srv.child.kill('SIGTERM');
      // The signal is handled asynchronously: wait until the server refuses.
      let refused = false;
      for (let i = 0; i < 40 && !refused; i++) {
        const res = await fetch(`${srv.url}/healthz`);
        await res.text();
        refused = res.status === 503;
        if (!refused) await new Promise((r) => setTimeout(r, 25));
      }
      assert.ok(refused, 'requests are refused once SIGTERM arrived');
      await assertRefused(srv.url);
      const text = await stream.rest;
      assert.equal(contentOf(text), CONTENT.join(''));
      assert.equal(await srv.exited, 0);
      assert.match(srv.stderr(), /SIGTERM, shutting down/);
    } finally {
      await srv.stop();
    }
  });
});

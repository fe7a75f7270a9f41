/**
 * The Cloudflare Worker (adapters/cloudflare, wrangler.toml) running in workerd through wrangler, offline,
 * with local R2, KV, Queues and Durable Objects, called by the official OpenAI client. The backend is the
 * fake upstream; the parse service the Worker delegates to is a real Node docinline on loopback.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import OpenAI, { APIError, toFile } from 'openai';
import { DEFAULT_CONTENT, DEFAULT_REASONING, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startTestWorker, type TestWorker } from './worker-harness.js';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url));
const dataUrl = (path: string, mime = 'application/octet-stream') => `data:${mime};base64,${fixture(path).toString('base64')}`;

const WORKER_KEY = 'sk-worker-test';
const SERVICE_KEY = 'sk-parse-service';

let upstream: FakeUpstream;
let service: TestGateway;
let files: Server;
let filesOrigin: string;
let worker: TestWorker;
let client: OpenAI;

/** Every user message text part the backend received in its last request. */
function sentText(): string {
  const msgs = upstream.last().body.messages as { content: string | { type: string; text?: string }[] }[];
  return msgs
    .flatMap((m) => (typeof m.content === 'string' ? [m.content] : m.content.map((p) => (p.type === 'text' ? p.text ?? '' : `<${p.type}>`))))
    .join('\n');
}

async function parse(body: Record<string, unknown>): Promise<{ status: number; path: string | null; json: any }> {
  const res = await fetch(`${worker.baseURL}/parse`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WORKER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, path: res.headers.get('x-docinline-parse-path'), json: await res.json() };
}

describe('Cloudflare Worker in workerd', { timeout: 300_000 }, () => {
  before(async () => {
    upstream = await startFakeUpstream();
    service = await startGateway({ DOCINLINE_API_KEYS: SERVICE_KEY, DOCINLINE_OCR_WORKERS: '1' });
    files = createServer((req, res) => {
      try {
        const body = fixture(`gateway/${(req.url ?? '/').slice(1).split('?')[0]}`);
        res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': body.length }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    filesOrigin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    worker = await startTestWorker({
      DOCINLINE_UPSTREAM_URL: upstream.url,
      DOCINLINE_API_KEYS: WORKER_KEY,
      DOCINLINE_FETCH_ALLOW: '127.0.0.1/32',
      DOCINLINE_PARSE_SERVICE_URL: service.baseURL,
      DOCINLINE_PARSE_SERVICE_API_KEY: SERVICE_KEY,
      // Small enough that the 780×520 screenshot goes to the service and the 560×300 table does not.
      DOCINLINE_WORKER_OCR_MAX_PIXELS: '300000',
      DOCINLINE_MAX_PAGES: '8',
      DOCINLINE_MAX_FILE_BYTES: String(2 * 1024 * 1024),
      DOCINLINE_BATCH_RETRY_BASE_MS: '100',
      DOCINLINE_FILES_MIN_EXPIRY_SECONDS: '1',
    });
    client = new OpenAI({ baseURL: worker.baseURL, apiKey: WORKER_KEY, maxRetries: 0 });
  });

  after(async () => {
    await worker?.close();
    await service?.close();
    await upstream?.close();
    await new Promise((r) => files?.close(r));
  });

  test('the OpenAI client streams an answer about a text PDF inlined from its URL', async () => {
    upstream.reset();
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'deepseek-r1',
        stream: true,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'What starts on Tuesday?' }, { type: 'image_url', image_url: { url: `${filesOrigin}/memo.pdf#transform=inline` } }] }],
      })
      .withResponse();
    let content = '';
    let reasoning = '';
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      content += d?.content ?? '';
      reasoning += d?.reasoning_content ?? '';
    }
    assert.equal(content, DEFAULT_CONTENT.join(''));
    assert.equal(reasoning, DEFAULT_REASONING.join(''));
    assert.equal(response.headers.get('x-docinline-parse-path'), 'worker');
    const text = sentText();
    assert.match(text, /Internal Memo/);
    assert.match(text, /zebra rollout/);
    assert.doesNotMatch(text, /<image_url>/, 'the PDF part was replaced by text');
    assert.equal(upstream.last().body.stream, true);
  });

  test('a file uploaded to R2 is used by id, and its parse is cached', async () => {
    const bytes = fixture('gateway/invoice.pdf');
    const f = await client.files.create({ file: await toFile(bytes, 'invoice.pdf'), purpose: 'user_data' });
    assert.match(f.id, /^file-/);
    assert.equal(f.bytes, bytes.length);
    const back = Buffer.from(await (await client.files.content(f.id)).arrayBuffer());
    assert.ok(back.equals(bytes), 'R2 returns the uploaded bytes');
    const listed = await client.files.list();
    assert.ok(listed.data.some((x) => x.id === f.id));

    const ask = () =>
      client.chat.completions
        .create({ model: 'deepseek-r1', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: f.id } }, { type: 'text', text: 'Total?' }] }] })
        .withResponse();
    const first = await ask();
    assert.equal(first.data.choices[0]!.message.content, DEFAULT_CONTENT.join(''));
    assert.equal(first.response.headers.get('x-docinline-parse-path'), 'worker');
    assert.match(sentText(), /Invoice 4471/);
    const second = await ask();
    assert.equal(second.response.headers.get('x-docinline-parse-path'), 'cache');
    assert.match(sentText(), /Invoice 4471/);

    await client.files.delete(f.id);
    await assert.rejects(client.files.retrieve(f.id), (e: unknown) => e instanceof APIError && e.status === 404);
  });

  test('a batch runs through the Queue to its output file', async () => {
    upstream.reset();
    const lines = ['a', 'b', 'c'].map((id) =>
      JSON.stringify({ custom_id: `req-${id}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'deepseek-r1', messages: [{ role: 'user', content: `Say ${id}` }] } }),
    );
    const input = await client.files.create({ file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'batch.jsonl'), purpose: 'batch' });
    const created = await client.batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    let b = created;
    const deadline = Date.now() + 120_000;
    while (!['completed', 'failed', 'expired', 'cancelled'].includes(b.status)) {
      assert.ok(Date.now() < deadline, `batch still ${b.status} after 120 s`);
      await new Promise((r) => setTimeout(r, 500));
      b = await client.batches.retrieve(created.id);
    }
    assert.equal(b.status, 'completed', JSON.stringify(b.errors));
    assert.deepEqual(b.request_counts, { total: 3, completed: 3, failed: 0 });
    const out = (await (await client.files.content(b.output_file_id!)).text()).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(out.map((o) => o.custom_id).sort(), ['req-a', 'req-b', 'req-c']);
    for (const o of out) {
      assert.equal(o.response.status_code, 200);
      assert.equal(o.response.body.choices[0].message.content, DEFAULT_CONTENT.join(''));
    }
    const asked = upstream.requests.map((r) => r.body?.messages?.[0]?.content).sort();
    assert.deepEqual(asked, ['Say a', 'Say b', 'Say c'], 'each line reached the backend exactly once');
  });

  test('the cron trigger deletes expired files from R2', async () => {
    const f = await client.files.create({ file: await toFile(fixture('gateway/memo.pdf'), 'memo.pdf'), purpose: 'user_data', expires_after: { anchor: 'created_at', seconds: 1 } });
    const bucket = await worker.mf.getR2Bucket('FILES');
    const keys = async () => (await bucket.list({ prefix: 'docinline/' })).objects.map((o) => o.key).filter((k) => k.includes(f.id));
    const stored = await keys();
    assert.ok(stored.some((k) => k.startsWith('docinline/files/') && k.includes('/blob/')), stored.join(', '));
    assert.ok(stored.some((k) => k.startsWith('docinline/expiry/')), 'an expiry index entry');
    await new Promise((r) => setTimeout(r, 1500));
    const w = await worker.mf.getWorker();
    await w.scheduled({ cron: '*/10 * * * *' });
    assert.deepEqual(await keys(), []);
  });

  test('an image that fits the Worker is OCR’d inside it', async () => {
    const r = await parse({ file_data: dataUrl('images/table.png', 'image/png') });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.path, 'worker-ocr');
    assert.equal(r.json.stats.ocrPages, 1);
    assert.match(r.json.markdown, /\|\s*Region\s*\|\s*Manager\s*\|/);
    assert.match(r.json.markdown, /Alice Moreau/);
    assert.match(r.json.markdown, /Chen Wei/);
  });

  test('what the Worker should not read itself goes to the parse service', async () => {
    // Over DOCINLINE_WORKER_OCR_MAX_PIXELS, a format the Worker does not decode, and a scanned PDF.
    for (const [path, expect] of [
      ['images/screenshot-light.png', /Harbor Release Notes/],
      ['images/animated.gif', /\w{4,}/],
      ['scanned/mixed.pdf', /Page two carries a real text layer/],
    ] as const) {
      const r = await parse({ file_data: dataUrl(path) });
      assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.json)}`);
      assert.equal(r.path, 'delegated', path);
      assert.match(r.json.markdown, expect, path);
      // The service's own answer for the same bytes is what the Worker returns.
      const direct = await fetch(`${service.baseURL}/parse`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SERVICE_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ file_data: dataUrl(path) }),
      }).then((x) => x.json() as Promise<{ markdown: string }>);
      assert.equal(r.json.markdown, direct.markdown, path);
    }
    const scanned = await parse({ file_data: dataUrl('scanned/mixed.pdf'), pages: '1' });
    assert.ok(scanned.json.stats.ocrPages >= 1, 'the scanned page was OCR’d by the service');
  });

  test('/readyz checks R2, the parse service and the backend', async () => {
    const res = await fetch(`${worker.url}/readyz`);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string }> };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.checks.storage?.status, 'ok');
    assert.equal(body.checks.parse_service?.status, 'ok');
  });

  test('limits answer 413 and 422 with OpenAI-shaped errors', async () => {
    const pages = await parse({ file_data: dataUrl('gateway/ten-pages.pdf') });
    assert.equal(pages.status, 413);
    assert.equal(pages.json.error.code, 'too_many_pages');
    assert.match(pages.json.error.message, /limit is 8/);
    const ok = await parse({ file_data: dataUrl('gateway/ten-pages.pdf'), pages: '1-3' });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.pages, 3);

    const big = new Uint8Array(3 * 1024 * 1024);
    big.set(new TextEncoder().encode('%PDF-1.4\n'));
    const large = await parse({ file_data: `data:application/pdf;base64,${Buffer.from(big).toString('base64')}` });
    assert.equal(large.status, 413);
    assert.equal(large.json.error.code, 'file_too_large');

    const locked = await parse({ file_data: dataUrl('gateway/encrypted.pdf') });
    assert.equal(locked.status, 422);
    assert.equal(locked.json.error.code, 'password_required');

    const bomb = await parse({ file_data: dataUrl('gateway/bomb.png') });
    assert.equal(bomb.status, 413);
    assert.equal(bomb.json.error.code, 'too_many_pixels');
  });
});

describe('Cloudflare Worker without a parse service', { timeout: 300_000 }, () => {
  let lone: TestWorker;
  before(async () => {
    lone = await startTestWorker({ DOCINLINE_UPSTREAM_URL: 'http://127.0.0.1:9/v1', DOCINLINE_WORKER_OCR_MAX_PIXELS: '300000' });
  });
  after(async () => {
    await lone?.close();
  });

  const post = async (path: string, extra: Record<string, unknown> = {}) => {
    const res = await fetch(`${lone.baseURL}/parse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file_data: dataUrl(path), ...extra }) });
    return { status: res.status, path: res.headers.get('x-docinline-parse-path'), json: (await res.json()) as any };
  };

  test('says why an image cannot be read instead of trying past its memory', async () => {
    const tooBig = await post('images/screenshot-light.png');
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.json.error.code, 'too_many_pixels');
    assert.match(tooBig.json.error.message, /405600 pixels.*limited to 300000.*no parse service/);
    const gif = await post('images/animated.gif');
    assert.equal(gif.status, 422);
    assert.equal(gif.json.error.code, 'ocr_unavailable');
    assert.match(gif.json.error.message, /GIF images are not decoded inside the Worker/);
    const lang = await post('images/table.png', { languages: ['chi_tra'] });
    assert.equal(lang.status, 422);
    assert.match(lang.json.error.message, /only reads eng/);
  });

  test('a scanned PDF keeps its text-layer pages and says which need OCR', async () => {
    const r = await post('scanned/mixed.pdf');
    assert.equal(r.status, 200);
    assert.equal(r.path, 'worker');
    assert.match(r.json.markdown, /Page two carries a real text layer/);
    assert.ok(r.json.warnings.some((w: string) => /2 page\(s\) need OCR/.test(w)), JSON.stringify(r.json.warnings));
  });
});

describe('Cloudflare Worker with a configuration it cannot serve', { timeout: 120_000 }, () => {
  test('every request answers 500 with the list of problems', async () => {
    const bad = await startTestWorker({ DOCINLINE_UPSTREAM_URL: 'not a url', DOCINLINE_WORKER_OCR: 'sometimes' });
    try {
      const res = await fetch(`${bad.baseURL}/models`);
      assert.equal(res.status, 500);
      const body = (await res.json()) as { error: { message: string; code: string } };
      assert.equal(body.error.code, 'internal_error');
      assert.match(body.error.message, /DOCINLINE_UPSTREAM_URL="not a url"/);
      assert.match(body.error.message, /DOCINLINE_WORKER_OCR="sometimes"/);
    } finally {
      await bad.close();
    }
  });
});

describe('Cloudflare Worker with the parse service as a service binding', { timeout: 300_000 }, () => {
  test('images go through the PARSE_SERVICE binding', async () => {
    const node = await startGateway({ DOCINLINE_API_KEYS: SERVICE_KEY, DOCINLINE_OCR_WORKERS: '1' });
    const seen: string[] = [];
    const bound = await startTestWorker(
      { DOCINLINE_UPSTREAM_URL: 'http://127.0.0.1:9/v1', DOCINLINE_PARSE_SERVICE_API_KEY: SERVICE_KEY },
      {
        serviceBindings: {
          // What a service binding delivers: the Worker's request, whatever host it names.
          async PARSE_SERVICE(request: Request) {
            const url = new URL(request.url);
            seen.push(`${request.method} ${url.pathname} ${request.headers.get('authorization')}`);
            const body = await request.arrayBuffer();
            return fetch(`${node.url}${url.pathname}${url.search}`, { method: request.method, headers: request.headers, body: body.byteLength ? body : undefined });
          },
        },
      },
    );
    try {
      const res = await fetch(`${bound.baseURL}/parse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file_data: dataUrl('images/animated.gif') }) });
      const json = (await res.json()) as { markdown: string; stats: { ocrPages: number } };
      assert.equal(res.status, 200, JSON.stringify(json));
      assert.equal(res.headers.get('x-docinline-parse-path'), 'delegated');
      assert.equal(json.stats.ocrPages, 1);
      assert.deepEqual(seen, [`POST /v1/parse Bearer ${SERVICE_KEY}`]);
      const ready = (await (await fetch(`${bound.url}/readyz`)).json()) as { checks: Record<string, { status: string; via?: string }> };
      assert.equal(ready.checks.parse_service?.status, 'ok');
      assert.equal(ready.checks.parse_service?.via, 'service binding');
    } finally {
      await bound.close();
      await node.close();
    }
  });
});

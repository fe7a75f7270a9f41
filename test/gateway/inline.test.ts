// Inlining through the running gateway: documents sent with the OpenAI client reach the fake backend as
// text in the right place; both APIs, several documents, cache hits, file ids, /v1/parse, and the
// documented error for each kind of bad document.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI, { APIError, toFile } from 'openai';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/gateway/${name}`, import.meta.url));
const dataUrl = (name: string, mime = 'application/pdf') => `data:${mime};base64,${fixture(name).toString('base64')}`;

let up: FakeUpstream;
let gw: TestGateway;
let client: OpenAI;
let files: Server;
let filesOrigin: string;

/** A gateway of its own (the shared backend plus `env`) and an OpenAI client for it; closed after `body`. */
async function withGateway(env: Record<string, string>, body: (c: OpenAI) => Promise<void>) {
  const g = await startGateway({ DOCINLINE_UPSTREAM_URL: up.url, ...env });
  try {
    await body(new OpenAI({ baseURL: g.baseURL, apiKey: 'k', maxRetries: 0 }));
  } finally {
    await g.close();
  }
}

before(async () => {
  up = await startFakeUpstream();
  // A document server on 127.0.0.2, which the gateway is allowed to fetch from (loopback is blocked by default).
  files = createServer((req, res) => {
    const name = (req.url ?? '').split('?')[0]!.slice(1);
    try {
      const b = fixture(name);
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': b.length });
      res.end(b);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.2', r));
  filesOrigin = `http://127.0.0.2:${(files.address() as AddressInfo).port}`;
  gw = await startGateway({ DOCINLINE_UPSTREAM_URL: up.url, DOCINLINE_FETCH_ALLOW: '127.0.0.2/32', DOCINLINE_MAX_DOCUMENTS: '4' });
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-test', maxRetries: 0 });
});
after(async () => {
  await gw?.close();
  await up?.close();
  await new Promise((r) => files?.close(r));
});
beforeEach(() => up.reset());

type Part = { type: string; text?: string; image_url?: { url: string } };
const contentOf = (i: number): Part[] => up.last().body.messages[i].content;

function assertDocument(part: Part, name: string, pages: number, ...phrases: string[]) {
  assert.equal(part.type, 'text');
  const text = part.text!;
  assert.ok(text.startsWith(`<document name="${name}" pages="${pages}">\n`), `unexpected start: ${text.slice(0, 80)}`);
  assert.ok(text.endsWith('\n</document>'));
  for (const p of phrases) assert.ok(text.includes(p), `document text lacks "${p}": ${text.slice(0, 400)}`);
}

describe('chat completions', () => {
  test('an image_url data URL with #transform=inline becomes a text part in the same place', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'm',
        messages: [
          { role: 'system', content: 'You read documents.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is the total?' },
              { type: 'image_url', image_url: { url: dataUrl('invoice.pdf') + '#transform=inline' } },
              { type: 'text', text: 'Answer briefly.' },
            ],
          },
        ],
      })
      .withResponse();
    assert.ok(data.choices[0]!.message.content);
    const parts = contentOf(1);
    assert.equal(parts.length, 3);
    assert.deepEqual(parts[0], { type: 'text', text: 'What is the total?' });
    assertDocument(parts[1]!, 'document.pdf', 1, 'Invoice 4471', '1,234.56 EUR', 'Marigold Bakery');
    assert.deepEqual(parts[2], { type: 'text', text: 'Answer briefly.' });
    assert.equal(up.last().body.messages[0].content, 'You read documents.');
    assert.equal(response.headers.get('x-docinline-documents'), '1');
    assert.equal(response.headers.get('x-docinline-pages'), '1');
    assert.ok(Number(response.headers.get('x-docinline-parse-ms')) >= 0);
  });

  test('a file part (file_data + filename) is always inlined, under its file name', async () => {
    await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: dataUrl('memo.pdf'), filename: 'memo "q3".pdf' } }, { type: 'text', text: 'Summarise.' }] }],
    });
    assertDocument(contentOf(0)[0]!, 'memo &quot;q3&quot;.pdf', 1, 'Internal Memo', 'zebra rollout');
    assert.deepEqual(contentOf(0)[1], { type: 'text', text: 'Summarise.' });
  });

  test('several documents in one message and across messages, streamed answer', async () => {
    const stream = await client.chat.completions
      .create({
        model: 'm',
        stream: true,
        messages: [
          { role: 'user', content: [{ type: 'file', file: { file_data: dataUrl('invoice.pdf'), filename: 'a.pdf' } }, { type: 'file', file: { file_data: dataUrl('memo.pdf'), filename: 'b.pdf' } }] },
          { role: 'assistant', content: 'Read them.' },
          { role: 'user', content: [{ type: 'text', text: 'And this:' }, { type: 'image_url', image_url: { url: `${filesOrigin}/ten-pages.pdf#transform=inline&pages=2-3` } }] },
        ],
      })
      .withResponse();
    let text = '';
    for await (const c of stream.data) text += c.choices[0]?.delta?.content ?? '';
    assert.ok(text.length > 0);
    assert.equal(stream.response.headers.get('x-docinline-documents'), '3');
    assert.equal(stream.response.headers.get('x-docinline-pages'), '4');
    assertDocument(contentOf(0)[0]!, 'a.pdf', 1, 'Invoice 4471');
    assertDocument(contentOf(0)[1]!, 'b.pdf', 1, 'Internal Memo');
    assert.equal(up.last().body.messages[1].content, 'Read them.');
    assert.deepEqual(contentOf(2)[0], { type: 'text', text: 'And this:' });
    assertDocument(contentOf(2)[1]!, 'ten-pages.pdf', 2, 'Chapter 2', 'Chapter 3');
    assert.ok(!contentOf(2)[1]!.text!.includes('Chapter 4'), 'pages=2-3 limits the pages');
  });

  test('a repeated document is a cache hit', async () => {
    const body = {
      model: 'm',
      messages: [{ role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: dataUrl('ten-pages.pdf') + '#transform=inline' } }] }],
    };
    const first = await client.chat.completions.create(body).withResponse();
    const second = await client.chat.completions.create(body).withResponse();
    assert.equal(first.response.headers.get('x-docinline-cache-hits'), '0');
    assert.equal(second.response.headers.get('x-docinline-cache-hits'), '1');
    assert.equal(second.response.headers.get('x-docinline-pages'), '10');
    assert.equal(up.requests[0]!.body.messages[0].content[0].text, up.requests[1]!.body.messages[0].content[0].text);
    // Different options are a different entry.
    body.messages[0]!.content[0]!.image_url.url += '&pages=1';
    const third = await client.chat.completions.create(body).withResponse();
    assert.equal(third.response.headers.get('x-docinline-cache-hits'), '0');
  });

  test('a screenshot with #transform=inline is read with OCR', async () => {
    // The OCR suite's screenshot (fixtures/images, made by its make.mjs).
    const png = readFileSync(new URL('../../fixtures/images/screenshot-light.png', import.meta.url));
    const { response } = await client.chat.completions
      .create({
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}#transform=inline` } }] }],
      })
      .withResponse();
    const text = contentOf(0)[0]!.text!;
    assert.ok(text.startsWith('<document name="image.png" pages="1">'), text.slice(0, 80));
    assert.match(text, /Harbor Release Notes/);
    assert.match(text, /export dialog/);
    assert.equal(response.headers.get('x-docinline-documents'), '1');
  });

  test('image parts without the suffix pass through untouched for vision backends', async () => {
    const url = dataUrl('invoice.pdf');
    await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }, { type: 'image_url', image_url: { url, detail: 'low' } }] }],
    });
    assert.deepEqual(contentOf(0), [
      { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
      { type: 'image_url', image_url: { url, detail: 'low' } },
    ]);
  });

  test('a password in the fragment opens an encrypted PDF', async () => {
    await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl('encrypted.pdf') + '#transform=inline&password=open-sesame' } }] }],
    });
    assertDocument(contentOf(0)[0]!, 'document.pdf', 1, 'Secret Plans');
  });
});

describe('file ids', () => {
  test('a file uploaded through /v1/files is inlined by id (chat and responses)', async () => {
    const uploaded = await client.files.create({ file: await toFile(fixture('memo.pdf'), 'memo.pdf'), purpose: 'user_data' });
    assert.match(uploaded.id, /^file-/);
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: uploaded.id } }] }] });
    assertDocument(contentOf(0)[0]!, 'memo.pdf', 1, 'Internal Memo');
    await client.responses.create({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_id: uploaded.id }] }] });
    const part = up.last().body.input[0].content[0];
    assert.equal(part.type, 'input_text');
    assertDocument({ type: 'text', text: part.text }, 'memo.pdf', 1, 'zebra rollout');
  });

  test("one API key cannot inline another key's file", async () => {
    const g = await startGateway({ DOCINLINE_UPSTREAM_URL: up.url, DOCINLINE_UPSTREAM_API_KEY: 'sk-backend', DOCINLINE_API_KEYS: 'sk-alice,sk-bob' });
    try {
      const alice = new OpenAI({ baseURL: g.baseURL, apiKey: 'sk-alice', maxRetries: 0 });
      const bob = new OpenAI({ baseURL: g.baseURL, apiKey: 'sk-bob', maxRetries: 0 });
      const f = await alice.files.create({ file: await toFile(fixture('invoice.pdf'), 'secret-invoice.pdf'), purpose: 'user_data' });
      await assert.rejects(
        bob.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: f.id } }] }] }),
        (e: unknown) => e instanceof APIError && e.status === 404 && e.param === 'messages[0].content[0]' && !/Invoice 4471/.test(e.message),
      );
      assert.equal(up.requests.length, 0);
      await alice.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: f.id } }] }] });
      assertDocument(contentOf(0)[0]!, 'secret-invoice.pdf', 1, 'Invoice 4471');
    } finally {
      await g.close();
    }
  });

  test('an unknown file id is a 404 naming the part', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'file', file: { file_id: 'file-doesnotexist' } }] }] }),
      (e: unknown) => e instanceof APIError && e.status === 404 && e.param === 'messages[0].content[1]',
    );
    assert.equal(up.requests.length, 0);
  });
});

describe('responses API', () => {
  test('input_file (file_data, file_url) and input_image with #transform=inline are inlined', async () => {
    const { response } = await client.responses
      .create({
        model: 'm',
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'Compare:' },
              { type: 'input_file', file_data: dataUrl('invoice.pdf'), filename: 'invoice.pdf' },
              { type: 'input_file', file_url: `${filesOrigin}/memo.pdf` },
              { type: 'input_image', image_url: dataUrl('ten-pages.pdf') + '#transform=inline&pages=10', detail: 'auto' },
            ],
          },
        ],
      })
      .withResponse();
    const parts = up.last().body.input[0].content;
    assert.equal(up.last().path, '/v1/responses');
    assert.deepEqual(parts[0], { type: 'input_text', text: 'Compare:' });
    const asText = (p: { type: string; text: string }) => ({ type: p.type === 'input_text' ? 'text' : p.type, text: p.text });
    assert.equal(parts[1].type, 'input_text');
    assertDocument(asText(parts[1]), 'invoice.pdf', 1, 'Invoice 4471');
    assertDocument(asText(parts[2]), 'memo.pdf', 1, 'Internal Memo');
    assertDocument(asText(parts[3]), 'document.pdf', 1, 'Chapter 10');
    assert.equal(response.headers.get('x-docinline-documents'), '3');
  });
});

describe('text-only backends', () => {
  test('every image and file part is inlined, with or without the suffix', () =>
    withGateway({ DOCINLINE_TEXT_ONLY: 'true' }, async (c) => {
      await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl('memo.pdf') } }] }] });
      assertDocument(contentOf(0)[0]!, 'document.pdf', 1, 'Internal Memo');
    }));
});

describe('bad documents get the documented error and nothing reaches the backend', () => {
  const cases: Array<{ name: string; url: string; status: number; code: string }> = [
    { name: 'corrupt PDF', url: dataUrl('corrupt.pdf'), status: 400, code: 'invalid_document' },
    { name: 'encrypted PDF without password', url: dataUrl('encrypted.pdf'), status: 422, code: 'password_required' },
    { name: 'encrypted PDF, wrong password', url: dataUrl('encrypted.pdf') + '#transform=inline&password=nope', status: 422, code: 'incorrect_password' },
    { name: 'image bomb', url: dataUrl('bomb.png', 'image/png'), status: 413, code: 'too_many_pixels' },
    { name: 'unknown file type', url: dataUrl('not-a-document.bin'), status: 400, code: 'unsupported_file_type' },
    { name: 'empty file', url: 'data:application/pdf;base64,', status: 400, code: 'empty_document' },
    { name: 'invalid base64', url: 'data:application/pdf;base64,JVBER!!!', status: 400, code: 'invalid_request' },
    { name: 'bad fragment option', url: dataUrl('invoice.pdf') + '#transform=inline&ocr=sometimes', status: 400, code: 'invalid_request' },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.status} ${c.code}, param names the part`, async () => {
      const url = c.url.includes('#') ? c.url : c.url + '#transform=inline';
      await assert.rejects(
        client.chat.completions.create({
          model: 'm',
          messages: [
            { role: 'user', content: 'hello' },
            { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }, { type: 'image_url', image_url: { url } }] },
          ],
        }),
        (e: unknown) => {
          assert.ok(e instanceof APIError, String(e));
          assert.equal(e.status, c.status, e.message);
          assert.equal(e.code, c.code, e.message);
          assert.equal(e.param, 'messages[1].content[2]');
          return true;
        },
      );
      assert.equal(up.requests.length, 0);
    });
  }

  test('more documents than DOCINLINE_MAX_DOCUMENTS: 400', async () => {
    const part = { type: 'file' as const, file: { file_data: dataUrl('invoice.pdf') } };
    await assert.rejects(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: [part, part, part, part, part] }] }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'messages[0].content[4]' && /limit is 4/.test(e.message),
    );
    assert.equal(up.requests.length, 0);
  });

  test('a file part with neither file_data nor file_id: 400 naming the part', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'x.pdf' } }] }] }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'messages[0].content[0]',
    );
  });

  test('more pages than DOCINLINE_MAX_PAGES: 413 too_many_pages (a page selection within it passes)', () =>
    withGateway({ DOCINLINE_MAX_PAGES: '5' }, async (c) => {
      const ask = (url: string) => c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] });
      await assert.rejects(ask(dataUrl('ten-pages.pdf') + '#transform=inline'), (e: unknown) => e instanceof APIError && e.status === 413 && e.code === 'too_many_pages');
      assert.equal(up.requests.length, 0);
      await ask(dataUrl('ten-pages.pdf') + '#transform=inline&pages=6-10');
      assertDocument(contentOf(0)[0]!, 'document.pdf', 5, 'Chapter 6', 'Chapter 10');
    }));

  test("a request's documents over DOCINLINE_REQUEST_PARSE_BUDGET_MS: 422 parse_timeout, quickly", () =>
    withGateway({ DOCINLINE_REQUEST_PARSE_BUDGET_MS: '100' }, async (c) => {
      // OCR of a screenshot takes far longer than 100 ms.
      const png = readFileSync(new URL('../../fixtures/images/screenshot-light.png', import.meta.url)).toString('base64');
      const t0 = performance.now();
      await assert.rejects(
        c.chat.completions.create({
          model: 'm',
          messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}#transform=inline` } }] }],
        }),
        (e: unknown) => e instanceof APIError && e.status === 422 && e.code === 'parse_timeout' && e.param === 'messages[0].content[1]',
      );
      assert.ok(performance.now() - t0 < 3000, `answered after ${performance.now() - t0} ms`);
      assert.equal(up.requests.length, 0);
    }));

  test('a document larger than DOCINLINE_MAX_FILE_BYTES: 413', () =>
    withGateway({ DOCINLINE_MAX_FILE_BYTES: '4096' }, async (c) => {
      await assert.rejects(
        c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: dataUrl('ten-pages.pdf') } }] }] }),
        (e: unknown) => e instanceof APIError && e.status === 413 && e.code === 'file_too_large' && e.param === 'messages[0].content[0]',
      );
      assert.equal(up.requests.length, 0);
    }));
});

describe('/v1/parse', () => {
  test('JSON with a data URL returns Markdown and the document model', async () => {
    const res = await fetch(`${gw.baseURL}/parse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file_data: dataUrl('ten-pages.pdf'), filename: 'report.pdf', pages: '1-2' }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { object: string; filename: string; pages: number; page_count: number; markdown: string; document: { pages: unknown[] }; sha256: string };
    assert.equal(body.object, 'document.parse');
    assert.equal(body.filename, 'report.pdf');
    assert.equal(body.pages, 2);
    assert.equal(body.page_count, 10);
    assert.equal(body.document.pages.length, 2);
    assert.match(body.markdown, /Chapter 1: Origins/);
    assert.match(body.sha256, /^[0-9a-f]{64}$/);
    assert.equal(up.requests.length, 0, '/v1/parse never calls the model');
  });

  test('multipart upload, Markdown output', async () => {
    const form = new FormData();
    form.set('file', new Blob([fixture('invoice.pdf')], { type: 'application/pdf' }), 'inv.pdf');
    form.set('page_markers', 'false');
    const res = await fetch(`${gw.baseURL}/parse?format=markdown`, { method: 'POST', body: form });
    assert.equal(res.status, 200, await res.clone().text());
    assert.match(res.headers.get('content-type') ?? '', /^text\/markdown/);
    const md = await res.text();
    assert.match(md, /Invoice 4471/);
    assert.doesNotMatch(md, /<!-- page/);
  });

  test('a URL, and errors naming the field', async () => {
    const ok = await fetch(`${gw.baseURL}/parse`, { method: 'POST', body: JSON.stringify({ url: `${filesOrigin}/memo.pdf` }) });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { filename: string }).filename, 'memo.pdf');
    const blocked = await fetch(`${gw.baseURL}/parse`, { method: 'POST', body: JSON.stringify({ url: 'http://127.0.0.1:1/x.pdf' }) });
    assert.equal(blocked.status, 400);
    assert.deepEqual(((await blocked.json()) as { error: { code: string; param: string } }).error.code, 'fetch_blocked');
    const none = await fetch(`${gw.baseURL}/parse`, { method: 'POST', body: JSON.stringify({ pages: '1' }) });
    assert.equal(none.status, 400);
    const enc = await fetch(`${gw.baseURL}/parse`, { method: 'POST', body: JSON.stringify({ file_data: dataUrl('encrypted.pdf') }) });
    assert.equal(enc.status, 422);
    assert.equal(((await enc.json()) as { error: { param: string } }).error.param, 'file_data');
  });
});

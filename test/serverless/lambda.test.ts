/**
 * The Lambda handlers invoked with the events API Gateway HTTP APIs and function URLs send (payload
 * format 2.0, shaped as AWS documents them), buffered and streaming, each answer compared with the Node
 * server's answer to the same request. Files go to a real S3-compatible server (s3rver) for both.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_CONTENT, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';
import type { HttpEventV2, HttpResultV2 } from '../../adapters/lambda/events.js';
import { awslambda, isStreamingHandler, ResponseStream } from './lambda-runtime.js';

// The Lambda Node runtime defines this global before it loads the handler module.
(globalThis as { awslambda?: unknown }).awslambda = awslambda;
const lambda = await import('../../adapters/lambda/handler.js');
const { createLambdaApp } = await import('../../adapters/lambda/app.js');

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url));
const KEY = 'sk-lambda-test';

interface Req {
  method: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** Every file under `dir` (s3rver keeps one file per object, named after its key). */
function readdirRecursive(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? readdirRecursive(join(dir, e.name)) : [join(dir, e.name)]));
}

const textual = (ct: string | undefined) => !ct || /^text\/|json/.test(ct);

/** The event API Gateway (HTTP API) or a function URL delivers for `r`. */
function eventFor(kind: 'http-api' | 'function-url', r: Req): HttpEventV2 {
  const headers: Record<string, string> = { authorization: `Bearer ${KEY}`, 'user-agent': 'openai-test', 'x-forwarded-proto': 'https', ...(r.headers ?? {}) };
  const domainName = kind === 'http-api' ? 'r4nd0m1d.execute-api.eu-west-1.amazonaws.com' : 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws';
  headers.host = domainName;
  const raw = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
  if (raw) headers['content-length'] = String(raw.length);
  const base64 = !!raw && !textual(headers['content-type']);
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: r.path,
    rawQueryString: r.query ?? '',
    headers,
    requestContext: {
      accountId: kind === 'http-api' ? '123456789012' : 'anonymous',
      apiId: domainName.split('.')[0],
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: { method: r.method, path: r.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'openai-test' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: '$default',
      stage: '$default',
      time: '23/Nov/2026:12:00:00 +0000',
      timeEpoch: 1795435200000,
      ...(kind === 'function-url' ? { authentication: null, authorizer: null } : {}),
    },
    ...(raw ? { body: base64 ? raw.toString('base64') : raw.toString('utf8') } : {}),
    isBase64Encoded: base64,
    ...(kind === 'function-url' ? { pathParameters: null, stageVariables: null } : {}),
  };
  return event as HttpEventV2;
}

/** The same request to the Node server. */
async function viaNode(node: TestGateway, r: Req): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(`${node.url}${r.path}${r.query ? `?${r.query}` : ''}`, {
    method: r.method,
    headers: { authorization: `Bearer ${KEY}`, ...(r.headers ?? {}) },
    body: r.body,
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

function bodyOf(result: HttpResultV2): Buffer {
  return result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
}

/** JSON without what legitimately differs between two runs (timings, ids, the cache flag). */
function stable(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json), (k, v) => (['elapsedMs', 'id', 'created_at', 'cached', 'x-request-id'].includes(k) ? undefined : v));
}

/** SSE events of a chat stream, without the per-request id. */
function events(sse: string): unknown[] {
  return sse
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6))
    .map((d) => (d === '[DONE]' ? d : stable(JSON.parse(d))));
}

let upstream: FakeUpstream;
let s3: S3rverHandle;
let node: TestGateway;

describe('AWS Lambda handlers answer like the Node server', { timeout: 180_000 }, () => {
  before(async () => {
    upstream = await startFakeUpstream();
    s3 = await startS3rver();
    const env = { DOCINLINE_UPSTREAM_URL: upstream.url, DOCINLINE_API_KEYS: KEY, DOCINLINE_OCR_WORKERS: '1', DOCINLINE_MAX_PAGES: '8', DOCINLINE_FILES_MIN_EXPIRY_SECONDS: '1', ...s3.env };
    node = await startGateway(env);
    lambda.setApp(await createLambdaApp({ env: { ...env, DOCINLINE_LOG_LEVEL: process.env.DOCINLINE_TEST_LOG ?? 'silent' } }));
  });

  after(async () => {
    await (await lambda.getApp().catch(() => null))?.close();
    lambda.setApp(null);
    await node?.close();
    await s3?.close();
    await upstream?.close();
  });

  test('the streaming handler is marked for the runtime', () => {
    assert.ok(lambda.streamingHandler, 'defined when the runtime provides awslambda');
    assert.ok(isStreamingHandler(lambda.streamingHandler));
  });

  test('POST /v1/parse through an HTTP API event and a function URL event', async () => {
    const r: Req = { method: 'POST', path: '/v1/parse', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file_data: `data:application/pdf;base64,${fixture('gateway/memo.pdf').toString('base64')}` }) };
    const expected = await viaNode(node, r);
    assert.equal(expected.status, 200);
    for (const kind of ['http-api', 'function-url'] as const) {
      const got = await lambda.handler(eventFor(kind, r));
      assert.equal(got.statusCode, 200, kind);
      assert.equal(got.isBase64Encoded, false);
      assert.equal(got.headers['content-type'], expected.headers.get('content-type'));
      assert.equal(got.headers['x-docinline-pages'], '1');
      assert.deepEqual(stable(JSON.parse(bodyOf(got).toString())), stable(JSON.parse(expected.body.toString())), kind);
    }
    // Markdown answers too (query string and accept header).
    const md: Req = { ...r, query: 'format=markdown' };
    const got = await lambda.handler(eventFor('http-api', md));
    assert.equal(got.headers['content-type'], 'text/markdown; charset=utf-8');
    assert.equal(bodyOf(got).toString(), (await viaNode(node, md)).body.toString());
    assert.match(got.body, /## Internal Memo/);
  });

  test('a chat completion, buffered, with a PDF inlined', async () => {
    const r: Req = {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'deepseek-r1', messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: `data:application/pdf;base64,${fixture('gateway/invoice.pdf').toString('base64')}`, filename: 'invoice.pdf' } }] }] }),
    };
    const expected = await viaNode(node, r);
    const sentByNode = upstream.last().body;
    const got = await lambda.handler(eventFor('function-url', r));
    assert.equal(got.statusCode, expected.status);
    assert.deepEqual(stable(JSON.parse(got.body)), stable(JSON.parse(expected.body.toString())));
    assert.equal(JSON.parse(got.body).choices[0].message.content, DEFAULT_CONTENT.join(''));
    assert.deepEqual(upstream.last().body, sentByNode, 'the backend received the same inlined request from both');
  });

  test('stream: true on the streaming function URL arrives as it is produced', async () => {
    const body = JSON.stringify({ model: 'deepseek-r1', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const r: Req = { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body };
    upstream.enqueue({ chunkDelayMs: 60 });
    const expected = await viaNode(node, r);
    upstream.enqueue({ chunkDelayMs: 60 });
    const stream = new ResponseStream();
    const started = Date.now();
    await lambda.streamingHandler!(eventFor('function-url', r), stream, {});
    const { prelude, body: got, chunks } = stream.parse();
    assert.equal(prelude.statusCode, 200);
    assert.match(prelude.headers['content-type']!, /^text\/event-stream/);
    assert.deepEqual(events(got.toString()), events(expected.body.toString()));
    // Streamed, not buffered: several writes, the first long before the last.
    assert.ok(chunks.length >= 3, `${chunks.length} body writes`);
    assert.ok(chunks.at(-1)!.at - chunks[0]!.at >= 200, `first write ${chunks[0]!.at - started} ms, last ${chunks.at(-1)!.at - started} ms`);
  });

  test('stream: true through API Gateway (buffered) is the whole SSE body', async () => {
    const r: Req = { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'Hi' }] }) };
    const expected = await viaNode(node, r);
    const got = await lambda.handler(eventFor('http-api', r));
    assert.equal(got.statusCode, 200);
    assert.match(got.headers['content-type']!, /^text\/event-stream/);
    assert.equal(got.isBase64Encoded, false);
    assert.deepEqual(events(got.body), events(expected.body.toString()));
    assert.ok(got.body.endsWith('data: [DONE]\n\n'));
  });

  test('a file uploaded as a base64 multipart event lands in S3 and is used by id', async () => {
    const form = new FormData();
    form.set('purpose', 'user_data');
    form.set('file', new Blob([fixture('gateway/memo.pdf')]), 'memo.pdf');
    const enc = new Response(form);
    const upload: Req = { method: 'POST', path: '/v1/files', headers: { 'content-type': enc.headers.get('content-type')! }, body: Buffer.from(await enc.arrayBuffer()) };
    const ev = eventFor('http-api', upload);
    assert.equal(ev.isBase64Encoded, true, 'API Gateway sends multipart bodies base64-encoded');
    const created = await lambda.handler(ev);
    assert.equal(created.statusCode, 200, created.body);
    const file = JSON.parse(created.body);
    assert.match(file.id, /^file-/);
    assert.equal(file.bytes, fixture('gateway/memo.pdf').length);

    // The Node server shares the bucket: it sees the same file, and both parse it the same way.
    const meta = await viaNode(node, { method: 'GET', path: `/v1/files/${file.id}` });
    assert.equal(meta.status, 200);
    const content = await lambda.handler(eventFor('function-url', { method: 'GET', path: `/v1/files/${file.id}/content` }));
    assert.equal(content.isBase64Encoded, true, 'bytes go back base64');
    assert.ok(bodyOf(content).equals(fixture('gateway/memo.pdf')));
    const parse: Req = { method: 'POST', path: '/v1/parse', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file_id: file.id }) };
    const got = await lambda.handler(eventFor('function-url', parse));
    assert.equal(got.statusCode, 200, got.body);
    assert.deepEqual(stable(JSON.parse(got.body)), stable(JSON.parse((await viaNode(node, parse)).body.toString())));
  });

  test('errors are the same OpenAI-shaped answers', async () => {
    const cases: Req[] = [
      { method: 'GET', path: '/v1/nothing-here' },
      { method: 'POST', path: '/v1/parse', headers: { 'content-type': 'application/json' }, body: '{"file_data": ' },
      { method: 'POST', path: '/v1/parse', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file_data: `data:application/pdf;base64,${fixture('gateway/ten-pages.pdf').toString('base64')}` }) },
      { method: 'POST', path: '/v1/parse', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file_data: `data:application/pdf;base64,${fixture('gateway/encrypted.pdf').toString('base64')}` }) },
      { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' }, body: '{}' },
    ];
    for (const r of cases) {
      const expected = await viaNode(node, r);
      const got = await lambda.handler(eventFor('http-api', r));
      assert.ok(expected.status >= 400, `${r.path}: node answered ${expected.status}`);
      assert.equal(got.statusCode, expected.status, `${r.method} ${r.path}`);
      assert.deepEqual(JSON.parse(got.body), JSON.parse(expected.body.toString()), `${r.method} ${r.path}`);
    }
    const notHttp = await lambda.handler({ Records: [{ eventSource: 'aws:sqs' }] });
    assert.equal(notHttp.statusCode, 400);
    assert.equal(JSON.parse(notHttp.body).error.code, 'invalid_request');
  });

  test('/readyz checks S3 and the backend', async () => {
    const got = await lambda.handler(eventFor('function-url', { method: 'GET', path: '/readyz' }));
    const body = JSON.parse(got.body);
    assert.equal(got.statusCode, 200, got.body);
    assert.equal(body.checks.storage.status, 'ok');
    assert.equal(body.checks.storage.kind, 's3');
  });

  test('a scheduled event deletes expired files from S3', async () => {
    const form = new FormData();
    form.set('purpose', 'user_data');
    form.set('expires_after[anchor]', 'created_at');
    form.set('expires_after[seconds]', '1');
    form.set('file', new Blob([fixture('gateway/memo.pdf')]), 'short-lived.pdf');
    const enc = new Response(form);
    const created = await lambda.handler(eventFor('function-url', { method: 'POST', path: '/v1/files', headers: { 'content-type': enc.headers.get('content-type')! }, body: Buffer.from(await enc.arrayBuffer()) }));
    assert.equal(created.statusCode, 200, created.body);
    const id = JSON.parse(created.body).id as string;
    const objects = () => readdirRecursive(s3.directory).filter((p) => p.includes(id));
    assert.ok(objects().length >= 2, 'bytes and record are in the bucket');
    await new Promise((r) => setTimeout(r, 1500));
    const swept = await lambda.handler({ version: '0', id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: '2026-11-23T12:00:00Z', region: 'eu-west-1', resources: ['arn:aws:events:eu-west-1:123456789012:rule/docinline-sweep'], detail: {} });
    assert.equal(swept.statusCode, 200);
    assert.ok(JSON.parse(swept.body).expired >= 1);
    assert.deepEqual(objects(), []);
  });

  test('a client that leaves a stream stops the backend request', async () => {
    upstream.enqueue({ chunkDelayMs: 150, content: Array.from({ length: 30 }, (_, i) => `w${i} `) });
    const r: Req = { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'long' }] }) };
    const stream = new ResponseStream();
    const before = upstream.requests.length;
    const done = lambda.streamingHandler!(eventFor('function-url', r), stream, {});
    const deadline = Date.now() + 10_000;
    while (stream.writes.length < 4) {
      assert.ok(Date.now() < deadline, 'the stream never started');
      await new Promise((res) => setTimeout(res, 20));
    }
    stream.destroy();
    await done;
    const rec = upstream.requests[before]!;
    assert.equal(await rec.closed, 'aborted');
    assert.ok(rec.eventsSent < 30, `${rec.eventsSent} events sent before the abort`);
  });
});

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Agent } from 'undici';
import { startDocinline, filesUnder, makePdf, sleep, type Docinline } from './harness.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';

/**
 * The Files API end to end: the real server as a child process, the official `openai` client, on the
 * local-disk store and on a real S3-compatible server (s3rver). Three API keys.
 */

const MiB = 1024 * 1024;
const KEYS = ['key-alice', 'key-bob', 'key-carol'];
const MAX_FILE = 8 * MiB;

function random(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Backend {
  name: string;
  env(): Record<string, string>;
  /** Every stored key/path: what a failed upload must not add to. */
  stored(): Promise<string[]>;
  /** Config that makes the store unreachable. */
  brokenEnv(): Record<string, string>;
  setup(): Promise<void>;
  teardown(): Promise<void>;
}

function localBackend(): Backend {
  let dir = '';
  return {
    name: 'local disk',
    async setup() {
      dir = mkdtempSync(path.join(tmpdir(), 'docinline-files-api-'));
    },
    async teardown() {
      rmSync(dir, { recursive: true, force: true });
    },
    env: () => ({ DOCINLINE_DATA_DIR: dir }),
    async stored() {
      return filesUnder(dir);
    },
    brokenEnv() {
      const file = path.join(dir, 'not-a-directory');
      writeFileSync(file, 'x');
      return { DOCINLINE_DATA_DIR: file };
    },
  };
}

function s3Backend(): Backend {
  let s3: S3rverHandle;
  return {
    name: 's3rver',
    async setup() {
      s3 = await startS3rver();
    },
    async teardown() {
      await s3?.close();
    },
    env: () => s3.env,
    async stored() {
      const client = new S3Client({
        region: 'us-east-1',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const r = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, ContinuationToken: token }));
        for (const o of r.Contents ?? []) keys.push(o.Key!);
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
      client.destroy();
      return keys.sort();
    },
    brokenEnv: () => ({ ...s3.env, DOCINLINE_S3_ENDPOINT: 'http://127.0.0.1:9' }),
  };
}

async function status(p: Promise<unknown>): Promise<{ status: number; error: { message: string; type: string; param: string | null; code: string } }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OpenAI.APIError) return { status: e.status!, error: e.error as never };
    throw e;
  }
  assert.fail('expected the request to fail');
}

/** A raw multipart upload, optionally chunked (no Content-Length) so limits are hit while streaming. */
function multipart(fields: Record<string, string>, file: { name: string; data: Uint8Array } | null, boundary = 'docinlineTestBoundary') {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(file.data);
    parts.push(enc.encode('\r\n'));
  }
  parts.push(enc.encode(`--${boundary}--\r\n`));
  return { parts, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function rawUpload(
  srv: Docinline,
  key: string,
  body: { parts: Uint8Array[]; contentType: string },
  opts: { chunked?: boolean; dispatcher?: Agent } = {},
): Promise<{ status: number; json: any }> {
  const stream = new ReadableStream<Uint8Array>({
    async pull(c) {
      const next = body.parts.shift();
      if (!next) return c.close();
      for (let i = 0; i < next.length; i += MiB) c.enqueue(next.subarray(i, i + MiB));
    },
  });
  const total = body.parts.reduce((n, p) => n + p.length, 0);
  const res = await fetch(`${srv.baseURL}/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': body.contentType, ...(opts.chunked ? {} : { 'content-length': String(total) }) },
    body: stream,
    duplex: 'half',
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
  } as RequestInit);
  return { status: res.status, json: await res.json() };
}

function suite(make: () => Backend) {
  const backend = make();
  let srv: Docinline;
  let up: FakeUpstream;
  const env = () => ({
    ...backend.env(),
    DOCINLINE_UPSTREAM_URL: up.url,
    DOCINLINE_API_KEYS: KEYS.join(','),
    DOCINLINE_MAX_FILE_BYTES: String(MAX_FILE),
    DOCINLINE_FILES_MIN_EXPIRY_SECONDS: '1',
    DOCINLINE_FILES_SWEEP_SECONDS: '1',
  });
  const client = (key: string) => new OpenAI({ apiKey: key, baseURL: srv.baseURL, maxRetries: 0 });

  before(async () => {
    await backend.setup();
    up = await startFakeUpstream();
    srv = await startDocinline(env());
  });
  after(async () => {
    await srv?.stop();
    await up?.close();
    await backend.teardown();
  });

  /** The text the backend received in place of the file part of the first user message. */
  const inlinedText = (body: any): string => {
    const content = body.messages?.[0]?.content ?? body.input?.[0]?.content;
    return (content as any[]).map((p) => p.text ?? '').join('\n');
  };

  test('file_id works in chat, Responses and /v1/parse, and a file used in 100 requests is parsed once', async () => {
    const alice = client(KEYS[0]!);
    const pdf = makePdf(['Quarterly revenue grew 42 percent', 'Churn fell to 3 percent']);
    const f = await alice.files.create({ file: await toFile(pdf, 'q3.pdf', { type: 'application/pdf' }), purpose: 'user_data' });
    const ask = () =>
      alice.chat.completions
        .create({ model: 'fake-model', messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarize.' }, { type: 'file', file: { file_id: f.id } }] }] })
        .withResponse();
    up.reset();
    const first = await ask();
    assert.equal(first.data.choices[0]!.message.content, 'Hello from the fake backend.');
    const sent = inlinedText(up.last().body);
    assert.match(sent, /Quarterly revenue grew 42 percent/);
    assert.match(sent, /Churn fell to 3 percent/);
    assert.match(sent, /q3\.pdf/);
    assert.match(sent, /Summarize\./);
    assert.equal(first.response.headers.get('x-docinline-documents'), '1');
    assert.equal(first.response.headers.get('x-docinline-cache-hits'), '0', 'the first use parses the file');

    // 99 more uses, 19 of them at once: every one is served from the parse cache (or the parse in flight).
    let hits = 0;
    const concurrent = await Promise.all(Array.from({ length: 19 }, ask));
    for (const r of concurrent) hits += Number(r.response.headers.get('x-docinline-cache-hits'));
    for (let i = 0; i < 80; i++) hits += Number((await ask()).response.headers.get('x-docinline-cache-hits'));
    assert.equal(hits, 99, 'one parse for a hundred requests');
    assert.equal(up.requests.length, 100);
    assert.ok(up.requests.every((r) => /Quarterly revenue grew 42 percent/.test(inlinedText(r.body))));

    const resp = await alice.responses.create({
      model: 'fake-model',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Summarize.' }, { type: 'input_file', file_id: f.id }] }],
    });
    assert.equal(resp.output_text, 'Hello from the fake backend.');
    assert.equal(up.last().path, '/v1/responses');
    assert.match(inlinedText(up.last().body), /Quarterly revenue grew 42 percent/);

    const parsed = await fetch(`${srv.baseURL}/parse`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ file_id: f.id }),
    });
    assert.equal(parsed.status, 200);
    assert.match(((await parsed.json()) as { markdown: string }).markdown, /Churn fell to 3 percent/);

    // Another key cannot use the id anywhere, and nothing reaches the backend.
    const bob = client(KEYS[1]!);
    up.reset();
    const chat = await status(bob.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: f.id } }] }] }));
    assert.equal(chat.status, 404);
    assert.match(chat.error.message, new RegExp(f.id));
    const r2 = await status(bob.responses.create({ model: 'fake-model', input: [{ role: 'user', content: [{ type: 'input_file', file_id: f.id }] }] }));
    assert.equal(r2.status, 404);
    const p2 = await fetch(`${srv.baseURL}/parse`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS[1]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ file_id: f.id }),
    });
    assert.equal(p2.status, 404);
    assert.equal(up.requests.length, 0, 'a foreign file id never reaches the backend');
  });

  test('upload, retrieve, download and delete with the official client', async () => {
    const alice = client(KEYS[0]!);
    const data = random(300_000);
    const before = Math.floor(Date.now() / 1000);
    const f = await alice.files.create({ file: await toFile(data, 'report.pdf', { type: 'application/pdf' }), purpose: 'user_data' });
    assert.match(f.id, /^file-[A-Za-z0-9]+$/);
    assert.equal(f.object, 'file');
    assert.equal(f.bytes, data.length);
    assert.equal(f.filename, 'report.pdf');
    assert.equal(f.purpose, 'user_data');
    assert.equal(f.status, 'processed');
    assert.equal(f.expires_at, null);
    assert.ok(f.created_at >= before - 1 && f.created_at <= Date.now() / 1000 + 1);

    assert.deepEqual(await alice.files.retrieve(f.id), f);
    const content = await alice.files.content(f.id);
    assert.equal(content.headers.get('content-type'), 'application/octet-stream');
    assert.equal(sha(new Uint8Array(await content.arrayBuffer())), sha(data));

    const del = await alice.files.delete(f.id);
    assert.deepEqual(del, { id: f.id, object: 'file', deleted: true });
    assert.equal((await status(alice.files.retrieve(f.id))).status, 404);
    assert.equal((await status(alice.files.content(f.id))).status, 404);
    assert.equal((await status(alice.files.delete(f.id))).status, 404);
    assert.ok(!(await backend.stored()).some((k) => k.includes(f.id)), 'no trace of a deleted file');
  });

  test('list: newest first, pagination by the client, order, purpose filter', async () => {
    const carol = client(KEYS[2]!);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const f = await carol.files.create({ file: await toFile(new TextEncoder().encode(`file ${i}`), `f${i}.txt`), purpose: i % 2 ? 'assistants' : 'user_data' });
      ids.push(f.id);
    }
    const first = await carol.files.list({ limit: 2 });
    assert.deepEqual(first.data.map((f) => f.id), [ids[6], ids[5]]);
    assert.equal(first.has_more, true);
    const all: string[] = [];
    for await (const f of carol.files.list({ limit: 2 })) all.push(f.id);
    assert.deepEqual(all, [...ids].reverse(), 'auto-pagination walks every page');
    const asc: string[] = [];
    for await (const f of carol.files.list({ limit: 3, order: 'asc' })) asc.push(f.id);
    assert.deepEqual(asc, ids);
    const assistants = await carol.files.list({ purpose: 'assistants' });
    assert.deepEqual(assistants.data.map((f) => f.id), [ids[5], ids[3], ids[1]]);
    assert.equal(assistants.has_more, false);
    assert.equal((await status(carol.files.list({ limit: 0 }))).status, 400);
    assert.equal((await status(carol.files.list({ order: 'sideways' as 'asc' }))).status, 400);
  });

  test('another API key gets 404 on every endpoint; no key gets 401', async () => {
    const alice = client(KEYS[0]!);
    const bob = client(KEYS[1]!);
    const f = await alice.files.create({ file: await toFile(new TextEncoder().encode('alice only'), 'secret.txt'), purpose: 'user_data' });
    for (const call of [() => bob.files.retrieve(f.id), () => bob.files.content(f.id), () => bob.files.delete(f.id)]) {
      const s = await status(call());
      assert.equal(s.status, 404);
      assert.equal(s.error.type, 'not_found_error');
      assert.match(s.error.message, /No such File object/);
    }
    assert.ok(!(await bob.files.list()).data.some((x) => x.id === f.id));
    assert.ok((await alice.files.list()).data.some((x) => x.id === f.id));
    assert.equal(new TextDecoder().decode(new Uint8Array(await (await alice.files.content(f.id)).arrayBuffer())), 'alice only');
    const anon = new OpenAI({ apiKey: 'not-a-key', baseURL: srv.baseURL, maxRetries: 0 });
    assert.equal((await status(anon.files.retrieve(f.id))).status, 401);
    assert.equal((await status(anon.files.list())).status, 401);
  });

  test('bad requests get OpenAI-shaped errors and store nothing', async () => {
    const alice = client(KEYS[0]!);
    const stored = await backend.stored();
    const unknownPurpose = await status(alice.files.create({ file: await toFile(new Uint8Array(10), 'a.txt'), purpose: 'homework' as 'batch' }));
    assert.equal(unknownPurpose.status, 400);
    assert.equal(unknownPurpose.error.param, 'purpose');
    assert.equal(unknownPurpose.error.type, 'invalid_request_error');

    const noFile = await rawUpload(srv, KEYS[0]!, multipart({ purpose: 'user_data' }, null));
    assert.equal(noFile.status, 400);
    assert.equal(noFile.json.error.param, 'file');
    assert.match(noFile.json.error.message, /file/);

    const noPurpose = await rawUpload(srv, KEYS[0]!, multipart({}, { name: 'x.txt', data: new Uint8Array(100) }));
    assert.equal(noPurpose.status, 400);
    assert.equal(noPurpose.json.error.param, 'purpose');

    // purpose after the file: the bytes are already stored when the purpose turns out wrong
    const late = multipart({}, { name: 'x.txt', data: random(200_000) });
    late.parts.splice(late.parts.length - 1, 0, new TextEncoder().encode(`--docinlineTestBoundary\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nnope\r\n`));
    assert.equal((await rawUpload(srv, KEYS[0]!, late)).status, 400);

    const badExpiry = await status(
      alice.files.create({ file: await toFile(new Uint8Array(10), 'a.txt'), purpose: 'user_data', expires_after: { anchor: 'created_at', seconds: 99_999_999 } }),
    );
    assert.equal(badExpiry.status, 400);
    assert.equal(badExpiry.error.param, 'expires_after.seconds');
    const badAnchor = await rawUpload(srv, KEYS[0]!, multipart({ purpose: 'user_data', 'expires_after[anchor]': 'last_used', 'expires_after[seconds]': '100' }, { name: 'a', data: new Uint8Array(1) }));
    assert.equal(badAnchor.status, 400);
    assert.equal(badAnchor.json.error.param, 'expires_after.anchor');

    const json = await fetch(`${srv.baseURL}/files`, { method: 'POST', headers: { authorization: `Bearer ${KEYS[0]}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(json.status, 400);
    const truncated = multipart({ purpose: 'user_data' }, { name: 'x', data: random(100_000) });
    truncated.parts.pop(); // no closing boundary
    const t = await rawUpload(srv, KEYS[0]!, truncated);
    assert.equal(t.status, 400);
    assert.match(t.json.error.message, /Malformed multipart/);

    assert.equal((await status(alice.files.retrieve('file-doesnotexist'))).status, 404);
    assert.equal((await status(alice.files.retrieve('..%2F..%2Fetc%2Fpasswd'))).status, 404);
    assert.deepEqual(await backend.stored(), stored, 'failed uploads left nothing behind');
  });

  test('oversize uploads get 413 whether declared or streamed, and leave nothing', async () => {
    // A rejected upload ends with the server draining or dropping the rest of the body: give each one
    // its own connection pool so no later request lands on such a socket.
    const agents: Agent[] = [];
    after(() => Promise.all(agents.map((a) => a.close())));
    const isolated = () => {
      const agent = new Agent();
      agents.push(agent);
      return agent;
    };
    const rejected = () => new OpenAI({ apiKey: KEYS[0], baseURL: srv.baseURL, maxRetries: 0, fetchOptions: { dispatcher: isolated() } as RequestInit });
    const alice = client(KEYS[0]!);
    const stored = await backend.stored();
    const declared = await status(rejected().files.create({ file: await toFile(random(MAX_FILE + 2 * MiB), 'big.bin'), purpose: 'user_data' }));
    assert.equal(declared.status, 413);
    assert.equal(declared.error.code, 'file_too_large');
    // chunked: only the streaming check can catch it, after several MiB (and S3 parts) went to storage
    const streamed = await rawUpload(srv, KEYS[0]!, multipart({ purpose: 'user_data' }, { name: 'big.bin', data: random(MAX_FILE + MiB / 2) }), { chunked: true, dispatcher: isolated() });
    assert.equal(streamed.status, 413);
    assert.equal(streamed.json.error.code, 'file_too_large');
    assert.equal(streamed.json.error.param, 'file');
    // exactly at the limit is fine
    const atLimit = await alice.files.create({ file: await toFile(random(MAX_FILE), 'limit.bin'), purpose: 'user_data' });
    assert.equal(atLimit.bytes, MAX_FILE);
    await alice.files.delete(atLimit.id);
    assert.deepEqual(await backend.stored(), stored);
  });

  test('a client that disconnects mid-upload leaves nothing behind', async () => {
    const stored = await backend.stored();
    const boundary = 'abortBoundary';
    await new Promise<void>((resolve) => {
      const u = new URL(`${srv.baseURL}/files`);
      const req = http.request({
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS[0]}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nuser_data\r\n`);
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\n\r\n`);
      let sent = 0;
      const chunk = random(MiB);
      const pump = () => {
        // past one S3 part, so the S3 store has a multipart upload to abandon
        if (sent >= 7 * MiB) return setTimeout(() => req.destroy(), 100);
        sent += chunk.length;
        if (req.write(chunk)) setImmediate(pump);
        else req.once('drain', pump);
      };
      pump();
    });
    // the server notices, aborts the store write and cleans up
    let now: string[] = [];
    for (let i = 0; i < 50; i++) {
      now = await backend.stored();
      if (JSON.stringify(now) === JSON.stringify(stored)) break;
      await sleep(100);
    }
    assert.deepEqual(now, stored);
    // and keeps serving
    assert.ok(Array.isArray((await client(KEYS[0]!).files.list()).data));
  });

  test('expires_after: expired files disappear and their bytes are swept', async () => {
    const alice = client(KEYS[0]!);
    const touched = await alice.files.create({ file: await toFile(new TextEncoder().encode('short lived'), 'a.txt'), purpose: 'user_data', expires_after: { anchor: 'created_at', seconds: 2 } });
    const untouched = await alice.files.create({ file: await toFile(new TextEncoder().encode('never looked at'), 'b.txt'), purpose: 'user_data', expires_after: { anchor: 'created_at', seconds: 2 } });
    assert.equal(touched.expires_at, touched.created_at + 2);
    const batch = await alice.files.create({ file: await toFile(new TextEncoder().encode('{}\n'), 'in.jsonl'), purpose: 'batch' });
    assert.equal(batch.expires_at, batch.created_at + 30 * 24 * 3600, 'batch files expire after 30 days by default, as on OpenAI');
    assert.equal((await alice.files.retrieve(touched.id)).id, touched.id);
    assert.ok((await backend.stored()).some((k) => k.includes(untouched.id)));

    await sleep((touched.expires_at! + 1) * 1000 - Date.now() + 200);
    assert.equal((await status(alice.files.retrieve(touched.id))).status, 404);
    assert.equal((await status(alice.files.content(touched.id))).status, 404);
    const chat = await status(alice.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: touched.id } }] }] }));
    assert.equal(chat.status, 404, 'an expired file cannot be used');
    const list = await alice.files.list();
    assert.ok(!list.data.some((f) => f.id === touched.id || f.id === untouched.id));
    // the sweeper (every second here) removes the one nobody asked for
    let left: string[] = [];
    for (let i = 0; i < 40; i++) {
      left = (await backend.stored()).filter((k) => k.includes(untouched.id) || k.includes(touched.id));
      if (!left.length) break;
      await sleep(100);
    }
    assert.deepEqual(left, []);
    await alice.files.delete(batch.id);
  });

  test('files survive a restart of the server', async () => {
    const alice = client(KEYS[0]!);
    const data = random(50_000);
    const f = await alice.files.create({ file: await toFile(data, 'keep.bin'), purpose: 'vision' });
    await srv.stop();
    srv = await startDocinline(env());
    const again = client(KEYS[0]!);
    assert.deepEqual(await again.files.retrieve(f.id), f);
    assert.equal(sha(new Uint8Array(await (await again.files.content(f.id)).arrayBuffer())), sha(data));
    assert.ok((await again.files.list({ purpose: 'vision' })).data.some((x) => x.id === f.id));
  });

  test('two servers sharing the store see the same files', async () => {
    const second = await startDocinline(env());
    try {
      const f = await client(KEYS[0]!).files.create({ file: await toFile(new TextEncoder().encode('shared'), 's.txt'), purpose: 'user_data' });
      const other = new OpenAI({ apiKey: KEYS[0], baseURL: second.baseURL, maxRetries: 0 });
      assert.equal((await other.files.retrieve(f.id)).filename, 's.txt');
      await other.files.delete(f.id);
      assert.equal((await status(client(KEYS[0]!).files.retrieve(f.id))).status, 404);
    } finally {
      await second.stop();
    }
  });

  test('storage that cannot be reached is a 503', async () => {
    const broken = await startDocinline({ ...env(), ...backend.brokenEnv() });
    try {
      const c = new OpenAI({ apiKey: KEYS[0], baseURL: broken.baseURL, maxRetries: 0 });
      const up = await status(c.files.create({ file: await toFile(new Uint8Array(10), 'a.txt'), purpose: 'user_data' }));
      assert.equal(up.status, 503);
      assert.equal(up.error.code, 'storage_unavailable');
      if (backend.name === 's3rver') {
        // a missing local directory is simply empty; an unreachable bucket is an outage
        assert.equal((await status(c.files.list())).status, 503);
        assert.equal((await status(c.files.retrieve('file-0VbnwM50ssVIdfC1TTnMJ3GS'))).status, 503);
      }
    } finally {
      await broken.stop();
    }
  });
}

describe('Files API on the local-disk store', () => suite(localBackend));
describe('Files API on S3 (s3rver)', () => suite(s3Backend));

/**
 * The Batch API end to end, driven by the official `openai` client: the real server as a child process
 * and, with Redis, two `docinline worker` processes on a real redis-server. The same tests run on both
 * queues: in-process (the server does the work; "killing the worker" kills the server) and BullMQ (the
 * server only answers; the workers do the work).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { APIError, toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { makePdf } from '../files/harness.js';
import { freePort, startRedis, startServer, startWorker, tempDir, until, type Proc, type Redis, type Server } from './harness.js';

const KEYS = ['key-a', 'key-b'];
const FINAL = ['completed', 'failed', 'cancelled', 'expired'];

interface Backend {
  name: string;
  start(env: Record<string, string>): Promise<void>;
  /** The server clients talk to (it changes when the in-process backend restarts it). */
  server(): Server;
  /** SIGKILLs (one of) the process(es) doing the batch work. */
  killWorker(): Promise<void>;
  /** Starts its replacement. */
  restartWorker(): Promise<void>;
  /** Whether the API still answers while the killed worker is down. */
  answersWhileKilled: boolean;
  /** Another gateway instance on the same store and queue (Redis only). */
  secondServer?(): Promise<Server>;
  stop(): Promise<void>;
}

function memoryBackend(): Backend {
  let env: Record<string, string> = {};
  let srv: Server;
  return {
    name: 'in-process queue',
    async start(e) {
      env = e;
      srv = await startServer(env);
    },
    server: () => srv,
    answersWhileKilled: false,
    async killWorker() {
      await srv.kill();
    },
    async restartWorker() {
      srv = await startServer(env);
    },
    async stop() {
      await srv?.stop();
    },
  };
}

function redisBackend(): Backend {
  let env: Record<string, string> = {};
  let redis: Redis;
  let srv: Server;
  const workers: Proc[] = [];
  const extra: Server[] = [];
  return {
    name: 'BullMQ on redis-server, two worker processes',
    async start(e) {
      redis = await startRedis();
      env = { ...e, DOCINLINE_REDIS_URL: redis.url, DOCINLINE_REDIS_PREFIX: 'dt' };
      // The server only answers; all the work is done by the workers.
      srv = await startServer({ ...env, DOCINLINE_BATCH_IN_SERVER: 'false' });
      workers.push(await startWorker(env), await startWorker(env));
    },
    server: () => srv,
    answersWhileKilled: true,
    async killWorker() {
      await workers[0]!.kill();
    },
    async restartWorker() {
      workers[0] = await startWorker(env);
    },
    async secondServer() {
      const s = await startServer({ ...env, DOCINLINE_BATCH_IN_SERVER: 'false' });
      extra.push(s);
      return s;
    },
    async stop() {
      await Promise.allSettled([srv?.stop(), ...workers.map((w) => w.stop()), ...extra.map((s) => s.stop())]);
      await redis?.stop();
    },
  };
}

type OutLine = { id: string; custom_id: string; response: { status_code: number; request_id: string; body: any } | null; error: { code: string; message: string } | null };

function parseJsonl(text: string): OutLine[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as OutLine);
}

const jsonl = (rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

for (const backend of [memoryBackend(), redisBackend()]) {
  describe(`batches (${backend.name})`, () => {
    let up: FakeUpstream;
    let data: ReturnType<typeof tempDir>;
    let deadPort: number;
    const client = (key = 'key-a') => new OpenAI({ baseURL: backend.server().baseURL, apiKey: key, maxRetries: 0, timeout: 20_000 });

    async function upload(text: string, key = 'key-a', name = 'input.jsonl', purpose: 'batch' | 'user_data' = 'batch') {
      return client(key).files.create({ file: await toFile(Buffer.from(text), name), purpose });
    }

    async function finished(id: string, timeoutMs = 60_000, key = 'key-a'): Promise<Batch> {
      return until(async () => {
        const b = await client(key).batches.retrieve(id);
        return FINAL.includes(b.status) ? b : null;
      }, timeoutMs, `batch ${id} to finish`, 150);
    }

    async function outputs(b: Batch, key = 'key-a'): Promise<{ out: OutLine[]; err: OutLine[] }> {
      const read = async (id: string | null | undefined) => (id ? parseJsonl(await (await client(key).files.content(id)).text()) : []);
      return { out: await read(b.output_file_id), err: await read(b.error_file_id) };
    }

    /** Every custom_id of the input exactly once across both files. */
    function assertExactlyOnce(ids: string[], o: { out: OutLine[]; err: OutLine[] }) {
      const seen = [...o.out, ...o.err].map((l) => l.custom_id);
      const counts = new Map<string, number>();
      for (const c of seen) counts.set(c, (counts.get(c) ?? 0) + 1);
      const dup = [...counts].filter(([, n]) => n > 1).map(([c]) => c);
      const missing = ids.filter((c) => !counts.has(c));
      const foreign = seen.filter((c) => !ids.includes(c));
      assert.deepEqual({ dup, missing, foreign }, { dup: [], missing: [], foreign: [] });
      assert.equal(seen.length, ids.length);
    }

    before(async () => {
      up = await startFakeUpstream();
      up.setDefault({ delayMs: 30 });
      data = tempDir('docinline-batch-');
      deadPort = await freePort(); // nothing listens there: a backend that is down
      await backend.start({
        DOCINLINE_UPSTREAM_URL: up.url,
        DOCINLINE_DATA_DIR: data.path,
        DOCINLINE_API_KEYS: KEYS.join(','),
        DOCINLINE_MODEL_ROUTES: JSON.stringify({ 'dead-model': `http://127.0.0.1:${deadPort}/v1` }),
        DOCINLINE_BATCH_CONCURRENCY: '8',
        DOCINLINE_WORKER_CONCURRENCY: '8',
        DOCINLINE_BATCH_MAX_ATTEMPTS: '4',
        DOCINLINE_BATCH_RETRY_BASE_MS: '50',
        DOCINLINE_BATCH_RETRY_MAX_MS: '400',
        DOCINLINE_BATCH_LOCK_MS: '2000',
      });
    });

    after(async () => {
      await backend.stop();
      await up?.close();
      data?.remove();
    });

    test('chat batch: documents inlined per line, 429/500/503 retried (retry-after honoured), a bad document fails only its line', async () => {
      up.reset();
      // The first three requests to arrive fail; they must be retried.
      up.enqueue({ status: 429, headers: { 'retry-after': '1' } }, { status: 500 }, { status: 503 });
      const pdf = await client().files.create({ file: await toFile(makePdf(['Quarterly report', 'Revenue grew 42 percent']), 'report.pdf'), purpose: 'user_data' });
      const broken = `data:application/pdf;base64,${Buffer.from('%PDF-1.7\nthis is not really a pdf').toString('base64')}`;
      const n = 30;
      const rows = Array.from({ length: n }, (_, i) => {
        const content: unknown[] = [{ type: 'text', text: `question ${i}` }];
        if (i % 5 === 0) content.push({ type: 'file', file: { file_id: pdf.id } });
        if (i === 7) content.push({ type: 'file', file: { file_data: broken, filename: 'broken.pdf' } });
        return { custom_id: `req-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: i === 11 ? 'dead-model' : `chat-${i}`, messages: [{ role: 'user', content }] } };
      });
      const input = await upload(jsonl(rows));
      const created = await client().batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { job: 'nightly' } });
      assert.equal(created.object, 'batch');
      assert.equal(created.status, 'validating');
      assert.equal(created.endpoint, '/v1/chat/completions');
      assert.equal(created.input_file_id, input.id);
      assert.deepEqual(created.metadata, { job: 'nightly' });
      assert.equal(created.expires_at, created.created_at + 24 * 3600);

      const b = await finished(created.id);
      assert.equal(b.status, 'completed');
      assert.deepEqual(b.request_counts, { total: n, completed: n - 2, failed: 2 });
      assert.ok(b.in_progress_at && b.finalizing_at && b.completed_at, 'timestamps set');
      assert.equal(b.model, 'chat-0');
      const o = await outputs(b);
      assertExactlyOnce(rows.map((r) => r.custom_id), o);

      // Each output is the answer to its own line (the fake backend echoes the model).
      for (const l of o.out) {
        assert.equal(l.response!.status_code, 200);
        assert.equal(l.response!.body.model, `chat-${l.custom_id.slice(4)}`);
        assert.equal(l.error, null);
        assert.match(l.id, /^batch_req_/);
      }
      const byId = new Map(o.err.map((l) => [l.custom_id, l]));
      const bad = byId.get('req-7')!;
      assert.ok(bad.response!.status_code >= 400 && bad.response!.status_code < 500, `status ${bad.response!.status_code}`);
      assert.equal(typeof bad.response!.body.error.code, 'string');
      assert.match(bad.response!.body.error.param, /messages\[0\]\.content\[1\]/);
      const dead = byId.get('req-11')!;
      assert.equal(dead.response!.status_code, 502);
      assert.equal(dead.response!.body.error.code, 'upstream_error');

      // Documents reached the backend as text, in place of the file part.
      for (let i = 0; i < n; i += 5) {
        const got = up.requests.filter((r) => r.body?.model === `chat-${i}` && r.body.messages[0].content.length === 2);
        assert.ok(got.length >= 1, `line ${i} reached the backend`);
        const part = got[0]!.body.messages[0].content[1];
        assert.equal(part.type, 'text');
        assert.match(part.text, /^<document name="report\.pdf" pages="1">/);
        assert.match(part.text, /Revenue grew 42 percent/);
      }
      assert.equal(up.requests.filter((r) => r.body?.model === 'chat-7').length, 0, 'the line with the broken document was never forwarded');

      // The three injected failures were retried, and the 429's retry came after its retry-after.
      const first = up.requests.slice(0, 3);
      for (const r of first) {
        const again = up.requests.filter((x) => x.body?.model === r.body.model && x !== r);
        assert.ok(again.length >= 1, `${r.body.model} was retried`);
        assert.equal(o.out.find((l) => l.response!.body.model === r.body.model)?.response!.status_code, 200);
      }
      const limited = first[0]!;
      const retry = up.requests.find((x) => x.body?.model === limited.body.model && x !== limited)!;
      assert.ok(retry.receivedAt - limited.receivedAt >= 1000, `retry after ${retry.receivedAt - limited.receivedAt} ms, retry-after was 1 s`);
      // Usage adds up the backend's usage of the successful lines.
      assert.equal(b.usage?.total_tokens, 15 * (n - 2));
    });

    test('/v1/parse batch: one Markdown/JSON result per line, per-line errors for a broken document and a foreign file', async () => {
      const docs = await Promise.all(
        ['alpha', 'beta', 'gamma'].map(async (w) =>
          client().files.create({ file: await toFile(makePdf([`The ${w} document`, `Line about ${w}`]), `${w}.pdf`), purpose: 'user_data' }),
        ),
      );
      const foreign = await client('key-b').files.create({ file: await toFile(makePdf(['Secret of key b']), 'b.pdf'), purpose: 'user_data' });
      const rows = [
        ...docs.map((d, i) => ({ custom_id: `doc-${i}`, method: 'POST', url: '/v1/parse', body: { file_id: d.id } })),
        { custom_id: 'doc-md', method: 'POST', url: '/v1/parse?format=markdown', body: { file_id: docs[1]!.id } },
        { custom_id: 'doc-broken', method: 'POST', url: '/v1/parse', body: { file_data: Buffer.from('%PDF-1.4 truncated garbage').toString('base64') } },
        { custom_id: 'doc-foreign', method: 'POST', url: '/v1/parse', body: { file_id: foreign.id } },
      ];
      const input = await upload(jsonl(rows));
      const b = await finished((await client().batches.create({ input_file_id: input.id, endpoint: '/v1/parse', completion_window: '24h' })).id);
      assert.equal(b.status, 'completed');
      assert.deepEqual(b.request_counts, { total: 6, completed: 4, failed: 2 });
      const o = await outputs(b);
      assertExactlyOnce(rows.map((r) => r.custom_id), o);
      const out = new Map(o.out.map((l) => [l.custom_id, l]));
      ['alpha', 'beta', 'gamma'].forEach((w, i) => {
        const body = out.get(`doc-${i}`)!.response!.body;
        assert.equal(body.object, 'document.parse');
        assert.equal(body.filename, `${w}.pdf`);
        assert.match(body.markdown, new RegExp(`The ${w} document`));
        assert.equal(body.pages, 1);
      });
      const md = out.get('doc-md')!.response!.body;
      assert.equal(typeof md, 'string');
      assert.match(md, /The beta document/);
      const err = new Map(o.err.map((l) => [l.custom_id, l]));
      const broken = err.get('doc-broken')!.response!;
      assert.ok(broken.status_code >= 400 && broken.status_code < 500);
      assert.equal(broken.body.error.param, 'file_data');
      const f = err.get('doc-foreign')!.response!;
      assert.equal(f.status_code, 404, 'another key\'s file is not found from this key\'s batch');
      assert.doesNotMatch(JSON.stringify(o), /Secret of key b/);
    });

    test('invalid JSONL: the batch fails with every problem and its line number', async () => {
      const ok = (id: string) => ({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [] } });
      const text = jsonl([
        ok('a'), // 1
        '{"custom_id": "b", "method": "POST",', // 2: not JSON
        { method: 'POST', url: '/v1/chat/completions', body: { messages: [] } }, // 3: no custom_id
        { ...ok('c'), url: '/v1/embeddings' }, // 4: another endpoint
        ok('a'), // 5: duplicate
        '', // 6: blank lines are allowed
        { ...ok('d'), body: { model: 'm', messages: [], stream: true } }, // 7: streaming
        { ...ok('e'), method: 'GET' }, // 8
        '[1,2,3]', // 9
      ]);
      const input = await upload(text);
      const b = await finished((await client().batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
      assert.equal(b.status, 'failed');
      assert.ok(b.failed_at);
      assert.equal(b.output_file_id, null);
      assert.equal(b.error_file_id, null);
      assert.equal(b.errors?.object, 'list');
      const errs = b.errors!.data!.map((e) => [e.line, e.code, e.param ?? null]);
      assert.deepEqual(errs, [
        [2, 'invalid_json_line', null],
        [3, 'missing_required_parameter', 'custom_id'],
        [4, 'mismatched_endpoint', 'url'],
        [5, 'duplicate_custom_id', 'custom_id'],
        [7, 'invalid_value', 'body.stream'],
        [8, 'invalid_value', 'method'],
        [9, 'invalid_json_line', null],
      ]);
      for (const e of b.errors!.data!) assert.match(e.message!, new RegExp(`^Line ${e.line}: `));
      assert.equal(up.requests.filter((r) => r.body?.model === 'm').length, 0, 'nothing of a failed batch is sent');

      const empty = await upload('\n\n');
      const eb = await finished((await client().batches.create({ input_file_id: empty.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
      assert.equal(eb.status, 'failed');
      assert.equal(eb.errors!.data![0]!.code, 'empty_file');
    });

    test('bad requests: unknown endpoint, missing or foreign file, wrong purpose, bad window, unknown batch', async () => {
      const input = await upload(jsonl([{ custom_id: 'x', method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [] } }]));
      const expectError = async (p: Promise<unknown>, status: number, param: string | null, code?: string) => {
        const e = await p.then(() => null, (e: unknown) => e);
        assert.ok(e instanceof APIError, `expected an API error, got ${e}`);
        assert.equal(e.status, status);
        assert.equal((e.error as any)?.param ?? null, param);
        if (code) assert.equal(e.code, code);
      };
      const c = client();
      await expectError(c.batches.create({ input_file_id: input.id, endpoint: '/v1/embeddings', completion_window: '24h' }), 400, 'endpoint', 'invalid_request');
      await expectError(c.batches.create({ input_file_id: 'file-doesnotexist0000000000000', endpoint: '/v1/chat/completions', completion_window: '24h' }), 404, 'input_file_id', 'not_found');
      await expectError(client('key-b').batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' }), 404, 'input_file_id');
      const userData = await upload('{}', 'key-a', 'x.jsonl', 'user_data');
      await expectError(c.batches.create({ input_file_id: userData.id, endpoint: '/v1/chat/completions', completion_window: '24h' }), 400, 'input_file_id');
      await expectError(c.batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '1h' as '24h' }), 400, 'completion_window');
      await expectError(c.batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { k: 5 as unknown as string } }), 400, 'metadata');
      await expectError(c.batches.retrieve('batch_doesnotexist'), 404, null, 'not_found');
      await expectError(c.batches.cancel('batch_doesnotexist'), 404, null, 'not_found');
      const raw = await fetch(`${backend.server().baseURL}/batches`, { method: 'POST', headers: { authorization: 'Bearer key-a', 'content-type': 'application/json' }, body: '{not json' });
      assert.equal(raw.status, 400);
      assert.equal((await raw.json()).error.code, 'invalid_request');
      const noKey = await fetch(`${backend.server().baseURL}/batches`);
      assert.equal(noKey.status, 401);
    });

    test('ownership: another API key cannot see, list or cancel a batch, nor read its output', async () => {
      const input = await upload(jsonl([{ custom_id: 'own-1', method: 'POST', url: '/v1/chat/completions', body: { model: 'own', messages: [] } }]));
      const b = await finished((await client().batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
      assert.equal(b.status, 'completed');
      const other = client('key-b');
      await assert.rejects(other.batches.retrieve(b.id), (e: unknown) => e instanceof APIError && e.status === 404);
      await assert.rejects(other.batches.cancel(b.id), (e: unknown) => e instanceof APIError && e.status === 404);
      await assert.rejects(other.files.content(b.output_file_id!), (e: unknown) => e instanceof APIError && e.status === 404);
      const theirs = [];
      for await (const x of other.batches.list()) theirs.push(x.id);
      assert.ok(!theirs.includes(b.id));
      // The owner's list pages newest first through the SDK's cursor pagination.
      const mine = [];
      for await (const x of client().batches.list({ limit: 2 })) mine.push(x);
      assert.ok(mine.length >= 4, `listed ${mine.length}`);
      assert.equal(mine[0]!.id, b.id);
      assert.deepEqual([...mine].sort((p, q) => q.created_at - p.created_at || (q.id < p.id ? -1 : 1)).map((x) => x.id), mine.map((x) => x.id));
      assert.equal(new Set(mine.map((x) => x.id)).size, mine.length);
      // A finished batch cannot be cancelled.
      await assert.rejects(client().batches.cancel(b.id), (e: unknown) => e instanceof APIError && e.status === 409);
    });

    test('cancel stops new work and keeps the partial results', async () => {
      up.reset();
      up.setDefault({ delayMs: 300 });
      try {
        const n = 160; // 20 rounds of 8 lanes at 300 ms: a cancel after the first results lands mid-batch
        const rows = Array.from({ length: n }, (_, i) => ({ custom_id: `c-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: `cancel-${i}`, messages: [{ role: 'user', content: 'x' }] } }));
        const input = await upload(jsonl(rows));
        const created = await client().batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
        await until(async () => ((await client().batches.retrieve(created.id)).request_counts?.completed ?? 0) >= 8, 30_000, '8 results');
        const c = await client().batches.cancel(created.id);
        assert.ok(c.status === 'cancelling' || c.status === 'cancelled', c.status);
        assert.ok(c.cancelling_at);
        const b = await finished(created.id);
        assert.equal(b.status, 'cancelled');
        assert.ok(b.cancelled_at);
        const o = await outputs(b);
        assertExactlyOnce(rows.map((r) => r.custom_id), o);
        const done = o.out.length;
        assert.ok(done >= 8 && done < n, `${done} completed before the cancel took hold`);
        assert.deepEqual(b.request_counts, { total: n, completed: done, failed: n - done });
        for (const l of o.err) {
          assert.equal(l.response, null);
          assert.equal(l.error!.code, 'batch_cancelled');
        }
        const sent = up.requests.length;
        assert.ok(sent < n, `the backend got ${sent} of ${n} requests`);
        await new Promise((r) => setTimeout(r, 1000));
        assert.equal(up.requests.length, sent, 'nothing is sent after the batch is cancelled');
      } finally {
        up.setDefault({ delayMs: 30 });
      }
    });

    test('a worker killed with SIGKILL mid-batch: its replacement finishes and every custom_id appears exactly once', async () => {
      up.reset();
      up.setDefault({ delayMs: 120 });
      try {
        const n = 200;
        const rows = Array.from({ length: n }, (_, i) => ({ custom_id: `k-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: `kill-${i}`, messages: [{ role: 'user', content: `line ${i}` }] } }));
        const input = await upload(jsonl(rows));
        const created = await client().batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
        const before = await until(async () => {
          const b = await client().batches.retrieve(created.id);
          return (b.request_counts?.completed ?? 0) >= 30 ? b : null;
        }, 60_000, '30 results');
        assert.equal(before.status, 'in_progress');
        await backend.killWorker();
        if (backend.answersWhileKilled) {
          const mid = await client().batches.retrieve(created.id);
          assert.ok(mid.request_counts!.completed < n, 'the batch was not finished when its worker died');
        }
        await backend.restartWorker();
        const b = await finished(created.id, 120_000);
        assert.equal(b.status, 'completed');
        assert.deepEqual(b.request_counts, { total: n, completed: n, failed: 0 });
        const o = await outputs(b);
        assertExactlyOnce(rows.map((r) => r.custom_id), o);
        for (const l of o.out) assert.equal(l.response!.body.model, `kill-${l.custom_id.slice(2)}`);
        const models = new Set(up.requests.map((r) => r.body?.model));
        assert.equal(models.size, n, 'every line reached the backend');
      } finally {
        up.setDefault({ delayMs: 30 });
      }
    });

    if (backend.secondServer) {
      test('any gateway instance answers for a batch (state in the shared store)', async () => {
        const input = await upload(jsonl([{ custom_id: 's-1', method: 'POST', url: '/v1/chat/completions', body: { model: 'shared', messages: [] } }]));
        const created = await client().batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
        const done = await finished(created.id);
        const two = await backend.secondServer!();
        const other = new OpenAI({ baseURL: two.baseURL, apiKey: 'key-a', maxRetries: 0 });
        assert.deepEqual(await other.batches.retrieve(created.id), done);
        const text = await (await other.files.content(done.output_file_id!)).text();
        assert.equal(parseJsonl(text)[0]!.custom_id, 's-1');
      });
    }
  });
}

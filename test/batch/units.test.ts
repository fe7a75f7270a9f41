/**
 * The batch module's parts on their own: the JSONL reader, line validation, chunk planning, retry
 * timing and the in-process queue.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readJsonlLines, type JsonlLine } from '../../src/batch/jsonl.js';
import { InputValidator, MAX_REPORTED_ERRORS, validateLine } from '../../src/batch/validate.js';
import { planChunks } from '../../src/batch/service.js';
import { backoffMs, isRetryableStatus, retryAfterMs, retryDelayMs } from '../../src/batch/retry.js';
import { statusOf, toBatchObject, type BatchRecord } from '../../src/batch/model.js';
import { parseResultKey, batchKeys } from '../../src/batch/keys.js';
import { createMemoryQueue } from '../../adapters/node/queue-memory.js';
import { RequeueJob, type QueueJob } from '../../src/ports/queue.js';

function streamOf(...chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(typeof x === 'string' ? enc.encode(x) : x);
      c.close();
    },
  });
}

async function lines(s: ReadableStream<Uint8Array>, max = 1000): Promise<JsonlLine[]> {
  const out: JsonlLine[] = [];
  for await (const l of readJsonlLines(s, max)) out.push(l);
  return out;
}

describe('readJsonlLines', () => {
  test('splits across chunk boundaries, keeps line numbers, handles CRLF, a BOM and a last line without newline', async () => {
    const got = await lines(streamOf('\uFEFF{"a"', ':1}\r\n\n{"b":2}\n{"c"', ':3}'));
    assert.deepEqual(
      got.map((l) => [l.number, l.text]),
      [
        [1, '{"a":1}'],
        [2, ''],
        [3, '{"b":2}'],
        [4, '{"c":3}'],
      ],
    );
  });

  test('a line over the limit is reported, not buffered; invalid UTF-8 is reported; the next lines are read', async () => {
    const got = await lines(streamOf('x'.repeat(30), 'y'.repeat(30), '\n', new Uint8Array([0xff, 0xfe, 10]), '{"ok":1}\n'), 40);
    assert.equal(got[0]!.problem, 'too_long');
    assert.equal(got[0]!.bytes, 60);
    assert.equal(got[0]!.text, null);
    assert.equal(got[1]!.problem, 'invalid_utf8');
    assert.deepEqual([got[2]!.number, got[2]!.text], [3, '{"ok":1}']);
    assert.equal(got.length, 3);
  });

  test('an empty file has no lines; a trailing newline adds none', async () => {
    assert.equal((await lines(streamOf(''))).length, 0);
    assert.equal((await lines(streamOf('{}\n'))).length, 1);
  });
});

describe('line validation', () => {
  const line = (text: string, number = 1): JsonlLine => ({ number, text, bytes: text.length });
  const chat = (o: object) => JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { messages: [] }, ...o });

  test('a good line passes and keeps its fields', () => {
    const r = validateLine(line(chat({})), '/v1/chat/completions', 1000);
    assert.ok(r.ok);
    assert.equal(r.line.custom_id, 'a');
  });

  test('each problem has its code, parameter and line number', () => {
    const cases: Array<[string, string, string | null]> = [
      ['nope', 'invalid_json_line', null],
      ['"string"', 'invalid_json_line', null],
      [chat({ custom_id: '' }), 'missing_required_parameter', 'custom_id'],
      [chat({ custom_id: 'x'.repeat(513) }), 'invalid_value', 'custom_id'],
      [chat({ method: 'PUT' }), 'invalid_value', 'method'],
      [chat({ url: '/v1/responses' }), 'mismatched_endpoint', 'url'],
      [chat({ url: '/v1/chat/completions?x=1' }), 'mismatched_endpoint', 'url'],
      [chat({ body: [] }), 'missing_required_parameter', 'body'],
      [chat({ body: { messages: 'hi' } }), 'missing_required_parameter', 'body.messages'],
      [chat({ body: { messages: [], stream: true } }), 'invalid_value', 'body.stream'],
    ];
    for (const [text, code, param] of cases) {
      const r = validateLine(line(text, 42), '/v1/chat/completions', 1000);
      assert.ok(!r.ok, text);
      assert.deepEqual([r.error.code, r.error.param, r.error.line], [code, param, 42], text);
      assert.match(r.error.message, /^Line 42: /);
    }
  });

  test('/v1/parse lines: the parse request is checked, ?format=markdown|json allowed', () => {
    const parse = (o: object) => JSON.stringify({ custom_id: 'p', method: 'POST', url: '/v1/parse', body: { file_id: 'file-1' }, ...o });
    assert.ok(validateLine(line(parse({})), '/v1/parse', 1000).ok);
    assert.ok(validateLine(line(parse({ url: '/v1/parse?format=markdown' })), '/v1/parse', 1000).ok);
    const both = validateLine(line(parse({ body: { file_id: 'file-1', url: 'https://x/y.pdf' } })), '/v1/parse', 1000);
    assert.ok(!both.ok && both.error.param === 'body');
    const fmt = validateLine(line(parse({ url: '/v1/parse?format=html' })), '/v1/parse', 1000);
    assert.ok(!fmt.ok && fmt.error.code === 'mismatched_endpoint');
  });

  test('the file validator finds duplicates, counts requests, caps the error list and the request count', () => {
    const v = new InputValidator('/v1/chat/completions', 1000, 1000);
    v.add(line(chat({ custom_id: 'a', body: { model: 'm1', messages: [] } }), 1));
    v.add(line('   ', 2));
    v.add(line(chat({ custom_id: 'a' }), 3));
    assert.equal(v.total, 2);
    assert.equal(v.model, 'm1');
    assert.deepEqual(v.errors.map((e) => [e.line, e.code]), [[3, 'duplicate_custom_id']]);

    const many = new InputValidator('/v1/chat/completions', 1000, 1000);
    for (let i = 1; i <= MAX_REPORTED_ERRORS + 7; i++) many.add(line('x', i));
    assert.equal(many.errors.length, MAX_REPORTED_ERRORS);
    assert.match(many.errors.at(-1)!.message, /and 7 more errors/);

    const capped = new InputValidator('/v1/chat/completions', 1000, 2);
    for (let i = 1; i <= 4; i++) capped.add(line(chat({ custom_id: `c${i}` }), i));
    assert.deepEqual(capped.errors.map((e) => [e.line, e.code]), [[3, 'too_many_requests']]);
  });
});

describe('chunk planning', () => {
  test('about eight chunks per lane, covering every request once, in order', () => {
    const { chunks, lanes } = planChunks(new Array(1000).fill(100), 16);
    assert.equal(lanes, 16);
    assert.equal(chunks[0], 0);
    assert.equal(chunks.length, 125); // 8 requests per chunk
    for (let i = 1; i < chunks.length; i++) assert.ok(chunks[i]! > chunks[i - 1]!);
  });

  test('fewer requests than lanes: one request per chunk, as many lanes as requests', () => {
    assert.deepEqual(planChunks([5, 5, 5], 16), { chunks: [0, 1, 2], lanes: 3 });
  });

  test('big lines get chunks of their own (bounded bytes per chunk)', () => {
    const sizes = [5 * 1024 * 1024, 5 * 1024 * 1024, ...new Array(398).fill(10)];
    assert.deepEqual(planChunks(sizes, 1).chunks, [0, 1, 51, 101, 151, 201, 251, 301, 351]);
  });
});

describe('retry timing', () => {
  const policy = { maxAttempts: 5, baseMs: 1000, maxMs: 8000 };

  test('429, 408 and 5xx are retried; other 4xx and 501 are not', () => {
    for (const s of [408, 429, 500, 502, 503, 504]) assert.ok(isRetryableStatus(s), String(s));
    for (const s of [200, 400, 401, 404, 413, 422, 501]) assert.ok(!isRetryableStatus(s), String(s));
  });

  test('backoff doubles, is capped, and its jitter stays within [d/2, d]', () => {
    assert.equal(backoffMs(1, policy, () => 0), 500);
    assert.equal(backoffMs(1, policy, () => 1), 1000);
    assert.equal(backoffMs(3, policy, () => 1), 4000);
    assert.equal(backoffMs(10, policy, () => 1), 8000);
    for (let i = 0; i < 100; i++) {
      const d = backoffMs(2, policy);
      assert.ok(d >= 1000 && d <= 2000, String(d));
    }
  });

  test('retry-after: seconds, HTTP date, retry-after-ms; honoured even above the backoff cap, never shortened', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    assert.equal(retryAfterMs(h({ 'retry-after': '7' })), 7000);
    assert.equal(retryAfterMs(h({ 'retry-after-ms': '250', 'retry-after': '7' })), 250);
    assert.equal(retryAfterMs(h({ 'retry-after': new Date(60_000).toUTCString() }), 0), 60_000);
    assert.equal(retryAfterMs(h({ 'retry-after': 'soon' })), null);
    assert.equal(retryAfterMs(h({})), null);
    assert.equal(retryDelayMs(1, 30_000, policy, () => 0), 30_000);
    assert.ok(retryDelayMs(1, 30_000, policy, () => 1) <= 31_000);
    assert.equal(retryDelayMs(2, null, policy, () => 1), 2000);
  });
});

describe('batch object', () => {
  const rec: BatchRecord = {
    v: 1, id: 'batch_x', owner: null, endpoint: '/v1/chat/completions', input_file_id: 'file-x', completion_window: '24h',
    created_at: 100, expires_at: 86500, metadata: null, output_expires_after: null,
  };
  test('status follows the facts: final beats cancel beats finalizing beats validated', () => {
    const none = { validated: null, cancel: null, finalizing: null, final: null };
    const validated = { in_progress_at: 101, total: 3, chunks: [0], lanes: 1, model: null };
    assert.equal(statusOf(none), 'validating');
    assert.equal(statusOf({ ...none, validated }), 'in_progress');
    assert.equal(statusOf({ ...none, validated, finalizing: { finalizing_at: 102, files: [] } }), 'finalizing');
    assert.equal(statusOf({ ...none, validated, cancel: { cancelling_at: 102 }, finalizing: { finalizing_at: 102, files: [] } }), 'cancelling');
    const final = { status: 'cancelled' as const, at: 103, output_file_id: null, error_file_id: 'file-e', request_counts: { total: 3, completed: 1, failed: 2 }, errors: null, usage: null };
    const o = toBatchObject(rec, { ...none, validated, cancel: { cancelling_at: 102 }, final }, null);
    assert.equal(o.status, 'cancelled');
    assert.equal(o.cancelled_at, 103);
    assert.equal(o.completed_at, null);
    assert.deepEqual(o.request_counts, { total: 3, completed: 1, failed: 2 });
    const live = toBatchObject(rec, { ...none, validated }, { completed: 2, failed: 0 });
    assert.deepEqual(live.request_counts, { total: 3, completed: 2, failed: 0 });
  });

  test('result keys carry the request index and outcome', () => {
    assert.deepEqual(parseResultKey(batchKeys.result('ns', 'batch_x', 3, 1234, true)), { index: 1234, ok: true });
    assert.deepEqual(parseResultKey(batchKeys.result('ns', 'batch_x', 3, 7, false)), { index: 7, ok: false });
    assert.equal(parseResultKey('batches/ns/work/batch_x/input/000001.jsonl'), null);
  });
});

describe('in-process queue', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  test('a job id is not queued twice while pending; it can be used again once done', async () => {
    const q = createMemoryQueue();
    const ran: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = q.consume(async (j) => {
      ran.push(j.id);
      await gate;
    }, { concurrency: 2 });
    await q.add('x', {}, { id: 'a' });
    await q.add('x', {}, { id: 'a' });
    await sleep(10);
    await q.add('x', {}, { id: 'a' }); // running: still deduplicated
    release();
    await sleep(10);
    await q.add('x', {}, { id: 'a' });
    await sleep(10);
    assert.deepEqual(ran, ['a', 'a']);
    await c.close();
    await q.close();
  });

  test('a failing job is retried with backoff up to its attempts, then dropped and reported', async () => {
    const failed: string[] = [];
    const q = createMemoryQueue({ backoffMs: () => 5, onFailed: (j) => failed.push(j.id) });
    const attempts: number[] = [];
    const c = q.consume(async (j: QueueJob) => {
      attempts.push(j.attempt);
      throw new Error('boom');
    }, { concurrency: 1 });
    await q.add('x', { v: 1 }, { id: 'f', attempts: 3 });
    await sleep(100);
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.deepEqual(failed, ['f']);
    assert.equal(q.size, 0);
    await c.close();
    await q.close();
  });

  test('delayed jobs wait; concurrency is respected; RequeueJob does not count as an attempt', async () => {
    const q = createMemoryQueue({ backoffMs: () => 5 });
    let running = 0;
    let peak = 0;
    const order: string[] = [];
    let requeued = false;
    const seen: number[] = [];
    const c = q.consume(async (j) => {
      running++;
      peak = Math.max(peak, running);
      order.push(j.id);
      if (j.id === 'r') {
        seen.push(j.attempt);
        if (!requeued) {
          requeued = true;
          running--;
          throw new RequeueJob();
        }
      }
      await sleep(20);
      running--;
    }, { concurrency: 2 });
    await q.add('x', {}, { id: 'late', delayMs: 80 });
    for (const id of ['a', 'b', 'c', 'r']) await q.add('x', {}, { id });
    await sleep(400);
    assert.equal(peak, 2);
    assert.ok(order.indexOf('late') > order.indexOf('c'), order.join());
    assert.deepEqual(seen, [1, 1]);
    await c.close();
    await q.close();
  });

  test('locks: one holder at a time, free again once released', async () => {
    const q = createMemoryQueue();
    const a = await q.tryLock('k', 1000);
    assert.ok(a);
    assert.equal(await q.tryLock('k', 1000), null);
    await a.release();
    assert.ok(await q.tryLock('k', 1000));
    await q.close();
  });
});

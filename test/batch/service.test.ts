/**
 * The batch service in this process with a clock the test moves: expiry after the completion window
 * (partial results kept, the rest reported as batch_expired), a cancel that arrives before validation,
 * and a finalization that starts over. Real parts: local-disk store, Files store, in-process queue, the
 * gateway's own forwarding to the fake backend.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBatchModule, type BatchModule } from '../../src/batch/index.js';
import { batchKeys } from '../../src/batch/keys.js';
import { loadConfig } from '../../src/config.js';
import { createFilesModule, type FilesModule } from '../../src/files/index.js';
import { createGateway } from '../../src/server/app.js';
import type { Gateway } from '../../src/server/gateway.js';
import { silentLogger } from '../../src/server/logger.js';
import { ownerNamespace } from '../../src/storage/keys.js';
import { createLocalBlobStore } from '../../adapters/node/storage-local.js';
import { createMemoryQueue, type MemoryQueue } from '../../adapters/node/queue-memory.js';
import { createNodeRuntime } from '../../adapters/node/runtime.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startS3rver } from '../helpers/s3rver.js';
import { createS3BlobStore } from '../../adapters/node/storage-s3.js';
import { tempDir, until } from './harness.js';

let up: FakeUpstream;
let dir: ReturnType<typeof tempDir>;
let files: FilesModule;
let gw: Gateway;
let clock = Date.now();
const now = () => clock;

before(async () => {
  up = await startFakeUpstream();
  dir = tempDir('docinline-batch-svc-');
  const config = loadConfig({ DOCINLINE_UPSTREAM_URL: up.url, DOCINLINE_BATCH_CONCURRENCY: '2', DOCINLINE_LOG_LEVEL: 'silent' });
  files = createFilesModule({ blobs: createLocalBlobStore(dir.path), config });
  gw = createGateway({ config, runtime: createNodeRuntime({ ocrDefaults: false }), files, logger: silentLogger });
});
after(async () => {
  await up?.close();
  dir?.remove();
});

function setup(): { mod: BatchModule; queue: MemoryQueue } {
  const queue = createMemoryQueue({ backoffMs: () => 20 });
  const config = loadConfig({ DOCINLINE_UPSTREAM_URL: up.url, DOCINLINE_BATCH_CONCURRENCY: '2', DOCINLINE_LOG_LEVEL: 'silent' });
  const mod = createBatchModule({ blobs: files.store.blobs, files: files.store, queue, config, logger: silentLogger, now });
  return { mod, queue };
}

async function input(n: number, prefix: string): Promise<string> {
  const text = Array.from({ length: n }, (_, i) => JSON.stringify({ custom_id: `${prefix}-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [] } })).join('\n');
  return (await files.store.create(null, { filename: 'in.jsonl', purpose: 'batch', body: text })).id;
}

/** Polls the batch until its status is `status` and returns it then (`until` throws after `timeoutMs`). */
function untilStatus(mod: BatchModule, owner: string | null, id: string, status: string, timeoutMs: number, what = status) {
  return until(async () => {
    const x = await mod.service.get(owner, id);
    return x.status === status ? x : null;
  }, timeoutMs, what);
}

async function lines(id: string | null): Promise<Array<{ custom_id: string; response: { status_code: number } | null; error: { code: string } | null }>> {
  if (!id) return [];
  const f = await files.store.read(null, id);
  return new TextDecoder().decode(f!.bytes).split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('batch service', () => {
  test('expiry: past the completion window the batch stops, keeps what finished and reports the rest as batch_expired', async () => {
    up.reset();
    up.setDefault({ delayMs: 100 });
    const { mod, queue } = setup();
    const worker = mod.service.startWorker(gw, 4);
    try {
      const n = 40;
      const b = await mod.service.create(null, { input_file_id: await input(n, 'e'), endpoint: '/v1/chat/completions', completion_window: '24h', metadata: null, output_expires_after: null });
      await until(async () => ((await mod.service.get(null, b.id)).request_counts.completed >= 4 ? true : null), 20_000, '4 results');
      clock += 24 * 3600_000 + 1000;
      const done = await untilStatus(mod, null, b.id, 'expired', 20_000);
      assert.ok(done.expired_at! >= done.expires_at);
      const out = await lines(done.output_file_id);
      const err = await lines(done.error_file_id);
      assert.ok(out.length >= 4 && out.length < n, `${out.length} finished in time`);
      assert.deepEqual(done.request_counts, { total: n, completed: out.length, failed: n - out.length });
      assert.ok(err.every((l) => l.response === null && l.error!.code === 'batch_expired'));
      const ids = [...out, ...err].map((l) => l.custom_id).sort();
      assert.deepEqual(ids, Array.from({ length: n }, (_, i) => `e-${i}`).sort());
      // Work files are gone once the batch is final; the record and its facts stay.
      const ns = await ownerNamespace(null);
      const left = [];
      for await (const k of files.store.blobs.list(batchKeys.workPrefix(ns, b.id))) left.push(k);
      assert.deepEqual(left, []);
      assert.equal(await files.store.blobs.head(batchKeys.active(ns, b.id)), null);
    } finally {
      await worker.close();
      await queue.close();
      up.setDefault({});
    }
  });

  test('a cancel before validation ends the batch as cancelled without sending anything', async () => {
    up.reset();
    const { mod, queue } = setup();
    try {
      const b = await mod.service.create(null, { input_file_id: await input(5, 'v'), endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { a: 'b' }, output_expires_after: null });
      const c = await mod.service.cancel(null, b.id);
      assert.equal(c.status, 'cancelling');
      const worker = mod.service.startWorker(gw, 4);
      const done = await untilStatus(mod, null, b.id, 'cancelled', 20_000);
      await worker.close();
      assert.deepEqual(done.request_counts, { total: 0, completed: 0, failed: 0 });
      assert.deepEqual(done.metadata, { a: 'b' });
      assert.equal(up.requests.length, 0);
    } finally {
      await queue.close();
    }
  });

  test('a chunk claimed by a process that died before queueing it is swept up: nothing lost, nothing twice', async () => {
    up.reset();
    up.setDefault({ delayMs: 5 });
    const { mod, queue } = setup();
    // The process "dies" right after claiming chunk 5: its job never reaches the queue, and the job that
    // claimed it fails, so the queue runs that one again (as BullMQ does with a dead worker's job).
    let dropped = 0;
    const add = queue.add.bind(queue);
    queue.add = async (name, data, opts) => {
      if (name === 'chunk' && data.chunk === 5 && !data.sweep && !dropped) {
        dropped++;
        throw new Error('died between claiming chunk 5 and queueing it');
      }
      return add(name, data, opts);
    };
    const worker = mod.service.startWorker(gw, 4);
    try {
      const n = 40; // 2 lanes, 20 chunks of 2
      const b = await mod.service.create(null, { input_file_id: await input(n, 's'), endpoint: '/v1/chat/completions', completion_window: '24h', metadata: null, output_expires_after: null });
      const done = await untilStatus(mod, null, b.id, 'completed', 20_000);
      assert.equal(dropped, 1, 'the fault was injected');
      assert.deepEqual(done.request_counts, { total: n, completed: n, failed: 0 });
      const ids = (await lines(done.output_file_id)).map((l) => l.custom_id).sort();
      assert.deepEqual(ids, Array.from({ length: n }, (_, i) => `s-${i}`).sort());
    } finally {
      await worker.close();
      await queue.close();
      up.setDefault({});
    }
  });

  test('shutdown: requests in flight finish and are kept, nothing new starts, the next worker goes on', async () => {
    up.reset();
    up.setDefault({ delayMs: 400 });
    const { mod, queue } = setup();
    try {
      const n = 12;
      let worker = mod.service.startWorker(gw, 4);
      const b = await mod.service.create(null, { input_file_id: await input(n, 'g'), endpoint: '/v1/chat/completions', completion_window: '24h', metadata: null, output_expires_after: null });
      await up.waitForRequests(2, 10_000); // both lanes have a request at the backend
      const inFlight = [...up.requests];
      await worker.close();
      assert.deepEqual(await Promise.all(inFlight.map((r) => r.closed)), inFlight.map(() => 'finished'), 'not cut off');
      const after = await mod.service.get(null, b.id);
      assert.equal(after.status, 'in_progress');
      assert.equal(after.request_counts.completed, inFlight.length, 'their results were stored');
      const sent = up.requests.length;
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(up.requests.length, sent, 'nothing new was started after the shutdown began');
      worker = mod.service.startWorker(gw, 4);
      const done = await untilStatus(mod, null, b.id, 'completed', 30_000);
      await worker.close();
      assert.deepEqual(done.request_counts, { total: n, completed: n, failed: 0 });
      assert.equal(up.requests.length, n, 'no request was sent twice');
    } finally {
      await queue.close();
      up.setDefault({});
    }
  });

  test('a finalization that died after writing a file starts over and deletes that file', async () => {
    up.reset();
    const { mod, queue } = setup();
    const worker = mod.service.startWorker(gw, 4);
    try {
      // A batch_output file left by an earlier finalization attempt that never wrote final.json.
      const stale = await files.store.create(null, { filename: 'stale.jsonl', purpose: 'batch_output', body: 'x\n' });
      const b = await mod.service.create(null, { input_file_id: await input(3, 'f'), endpoint: '/v1/chat/completions', completion_window: '24h', metadata: null, output_expires_after: { anchor: 'created_at', seconds: 7200 } });
      const ns = await ownerNamespace(null);
      await files.store.blobs.put(batchKeys.state(ns, b.id, 'finalizing'), JSON.stringify({ finalizing_at: 1, files: [stale.id] }));
      const done = await untilStatus(mod, null, b.id, 'completed', 20_000);
      assert.equal(await files.store.get(null, stale.id), null, 'the earlier attempt\'s file is deleted');
      assert.equal((await lines(done.output_file_id)).length, 3);
      const rec = await files.store.get(null, done.output_file_id!);
      assert.equal(rec!.purpose, 'batch_output');
      // (the expiry is computed just before the upload stamps created_at: a second boundary may fall between)
      assert.ok(Math.abs(rec!.expires_at! - (rec!.created_at + 7200)) <= 1, 'output_expires_after applies to the output file');
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  test('on S3-compatible storage (s3rver): state, results and files in the bucket, every custom_id once', async () => {
    up.reset();
    up.setDefault({ delayMs: 10 });
    up.enqueue({ status: 500 }, { status: 429, headers: { 'retry-after-ms': '100' } });
    const s3 = await startS3rver();
    const queue = createMemoryQueue({ backoffMs: () => 20 });
    try {
      const config = loadConfig({ DOCINLINE_UPSTREAM_URL: up.url, DOCINLINE_BATCH_CONCURRENCY: '4', DOCINLINE_BATCH_RETRY_BASE_MS: '20', DOCINLINE_LOG_LEVEL: 'silent' });
      const blobs = createS3BlobStore(s3.options);
      const s3files = createFilesModule({ blobs, config });
      const s3gw = createGateway({ config, runtime: createNodeRuntime({ ocrDefaults: false }), files: s3files, logger: silentLogger });
      const mod = createBatchModule({ blobs, files: s3files.store, queue, config, logger: silentLogger });
      const worker = mod.service.startWorker(s3gw, 8);
      const n = 30;
      const text = Array.from({ length: n }, (_, i) => JSON.stringify({ custom_id: `s3-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: `s3m-${i}`, messages: [] } })).join('\n');
      const inputId = (await s3files.store.create('key_owner1', { filename: 'in.jsonl', purpose: 'batch', body: text })).id;
      const b = await mod.service.create('key_owner1', { input_file_id: inputId, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: null, output_expires_after: null });
      await assert.rejects(mod.service.get('key_other', b.id), /No such Batch/);
      const done = await untilStatus(mod, 'key_owner1', b.id, 'completed', 30_000, 'completed on S3');
      await worker.close();
      assert.deepEqual(done.request_counts, { total: n, completed: n, failed: 0 });
      const out = new TextDecoder().decode((await s3files.store.read('key_owner1', done.output_file_id!))!.bytes).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      assert.deepEqual(out.map((l) => l.custom_id).sort(), Array.from({ length: n }, (_, i) => `s3-${i}`).sort());
      for (const l of out) assert.equal(l.response.body.model, `s3m-${l.custom_id.slice(3)}`);
      const ns = await ownerNamespace('key_owner1');
      const left = [];
      for await (const k of blobs.list(batchKeys.workPrefix(ns, b.id))) left.push(k);
      assert.deepEqual(left, [], 'work objects deleted from the bucket');
      assert.equal((await mod.service.list('key_owner1', { limit: 10 })).data[0]!.id, b.id);
    } finally {
      await queue.close();
      await s3.close();
      up.setDefault({});
    }
  });
});

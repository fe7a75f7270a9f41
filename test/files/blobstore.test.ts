import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { BlobStore } from '../../src/ports/storage.js';
import { DocinlineError } from '../../src/errors.js';
import { LocalBlobStore } from '../../adapters/node/storage-local.js';
import { S3BlobStore } from '../../adapters/node/storage-s3.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';

const MiB = 1024 * 1024;

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

/** Streams `data` in chunks; optionally fails or stalls after `failAfter` bytes. */
function streamOf(data: Uint8Array, opts: { chunk?: number; failAfter?: number; error?: Error } = {}): ReadableStream<Uint8Array> {
  const chunk = opts.chunk ?? 64 * 1024;
  let off = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (opts.failAfter !== undefined && off >= opts.failAfter) return c.error(opts.error ?? new Error('source broke'));
      if (off >= data.length) return c.close();
      c.enqueue(data.slice(off, off + chunk));
      off += chunk;
    },
  });
}

async function bytesOf(store: BlobStore, key: string): Promise<Uint8Array | null> {
  const obj = await store.get(key);
  if (!obj) return null;
  return new Uint8Array(await new Response(obj.body).arrayBuffer());
}

async function keys(store: BlobStore, prefix = '', startAfter?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.list(prefix, { startAfter })) out.push(k);
  return out;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Kind {
  name: string;
  /** Whether the backend lists in exact byte order (s3rver does not, see the list test). */
  exactOrder: boolean;
  make(): BlobStore;
  /** What the backend holds outside the keys (temp files, raw objects), to prove nothing leaked. */
  leftovers(): Promise<string[]>;
}

function contract(kind: () => Kind) {
  test('put/get/head/delete round trip for strings, bytes and streams', async () => {
    const s = kind().make();
    await s.put('t/a.json', '{"x":1}', { contentType: 'application/json' });
    const data = randomBytes(300_000);
    await s.put('t/b', data);
    const head = await s.put('t/c', streamOf(data, { chunk: 7777 }), { meta: { who: 'me' } });
    assert.equal(head.size, data.length);
    assert.equal(new TextDecoder().decode((await bytesOf(s, 't/a.json'))!), '{"x":1}');
    assert.equal(sha((await bytesOf(s, 't/b'))!), sha(data));
    assert.equal(sha((await bytesOf(s, 't/c'))!), sha(data));
    assert.equal((await s.head('t/c'))!.size, data.length);
    assert.equal((await s.head('t/c'))!.meta?.who, 'me');
    assert.equal(await s.head('t/missing'), null);
    assert.equal(await s.get('t/missing'), null);
    await s.put('t/empty', new Uint8Array(0));
    assert.equal((await bytesOf(s, 't/empty'))!.length, 0);
    await s.delete('t/b');
    await s.delete('t/b'); // idempotent
    assert.equal(await s.get('t/b'), null);
    await s.put('t/a.json', 'replaced');
    assert.equal(new TextDecoder().decode((await bytesOf(s, 't/a.json'))!), 'replaced');
  });

  test('list is lexicographic, honours partial prefixes and startAfter', async () => {
    const k = kind();
    const s = k.make();
    for (const k of ['l/b', 'l/a0', 'l/a/c', 'l/a-b', 'l/a/b', 'm/x', 'l2']) await s.put(k, k);
    // s3rver lists a folder's keys before a sibling that sorts ahead of '/' ('l/a-b'); real S3 (and
    // the disk store) use plain byte order. Our own keys never depend on that case.
    const order = (ks: string[]) => (k.exactOrder ? ks : [...ks].sort());
    assert.deepEqual(order(await keys(s, 'l/')), ['l/a-b', 'l/a/b', 'l/a/c', 'l/a0', 'l/b']);
    assert.deepEqual(order(await keys(s, 'l/a')), ['l/a-b', 'l/a/b', 'l/a/c', 'l/a0']);
    assert.deepEqual(await keys(s, 'l/a/'), ['l/a/b', 'l/a/c']);
    assert.deepEqual(await keys(s, 'l/', 'l/a/b'), ['l/a/c', 'l/a0', 'l/b']);
    assert.deepEqual(await keys(s, 'l/', 'l/a/'), ['l/a/b', 'l/a/c', 'l/a0', 'l/b']);
    assert.deepEqual(await keys(s, 'nothing/'), []);
    assert.deepEqual(order(await keys(s, 'l')), ['l/a-b', 'l/a/b', 'l/a/c', 'l/a0', 'l/b', 'l2']);
    // fixed-width keys like ours list in order everywhere
    for (const k2 of ['o/0003', 'o/0001', 'o/0002']) await s.put(k2, k2);
    assert.deepEqual(await keys(s, 'o/'), ['o/0001', 'o/0002', 'o/0003']);
    assert.deepEqual(await keys(s, 'o/', 'o/0001'), ['o/0002', 'o/0003']);
  });

  test('a stream larger than maxBytes fails with file_too_large and leaves nothing', async () => {
    const k = kind();
    const s = k.make();
    const data = randomBytes(2 * MiB);
    await assert.rejects(s.put('big/x', streamOf(data), { maxBytes: MiB }), (e: unknown) => {
      assert.ok(e instanceof DocinlineError);
      assert.equal(e.code, 'file_too_large');
      assert.equal(e.status, 413);
      return true;
    });
    await assert.rejects(s.put('big/y', data, { maxBytes: MiB }), /larger than the limit/);
    assert.equal(await s.head('big/x'), null);
    assert.deepEqual(await keys(s, 'big/'), []);
    assert.deepEqual(await k.leftovers(), []);
  });

  test('a source that fails mid-stream, or an abort, leaves nothing', async () => {
    const k = kind();
    const s = k.make();
    const data = randomBytes(MiB);
    await assert.rejects(s.put('broken/x', streamOf(data, { failAfter: 512 * 1024, error: new Error('client went away') })), /client went away/);
    const ac = new AbortController();
    const stalled = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(data.subarray(0, 100_000));
        setTimeout(() => ac.abort(), 50);
      },
    });
    await assert.rejects(s.put('broken/y', stalled, { signal: ac.signal }), (e: unknown) => e instanceof DocinlineError && e.code === 'aborted');
    assert.deepEqual(await keys(s, 'broken/'), []);
    assert.deepEqual(await k.leftovers(), []);
  });

  test('keys that could escape or hide are refused', async () => {
    const s = kind().make();
    for (const bad of ['../x', 'a/../b', '/abs', 'a//b', '.hidden', 'a/.tmp/x', '', 'a\\b', 'a/b/', 'a/./b', 'a b', 'é']) {
      await assert.rejects(s.put(bad, 'x'), /invalid storage key/, bad);
      await assert.rejects(s.get(bad), /invalid storage key/, bad);
      await assert.rejects(s.delete(bad), /invalid storage key/, bad);
    }
    await assert.rejects(keys(s, '../'), /invalid storage prefix/);
  });

  test('a second store instance on the same backing sees the same objects', async () => {
    const k = kind();
    await k.make().put('persist/one', 'still here');
    assert.equal(new TextDecoder().decode((await bytesOf(k.make(), 'persist/one'))!), 'still here');
  });
}

describe('local disk BlobStore', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'docinline-local-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  contract(() => ({
    name: 'local',
    exactOrder: true,
    make: () => new LocalBlobStore(dir),
    async leftovers() {
      const tmp = path.join(dir, '.tmp');
      return existsSync(tmp) ? readdirSync(tmp) : [];
    },
  }));

  test('keys map to files under the data directory only', async () => {
    const s = new LocalBlobStore(dir);
    await s.put('files/ns/blob/file-abc', 'x');
    assert.ok(existsSync(path.join(dir, 'files', 'ns', 'blob', 'file-abc')));
    // deleting the last key of a folder prunes the empty folders
    await s.put('deep/a/b/c/d', 'x');
    await s.delete('deep/a/b/c/d');
    assert.ok(!existsSync(path.join(dir, 'deep')));
  });

  test('storage failure is storage_unavailable (503)', async () => {
    const file = path.join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const s = new LocalBlobStore(file);
    await assert.rejects(s.put('a/b', 'x'), (e: unknown) => e instanceof DocinlineError && e.code === 'storage_unavailable' && e.status === 503);
  });
});

describe('S3 BlobStore against s3rver', () => {
  let s3: S3rverHandle;
  before(async () => {
    s3 = await startS3rver();
  });
  after(async () => {
    await s3?.close();
  });
  const make = () => new S3BlobStore({ ...s3.options, partSize: 5 * MiB });
  async function rawKeys(): Promise<string[]> {
    const r = await make().client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    return (r.Contents ?? []).map((o) => o.Key!);
  }
  contract(() => ({
    name: 's3',
    exactOrder: false,
    make,
    async leftovers() {
      // Objects under the store prefix whose key the test did not write: none expected for failed puts.
      return (await rawKeys()).filter((k) => /broken|big/.test(k));
    },
  }));

  test('multipart upload of a stream several parts long round-trips byte for byte', async () => {
    const s = make();
    const data = randomBytes(12 * MiB + 123);
    const head = await s.put('mp/big', streamOf(data, { chunk: 100_000 }), { maxBytes: 20 * MiB });
    assert.equal(head.size, data.length);
    const back = (await bytesOf(s, 'mp/big'))!;
    assert.equal(back.length, data.length);
    assert.equal(sha(back), sha(data));
    // stored under the prefix, and without aws-chunked framing (the checksum setting)
    assert.ok((await rawKeys()).includes('docinline/mp/big'));
  });

  test('a multipart upload over the limit is abandoned without creating an object', async () => {
    const s = make();
    await assert.rejects(s.put('mp/over', streamOf(randomBytes(12 * MiB)), { maxBytes: 7 * MiB }), /larger than the limit/);
    assert.equal(await s.head('mp/over'), null);
    assert.ok(!(await rawKeys()).some((k) => k.includes('mp/over')));
  });

  test('an unreachable endpoint is storage_unavailable (503)', async () => {
    const dead = new S3BlobStore({ ...s3.options, endpoint: 'http://127.0.0.1:9' });
    for (const op of [() => dead.put('x/y', 'z'), () => dead.get('x/y'), () => keys(dead, 'x/')]) {
      await assert.rejects(op(), (e: unknown) => e instanceof DocinlineError && e.code === 'storage_unavailable' && e.status === 503);
    }
  });
});

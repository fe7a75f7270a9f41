import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileStore } from '../../src/files/store.js';
import { createFileResolver } from '../../src/files/resolver.js';
import { fileKeys, newId, FILE_ID_PREFIX, ownerNamespace, idTime } from '../../src/storage/keys.js';
import { DocinlineError } from '../../src/errors.js';
import { LocalBlobStore } from '../../adapters/node/storage-local.js';
import { nodeSha256 } from '../../adapters/node/storage.js';
import type { BlobStore } from '../../src/ports/storage.js';

let dir: string;
let n = 0;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'docinline-store-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh store over a fresh directory, with a clock the test moves. */
function fresh(opts: { js?: boolean } = {}) {
  const blobs = new LocalBlobStore(path.join(dir, String(n++)));
  const clock = { now: Date.UTC(2030, 0, 1) };
  const store = new FileStore(blobs, { now: () => clock.now, sha256: opts.js ? undefined : nodeSha256 });
  return { blobs, clock, store };
}

async function allKeys(blobs: BlobStore, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for await (const k of blobs.list(prefix)) out.push(k);
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);

test('create, get, read: record fields and a SHA-256 that matches the bytes', async () => {
  for (const js of [false, true]) {
    const { store, clock } = fresh({ js });
    const body = text('%PDF-1.4 hello');
    const rec = await store.create('owner1', { filename: 'a.pdf', purpose: 'user_data', body, contentType: 'application/pdf' });
    assert.match(rec.id, /^file-[A-Za-z0-9]{24}$/);
    assert.equal(rec.bytes, body.length);
    assert.equal(rec.sha256, createHash('sha256').update(body).digest('hex'));
    assert.equal(rec.created_at, Math.floor(clock.now / 1000));
    assert.equal(rec.expires_at, null);
    assert.equal(rec.owner, 'owner1');
    assert.deepEqual(await store.get('owner1', rec.id), rec);
    const r = await store.read('owner1', rec.id);
    assert.deepEqual(r!.bytes, body);
    const resolver = createFileResolver(store);
    const viaResolver = await resolver.read(rec.id, 'owner1');
    assert.equal(viaResolver.sha256, rec.sha256);
    assert.equal(viaResolver.filename, 'a.pdf');
    assert.deepEqual(await resolver.stat(rec.id, 'owner1'), { filename: 'a.pdf', size: body.length, sha256: rec.sha256, contentType: 'application/pdf' });
  }
});

test('another owner cannot see, read, list or delete a file', async () => {
  const { store } = fresh();
  const rec = await store.create('alice', { filename: 'a.txt', purpose: 'user_data', body: 'secret' });
  for (const other of ['bob', null, 'Alice', 'alice/../alice', '../alice']) {
    assert.equal(await store.get(other, rec.id), null, String(other));
    assert.equal(await store.read(other, rec.id), null);
    assert.equal(await store.delete(other, rec.id), null);
    assert.deepEqual((await store.list(other, { limit: 100, order: 'desc' })).data, []);
  }
  const resolver = createFileResolver(store);
  await assert.rejects(resolver.read(rec.id, 'bob'), (e: unknown) => e instanceof DocinlineError && e.code === 'not_found' && e.status === 404);
  await assert.rejects(resolver.stat(rec.id, 'bob'), (e: unknown) => e instanceof DocinlineError && e.code === 'not_found');
  assert.ok(await store.get('alice', rec.id), 'still there for its owner');
});

test('owner namespaces cannot collide or escape', async () => {
  const seen = new Set<string>();
  for (const o of [null, 'abc', 'ABC', 'a/b', '../x', 'x'.repeat(200), 'h-0123', 'k-abc', '']) {
    const ns = await ownerNamespace(o);
    assert.match(ns, /^[A-Za-z0-9_-]+$/);
    assert.ok(!seen.has(ns), `collision for ${o}`);
    seen.add(ns);
  }
});

test('ids sort by creation time and carry it', () => {
  const a = newId(FILE_ID_PREFIX, 1_700_000_000_000);
  const b = newId(FILE_ID_PREFIX, 1_700_000_000_001);
  const c = newId(FILE_ID_PREFIX, 2_000_000_000_000);
  assert.ok(a < b && b < c);
  assert.equal(idTime(c, FILE_ID_PREFIX), 2_000_000_000_000);
  assert.equal(a.length, b.length);
});

test('unsafe ids are simply not found', async () => {
  const { store } = fresh();
  for (const id of ['../../etc/passwd', 'file-../x', 'file-a/b', 'file-', 'nofile', 'file-' + 'a'.repeat(100)]) {
    assert.equal(await store.get('o', id), null, id);
  }
});

test('list: newest first by default, pagination with after, purpose filter', async () => {
  const { store, clock } = fresh();
  const ids: string[] = [];
  for (let i = 0; i < 25; i++) {
    clock.now += 1000;
    const rec = await store.create('o', { filename: `f${i}.txt`, purpose: i % 3 === 0 ? 'batch' : 'user_data', body: `n${i}` });
    ids.push(rec.id);
  }
  const desc = [...ids].reverse();
  const page1 = await store.list('o', { limit: 10, order: 'desc' });
  assert.deepEqual(page1.data.map((r) => r.id), desc.slice(0, 10));
  assert.equal(page1.hasMore, true);
  const page2 = await store.list('o', { limit: 10, order: 'desc', after: page1.data.at(-1)!.id });
  assert.deepEqual(page2.data.map((r) => r.id), desc.slice(10, 20));
  const page3 = await store.list('o', { limit: 10, order: 'desc', after: page2.data.at(-1)!.id });
  assert.deepEqual(page3.data.map((r) => r.id), desc.slice(20));
  assert.equal(page3.hasMore, false);

  const asc = await store.list('o', { limit: 7, order: 'asc', after: ids[4] });
  assert.deepEqual(asc.data.map((r) => r.id), ids.slice(5, 12));
  assert.equal(asc.hasMore, true);

  const batch = await store.list('o', { limit: 100, order: 'asc', purpose: 'batch' });
  assert.deepEqual(batch.data.map((r) => r.id), ids.filter((_, i) => i % 3 === 0));
  const exact = await store.list('o', { limit: 9, order: 'asc', purpose: 'batch' });
  assert.equal(exact.data.length, 9);
  assert.equal(exact.hasMore, false);

  // a cursor whose file was deleted still pages correctly (ids carry the order)
  await store.delete('o', ids[10]!);
  const afterDeleted = await store.list('o', { limit: 3, order: 'asc', after: ids[10] });
  assert.deepEqual(afterDeleted.data.map((r) => r.id), ids.slice(11, 14));
});

test('expiry: expired files vanish from get, read and list, and their bytes are removed', async () => {
  const { store, clock, blobs } = fresh();
  const t0 = Math.floor(clock.now / 1000);
  const short = await store.create('o', { filename: 's.txt', purpose: 'user_data', body: 'short', expiresAt: t0 + 60 });
  const untouched = await store.create('o', { filename: 'u.txt', purpose: 'user_data', body: 'untouched', expiresAt: t0 + 60 });
  const long = await store.create('o', { filename: 'l.txt', purpose: 'user_data', body: 'long', expiresAt: t0 + 3600 });
  const forever = await store.create('o', { filename: 'f.txt', purpose: 'user_data', body: 'forever' });
  assert.equal(short.expires_at, t0 + 60);
  assert.equal((await store.list('o', { limit: 10, order: 'asc' })).data.length, 4);

  clock.now += 59_000;
  assert.ok(await store.get('o', short.id), 'not yet expired');
  clock.now += 1_000;
  assert.equal(await store.get('o', short.id), null, 'expired at expires_at');
  assert.equal(await store.read('o', short.id), null);
  // touching an expired file removes its bytes at once
  assert.equal(await blobs.head(fileKeys.blob(await ownerNamespace('o'), short.id)), null);
  // the sweeper removes what nobody touched (untouched.id), and its index entry
  const ns = await ownerNamespace('o');
  assert.ok(await blobs.head(fileKeys.blob(ns, untouched.id)), 'untouched bytes still there before the sweep');
  assert.equal(await store.sweepExpired(), 1);
  assert.equal(await blobs.head(fileKeys.blob(ns, untouched.id)), null);
  assert.equal(await blobs.head(fileKeys.meta(ns, untouched.id)), null);
  assert.deepEqual((await store.list('o', { limit: 10, order: 'asc' })).data.map((r) => r.id), [long.id, forever.id]);
  const expiryLeft = await allKeys(blobs, 'expiry/');
  assert.equal(expiryLeft.length, 1, 'only the long-lived file is still indexed');
  assert.match(expiryLeft[0]!, new RegExp(long.id));

  clock.now += 3600_000;
  assert.equal(await store.sweepExpired(), 1);
  assert.deepEqual((await allKeys(blobs)).sort(), [fileKeys.blob(ns, forever.id), fileKeys.meta(ns, forever.id)].sort());
});

test('delete removes record, bytes and expiry entry', async () => {
  const { store, blobs, clock } = fresh();
  const rec = await store.create('o', { filename: 'x', purpose: 'batch', body: 'x', expiresAt: Math.floor(clock.now / 1000) + 100 });
  assert.ok(await store.delete('o', rec.id));
  assert.deepEqual(await allKeys(blobs), []);
  assert.equal(await store.delete('o', rec.id), null);
});

test('a failed or discarded upload leaves nothing behind', async () => {
  const { store, blobs } = fresh();
  const up = await store.startUpload('o');
  await up.write('some bytes');
  assert.equal((await allKeys(blobs)).length, 1);
  await up.discard();
  assert.deepEqual(await allKeys(blobs), []);

  const up2 = await store.startUpload('o');
  await assert.rejects(up2.write(new Uint8Array(5000), { maxBytes: 1000 }), (e: unknown) => e instanceof DocinlineError && e.code === 'file_too_large');
  assert.deepEqual(await allKeys(blobs), []);
});

test('collectOrphans removes old uncommitted bytes only', async () => {
  const { store, blobs, clock } = fresh();
  const ns = await ownerNamespace('o');
  const kept = await store.create('o', { filename: 'k', purpose: 'user_data', body: 'kept' });
  const oldOrphan = newId(FILE_ID_PREFIX, clock.now - 7 * 3600_000);
  const youngOrphan = newId(FILE_ID_PREFIX, clock.now - 60_000);
  await blobs.put(fileKeys.blob(ns, oldOrphan), 'old');
  await blobs.put(fileKeys.blob(ns, youngOrphan), 'young');
  await blobs.put(fileKeys.blob(await ownerNamespace('other'), newId(FILE_ID_PREFIX, clock.now - 8 * 3600_000)), 'old2');
  assert.equal(await store.collectOrphans(6 * 3600_000), 2);
  assert.equal(await blobs.head(fileKeys.blob(ns, oldOrphan)), null);
  assert.ok(await blobs.head(fileKeys.blob(ns, youngOrphan)));
  assert.ok(await store.read('o', kept.id));
});

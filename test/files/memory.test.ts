import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startDocinline, type Docinline } from './harness.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';

/**
 * A 100 MB upload must stream through the server: its RSS (measured on the server process, a child)
 * may grow by less than 64 MB. The body is generated on the fly, so the test process stays small too,
 * and the stored file is downloaded and hashed to prove every byte arrived.
 */

const SIZE = 100_000_000;
const BUDGET = 64 * 1024 * 1024;
const BOUNDARY = 'docinlineMemoryTest';

/** Deterministic, incompressible-looking bytes (xorshift), produced chunk by chunk. */
function* payload(): Generator<Uint8Array> {
  let x = 0x9e3779b9;
  const chunk = 1 << 20;
  for (let sent = 0; sent < SIZE; sent += chunk) {
    const n = Math.min(chunk, SIZE - sent);
    const out = new Uint8Array(n);
    const words = new Uint32Array(out.buffer, 0, n >>> 2);
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    yield out;
  }
}

function expectedSha(): string {
  const h = createHash('sha256');
  for (const c of payload()) h.update(c);
  return h.digest('hex');
}

async function uploadStreaming(srv: Docinline, key: string): Promise<{ id: string; bytes: number }> {
  const enc = new TextEncoder();
  const parts = (function* () {
    yield enc.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nuser_data\r\n`);
    yield enc.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    yield* payload();
    yield enc.encode(`\r\n--${BOUNDARY}--\r\n`);
  })();
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      const r = parts.next();
      if (r.done) c.close();
      else c.enqueue(r.value);
    },
  });
  const res = await fetch(`${srv.baseURL}/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body,
    duplex: 'half',
  } as RequestInit);
  const json = (await res.json()) as { id: string; bytes: number };
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

async function measure(srv: Docinline, log: (msg: string) => void): Promise<void> {
  const key = 'mem-key';
  const client = new OpenAI({ apiKey: key, baseURL: srv.baseURL, maxRetries: 0 });
  // Warm up the code paths (and the store) with a small upload first.
  const warm = await client.files.create({ file: new File([new Uint8Array(2 << 20)], 'warm.bin'), purpose: 'user_data' });
  await client.files.delete(warm.id);
  await new Promise((r) => setTimeout(r, 300));
  const base = srv.rss();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, srv.rss());
  }, 10);
  let f: { id: string; bytes: number };
  try {
    f = await uploadStreaming(srv, key);
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, srv.rss());
  const growth = peak - base;
  log(`RSS before ${(base / 1048576).toFixed(1)} MiB, peak ${(peak / 1048576).toFixed(1)} MiB, growth ${(growth / 1048576).toFixed(1)} MiB`);
  assert.equal(f.bytes, SIZE);
  assert.ok(growth < BUDGET, `RSS grew by ${(growth / 1048576).toFixed(1)} MiB during a 100 MB upload (budget 64 MiB)`);

  // Every byte arrived: download and hash it as it streams.
  const res = await client.files.content(f.id);
  const h = createHash('sha256');
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) h.update(chunk);
  assert.equal(h.digest('hex'), expectedSha());
  await client.files.delete(f.id);
}

describe('100 MB upload memory', () => {
  test('local disk: RSS growth stays under 64 MB', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docinline-mem-'));
    let srv: Docinline | undefined;
    try {
      srv = await startDocinline({ DOCINLINE_DATA_DIR: dir, DOCINLINE_API_KEYS: 'mem-key' });
      await measure(srv, (m) => t.diagnostic(m));
    } finally {
      await srv?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('S3', () => {
    let s3: S3rverHandle;
    before(async () => {
      s3 = await startS3rver();
    });
    after(async () => {
      await s3?.close();
    });
    test('s3rver: RSS growth stays under 64 MB', async (t) => {
      const srv = await startDocinline({ ...s3.env, DOCINLINE_API_KEYS: 'mem-key' });
      try {
        await measure(srv, (m) => t.diagnostic(m));
      } finally {
        await srv.stop();
      }
    });
  });
});

/**
 * The parse cache on Workers: a small LRU inside the isolate in front of a shared store, Workers KV
 * when a namespace is bound, else the data centre's Cache API. Values are gzipped JSON (a document
 * model compresses ~8×). The shared store is best effort: the cached parser treats its errors as misses.
 */
import type { EdgeCache, KVNamespace } from './cf.js';
import { createMemoryParseCache } from '../../src/cache/index.js';
import type { ParseResult } from '../../src/model/options.js';
import type { KeyValueCache } from '../../src/ports/storage.js';

/** KV refuses values above 25 MiB; a result that large is cheaper to parse again than to store. */
const MAX_STORED_BYTES = 24 * 1024 * 1024;

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function gunzip(bytes: ArrayBuffer | ReadableStream<Uint8Array>): Promise<string> {
  const src = bytes instanceof ReadableStream ? bytes : new Blob([bytes]).stream();
  return new Response(src.pipeThrough(new DecompressionStream('gzip'))).text();
}

export class KvParseCache implements KeyValueCache<ParseResult> {
  constructor(
    private readonly kv: KVNamespace,
    private readonly ttlSeconds: number,
  ) {}

  async get(key: string): Promise<ParseResult | undefined> {
    const v = await this.kv.get(key, 'arrayBuffer');
    return v ? (JSON.parse(await gunzip(v)) as ParseResult) : undefined;
  }

  async set(key: string, value: ParseResult, opts?: { ttlSeconds?: number }): Promise<void> {
    const bytes = await gzip(JSON.stringify(value));
    if (bytes.byteLength > MAX_STORED_BYTES) return;
    await this.kv.put(key, bytes, { expirationTtl: Math.max(60, opts?.ttlSeconds ?? this.ttlSeconds) });
  }
}

/** The Cache API of the data centre the request runs in: no binding needed, not shared across colos. */
export class EdgeParseCache implements KeyValueCache<ParseResult> {
  constructor(
    private readonly cache: EdgeCache,
    private readonly ttlSeconds: number,
  ) {}

  private url(key: string): string {
    // The Cache API keys on URLs; this host is never fetched.
    return `https://parse-cache.docinline.invalid/${encodeURIComponent(key)}`;
  }

  async get(key: string): Promise<ParseResult | undefined> {
    const res = await this.cache.match(this.url(key));
    if (!res?.body) return undefined;
    return JSON.parse(await gunzip(res.body)) as ParseResult;
  }

  async set(key: string, value: ParseResult, opts?: { ttlSeconds?: number }): Promise<void> {
    const bytes = await gzip(JSON.stringify(value));
    if (bytes.byteLength > MAX_STORED_BYTES) return;
    const ttl = opts?.ttlSeconds ?? this.ttlSeconds;
    await this.cache.put(this.url(key), new Response(bytes, { headers: { 'cache-control': `max-age=${ttl}`, 'content-type': 'application/octet-stream' } }));
  }
}

/** Memory first, then the shared store; a shared hit is kept in memory for the next request. */
export class TieredParseCache implements KeyValueCache<ParseResult> {
  constructor(
    private readonly near: KeyValueCache<ParseResult>,
    private readonly far: KeyValueCache<ParseResult>,
  ) {}

  async get(key: string): Promise<ParseResult | undefined> {
    const hit = await this.near.get(key);
    if (hit) return hit;
    const far = await this.far.get(key);
    if (far) await this.near.set(key, far);
    return far;
  }

  async set(key: string, value: ParseResult, opts?: { ttlSeconds?: number }): Promise<void> {
    await this.near.set(key, value, opts);
    await this.far.set(key, value, opts);
  }
}

export function createWorkerParseCache(opts: { kv?: KVNamespace; entries: number; bytes: number; ttlSeconds: number }): KeyValueCache<ParseResult> {
  const edgeCache = (globalThis as { caches?: { default: EdgeCache } }).caches?.default;
  const near = createMemoryParseCache({ entries: opts.entries, bytes: opts.bytes });
  const far: KeyValueCache<ParseResult> | null = opts.kv
    ? new KvParseCache(opts.kv, opts.ttlSeconds)
    : edgeCache
      ? new EdgeParseCache(edgeCache, opts.ttlSeconds)
      : null;
  return far ? new TieredParseCache(near, far) : near;
}

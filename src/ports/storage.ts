/**
 * Storage the service needs from its runtime: a blob store (local disk, S3/R2/MinIO, Workers R2
 * binding) holding uploaded files, their metadata and batch state, and a key/value cache for parse
 * results. Keys are '/'-separated paths; implementations map them onto files or object keys.
 */

export interface BlobHead {
  key: string;
  size: number;
  contentType?: string;
  /** Small string metadata stored with the object. */
  meta?: Record<string, string>;
}

export interface BlobStore {
  /** Streams `body` into `key`. Enforces `maxBytes` while streaming and leaves nothing behind on failure. */
  put(
    key: string,
    body: ReadableStream<Uint8Array> | Uint8Array | string,
    opts?: { contentType?: string; maxBytes?: number; meta?: Record<string, string>; signal?: AbortSignal },
  ): Promise<BlobHead>;
  get(key: string): Promise<{ head: BlobHead; body: ReadableStream<Uint8Array> } | null>;
  head(key: string): Promise<BlobHead | null>;
  delete(key: string): Promise<void>;
  /**
   * Keys under `prefix`, in lexicographic (UTF-8 byte) order; with `startAfter`, only keys greater than
   * it (S3's StartAfter), so a paged listing does not rescan what it has already seen.
   */
  list(prefix: string, opts?: { startAfter?: string }): AsyncIterable<string>;
}

/** A bounded cache of serialisable values (parse results), shared or per process. */
export interface KeyValueCache<T> {
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T, opts?: { ttlSeconds?: number }): Promise<void>;
}

/**
 * Incremental SHA-256 with a lowercase hex digest (the same string the parse cache keys on). Uploads are
 * hashed while they stream; Web Crypto cannot do that, so runtimes pass a native one and core falls
 * back to a plain-JS implementation (src/storage/sha256.ts).
 */
export interface Sha256 {
  update(chunk: Uint8Array): void;
  digest(): string;
}

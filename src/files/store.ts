import type { BlobStore, Sha256 } from '../ports/storage.js';
import { DocinlineError } from '../errors.js';
import { FILE_ID_PREFIX, fileKeys, idFromMetaKey, idTime, isSafeId, newId, ownerNamespace } from '../storage/keys.js';
import { getJson, putJson } from '../storage/records.js';
import { addExpiry, dueExpiries, removeExpiry } from '../storage/expiry.js';
import { readAll } from '../storage/streams.js';
import { createSha256 } from '../storage/sha256.js';

/**
 * Uploaded files: bytes and a JSON record per file in one BlobStore, namespaced by owner. The record is
 * written last and is the commit point: a file exists once its record does. Batches (and anything else
 * that produces files, e.g. `batch_output`) go through the same store so `client.files.*` sees them.
 */

/** Purposes OpenAI accepts on upload. */
export const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;
/** Purposes only the service itself gives to files it writes. */
export const OUTPUT_PURPOSES = ['assistants_output', 'batch_output', 'fine-tune-results'] as const;

export interface FileRecord {
  v: 1;
  id: string;
  /** The owner id the gateway derived from the API key, null when auth is off. */
  owner: string | null;
  filename: string;
  bytes: number;
  purpose: string;
  /** Unix seconds. */
  created_at: number;
  /** Unix seconds, or null for files kept until deleted. */
  expires_at: number | null;
  /** Lowercase hex SHA-256 of the bytes: the parse cache's key, so a stored file is never re-hashed. */
  sha256: string;
  content_type: string | null;
}

/** OpenAI's `file` object. */
export interface OpenAIFileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  expires_at: number | null;
  filename: string;
  purpose: string;
  status: 'processed';
  status_details: null;
}

export function toFileObject(r: FileRecord): OpenAIFileObject {
  return {
    id: r.id,
    object: 'file',
    bytes: r.bytes,
    created_at: r.created_at,
    expires_at: r.expires_at,
    filename: r.filename,
    purpose: r.purpose,
    status: 'processed',
    status_details: null,
  };
}

export interface FileStoreOptions {
  /** Native incremental SHA-256 when the runtime has one (node:crypto); plain JS otherwise. */
  sha256?: () => Sha256;
  /** Clock in ms, for tests of expiry. */
  now?: () => number;
}

export interface ListQuery {
  purpose?: string;
  limit: number;
  after?: string;
  order: 'asc' | 'desc';
}

export interface WriteOptions {
  maxBytes?: number;
  contentType?: string | null;
  signal?: AbortSignal;
}

export interface CommitInput {
  filename: string;
  purpose: string;
  /** Unix seconds, or null/undefined for no expiry. */
  expiresAt?: number | null;
}

const REF = (ns: string, id: string) => `files/${ns}/${id}`;
const META_CONCURRENCY = 16;

function isExpired(r: FileRecord, nowMs: number): boolean {
  return r.expires_at !== null && r.expires_at * 1000 <= nowMs;
}

function isRecord(x: unknown, id: string): x is FileRecord {
  const r = x as FileRecord | null;
  return !!r && r.v === 1 && r.id === id && typeof r.bytes === 'number' && typeof r.sha256 === 'string';
}

/** An upload in progress: an id is reserved, bytes are written, then the record commits it (or it is discarded). */
export class PendingUpload {
  private written: { bytes: number; sha256: string; contentType: string | null } | null = null;
  private finished = false;

  constructor(
    private readonly store: FileStore,
    readonly id: string,
    readonly owner: string | null,
    private readonly ns: string,
    private readonly createdMs: number,
  ) {}

  get hasBytes(): boolean {
    return this.written !== null;
  }

  /** Streams the bytes into the store, hashing them on the way. Fails without leaving anything behind. */
  async write(body: ReadableStream<Uint8Array> | Uint8Array | string, opts: WriteOptions = {}): Promise<{ bytes: number; sha256: string }> {
    if (this.written || this.finished) throw new Error('PendingUpload.write called twice');
    const hasher = this.store.newHash();
    let bytes = 0;
    const source = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    let input: ReadableStream<Uint8Array> | Uint8Array;
    if (source instanceof Uint8Array) {
      hasher.update(source);
      bytes = source.byteLength;
      input = source;
    } else {
      input = source.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            hasher.update(chunk);
            bytes += chunk.byteLength;
            controller.enqueue(chunk);
          },
        }),
      );
    }
    const key = fileKeys.blob(this.ns, this.id);
    try {
      const head = await this.store.blobs.put(key, input, {
        contentType: opts.contentType ?? 'application/octet-stream',
        maxBytes: opts.maxBytes,
        signal: opts.signal,
      });
      if (head.size !== bytes) throw new DocinlineError('storage_unavailable', `Stored ${head.size} bytes of ${bytes}`);
    } catch (e) {
      // The store promises not to leave a partial object; an object that was stored but whose
      // acknowledgement was lost would still be there, so make sure.
      await this.store.blobs.delete(key).catch(() => {});
      this.finished = true;
      throw e;
    }
    this.written = { bytes, sha256: hasher.digest(), contentType: opts.contentType ?? null };
    return { bytes: this.written.bytes, sha256: this.written.sha256 };
  }

  /** Writes the record; from here on the file exists. */
  async commit(input: CommitInput): Promise<FileRecord> {
    if (!this.written || this.finished) throw new Error('PendingUpload.commit without bytes');
    const record: FileRecord = {
      v: 1,
      id: this.id,
      owner: this.owner,
      filename: input.filename,
      bytes: this.written.bytes,
      purpose: input.purpose,
      created_at: Math.floor(this.createdMs / 1000),
      expires_at: input.expiresAt ?? null,
      sha256: this.written.sha256,
      content_type: this.written.contentType,
    };
    const blobs = this.store.blobs;
    try {
      // Index first: an expiring file must never exist without its index entry, or it would outlive
      // its expiry on disk.
      if (record.expires_at !== null) await addExpiry(blobs, record.expires_at * 1000, REF(this.ns, this.id));
      await putJson(blobs, fileKeys.meta(this.ns, this.id), record);
    } catch (e) {
      await this.discard();
      if (record.expires_at !== null) await removeExpiry(blobs, record.expires_at * 1000, REF(this.ns, this.id)).catch(() => {});
      throw e;
    }
    this.finished = true;
    return record;
  }

  /** Removes the bytes of an upload that will not be committed. */
  async discard(): Promise<void> {
    this.finished = true;
    if (!this.written) return;
    this.written = null;
    await this.store.blobs.delete(fileKeys.blob(this.ns, this.id)).catch(() => {});
  }
}

export class FileStore {
  readonly blobs: BlobStore;
  private readonly hashFactory: () => Sha256;
  private readonly now: () => number;

  constructor(blobs: BlobStore, opts: FileStoreOptions = {}) {
    this.blobs = blobs;
    this.hashFactory = opts.sha256 ?? createSha256;
    this.now = opts.now ?? Date.now;
  }

  newHash(): Sha256 {
    return this.hashFactory();
  }

  nowMs(): number {
    return this.now();
  }

  async startUpload(owner: string | null): Promise<PendingUpload> {
    const ns = await ownerNamespace(owner);
    const created = this.now();
    return new PendingUpload(this, newId(FILE_ID_PREFIX, created), owner, ns, created);
  }

  /** Stores a whole file in one call (batch output files, tests). */
  async create(
    owner: string | null,
    input: CommitInput & WriteOptions & { body: ReadableStream<Uint8Array> | Uint8Array | string },
  ): Promise<FileRecord> {
    const up = await this.startUpload(owner);
    await up.write(input.body, input);
    return up.commit(input);
  }

  /** The record of a live file this owner can see; null when unknown, foreign or expired. */
  async get(owner: string | null, id: string): Promise<FileRecord | null> {
    if (!isSafeId(id, FILE_ID_PREFIX)) return null;
    const ns = await ownerNamespace(owner);
    const rec = await getJson<unknown>(this.blobs, fileKeys.meta(ns, id));
    if (!isRecord(rec, id)) return null;
    if (isExpired(rec, this.now())) {
      await this.remove(ns, rec).catch(() => {});
      return null;
    }
    return rec;
  }

  /** Like get, but throws OpenAI's 404. */
  async require(owner: string | null, id: string, param: string | null = null): Promise<FileRecord> {
    const rec = await this.get(owner, id);
    if (!rec) throw notFound(id, param);
    return rec;
  }

  /** The record and a stream of the bytes; null as for get (or when the bytes vanished under us). */
  async open(owner: string | null, id: string): Promise<{ record: FileRecord; body: ReadableStream<Uint8Array> } | null> {
    const record = await this.get(owner, id);
    if (!record) return null;
    const obj = await this.blobs.get(fileKeys.blob(await ownerNamespace(owner), id));
    if (!obj) return null;
    return { record, body: obj.body };
  }

  async read(owner: string | null, id: string): Promise<{ record: FileRecord; bytes: Uint8Array } | null> {
    const f = await this.open(owner, id);
    if (!f) return null;
    return { record: f.record, bytes: await readAll(f.body, f.record.bytes) };
  }

  /**
   * One page of the owner's live files in creation order. Ids sort by creation time, so the key listing
   * is already ordered; records are only fetched for the page (plus whatever purpose filtering skips).
   */
  async list(owner: string | null, q: ListQuery): Promise<{ data: FileRecord[]; hasMore: boolean }> {
    const ns = await ownerNamespace(owner);
    const prefix = fileKeys.metaPrefix(ns);
    const after = q.after;
    let ids: AsyncIterable<string> | Iterable<string>;
    if (q.order === 'asc') {
      const startAfter = after && isSafeId(after, FILE_ID_PREFIX) ? fileKeys.meta(ns, after) : undefined;
      ids = (async function* (blobs: BlobStore) {
        for await (const key of blobs.list(prefix, { startAfter })) {
          const id = idFromMetaKey(key);
          if (id && (!after || id > after)) yield id;
        }
      })(this.blobs);
    } else {
      // Newest first needs the whole key listing (keys only; records are read for the page alone).
      const all: string[] = [];
      for await (const key of this.blobs.list(prefix)) {
        const id = idFromMetaKey(key);
        if (id && (!after || id < after)) all.push(id);
      }
      ids = all.reverse();
    }

    const out: FileRecord[] = [];
    const now = this.now();
    const expired: FileRecord[] = [];
    let batch: string[] = [];
    const flush = async (): Promise<void> => {
      const recs = await Promise.all(batch.map((id) => getJson<unknown>(this.blobs, fileKeys.meta(ns, id)).then((r) => (isRecord(r, id) ? r : null))));
      batch = [];
      for (const r of recs) {
        if (!r) continue;
        if (isExpired(r, now)) expired.push(r);
        else if (!q.purpose || r.purpose === q.purpose) out.push(r);
      }
    };
    for await (const id of ids) {
      batch.push(id);
      if (batch.length >= Math.min(META_CONCURRENCY, q.limit + 1 - out.length)) {
        await flush();
        if (out.length > q.limit) break;
      }
    }
    if (batch.length && out.length <= q.limit) await flush();
    await Promise.all(expired.map((r) => this.remove(ns, r).catch(() => {})));
    return { data: out.slice(0, q.limit), hasMore: out.length > q.limit };
  }

  /** Deletes a live file; returns its record, or null when there was nothing this owner could see. */
  async delete(owner: string | null, id: string): Promise<FileRecord | null> {
    const rec = await this.get(owner, id);
    if (!rec) return null;
    await this.remove(await ownerNamespace(owner), rec);
    return rec;
  }

  /** Record first (the file disappears at once), then bytes, then the expiry entry. */
  private async remove(ns: string, rec: FileRecord): Promise<void> {
    await this.blobs.delete(fileKeys.meta(ns, rec.id));
    await this.blobs.delete(fileKeys.blob(ns, rec.id));
    if (rec.expires_at !== null) await removeExpiry(this.blobs, rec.expires_at * 1000, REF(ns, rec.id));
  }

  /** Deletes every file whose expiry has passed. Safe to run from several instances at once. */
  async sweepExpired(): Promise<number> {
    const now = this.now();
    let removed = 0;
    for await (const entry of dueExpiries(this.blobs, now)) {
      const m = /^files\/([^/]+)\/([^/]+)$/.exec(entry.ref);
      if (m) {
        const [, ns, id] = m as unknown as [string, string, string];
        const rec = await getJson<unknown>(this.blobs, fileKeys.meta(ns, id));
        // Only remove what this entry is about: a record with another expiry keeps its own entry.
        if (!isRecord(rec, id) || (rec.expires_at !== null && rec.expires_at * 1000 === entry.atMs)) {
          await this.blobs.delete(fileKeys.meta(ns, id));
          await this.blobs.delete(fileKeys.blob(ns, id));
          removed++;
        }
      }
      await this.blobs.delete(entry.key);
    }
    return removed;
  }

  /**
   * Deletes bytes without a record (an upload whose process died between writing the bytes and the
   * record). Only blobs older than `minAgeMs` (from the time in their id) are touched, so uploads in
   * flight on other instances are left alone. A full scan: run it rarely.
   */
  async collectOrphans(minAgeMs = 6 * 3600_000): Promise<number> {
    const cutoff = this.now() - minAgeMs;
    let removed = 0;
    // Keys arrive sorted: for each namespace all `blob/` keys come before its `meta/` keys.
    let ns: string | null = null;
    let candidates = new Set<string>();
    const settle = async () => {
      if (ns === null) return;
      for (const id of candidates) {
        await this.blobs.delete(fileKeys.blob(ns, id));
        removed++;
      }
      candidates = new Set();
    };
    for await (const key of this.blobs.list(fileKeys.root)) {
      const m = /^files\/([^/]+)\/(blob|meta)\/([^/]+)$/.exec(key);
      if (!m) continue;
      const [, keyNs, kind, name] = m as unknown as [string, string, string, string];
      if (keyNs !== ns) {
        await settle();
        ns = keyNs;
      }
      if (kind === 'blob') {
        const t = idTime(name, FILE_ID_PREFIX);
        if (t !== null && t < cutoff) candidates.add(name);
      } else {
        const id = idFromMetaKey(key);
        if (id) candidates.delete(id);
      }
    }
    await settle();
    return removed;
  }
}

export function notFound(id: string, param: string | null = null): DocinlineError {
  return new DocinlineError('not_found', `No such File object: ${id}`, { param });
}

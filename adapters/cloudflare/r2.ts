/**
 * BlobStore over a Workers R2 binding. R2 only takes a stream whose length it knows, and an upload's
 * length is known only at its end, so bodies are cut into parts: one that fits in a part is a single
 * put; a larger one is a multipart upload (R2 creates the object only on complete, so a failed upload
 * leaves nothing behind once it is aborted). Memory stays at one part whatever the file size.
 */
import type { R2Bucket, R2ListOptions, R2MultipartUpload, R2Object, R2ObjectBody, R2Objects, R2PutOptions, R2UploadedPart } from './cf.js';
import type { BlobHead, BlobStore } from '../../src/ports/storage.js';
import { DocinlineError } from '../../src/errors.js';
import { checkedKey, checkedPrefix, folderPrefix } from '../../src/storage/keys.js';
import { bodyBytes, cutIntoParts, type PutBody, type PutOptions } from '../../src/storage/put.js';
import { SourceError } from '../../src/storage/streams.js';

const MiB = 1024 * 1024;

export interface R2BlobStoreOptions {
  /** Key prefix inside the bucket ("docinline/", the Node server's S3 default, so both can share one). */
  prefix?: string;
  /** Multipart part size: at least 5 MiB (R2 requires equal parts of ≥ 5 MiB but the last). */
  partSize?: number;
}

function r2Error(e: unknown, what: string): DocinlineError {
  if (e instanceof DocinlineError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new DocinlineError('storage_unavailable', `Object storage unavailable (R2 ${what}: ${msg.slice(0, 200)})`, { cause: e });
}

export class R2BlobStore implements BlobStore {
  readonly prefix: string;
  private readonly partSize: number;

  constructor(
    private readonly bucket: R2Bucket,
    opts: R2BlobStoreOptions = {},
  ) {
    this.prefix = folderPrefix(opts.prefix ?? '');
    this.partSize = Math.max(5 * MiB, opts.partSize ?? 5 * MiB);
  }

  private keyOf(key: string): string {
    return this.prefix + checkedKey(key);
  }

  async put(key: string, body: PutBody, opts: PutOptions = {}): Promise<BlobHead> {
    const k = this.keyOf(key);
    const putOpts: R2PutOptions = {};
    if (opts.contentType) putOpts.httpMetadata = { contentType: opts.contentType };
    if (opts.meta) putOpts.customMetadata = opts.meta;
    const head = (size: number): BlobHead => ({ key, size, contentType: opts.contentType, meta: opts.meta });

    if (!(body instanceof ReadableStream)) {
      const bytes = bodyBytes(body, opts.maxBytes);
      try {
        await this.bucket.put(k, bytes, putOpts);
      } catch (e) {
        throw r2Error(e, 'put');
      }
      return head(bytes.byteLength);
    }

    let upload: R2MultipartUpload | null = null;
    const parts: R2UploadedPart[] = [];
    const sendPart = async (data: Uint8Array) => {
      upload ??= await this.bucket.createMultipartUpload(k, putOpts);
      parts.push(await upload.uploadPart(parts.length + 1, data));
    };
    try {
      const { size, rest } = await cutIntoParts(
        body,
        this.partSize,
        async (part) => {
          // Sent before more is read, so the same buffer takes the next part.
          await sendPart(part);
          return part;
        },
        { maxBytes: opts.maxBytes, signal: opts.signal },
      );
      if (!upload) {
        await this.bucket.put(k, rest, putOpts);
        return head(size);
      }
      if (rest.byteLength > 0) await sendPart(rest);
      await (upload as R2MultipartUpload).complete(parts);
      return head(size);
    } catch (e) {
      if (upload) await (upload as R2MultipartUpload).abort().catch(() => {});
      if (e instanceof SourceError) throw e.inner;
      throw r2Error(e, 'put');
    }
  }

  async get(key: string): Promise<{ head: BlobHead; body: ReadableStream<Uint8Array> } | null> {
    let obj: R2ObjectBody | null;
    try {
      obj = await this.bucket.get(this.keyOf(key));
    } catch (e) {
      throw r2Error(e, 'get');
    }
    if (!obj) return null;
    return { head: this.toHead(key, obj), body: obj.body as unknown as ReadableStream<Uint8Array> };
  }

  async head(key: string): Promise<BlobHead | null> {
    let obj: R2Object | null;
    try {
      obj = await this.bucket.head(this.keyOf(key));
    } catch (e) {
      throw r2Error(e, 'head');
    }
    return obj ? this.toHead(key, obj) : null;
  }

  async delete(key: string): Promise<void> {
    try {
      await this.bucket.delete(this.keyOf(key));
    } catch (e) {
      throw r2Error(e, 'delete');
    }
  }

  async *list(prefix: string, opts: { startAfter?: string } = {}): AsyncIterable<string> {
    checkedPrefix(prefix);
    let cursor: string | undefined;
    let first = true;
    do {
      let r: R2Objects;
      try {
        const o: R2ListOptions = { prefix: this.prefix + prefix, limit: 1000 };
        if (cursor) o.cursor = cursor;
        else if (first && opts.startAfter !== undefined) o.startAfter = this.prefix + opts.startAfter;
        r = await this.bucket.list(o);
      } catch (e) {
        throw r2Error(e, 'list');
      }
      first = false;
      for (const obj of r.objects) {
        if (obj.key.startsWith(this.prefix)) yield obj.key.slice(this.prefix.length);
      }
      cursor = r.truncated ? r.cursor : undefined;
    } while (cursor);
  }

  private toHead(key: string, obj: R2Object): BlobHead {
    const h: BlobHead = { key, size: obj.size };
    if (obj.httpMetadata?.contentType) h.contentType = obj.httpMetadata.contentType;
    if (obj.customMetadata && Object.keys(obj.customMetadata).length) h.meta = obj.customMetadata;
    return h;
  }
}

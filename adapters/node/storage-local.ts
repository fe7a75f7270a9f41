import { mkdir, open, readdir, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { BlobHead, BlobStore } from '../../src/ports/storage.js';
import { DocinlineError } from '../../src/errors.js';
import { checkedKey, checkedPrefix } from '../../src/storage/keys.js';
import type { PutBody, PutOptions } from '../../src/storage/put.js';
import { SourceError, pumpBytes, toByteStream } from '../../src/storage/streams.js';

/**
 * BlobStore on a local directory (DOCINLINE_DATA_DIR, default ./.docinline). A key maps to the file of
 * the same relative path; keys are validated (src/storage/keys.ts) so no key can leave the directory.
 * Writes go to `.tmp/` first and are renamed into place once complete and synced, so readers never
 * see a partial file and a failed write leaves nothing. `meta` is kept in a sidecar under `.heads/`;
 * contentType is not persisted here (records carry their own).
 */

const READ_CHUNK = 256 * 1024;
const TMP_MAX_AGE_MS = 3600_000;

function storageError(e: unknown, what: string): DocinlineError {
  if (e instanceof DocinlineError) return e;
  const code = (e as NodeJS.ErrnoException)?.code ?? 'error';
  return new DocinlineError('storage_unavailable', `Local storage unavailable (${what}: ${code})`, { cause: e });
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let off = 0;
  while (off < chunk.byteLength) {
    const { bytesWritten } = await fh.write(chunk, off, chunk.byteLength - off);
    off += bytesWritten;
  }
}

export class LocalBlobStore implements BlobStore {
  readonly root: string;
  private readonly tmpDir: string;
  private readonly headsDir: string;

  constructor(dir: string) {
    this.root = path.resolve(dir);
    this.tmpDir = path.join(this.root, '.tmp');
    this.headsDir = path.join(this.root, '.heads');
    // Temp files of a process that died mid-write; young ones may belong to a live neighbour.
    void this.cleanTmp().catch(() => {});
  }

  private pathOf(key: string, base = this.root): string {
    const p = path.join(base, ...checkedKey(key).split('/'));
    if (!p.startsWith(base + path.sep)) throw new Error('storage key escapes the data directory');
    return p;
  }

  private headPath(key: string): string {
    return this.pathOf(key, this.headsDir) + '.json';
  }

  async put(key: string, body: PutBody, opts: PutOptions = {}): Promise<BlobHead> {
    const final = this.pathOf(key);
    const hasMeta = !!opts.meta && Object.keys(opts.meta).length > 0;
    const tmp = path.join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    let fh: FileHandle | null = null;
    try {
      await mkdir(this.tmpDir, { recursive: true });
      fh = await open(tmp, 'wx', 0o600);
      const handle = fh;
      const size = await pumpBytes(toByteStream(body), (chunk) => writeAll(handle, chunk), {
        maxBytes: opts.maxBytes,
        signal: opts.signal,
      });
      await fh.datasync();
      await fh.close();
      fh = null;
      if (hasMeta) await this.writeAtomically(this.headPath(key), JSON.stringify(opts.meta));
      else await unlink(this.headPath(key)).catch(() => {});
      await this.moveIntoPlace(tmp, final);
      return { key, size, contentType: opts.contentType, meta: hasMeta ? opts.meta : undefined };
    } catch (e) {
      await fh?.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      if (e instanceof SourceError) throw e.inner;
      throw storageError(e, 'write');
    }
  }

  private async writeAtomically(file: string, text: string): Promise<void> {
    const tmp = path.join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    try {
      await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
      await this.moveIntoPlace(tmp, file);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
  }

  /** rename() into a folder a concurrent delete may just have pruned: recreate it and retry. */
  private async moveIntoPlace(tmp: string, final: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await mkdir(path.dirname(final), { recursive: true });
      try {
        await rename(tmp, final);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw e;
      }
    }
  }

  async get(key: string): Promise<{ head: BlobHead; body: ReadableStream<Uint8Array> } | null> {
    const file = this.pathOf(key);
    let fh: FileHandle;
    try {
      fh = await open(file, 'r');
    } catch (e) {
      if (isMissing(e)) return null;
      throw storageError(e, 'read');
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        return null;
      }
      const head: BlobHead = { key, size: st.size, meta: await this.readMeta(key) };
      return { head, body: fileStream(fh) };
    } catch (e) {
      await fh.close().catch(() => {});
      throw storageError(e, 'read');
    }
  }

  private async readMeta(key: string): Promise<Record<string, string> | undefined> {
    try {
      return JSON.parse(await readFile(this.headPath(key), 'utf8')) as Record<string, string>;
    } catch {
      return undefined;
    }
  }

  async head(key: string): Promise<BlobHead | null> {
    try {
      const st = await stat(this.pathOf(key));
      if (!st.isFile()) return null;
      return { key, size: st.size, meta: await this.readMeta(key) };
    } catch (e) {
      if (isMissing(e)) return null;
      throw storageError(e, 'stat');
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await unlink(file);
    } catch (e) {
      if (!isMissing(e)) throw storageError(e, 'delete');
    }
    await unlink(this.headPath(key)).catch(() => {});
    // Empty folders would pile up (one per expiry timestamp) and slow every listing down.
    await this.pruneEmpty(path.dirname(file), this.root);
  }

  private async pruneEmpty(dir: string, stopAt: string): Promise<void> {
    while (dir.startsWith(stopAt + path.sep)) {
      try {
        await rmdir(dir);
      } catch {
        return;
      }
      dir = path.dirname(dir);
    }
  }

  async *list(prefix: string, opts: { startAfter?: string } = {}): AsyncIterable<string> {
    checkedPrefix(prefix);
    const dirKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const dir = dirKey ? path.join(this.root, ...dirKey.split('/').filter(Boolean)) : this.root;
    yield* this.walk(dir, dirKey, prefix, opts.startAfter);
  }

  private async *walk(dir: string, keyPrefix: string, want: string, startAfter: string | undefined): AsyncIterable<string> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (isMissing(e)) return;
      throw storageError(e, 'list');
    }
    // Sort as full keys would sort: a folder "a" holds keys "a/…", which come after a file "a-b".
    const items = entries
      .filter((e) => !e.name.startsWith('.') && /^[A-Za-z0-9._-]+$/.test(e.name) && (e.isDirectory() || e.isFile()))
      .map((e) => ({ name: e.name, dir: e.isDirectory(), sortKey: e.isDirectory() ? e.name + '/' : e.name }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const item of items) {
      const key = keyPrefix + item.name;
      if (item.dir) {
        const sub = key + '/';
        if (!(sub.startsWith(want) || want.startsWith(sub))) continue;
        // Every key under `sub` sorts before startAfter: skip the whole folder.
        if (startAfter !== undefined && sub < startAfter && !startAfter.startsWith(sub)) continue;
        yield* this.walk(path.join(dir, item.name), sub, want, startAfter);
      } else if (key.startsWith(want) && (startAfter === undefined || key > startAfter)) {
        yield key;
      }
    }
  }

  private async cleanTmp(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.tmpDir).catch(() => [] as string[])) {
      const p = path.join(this.tmpDir, name);
      const st = await stat(p).catch(() => null);
      if (st && now - st.mtimeMs > TMP_MAX_AGE_MS) await unlink(p).catch(() => {});
    }
  }
}

/** A pull-driven stream over an open file: reads only as fast as the consumer takes chunks. */
function fileStream(fh: FileHandle): ReadableStream<Uint8Array> {
  let pos = 0;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await fh.close().catch(() => {});
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const buf = new Uint8Array(READ_CHUNK);
          const { bytesRead } = await fh.read(buf, 0, READ_CHUNK, pos);
          if (bytesRead === 0) {
            await close();
            controller.close();
            return;
          }
          pos += bytesRead;
          controller.enqueue(bytesRead === READ_CHUNK ? buf : buf.subarray(0, bytesRead));
        } catch (e) {
          await close();
          controller.error(storageError(e, 'read'));
        }
      },
      cancel: close,
    },
    { highWaterMark: 0 },
  );
}

export function createLocalBlobStore(dir: string): LocalBlobStore {
  return new LocalBlobStore(dir);
}

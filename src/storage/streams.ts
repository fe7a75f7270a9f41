import { DocinlineError } from '../errors.js';

/** Body types a BlobStore.put accepts, as a stream of bytes. */
export function toByteStream(body: ReadableStream<Uint8Array> | Uint8Array | string): ReadableStream<Uint8Array> {
  if (body instanceof ReadableStream) return body;
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.length) controller.enqueue(bytes);
      controller.close();
    },
  });
}

export function tooLarge(maxBytes: number, param: string | null = null): DocinlineError {
  const mib = maxBytes >= 1024 * 1024 ? ` (${(maxBytes / 1048576).toFixed(1)} MiB)` : '';
  return new DocinlineError('file_too_large', `File is larger than the limit of ${maxBytes} bytes${mib}`, { param });
}

/**
 * An error raised while *reading* the body handed to a store (client went away, multipart was
 * malformed, limit exceeded), as opposed to the store failing to write. Stores rethrow the inner error
 * unchanged so the caller sees why its own stream failed rather than "storage unavailable".
 */
export class SourceError extends Error {
  constructor(readonly inner: unknown) {
    super('source stream failed');
    this.name = 'SourceError';
  }
}

/**
 * Reads `body` chunk by chunk, enforcing `maxBytes` as bytes arrive. Errors from the source or the
 * limit are wrapped in SourceError, errors thrown by `onChunk` (the write side) pass through.
 */
export async function pumpBytes(
  body: ReadableStream<Uint8Array>,
  onChunk: (chunk: Uint8Array) => Promise<void> | void,
  opts: { maxBytes?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const reader = body.getReader();
  let total = 0;
  const onAbort = () => {
    reader.cancel(opts.signal?.reason).catch(() => {});
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new SourceError(abortError(opts.signal));
      let r: Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;
      try {
        r = await reader.read();
      } catch (e) {
        throw new SourceError(opts.signal?.aborted ? abortError(opts.signal) : e);
      }
      // cancel() on abort resolves a pending read as done: that is not the end of the body.
      if (opts.signal?.aborted) throw new SourceError(abortError(opts.signal));
      if (r.done) return total;
      const chunk = r.value;
      total += chunk.byteLength;
      if (opts.maxBytes !== undefined && total > opts.maxBytes) {
        const err = tooLarge(opts.maxBytes);
        reader.cancel(err).catch(() => {});
        throw new SourceError(err);
      }
      await onChunk(chunk);
    }
  } catch (e) {
    if (!(e instanceof SourceError)) reader.cancel(e).catch(() => {});
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    try {
      reader.releaseLock();
    } catch {
      // a pending read after cancel keeps the lock; nothing else will use this reader
    }
  }
}

function abortError(signal: AbortSignal): DocinlineError {
  return new DocinlineError('aborted', 'The upload was aborted', { cause: signal.reason });
}

/** Reads a whole stream into one array (for records and small bodies), bounded by `maxBytes`. */
export async function readAll(body: ReadableStream<Uint8Array>, maxBytes = Number.MAX_SAFE_INTEGER): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    await pumpBytes(
      body,
      (c) => {
        chunks.push(c);
        total += c.byteLength;
      },
      { maxBytes },
    );
  } catch (e) {
    throw e instanceof SourceError ? e.inner : e;
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

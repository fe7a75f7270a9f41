/**
 * What the object stores (S3 SDK, Workers R2 binding) share in BlobStore.put: small bodies checked
 * whole, streams cut into multipart parts. Object stores want each part's length up front while an
 * upload's length is known only at its end, so parts are filled to a fixed size before they are sent.
 */
import type { BlobStore } from '../ports/storage.js';
import { DocinlineError } from '../errors.js';
import { pumpBytes } from './streams.js';

export type PutBody = Parameters<BlobStore['put']>[1];
export type PutOptions = NonNullable<Parameters<BlobStore['put']>[2]>;

/** A body that is not a stream, as bytes; refused before anything is sent when over `maxBytes`. */
export function bodyBytes(body: Uint8Array | string, maxBytes?: number): Uint8Array {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  if (maxBytes !== undefined && bytes.byteLength > maxBytes) {
    throw new DocinlineError('file_too_large', `File is larger than the limit of ${maxBytes} bytes`);
  }
  return bytes;
}

/**
 * Reads `body` into parts of exactly `partSize` bytes, handing each full one to `onPart` before reading
 * on (one part in memory, back-pressure on the source). `onPart` returns the buffer to fill next: the
 * same one once the part has been sent, or a fresh one while it is still in flight. What is left at the
 * end (shorter than a part, possibly empty) is returned as `rest`; when no part was full it is the whole
 * body, which fits in a single put. Source and limit errors come wrapped in SourceError (see pumpBytes).
 */
export async function cutIntoParts(
  body: ReadableStream<Uint8Array>,
  partSize: number,
  onPart: (part: Uint8Array) => Promise<Uint8Array>,
  opts: { maxBytes?: number; signal?: AbortSignal } = {},
): Promise<{ size: number; rest: Uint8Array }> {
  // Starts small so a tiny stream does not allocate a whole part.
  let buf: Uint8Array = new Uint8Array(Math.min(64 * 1024, partSize));
  let fill = 0;
  const size = await pumpBytes(
    body,
    async (chunk) => {
      let off = 0;
      while (off < chunk.byteLength) {
        if (fill === buf.byteLength && buf.byteLength < partSize) {
          const bigger = new Uint8Array(Math.min(partSize, buf.byteLength * 4));
          bigger.set(buf);
          buf = bigger;
        }
        const n = Math.min(buf.byteLength - fill, chunk.byteLength - off);
        buf.set(chunk.subarray(off, off + n), fill);
        fill += n;
        off += n;
        if (fill === partSize) {
          const full = buf;
          fill = 0;
          buf = await onPart(full);
        }
      }
    },
    opts,
  );
  return { size, rest: buf.subarray(0, fill) };
}

import { DocinlineError } from '../errors.js';

/**
 * Streaming multipart/form-data reader over a Web ReadableStream. Uploads can be hundreds of MB, so a
 * part's body is handed out as a stream that pulls from the request only as fast as its consumer reads
 * it (the store), and nothing but a small look-behind window is ever held in memory. Parts must be read
 * in order; moving to the next part discards whatever is left of the current one.
 */

export interface MultipartPart {
  name: string;
  /** Present for file parts (even when empty: `filename=""`). */
  filename: string | null;
  contentType: string | null;
  body: ReadableStream<Uint8Array>;
}

export interface MultipartLimits {
  /** Bytes of headers per part. */
  maxHeaderBytes?: number;
  /** Parts per request. */
  maxParts?: number;
}

const CR = 13;
const LF = 10;
const DASH = 45;

const enc = new TextEncoder();

function malformed(msg: string): DocinlineError {
  return new DocinlineError('invalid_request', `Malformed multipart body: ${msg}`);
}

/** The boundary from a Content-Type header, or null when it is not multipart/form-data. */
export function multipartBoundary(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const [type, ...params] = splitHeaderParams(contentType);
  if (type?.toLowerCase() !== 'multipart/form-data') return null;
  for (const [k, v] of params) if (k === 'boundary' && v && v.length <= 200) return v;
  return null;
}

/** `a/b; k=v; k2="q \"v\""` → ['a/b', [['k','v'], ['k2','q "v"']]]. Keys are lower-cased. */
function splitHeaderParams(value: string): [string, ...[string, string | null][]] {
  const out: [string, string | null][] = [];
  let i = value.indexOf(';');
  const head = (i < 0 ? value : value.slice(0, i)).trim();
  while (i >= 0 && i < value.length) {
    i++;
    while (value[i] === ' ' || value[i] === '\t') i++;
    let j = i;
    while (j < value.length && value[j] !== '=' && value[j] !== ';') j++;
    const key = value.slice(i, j).trim().toLowerCase();
    let val: string | null = null;
    if (value[j] === '=') {
      j++;
      while (value[j] === ' ' || value[j] === '\t') j++;
      if (value[j] === '"') {
        let s = '';
        j++;
        while (j < value.length && value[j] !== '"') {
          if (value[j] === '\\' && j + 1 < value.length) j++;
          s += value[j];
          j++;
        }
        val = s;
        j++;
        while (j < value.length && value[j] !== ';') j++;
      } else {
        const k = value.indexOf(';', j);
        val = value.slice(j, k < 0 ? value.length : k).trim();
        j = k < 0 ? value.length : k;
      }
    }
    if (key) out.push([key, val]);
    i = j < value.length ? j : -1;
  }
  return [head, ...out];
}

// WHATWG form serialisation escapes these three in names and filenames; undo it.
function unescapeFormValue(s: string): string {
  return s.replace(/%(0A|0D|22)/gi, (m) => ({ '%0a': '\n', '%0d': '\r', '%22': '"' })[m.toLowerCase()] ?? m);
}

function decodeRfc5987(v: string): string | null {
  const m = /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(v);
  if (!m) return null;
  if (m[1] && !/^utf-8$/i.test(m[1])) return null;
  try {
    return decodeURIComponent(m[2]!);
  } catch {
    return null;
  }
}

function parseHeaders(block: string): { name: string; filename: string | null; contentType: string | null } {
  let name: string | null = null;
  let filename: string | null = null;
  let filenameStar: string | null = null;
  let contentType: string | null = null;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') {
      const [type, ...params] = splitHeaderParams(value);
      if (type.toLowerCase() !== 'form-data') throw malformed('part is not form-data');
      for (const [k, v] of params) {
        if (k === 'name' && v !== null) name = unescapeFormValue(v);
        else if (k === 'filename' && v !== null) filename = unescapeFormValue(v);
        else if (k === 'filename*' && v !== null) filenameStar = decodeRfc5987(v);
      }
    } else if (key === 'content-type') {
      contentType = value;
    }
  }
  if (name === null) throw malformed('part without a name');
  return { name, filename: filenameStar ?? filename, contentType };
}

/**
 * Iterates the parts of a multipart body. The returned iterator must be driven to completion or
 * `return()`ed (a for-await loop does both); abandoning it cancels the request stream.
 */
export async function* readMultipart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  limits: MultipartLimits = {},
): AsyncGenerator<MultipartPart, void, undefined> {
  const maxHeaderBytes = limits.maxHeaderBytes ?? 16 * 1024;
  const maxParts = limits.maxParts ?? 64;
  const reader = body.getReader();
  // "\r\n--boundary": what ends a part body. The first delimiter may come without the CRLF.
  const delim = enc.encode(`\r\n--${boundary}`);
  let buf: Uint8Array = new Uint8Array(0);
  let ended = false;
  let failed: unknown = null;

  async function fill(): Promise<boolean> {
    if (ended) return false;
    let r: Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;
    try {
      r = await reader.read();
    } catch (e) {
      failed = e;
      throw e;
    }
    if (r.done) {
      ended = true;
      return false;
    }
    if (r.value.byteLength === 0) return true;
    if (buf.length === 0) buf = r.value;
    else {
      const next = new Uint8Array(buf.length + r.value.byteLength);
      next.set(buf, 0);
      next.set(r.value, buf.length);
      buf = next;
    }
    return true;
  }

  function indexOfSeq(hay: Uint8Array, needle: Uint8Array, from: number): number {
    const first = needle[0]!;
    const last = hay.length - needle.length;
    for (let i = hay.indexOf(first, from); i >= 0 && i <= last; i = hay.indexOf(first, i + 1)) {
      let j = 1;
      while (j < needle.length && hay[i + j] === needle[j]) j++;
      if (j === needle.length) return i;
    }
    return -1;
  }

  /** Where a possible start of the delimiter begins at the end of `b` (b.length when none does). */
  function delimiterPrefixAt(b: Uint8Array): number {
    for (let i = b.indexOf(CR, Math.max(0, b.length - (delim.length - 1))); i >= 0; i = b.indexOf(CR, i + 1)) {
      let j = i + 1;
      while (j < b.length && b[j] === delim[j - i]) j++;
      if (j === b.length) return i;
    }
    return b.length;
  }

  async function need(n: number): Promise<void> {
    while (buf.length < n) if (!(await fill())) throw malformed('unexpected end of body');
  }

  /** After a delimiter: `--` ends the body; otherwise optional whitespace then CRLF. Returns true at the end. */
  async function afterDelimiter(): Promise<boolean> {
    await need(2);
    if (buf[0] === DASH && buf[1] === DASH) {
      // Epilogue is ignored; stop reading so a client that keeps sending does not hold us.
      return true;
    }
    for (;;) {
      let i = 0;
      while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
      if (i > 256) throw malformed('garbage after boundary');
      if (buf.length >= i + 2) {
        if (buf[i] !== CR || buf[i + 1] !== LF) throw malformed('expected CRLF after boundary');
        buf = buf.subarray(i + 2);
        return false;
      }
      if (!(await fill())) throw malformed('unexpected end of body');
    }
  }

  // State of the part being read: its body ends at the next delimiter.
  let inBody = false;

  /** The next chunk of the current part's body, or null at its end (delimiter consumed). */
  async function bodyChunk(): Promise<Uint8Array | null> {
    if (!inBody) return null;
    for (;;) {
      const at = indexOfSeq(buf, delim, 0);
      if (at >= 0) {
        const chunk = buf.subarray(0, at);
        buf = buf.subarray(at + delim.length);
        inBody = false;
        // Hand over any bytes before the delimiter first; the caller asks again and gets null.
        if (chunk.length) {
          pendingEnd = true;
          return chunk;
        }
        return null;
      }
      // Everything except a possible delimiter prefix at the end can go out now. Keeping only a real
      // prefix (not a fixed-size tail) means the buffer is usually empty when the next chunk arrives,
      // so that chunk is passed on as is instead of being copied onto the tail.
      const safe = delimiterPrefixAt(buf);
      if (safe > 0) {
        const chunk = buf.subarray(0, safe);
        buf = buf.subarray(safe);
        return chunk;
      }
      if (!(await fill())) throw malformed('unexpected end of body inside a part');
    }
  }
  let pendingEnd = false;

  async function nextBodyChunk(): Promise<Uint8Array | null> {
    if (pendingEnd) {
      pendingEnd = false;
      return null;
    }
    return bodyChunk();
  }

  try {
    // Preamble: skip to the first "--boundary" (at the very start or after CRLF).
    const first = delim.subarray(2);
    for (;;) {
      const at = indexOfSeq(buf, first, 0);
      if (at >= 0 && (at === 0 || (at >= 2 && buf[at - 2] === CR && buf[at - 1] === LF))) {
        buf = buf.subarray(at + first.length);
        break;
      }
      if (buf.length > 64 * 1024) throw malformed('no boundary found');
      if (!(await fill())) throw malformed('no boundary found');
    }
    if (await afterDelimiter()) return;

    for (let count = 0; ; count++) {
      if (count >= maxParts) throw malformed(`more than ${maxParts} parts`);
      // Headers end at the first empty line.
      let headerEnd: number;
      for (;;) {
        headerEnd = indexOfSeq(buf, enc.encode('\r\n\r\n'), 0);
        if (headerEnd >= 0) break;
        // A part with no headers at all starts directly with CRLF.
        if (buf.length >= 2 && buf[0] === CR && buf[1] === LF) {
          headerEnd = -2;
          break;
        }
        if (buf.length > maxHeaderBytes) throw malformed('part headers too large');
        if (!(await fill())) throw malformed('unexpected end of body in part headers');
      }
      if (headerEnd === -2) throw malformed('part without a name');
      if (headerEnd > maxHeaderBytes) throw malformed('part headers too large');
      const headers = parseHeaders(new TextDecoder().decode(buf.subarray(0, headerEnd)));
      buf = buf.subarray(headerEnd + 4);
      inBody = true;
      pendingEnd = false;

      const state = { done: false, error: null as unknown };
      const partBody = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            try {
              const chunk = await nextBodyChunk();
              if (chunk === null) {
                state.done = true;
                controller.close();
              } else controller.enqueue(chunk);
            } catch (e) {
              state.error = e;
              controller.error(e);
            }
          },
          cancel() {
            // The generator drains the rest of this part when it moves on.
          },
        },
        { highWaterMark: 0 },
      );
      yield { name: headers.name, filename: headers.filename, contentType: headers.contentType, body: partBody };
      if (state.error) throw state.error;
      // Whatever the consumer left unread is skipped.
      if (!state.done) {
        while ((await nextBodyChunk()) !== null) {
          /* discard */
        }
        state.done = true;
      }
      if (await afterDelimiter()) return;
    }
  } catch (e) {
    failed ??= e;
    throw e;
  } finally {
    if (failed !== null || !ended) reader.cancel(failed ?? undefined).catch(() => {});
    try {
      reader.releaseLock();
    } catch {
      /* a pending read keeps the lock */
    }
  }
}

/** Reads a small text field, bounded by `maxBytes`. */
export async function readTextPart(part: MultipartPart, maxBytes = 64 * 1024): Promise<string> {
  const reader = part.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    total += r.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new DocinlineError('invalid_request', `Form field "${part.name}" is too long`, { param: part.name });
    }
    chunks.push(r.value);
  }
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

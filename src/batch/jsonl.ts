/**
 * Reading a JSONL file line by line as it streams, with the file's 1-based line numbers and without
 * ever holding more than one line (a line longer than the limit is skipped, not buffered).
 */

export interface JsonlLine {
  /** 1-based line number in the file. */
  number: number;
  /** The line without its line break; null when it was too long or not UTF-8 (see `problem`). */
  text: string | null;
  /** Size of the line in bytes (without the line break). */
  bytes: number;
  problem?: 'too_long' | 'invalid_utf8';
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

export async function* readJsonlLines(body: ReadableStream<Uint8Array>, maxLineBytes: number): AsyncGenerator<JsonlLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const reader = body.getReader();
  let parts: Uint8Array[] = [];
  let size = 0;
  let tooLong = false;
  let number = 0;
  let ended = false;
  const finish = (): JsonlLine => {
    number++;
    let bytes = size;
    let data = tooLong ? null : concat(parts, size);
    if (data && data.byteLength && data[data.byteLength - 1] === 13) {
      data = data.subarray(0, data.byteLength - 1); // CRLF files
      bytes--;
    }
    if (data && number === 1 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3); // BOM
    parts = [];
    size = 0;
    const wasTooLong = tooLong;
    tooLong = false;
    if (wasTooLong || !data) return { number, text: null, bytes, problem: 'too_long' };
    try {
      return { number, text: decoder.decode(data), bytes };
    } catch {
      return { number, text: null, bytes, problem: 'invalid_utf8' };
    }
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      let start = 0;
      while (start < value.byteLength) {
        const nl = value.indexOf(10, start);
        const end = nl < 0 ? value.byteLength : nl;
        const piece = value.subarray(start, end);
        size += piece.byteLength;
        if (!tooLong) {
          if (size > maxLineBytes) {
            tooLong = true;
            parts = [];
          } else if (piece.byteLength) parts.push(piece);
        }
        if (nl < 0) break;
        yield finish();
        start = nl + 1;
      }
    }
    if (size > 0 || tooLong) yield finish();
  } finally {
    // A reader that stops early (validation gave up) must still close the file or connection behind it.
    if (!ended) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

import { DocinlineError } from '../errors.js';

/**
 * `data:` URL decoding. The payload ends at the first `#`: base64 has no `#` in its alphabet and the
 * URL spec makes everything after it a fragment, so `...AAAA#transform=inline` decodes to exactly the
 * bytes that were encoded (LiteLLM once fed the fragment to the decoder and corrupted the file).
 */

const B64 = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
B64['-'.charCodeAt(0)] = 62; // base64url
B64['_'.charCodeAt(0)] = 63;

/** Decodes standard or URL-safe base64; whitespace is skipped, padding optional. Null on a bad char. */
export function decodeBase64(s: string, from = 0, to = s.length): Uint8Array | null {
  // Strip trailing padding first so the length arithmetic below only sees data characters.
  let end = to;
  while (end > from && (s.charCodeAt(end - 1) === 61 /* = */ || s.charCodeAt(end - 1) <= 32)) end--;
  const out = new Uint8Array(Math.floor(((end - from) * 3) / 4) + 3);
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (let i = from; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 256 ? B64[c]! : -1;
    if (v < 0) {
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      return null;
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  // A single leftover sextet cannot encode a byte: the input was cut.
  if (bits >= 6) return null;
  return out.subarray(0, n);
}

export interface DataUrl {
  mime: string;
  bytes: Uint8Array;
  /** Text after `#`, without it ("" when absent). */
  fragment: string;
}

export function isDataUrl(s: string): boolean {
  return s.length > 5 && s.slice(0, 5).toLowerCase() === 'data:';
}

/** Splits any URL at its fragment without decoding anything. */
export function splitFragment(url: string): { base: string; fragment: string } {
  const i = url.indexOf('#');
  return i < 0 ? { base: url, fragment: '' } : { base: url.slice(0, i), fragment: url.slice(i + 1) };
}

export function parseDataUrl(url: string, maxBytes: number): DataUrl {
  if (!isDataUrl(url)) throw new DocinlineError('invalid_request', 'Expected a data: URL.');
  const comma = url.indexOf(',');
  if (comma < 0) throw new DocinlineError('invalid_request', 'The data URL has no "," before its payload.');
  const header = url.slice(5, comma);
  const hash = url.indexOf('#', comma + 1);
  const end = hash < 0 ? url.length : hash;
  const fragment = hash < 0 ? '' : url.slice(hash + 1);
  const params = header.split(';').map((p) => p.trim());
  const base64 = params.slice(1).some((p) => p.toLowerCase() === 'base64');
  const mime = (params[0] || 'text/plain').toLowerCase();
  // Cheap upper bound before allocating anything.
  const estimate = base64 ? Math.floor(((end - comma - 1) * 3) / 4) : end - comma - 1;
  if (estimate > maxBytes + 3) {
    throw new DocinlineError('file_too_large', `The data URL holds about ${estimate} bytes; the limit is ${maxBytes}.`);
  }
  let bytes: Uint8Array | null;
  if (base64) {
    bytes = decodeBase64(url, comma + 1, end);
    if (!bytes) throw new DocinlineError('invalid_request', 'The data URL is not valid base64.');
  } else {
    try {
      bytes = percentDecode(url.slice(comma + 1, end));
    } catch {
      throw new DocinlineError('invalid_request', 'The data URL payload is not valid percent-encoding.');
    }
  }
  if (bytes.byteLength > maxBytes) throw new DocinlineError('file_too_large', `The data URL holds ${bytes.byteLength} bytes; the limit is ${maxBytes}.`);
  return { mime, bytes, fragment };
}

function percentDecode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 /* % */ && /^[0-9a-f]{2}$/i.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 128) out.push(c);
    else {
      const cp = s.codePointAt(i)!;
      for (const b of new TextEncoder().encode(String.fromCodePoint(cp))) out.push(b);
      if (cp > 0xffff) i++;
    }
  }
  return new Uint8Array(out);
}

import type { ParseOptions } from '../model/options.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(buf: ArrayBuffer | Uint8Array): string {
  const b = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

/** Lowercase hex SHA-256 (Web Crypto: native in Node, Workers and Lambda). */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return toHex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** Bump when the shape or meaning of cached parse results changes. */
export const PARSE_CACHE_VERSION = 'v1';

/**
 * Cache key of one parse: the SHA-256 of the bytes plus every option that changes the result. Limits
 * (bytes, time) are left out: they decide whether a parse is allowed, not what it produces; the page
 * limit is in because it makes a parse fail or not.
 */
export async function parseCacheKey(sha256: string, o: ParseOptions): Promise<string> {
  const parts = [
    `p=${o.pages ?? ''}`,
    `ocr=${o.ocr ?? ''}`,
    `lang=${(o.languages ?? []).join('+')}`,
    `furn=${o.keepFurniture ? 1 : 0}`,
    `mark=${o.pageMarkers === false ? 0 : 1}`,
    `merge=${o.mergeTables === false ? 0 : 1}`,
    `maxp=${o.maxPages ?? ''}`,
  ];
  // The password changes whether a parse succeeds; keep only its hash in the key.
  if (o.password) parts.push(`pw=${(await sha256Hex(o.password)).slice(0, 16)}`);
  return `parse:${PARSE_CACHE_VERSION}:${sha256}:${parts.join(';')}`;
}

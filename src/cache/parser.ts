import { isDocinlineError } from '../errors.js';
import type { ParseOptions, ParseResult } from '../model/options.js';
import type { KeyValueCache } from '../ports/storage.js';
import { parseCacheKey, sha256Hex } from './key.js';

export type ParseFn = (bytes: Uint8Array, options: ParseOptions) => Promise<ParseResult>;

export interface CachedParse {
  result: ParseResult;
  cached: boolean;
  sha256: string;
}

/** Bytes in hand, or only their hash plus a way to load them (a stored file: a hit skips the read). */
export type ParseInput = { bytes: Uint8Array; sha256?: string } | { sha256: string; load(): Promise<Uint8Array> };

export interface DocumentParser {
  parse(input: ParseInput, options: ParseOptions): Promise<CachedParse>;
}

/**
 * parseDocument behind the parse cache. The same document requested again (or concurrently, by this or
 * another request) is parsed once. A shared store that fails is treated as a miss: the cache may make
 * requests faster, never make them fail.
 */
export function createCachedParser(deps: { cache: KeyValueCache<ParseResult>; parse: ParseFn; onCacheError?: (e: unknown) => void }): DocumentParser {
  const inflight = new Map<string, Promise<ParseResult>>();
  const report = deps.onCacheError ?? (() => {});

  return {
    async parse(input, options) {
      const sha256 = input.sha256 ?? (await sha256Hex((input as { bytes: Uint8Array }).bytes));
      const key = await parseCacheKey(sha256, options);
      let hit: ParseResult | undefined;
      try {
        hit = await deps.cache.get(key);
      } catch (e) {
        report(e);
      }
      if (hit) return { result: hit, cached: true, sha256 };

      const running = inflight.get(key);
      if (running) {
        try {
          return { result: await running, cached: true, sha256 };
        } catch (e) {
          // Another request's abort or timeout is not this request's failure: parse it ourselves.
          const theirs = isDocinlineError(e) && (e.code === 'aborted' || e.code === 'parse_timeout');
          if (!theirs || options.signal?.aborted) throw e;
        }
      }

      const loaded = 'bytes' in input ? input.bytes : await input.load();
      // pdf.js takes over (and may transfer) the whole ArrayBuffer behind a view: hand it a buffer of its own.
      const bytes = loaded.byteOffset === 0 && loaded.byteLength === loaded.buffer.byteLength ? loaded : loaded.slice();
      const p = deps.parse(bytes, options);
      inflight.set(key, p);
      try {
        const result = await p;
        try {
          await deps.cache.set(key, result);
        } catch (e) {
          report(e);
        }
        return { result, cached: false, sha256 };
      } finally {
        if (inflight.get(key) === p) inflight.delete(key);
      }
    },
  };
}

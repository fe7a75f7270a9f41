import type { ParseResult } from '../model/options.js';
import { MemoryLruCache } from './lru.js';

export { MemoryLruCache } from './lru.js';
export { sha256Hex, parseCacheKey, toHex, PARSE_CACHE_VERSION } from './key.js';

/** Rough memory a parse result holds (UTF-16 strings; the model is dominated by its text and boxes). */
export function parseResultSize(r: ParseResult): number {
  let n = (r.markdown.length + r.text.length) * 2 + 1024;
  for (const p of r.document.pages) {
    for (const b of p.blocks) {
      n += b.text.length * 2 + 200;
      if (b.lines) for (const l of b.lines) n += l.text.length * 2 + 120 + l.words.length * 160;
      if (b.table) n += b.table.cells.length * 120;
    }
  }
  return n;
}

/** The default parse cache: in memory, bounded by DOCINLINE_CACHE_ENTRIES and DOCINLINE_CACHE_BYTES. */
export function createMemoryParseCache(opts: { entries: number; bytes: number }): MemoryLruCache<ParseResult> {
  return new MemoryLruCache<ParseResult>({ maxEntries: opts.entries, maxBytes: opts.bytes, sizeOf: parseResultSize });
}
export { createCachedParser, type DocumentParser, type CachedParse, type ParseInput, type ParseFn } from './parser.js';

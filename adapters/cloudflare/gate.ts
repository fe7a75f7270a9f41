/**
 * Per-isolate bookkeeping of the Worker's parsing: an admission gate by document size, so concurrent
 * requests in one isolate cannot add up past its memory, and the record of which way each document of
 * a request went, reported in the x-docinline-parse-path response header.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DocinlineError } from '../../src/errors.js';

export type ParsePath = 'worker' | 'worker-ocr' | 'delegated' | 'cache';
export const PARSE_PATH_HEADER = 'x-docinline-parse-path';

/** Per request: the paths its documents took (set up by the fetch handler around each request). */
export const parsePaths = new AsyncLocalStorage<ParsePath[]>();

export function recordParsePath(path: ParsePath): void {
  parsePaths.getStore()?.push(path);
}

/** The header value: the distinct paths in order, cache hits (not seen by the parser) added from the count. */
export function parsePathHeader(paths: ParsePath[], cacheHits: number): string | null {
  const all = [...paths];
  if (cacheHits > 0) all.push('cache');
  const distinct = [...new Set(all)];
  return distinct.length ? distinct.join(', ') : null;
}

/** Bytes of documents being parsed at once in this isolate; more wait, too many waiting are refused. */
export class ParseGate {
  private inUse = 0;
  private readonly waiting: { weight: number; go: () => void }[] = [];

  constructor(
    private readonly budget: number,
    private readonly maxWaiting = 16,
  ) {}

  async run<T>(weight: number, f: () => Promise<T>): Promise<T> {
    const w = Math.min(weight, this.budget);
    if (this.inUse + w > this.budget || this.waiting.length) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new DocinlineError('server_overloaded', 'This Worker instance is busy parsing other documents; try again shortly.', { headers: { 'retry-after': '2' } });
      }
      // The releasing call reserves our weight before waking us.
      await new Promise<void>((go) => this.waiting.push({ weight: w, go }));
    } else {
      this.inUse += w;
    }
    try {
      return await f();
    } finally {
      this.inUse -= w;
      while (this.waiting.length && this.inUse + this.waiting[0]!.weight <= this.budget) {
        const next = this.waiting.shift()!;
        this.inUse += next.weight;
        next.go();
      }
    }
  }
}


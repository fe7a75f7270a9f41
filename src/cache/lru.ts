import type { KeyValueCache } from '../ports/storage.js';

/**
 * In-process LRU bounded by entry count and by an estimate of the bytes the values hold. A Map keeps
 * insertion order, so re-inserting on every hit makes its first key the least recently used.
 */
export class MemoryLruCache<T> implements KeyValueCache<T> {
  private readonly map = new Map<string, { value: T; size: number; expires: number }>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly opts: { maxEntries: number; maxBytes: number; sizeOf: (value: T) => number; now?: () => number },
  ) {}

  get size(): number {
    return this.map.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  async get(key: string): Promise<T | undefined> {
    const e = this.map.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    if (e.expires && e.expires <= (this.opts.now ?? Date.now)()) {
      this.drop(key);
      this.misses++;
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, e);
    this.hits++;
    return e.value;
  }

  async set(key: string, value: T, opts: { ttlSeconds?: number } = {}): Promise<void> {
    if (this.opts.maxEntries <= 0 || this.opts.maxBytes <= 0) return;
    const size = this.opts.sizeOf(value);
    // One value larger than the whole budget would evict everything and still not fit.
    if (size > this.opts.maxBytes) return;
    this.drop(key);
    const expires = opts.ttlSeconds ? (this.opts.now ?? Date.now)() + opts.ttlSeconds * 1000 : 0;
    this.map.set(key, { value, size, expires });
    this.bytes += size;
    while (this.map.size > this.opts.maxEntries || this.bytes > this.opts.maxBytes) {
      const oldest = this.map.keys().next().value as string;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.bytes -= e.size;
  }
}

import type { BlobStore } from '../ports/storage.js';

/**
 * Expiry index: one empty object per expiring thing at `expiry/<13-digit ms>/<ref>`. Keys sort by time,
 * so a sweep lists from the start and stops at the first entry in the future: its cost follows what is
 * due, not how much is stored. `ref` is the owner module's own key (e.g. `files/<ns>/<id>`).
 */

const PREFIX = 'expiry/';

export function expiryKey(atMs: number, ref: string): string {
  return `${PREFIX}${String(Math.max(0, Math.floor(atMs))).padStart(13, '0')}/${ref}`;
}

export async function addExpiry(blobs: BlobStore, atMs: number, ref: string): Promise<void> {
  await blobs.put(expiryKey(atMs, ref), '');
}

export async function removeExpiry(blobs: BlobStore, atMs: number, ref: string): Promise<void> {
  await blobs.delete(expiryKey(atMs, ref));
}

export interface DueEntry {
  key: string;
  atMs: number;
  ref: string;
}

/** Entries due at `nowMs` or earlier, oldest first. The caller deletes `key` once it has handled one. */
export async function* dueExpiries(blobs: BlobStore, nowMs: number): AsyncIterable<DueEntry> {
  for await (const key of blobs.list(PREFIX)) {
    const rest = key.slice(PREFIX.length);
    const slash = rest.indexOf('/');
    const atMs = Number(rest.slice(0, slash));
    if (slash < 0 || !Number.isFinite(atMs)) continue;
    if (atMs > nowMs) return;
    yield { key, atMs, ref: rest.slice(slash + 1) };
  }
}

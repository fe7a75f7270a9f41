import type { BlobStore } from '../ports/storage.js';
import { readAll } from './streams.js';

/**
 * Small JSON records kept in the blob store beside the blobs they describe (file metadata, batch
 * state), so every instance sharing the store sees the same state without a database.
 */

const MAX_RECORD_BYTES = 4 * 1024 * 1024;

export async function getJson<T>(blobs: BlobStore, key: string): Promise<T | null> {
  const obj = await blobs.get(key);
  if (!obj) return null;
  const bytes = await readAll(obj.body, MAX_RECORD_BYTES);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch {
    // A torn or foreign object is treated as absent rather than failing every listing that meets it.
    return null;
  }
}

export async function putJson(blobs: BlobStore, key: string, value: unknown): Promise<void> {
  await blobs.put(key, JSON.stringify(value), { contentType: 'application/json' });
}

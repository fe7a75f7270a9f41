import type { FileStore } from './store.js';
import { notFound } from './store.js';

/**
 * How the gateway reads an uploaded file by id when a request refers to it (chat `file_id`,
 * Responses `input_file.file_id`, /v1/parse). Implemented by the Files API (issue 6).
 */
export interface FileResolver {
  /** Throws DocinlineError('not_found') when the id is unknown, expired or owned by another key. */
  read(id: string, owner: string | null): Promise<{ filename: string; bytes: Uint8Array; sha256?: string }>;
  /**
   * The file's name, size and SHA-256 without reading its bytes, so a parse-cache hit (keyed on the
   * SHA-256) costs one small record read instead of downloading the file. Same errors as `read`.
   */
  stat?(id: string, owner: string | null): Promise<{ filename: string; size: number; sha256: string; contentType: string | null }>;
}

export function createFileResolver(store: FileStore): Required<FileResolver> {
  return {
    async read(id, owner) {
      const f = await store.read(owner, id);
      if (!f) throw notFound(id);
      return { filename: f.record.filename, bytes: f.bytes, sha256: f.record.sha256 };
    },
    async stat(id, owner) {
      const r = await store.require(owner, id);
      return { filename: r.filename, size: r.bytes, sha256: r.sha256, contentType: r.content_type };
    },
  };
}

/**
 * How the gateway reads an uploaded file by id when a request refers to it (chat `file_id`,
 * Responses `input_file.file_id`, /v1/parse). Implemented by the Files API (issue 6).
 */
export interface FileResolver {
  /** Throws DocinlineError('not_found') when the id is unknown, expired or owned by another key. */
  read(id: string, owner: string | null): Promise<{ filename: string; bytes: Uint8Array; sha256?: string }>;
}

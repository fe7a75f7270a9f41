import type { Hono } from 'hono';
import type { Config } from '../config.js';
import type { BlobStore, Sha256 } from '../ports/storage.js';
import type { AppEnv } from '../server/context.js';
import type { FileResolver } from './resolver.js';
import { createFileResolver } from './resolver.js';
import { FileStore } from './store.js';
import { filesRoutes } from '../server/routes/files.js';

export { FileStore, PendingUpload, toFileObject, UPLOAD_PURPOSES, OUTPUT_PURPOSES } from './store.js';
export type { FileRecord, OpenAIFileObject, ListQuery } from './store.js';
export type { FileResolver } from './resolver.js';

export interface FilesModule {
  /** Used by the gateway to read `file_id` parts. */
  resolver: FileResolver;
  /** Mounted by the app at /v1/files. */
  routes: Hono<AppEnv>;
  /** The store itself, for modules that write files (batch output) or read them (batch input). */
  store: FileStore;
  /** Deletes expired files; runtimes call it on a timer (Node) or a cron trigger (Workers). */
  sweepExpired(): Promise<number>;
  /** Deletes bytes whose upload never committed (process died mid-upload). A full scan: run rarely. */
  collectOrphans(minAgeMs?: number): Promise<number>;
}

export function createFilesModule(deps: {
  blobs: BlobStore;
  config: Config;
  /** Native incremental SHA-256 (Node passes node:crypto's); plain JS when absent. */
  sha256?: () => Sha256;
  /** Clock in ms, for tests. */
  now?: () => number;
}): FilesModule {
  const store = new FileStore(deps.blobs, { sha256: deps.sha256, now: deps.now });
  return {
    resolver: createFileResolver(store),
    routes: filesRoutes(store, {
      maxFileBytes: deps.config.limits.maxFileBytes,
      minExpirySeconds: deps.config.files?.minExpirySeconds ?? 3600,
    }),
    store,
    sweepExpired: () => store.sweepExpired(),
    collectOrphans: (minAgeMs) => store.collectOrphans(minAgeMs),
  };
}

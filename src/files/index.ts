import { Hono } from 'hono';
import type { Config } from '../config.js';
import type { BlobStore } from '../ports/storage.js';
import type { AppEnv } from '../server/context.js';
import type { FileResolver } from './resolver.js';
import { DocinlineError } from '../errors.js';

export interface FilesModule {
  /** Used by the gateway to read `file_id` parts. */
  resolver: FileResolver;
  /** Mounted by the app at /v1/files. */
  routes: Hono<AppEnv>;
}

/** STUB: replaced by the Files API work (issue 6). */
export function createFilesModule(deps: { blobs: BlobStore; config: Config }): FilesModule {
  void deps;
  return {
    resolver: {
      async read(id) {
        throw new DocinlineError('not_found', `No such file: ${id}`);
      },
    },
    routes: new Hono<AppEnv>(),
  };
}

import { createHash } from 'node:crypto';
import type { Config } from '../../src/config.js';
import type { BlobStore, Sha256 } from '../../src/ports/storage.js';
import type { FilesModule } from '../../src/files/index.js';
import { createLocalBlobStore } from './storage-local.js';
import { createS3BlobStore } from './storage-s3.js';

/** The store the config asks for: S3-compatible when DOCINLINE_S3_BUCKET is set, else local disk. */
export function createBlobStore(config: Config): BlobStore {
  const s3 = config.storage.s3;
  if (s3) return createS3BlobStore(s3);
  return createLocalBlobStore(config.storage.dataDir);
}

/** node:crypto's incremental SHA-256 (~20× the plain-JS fallback), for createFilesModule({ sha256 }). */
export function nodeSha256(): Sha256 {
  const h = createHash('sha256');
  return {
    update(chunk) {
      h.update(chunk);
    },
    digest() {
      return h.digest('hex');
    },
  };
}

/**
 * Deletes expired files every `config.files.sweepIntervalSeconds` (and orphaned upload bytes at start
 * and every six hours). Several instances sweeping one bucket is fine: deletes are idempotent.
 * Returns a stop function; the timers do not keep the process alive.
 */
export function startFileSweeper(files: Pick<FilesModule, 'sweepExpired' | 'collectOrphans'>, config: Config, onError?: (e: unknown) => void): () => void {
  const every = config.files.sweepIntervalSeconds * 1000;
  const report = (e: unknown) => onError?.(e);
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      await files.sweepExpired();
    } catch (e) {
      report(e);
    } finally {
      running = false;
    }
  };
  const collect = () => files.collectOrphans().catch(report);
  const timers: NodeJS.Timeout[] = [];
  if (every > 0) {
    timers.push(setInterval(sweep, every));
    void sweep();
  }
  timers.push(setInterval(collect, 6 * 3600_000));
  const first = setTimeout(collect, 10_000);
  timers.push(first);
  for (const t of timers) t.unref();
  return () => {
    for (const t of timers) clearInterval(t);
  };
}

/**
 * The Worker's bindings (wrangler.toml) next to its vars and secrets. Vars and secrets carry the same
 * names as the Node server's environment (DOCINLINE_UPSTREAM_URL, …) and are read only by the config.
 */
import type { CoordinatorNamespace, KVNamespace, Queue, R2Bucket, ServiceBinding } from './cf.js';
export interface WorkerEnv {
  /** Files, their records and batch state (the BlobStore). Without it the Files and Batch APIs are off. */
  FILES?: R2Bucket;
  /** Shared parse cache; without it the colo's Cache API is used. */
  PARSE_CACHE?: KVNamespace;
  /** Batch jobs (producer side; the same queue is consumed by this Worker's `queue` handler). */
  JOBS?: Queue<unknown>;
  /** Locks and job de-duplication for the batch queue. */
  COORDINATOR?: CoordinatorNamespace;
  /** A Node docinline reached by service binding for OCR the Worker cannot do (instead of a URL). */
  PARSE_SERVICE?: ServiceBinding;
  [name: string]: unknown;
}

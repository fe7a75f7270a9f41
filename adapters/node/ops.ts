/**
 * What the Node server adds to /readyz and /metrics: storage and queue checks, queue depth, in-flight
 * requests and process memory.
 */
import { createRequire } from 'node:module';
import type { Config } from '../../src/config.js';
import type { JobQueue } from '../../src/ports/queue.js';
import type { BlobStore } from '../../src/ports/storage.js';
import type { GatewayMetrics } from '../../src/server/metrics.js';
import type { ReadinessCheck } from '../../src/server/routes/ops.js';

const require = createRequire(import.meta.url);

export function packageVersion(): string {
  for (const p of ['../../package.json', '../../../package.json']) {
    try {
      const v = (require(p) as { name?: string; version?: string });
      if (v.name === 'docinline' && v.version) return v.version;
    } catch {
      // try the next layout (sources through tsx, or dist/)
    }
  }
  return 'dev';
}

export function nodeReadiness(config: Config, blobs: BlobStore, queue: JobQueue, metrics: GatewayMetrics): Record<string, ReadinessCheck> {
  // Local disk: a write and a delete prove the directory is there and writable (a read alone cannot
  // tell a missing folder from a missing file). S3: a HEAD, which costs nothing and proves the
  // endpoint, the credentials and the bucket.
  const probeKey = `health/readyz-${process.pid}`;
  const storage: ReadinessCheck = config.storage.s3
    ? async () => {
        await blobs.head('health/readyz');
        return { kind: 's3', bucket: config.storage.s3!.bucket };
      }
    : async () => {
        await blobs.put(probeKey, 'ok', { contentType: 'text/plain' });
        await blobs.delete(probeKey);
        return { kind: 'local' };
      };
  const queueCheck: ReadinessCheck = async () => {
    const counts = await queue.counts?.();
    return { kind: queue.kind, ...(counts ?? {}) };
  };
  if (queue.counts) {
    metrics.queueJobs.onCollect(async (g) => {
      const c = await queue.counts!();
      g.set(['waiting'], c.waiting);
      g.set(['active'], c.active);
      g.set(['delayed'], c.delayed);
    });
  }
  return { storage, queue: queueCheck };
}

export function registerProcessMetrics(metrics: GatewayMetrics, requests: { readonly inFlight: number }): void {
  const r = metrics.registry;
  r.gauge('docinline_http_requests_in_flight', 'Requests whose response has not finished (streams count until their last byte).', [], (g) =>
    g.set([], requests.inFlight),
  );
  r.gauge('process_resident_memory_bytes', 'Resident set size.', [], (g) => g.set([], process.memoryUsage.rss()));
  r.gauge('nodejs_heap_used_bytes', 'V8 heap in use.', [], (g) => g.set([], process.memoryUsage().heapUsed));
  const start = Math.round((Date.now() - performance.now()) / 1000);
  r.gauge('process_start_time_seconds', 'Start time of the process, in Unix seconds.', [], (g) => g.set([], start));
}

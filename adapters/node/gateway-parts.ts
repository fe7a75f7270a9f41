/**
 * The gateway's runtime-specific parts as every Node entry point builds them from the config
 * (`docinline serve`, `docinline worker`, the Lambda app): the parse runtime, the DNS-pinned document
 * fetcher and the keep-alive backend client.
 */
import type { Config } from '../../src/config.js';
import { createDocumentFetcher, type DocumentFetcher } from '../../src/fetch/fetcher.js';
import { createFetchPolicy } from '../../src/fetch/policy.js';
import type { ParseRuntime } from '../../src/ports/parsing.js';
import type { UpstreamTransport } from '../../src/server/upstream.js';
import { createNodeTransport, createUpstreamTransport, type Resolver } from './fetch.js';
import { createNodeRuntime } from './runtime.js';

export interface NodeGatewayParts {
  runtime: ParseRuntime;
  fetcher: DocumentFetcher;
  upstream: UpstreamTransport;
  /** Closes the fetcher's and the backend client's connections and the OCR workers; never rejects. */
  close(): Promise<void>;
}

export function createNodeGatewayParts(
  config: Config,
  opts: {
    /** Instead of the Node runtime built from the config (tests, embedding); still closed by close(). */
    runtime?: ParseRuntime;
    /** DNS for document URLs (default the system resolver). */
    resolver?: Resolver;
  } = {},
): NodeGatewayParts {
  const runtime = opts.runtime ?? createNodeRuntime({ ocrDefaults: { workers: config.ocr.workers || undefined, timeoutMs: config.limits.parseTimeoutMs } });
  const policy = createFetchPolicy({ allow: config.fetch.allow });
  const transport = createNodeTransport(policy, { resolver: opts.resolver });
  const fetcher = createDocumentFetcher({ policy, transport, timeoutMs: config.fetch.timeoutMs, maxRedirects: config.fetch.maxRedirects });
  const upstream = createUpstreamTransport();
  return {
    runtime,
    fetcher,
    upstream: upstream.transport,
    async close() {
      await Promise.allSettled([transport.close(), upstream.close(), runtime.ocr?.close()]);
    },
  };
}

import type { DocumentParser } from '../cache/parser.js';
import type { Config } from '../config.js';
import type { FileResolver } from '../files/resolver.js';
import type { InlineDeps, InlineStats } from '../inline/inline.js';
import type { Authenticator } from './auth.js';
import type { RequestIO } from './io.js';
import type { Logger } from './logger.js';
import type { Router, UpstreamTransport } from './upstream.js';

/** The services every gateway route shares, built once by createApp. */
export interface Gateway {
  config: Config;
  router: Router;
  parser: DocumentParser;
  files: FileResolver;
  inline: InlineDeps;
  auth: Authenticator;
  transport: UpstreamTransport;
  io: RequestIO;
  logger: Logger;
}

export function statsHeaders(s: InlineStats): Record<string, string> {
  // Most requests inline nothing: their values are constants.
  if (s === NO_DOCUMENTS) return { 'x-docinline-documents': '0', 'x-docinline-pages': '0', 'x-docinline-cache-hits': '0', 'x-docinline-parse-ms': '0.0' };
  return {
    'x-docinline-documents': String(s.documents),
    'x-docinline-pages': String(s.pages),
    'x-docinline-cache-hits': String(s.cacheHits),
    'x-docinline-parse-ms': s.parseMs.toFixed(1),
  };
}

export const NO_DOCUMENTS: InlineStats = Object.freeze({ documents: 0, pages: 0, cacheHits: 0, parseMs: 0 });

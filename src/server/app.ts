import { Hono, type Context, type Next } from 'hono';
import { routePath } from 'hono/route';
import { createCachedParser } from '../cache/parser.js';
import { createMemoryParseCache } from '../cache/index.js';
import type { Config } from '../config.js';
import { DocinlineError, toDocinlineError } from '../errors.js';
import { createDocumentFetcher, webTransport, type DocumentFetcher, type HttpTransport } from '../fetch/fetcher.js';
import { createFetchPolicy } from '../fetch/policy.js';
import type { FilesModule } from '../files/index.js';
import type { FileResolver } from '../files/resolver.js';
import type { ParseOptions, ParseResult } from '../model/options.js';
import { parseDocument as defaultParseDocument } from '../parse.js';
import type { StaticFiles } from '../ports/assets.js';
import type { ParseRuntime } from '../ports/parsing.js';
import type { KeyValueCache } from '../ports/storage.js';
import { createAuthenticator } from './auth.js';
import type { AppEnv } from './context.js';
import { errorResponse } from './errors.js';
import type { Gateway } from './gateway.js';
import { webRequestIO, type RequestIO } from './io.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, observeParser, observeTransport, type GatewayMetrics } from './metrics.js';
import { completionRoutes } from './routes/completions.js';
import { opsRoutes, type ReadinessCheck } from './routes/ops.js';
import { parseRoutes } from './routes/parse.js';
import { uiRoutes } from './routes/ui.js';
import { createRouter, fetchTransport, type UpstreamTransport } from './upstream.js';

/**
 * Everything the gateway needs from its runtime. Only `config` and `runtime` are required; the rest have
 * portable defaults (in-memory cache, the runtime's own fetch, no Files API, console logs).
 */
export interface AppDeps {
  config: Config;
  /** What parseDocument runs on (Node: pdfjs-dist + sharp + tesseract.js). */
  runtime: ParseRuntime;
  /** The engine entry point; a runtime may substitute one (e.g. delegate to another service). */
  parseDocument?: (bytes: Uint8Array, options: ParseOptions, runtime: ParseRuntime) => Promise<ParseResult>;
  /** Parse cache; default an in-memory LRU sized by the config. */
  cache?: KeyValueCache<ParseResult>;
  /** The Files API (mounted at /v1/files; its resolver reads `file_id` parts). */
  files?: FilesModule;
  /** The Batch API routes (src/batch), mounted at /v1/batches. */
  batches?: Hono<AppEnv>;
  /** Downloads documents by URL; default: the policy from the config over `transport`. */
  fetcher?: DocumentFetcher;
  /** Used when `fetcher` is not given. Node passes one that vets resolved addresses. */
  transport?: HttpTransport;
  /** How the backend is called; default the runtime's fetch. */
  upstream?: UpstreamTransport;
  logger?: Logger;
  /** Faster body reading and disconnect detection for the runtime (default: through the Web Request). */
  io?: RequestIO;
  /** Prometheus metrics (GET /metrics); one set per app by default. Share it with createGateway callers. */
  metrics?: GatewayMetrics;
  /** GET /readyz checks the runtime can run (e.g. storage, queue); the backends are always checked. */
  readiness?: Record<string, ReadinessCheck>;
  /** pdf.js' browser build for the playground's page images (/ui/pdfjs/*). */
  pdfjs?: StaticFiles;
  /** Reported in /openapi.json. */
  version?: string;
}

const noFiles: FileResolver = {
  async read(id) {
    throw new DocinlineError('not_found', `No such file: ${id} (the Files API is not enabled on this server).`);
  },
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Routes that put x-request-id on every answer (success, backend error, their own errors) themselves. */
const SETS_OWN_REQUEST_ID = new Set(['/v1/chat/completions', '/v1/responses', '/v1/models']);

/** `req_` and 32 hex digits (a random UUID without its dashes). */
function newRequestId(): string {
  const u = crypto.randomUUID();
  return 'req_' + u.slice(0, 8) + u.slice(9, 13) + u.slice(14, 18) + u.slice(19, 23) + u.slice(24);
}

export function createGateway(deps: AppDeps): Gateway {
  const { config } = deps;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const parseFn = deps.parseDocument ?? defaultParseDocument;
  const cache = deps.cache ?? createMemoryParseCache(config.cache);
  const cachedParser = createCachedParser({
    cache,
    parse: (bytes, options) => parseFn(bytes, options, deps.runtime),
    onCacheError: (e) => logger.warn('parse cache unavailable', { error: String((e as Error)?.message ?? e) }),
  });
  const parser = deps.metrics ? observeParser(cachedParser, deps.metrics) : cachedParser;
  const upstream = deps.upstream ?? fetchTransport();
  const fetcher =
    deps.fetcher ??
    createDocumentFetcher({
      policy: createFetchPolicy({ allow: config.fetch.allow }),
      transport: deps.transport ?? webTransport(),
      timeoutMs: config.fetch.timeoutMs,
      maxRedirects: config.fetch.maxRedirects,
    });
  const files = deps.files?.resolver ?? noFiles;
  return {
    config,
    router: createRouter(config.upstream),
    parser,
    files,
    inline: { parser, fetcher, files, limits: config.limits, defaults: { ocr: config.ocr.mode, languages: config.ocr.languages } },
    auth: createAuthenticator(config.apiKeys),
    transport: deps.metrics ? observeTransport(upstream, deps.metrics) : upstream,
    io: deps.io ?? webRequestIO,
    logger,
  };
}

/** The whole HTTP surface as one Hono app; each runtime adapter serves it with its own deps. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const metrics = deps.metrics ?? createMetrics();
  const gw = createGateway({ ...deps, metrics });
  const { logger } = gw;
  const app = new Hono<AppEnv>();

  app.onError((err, c) => {
    const e = toDocinlineError(err);
    const requestId = c.get('requestId');
    if (e.status >= 500 && e.code !== 'upstream_error' && e.code !== 'upstream_timeout') {
      logger.error('request failed', { requestId, code: e.code, error: String((err as Error)?.stack ?? err) });
    }
    return errorResponse(e, requestId ? { 'x-request-id': requestId } : {});
  });
  app.notFound((c) => {
    const requestId = c.get('requestId');
    return errorResponse(new DocinlineError('not_found', `Unknown route: ${c.req.method} ${c.req.path}`), requestId ? { 'x-request-id': requestId } : {});
  });

  // One middleware for every request (a layer less to pass through on the hot path): metrics by route
  // pattern for all of them, and for /v1 the request id, the API key and the access log line.
  const series = new Map<string, { count: { inc(): void }; duration: { observe(x: number): void } }>();
  const observe = (method: string, route: string, status: number, seconds: number) => {
    const key = `${method} ${status} ${route}`;
    let s = series.get(key);
    if (!s) {
      s = { count: metrics.httpRequests.labels([method, route, String(status)]), duration: metrics.httpDuration.labels([method, route]) };
      series.set(key, s);
    }
    s.count.inc();
    s.duration.observe(seconds);
  };
  app.use('*', async (c, next) => {
    const started = performance.now();
    const path = c.req.path;
    let refused = false;
    if (path.startsWith('/v1/') || path === '/v1') refused = await v1(c, next, path, started);
    else await next();
    const status = c.res.status;
    // Counted by route pattern (never the raw path: ids would make a series each); a refused request
    // (401) under the route it was sent to.
    let route = refused ? routePath(c, -1) : routePath(c);
    if (status === 404 && route.endsWith('*')) route = 'unmatched';
    const method = c.req.method;
    observe(METHODS.has(method) ? method : 'OTHER', route, status, (performance.now() - started) / 1000);
  });

  /** Runs a /v1 request; true when it was refused (bad API key) without reaching its route. */
  const v1 = async (c: Context<AppEnv>, next: Next, path: string, started: number): Promise<boolean> => {
    const incoming = gw.io.header(c, 'x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : newRequestId();
    c.set('requestId', requestId);
    const owner = gw.auth.enabled ? await gw.auth.owner(c.req.raw.headers) : null;
    if (owner === undefined) {
      // Refused requests are logged too (never the key that was presented).
      if (logger.enabled('info')) {
        logger.info('request', { requestId, method: c.req.method, path, status: 401, ms: Math.round((performance.now() - started) * 10) / 10 });
      }
      c.res = errorResponse(new DocinlineError('invalid_api_key', 'Missing or invalid API key. Send it as "Authorization: Bearer <key>".'), {
        'x-request-id': requestId,
        'www-authenticate': 'Bearer',
      });
      return true;
    }
    c.set('owner', owner);
    // Answers built with c.json/c.body (files, batches, parse) carry it from here; the forwarding routes
    // put it on every answer themselves (and skip building a Headers object for it).
    if (!SETS_OWN_REQUEST_ID.has(path)) c.header('x-request-id', requestId);
    await next();
    if (logger.enabled('info')) {
      const line: Record<string, unknown> = {
        requestId,
        method: c.req.method,
        path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      };
      if (owner) line.owner = owner;
      const s = c.get('inlineStats');
      if (s && s.documents) {
        line.documents = s.documents;
        line.pages = s.pages;
        line.cacheHits = s.cacheHits;
        line.parseMs = Math.round(s.parseMs);
      }
      logger.info('request', line);
    }
    return false;
  };

  app.get('/health', (c) => c.json({ status: 'ok' }));

  app.route('/v1', completionRoutes(gw));
  app.route('/v1', parseRoutes(gw));
  if (deps.files) app.route('/v1/files', deps.files.routes);
  app.route(
    '/',
    opsRoutes({ config: deps.config, metrics, checks: deps.readiness ?? {}, upstream: deps.upstream ?? fetchTransport(), routes: () => app.routes, version: deps.version ?? 'dev' }),
  );
  if (deps.config.ui !== false) app.route('/', uiRoutes({ auth: gw.auth.enabled, maxFileBytes: deps.config.limits.maxFileBytes, pdfjs: deps.pdfjs }));
  if (deps.batches) app.route('/v1/batches', deps.batches);
  return app;
}

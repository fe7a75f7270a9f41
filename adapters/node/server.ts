/**
 * The gateway on Node: builds the app with Node deps (pdf.js runtime, disk or S3 files, DNS-pinned URL
 * fetching, a keep-alive backend client) and serves it with @hono/node-server.
 */
// First: it keeps the builtins pdf.js' polyfills replace (see builtins.ts).
import { preloadPdfWorker, restoreBuiltins } from './builtins.js';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AppEnv } from '../../src/server/context.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createFilesModule, type FilesModule } from '../../src/files/index.js';
import type { ParseOptions, ParseResult } from '../../src/model/options.js';
import type { ParseRuntime } from '../../src/ports/parsing.js';
import type { KeyValueCache } from '../../src/ports/storage.js';
import { createApp, createGateway, type AppDeps } from '../../src/server/app.js';
import { createMemoryParseCache } from '../../src/cache/index.js';
import { startBatches } from './batch.js';
import { bodyTooLarge } from '../../src/server/body.js';
import { webRequestIO, type RequestIO } from '../../src/server/io.js';
import { relayStream } from '../../src/server/upstream.js';
import { DocinlineError } from '../../src/errors.js';
import { createLogger, type Logger } from '../../src/server/logger.js';
import type { Resolver } from './fetch.js';
import { createNodeGatewayParts } from './gateway-parts.js';
import { createBlobStore, nodeSha256, startFileSweeper } from './storage.js';
import { createMetrics } from '../../src/server/metrics.js';
import { trackRequests } from './drain.js';
import { nodeReadiness, registerProcessMetrics, packageVersion } from './ops.js';
import { pdfjsBrowserFiles } from './ui-assets.js';

/**
 * Body and disconnect handling straight on the Node request/response, skipping the WHATWG Request that
 * @hono/node-server would otherwise build around the socket for every request.
 */
export const nodeRequestIO: RequestIO = {
  body(c, maxBytes) {
    const incoming = (c.env as NodeBindings | undefined)?.incoming;
    if (!incoming) return webRequestIO.body(c, maxBytes);
    const declared = incoming.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) return Promise.reject(bodyTooLarge(maxBytes, Number(declared)));
    // A small body has usually arrived whole (in the request's first packets) before the route runs:
    // it then sits in the stream's buffer and is taken in one read, without listeners.
    const chunks: Buffer[] = [];
    let size = 0;
    if (incoming.complete && incoming.readableFlowing === null && !incoming.readableDidRead && incoming.readableLength <= maxBytes) {
      // read() without a size hands out the whole buffer of a paused byte stream.
      const all = incoming.read() as Buffer | null;
      if (incoming.readableLength === 0) return Promise.resolve(all ?? new Uint8Array(0));
      if (all) {
        chunks.push(all);
        size = all.length;
      }
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      const done = (err: unknown, value?: Uint8Array) => {
        incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
        if (err) reject(err);
        else resolve(value!);
      };
      const onData = (b: Buffer) => {
        size += b.length;
        if (size > maxBytes) {
          incoming.pause();
          done(bodyTooLarge(maxBytes));
        } else chunks.push(b);
      };
      const onEnd = () => done(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      const onError = (e: unknown) => done(new DocinlineError('aborted', 'The request body could not be read.', { cause: e }));
      const onClose = () => {
        if (!incoming.complete) done(new DocinlineError('aborted', 'The client closed the connection while sending the body.'));
      };
      incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    });
  },
  header(c, name) {
    const incoming = (c.env as NodeBindings | undefined)?.incoming;
    if (!incoming) return webRequestIO.header(c, name);
    const v = incoming.headers[name];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  },
  onClose(c, fn) {
    const outgoing = (c.env as NodeBindings | undefined)?.outgoing;
    if (!outgoing) return webRequestIO.onClose(c, fn);
    if (outgoing.destroyed || outgoing.closed) {
      queueMicrotask(fn);
      return () => {};
    }
    // `on`, not `once`: 'close' comes once anyway, and once() wraps every listener in a bound copy.
    const listener = () => {
      if (!outgoing.writableFinished) fn();
    };
    outgoing.on('close', listener);
    return () => outgoing.off('close', listener);
  },
  signal(c) {
    const ctrl = new AbortController();
    nodeRequestIO.onClose(c, () => ctrl.abort(new DocinlineError('aborted', 'The client closed the connection.')));
    return ctrl.signal;
  },
  stream(c, status, headers, relay) {
    const outgoing = (c.env as NodeBindings | undefined)?.outgoing;
    if (!outgoing) return new Response(relayStream(relay), { status, headers });
    // No flushHeaders: the head leaves in the same packet as the first event.
    outgoing.writeHead(status, headers);
    const onClose = () => {
      if (!outgoing.writableFinished) relay.cancel(new DocinlineError('aborted', 'The client closed the stream.'));
    };
    outgoing.on('close', onClose);
    void (async () => {
      try {
        for (;;) {
          const chunk = await relay.next();
          if (!chunk || outgoing.destroyed) break;
          if (!outgoing.write(chunk)) await drained(outgoing);
        }
        if (!outgoing.destroyed) outgoing.end();
      } catch (e) {
        // next() turns backend failures into an error event, so this is a bug or the socket failing.
        relay.cancel(e);
        outgoing.destroy(e as Error);
      } finally {
        outgoing.off('close', onClose);
      }
    })();
    // What @hono/node-server is handed instead: it leaves a response carrying this header alone.
    return new Response(null, { status, headers: { 'x-hono-already-sent': 'true' } });
  },
};

/** Resolves when `out` can take more (or is gone: the caller checks). */
function drained(out: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done).off('close', done);
      resolve();
    };
    out.on('drain', done).on('close', done);
  });
}

type NodeBindings = { incoming: IncomingMessage; outgoing: ServerResponse };

/**
 * Log lines are gathered and written together: at most every 20 ms, or at once past 64 KiB, and on exit.
 * Every request writes a line; at a few thousand requests per second a write per line (or per event-loop
 * turn, which at moderate load is nearly the same) is a system call per request.
 */
function bufferedStdout(): (line: string) => void {
  let lines: string[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!lines.length) return;
    const out = lines.join('\n') + '\n';
    lines = [];
    size = 0;
    process.stdout.write(out);
  };
  process.once('exit', flush);
  return (line) => {
    lines.push(line);
    size += line.length;
    if (size > 65536) flush();
    else if (!timer) {
      timer = setTimeout(flush, 20);
      // A line waiting to be written does not keep the process alive (exit writes it).
      timer.unref();
    }
  };
}

export interface StartOptions {
  /** Environment to read the config from (default process.env); ignored when `config` is given. */
  env?: Record<string, string | undefined>;
  config?: Config;
  /** Overrides for tests and embedding. */
  runtime?: ParseRuntime;
  parseDocument?: (bytes: Uint8Array, options: ParseOptions, runtime: ParseRuntime) => Promise<ParseResult>;
  cache?: KeyValueCache<ParseResult>;
  logger?: Logger;
  /** DNS for document URLs (default the system resolver). */
  resolver?: Resolver;
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8787 (the OpenAI base URL is this + "/v1"). */
  url: string;
  port: number;
  host: string;
  config: Config;
  server: Server;
  /** The Hono app being served (its `routes` list what the server answers). */
  app: Hono<AppEnv>;
  close(): Promise<void>;
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const config = opts.config ?? loadConfig(opts.env ?? process.env);
  const logger = opts.logger ?? createLogger(config.logLevel, bufferedStdout());
  await preloadPdfWorker();
  const restored = restoreBuiltins();
  const parts = createNodeGatewayParts(config, { runtime: opts.runtime, resolver: opts.resolver });
  const blobs = createBlobStore(config);
  const files: FilesModule = createFilesModule({ blobs, config, sha256: nodeSha256 });
  const stopSweeper = startFileSweeper(files, config, (e) => logger.warn('file sweep failed', { error: String((e as Error)?.message ?? e) }));

  const deps: AppDeps = {
    config,
    runtime: parts.runtime,
    parseDocument: opts.parseDocument,
    // One parse cache for live requests and the batch lines this process runs.
    cache: opts.cache ?? createMemoryParseCache(config.cache),
    files,
    fetcher: parts.fetcher,
    upstream: parts.upstream,
    io: nodeRequestIO,
    logger,
    metrics: createMetrics(),
    pdfjs: config.ui ? pdfjsBrowserFiles() : undefined,
    version: packageVersion(),
  };
  const batches = await startBatches({ config, files, logger, gateway: () => createGateway(deps) });
  const app = createApp({ ...deps, batches: batches.module.routes, readiness: nodeReadiness(config, blobs, batches.queue, deps.metrics!) });

  if (restored) logger.debug('restored builtins replaced by pdf.js polyfills', { count: restored });

  let drain: ReturnType<typeof trackRequests> | undefined;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: (req, env) => (drain?.draining ? drain.refuse() : app.fetch(req, env)), port: config.port, hostname: config.host }) as Server;
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  }).catch(async (e) => {
    await batches.close().catch(() => {});
    throw e;
  });
  // Long reasoning streams must not be cut by Node's defaults; keep-alive a little longer than typical
  // load balancers (60 s idle) would otherwise race.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  drain = trackRequests(server);
  registerProcessMetrics(deps.metrics!, drain);
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    host: addr.address,
    config,
    server,
    app,
    close() {
      closing ??= (async () => {
        stopSweeper();
        // New requests get 503 while the running ones (streams too) finish, up to the grace period.
        const batchesClosed = batches.close().catch(() => {});
        if (drain!.inFlight) logger.info('draining', { inFlight: drain!.inFlight, graceMs: config.shutdownGraceMs });
        const drained = await drain!.start(config.shutdownGraceMs);
        if (!drained) logger.warn('shutdown grace period over; closing open connections', { inFlight: drain!.inFlight });
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await batchesClosed;
        await parts.close();
      })();
      return closing;
    },
  };
}

import { Hono } from 'hono';
import { ReadinessQuery } from '../../api/ops.js';
import type { Config } from '../../config.js';
import { DocinlineError } from '../../errors.js';
import { Cancellation } from '../cancel.js';
import type { AppEnv } from '../context.js';
import { PROMETHEUS_CONTENT_TYPE, type GatewayMetrics } from '../metrics.js';
import { buildOpenApi, type RouteInfo } from '../openapi.js';
import type { UpstreamTransport } from '../upstream.js';

/**
 * Operations: liveness (/healthz), readiness (/readyz: storage, queue and backends, each reported),
 * Prometheus metrics (/metrics) and the OpenAPI document (/openapi.json). None of them needs an API key:
 * orchestrators' probes and scrapers send none, and nothing here carries user data.
 */

/** One readiness check: resolves (optionally with details to report) or throws. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<Record<string, unknown> | void>;

export interface OpsOptions {
  config: Config;
  metrics: GatewayMetrics;
  /** Checks the runtime provides (storage, queue); the backends' check is added here. */
  checks: Record<string, ReadinessCheck>;
  /** How backends are probed (not the instrumented one: probes are not traffic). */
  upstream: UpstreamTransport;
  /** The app's registered routes, read when /openapi.json is first asked for. */
  routes: () => readonly RouteInfo[];
  version: string;
}

/** Each check's budget; a hung dependency reports as failed instead of hanging the probe. */
const CHECK_TIMEOUT_MS = 3000;
/** Backends are asked at most this often, however many probes arrive. */
const UPSTREAM_PROBE_TTL_MS = 2000;

function message(e: unknown): string {
  const m = (e as Error)?.message ?? String(e);
  return m.length > 300 ? `${m.slice(0, 300)}…` : m;
}

/**
 * Every configured backend answers GET {url}/models with an HTTP status below 500 (a 401 or 404 still
 * proves it is there). Results are shared for a moment so that probes cannot flood the backends.
 */
export function upstreamCheck(config: Config, transport: UpstreamTransport): ReadinessCheck {
  const targets = new Map<string, string>(); // url -> its key
  targets.set(config.upstream.url, config.upstream.apiKey);
  for (const r of Object.values(config.upstream.routes)) if (!targets.has(r.url)) targets.set(r.url, r.apiKey ?? '');
  let last: { at: number; result: Promise<Record<string, unknown>> } | null = null;

  const probe = async (url: string, apiKey: string) => {
    const started = performance.now();
    const ctrl = new Cancellation();
    const timer = setTimeout(() => ctrl.abort(new DocinlineError('upstream_timeout', `no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    try {
      const res = await transport(`${url}/models`, {
        method: 'GET',
        headers: { accept: 'application/json', 'x-request-id': 'readyz', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
        signal: ctrl,
      });
      await res.bytes().catch(() => undefined);
      const ms = Math.round(performance.now() - started);
      return res.status < 500 ? { status: 'ok', http: res.status, ms } : { status: 'error', http: res.status, ms, error: `HTTP ${res.status}` };
    } catch (e) {
      const reason = ctrl.aborted ? ctrl.reason : e;
      return { status: 'error', ms: Math.round(performance.now() - started), error: message(reason) };
    } finally {
      clearTimeout(timer);
    }
  };

  return async () => {
    const now = Date.now();
    if (!last || now - last.at > UPSTREAM_PROBE_TTL_MS) {
      last = {
        at: now,
        result: (async () => {
          const entries = await Promise.all([...targets].map(async ([url, key]) => [new URL(url).host, await probe(url, key)] as const));
          return Object.fromEntries(entries);
        })(),
      };
    }
    const byHost = await last.result;
    const failed = Object.entries(byHost).filter(([, r]) => (r as { status: string }).status !== 'ok');
    if (failed.length) {
      const err = new Error(failed.map(([h, r]) => `${h}: ${(r as { error?: string }).error}`).join('; '));
      (err as Error & { details?: unknown }).details = { targets: byHost };
      throw err;
    }
    return { targets: byHost };
  };
}

async function runCheck(check: ReadinessCheck): Promise<Record<string, unknown>> {
  const started = performance.now();
  const ctrl = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const details = await Promise.race([
      check(ctrl.signal),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          ctrl.abort();
          reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`));
        }, CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'ok', ms: Math.round(performance.now() - started), ...(details ?? {}) };
  } catch (e) {
    const details = (e as { details?: Record<string, unknown> })?.details ?? {};
    return { status: 'error', ms: Math.round(performance.now() - started), error: message(e), ...details };
  } finally {
    clearTimeout(timer);
  }
}

export function opsRoutes(o: OpsOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const checks: Record<string, ReadinessCheck> = { ...o.checks, upstream: upstreamCheck(o.config, o.upstream) };
  let openapi: string | null = null;

  app.get('/healthz', () => new Response('{"status":"ok"}', { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } }));

  app.get('/readyz', async (c) => {
    const q = ReadinessQuery.safeParse(c.req.query());
    if (!q.success) throw new DocinlineError('invalid_request', q.error.issues[0]!.message, { param: 'skip' });
    const skip = new Set((q.data.skip ?? '').split(',').filter(Boolean));
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, skip.has(name) ? { status: 'skipped' } : await runCheck(check)] as const),
    );
    const ok = results.every(([, r]) => r.status !== 'error');
    return c.json({ status: ok ? 'ok' : 'error', checks: Object.fromEntries(results) }, ok ? 200 : 503, { 'cache-control': 'no-store' });
  });

  app.get('/metrics', async () => {
    return new Response(await o.metrics.registry.render(), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' } });
  });

  app.get('/openapi.json', () => {
    openapi ??= JSON.stringify(buildOpenApi(o.routes(), { version: o.version, auth: o.config.apiKeys.length > 0 }));
    return new Response(openapi, { headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' } });
  });
  return app;
}

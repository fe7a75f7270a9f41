/**
 * Configuration on Workers: the same variables as the Node server (src/config.ts), read from the
 * Worker's vars and secrets, with defaults sized for an isolate of 128 MB, plus the few settings only a
 * Worker has (the parse service it delegates OCR to, in-Worker OCR, the KV cache's lifetime).
 */
import { z } from 'zod';
import { ConfigError, loadConfig, type Config } from '../../src/config.js';

const MiB = 1024 * 1024;

/**
 * Defaults that differ from the Node server's. A document is held in memory two or three times while it
 * is parsed (the body, pdf.js' copy, its parsed objects), so a Worker takes smaller files and fewer pages.
 */
export const WORKER_DEFAULTS: Record<string, string> = {
  DOCINLINE_MAX_FILE_BYTES: String(10 * MiB),
  DOCINLINE_MAX_BODY_BYTES: String(16 * MiB),
  DOCINLINE_MAX_DOCUMENTS: '5',
  DOCINLINE_MAX_PAGES: '50',
  DOCINLINE_PARSE_TIMEOUT_MS: '25000',
  DOCINLINE_REQUEST_PARSE_BUDGET_MS: '30000',
  DOCINLINE_CACHE_ENTRIES: '64',
  DOCINLINE_CACHE_BYTES: String(8 * MiB),
  // A Worker invocation may hold 6 connections open at once.
  DOCINLINE_BATCH_CONCURRENCY: '4',
  DOCINLINE_WORKER_CONCURRENCY: '4',
};

/**
 * Values above these cannot be served inside one isolate whatever the vars say; a deployment that asks
 * for more gets a configuration error instead of requests that die of memory. Delegate big documents to
 * a Node docinline (DOCINLINE_PARSE_SERVICE_URL) or run the Node server.
 */
export const WORKER_CEILINGS = {
  maxFileBytes: 25 * MiB,
  maxBodyBytes: 40 * MiB,
  maxPages: 300,
  maxDocuments: 20,
  cacheBytes: 32 * MiB,
  ocrPixels: 6_000_000,
} as const;

const optionalUrl = z
  .string()
  .trim()
  .refine((u) => u === '' || /^https?:\/\/[^/]/i.test(u), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const WORKER_SCHEMA = {
  DOCINLINE_PARSE_SERVICE_URL: { schema: optionalUrl, default: '' },
  DOCINLINE_PARSE_SERVICE_API_KEY: { schema: z.string(), default: '' },
  DOCINLINE_PARSE_SERVICE_TIMEOUT_MS: { schema: int(1000, 900_000), default: '120000' },
  DOCINLINE_WORKER_OCR: { schema: z.enum(['auto', 'off']), default: 'auto' },
  DOCINLINE_WORKER_OCR_MAX_PIXELS: { schema: int(10_000, WORKER_CEILINGS.ocrPixels), default: '4000000' },
  DOCINLINE_S3_PREFIX: { schema: z.string(), default: 'docinline/' },
  DOCINLINE_KV_CACHE_TTL_SECONDS: { schema: int(60, 365 * 86400), default: '604800' },
} as const;

export interface WorkerSettings {
  /** Where OCR goes when the Worker cannot do it: the service's API base (…/v1), or null. */
  parseService: { url: string | null; apiKey: string; timeoutMs: number };
  /** In-Worker OCR with tesseract.js-core ('off': always delegate). */
  ocr: 'auto' | 'off';
  /** Largest image (source pixels) OCR'd inside the Worker; larger ones are delegated. */
  ocrMaxPixels: number;
  /** Key prefix inside the R2 bucket (the same default as DOCINLINE_S3_PREFIX on Node). */
  r2Prefix: string;
  cacheTtlSeconds: number;
}

export interface WorkerConfig {
  config: Config;
  worker: WorkerSettings;
}

/** Vars and secrets (bindings ignored) → the validated config; throws ConfigError listing every problem. */
export function loadWorkerConfig(env: Record<string, unknown>): WorkerConfig {
  const vars: Record<string, unknown> = { ...WORKER_DEFAULTS };
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') vars[k] = v;
  const problems: string[] = [];
  let config: Config | null = null;
  try {
    config = loadConfig(vars);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems);
  }
  const w = {} as Record<string, unknown>;
  for (const [name, spec] of Object.entries(WORKER_SCHEMA)) {
    const raw = vars[name];
    const str = raw === undefined ? spec.default : String(raw);
    const r = (spec.schema as z.ZodType).safeParse(str);
    if (r.success) w[name] = r.data;
    else problems.push(`${name}=${JSON.stringify(str)}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  }
  const over = (name: string, value: number, max: number) => {
    if (value > max) problems.push(`${name}=${value} is above what one Worker isolate can hold (at most ${max}); delegate large documents to a Node docinline instead`);
  };
  if (config) {
    over('DOCINLINE_MAX_FILE_BYTES', config.limits.maxFileBytes, WORKER_CEILINGS.maxFileBytes);
    over('DOCINLINE_MAX_BODY_BYTES', config.limits.maxBodyBytes, WORKER_CEILINGS.maxBodyBytes);
    over('DOCINLINE_MAX_PAGES', config.limits.maxPages, WORKER_CEILINGS.maxPages);
    over('DOCINLINE_MAX_DOCUMENTS', config.limits.maxDocuments, WORKER_CEILINGS.maxDocuments);
    over('DOCINLINE_CACHE_BYTES', config.cache.bytes, WORKER_CEILINGS.cacheBytes);
  }
  if (problems.length || !config) throw new ConfigError(problems);
  return {
    config,
    worker: {
      parseService: {
        url: (w.DOCINLINE_PARSE_SERVICE_URL as string) || null,
        apiKey: w.DOCINLINE_PARSE_SERVICE_API_KEY as string,
        timeoutMs: w.DOCINLINE_PARSE_SERVICE_TIMEOUT_MS as number,
      },
      ocr: w.DOCINLINE_WORKER_OCR as 'auto' | 'off',
      ocrMaxPixels: w.DOCINLINE_WORKER_OCR_MAX_PIXELS as number,
      r2Prefix: w.DOCINLINE_S3_PREFIX as string,
      cacheTtlSeconds: w.DOCINLINE_KV_CACHE_TTL_SECONDS as number,
    },
  };
}

import { z } from 'zod';

/**
 * The one configuration object. Built from environment variables (Node) or Worker vars/secrets (same
 * names) by `loadConfig`, validated once at start-up; nothing below reads the environment itself.
 * Every variable is documented in README.md with its default.
 */

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .transform((s, ctx) => {
    if (['1', 'true', 'yes', 'on'].includes(s)) return true;
    if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
    ctx.addIssue({ code: 'custom', message: `expected true/false, got "${s}"` });
    return z.NEVER;
  });
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const httpUrl = z
  .string()
  .trim()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

const routeSchema = z.object({
  url: httpUrl,
  apiKey: z.string().optional(),
  textOnly: z.boolean().optional(),
});
export type UpstreamRoute = z.infer<typeof routeSchema>;

const routes = z.string().transform((s, ctx) => {
  let raw: unknown;
  try {
    raw = JSON.parse(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object mapping model names (or prefixes ending in *) to {"url","apiKey"?}' });
    return z.NEVER;
  }
  const r = z.record(z.string(), z.union([httpUrl.transform((url) => ({ url })), routeSchema])).safeParse(raw);
  if (!r.success) {
    ctx.addIssue({ code: 'custom', message: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    return z.NEVER;
  }
  return r.data as Record<string, UpstreamRoute>;
});

const MiB = 1024 * 1024;

/** Environment variable name → schema and default (as the string a user would write). */
export const ENV_SCHEMA = {
  PORT: { schema: int(0, 65535), default: '8787', doc: 'Port the Node server listens on.' },
  HOST: { schema: z.string(), default: '127.0.0.1', doc: 'Interface to bind; use 0.0.0.0 in containers.' },
  DOCINLINE_UPSTREAM_URL: { schema: httpUrl, default: 'http://127.0.0.1:11434/v1', doc: 'OpenAI-compatible backend base URL (with /v1).' },
  DOCINLINE_UPSTREAM_API_KEY: { schema: z.string(), default: '', doc: "Backend key; when empty the client's Authorization header is passed through." },
  DOCINLINE_MODEL_ROUTES: { schema: routes, default: '{}', doc: 'JSON map model name (or "prefix*") → URL or {"url","apiKey","textOnly"}.' },
  DOCINLINE_TEXT_ONLY: { schema: bool, default: 'false', doc: 'Backend cannot see images: inline every image and file part.' },
  DOCINLINE_API_KEYS: { schema: list, default: '', doc: 'Comma-separated keys clients must present; empty = no auth.' },
  DOCINLINE_DATA_DIR: { schema: z.string().min(1), default: './.docinline', doc: 'Local disk store for files, batches and cache.' },
  DOCINLINE_S3_BUCKET: { schema: z.string(), default: '', doc: 'Use S3-compatible storage (S3, R2, MinIO) when set.' },
  DOCINLINE_S3_ENDPOINT: { schema: z.string(), default: '', doc: 'Custom endpoint (R2/MinIO); empty = AWS.' },
  DOCINLINE_S3_REGION: { schema: z.string(), default: 'auto', doc: 'S3 region (R2 uses "auto").' },
  DOCINLINE_S3_PREFIX: { schema: z.string(), default: 'docinline/', doc: 'Key prefix inside the bucket.' },
  DOCINLINE_S3_FORCE_PATH_STYLE: { schema: bool, default: 'false', doc: 'Path-style addressing (MinIO, s3rver).' },
  DOCINLINE_S3_ACCESS_KEY_ID: { schema: z.string(), default: '', doc: 'Credentials; empty = the SDK default chain.' },
  DOCINLINE_S3_SECRET_ACCESS_KEY: { schema: z.string(), default: '', doc: '' },
  DOCINLINE_FILES_MIN_EXPIRY_SECONDS: { schema: int(1), default: '3600', doc: 'Shortest `expires_after.seconds` accepted on upload (OpenAI: 3600).' },
  DOCINLINE_FILES_SWEEP_SECONDS: { schema: int(0), default: '300', doc: 'How often the Node server deletes expired files; 0 = only when they are touched.' },
  DOCINLINE_REDIS_URL: { schema: z.string(), default: '', doc: 'Use BullMQ on Redis for batches when set; else in-process queue.' },
  DOCINLINE_REDIS_PREFIX: { schema: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only'), default: 'docinline', doc: 'Key prefix in Redis.' },
  DOCINLINE_BATCH_CONCURRENCY: { schema: int(1, 1000), default: '16', doc: 'Requests of one batch in flight at once, across all workers.' },
  DOCINLINE_WORKER_CONCURRENCY: { schema: int(1, 1000), default: '16', doc: 'Batch jobs one process runs at once.' },
  DOCINLINE_BATCH_IN_SERVER: { schema: bool, default: 'true', doc: 'The server also runs batch jobs (always on with the in-process queue).' },
  DOCINLINE_BATCH_MAX_ATTEMPTS: { schema: int(1, 100), default: '6', doc: 'Tries per batch line on 429, 5xx and timeouts.' },
  DOCINLINE_BATCH_RETRY_BASE_MS: { schema: int(1), default: '1000', doc: 'First retry delay (doubles each time, with jitter).' },
  DOCINLINE_BATCH_RETRY_MAX_MS: { schema: int(1), default: '60000', doc: 'Longest backoff between retries (a longer retry-after is still honoured).' },
  DOCINLINE_BATCH_LOCK_MS: { schema: int(1000), default: '30000', doc: 'Job lock time: how soon a dead worker\'s batch work is taken over.' },
  DOCINLINE_BATCH_MAX_REQUESTS: { schema: int(1), default: '50000', doc: 'Lines per batch input file.' },
  DOCINLINE_MAX_BODY_BYTES: { schema: int(1024), default: String(64 * MiB), doc: 'Largest JSON request body.' },
  DOCINLINE_MAX_FILE_BYTES: { schema: int(1024), default: String(100 * MiB), doc: 'Largest document (upload, URL or data URL).' },
  DOCINLINE_MAX_DOCUMENTS: { schema: int(1, 1000), default: '20', doc: 'Documents inlined per request.' },
  DOCINLINE_MAX_PAGES: { schema: int(1), default: '500', doc: 'Pages parsed per document.' },
  DOCINLINE_MAX_PIXELS: { schema: int(1), default: '40000000', doc: 'Largest image (width × height) decoded or rendered.' },
  DOCINLINE_PARSE_TIMEOUT_MS: { schema: int(100), default: '120000', doc: 'Time budget per document.' },
  DOCINLINE_REQUEST_PARSE_BUDGET_MS: { schema: int(100), default: '180000', doc: 'Total parse time per request.' },
  DOCINLINE_UPSTREAM_TIMEOUT_MS: { schema: int(100), default: '600000', doc: 'Time to wait for the backend (headers).' },
  DOCINLINE_FETCH_TIMEOUT_MS: { schema: int(100), default: '30000', doc: 'Time to download one URL.' },
  DOCINLINE_FETCH_MAX_REDIRECTS: { schema: int(0, 20), default: '5', doc: 'Redirects followed when fetching a URL.' },
  DOCINLINE_FETCH_ALLOW: { schema: list, default: '', doc: 'Hosts or CIDRs URL fetching may reach even if private (e.g. 127.0.0.1/32,files.internal).' },
  DOCINLINE_CACHE_ENTRIES: { schema: int(0), default: '500', doc: 'Parse results kept in memory (LRU).' },
  DOCINLINE_CACHE_BYTES: { schema: int(0), default: String(256 * MiB), doc: 'Memory the parse cache may use.' },
  DOCINLINE_OCR: { schema: z.enum(['auto', 'always', 'never']), default: 'auto', doc: 'Default OCR mode for PDFs.' },
  DOCINLINE_OCR_LANGUAGES: { schema: list, default: 'eng', doc: 'Tesseract languages (installed as @tesseract.js-data/<lang>).' },
  DOCINLINE_OCR_WORKERS: { schema: int(0, 64), default: '0', doc: 'OCR worker pool size; 0 = number of CPUs.' },
  DOCINLINE_LOG_LEVEL: { schema: z.enum(['debug', 'info', 'warn', 'error', 'silent']), default: 'info', doc: 'Structured JSON log level.' },
  DOCINLINE_UI: { schema: bool, default: 'true', doc: 'Serve the playground (/) and the API docs page (/docs).' },
  DOCINLINE_SHUTDOWN_GRACE_MS: { schema: int(0), default: '30000', doc: 'On SIGTERM, how long in-flight requests (streams) may take to finish.' },
} as const;

type EnvSchema = typeof ENV_SCHEMA;
type Parsed = { [K in keyof EnvSchema]: z.output<EnvSchema[K]['schema']> };

export interface Config {
  port: number;
  host: string;
  upstream: { url: string; apiKey: string; textOnly: boolean; routes: Record<string, UpstreamRoute>; timeoutMs: number };
  apiKeys: string[];
  storage: {
    dataDir: string;
    s3: null | { bucket: string; endpoint?: string; region: string; prefix: string; forcePathStyle: boolean; accessKeyId?: string; secretAccessKey?: string };
  };
  redisUrl: string | null;
  batch: {
    redisPrefix: string;
    concurrency: number;
    workerConcurrency: number;
    inServer: boolean;
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
    lockMs: number;
    maxRequests: number;
  };
  files: { minExpirySeconds: number; sweepIntervalSeconds: number };
  limits: {
    maxBodyBytes: number;
    maxFileBytes: number;
    maxDocuments: number;
    maxPages: number;
    maxPixels: number;
    parseTimeoutMs: number;
    requestParseBudgetMs: number;
  };
  fetch: { timeoutMs: number; maxRedirects: number; allow: string[] };
  cache: { entries: number; bytes: number };
  ocr: { mode: 'auto' | 'always' | 'never'; languages: string[]; workers: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Serve the playground and docs pages. */
  ui: boolean;
  shutdownGraceMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super('Invalid configuration:\n' + problems.map((p) => '  - ' + p).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Validates `env` (process.env or a Worker's env) into a Config; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, unknown>): Config {
  const problems: string[] = [];
  const v = {} as Record<string, unknown>;
  for (const [name, spec] of Object.entries(ENV_SCHEMA)) {
    const raw = env[name];
    const str = raw === undefined || raw === null ? spec.default : typeof raw === 'string' ? raw : String(raw);
    const r = (spec.schema as z.ZodType).safeParse(str);
    if (r.success) v[name] = r.data;
    else problems.push(`${name}=${JSON.stringify(str)}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length) throw new ConfigError(problems);
  const p = v as Parsed;
  if (p.DOCINLINE_S3_BUCKET && !!p.DOCINLINE_S3_ACCESS_KEY_ID !== !!p.DOCINLINE_S3_SECRET_ACCESS_KEY) {
    throw new ConfigError(['DOCINLINE_S3_ACCESS_KEY_ID and DOCINLINE_S3_SECRET_ACCESS_KEY must be set together']);
  }
  return {
    port: p.PORT,
    host: p.HOST,
    upstream: {
      url: p.DOCINLINE_UPSTREAM_URL,
      apiKey: p.DOCINLINE_UPSTREAM_API_KEY,
      textOnly: p.DOCINLINE_TEXT_ONLY,
      routes: p.DOCINLINE_MODEL_ROUTES,
      timeoutMs: p.DOCINLINE_UPSTREAM_TIMEOUT_MS,
    },
    apiKeys: p.DOCINLINE_API_KEYS,
    storage: {
      dataDir: p.DOCINLINE_DATA_DIR,
      s3: p.DOCINLINE_S3_BUCKET
        ? {
            bucket: p.DOCINLINE_S3_BUCKET,
            endpoint: p.DOCINLINE_S3_ENDPOINT || undefined,
            region: p.DOCINLINE_S3_REGION,
            prefix: p.DOCINLINE_S3_PREFIX,
            forcePathStyle: p.DOCINLINE_S3_FORCE_PATH_STYLE,
            accessKeyId: p.DOCINLINE_S3_ACCESS_KEY_ID || undefined,
            secretAccessKey: p.DOCINLINE_S3_SECRET_ACCESS_KEY || undefined,
          }
        : null,
    },
    redisUrl: p.DOCINLINE_REDIS_URL || null,
    batch: {
      redisPrefix: p.DOCINLINE_REDIS_PREFIX,
      concurrency: p.DOCINLINE_BATCH_CONCURRENCY,
      workerConcurrency: p.DOCINLINE_WORKER_CONCURRENCY,
      inServer: p.DOCINLINE_BATCH_IN_SERVER,
      maxAttempts: p.DOCINLINE_BATCH_MAX_ATTEMPTS,
      retryBaseMs: p.DOCINLINE_BATCH_RETRY_BASE_MS,
      retryMaxMs: p.DOCINLINE_BATCH_RETRY_MAX_MS,
      lockMs: p.DOCINLINE_BATCH_LOCK_MS,
      maxRequests: p.DOCINLINE_BATCH_MAX_REQUESTS,
    },
    files: { minExpirySeconds: p.DOCINLINE_FILES_MIN_EXPIRY_SECONDS, sweepIntervalSeconds: p.DOCINLINE_FILES_SWEEP_SECONDS },
    limits: {
      maxBodyBytes: p.DOCINLINE_MAX_BODY_BYTES,
      maxFileBytes: p.DOCINLINE_MAX_FILE_BYTES,
      maxDocuments: p.DOCINLINE_MAX_DOCUMENTS,
      maxPages: p.DOCINLINE_MAX_PAGES,
      maxPixels: p.DOCINLINE_MAX_PIXELS,
      parseTimeoutMs: p.DOCINLINE_PARSE_TIMEOUT_MS,
      requestParseBudgetMs: p.DOCINLINE_REQUEST_PARSE_BUDGET_MS,
    },
    fetch: { timeoutMs: p.DOCINLINE_FETCH_TIMEOUT_MS, maxRedirects: p.DOCINLINE_FETCH_MAX_REDIRECTS, allow: p.DOCINLINE_FETCH_ALLOW },
    cache: { entries: p.DOCINLINE_CACHE_ENTRIES, bytes: p.DOCINLINE_CACHE_BYTES },
    ocr: { mode: p.DOCINLINE_OCR, languages: p.DOCINLINE_OCR_LANGUAGES, workers: p.DOCINLINE_OCR_WORKERS },
    logLevel: p.DOCINLINE_LOG_LEVEL,
    ui: p.DOCINLINE_UI,
    shutdownGraceMs: p.DOCINLINE_SHUTDOWN_GRACE_MS,
  };
}

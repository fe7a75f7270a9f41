import { Hono, type Context } from 'hono';
import { BATCH_ENDPOINTS, COMPLETION_WINDOWS, type BatchEndpoint } from '../../batch/model.js';
import type { BatchService, CreateBatchInput } from '../../batch/service.js';
import { DocinlineError } from '../../errors.js';
import { parseJsonObject, readBody } from '../body.js';
import type { AppEnv } from '../context.js';

/**
 * OpenAI's Batch API (`/v1/batches`), field for field, so `client.batches.*` of the official SDKs works
 * unchanged. Every lookup goes through the caller's owner namespace: another key's batch is a 404.
 */

const MAX_CREATE_BODY = 64 * 1024;
const MAX_LIST_LIMIT = 100;
const MIN_OUTPUT_TTL = 3600;
const MAX_OUTPUT_TTL = 30 * 24 * 3600;

function invalid(message: string, param: string | null): DocinlineError {
  return new DocinlineError('invalid_request', message, { param });
}

function metadataOf(v: unknown): Record<string, string> | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid("'metadata' must be an object of string values.", 'metadata');
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > 16) throw invalid("'metadata' can have at most 16 keys.", 'metadata');
  for (const [k, val] of entries) {
    if (k.length > 64) throw invalid(`metadata key '${k.slice(0, 70)}…' is longer than 64 characters.`, 'metadata');
    if (typeof val !== 'string') throw invalid(`metadata['${k}'] must be a string.`, 'metadata');
    if (val.length > 512) throw invalid(`metadata['${k}'] is longer than 512 characters.`, 'metadata');
  }
  return entries.length ? Object.fromEntries(entries as Array<[string, string]>) : null;
}

function outputExpiryOf(v: unknown): CreateBatchInput['output_expires_after'] {
  if (v === undefined || v === null) return null;
  const o = v as { anchor?: unknown; seconds?: unknown };
  if (typeof v !== 'object' || o.anchor !== 'created_at') throw invalid("output_expires_after.anchor must be 'created_at'.", 'output_expires_after.anchor');
  if (typeof o.seconds !== 'number' || !Number.isInteger(o.seconds) || o.seconds < MIN_OUTPUT_TTL || o.seconds > MAX_OUTPUT_TTL) {
    throw invalid(`output_expires_after.seconds must be an integer between ${MIN_OUTPUT_TTL} and ${MAX_OUTPUT_TTL}.`, 'output_expires_after.seconds');
  }
  return { anchor: 'created_at', seconds: o.seconds };
}

/** The body of POST /v1/batches, checked field by field so each problem names its parameter. */
export function createInput(body: Record<string, unknown>): CreateBatchInput {
  const { input_file_id, endpoint, completion_window } = body;
  if (typeof input_file_id !== 'string' || !input_file_id) throw invalid("Missing required parameter: 'input_file_id'.", 'input_file_id');
  if (endpoint === undefined) throw invalid("Missing required parameter: 'endpoint'.", 'endpoint');
  if (typeof endpoint !== 'string' || !(BATCH_ENDPOINTS as readonly string[]).includes(endpoint)) {
    throw invalid(
      `Unsupported endpoint ${JSON.stringify(String(endpoint).slice(0, 100))}. docinline runs batches for ${BATCH_ENDPOINTS.join(', ')}.`,
      'endpoint',
    );
  }
  if (completion_window === undefined) throw invalid("Missing required parameter: 'completion_window'.", 'completion_window');
  if (typeof completion_window !== 'string' || !(completion_window in COMPLETION_WINDOWS)) {
    throw invalid(`Invalid completion_window ${JSON.stringify(String(completion_window).slice(0, 20))}: only '24h' is supported.`, 'completion_window');
  }
  return {
    input_file_id,
    endpoint: endpoint as BatchEndpoint,
    completion_window,
    metadata: metadataOf(body.metadata),
    output_expires_after: outputExpiryOf(body.output_expires_after),
  };
}

export function batchRoutes(service: BatchService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ownerOf = (c: Context<AppEnv>): string | null => c.get('owner') ?? null;

  app.post('/', async (c) => {
    const body = parseJsonObject(await readBody(c.req.raw, MAX_CREATE_BODY));
    return c.json(await service.create(ownerOf(c), createInput(body)));
  });

  app.get('/', async (c) => {
    const q = c.req.query();
    let limit = 20;
    if (q.limit !== undefined) {
      limit = Number(q.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) throw invalid(`limit must be an integer between 1 and ${MAX_LIST_LIMIT}.`, 'limit');
    }
    const page = await service.list(ownerOf(c), { after: q.after || undefined, limit });
    return c.json({
      object: 'list' as const,
      data: page.data,
      first_id: page.data[0]?.id ?? null,
      last_id: page.data[page.data.length - 1]?.id ?? null,
      has_more: page.hasMore,
    });
  });

  app.get('/:id', async (c) => c.json(await service.get(ownerOf(c), c.req.param('id'))));

  app.post('/:id/cancel', async (c) => c.json(await service.cancel(ownerOf(c), c.req.param('id'))));

  return app;
}

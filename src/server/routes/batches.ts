import { Hono, type Context } from 'hono';
import { BatchCreateRequest, BatchListQuery } from '../../api/batches.js';
import type { BatchService, CreateBatchInput } from '../../batch/service.js';
import { DocinlineError } from '../../errors.js';
import { parseJsonObject, readBody } from '../body.js';
import type { AppEnv } from '../context.js';

/**
 * OpenAI's Batch API (`/v1/batches`), field for field, so `client.batches.*` of the official SDKs works
 * unchanged. Every lookup goes through the caller's owner namespace: another key's batch is a 404.
 */

const MAX_CREATE_BODY = 64 * 1024;

function invalid(message: string, param: string | null): DocinlineError {
  return new DocinlineError('invalid_request', message, { param });
}

/** The body of POST /v1/batches, checked with its schema (src/api/batches.ts) so each problem names its parameter. */
export function createInput(body: Record<string, unknown>): CreateBatchInput {
  const r = BatchCreateRequest.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    // A metadata entry is reported as `metadata`, like OpenAI does; nested fields by their dotted path.
    const param = issue.path[0] === 'metadata' ? 'metadata' : issue.path.map(String).join('.') || null;
    throw invalid(issue.message, param);
  }
  const b = r.data;
  return {
    input_file_id: b.input_file_id,
    endpoint: b.endpoint,
    completion_window: b.completion_window,
    metadata: b.metadata && Object.keys(b.metadata).length ? b.metadata : null,
    output_expires_after: b.output_expires_after ?? null,
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
    const r = BatchListQuery.safeParse(c.req.query());
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw invalid(issue.message, issue.path.length ? String(issue.path[0]) : null);
    }
    const page = await service.list(ownerOf(c), { after: r.data.after || undefined, limit: r.data.limit ?? 20 });
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

/**
 * Shapes of OpenAI's Batch API as docinline serves it (/v1/batches), for validation and for
 * GET /openapi.json.
 */
import { z } from 'zod';
import { BATCH_ENDPOINTS, COMPLETION_WINDOWS } from '../batch/model.js';

export const MAX_BATCH_LIST_LIMIT = 100;

const MIN_OUTPUT_TTL = 3600;
const MAX_OUTPUT_TTL = 30 * 24 * 3600;
const missing = (name: string) => `Missing required parameter: '${name}'.`;
/** The input as the caller sent it, shortened for an error message. */
const shown = (v: unknown, n: number) => JSON.stringify(String(v).slice(0, n));

/** POST /v1/batches. Each message names its field the way OpenAI's do; the route reports `param` from the path. */
export const BatchCreateRequest = z
  .object({
    input_file_id: z
      .string({ error: missing('input_file_id') })
      .min(1, missing('input_file_id'))
      .meta({ description: 'A file uploaded with purpose "batch": one JSON request per line.' }),
    endpoint: z.enum(BATCH_ENDPOINTS, {
      error: (iss) =>
        iss.input === undefined ? missing('endpoint') : `Unsupported endpoint ${shown(iss.input, 100)}. docinline runs batches for ${BATCH_ENDPOINTS.join(', ')}.`,
    }),
    completion_window: z.enum(Object.keys(COMPLETION_WINDOWS) as [string, ...string[]], {
      error: (iss) => (iss.input === undefined ? missing('completion_window') : `Invalid completion_window ${shown(iss.input, 20)}: only '24h' is supported.`),
    }),
    metadata: z
      .record(
        z.string().max(64, { error: (iss) => `metadata key '${String(iss.input).slice(0, 70)}…' is longer than 64 characters.` }),
        z.string({ error: "metadata values must be strings." }).max(512, 'metadata values are at most 512 characters.'),
        { error: "'metadata' must be an object of string values." },
      )
      .refine((m) => Object.keys(m).length <= 16, "'metadata' can have at most 16 keys.")
      .nullable()
      .optional(),
    output_expires_after: z
      .object(
        {
          anchor: z.literal('created_at', { error: "output_expires_after.anchor must be 'created_at'." }),
          seconds: z
            .number({ error: `output_expires_after.seconds must be an integer between ${MIN_OUTPUT_TTL} and ${MAX_OUTPUT_TTL}.` })
            .int(`output_expires_after.seconds must be an integer between ${MIN_OUTPUT_TTL} and ${MAX_OUTPUT_TTL}.`)
            .min(MIN_OUTPUT_TTL, `output_expires_after.seconds must be an integer between ${MIN_OUTPUT_TTL} and ${MAX_OUTPUT_TTL}.`)
            .max(MAX_OUTPUT_TTL, `output_expires_after.seconds must be an integer between ${MIN_OUTPUT_TTL} and ${MAX_OUTPUT_TTL}.`),
        },
        { error: "output_expires_after.anchor must be 'created_at'." },
      )
      .nullable()
      .optional(),
  })
  .meta({ id: 'BatchCreateRequest' });

const limitMessage = `limit must be an integer between 1 and ${MAX_BATCH_LIST_LIMIT}.`;

export const BatchListQuery = z
  .object({
    after: z.string().optional().meta({ description: 'A batch id: the page starts after it.' }),
    limit: z
      .string()
      .regex(/^(?:[1-9]\d?|100)$/, limitMessage)
      .transform(Number)
      .pipe(z.number().int().min(1, limitMessage).max(MAX_BATCH_LIST_LIMIT, limitMessage))
      .optional()
      .meta({ description: `1 to ${MAX_BATCH_LIST_LIMIT} (default 20).` }),
  })
  .meta({ id: 'BatchListQuery' });

const BatchError = z.object({ code: z.string(), message: z.string(), param: z.string().nullable(), line: z.number().int().nullable() });

export const BatchObject = z
  .object({
    id: z.string(),
    object: z.literal('batch'),
    endpoint: z.string(),
    model: z.string().nullable(),
    errors: z.object({ object: z.literal('list'), data: z.array(BatchError) }).nullable(),
    input_file_id: z.string(),
    completion_window: z.string(),
    status: z.enum(['validating', 'failed', 'in_progress', 'finalizing', 'completed', 'expired', 'cancelling', 'cancelled']),
    output_file_id: z.string().nullable(),
    error_file_id: z.string().nullable(),
    created_at: z.number().int(),
    in_progress_at: z.number().int().nullable(),
    expires_at: z.number().int(),
    finalizing_at: z.number().int().nullable(),
    completed_at: z.number().int().nullable(),
    failed_at: z.number().int().nullable(),
    expired_at: z.number().int().nullable(),
    cancelling_at: z.number().int().nullable(),
    cancelled_at: z.number().int().nullable(),
    request_counts: z.object({ total: z.number().int(), completed: z.number().int(), failed: z.number().int() }),
    usage: z.looseObject({}).nullable(),
    metadata: z.record(z.string(), z.string()).nullable(),
  })
  .meta({ id: 'BatchObject' });

export const BatchList = z
  .object({
    object: z.literal('list'),
    data: z.array(BatchObject),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
    has_more: z.boolean(),
  })
  .meta({ id: 'BatchList' });

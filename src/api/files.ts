/**
 * Shapes of OpenAI's Files API as docinline serves it (/v1/files). The routes validate `purpose` and the
 * list query with these schemas, and GET /openapi.json is generated from them.
 */
import { z } from 'zod';
import { UPLOAD_PURPOSES } from '../files/store.js';

export const MAX_FILE_LIST_LIMIT = 10_000;

export const FilePurpose = z.enum(UPLOAD_PURPOSES).meta({ id: 'FilePurpose', description: 'Purposes accepted on upload (as on OpenAI).' });

export const FileUploadForm = z
  .object({
    file: z.string().meta({ format: 'binary', description: 'The document (streamed to storage while it is hashed).' }),
    purpose: FilePurpose,
    'expires_after[anchor]': z.literal('created_at').optional(),
    'expires_after[seconds]': z
      .string()
      .regex(/^\d+$/)
      .optional()
      .meta({ description: 'Between DOCINLINE_FILES_MIN_EXPIRY_SECONDS (default 3600) and 2592000 (30 days).' }),
  })
  .meta({ id: 'FileUploadForm', description: 'multipart/form-data body of POST /v1/files.' });

const limitMessage = `limit must be an integer between 1 and ${MAX_FILE_LIST_LIMIT}`;

export const FileListQuery = z
  .object({
    purpose: z.string().optional().meta({ description: 'Only files with this purpose.' }),
    // The range is in the pattern too, so the published schema says exactly what is accepted.
    limit: z
      .string()
      .regex(/^(?:[1-9]\d{0,3}|10000)$/, limitMessage)
      .transform(Number)
      .pipe(z.number().int().min(1, limitMessage).max(MAX_FILE_LIST_LIMIT, limitMessage))
      .optional()
      .meta({ description: `1 to ${MAX_FILE_LIST_LIMIT} (default ${MAX_FILE_LIST_LIMIT}).` }),
    after: z.string().optional().meta({ description: 'A file id: the page starts after it.' }),
    order: z.enum(['asc', 'desc'], { error: "order must be 'asc' or 'desc'" }).optional().meta({ description: 'By creation time (default desc).' }),
  })
  .meta({ id: 'FileListQuery' });

export const FileObject = z
  .object({
    id: z.string(),
    object: z.literal('file'),
    bytes: z.number().int(),
    created_at: z.number().int(),
    expires_at: z.number().int().nullable(),
    filename: z.string(),
    purpose: z.string(),
    status: z.string(),
    status_details: z.string().nullable(),
  })
  .meta({ id: 'FileObject' });

export const FileList = z
  .object({
    object: z.literal('list'),
    data: z.array(FileObject),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
    has_more: z.boolean(),
  })
  .meta({ id: 'FileList' });

export const FileDeleted = z.object({ id: z.string(), object: z.literal('file'), deleted: z.literal(true) }).meta({ id: 'FileDeleted' });

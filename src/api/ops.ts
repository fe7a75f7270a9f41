/** Shapes of the operational endpoints (health, readiness, the playground's settings) for GET /openapi.json. */
import { z } from 'zod';

export const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const ReadinessCheck = z
  .object({
    status: z.enum(['ok', 'error', 'skipped']),
    ms: z.number().optional().meta({ description: 'How long the check took.' }),
    error: z.string().optional(),
  })
  .catchall(z.unknown())
  .meta({ id: 'ReadinessCheck' });

export const Readiness = z
  .object({
    status: z.enum(['ok', 'error']),
    checks: z.record(z.string(), ReadinessCheck).meta({ description: 'storage, queue, upstream (and one entry per routed backend).' }),
  })
  .meta({ id: 'Readiness' });

export const ReadinessQuery = z
  .object({
    skip: z
      .string()
      .regex(/^[a-z,]*$/, 'skip is a comma-separated list of check names')
      .optional()
      .meta({ description: 'Checks not to run, e.g. "upstream": readiness then does not depend on a backend shared by every instance.' }),
  })
  .meta({ id: 'ReadinessQuery' });

export const UiSettings = z
  .object({
    auth: z.boolean().meta({ description: 'True when DOCINLINE_API_KEYS is set: the playground asks for a key.' }),
    maxFileBytes: z.number().int(),
    pageImages: z.boolean().meta({ description: "True when pdf.js' browser build is served under /ui/pdfjs/ (PDF page images)." }),
  })
  .meta({ id: 'UiSettings' });

export const ModelList = z
  .looseObject({ object: z.literal('list'), data: z.array(z.looseObject({ id: z.string(), object: z.string().optional() })) })
  .meta({ id: 'ModelList', description: "The backend's model list, relayed." });

export const ChatCompletion = z
  .looseObject({ id: z.string(), object: z.string(), model: z.string(), choices: z.array(z.looseObject({})) })
  .meta({ id: 'ChatCompletion', description: "The backend's answer, relayed unchanged (`reasoning_content` included when it sends one)." });

export const ResponseObject = z
  .looseObject({ id: z.string(), object: z.string(), output: z.array(z.looseObject({})).optional() })
  .meta({ id: 'Response', description: "The backend's answer, relayed unchanged." });

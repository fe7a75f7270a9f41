/**
 * The request and response shapes the gateway reads or produces, in one place. Everything the gateway
 * does not itself interpret is declared loose (`z.looseObject`) so unknown fields pass through
 * unchanged; each schema carries `meta({ id })` so `z.toJSONSchema` can turn them into an OpenAPI
 * document's components later.
 */
import { z } from 'zod';
import { ParseLayout } from './layout.js';

// ---------- errors ----------

export const ErrorBody = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string().nullable(),
    }),
  })
  .meta({ id: 'Error', description: 'OpenAI-shaped error body.' });

// ---------- per-document options (URL fragment or /v1/parse fields) ----------

export const OcrModeSchema = z.enum(['auto', 'always', 'never']).meta({ id: 'OcrMode' });

/**
 * Options after `#transform=inline`, e.g. `#transform=inline&pages=1-3&ocr=always&lang=eng+chi_tra`.
 * Values are strings because they come from a URL fragment.
 */
export const InlineFragmentSchema = z
  .object({
    transform: z.literal('inline'),
    pages: z.string().regex(/^\s*\d+(\s*-\s*\d*)?(\s*,\s*\d+(\s*-\s*\d*)?)*\s*$/, 'pages must look like "1-3,7"').optional(),
    ocr: OcrModeSchema.optional(),
    // URLSearchParams reads "+" as a space, so "eng+chi_tra" arrives as "eng chi_tra".
    lang: z.string().regex(/^[A-Za-z_]+([+, ][A-Za-z_]+)*$/, 'lang must look like "eng" or "eng+chi_tra"').optional(),
    password: z.string().optional(),
    furniture: z.enum(['keep', 'drop']).optional(),
    markers: z.enum(['0', '1', 'true', 'false']).optional(),
  })
  .meta({ id: 'InlineFragment', description: 'Options in the URL fragment of a part to inline.' });

// ---------- Chat Completions ----------

export const ChatTextPart = z.looseObject({ type: z.literal('text'), text: z.string() }).meta({ id: 'ChatTextPart' });

export const ChatImageUrlPart = z
  .looseObject({
    type: z.literal('image_url'),
    image_url: z.union([
      z.looseObject({ url: z.string().min(1), detail: z.string().optional() }),
      // Some clients (and vLLM) accept the URL as a bare string.
      z.string().min(1),
    ]),
  })
  .meta({ id: 'ChatImageUrlPart', description: 'Inlined when the URL ends with #transform=inline (or the backend is text-only).' });

export const ChatFilePart = z
  .looseObject({
    type: z.literal('file'),
    file: z
      .looseObject({
        file_data: z.string().min(1).optional(),
        file_id: z.string().min(1).optional(),
        filename: z.string().optional(),
      })
      .refine((f) => !!f.file_data !== !!f.file_id, { message: 'exactly one of file.file_data or file.file_id is required' }),
  })
  .meta({ id: 'ChatFilePart', description: 'Always inlined.' });

export const ChatOtherPart = z.looseObject({ type: z.string() }).meta({ id: 'ChatOtherPart' });

export const ChatContentPart = z.union([ChatTextPart, ChatImageUrlPart, ChatFilePart, ChatOtherPart]).meta({ id: 'ChatContentPart' });

export const ChatMessage = z
  .looseObject({
    role: z.string(),
    content: z.union([z.string(), z.array(ChatContentPart), z.null()]).optional(),
  })
  .meta({ id: 'ChatMessage' });

export const ChatCompletionRequest = z
  .looseObject({
    model: z.string(),
    messages: z.array(ChatMessage),
    stream: z.boolean().optional(),
  })
  .meta({ id: 'ChatCompletionRequest', description: 'Every other field (tools, response_format, ...) is forwarded unchanged.' });

// ---------- Responses ----------

export const ResponsesInputText = z.looseObject({ type: z.literal('input_text'), text: z.string() }).meta({ id: 'ResponsesInputText' });

export const ResponsesInputFile = z
  .looseObject({
    type: z.literal('input_file'),
    file_url: z.string().min(1).optional(),
    file_data: z.string().min(1).optional(),
    file_id: z.string().min(1).optional(),
    filename: z.string().optional(),
  })
  .refine((f) => [f.file_url, f.file_data, f.file_id].filter(Boolean).length === 1, {
    message: 'exactly one of file_url, file_data or file_id is required',
  })
  .meta({ id: 'ResponsesInputFile', description: 'Always inlined.' });

export const ResponsesInputImage = z
  .looseObject({
    type: z.literal('input_image'),
    image_url: z.string().min(1).optional(),
    file_id: z.string().min(1).optional(),
    detail: z.string().optional(),
  })
  .refine((f) => !!f.image_url !== !!f.file_id, { message: 'exactly one of image_url or file_id is required' })
  .meta({ id: 'ResponsesInputImage', description: 'Inlined when image_url ends with #transform=inline (or the backend is text-only).' });

export const ResponsesOtherPart = z.looseObject({ type: z.string() }).meta({ id: 'ResponsesOtherPart' });

export const ResponsesContentPart = z
  .union([ResponsesInputText, ResponsesInputFile, ResponsesInputImage, ResponsesOtherPart])
  .meta({ id: 'ResponsesContentPart' });

export const ResponsesInputItem = z
  .looseObject({
    type: z.string().optional(),
    role: z.string().optional(),
    content: z.union([z.string(), z.array(ResponsesContentPart)]).optional(),
  })
  .meta({ id: 'ResponsesInputItem' });

export const ResponsesRequest = z
  .looseObject({
    model: z.string(),
    input: z.union([z.string(), z.array(ResponsesInputItem)]).optional(),
    stream: z.boolean().optional(),
  })
  .meta({ id: 'ResponsesRequest', description: 'Every other field is forwarded unchanged.' });

// ---------- /v1/parse ----------

export const ParseRequest = z
  .object({
    url: z.string().min(1).optional(),
    file_data: z.string().min(1).optional(),
    file_id: z.string().min(1).optional(),
    filename: z.string().optional(),
    pages: z.string().optional(),
    ocr: OcrModeSchema.optional(),
    languages: z.union([z.array(z.string()), z.string()]).optional(),
    password: z.string().optional(),
    keep_furniture: z.boolean().optional(),
    page_markers: z.boolean().optional(),
    merge_tables: z.boolean().optional(),
    layout: z.boolean().optional().meta({ description: 'Also return `layout`: page sizes, block boxes in reading order and each block\'s span in the page Markdown.' }),
  })
  .refine((r) => [r.url, r.file_data, r.file_id].filter(Boolean).length === 1, {
    message: 'exactly one of url, file_data or file_id is required (or upload the file as multipart field "file")',
  })
  .meta({
    id: 'ParseRequest',
    description: 'JSON body of POST /v1/parse. As multipart/form-data, send the document as field "file" and the options as fields.',
  });

export const ParseResponse = z
  .object({
    object: z.literal('document.parse'),
    filename: z.string().nullable(),
    mime: z.string(),
    sha256: z.string(),
    pages: z.number().int(),
    page_count: z.number().int(),
    markdown: z.string(),
    text: z.string(),
    document: z.unknown().meta({ description: 'The DocumentModel (src/model/document.ts).' }),
    stats: z.record(z.string(), z.number()),
    warnings: z.array(z.string()),
    cached: z.boolean(),
    layout: ParseLayout.optional(),
  })
  .meta({ id: 'ParseResponse' });

export type ParseRequestBody = z.infer<typeof ParseRequest>;

/** Turns zod issues into one readable message, paths relative to `param`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): { message: string; path: string } {
  const first = issues[0];
  const path = first ? first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') : '';
  return { message: issues.map((i) => i.message).join('; '), path };
}

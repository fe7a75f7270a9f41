/**
 * Parsing by another docinline: the Worker sends what it cannot read itself (images too large for its
 * memory, formats it does not decode, scanned PDF pages it cannot render) to a Node docinline's
 * POST /v1/parse, by URL or through a service binding, and uses the result as its own. The service
 * answers with the same ParseResult the engine returns, so the cache and the inliner cannot tell.
 */
import type { ServiceBinding } from './cf.js';
import { DocinlineError, type ErrorCode } from '../../src/errors.js';
import type { ParseOptions, ParseResult } from '../../src/model/options.js';

export interface ParseService {
  /** Where the request goes: a URL (…/v1) or a service binding. */
  url: string | null;
  binding?: ServiceBinding;
  apiKey: string;
  timeoutMs: number;
}

const KNOWN_CODES = new Set<string>([
  'unsupported_file_type', 'invalid_document', 'truncated_document', 'empty_document', 'password_required', 'incorrect_password',
  'file_too_large', 'request_too_large', 'too_many_pages', 'too_many_pixels', 'invalid_page_range', 'parse_timeout', 'ocr_unavailable',
  'ocr_failed', 'server_overloaded',
]);

export function hasParseService(s: ParseService): boolean {
  return !!(s.binding || s.url);
}

export async function delegateParse(service: ParseService, bytes: Uint8Array, options: ParseOptions): Promise<ParseResult> {
  const form = new FormData();
  form.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), options.filename ?? 'document');
  if (options.pages) form.set('pages', options.pages);
  if (options.ocr) form.set('ocr', options.ocr);
  if (options.languages?.length) form.set('languages', options.languages.join('+'));
  if (options.password !== undefined) form.set('password', options.password);
  if (options.keepFurniture !== undefined) form.set('keep_furniture', String(options.keepFurniture));
  if (options.pageMarkers !== undefined) form.set('page_markers', String(options.pageMarkers));
  if (options.mergeTables !== undefined) form.set('merge_tables', String(options.mergeTables));
  if (options.filename) form.set('filename', options.filename);

  const timeout = AbortSignal.timeout(service.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (service.apiKey) headers.authorization = `Bearer ${service.apiKey}`;
  // A service binding ignores the host; the path is what the service routes on.
  const url = service.binding ? 'https://parse-service.internal/v1/parse' : `${service.url}/parse`;
  let res: Response;
  try {
    const init = { method: 'POST', body: form, headers, signal };
    res = service.binding ? await service.binding.fetch(url, init) : await fetch(url, init);
  } catch (e) {
    if (options.signal?.aborted) throw new DocinlineError('aborted', 'Parsing was cancelled.', { cause: e });
    if (timeout.aborted) throw new DocinlineError('parse_timeout', `The parse service did not answer within ${Math.round(service.timeoutMs / 1000)} s.`, { cause: e });
    throw new DocinlineError('upstream_error', 'The parse service (DOCINLINE_PARSE_SERVICE_URL) could not be reached.', { cause: e });
  }
  let body: { error?: { message?: string; code?: string; param?: string | null }; markdown?: string } & Partial<ParseResult>;
  try {
    body = (await res.json()) as typeof body;
  } catch (e) {
    throw new DocinlineError('upstream_error', `The parse service answered ${res.status} without a JSON body.`, { cause: e });
  }
  if (!res.ok) {
    const code = body.error?.code;
    const message = body.error?.message ?? `status ${res.status}`;
    if (code && KNOWN_CODES.has(code)) throw new DocinlineError(code as ErrorCode, message);
    throw new DocinlineError('upstream_error', `The parse service failed: ${message}`);
  }
  if (typeof body.markdown !== 'string' || !body.document || !body.stats) {
    throw new DocinlineError('upstream_error', 'The parse service answered with something that is not a parse result.');
  }
  return { document: body.document, markdown: body.markdown, text: body.text ?? '', stats: body.stats, warnings: body.warnings ?? [] };
}

import { Hono } from 'hono';
import { ParseRequest, describeIssues } from '../../api/schemas.js';
import { DocinlineError, toDocinlineError } from '../../errors.js';
import { loadDocument, type InlineStats, type LoadedDocument } from '../../inline/inline.js';
import { parseInlineFragment } from '../../inline/fragment.js';
import { isDataUrl, splitFragment } from '../../inline/dataurl.js';
import type { DocumentSource } from '../../inline/parts.js';
import { DEFAULT_PARSE_OPTIONS, type ParseOptions } from '../../model/options.js';
import { parseJsonObject } from '../body.js';
import type { AppEnv } from '../context.js';
import { statsHeaders, type Gateway } from '../gateway.js';
import { parseLayout } from '../layout.js';

/** Multipart form fields are strings; these are read as booleans. */
function boolField(v: unknown, name: string): boolean | undefined {
  if (v === null) return undefined;
  const s = String(v).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new DocinlineError('invalid_request', `${name} must be true or false.`, { param: name });
}

type ParseFields = Omit<import('../../api/schemas.js').ParseRequestBody, 'url' | 'file_data' | 'file_id'>;

function optionsFrom(f: ParseFields): ParseOptions {
  const o: ParseOptions = {};
  if (f.pages) o.pages = f.pages.replace(/\s+/g, '');
  if (f.ocr) o.ocr = f.ocr;
  if (f.languages) o.languages = Array.isArray(f.languages) ? f.languages : f.languages.split(/[+,\s]+/).filter(Boolean);
  if (f.password !== undefined) o.password = f.password;
  if (f.keep_furniture !== undefined) o.keepFurniture = f.keep_furniture;
  if (f.page_markers !== undefined) o.pageMarkers = f.page_markers;
  if (f.merge_tables !== undefined) o.mergeTables = f.merge_tables;
  return o;
}

const FIELD_OPTIONS = ['pages', 'ocr', 'languages', 'password', 'keep_furniture', 'page_markers', 'merge_tables', 'layout', 'filename', 'url', 'file_id'] as const;

/**
 * POST /v1/parse: the parse result itself (Markdown, text and the document model) for a URL, a data URL,
 * an uploaded file id or a multipart upload, without calling a model.
 */
export function parseRoutes(gw: Gateway): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { limits } = gw.config;

  app.post('/parse', async (c) => {
    const req = c.req.raw;
    const ct = req.headers.get('content-type') ?? '';
    const signal = gw.io.signal(c);
    const ctx = { owner: c.get('owner'), signal };
    const call: ParseCall = {
      owner: ctx.owner,
      signal,
      requestId: c.get('requestId'),
      markdown: c.req.query('format') === 'markdown' || (req.headers.get('accept') ?? '').startsWith('text/markdown'),
      onStats: (s) => c.set('inlineStats', s),
    };
    let loaded: LoadedDocument;
    let options: ParseOptions;
    let param: string;
    let filename: string | undefined;
    let layout: boolean | undefined;
    if (ct.startsWith('multipart/form-data')) {
      // Room for the form's own framing and fields around the file.
      const bytes = await gw.io.body(c, limits.maxFileBytes + 1024 * 1024);
      let form: FormData;
      try {
        form = await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': ct } }).formData();
      } catch {
        throw new DocinlineError('invalid_request', 'The multipart body could not be read.');
      }
      const raw: Record<string, unknown> = {};
      for (const k of FIELD_OPTIONS) {
        const v = form.get(k);
        if (v === null) continue;
        if (k === 'keep_furniture' || k === 'page_markers' || k === 'merge_tables' || k === 'layout') raw[k] = boolField(v, k);
        else raw[k] = String(v);
      }
      const file = form.get('file');
      if (file !== null && typeof file !== 'string') {
        raw.file_data = 'x'; // satisfies the one-source rule; the bytes come from the upload
      }
      const r = ParseRequest.safeParse(raw);
      if (!r.success) {
        const d = describeIssues(r.error.issues);
        throw new DocinlineError('invalid_request', d.message, { param: d.path.replace(/^\./, '') || 'file' });
      }
      options = optionsFrom(r.data);
      filename = r.data.filename;
      layout = r.data.layout;
      if (file !== null && typeof file !== 'string') {
        param = 'file';
        if (file.size > limits.maxFileBytes) throw new DocinlineError('file_too_large', `The file is larger than the limit of ${limits.maxFileBytes} bytes.`, { param });
        loaded = { input: { bytes: new Uint8Array(await file.arrayBuffer()) }, filename: file.name || null };
      } else {
        param = r.data.url ? 'url' : 'file_id';
        const source: DocumentSource = r.data.url
          ? isDataUrl(r.data.url)
            ? { kind: 'data', value: r.data.url }
            : { kind: 'url', url: splitFragment(r.data.url).base }
          : { kind: 'file_id', id: r.data.file_id! };
        loaded = await attribute(param, () => loadDocument(source, ctx, gw.inline));
      }
    } else {
      const body = parseJsonObject(await gw.io.body(c, limits.maxBodyBytes));
      return parseJson(gw, body, call);
    }
    return respondParsed(gw, { loaded, options, filename, param, layout }, call);
  });
  return app;
}

/** A /v1/parse request without the HTTP exchange around it. */
export interface ParseCall {
  owner: string | null;
  signal: AbortSignal;
  requestId: string;
  /** Answer with the Markdown alone (text/markdown) instead of the JSON result. */
  markdown: boolean;
  onStats?: (stats: InlineStats) => void;
}

/**
 * The JSON form of POST /v1/parse once the body is read. Batch lines for the /v1/parse endpoint go
 * through here too (src/batch), so a line is treated exactly like a live request.
 */
export async function parseJson(gw: Gateway, body: Record<string, unknown>, call: ParseCall): Promise<Response> {
  const r = ParseRequest.safeParse(body);
  if (!r.success) {
    const d = describeIssues(r.error.issues);
    throw new DocinlineError('invalid_request', d.message, { param: d.path.replace(/^\./, '') || null });
  }
  const b = r.data;
  let options = optionsFrom(b);
  const param = b.url ? 'url' : b.file_data ? 'file_data' : 'file_id';
  const source: DocumentSource = b.url
    ? isDataUrl(b.url)
      ? { kind: 'data', value: b.url }
      : { kind: 'url', url: splitFragment(b.url).base }
    : b.file_data
      ? { kind: 'data', value: b.file_data }
      : { kind: 'file_id', id: b.file_id! };
  // #transform=inline options on a URL apply here too; explicit fields win.
  const frag = b.url ? parseInlineFragment(splitFragment(b.url).fragment)?.options : undefined;
  if (frag) options = { ...frag, ...options };
  const loaded = await attribute(param, () => loadDocument(source, { owner: call.owner, signal: call.signal }, gw.inline));
  return respondParsed(gw, { loaded, options, filename: b.filename, param, layout: b.layout }, call);
}

async function respondParsed(
  gw: Gateway,
  doc: { loaded: LoadedDocument; options: ParseOptions; filename: string | undefined; param: string; layout?: boolean },
  call: ParseCall,
): Promise<Response> {
  const { limits } = gw.config;
  const { loaded, options, filename, param } = doc;
  const signal = call.signal;
  const started = performance.now();
  const r = await attribute(param, () =>
    gw.parser.parse(loaded.input, {
      ocr: gw.config.ocr.mode,
      languages: gw.config.ocr.languages,
      ...options,
      filename: filename ?? loaded.filename ?? undefined,
      maxBytes: limits.maxFileBytes,
      maxPages: limits.maxPages,
      maxPixels: limits.maxPixels,
      timeoutMs: Math.min(limits.parseTimeoutMs, limits.requestParseBudgetMs),
      signal,
    }),
  );
  const parseMs = performance.now() - started;
  const stats = { documents: 1, pages: r.result.stats.pages, cacheHits: r.cached ? 1 : 0, parseMs };
  call.onStats?.(stats);
  const headers = { 'x-request-id': call.requestId, ...statsHeaders(stats) };
  if (call.markdown) return new Response(r.result.markdown, { headers: { ...headers, 'content-type': 'text/markdown; charset=utf-8' } });
  const model = r.result.document;
  return new Response(
    JSON.stringify({
      object: 'document.parse',
      filename: filename ?? loaded.filename ?? null,
      mime: model.mime,
      sha256: r.sha256,
      pages: r.result.stats.pages,
      page_count: model.pageCount,
      markdown: r.result.markdown,
      text: r.result.text,
      document: model,
      stats: r.result.stats,
      warnings: r.result.warnings,
      cached: r.cached,
      ...(doc.layout ? { layout: parseLayout(model, { keepFurniture: options.keepFurniture ?? DEFAULT_PARSE_OPTIONS.keepFurniture }) } : {}),
    }),
    { headers: { ...headers, 'content-type': 'application/json' } },
  );
}

async function attribute<T>(param: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const err = toDocinlineError(e);
    err.param = param;
    throw err;
  }
}

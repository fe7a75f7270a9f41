import type { DocumentParser, ParseInput } from '../cache/parser.js';
import type { Config } from '../config.js';
import { DocinlineError, toDocinlineError } from '../errors.js';
import type { DocumentFetcher } from '../fetch/fetcher.js';
import type { FileResolver } from '../files/resolver.js';
import type { OcrMode, ParseOptions, ParseResult } from '../model/options.js';
import { decodeBase64, isDataUrl, parseDataUrl } from './dataurl.js';
import type { DocumentRef, DocumentSource } from './parts.js';

export interface InlineDeps {
  parser: DocumentParser;
  fetcher: DocumentFetcher;
  files: FileResolver;
  limits: Config['limits'];
  defaults: { ocr: OcrMode; languages: string[] };
  /** Documents parsed at the same time within one request. */
  concurrency?: number;
}

export interface InlineStats {
  documents: number;
  pages: number;
  cacheHits: number;
  /** Wall time spent getting and parsing the documents, in ms. */
  parseMs: number;
}

export interface LoadedDocument {
  input: ParseInput;
  filename: string | null;
}

function fmtBytes(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/** Where a document's bytes come from → bytes (or a hash and a loader for stored files). */
export async function loadDocument(
  source: DocumentSource,
  ctx: { owner: string | null; signal?: AbortSignal },
  deps: Pick<InlineDeps, 'fetcher' | 'files' | 'limits'>,
): Promise<LoadedDocument> {
  const maxBytes = deps.limits.maxFileBytes;
  switch (source.kind) {
    case 'url': {
      const f = await deps.fetcher.fetch(source.url, { maxBytes, signal: ctx.signal });
      return { input: { bytes: f.bytes }, filename: f.filename };
    }
    case 'data': {
      if (isDataUrl(source.value)) return { input: { bytes: parseDataUrl(source.value, maxBytes).bytes }, filename: null };
      // OpenAI's file_data is documented as a data URL, but bare base64 is common in the wild.
      if (source.value.length * 0.75 > maxBytes + 3) {
        throw new DocinlineError('file_too_large', `The file data is larger than the limit of ${fmtBytes(maxBytes)}.`);
      }
      const bytes = decodeBase64(source.value);
      if (!bytes) throw new DocinlineError('invalid_request', 'file_data must be a data: URL or base64.');
      return { input: { bytes }, filename: null };
    }
    case 'file_id': {
      const { files } = deps;
      if (files.stat) {
        const st = await files.stat(source.id, ctx.owner);
        if (st.size > maxBytes) throw new DocinlineError('file_too_large', `File ${source.id} is ${fmtBytes(st.size)}; the limit is ${fmtBytes(maxBytes)}.`);
        return {
          input: { sha256: st.sha256, load: async () => (await files.read(source.id, ctx.owner)).bytes },
          filename: st.filename,
        };
      }
      const f = await files.read(source.id, ctx.owner);
      if (f.bytes.byteLength > maxBytes) throw new DocinlineError('file_too_large', `File ${source.id} is larger than the limit of ${fmtBytes(maxBytes)}.`);
      return { input: f.sha256 ? { bytes: f.bytes, sha256: f.sha256 } : { bytes: f.bytes }, filename: f.filename };
    }
  }
}

const escAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/[\r\n\t]/g, ' ');

/** The text that replaces a part. A closing tag inside the document is defused so it cannot end the block early. */
export function documentText(name: string, result: ParseResult): string {
  const body = result.markdown.replace(/<\/document\s*>/gi, '&lt;/document&gt;');
  return `<document name="${escAttr(name)}" pages="${result.stats.pages}">\n${body}\n</document>`;
}

function defaultName(result: ParseResult): string {
  if (result.document.kind === 'pdf') return 'document.pdf';
  const ext = result.document.mime.split('/')[1] ?? 'png';
  return `image.${ext === 'jpeg' ? 'jpg' : ext}`;
}

/** Resolves after `p`, or rejects as soon as `signal` aborts (a parse that ignores its signal cannot hold the request). */
function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Fetches and parses every referenced document (concurrently, within the request's parse budget) and
 * puts each one's text in place of its part. All or nothing: on the first failure the others are
 * abandoned and the error names the part (`param`).
 */
export async function inlineDocuments(refs: DocumentRef[], ctx: { owner: string | null; signal?: AbortSignal }, deps: InlineDeps): Promise<InlineStats> {
  const stats: InlineStats = { documents: 0, pages: 0, cacheHits: 0, parseMs: 0 };
  if (!refs.length) return stats;
  const { limits } = deps;
  if (refs.length > limits.maxDocuments) {
    throw new DocinlineError('invalid_request', `The request has ${refs.length} documents to inline; the limit is ${limits.maxDocuments}.`, {
      param: refs[limits.maxDocuments]!.param,
    });
  }
  const started = performance.now();
  const ctrl = new AbortController();
  const budget = setTimeout(
    () => ctrl.abort(new DocinlineError('parse_timeout', `Inlining the documents took longer than the request's parse budget of ${limits.requestParseBudgetMs} ms.`)),
    limits.requestParseBudgetMs,
  );
  const onClientAbort = () => ctrl.abort(new DocinlineError('aborted', 'The client closed the request.'));
  ctx.signal?.addEventListener('abort', onClientAbort, { once: true });
  if (ctx.signal?.aborted) onClientAbort();

  const texts: string[] = new Array(refs.length);
  const one = async (ref: DocumentRef, i: number) => {
    try {
      const loaded = await raceSignal(loadDocument(ref.source, { owner: ctx.owner, signal: ctrl.signal }, deps), ctrl.signal);
      const remaining = limits.requestParseBudgetMs - (performance.now() - started);
      const options: ParseOptions = {
        ocr: deps.defaults.ocr,
        languages: deps.defaults.languages,
        ...ref.options,
        filename: ref.filename ?? loaded.filename ?? undefined,
        maxBytes: limits.maxFileBytes,
        maxPages: limits.maxPages,
        maxPixels: limits.maxPixels,
        timeoutMs: Math.max(1, Math.min(limits.parseTimeoutMs, remaining)),
        signal: ctrl.signal,
      };
      const r = await raceSignal(deps.parser.parse(loaded.input, options), ctrl.signal);
      stats.documents++;
      stats.pages += r.result.stats.pages;
      if (r.cached) stats.cacheHits++;
      texts[i] = documentText(ref.filename ?? loaded.filename ?? defaultName(r.result), r.result);
    } catch (e) {
      // The shared abort reason (another part's failure, the budget) belongs to whoever caused it.
      if (ctrl.signal.aborted && e === ctrl.signal.reason) {
        if (e instanceof DocinlineError && e.param === null && e.code === 'parse_timeout') e.param = ref.param;
        throw e;
      }
      const err = toDocinlineError(e);
      err.param = ref.param;
      throw err;
    }
  };

  try {
    const limit = Math.max(1, deps.concurrency ?? 4);
    let next = 0;
    let failure: unknown = null;
    const worker = async () => {
      while (next < refs.length && !failure) {
        const i = next++;
        try {
          await one(refs[i]!, i);
        } catch (e) {
          if (!failure) failure = e;
          ctrl.abort(e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, refs.length) }, worker));
    if (failure) throw failure;
    refs.forEach((ref, i) => ref.replace(texts[i]!));
    stats.parseMs = performance.now() - started;
    return stats;
  } finally {
    clearTimeout(budget);
    ctx.signal?.removeEventListener('abort', onClientAbort);
  }
}

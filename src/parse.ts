import type { DocumentMetadata, DocumentModel, SourcePage } from './model/document.js';
import { resolveParseOptions, type ParseOptions, type ParseResult, type ResolvedParseOptions } from './model/options.js';
import type { ParseRuntime, PDFDocumentProxy, PDFPageProxy } from './ports/parsing.js';
import { DocinlineError, toDocinlineError } from './errors.js';
import { detectType } from './detect.js';
import { selectPages } from './page-range.js';
import { openPdf, readMetadata, looksTruncated } from './pdf/document.js';
import { pdfPageToSource } from './pdf/source.js';
import { assessTextLayer, imageToSourcePages, ocrPdfPage } from './ocr/index.js';
import { layoutDocument } from './layout/index.js';
import { renderMarkdown } from './render/markdown.js';
import { renderText } from './render/text.js';

/**
 * The engine's one entry point: bytes of a PDF or image in, document model and Markdown out.
 * The file type comes from magic bytes only; every failure is a DocinlineError with a stable code.
 */
export async function parseDocument(bytes: Uint8Array, options: ParseOptions = {}, runtime: ParseRuntime): Promise<ParseResult> {
  const started = Date.now();
  const opts = resolveParseOptions(options);
  const budget = budgetSignal(opts);
  try {
    return await parseWithin(bytes, opts, runtime, budget.signal, started, budget.fail);
  } catch (e) {
    if (budget.signal.aborted) throw abortError(budget.signal, opts);
    throw toDocinlineError(e);
  } finally {
    budget.dispose();
  }
}

async function parseWithin(bytes: Uint8Array, opts: ResolvedParseOptions, runtime: ParseRuntime, signal: AbortSignal, started: number, fail: (e: Error) => void): Promise<ParseResult> {
  if (!(bytes instanceof Uint8Array)) throw new DocinlineError('invalid_request', 'parseDocument expects the file as a Uint8Array.');
  if (!runtime?.pdf) {
    throw new DocinlineError('invalid_request', 'parseDocument needs a runtime: in Node import it from "docinline/node" (or pass createNodeRuntime() as the third argument).');
  }
  if (bytes.byteLength > opts.maxBytes) {
    throw new DocinlineError('file_too_large', `The file is ${fmtBytes(bytes.byteLength)}; the limit is ${fmtBytes(opts.maxBytes)}.`);
  }
  if (bytes.byteLength === 0) throw new DocinlineError('empty_document', 'The file is empty (0 bytes).');
  if (opts.pages !== undefined) selectPages(opts.pages, Number.MAX_SAFE_INTEGER); // syntax errors before any work
  const type = detectType(bytes);
  const warnings: string[] = [];
  let sources: SourcePage[];
  let pageCount: number;
  let metadata: DocumentMetadata = {};
  if (type.kind === 'pdf') {
    ({ sources, pageCount, metadata } = await parsePdf(bytes, opts, runtime, signal, warnings, fail));
  } else if (type.kind === 'image') {
    if (!runtime.images || !runtime.ocr) {
      throw new DocinlineError('ocr_unavailable', `The file is an image (${type.format.toUpperCase()}); reading images needs OCR, which this runtime does not provide.`);
    }
    // The OCR functions see the document's budget (time budget and the caller's signal) as their signal.
    const r = await race(imageToSourcePages(bytes, type, { ...opts, signal }, runtime), signal);
    sources = r.pages;
    pageCount = r.pageCount;
    if (sources.length > opts.maxPages) {
      throw new DocinlineError('too_many_pages', `The image has ${sources.length} pages; the limit is ${opts.maxPages}.`);
    }
  } else {
    throw new DocinlineError('unsupported_file_type', `Unsupported file type${opts.filename ? ` for "${opts.filename}"` : ''}: ${describeUnknown(bytes)}. docinline reads PDF files and images (PNG, JPEG, WebP, GIF, TIFF, BMP).`);
  }
  signal.throwIfAborted();

  const layout = layoutDocument(sources, { mergeTables: opts.mergeTables });
  warnings.push(...layout.warnings);
  const document: DocumentModel = { kind: type.kind, mime: type.mime, pageCount, pages: layout.pages, metadata };
  for (const p of document.pages) {
    if (p.source === 'empty') warnings.push(`page ${p.number}: ${p.notes?.join('; ') || 'no text'}`);
  }
  const renderOpts = { keepFurniture: opts.keepFurniture, pageMarkers: opts.pageMarkers };
  let tables = 0;
  for (const p of document.pages) for (const b of p.blocks) if (b.type === 'table') tables++;
  return {
    document,
    markdown: renderMarkdown(document, renderOpts),
    text: renderText(document, renderOpts),
    stats: {
      pages: document.pages.length,
      ocrPages: document.pages.filter((p) => p.source === 'ocr').length,
      emptyPages: document.pages.filter((p) => p.source === 'empty').length,
      tables,
      elapsedMs: Date.now() - started,
    },
    warnings,
  };
}

async function parsePdf(bytes: Uint8Array, opts: ResolvedParseOptions, runtime: ParseRuntime, signal: AbortSignal, warnings: string[], fail: (e: Error) => void) {
  const doc = await race(openPdf(runtime.pdf, bytes, opts.password, signal, fail), signal);
  try {
    const pageCount = doc.numPages;
    if (!pageCount) throw new DocinlineError('empty_document', 'The PDF has no pages.');
    const selected = selectPages(opts.pages, pageCount);
    if (selected.length > opts.maxPages) {
      throw new DocinlineError('too_many_pages', `The document has ${selected.length} pages to parse; the limit is ${opts.maxPages}. Select fewer with the "pages" option.`, { param: 'pages' });
    }
    const metadata = await race(readMetadata(doc), signal);
    // Pages are read a few at a time: pdf.js (in its thread) works on the next page while this thread
    // turns the previous one into words, and pages that go to OCR keep every OCR worker busy. Only
    // that many pages' data (or rendered images) are held at once.
    const sources: SourcePage[] = new Array(selected.length);
    const inFlight = Math.min(selected.length, Math.max(2, runtime.ocr?.concurrency ?? 1));
    const pageOpts = { ...opts, signal };
    let unreadable = 0;
    let next = 0;
    const lane = async () => {
      while (next < selected.length) {
        signal.throwIfAborted();
        const i = next++;
        const sp = await race(pdfPage(doc, selected[i], pageOpts, runtime, signal), signal);
        if (sp.unreadable) unreadable++;
        sources[i] = sp.page;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    if (unreadable === selected.length) {
      if (looksTruncated(bytes)) throw new DocinlineError('truncated_document', 'The PDF is truncated (it ends before its end-of-file marker); none of its pages could be read.');
      throw new DocinlineError('invalid_document', 'The PDF is corrupt: none of its pages could be read.');
    }
    if (unreadable) warnings.push(`${unreadable} of ${selected.length} pages could not be read${looksTruncated(bytes) ? ' (the file is truncated)' : ''}`);
    return { sources, pageCount, metadata };
  } finally {
    // After a failure or timeout the parser may never answer (its thread may be gone): do not wait.
    const destroyed = doc.destroy().catch(() => {});
    if (!signal.aborted) await destroyed;
  }
}

function emptyPage(n: number, width: number, height: number, note: string): SourcePage {
  return { number: n, width, height, rotation: 0, source: 'empty', words: [], rules: [], regions: [], notes: [note] };
}

async function pdfPage(doc: PDFDocumentProxy, n: number, opts: ResolvedParseOptions, runtime: ParseRuntime, signal: AbortSignal): Promise<{ page: SourcePage; unreadable: boolean }> {
  let page: PDFPageProxy;
  try {
    page = await doc.getPage(n);
  } catch {
    return { page: emptyPage(n, 612, 792, 'page could not be read'), unreadable: true };
  }
  try {
    let sp: SourcePage;
    try {
      sp = await pdfPageToSource(page, n, runtime.pdf.OPS);
    } catch {
      const vp = page.getViewport({ scale: 1 });
      return { page: emptyPage(n, vp.width, vp.height, 'page content could not be read'), unreadable: true };
    }
    const quality = assessTextLayer(sp.words, sp);
    // A page with no text, no images and (almost) no drawing is blank: nothing for OCR to find.
    const blank = quality === 'none' && !sp.regions.some((r) => r.kind === 'image') && sp.rules.length + sp.regions.length < 20;
    const wantOcr = opts.ocr === 'always' || (opts.ocr === 'auto' && quality !== 'good' && !blank);
    if (wantOcr && runtime.ocr && runtime.renderer) {
      try {
        const o = await ocrPdfPage(page, n, opts, runtime);
        // Ruling lines come from the vector graphics whatever produced the words.
        if (!o.rules.length && sp.rules.length && o.rotation === sp.rotation) o.rules = sp.rules;
        return { page: o, unreadable: false };
      } catch (e) {
        if (signal.aborted) throw e;
        const msg = e instanceof DocinlineError ? e.message : 'OCR failed';
        sp.notes = [...(sp.notes ?? []), `ocr failed: ${msg}`];
      }
    } else if (wantOcr && quality !== 'good') {
      sp.notes = [...(sp.notes ?? []), quality === 'none' ? 'no text layer' : 'text layer unusable (unmapped glyphs)', 'OCR not available'];
    }
    if (quality === 'none') {
      sp.source = 'empty';
      if (!sp.notes?.length) sp.notes = [blank ? 'blank page' : 'no text layer'];
    }
    return { page: sp, unreadable: false };
  } finally {
    page.cleanup();
  }
}

// ---------- limits ----------

/**
 * One signal for everything that ends a parse early: the time budget, the caller's signal, and a
 * failure the runtime reports (`fail`, e.g. the PDF parser's thread died): whatever is pending is
 * abandoned and the reason becomes the error.
 */
function budgetSignal(opts: ResolvedParseOptions): { signal: AbortSignal; dispose(): void; fail(e: Error): void } {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new DocinlineError('parse_timeout', `Parsing took longer than the time budget of ${fmtMs(opts.timeoutMs)}.`)), opts.timeoutMs);
  (timer as unknown as { unref?: () => void }).unref?.();
  const outer = opts.signal;
  const onOuter = () => ctl.abort(outer?.reason);
  if (outer) {
    if (outer.aborted) onOuter();
    else outer.addEventListener('abort', onOuter, { once: true });
  }
  return {
    signal: ctl.signal,
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
    fail(e: Error) {
      ctl.abort(e instanceof DocinlineError ? e : new DocinlineError('internal_error', e.message || 'Parsing failed.', { cause: e }));
    },
  };
}

function abortError(signal: AbortSignal, opts: ResolvedParseOptions): DocinlineError {
  const r = signal.reason;
  if (r instanceof DocinlineError) return r;
  if (opts.signal?.aborted) {
    const reason = opts.signal.reason as { name?: string; message?: string } | undefined;
    if (reason?.name === 'TimeoutError') return new DocinlineError('parse_timeout', 'Parsing was stopped: the time budget ran out.', { cause: reason });
    return new DocinlineError('aborted', 'Parsing was cancelled.', { cause: reason });
  }
  return new DocinlineError('aborted', 'Parsing was cancelled.');
}

/** Settles with `p`, or rejects as soon as the signal aborts (the work behind `p` is then abandoned). */
function race<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}

// ---------- messages ----------

function fmtBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/** A hint at what the bytes are, for the "unsupported" message. */
function describeUnknown(b: Uint8Array): string {
  const head = String.fromCharCode(...b.subarray(0, 64));
  if (head.startsWith('PK\x03\x04')) return 'a ZIP archive (e.g. DOCX/XLSX/EPUB), not a PDF';
  if (/^\s*<(!doctype html|html)/i.test(head)) return 'an HTML page, not a PDF';
  if (/^\s*<\?xml|^\s*<svg/i.test(head)) return 'XML/SVG, not a PDF';
  if (/^\s*[{[]/.test(head)) return 'JSON text, not a PDF';
  if (head.startsWith('\x1f\x8b')) return 'a gzip archive';
  let printable = 0;
  const n = Math.min(b.length, 512);
  for (let i = 0; i < n; i++) if ((b[i] >= 32 && b[i] < 127) || b[i] === 9 || b[i] === 10 || b[i] === 13) printable++;
  if (n && printable / n > 0.95) return 'plain text, not a PDF';
  return 'the content is not a PDF or a supported image';
}

export { selectPages, parsePageRange } from './page-range.js';

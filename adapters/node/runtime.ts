/**
 * The Node ParseRuntime: one object with optional parts. The PDF driver is always there; images, OCR
 * and the page renderer are added by the OCR wiring when available (pass them in, or let later code
 * extend `createNodeRuntime`). Without OCR, scanned pages are reported as "no text layer".
 */
import type { ImageCodec, OcrEngine, PageRenderer, ParseRuntime, PdfDriver } from '../../src/ports/parsing.js';
import { createNodePdfDriver } from './pdf.js';
import type { SharpImageCodec } from './images-sharp.js';
import { TesseractOcrEngine, type TesseractEngineOptions } from './ocr-tesseract.js';
import type { CanvasPageRenderer } from './render-canvas.js';

export interface NodeRuntimeOptions {
  pdf?: PdfDriver;
  images?: ImageCodec;
  ocr?: OcrEngine;
  renderer?: PageRenderer;
  /**
   * OCR parts not passed in are created (sharp codec, tesseract.js pool, pdf.js+canvas renderer) with
   * these settings; `false` = a runtime without OCR. The pool's threads start on first use and do not
   * keep the process alive while idle; `runtime.ocr.close()` ends them.
   */
  ocrDefaults?: TesseractEngineOptions | false;
}

export function createNodeRuntime(opts: NodeRuntimeOptions = {}): ParseRuntime {
  const runtime: ParseRuntime = { pdf: opts.pdf ?? createNodePdfDriver() };
  const defaults = opts.ocrDefaults === false ? null : (opts.ocrDefaults ?? {});
  const images = opts.images ?? (defaults ? lazyAsync<ImageCodec>(async () => new (await import('./images-sharp.js')).SharpImageCodec() as SharpImageCodec) : undefined);
  const ocr = opts.ocr ?? (defaults ? new TesseractOcrEngine(defaults) : undefined);
  const renderer = opts.renderer ?? (defaults ? lazyAsync<PageRenderer>(async () => new (await import('./render-canvas.js')).CanvasPageRenderer() as CanvasPageRenderer) : undefined);
  if (images) runtime.images = images;
  if (ocr) runtime.ocr = ocr;
  if (renderer) runtime.renderer = renderer;
  return runtime;
}

/**
 * An object whose (async) methods load the real implementation on first call. sharp and
 * @napi-rs/canvas each add ~30 MB of native code to the process; most PDFs never need them.
 */
function lazyAsync<T extends object>(load: () => Promise<T>): T {
  let impl: Promise<T> | undefined;
  const get = () => (impl ??= load());
  return new Proxy({} as T, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a thenable
      return async (...args: unknown[]) => {
        const target = await get();
        const fn = (target as Record<PropertyKey, unknown>)[prop];
        if (typeof fn !== 'function') return fn;
        return (fn as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

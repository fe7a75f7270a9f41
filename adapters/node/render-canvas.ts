/**
 * PageRenderer on pdf.js + @napi-rs/canvas: renders a page to raw RGBA pixels (no PNG round trip:
 * encoding costs four times the rendering).
 */
import { createCanvas } from '@napi-rs/canvas';
import { DocinlineError } from '../../src/errors.js';
import type { PageRenderer, PDFPageProxy, RasterImage } from '../../src/ports/parsing.js';

export class CanvasPageRenderer implements PageRenderer {
  async render(page: PDFPageProxy, opts: { dpi: number; maxPixels: number; signal?: AbortSignal }): Promise<RasterImage> {
    opts.signal?.throwIfAborted();
    let scale = opts.dpi / 72;
    const base = page.getViewport({ scale: 1 });
    if (base.width * base.height * scale * scale > opts.maxPixels) scale = Math.sqrt(opts.maxPixels / (base.width * base.height));
    const viewport = page.getViewport({ scale });
    const width = Math.max(1, Math.floor(viewport.width));
    const height = Math.max(1, Math.floor(viewport.height));
    if (!Number.isFinite(width * height) || width * height > opts.maxPixels || width > 32767 || height > 32767) {
      throw new DocinlineError('too_many_pixels', `The page is too large to render (${Math.round(base.width)}×${Math.round(base.height)} pt)`);
    }
    const canvas = createCanvas(width, height);
    const ctx = canvas.getContext('2d');
    // The DOM canvas types are not in this build's lib; @napi-rs/canvas implements the same API.
    type RenderParams = Parameters<PDFPageProxy['render']>[0];
    const task = page.render({ canvas, canvasContext: ctx, viewport, background: '#ffffff' } as unknown as RenderParams);
    const onAbort = () => task.cancel();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await task.promise;
    } catch (e) {
      if (opts.signal?.aborted) throw new DocinlineError('aborted', 'Rendering was cancelled', { cause: e });
      throw new DocinlineError('invalid_document', 'The page could not be rendered for OCR', { cause: e });
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    const img = ctx.getImageData(0, 0, width, height);
    return { width, height, channels: 4, data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength) };
  }
}

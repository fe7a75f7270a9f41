/**
 * The Node ParseRuntime: one object with optional parts. The PDF driver is always there; images, OCR
 * and the page renderer are added by the OCR wiring when available (pass them in, or let later code
 * extend `createNodeRuntime`). Without OCR, scanned pages are reported as "no text layer".
 */
import type { ImageCodec, OcrEngine, PageRenderer, ParseRuntime, PdfDriver } from '../../src/ports/parsing.js';
import { createNodePdfDriver } from './pdf.js';

export interface NodeRuntimeOptions {
  pdf?: PdfDriver;
  images?: ImageCodec;
  ocr?: OcrEngine;
  renderer?: PageRenderer;
}

export function createNodeRuntime(opts: NodeRuntimeOptions = {}): ParseRuntime {
  const runtime: ParseRuntime = { pdf: opts.pdf ?? createNodePdfDriver() };
  if (opts.images) runtime.images = opts.images;
  if (opts.ocr) runtime.ocr = opts.ocr;
  if (opts.renderer) runtime.renderer = opts.renderer;
  return runtime;
}

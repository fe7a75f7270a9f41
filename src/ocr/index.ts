import type { SourcePage, Word } from '../model/document.js';
import type { ResolvedParseOptions } from '../model/options.js';
import type { ParseRuntime, PDFPageProxy } from '../ports/parsing.js';
import type { DetectedType } from '../detect.js';

/** STUB (issue 4): how usable a PDF page's text layer is. 'garbage' = unmapped glyphs, private-use chars... */
export function assessTextLayer(words: Word[], page: { width: number; height: number }): 'good' | 'garbage' | 'none' {
  void page;
  return words.length ? 'good' : 'none';
}

/** STUB (issue 4): decodes an image file (all TIFF pages) and OCRs each page into words. */
export async function imageToSourcePages(
  bytes: Uint8Array,
  type: Extract<DetectedType, { kind: 'image' }>,
  opts: ResolvedParseOptions,
  runtime: ParseRuntime,
): Promise<{ pageCount: number; pages: SourcePage[] }> {
  void bytes; void type; void opts; void runtime;
  throw new Error('image OCR is not implemented yet');
}

/** STUB (issue 4): renders a PDF page and OCRs it into a SourcePage (same page space as the text layer). */
export async function ocrPdfPage(page: PDFPageProxy, number: number, opts: ResolvedParseOptions, runtime: ParseRuntime): Promise<SourcePage> {
  void page; void number; void opts; void runtime;
  throw new Error('PDF OCR is not implemented yet');
}

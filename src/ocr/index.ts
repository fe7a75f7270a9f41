/**
 * OCR as a page source: images (every TIFF page) and PDF pages without a usable text layer become
 * SourcePages of OCR words, in the same page space the text layer would use, so the layout stages
 * (lines, blocks, reading order, headings, lists, tables) treat both alike. Only the runtime's
 * ImageCodec, OcrEngine and PageRenderer are used here.
 */
import type { Rule, SourcePage, Word } from '../model/document.js';
import type { ResolvedParseOptions } from '../model/options.js';
import type { ImageCodec, OcrEngine, OcrInput, OcrResult, PageRenderer, ParseRuntime, PDFPageProxy } from '../ports/parsing.js';
import type { DetectedType } from '../detect.js';
import { DocinlineError } from '../errors.js';
import { selectPages } from '../page-range.js';
import { normalizeQuarterTurn, rotateBox, rotatedSize, scaleBox } from './geometry.js';
import { eraseRules, findRules } from './raster.js';
import { nativeImageDpi, type OperatorList } from './pdf-images.js';
import { cleanWords, harmonizeSizes, mergeCjkRuns } from './words.js';

export { assessTextLayer, type TextLayerQuality } from './text-layer.js';

/** Render DPI for PDF pages without embedded scans (vector text with a broken encoding). */
const DEFAULT_RENDER_DPI = 300;
const MIN_RENDER_DPI = 150;
const MAX_RENDER_DPI = 300;

function requireOcr(runtime: ParseRuntime, what: string): { images: ImageCodec; ocr: OcrEngine } {
  if (!runtime.images || !runtime.ocr) {
    throw new DocinlineError('ocr_unavailable', `Reading ${what} needs OCR, which this runtime does not provide.`);
  }
  return { images: runtime.images, ocr: runtime.ocr };
}

/**
 * Turns one OCR result into a SourcePage. `unit` converts prepared-image pixels into page units
 * (1/scale for images, points per pixel for rendered PDF pages).
 */
function toSourcePage(
  number: number,
  input: OcrInput,
  result: OcrResult,
  unit: number,
  rules: Rule[],
  notes: string[],
): SourcePage {
  const rotation = normalizeQuarterTurn(result.rotation);
  const up = rotatedSize(input.image.width, input.image.height, rotation);
  const words: Word[] = harmonizeSizes(mergeCjkRuns(cleanWords(result.words))).map((w) => {
    const out: Word = { ...w, bbox: scaleBox(w.bbox, unit), fontSize: w.fontSize * unit };
    if (w.baseline !== undefined) out.baseline = w.baseline * unit;
    return out;
  });
  const pageRules = rules.map((r) => {
    const b = scaleBox(rotateBox({ x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y1 }, rotation, input.image.width, input.image.height), unit);
    const turned = rotation === 90 || rotation === 270;
    return { ...b, orientation: turned ? (r.orientation === 'h' ? 'v' : 'h') : r.orientation, width: r.width * unit } as Rule;
  });
  const page: SourcePage = {
    number,
    width: up.width * unit,
    height: up.height * unit,
    rotation,
    source: words.length ? 'ocr' : 'empty',
    words,
    rules: pageRules,
    regions: [],
  };
  const n = [...notes];
  if (rotation) n.push(`ocr: page turned ${rotation}° to read it`);
  if (result.script && result.languages && result.languages.join('+') !== 'eng') n.push(`ocr: ${result.script} script, read with ${result.languages.join('+')}`);
  if (!words.length) n.push('ocr found no text');
  if (n.length) page.notes = n;
  return page;
}

/** Table borders in the prepared raster; skipped for huge rasters where the scan costs more than it helps. */
function rasterRules(input: OcrInput): Rule[] {
  const { width, height } = input.image;
  if (width * height > 25_000_000) return [];
  const opts: Parameters<typeof findRules>[1] = { maxThickness: Math.max(3, Math.round(2 * input.scale) + 1) };
  if (input.textHeight) opts.textHeight = input.textHeight;
  return findRules(input.image, opts);
}

/** Decodes an image file (all TIFF pages) and OCRs each page into words. */
export async function imageToSourcePages(
  bytes: Uint8Array,
  type: Extract<DetectedType, { kind: 'image' }>,
  opts: ResolvedParseOptions,
  runtime: ParseRuntime,
): Promise<{ pageCount: number; pages: SourcePage[] }> {
  const { images, ocr } = requireOcr(runtime, `images (${type.format.toUpperCase()})`);
  // Header first: bombs, zero sizes and corrupt headers fail here, before any pixel is decoded.
  const info = await images.probe(bytes, { maxPixels: opts.maxPixels });
  const pageCount = info.animated ? 1 : info.pages;
  const selected = selectPages(opts.pages, pageCount);
  if (selected.length > opts.maxPages) {
    throw new DocinlineError('too_many_pages', `The image has ${selected.length} pages to read; the limit is ${opts.maxPages}.`, { param: 'pages' });
  }
  const notes: string[] = [];
  if (info.animated) notes.push(`animated image: only the first of ${info.pages} frames was read`);
  const pages: SourcePage[] = new Array(selected.length);
  // Pages go to the OCR pool a few at a time: enough to keep every worker busy, not the whole TIFF.
  const fanOut = Math.max(1, ocr.concurrency ?? 1);
  let next = 0;
  const worker = async () => {
    while (next < selected.length) {
      const i = next++;
      opts.signal?.throwIfAborted();
      const n = selected[i]!;
      const input = await images.prepareForOcr(bytes, { page: n - 1, maxPixels: opts.maxPixels });
      const rules = rasterRules(input);
      const result = await ocr.recognize(eraseRules(input.image, rules), { languages: opts.languages, signal: opts.signal, detectOrientation: true });
      pages[i] = toSourcePage(n, input, result, 1 / input.scale, rules, notes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(fanOut, selected.length) }, worker));
  if (pages.length > 1) {
    // Sizes are compared across the document (body size, headings): pull them together across pages too.
    const all = harmonizeSizes(pages.flatMap((p) => p.words));
    let k = 0;
    for (const p of pages) p.words = all.slice(k, (k += p.words.length));
  }
  return { pageCount, pages };
}

/** Renders a PDF page and OCRs it into a SourcePage (same page space as the text layer). */
export async function ocrPdfPage(page: PDFPageProxy, number: number, opts: ResolvedParseOptions, runtime: ParseRuntime): Promise<SourcePage> {
  const { images, ocr } = requireOcr(runtime, 'scanned PDF pages');
  const renderer: PageRenderer | undefined = runtime.renderer;
  if (!renderer) throw new DocinlineError('ocr_unavailable', 'OCR of PDF pages needs a page renderer, which this runtime does not provide.');
  const viewport = page.getViewport({ scale: 1 });
  let dpi = DEFAULT_RENDER_DPI;
  try {
    // pdf.js caches the operator list the text-layer pass already built.
    const opList = (await page.getOperatorList()) as unknown as OperatorList;
    const native = nativeImageDpi(opList, runtime.pdf.OPS, viewport.width * viewport.height);
    if (native) dpi = Math.min(MAX_RENDER_DPI, Math.max(MIN_RENDER_DPI, native));
  } catch {
    // keep the default
  }
  const raster = await renderer.render(page, { dpi, maxPixels: opts.maxPixels, signal: opts.signal });
  const input = await images.prepareRasterForOcr(raster, { maxPixels: opts.maxPixels });
  const rules = rasterRules(input);
  const result = await ocr.recognize(eraseRules(input.image, rules), { languages: opts.languages, signal: opts.signal, detectOrientation: true });
  // points per prepared-image pixel
  const unit = viewport.width / raster.width / input.scale;
  const sp = toSourcePage(number, input, result, unit, rules, []);
  // The page's own /Rotate is already in the viewport; OCR may turn it further.
  const pageRotation = normalizeQuarterTurn(((viewport.rotation as number) ?? 0) + sp.rotation);
  sp.rotation = pageRotation;
  return sp;
}

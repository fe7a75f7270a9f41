/**
 * What the parsing engine needs from its runtime. The core only sees these interfaces; each
 * `adapters/<runtime>/` folder wires real implementations (Node: pdfjs-dist legacy build, sharp,
 * tesseract.js, @napi-rs/canvas; Workers: unpdf's pdf.js build, tesseract.js-core or delegation).
 */
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/types/src/display/api.js';
import type { Word } from '../model/document.js';

export type { PDFDocumentProxy, PDFPageProxy };

/** Opens PDFs with the runtime's pdf.js build and its offline font/CMap locations. */
export interface PdfDriver {
  /**
   * `onFatal` is called if the document can no longer be read at all (e.g. the thread parsing it died):
   * the caller stops waiting for it and reports the error.
   */
  open(data: Uint8Array, opts: { password?: string; signal?: AbortSignal; onFatal?: (error: Error) => void }): Promise<PDFDocumentProxy>;
  /** pdf.js' OPS table of the same build (operator list codes differ between versions). */
  readonly OPS: Record<string, number>;
}

/** Raw pixels, row-major, no padding. */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

export interface ImageInfo {
  /** sharp-style format name: png, jpeg, webp, gif, tiff, bmp, avif, heif. */
  format: string;
  width: number;
  height: number;
  /** Frames/pages (TIFF pages, GIF/WebP frames). */
  pages: number;
  animated: boolean;
  hasAlpha: boolean;
  /** EXIF orientation 1-8 when present. */
  exifOrientation?: number;
}

export interface OcrInput {
  image: RasterImage;
  /** Size of the image the word boxes should be reported in (after undoing any upscaling). */
  scale: number;
  /** Typical glyph height in `image` pixels, when the codec measured it. */
  textHeight?: number;
}

export interface ImageCodec {
  /** Reads the header only: must reject decompression bombs before decoding any pixels. */
  probe(bytes: Uint8Array, opts: { maxPixels: number }): Promise<ImageInfo>;
  /** Decodes one page/frame, upright (EXIF applied), alpha flattened on white, prepared for OCR. */
  prepareForOcr(bytes: Uint8Array, opts: { page: number; maxPixels: number }): Promise<OcrInput>;
  /** Prepares an already decoded raster (a rendered PDF page) the same way. */
  prepareRasterForOcr(image: RasterImage, opts: { maxPixels: number }): Promise<OcrInput>;
  /** Encodes a raster as PNG (for previews in the playground). */
  encodePng?(image: RasterImage): Promise<Uint8Array>;
}

export interface OcrResult {
  /** Words with boxes in the coordinates of the image that was passed in. */
  words: Word[];
  /** Rotation (0/90/180/270) that was detected and undone before recognition. */
  rotation: number;
  /** Mean word confidence 0..100. */
  confidence: number;
  /** Script OSD reported when it was consulted (e.g. "Han", "Latin"). */
  script?: string;
  /** Languages the words were finally read with (a pack may be added for the detected script). */
  languages?: string[];
}

export interface OcrEngine {
  /**
   * Word boxes are in the upright image: the passed image turned clockwise by `rotation`.
   * `timeoutMs` is the budget for this image (engines have a default).
   */
  recognize(image: RasterImage, opts: { languages: string[]; signal?: AbortSignal; detectOrientation?: boolean; timeoutMs?: number }): Promise<OcrResult>;
  /** Languages this engine can load right now. */
  languages(): string[];
  /** Images it recognises at once (pool size); callers use it to bound their own fan-out. */
  readonly concurrency?: number;
  close(): Promise<void>;
}

export interface PageRenderer {
  /** Renders a pdf.js page to pixels at `dpi`, never above `maxPixels`. */
  render(page: PDFPageProxy, opts: { dpi: number; maxPixels: number; signal?: AbortSignal }): Promise<RasterImage>;
}

/** Everything parseDocument needs; `ocr`, `images` and `renderer` are optional (no OCR without them). */
export interface ParseRuntime {
  pdf: PdfDriver;
  images?: ImageCodec;
  ocr?: OcrEngine;
  renderer?: PageRenderer;
}

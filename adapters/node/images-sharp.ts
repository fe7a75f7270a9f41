/**
 * ImageCodec on sharp (libvips): probes headers without decoding, decodes one page/frame upright with
 * transparency flattened, and prepares grayscale pixels for OCR (dark themes inverted, contrast
 * normalised, small text upscaled to the size tesseract reads best). BMP, which libvips cannot read,
 * goes through the core's own reader.
 */
import sharp, { type Metadata } from 'sharp';
import { DocinlineError } from '../../src/errors.js';
import { detectType } from '../../src/detect.js';
import type { ImageCodec, ImageInfo, OcrInput, RasterImage } from '../../src/ports/parsing.js';
import { decodeBmp, readBmpHeader } from '../../src/ocr/bmp.js';
import { planOcrScale, type OcrScaleOptions } from '../../src/ocr/prepare.js';
import { grayForOcr } from '../../src/ocr/gray.js';

export interface SharpCodecOptions extends OcrScaleOptions {
  /** Largest image handed to OCR after upscaling (tesseract's memory grows with it). */
  maxOcrPixels?: number;
}

const SUPPORTED = new Set(['png', 'jpeg', 'gif', 'webp', 'tiff', 'bmp', 'avif', 'heif']);

function mapSharpError(e: unknown, what: string): DocinlineError {
  if (e instanceof DocinlineError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/pixel limit/i.test(msg)) return new DocinlineError('too_many_pixels', `The ${what} has more pixels than allowed`, { cause: e });
  if (/premature end|truncat|unexpected end|end of file|EOF|not enough data|read error|out of data/i.test(msg)) {
    return new DocinlineError('truncated_document', `The ${what} is truncated or incomplete`, { cause: e });
  }
  if (/unsupported image format|bad seek|compression|no decoder|not a known|unsupported/i.test(msg) && /heif|hevc|av1|codec/i.test(msg)) {
    return new DocinlineError('unsupported_file_type', `This ${what} encoding cannot be decoded here`, { cause: e });
  }
  return new DocinlineError('invalid_document', `The ${what} could not be decoded (corrupt or not an image)`, { cause: e });
}

export class SharpImageCodec implements ImageCodec {
  private readonly opts: SharpCodecOptions;

  constructor(opts: SharpCodecOptions = {}) {
    this.opts = opts;
  }

  async probe(bytes: Uint8Array, opts: { maxPixels: number }): Promise<ImageInfo> {
    const t = detectType(bytes);
    if (t.kind !== 'image' || !SUPPORTED.has(t.format)) throw new DocinlineError('unsupported_file_type', 'Not a supported image format');
    if (t.format === 'bmp') {
      const h = readBmpHeader(bytes, opts.maxPixels);
      return { format: 'bmp', width: h.width, height: h.height, pages: 1, animated: false, hasAlpha: h.hasAlpha };
    }
    let m: Metadata;
    try {
      // metadata() reads the header only; the declared size is checked before anything is decoded.
      m = await sharp(bytes, { limitInputPixels: false, failOn: 'none' }).metadata();
    } catch (e) {
      throw mapSharpError(e, 'image');
    }
    const width = m.width ?? 0;
    const height = m.pageHeight ?? m.height ?? 0;
    if (!width || !height) throw new DocinlineError('invalid_document', 'The image is empty (zero width or height)');
    const pages = Math.max(1, m.pages ?? 1);
    if (width * height > opts.maxPixels) {
      throw new DocinlineError('too_many_pixels', `The image is ${width}×${height} pixels, more than the limit of ${opts.maxPixels}`);
    }
    const format = m.format === 'heif' && m.compression === 'av1' ? 'avif' : String(m.format);
    const animated = pages > 1 && (format === 'gif' || format === 'webp' || format === 'png');
    const info: ImageInfo = { format, width, height, pages, animated, hasAlpha: !!m.hasAlpha };
    if (m.orientation && m.orientation !== 1) info.exifOrientation = m.orientation;
    return info;
  }

  async prepareForOcr(bytes: Uint8Array, opts: { page: number; maxPixels: number }): Promise<OcrInput> {
    const t = detectType(bytes);
    if (t.kind !== 'image' || !SUPPORTED.has(t.format)) throw new DocinlineError('unsupported_file_type', 'Not a supported image format');
    if (t.format === 'bmp') return this.prepareRasterForOcr(decodeBmp(bytes, opts.maxPixels), opts);
    let raster: RasterImage;
    try {
      const img = sharp(bytes, { page: opts.page, pages: 1, limitInputPixels: opts.maxPixels, failOn: 'truncated' }).autoOrient();
      const meta = await img.metadata();
      const { data, info } = meta.hasAlpha
        ? await img.ensureAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
        : await img.toColourspace('b-w').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      raster = { width: info.width, height: info.height, channels: info.channels as 1 | 3 | 4, data };
    } catch (e) {
      throw mapSharpError(e, 'image');
    }
    return this.prepareRasterForOcr(raster, opts);
  }

  async prepareRasterForOcr(image: RasterImage, opts: { maxPixels: number }): Promise<OcrInput> {
    let gray = grayForOcr(image, opts.maxPixels);
    try {
      const maxOcr = Math.min(this.opts.maxOcrPixels ?? 36_000_000, Math.max(opts.maxPixels, gray.width * gray.height));
      const { scale, textHeight, despeckle } = planOcrScale(gray, { ...this.opts, maxPixels: maxOcr });
      const th = textHeight !== undefined ? { textHeight: textHeight * scale } : {};
      if (despeckle) {
        // Scanner specks become stray letters and break words; a 3×3 median removes them, and only
        // runs on text big enough (x-height ≥ 10 px) to keep its strokes.
        const d = await sharp(gray.data, { raw: { width: gray.width, height: gray.height, channels: 1 } }).median(3).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
        gray = { width: d.info.width, height: d.info.height, channels: 1, data: d.data };
      }
      if (scale === 1) return { image: gray, scale: 1, ...th };
      const width = Math.max(1, Math.round(gray.width * scale));
      const height = Math.max(1, Math.round(gray.height * scale));
      const out = await sharp(gray.data, { raw: { width: gray.width, height: gray.height, channels: 1 } })
        .resize(width, height, { kernel: scale > 1 ? 'cubic' : 'lanczos3', fit: 'fill' })
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { image: { width: out.info.width, height: out.info.height, channels: 1, data: out.data }, scale: out.info.width / gray.width, ...th };
    } catch (e) {
      throw mapSharpError(e, 'image');
    }
  }

  async encodePng(image: RasterImage): Promise<Uint8Array> {
    return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } }).png().toBuffer();
  }
}

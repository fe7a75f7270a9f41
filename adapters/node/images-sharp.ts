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
import { histogram, isDarkBackground, percentile } from '../../src/ocr/raster.js';

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
    if (!image.width || !image.height) throw new DocinlineError('invalid_document', 'The image is empty (zero width or height)');
    if (image.width * image.height > opts.maxPixels) {
      throw new DocinlineError('too_many_pixels', `The image is ${image.width}×${image.height} pixels, more than the limit of ${opts.maxPixels}`);
    }
    let gray = toGray(image);
    if (isDarkBackground(histogram(gray))) gray = inverted(gray);
    gray = stretchContrast(gray);
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

/**
 * Grayscale with transparency flattened. Transparent areas become white, unless the visible pixels are
 * themselves light (white text on a transparent background), which would vanish on white: then black.
 */
export function toGray(img: RasterImage): RasterImage {
  const { width, height, channels, data } = img;
  const n = width * height;
  if (channels === 1) return { width, height, channels: 1, data: data instanceof Uint8Array ? data : new Uint8Array(data) };
  const out = new Uint8Array(n);
  const lum = (p: number) => (data[p]! * 299 + data[p + 1]! * 587 + data[p + 2]! * 114) / 1000;
  if (channels === 3) {
    for (let i = 0; i < n; i++) out[i] = Math.round(lum(i * 3));
    return { width, height, channels: 1, data: out };
  }
  let opaque = 0;
  let transparent = 0;
  let opaqueSum = 0;
  for (let i = 0; i < n; i++) {
    const a = data[i * 4 + 3]!;
    if (a >= 128) { opaque++; opaqueSum += lum(i * 4); } else transparent++;
  }
  // An alpha channel that hides everything is a writer's mistake (e.g. 32-bit BMP), not the picture.
  if (!opaque) {
    for (let i = 0; i < n; i++) out[i] = Math.round(lum(i * 4));
    return { width, height, channels: 1, data: out };
  }
  const bg = transparent > n * 0.2 && opaqueSum / opaque > 170 ? 0 : 255;
  for (let i = 0; i < n; i++) {
    const a = data[i * 4 + 3]! / 255;
    out[i] = Math.round(bg + (lum(i * 4) - bg) * a);
  }
  return { width, height, channels: 1, data: out };
}

/**
 * Linear contrast stretch from the darkest ink to the paper. Not sharp's normalise(): its 1st-percentile
 * black point lands on the paper when ink covers under 1% of a screenshot and turns noise into specks.
 */
export function stretchContrast(img: RasterImage): RasterImage {
  const h = histogram(img);
  const lo = percentile(h, 0.0005);
  const hi = percentile(h, 0.99);
  if (hi - lo >= 230 || hi - lo < 16) return img;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.max(0, Math.min(255, Math.round(((v - lo) * 255) / (hi - lo))));
  const d = img.data;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = lut[d[i]!]!;
  return { ...img, data: out };
}

function inverted(img: RasterImage): RasterImage {
  const d = img.data;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = 255 - d[i]!;
  return { ...img, data: out };
}

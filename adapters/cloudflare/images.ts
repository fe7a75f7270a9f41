/**
 * ImageCodec for the Worker, in plain JS: PNG (own reader on the native DecompressionStream), JPEG
 * (jpeg-js) and BMP (the core's reader). Preparation for OCR takes the Node codec's steps (gray,
 * inverted when dark, contrast stretched: src/ocr/gray.ts), then scales so text is the size tesseract
 * reads best, within the pixel budget the Worker's memory allows. Other formats (GIF, WebP,
 * TIFF, AVIF, HEIF) are not decoded here: the Worker sends those to the parse service.
 */
import { DocinlineError } from '../../src/errors.js';
import { detectType } from '../../src/detect.js';
import type { ImageCodec, ImageInfo, OcrInput, RasterImage } from '../../src/ports/parsing.js';
import { decodeBmp, readBmpHeader } from '../../src/ocr/bmp.js';
import { planOcrScale } from '../../src/ocr/prepare.js';
import { grayForOcr } from '../../src/ocr/gray.js';
import { rotateRaster } from '../../src/ocr/raster.js';
import { decodePng, readPngHeader } from './png.js';
// The decoder alone: the package's index also pulls in the encoder.
import decodeJpegImpl from 'jpeg-js/lib/decoder.js';

/** Formats this codec decodes. */
export const WORKER_IMAGE_FORMATS = new Set(['png', 'jpeg', 'bmp']);

const decodeJpeg = decodeJpegImpl as unknown as (
  data: Uint8Array,
  opts: { useTArray: true; formatAsRGBA: boolean; tolerantDecoding: boolean; maxResolutionInMP: number; maxMemoryUsageInMB: number },
) => { width: number; height: number; data: Uint8Array };

/** Width and height from the first start-of-frame marker, and the EXIF orientation if there is one. */
export function readJpegHeader(b: Uint8Array): { width: number; height: number; orientation: number } {
  let o = 2;
  let orientation = 1;
  while (o + 4 <= b.length) {
    if (b[o] !== 0xff) {
      o++;
      continue;
    }
    const marker = b[o + 1]!;
    if (marker === 0xff) {
      o++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      o += 2;
      continue;
    }
    const len = (b[o + 2]! << 8) | b[o + 3]!;
    if (marker === 0xe1 && len > 16) orientation = exifOrientation(b.subarray(o + 4, o + 2 + len)) ?? orientation;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof && o + 9 <= b.length) {
      return { height: (b[o + 5]! << 8) | b[o + 6]!, width: (b[o + 7]! << 8) | b[o + 8]!, orientation };
    }
    if (marker === 0xda) break; // image data before any frame header
    o += 2 + len;
  }
  throw new DocinlineError('invalid_document', 'Invalid JPEG image: no frame header');
}

function exifOrientation(app1: Uint8Array): number | null {
  if (String.fromCharCode(...app1.subarray(0, 4)) !== 'Exif') return null;
  const t = app1.subarray(6);
  if (t.length < 8) return null;
  const le = t[0] === 0x49;
  const u16 = (o: number) => (le ? t[o]! | (t[o + 1]! << 8) : (t[o]! << 8) | t[o + 1]!);
  const u32 = (o: number) => (le ? (t[o]! | (t[o + 1]! << 8) | (t[o + 2]! << 16) | (t[o + 3]! << 24)) >>> 0 : ((t[o]! << 24) | (t[o + 1]! << 16) | (t[o + 2]! << 8) | t[o + 3]!) >>> 0);
  const ifd = u32(4);
  if (ifd + 2 > t.length) return null;
  const n = u16(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > t.length) return null;
    if (u16(e) === 0x0112) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? v : null;
    }
  }
  return null;
}

/** EXIF orientation → the clockwise turn that makes the picture upright (mirrored variants read as their turn). */
function turnFor(orientation: number): 0 | 90 | 180 | 270 {
  if (orientation === 3 || orientation === 4) return 180;
  if (orientation === 6 || orientation === 5) return 90;
  if (orientation === 8 || orientation === 7) return 270;
  return 0;
}

/** Bilinear when enlarging, box average when shrinking; 8-bit gray in and out. */
export function resizeGray(img: RasterImage, width: number, height: number): RasterImage {
  const { width: sw, height: sh, data } = img;
  const out = new Uint8Array(width * height);
  const fx = sw / width;
  const fy = sh / height;
  if (fx >= 1 && fy >= 1) {
    for (let y = 0; y < height; y++) {
      const y0 = Math.floor(y * fy);
      const y1 = Math.max(y0 + 1, Math.min(sh, Math.floor((y + 1) * fy)));
      for (let x = 0; x < width; x++) {
        const x0 = Math.floor(x * fx);
        const x1 = Math.max(x0 + 1, Math.min(sw, Math.floor((x + 1) * fx)));
        let sum = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += data[yy * sw + xx]!;
        out[y * width + x] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
      }
    }
  } else {
    for (let y = 0; y < height; y++) {
      const sy = Math.max(0, Math.min(sh - 1, (y + 0.5) * fy - 0.5));
      const y0 = Math.floor(sy);
      const y1 = Math.min(sh - 1, y0 + 1);
      const wy = sy - y0;
      for (let x = 0; x < width; x++) {
        const sx = Math.max(0, Math.min(sw - 1, (x + 0.5) * fx - 0.5));
        const x0 = Math.floor(sx);
        const x1 = Math.min(sw - 1, x0 + 1);
        const wx = sx - x0;
        const top = data[y0 * sw + x0]! * (1 - wx) + data[y0 * sw + x1]! * wx;
        const bottom = data[y1 * sw + x0]! * (1 - wx) + data[y1 * sw + x1]! * wx;
        out[y * width + x] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { width, height, channels: 1, data: out };
}

export interface WorkerImageCodecOptions {
  /** Largest image handed to OCR after scaling (tesseract's memory grows with it). */
  maxOcrPixels: number;
}

export class WorkerImageCodec implements ImageCodec {
  constructor(private readonly opts: WorkerImageCodecOptions) {}

  async probe(bytes: Uint8Array, opts: { maxPixels: number }): Promise<ImageInfo> {
    const t = detectType(bytes);
    if (t.kind !== 'image' || !WORKER_IMAGE_FORMATS.has(t.format)) throw new DocinlineError('unsupported_file_type', 'This image format is not decoded inside the Worker');
    let info: ImageInfo;
    if (t.format === 'png') {
      const h = readPngHeader(bytes, opts.maxPixels);
      info = { format: 'png', width: h.width, height: h.height, pages: 1, animated: false, hasAlpha: h.hasAlpha };
    } else if (t.format === 'bmp') {
      const h = readBmpHeader(bytes, opts.maxPixels);
      info = { format: 'bmp', width: h.width, height: h.height, pages: 1, animated: false, hasAlpha: h.hasAlpha };
    } else {
      const h = readJpegHeader(bytes);
      if (!h.width || !h.height) throw new DocinlineError('invalid_document', 'The image is empty (zero width or height)');
      if (h.width * h.height > opts.maxPixels) {
        throw new DocinlineError('too_many_pixels', `The image is ${h.width}×${h.height} pixels, more than the limit of ${opts.maxPixels}`);
      }
      info = { format: 'jpeg', width: h.width, height: h.height, pages: 1, animated: false, hasAlpha: false };
      if (h.orientation !== 1) info.exifOrientation = h.orientation;
    }
    return info;
  }

  async prepareForOcr(bytes: Uint8Array, opts: { page: number; maxPixels: number }): Promise<OcrInput> {
    const t = detectType(bytes);
    let raster: RasterImage;
    if (t.kind === 'image' && t.format === 'png') raster = await decodePng(bytes, opts.maxPixels);
    else if (t.kind === 'image' && t.format === 'bmp') raster = decodeBmp(bytes, opts.maxPixels);
    else if (t.kind === 'image' && t.format === 'jpeg') {
      const h = readJpegHeader(bytes);
      if (h.width * h.height > opts.maxPixels) {
        throw new DocinlineError('too_many_pixels', `The image is ${h.width}×${h.height} pixels, more than the limit of ${opts.maxPixels}`);
      }
      let d: { width: number; height: number; data: Uint8Array };
      try {
        d = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: true, maxResolutionInMP: opts.maxPixels / 1e6, maxMemoryUsageInMB: 64 });
      } catch (e) {
        throw new DocinlineError('invalid_document', 'The JPEG image could not be decoded (corrupt, truncated or an unsupported variant)', { cause: e });
      }
      raster = rotateRaster({ width: d.width, height: d.height, channels: 3, data: d.data }, turnFor(h.orientation));
    } else {
      throw new DocinlineError('unsupported_file_type', 'This image format is not decoded inside the Worker');
    }
    return this.prepareRasterForOcr(raster, opts);
  }

  async prepareRasterForOcr(image: RasterImage, opts: { maxPixels: number }): Promise<OcrInput> {
    const gray = grayForOcr(image, opts.maxPixels);
    const { scale, textHeight } = planOcrScale(gray, { maxPixels: this.opts.maxOcrPixels });
    const th = textHeight !== undefined ? { textHeight: textHeight * scale } : {};
    if (scale === 1) return { image: gray, scale: 1, ...th };
    const width = Math.max(1, Math.round(gray.width * scale));
    const height = Math.max(1, Math.round(gray.height * scale));
    return { image: resizeGray(gray, width, height), scale: width / gray.width, ...th };
  }
}

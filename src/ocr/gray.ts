/**
 * The pixel steps every image codec takes before OCR, whatever decoded the image (sharp on Node, the
 * plain-JS decoders in the Worker): gray with transparency flattened, dark themes inverted, contrast
 * stretched. Scaling is left to the codec, which has its own resampler and memory budget.
 */
import { DocinlineError } from '../errors.js';
import type { RasterImage } from '../ports/parsing.js';
import { histogram, isDarkBackground, percentile } from './raster.js';

/** `image` as 8-bit gray, ready to be scaled for OCR; refuses empty images and ones over `maxPixels`. */
export function grayForOcr(image: RasterImage, maxPixels: number): RasterImage {
  if (!image.width || !image.height) throw new DocinlineError('invalid_document', 'The image is empty (zero width or height)');
  if (image.width * image.height > maxPixels) {
    throw new DocinlineError('too_many_pixels', `The image is ${image.width}×${image.height} pixels, more than the limit of ${maxPixels}`);
  }
  let gray = toGray(image);
  if (isDarkBackground(histogram(gray))) gray = mapGray(gray, (v) => 255 - v);
  return stretchContrast(gray);
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
 * Linear contrast stretch from the darkest ink to the paper. Not a percentile black point such as
 * sharp's normalise(): its 1st percentile lands on the paper when ink covers under 1% of a screenshot
 * and turns noise into specks.
 */
export function stretchContrast(img: RasterImage): RasterImage {
  const h = histogram(img);
  const lo = percentile(h, 0.0005);
  const hi = percentile(h, 0.99);
  if (hi - lo >= 230 || hi - lo < 16) return img;
  return mapGray(img, (v) => ((v - lo) * 255) / (hi - lo));
}

/** Every gray level through `f` (rounded, clamped to 0..255), by a lookup table. */
function mapGray(img: RasterImage, f: (v: number) => number): RasterImage {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.max(0, Math.min(255, Math.round(f(v))));
  const d = img.data;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = lut[d[i]!]!;
  return { ...img, data: out };
}

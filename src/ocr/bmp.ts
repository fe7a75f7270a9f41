/**
 * A small BMP reader (sharp/libvips cannot read BMP). Uncompressed 1/4/8/16/24/32-bit and BI_BITFIELDS,
 * bottom-up or top-down. The header is read and checked (size, pixel limit, data length) before any
 * pixel is touched, so a bomb or a truncated file fails fast.
 */
import { DocinlineError } from '../errors.js';
import type { RasterImage } from '../ports/parsing.js';

export interface BmpHeader {
  width: number;
  height: number;
  topDown: boolean;
  bpp: number;
  compression: number;
  dataOffset: number;
  stride: number;
  palette: Uint8Array | null;
  masks: [number, number, number, number] | null;
  hasAlpha: boolean;
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const i32 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);

export function readBmpHeader(b: Uint8Array, maxPixels: number): BmpHeader {
  const bad = (why: string) => new DocinlineError('invalid_document', `Invalid BMP image: ${why}`);
  if (b.length < 26 || b[0] !== 0x42 || b[1] !== 0x4d) throw bad('missing BM header');
  const dataOffset = u32(b, 10);
  const dib = u32(b, 14);
  let width: number;
  let rawHeight: number;
  let bpp: number;
  let compression = 0;
  let colors = 0;
  if (dib === 12) {
    width = u16(b, 18);
    rawHeight = u16(b, 20);
    bpp = u16(b, 24);
  } else if (dib >= 40 && b.length >= 54) {
    width = i32(b, 18);
    rawHeight = i32(b, 22);
    bpp = u16(b, 28);
    compression = u32(b, 30);
    colors = u32(b, 46);
  } else {
    throw bad(`unsupported header size ${dib}`);
  }
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw new DocinlineError('invalid_document', 'The image is empty (zero width or height)');
  if (width * height > maxPixels) {
    throw new DocinlineError('too_many_pixels', `The image is ${width}×${height} pixels, more than the limit of ${maxPixels}`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw bad(`unsupported bit depth ${bpp}`);
  if (compression !== 0 && compression !== 3 && compression !== 6) {
    throw new DocinlineError('unsupported_file_type', 'Compressed (RLE/JPEG/PNG-in-BMP) BMP images are not supported');
  }
  let masks: BmpHeader['masks'] = null;
  if (bpp === 16 || bpp === 32) {
    if (compression === 3 || compression === 6) {
      const at = dib >= 52 ? 54 : 14 + dib; // masks follow a 40-byte header, or sit inside V2+ headers
      if (b.length < at + 12) throw bad('truncated bit masks');
      masks = [u32(b, at), u32(b, at + 4), u32(b, at + 8), dib >= 56 || compression === 6 ? u32(b, at + 12) : 0];
    } else {
      masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
    }
  }
  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const n = colors || 1 << bpp;
    const entry = dib === 12 ? 3 : 4;
    const at = 14 + dib;
    if (b.length < at + n * entry) throw new DocinlineError('truncated_document', 'The BMP image is truncated (palette)');
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < Math.min(n, 256); i++) {
      palette[i * 3] = b[at + i * entry + 2]!;
      palette[i * 3 + 1] = b[at + i * entry + 1]!;
      palette[i * 3 + 2] = b[at + i * entry]!;
    }
  }
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset + stride * height > b.length) throw new DocinlineError('truncated_document', 'The BMP image is truncated');
  return { width, height, topDown: rawHeight < 0, bpp, compression, dataOffset, stride, palette, masks, hasAlpha: !!masks?.[3] };
}

function channelFrom(v: number, mask: number): number {
  if (!mask) return 255;
  let shift = 0;
  while (!((mask >>> shift) & 1)) shift++;
  const max = mask >>> shift;
  return Math.round((((v & mask) >>> shift) * 255) / max);
}

/** Decodes to RGB, or RGBA when the file carries an alpha mask. */
export function decodeBmp(b: Uint8Array, maxPixels: number): RasterImage {
  const h = readBmpHeader(b, maxPixels);
  const channels = h.hasAlpha ? 4 : 3;
  const out = new Uint8Array(h.width * h.height * channels);
  for (let y = 0; y < h.height; y++) {
    const row = h.dataOffset + (h.topDown ? y : h.height - 1 - y) * h.stride;
    let o = y * h.width * channels;
    for (let x = 0; x < h.width; x++, o += channels) {
      let r: number, g: number, bl: number, a = 255;
      if (h.bpp <= 8) {
        const bitPos = x * h.bpp;
        const byte = b[row + (bitPos >> 3)]!;
        const idx = h.bpp === 8 ? byte : (byte >> (8 - h.bpp - (bitPos & 7))) & ((1 << h.bpp) - 1);
        r = h.palette![idx * 3]!; g = h.palette![idx * 3 + 1]!; bl = h.palette![idx * 3 + 2]!;
      } else if (h.bpp === 24) {
        const p = row + x * 3;
        bl = b[p]!; g = b[p + 1]!; r = b[p + 2]!;
      } else {
        const v = h.bpp === 16 ? u16(b, row + x * 2) : u32(b, row + x * 4);
        const m = h.masks!;
        r = channelFrom(v, m[0]); g = channelFrom(v, m[1]); bl = channelFrom(v, m[2]);
        if (m[3]) a = channelFrom(v, m[3]);
      }
      out[o] = r; out[o + 1] = g; out[o + 2] = bl;
      if (channels === 4) out[o + 3] = a;
    }
  }
  return { width: h.width, height: h.height, channels, data: out };
}

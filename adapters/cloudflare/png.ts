/**
 * A PNG reader for the Worker (no sharp, no libvips): every colour type and bit depth, palettes with
 * transparency, Adam7 interlacing. Inflation uses the runtime's native DecompressionStream; the size
 * the pixels must inflate to is known from the header, so a bomb or a truncated stream fails as soon as
 * it shows, and the pixel limit is checked before anything is inflated.
 */
import { DocinlineError } from '../../src/errors.js';
import type { RasterImage } from '../../src/ports/parsing.js';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  animated: boolean;
  hasAlpha: boolean;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

const bad = (why: string) => new DocinlineError('invalid_document', `Invalid PNG image: ${why}`);
const truncated = () => new DocinlineError('truncated_document', 'The PNG image is truncated or its data is corrupt');
const u32 = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

interface Chunk {
  type: string;
  start: number;
  end: number;
}

function* chunks(b: Uint8Array): Generator<Chunk> {
  let o = 8;
  while (o + 8 <= b.length) {
    const len = u32(b, o);
    const type = String.fromCharCode(b[o + 4]!, b[o + 5]!, b[o + 6]!, b[o + 7]!);
    const start = o + 8;
    const end = start + len;
    if (end > b.length) throw truncated();
    yield { type, start, end };
    if (type === 'IEND') return;
    o = end + 4; // CRC
  }
  throw truncated();
}

export function readPngHeader(b: Uint8Array, maxPixels: number): PngHeader {
  if (b.length < 33 || SIGNATURE.some((v, i) => b[i] !== v)) throw bad('missing signature');
  if (String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) !== 'IHDR') throw bad('missing IHDR');
  const width = u32(b, 16);
  const height = u32(b, 20);
  const bitDepth = b[24]!;
  const colorType = b[25]!;
  const interlace = b[28]!;
  if (!width || !height) throw new DocinlineError('invalid_document', 'The image is empty (zero width or height)');
  if (width * height > maxPixels) {
    throw new DocinlineError('too_many_pixels', `The image is ${width}×${height} pixels, more than the limit of ${maxPixels}`);
  }
  if (!DEPTHS[colorType]?.includes(bitDepth)) throw bad(`colour type ${colorType} with bit depth ${bitDepth}`);
  if (b[26] !== 0 || b[27] !== 0 || interlace > 1) throw bad('unknown compression, filter or interlace method');
  // Only the chunk headers are walked (no pixel data is touched) to learn about animation and alpha.
  let animated = false;
  let trns = false;
  let o = 8;
  while (o + 8 <= b.length) {
    const len = u32(b, o);
    const type = String.fromCharCode(b[o + 4]!, b[o + 5]!, b[o + 6]!, b[o + 7]!);
    if (type === 'acTL') animated = true;
    if (type === 'tRNS') trns = true;
    if (type === 'IDAT' || type === 'IEND') break;
    o += 12 + len;
  }
  return { width, height, bitDepth, colorType, interlace, animated, hasAlpha: colorType === 4 || colorType === 6 || trns };
}

/** Inflates a zlib stream, refusing to produce more than `expected` bytes and failing when it stops short. */
async function inflate(parts: Uint8Array[], expected: number): Promise<Uint8Array> {
  const ds = new DecompressionStream('deflate');
  const writer = ds.writable.getWriter();
  const out = new Uint8Array(expected);
  let filled = 0;
  const reading = (async () => {
    const reader = ds.readable.getReader();
    for (;;) {
      const r = await reader.read();
      if (r.done) return;
      const v = r.value as Uint8Array;
      if (filled + v.byteLength > expected) {
        // Trailing bytes past the image are tolerated by decoders; inflating far beyond it is a bomb.
        out.set(v.subarray(0, expected - filled), filled);
        filled = expected;
        await reader.cancel().catch(() => {});
        return;
      }
      out.set(v, filled);
      filled += v.byteLength;
    }
  })();
  const writing = (async () => {
    for (const p of parts) await writer.write(p);
    await writer.close();
  })();
  const [w, r] = await Promise.allSettled([writing, reading]);
  if (filled < expected) throw truncated();
  // A stream that ended early without its checksum still produced every row: keep what we have.
  void w;
  void r;
  return out;
}

const PASSES = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the per-row filters in place; returns the offset after the last row. */
function unfilter(data: Uint8Array, offset: number, rows: number, rowBytes: number, bpp: number): number {
  let prev = -1;
  let o = offset;
  for (let y = 0; y < rows; y++) {
    const f = data[o]!;
    const row = o + 1;
    if (f > 4) throw bad(`unknown row filter ${f}`);
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? data[row + i - bpp]! : 0;
      const b = prev >= 0 ? data[prev + i]! : 0;
      const c = prev >= 0 && i >= bpp ? data[prev + i - bpp]! : 0;
      const x = data[row + i]!;
      let v: number;
      switch (f) {
        case 0: v = x; break;
        case 1: v = x + a; break;
        case 2: v = x + b; break;
        case 3: v = x + ((a + b) >> 1); break;
        default: v = x + paeth(a, b, c);
      }
      data[row + i] = v & 255;
    }
    prev = row;
    o = row + rowBytes;
  }
  return o;
}

export async function decodePng(b: Uint8Array, maxPixels: number): Promise<RasterImage> {
  const h = readPngHeader(b, maxPixels);
  const { width, height, bitDepth, colorType } = h;
  const samples = CHANNELS[colorType]!;
  const bitsPerPixel = samples * bitDepth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  let palette: Uint8Array | null = null;
  let trns: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  for (const c of chunks(b)) {
    if (c.type === 'PLTE') palette = b.subarray(c.start, c.end);
    else if (c.type === 'tRNS') trns = b.subarray(c.start, c.end);
    else if (c.type === 'IDAT') idat.push(b.subarray(c.start, c.end));
  }
  if (!idat.length) throw truncated();
  if (colorType === 3 && !palette) throw bad('palette image without a palette');

  const passes = h.interlace
    ? PASSES.map(([x0, y0, dx, dy]) => ({ x0, y0, dx, dy, w: Math.ceil((width - x0) / dx), h: Math.ceil((height - y0) / dy) })).filter((p) => p.w > 0 && p.h > 0)
    : [{ x0: 0, y0: 0, dx: 1, dy: 1, w: width, h: height }];
  let expected = 0;
  for (const p of passes) expected += p.h * (1 + Math.ceil((p.w * bitsPerPixel) / 8));
  const raw = await inflate(idat, expected);

  // Output: gray (1), RGB (3) or RGBA (4); gray+alpha and transparent palettes become RGBA.
  const outChannels = colorType === 0 ? 1 : colorType === 2 ? 3 : colorType === 3 ? (trns ? 4 : 3) : 4;
  const out = new Uint8Array(width * height * outChannels);
  const maxVal = (1 << bitDepth) - 1;
  let offset = 0;
  for (const p of passes) {
    const rowBytes = Math.ceil((p.w * bitsPerPixel) / 8);
    const start = offset;
    offset = unfilter(raw, offset, p.h, rowBytes, bpp);
    for (let y = 0; y < p.h; y++) {
      const row = start + y * (rowBytes + 1) + 1;
      const oy = p.y0 + y * p.dy;
      for (let x = 0; x < p.w; x++) {
        const ox = p.x0 + x * p.dx;
        const d = (oy * width + ox) * outChannels;
        if (bitDepth < 8) {
          const bit = x * bitDepth;
          const v = (raw[row + (bit >> 3)]! >> (8 - bitDepth - (bit & 7))) & maxVal;
          if (colorType === 3) writePalette(out, d, v, palette!, trns, outChannels);
          else out[d] = Math.round((v * 255) / maxVal);
          continue;
        }
        const s = row + x * bpp;
        const step = bitDepth === 16 ? 2 : 1;
        if (colorType === 3) {
          writePalette(out, d, raw[s]!, palette!, trns, outChannels);
        } else if (colorType === 4) {
          const g = raw[s]!;
          out[d] = g;
          out[d + 1] = g;
          out[d + 2] = g;
          out[d + 3] = raw[s + step]!;
        } else {
          for (let k = 0; k < outChannels; k++) out[d + k] = raw[s + k * step]!;
        }
      }
    }
  }
  return { width, height, channels: outChannels as 1 | 3 | 4, data: out };
}

function writePalette(out: Uint8Array, d: number, index: number, palette: Uint8Array, trns: Uint8Array | null, channels: number): void {
  const p = index * 3;
  out[d] = palette[p] ?? 0;
  out[d + 1] = palette[p + 1] ?? 0;
  out[d + 2] = palette[p + 2] ?? 0;
  if (channels === 4) out[d + 3] = trns && index < trns.length ? trns[index]! : 255;
}

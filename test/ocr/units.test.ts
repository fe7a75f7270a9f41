// The pure parts of OCR, on hand-made words and rasters: text-layer triage, geometry, pixel
// measurements, the BMP reader, word cleaning and sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Word } from '../../src/model/document.js';
import type { RasterImage } from '../../src/ports/parsing.js';
import { assessTextLayer } from '../../src/ocr/index.js';
import { deskewBox, rotateBox, rotatedSize } from '../../src/ocr/geometry.js';
import { eraseRules, estimateTextSize, findRules, isDarkBackground, histogram, rotateRaster } from '../../src/ocr/raster.js';
import { decodeBmp, readBmpHeader } from '../../src/ocr/bmp.js';
import { cleanWords, emFromBox, harmonizeSizes } from '../../src/ocr/words.js';
import { languageForScript, spaceBetween } from '../../src/ocr/script.js';
import { planOcrScale } from '../../src/ocr/prepare.js';
import { DocinlineError } from '../../src/errors.js';

const word = (text: string, x0 = 0, y0 = 0, extra: Partial<Word> = {}): Word => ({
  text, bbox: { x0, y0, x1: x0 + 6 * text.length, y1: y0 + 12 }, fontSize: 12, ...extra,
});
const sentence = (s: string, y = 100) => s.split(' ').map((t, i) => word(t, 72 + i * 50, y));
const page = { width: 612, height: 792 };

test('assessTextLayer: no words is none, real text is good', () => {
  assert.equal(assessTextLayer([], page), 'none');
  assert.equal(assessTextLayer([word('   ')], page), 'none');
  assert.equal(assessTextLayer(sentence('The quick brown fox jumps over the lazy dog and keeps running until night'), page), 'good');
  assert.equal(assessTextLayer(sentence('繁體中文測試 這是一個句子'), page), 'good');
});

test('assessTextLayer: unmapped glyphs, private-use code points and control characters are garbage', () => {
  assert.equal(assessTextLayer(sentence('\ufffd\ufffd\ufffd \ufffd\ufffd ab\ufffd\ufffd \ufffd\ufffd\ufffd'), page), 'garbage');
  assert.equal(assessTextLayer(sentence('\ue001\ue002\ue003 \ue004\ue005 \ue006\ue007\ue008 word'), page), 'garbage');
  assert.equal(assessTextLayer(sentence('\u0001\u0002\u0003 \u0004\u0005\u0006 \u0007\u0008'), page), 'garbage');
  // A font mapped onto the wrong letters: no vowels anywhere.
  const consonants = Array.from({ length: 30 }, (_, i) => ['xkcd', 'bcdfg', 'hjklm', 'npqrst'][i % 4]!).join(' ');
  assert.equal(assessTextLayer(sentence(consonants), page), 'garbage');
  // Punctuation soup
  assert.equal(assessTextLayer(sentence('#$%& ()*+ ,-./ :;<= >?@[ ]^_` {|}~ #$%& ()*+ ,-./ :;<= >?@[ ]^_` {|}~'), page), 'garbage');
});

test('assessTextLayer: a stamp over a page-sized image is treated as no text layer', () => {
  const regions = [{ kind: 'image' as const, bbox: { x0: 0, y0: 0, x1: 612, y1: 792 } }];
  assert.equal(assessTextLayer([word('Page'), word('12')], { ...page, regions }), 'none');
  assert.equal(assessTextLayer([word('Page'), word('12')], page), 'good');
});

test('rotateBox turns boxes with the image, and four quarter turns are the identity', () => {
  const b = { x0: 10, y0: 20, x1: 30, y1: 25 };
  // 100×50 image turned 90° clockwise is 50×100; the top-left corner goes to the top-right.
  assert.deepEqual(rotateBox(b, 90, 100, 50), { x0: 25, y0: 10, x1: 30, y1: 30 });
  assert.deepEqual(rotateBox(b, 180, 100, 50), { x0: 70, y0: 25, x1: 90, y1: 30 });
  assert.deepEqual(rotateBox(b, 270, 100, 50), { x0: 20, y0: 70, x1: 25, y1: 90 });
  let c = b, w = 100, h = 50;
  for (let i = 0; i < 4; i++) { c = rotateBox(c, 90, w, h); ({ width: w, height: h } = rotatedSize(w, h, 90)); }
  assert.deepEqual(c, b);
});

test('rotateRaster moves pixels where rotateBox moves boxes', () => {
  const img: RasterImage = { width: 5, height: 3, channels: 1, data: new Uint8Array(15).fill(255) };
  img.data[1 * 5 + 3] = 0; // pixel (3,1)
  for (const r of [90, 180, 270] as const) {
    const t = rotateRaster(img, r);
    const b = rotateBox({ x0: 3, y0: 1, x1: 4, y1: 2 }, r, 5, 3);
    assert.equal(t.data[b.y0 * t.width + b.x0], 0, `rotation ${r}`);
    assert.equal([...t.data].filter((v) => v === 0).length, 1);
  }
});

test('deskewBox levels a tilted line: boxes along a downhill baseline end up on one row', () => {
  const angle = 0.01; // ~0.57°, a typical scan
  const boxes = [0, 500, 1000, 1500].map((x) => ({ x0: x, y0: 100 + x * Math.tan(angle), x1: x + 80, y1: 130 + x * Math.tan(angle) }));
  const out = boxes.map((b) => deskewBox(b, angle, 1000, 700));
  const ys = out.map((b) => b.y0);
  assert.ok(Math.max(...ys) - Math.min(...ys) < 1, `rows: ${ys.join(', ')}`);
  assert.ok(Math.max(...boxes.map((b) => b.y0)) - Math.min(...boxes.map((b) => b.y0)) > 14);
});

/** A white raster with black rectangles. */
function raster(w: number, h: number, rects: [number, number, number, number][]): RasterImage {
  const data = new Uint8Array(w * h).fill(250);
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * w + x] = 10;
  return { width: w, height: h, channels: 1, data };
}

test('findRules finds a ruled grid and not the glyph-sized marks inside it', () => {
  const rects: [number, number, number, number][] = [];
  for (const y of [20, 80, 140, 200]) rects.push([20, y, 420, y + 2]); // 4 horizontal rules
  for (const x of [20, 220, 420]) rects.push([x, 20, x + 2, 202]); // 3 vertical rules
  // "glyphs": 10×14 blobs and 2-px stems 16 px tall in the cells
  for (const [cx, cy] of [[40, 40], [240, 40], [40, 100], [240, 160]]) { rects.push([cx!, cy!, cx! + 10, cy! + 14]); rects.push([cx! + 20, cy!, cx! + 22, cy! + 16]); }
  const img = raster(460, 240, rects);
  const rules = findRules(img, { textHeight: 14 });
  const h = rules.filter((r) => r.orientation === 'h').map((r) => Math.round(r.y0)).sort((a, b) => a - b);
  const v = rules.filter((r) => r.orientation === 'v').map((r) => Math.round(r.x0)).sort((a, b) => a - b);
  assert.deepEqual(h, [21, 81, 141, 201]);
  assert.deepEqual(v, [21, 221, 421]);
  // Erasing them leaves the glyphs alone.
  const erased = eraseRules(img, rules);
  assert.equal(erased.data[21 * 460 + 100], 255);
  assert.equal(erased.data[45 * 460 + 45], 10);
  assert.equal(img.data[21 * 460 + 100], 10, 'the input is not modified');
});

test('findRules ignores dark areas of a photo (no paper on either side)', () => {
  const img = raster(400, 300, [[50, 50, 350, 250]]);
  assert.deepEqual(findRules(img, { textHeight: 12 }), []);
});

test('estimateTextSize measures glyph-sized components; dark pages are recognised', () => {
  const rects: [number, number, number, number][] = [];
  for (let i = 0; i < 40; i++) rects.push([10 + i * 12, 20 + (i % 3) * 30, 18 + i * 12, 29 + (i % 3) * 30]); // 8×9 "letters"
  const img = raster(500, 120, rects);
  assert.equal(estimateTextSize(img)?.median, 9);
  assert.equal(isDarkBackground(histogram(img)), false);
  const dark = { ...img, data: img.data.map((v) => 255 - v) };
  assert.equal(isDarkBackground(histogram(dark)), true);
  // 9-px text is enlarged to the OCR target; big text is left alone
  assert.ok(planOcrScale(img).scale >= 2);
});

function bmpHeader(width: number, height: number, bpp = 24, dataBytes?: number): Uint8Array {
  const stride = Math.ceil((bpp * width) / 32) * 4;
  const size = 54 + (dataBytes ?? stride * Math.abs(height));
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  b[0] = 0x42; b[1] = 0x4d;
  dv.setUint32(2, size, true); dv.setUint32(10, 54, true); dv.setUint32(14, 40, true);
  dv.setInt32(18, width, true); dv.setInt32(22, height, true); dv.setUint16(26, 1, true); dv.setUint16(28, bpp, true);
  return b;
}

test('BMP: header checks come before pixels (bomb, empty, truncated), and pixels decode upright', () => {
  assert.throws(() => readBmpHeader(bmpHeader(100_000, 100_000, 24, 16), 40_000_000), (e: unknown) => e instanceof DocinlineError && e.code === 'too_many_pixels');
  assert.throws(() => readBmpHeader(bmpHeader(0, 10), 1e6), (e: unknown) => e instanceof DocinlineError && e.code === 'invalid_document');
  assert.throws(() => readBmpHeader(bmpHeader(100, 100, 24, 50), 1e6), (e: unknown) => e instanceof DocinlineError && e.code === 'truncated_document');
  // 2×2, bottom-up: first stored row is the bottom one.
  const b = bmpHeader(2, 2);
  const px = [[0, 0, 255], [0, 255, 0], [255, 0, 0], [255, 255, 255]]; // BGR: bottom-left red, bottom-right green, top-left blue, top-right white
  b.set(px[0]!, 54); b.set(px[1]!, 57); b.set(px[2]!, 62); b.set(px[3]!, 65);
  const img = decodeBmp(b, 1e6);
  assert.equal(img.channels, 3);
  assert.deepEqual([...img.data], [0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 255, 0]);
});

test('cleanWords drops low-confidence specks and border fragments, keeps unsure real words', () => {
  const ws = [
    word('Total', 0, 0, { confidence: 95 }),
    word('|', 0, 0, { confidence: 20, bbox: { x0: 0, y0: 0, x1: 2, y1: 30 } }),
    word('~', 0, 0, { confidence: 10 }),
    word('uncommon.["?ll%]', 0, 0, { confidence: 0 }),
    word('—', 0, 0, { confidence: 90 }),
  ];
  assert.deepEqual(cleanWords(ws).map((w) => w.text), ['Total', 'uncommon.["?ll%]', '—']);
});

test('emFromBox reads the same size from short and long words of one font', () => {
  // 20-px font: x-height ~10, cap height ~14.4, descender ~4.2
  assert.ok(Math.abs(emFromBox('mean', 10)! - 20) < 0.5);
  assert.ok(Math.abs(emFromBox('North', 14.4)! - 20) < 0.5);
  assert.ok(Math.abs(emFromBox('Typography', 18.6)! - 20) < 0.5);
  assert.equal(emFromBox('...', 3), null);
});

test('harmonizeSizes pulls wobbling sizes together and keeps real steps', () => {
  const ws = [
    ...['a', 'b', 'c', 'd'].map((t) => word(t.repeat(20), 0, 0, { fontSize: 15 })),
    word('x'.repeat(20), 0, 0, { fontSize: 16.2 }),
    word('y'.repeat(20), 0, 0, { fontSize: 14.1 }),
    word('Heading', 0, 0, { fontSize: 21 }),
  ];
  assert.deepEqual(harmonizeSizes(ws).map((w) => w.fontSize), [15, 15, 15, 15, 15, 15, 21]);
});

test('scripts: CJK words join without spaces, Han adds an installed Chinese pack once', () => {
  assert.equal(spaceBetween('繁體', '中文'), false);
  assert.equal(spaceBetween('hello', 'world'), true);
  assert.equal(spaceBetween('中文', 'OCR'), true);
  assert.equal(languageForScript('Han', ['eng', 'chi_tra'], ['eng']), 'chi_tra');
  assert.equal(languageForScript('Han', ['eng', 'chi_tra'], ['chi_tra', 'eng']), null);
  assert.equal(languageForScript('Han', ['eng'], ['eng']), null);
  assert.equal(languageForScript('Latin', ['eng', 'chi_tra'], ['eng']), null);
});

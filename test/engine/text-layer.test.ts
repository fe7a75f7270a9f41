// pdf.js text items → words, on hand-made items (no PDF needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textItemsToWords } from '../../src/pdf/text-layer.js';

const plain = () => ({ bold: false, italic: false, monospace: false });

test('non-embedded standard fonts (pdf.js ascent/descent NaN) still give finite word boxes', () => {
  const words = textItemsToWords({
    // "Total 12" at x=72, baseline y=700 in PDF user space, 10 pt
    items: [{ str: 'Total 12', dir: 'ltr', width: 40, height: 10, transform: [10, 0, 0, 10, 72, 700], fontName: 'g_d0_f1', hasEOL: false }],
    styles: { g_d0_f1: { fontFamily: 'serif', ascent: NaN, descent: NaN, vertical: false } },
    viewportTransform: [1, 0, 0, -1, 0, 792],
    fontStyle: plain as any,
  });
  assert.deepEqual(words.map((w) => w.text), ['Total', '12']);
  for (const w of words) {
    for (const v of [w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1]) assert.ok(Number.isFinite(v), `finite box for ${w.text}`);
    assert.ok(w.bbox.y0 < 92 && w.bbox.y1 > 92, 'box straddles the baseline at y=92 (top-left space)');
  }
});

test('text printed twice at the same place (shadow, fake bold, a line drawn in pieces and again whole) comes out once', () => {
  const item = (str: string, x: number, width: number, y = 700) => ({ str, dir: 'ltr', width, height: 10, transform: [10, 0, 0, 10, x, y], fontName: 'g_d0_f1', hasEOL: false });
  const words = textItemsToWords({
    items: [
      item('Signed on as ALICE', 140.7, 75.6), item('Signed on as ALICE', 140.7, 75.7),
      // Pieces of a line ("S", "ifi", "th t th") and then the whole line over them.
      item('S', 72, 5.5, 600), item('ifi', 84, 9, 600), item('Specifies that the', 72, 80, 600),
      // Two equal words side by side are both kept.
      item('0 0', 72, 15, 500),
    ],
    styles: { g_d0_f1: { fontFamily: 'sans-serif', ascent: 0.8, descent: -0.2, vertical: false } },
    viewportTransform: [1, 0, 0, -1, 0, 792],
    fontStyle: plain as any,
  });
  assert.deepEqual(words.map((w) => w.text), ['Signed', 'on', 'as', 'ALICE', 'Specifies', 'that', 'the', '0', '0']);
});

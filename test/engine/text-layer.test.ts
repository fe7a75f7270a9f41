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

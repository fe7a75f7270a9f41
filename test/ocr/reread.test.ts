/** The OCR clean-up steps between tesseract's answer and the layout stages, on hand-made readings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Word } from '../../src/model/document.js';
import { cleanWords } from '../../src/ocr/words.js';
import { loneTokens, tokenSheet } from '../../adapters/node/ocr-tesseract.js';

const box = (x0: number, y0: number, x1: number, y1: number) => ({ x0, y0, x1, y1 });

function ocrWord(text: string, x0: number, conf: number, spaceAfter: boolean): Word {
  return { text, bbox: box(x0, 90, x0 + 8 * text.length, 100), fontSize: 10, baseline: 100, confidence: conf, spaceAfter };
}

test('dropping a speck that ended an OCR line makes the word before it end the line', () => {
  const words = [ocrWord('Total', 0, 95, true), ocrWord('42', 60, 93, true), ocrWord('|', 90, 10, false), ocrWord('Next', 0, 95, false)];
  const out = cleanWords(words);
  assert.deepEqual(out.map((w) => w.text), ['Total', '42', 'Next']);
  assert.equal(out[1]!.spaceAfter, false, '"42" now ends its line');
  assert.equal(out[0]!.spaceAfter, true);
  assert.equal(words[1]!.spaceAfter, true, 'the input is not changed');
});

/** A tesseract line as its answer holds it: words at [x0, x1] with the same height. */
function tLine(spans: [string, number, number][], y0 = 100, h = 20) {
  const words = spans.map(([text, x0, x1]) => ({ text, confidence: 80, bbox: box(x0, y0, x1, y0 + h) }));
  const b = box(Math.min(...spans.map((s) => s[1])), y0, Math.max(...spans.map((s) => s[2])), y0 + h);
  return { bbox: b, baseline: box(b.x0, y0 + h, b.x1, y0 + h), words };
}

test('short tokens far from their neighbours on an OCR line (table cells) are picked for a second reading', () => {
  const row = tLine([['Cheque', 0, 90], ['4987', 100, 150], ['2', 300, 312], ['36.07', 400, 470]]);
  const prose = tLine([['It', 0, 20], ['is', 28, 45], ['a', 53, 63], ['cat', 71, 110]], 140);
  const picks = loneTokens([{ paragraphs: [{ is_ltr: true, lines: [row, prose] }] }]);
  // "2" stands alone; "It", "is", "a" sit a space apart from their neighbours; long words are never picked.
  assert.deepEqual(picks.map((p) => p.word.text), ['2']);
});

test('the picked boxes are stacked on one white sheet and each reading maps back to its box', () => {
  const width = 200, height = 100;
  const data = new Uint8Array(width * height).fill(255);
  // Two dark marks: one at (20..30, 10..30), one at (150..170, 60..80).
  for (let y = 10; y < 30; y++) for (let x = 20; x < 30; x++) data[y * width + x] = 0;
  for (let y = 60; y < 80; y++) for (let x = 150; x < 170; x++) data[y * width + x] = 0;
  const sheet = tokenSheet({ width, height, channels: 1, data }, [box(20, 10, 30, 30), box(150, 60, 170, 80)]);
  assert.ok(sheet);
  const img = sheet.image;
  // Each band of the sheet holds its mark, in order, and nothing else is dark.
  const darkRows: number[] = [];
  for (let y = 0; y < img.height; y++) {
    let dark = 0;
    for (let x = 0; x < img.width; x++) if (img.data[y * img.width + x]! < 128) dark++;
    if (dark) darkRows.push(dark);
  }
  assert.equal(darkRows.length, 40, 'both marks, 20 rows each');
  assert.deepEqual(darkRows.slice(0, 20), new Array(20).fill(10));
  assert.deepEqual(darkRows.slice(20), new Array(20).fill(20));
  let first = -1, second = -1;
  for (let y = 0; y < img.height; y++) {
    const row = img.data.subarray(y * img.width, (y + 1) * img.width);
    if (row.some((v) => v < 128)) { if (first < 0) first = y; second = y; }
  }
  assert.equal(sheet.slotAt(first + 5), 0);
  assert.equal(sheet.slotAt(second - 5), 1);
  assert.equal(sheet.slotAt(-100), -1);
});

test('a box of nothing (zero width) gives no sheet rather than a bad image', () => {
  const img = { width: 10, height: 10, channels: 1 as const, data: new Uint8Array(100).fill(255) };
  assert.equal(tokenSheet(img, [box(20, 20, 20, 20)]), null);
});

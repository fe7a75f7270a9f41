/**
 * The table stage on OCR words: what the OCR engine says about its own lines (spaceAfter, word order)
 * and titles set above a table's header.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Word } from '../../src/model/document.js';
import { detectTables } from '../../src/layout/tables/index.js';
import { buildLines } from '../../src/layout/tables/lines.js';
import { phrase, phraseRight, page, rowsOf } from './boxes.js';

/** Words of one OCR line: a confidence each, spaceAfter on all but the last, gaps as given. */
function ocrLine(texts: string[], x: number, y: number, gap: number, size = 10): Word[] {
  const out: Word[] = [];
  let cx = x;
  texts.forEach((t, i) => {
    const w = t.length * 0.5 * size;
    out.push({ text: t, bbox: { x0: cx, y0: y - 0.8 * size, x1: cx + w, y1: y + 0.2 * size }, fontSize: size, baseline: y, confidence: 90, spaceAfter: i < texts.length - 1 });
    cx += w + gap;
  });
  return out;
}

test('an OCR line of justified prose stays one chunk although its spaces are wider than a cell gap', () => {
  // Evenly stretched spaces of 1.1 em: over the chunk gap, but all alike and all between words.
  const words = ocrLine(['The', 'committee', 'shall', 'meet', 'every', 'month'], 72, 200, 11);
  const [line] = buildLines(words, words.map((_, i) => i));
  assert.equal(line.chunks.length, 1, line.chunks.map((c) => c.text).join(' | '));
  assert.equal(line.chunks[0].text, 'The committee shall meet every month');
});

test('the same gaps between numbers on an OCR line are cell gaps', () => {
  const words = ocrLine(['Total', '1,200', '3,400', '5,600', '7,800'], 72, 200, 11);
  const [line] = buildLines(words, words.map((_, i) => i));
  assert.equal(line.chunks.length, 5);
});

test('a prose line whose words are not one OCR line (no spaceAfter) is still cut at wide gaps', () => {
  const words = ocrLine(['The', 'committee', 'shall', 'meet', 'every', 'month'], 72, 200, 11).map((w) => ({ ...w, spaceAfter: false }));
  const [line] = buildLines(words, words.map((_, i) => i));
  assert.ok(line.chunks.length > 1);
});

test('title lines flush with the left edge above a header row are not header cells', () => {
  const words: Word[] = [];
  // An account name and its terms, set from the table's left edge past the first column.
  words.push(...phrase('ACME Supplies Ltd account 4471-22', 72, 160, 10, { bold: true }));
  words.push(...phrase('Payment terms 30 days net from the date of invoice', 72, 174));
  const rows = [
    ['Item', 'Qty', 'Price', 'Total'],
    ['Paper', '10', '4.50', '45.00'],
    ['Toner', '2', '61.00', '122.00'],
    ['Staples', '5', '1.20', '6.00'],
  ];
  const rights = [0, 300, 380, 460];
  rows.forEach((row, r) => row.forEach((t, c) => {
    const y = 192 + r * 14;
    words.push(...(c === 0 ? phrase(t, 72, y, 10, { bold: r === 0 }) : phraseRight(t, rights[c], y, 10, { bold: r === 0 })));
  }));
  const found = detectTables(page(words));
  assert.equal(found.length, 1);
  const t = found[0].table;
  assert.deepEqual(rowsOf(t), rows);
  for (const title of ['ACME', 'terms']) {
    const i = words.findIndex((w) => w.text === title);
    assert.ok(!found[0].wordIndices.includes(i), `"${title}" is outside the table`);
  }
});

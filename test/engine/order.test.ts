import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readingOrder } from '../../src/layout/order.js';

const b = (x0: number, y0: number, x1: number, y1: number) => ({ bbox: { x0, y0, x1, y1 } });

test('two columns are read column by column, not across', () => {
  const items = [b(72, 100, 290, 200), b(320, 100, 540, 200), b(72, 210, 290, 300), b(320, 210, 540, 300)];
  assert.deepEqual(readingOrder(items), [0, 2, 1, 3]);
});

test('a full-width title comes first and a full-width note between column groups separates them', () => {
  const items = [
    b(72, 300, 290, 400), b(320, 300, 540, 400), // second group of columns
    b(72, 60, 540, 80), // title
    b(72, 100, 290, 200), b(320, 100, 540, 200), // first group
    b(72, 220, 540, 240), // full-width note
  ];
  assert.deepEqual(readingOrder(items), [2, 3, 4, 5, 0, 1]);
});

test('a heading under a centred title is read after the title', () => {
  const items = [b(72, 200, 200, 215), b(250, 100, 360, 130), b(72, 220, 540, 300)];
  assert.deepEqual(readingOrder(items), [1, 0, 2]);
});

test('on right-to-left pages the right column comes first', () => {
  const items = [b(72, 100, 290, 300), b(320, 100, 540, 300)];
  assert.deepEqual(readingOrder(items, { rtl: true }), [1, 0]);
});

test('panels set in rows (tops aligned, wide whitespace between the rows) are read row by row', () => {
  // Stanzas of a poem in a 2 x 2 grid: 11 pt text, 30 pt between the rows.
  const s = (x0: number, y0: number) => ({ bbox: { x0, y0, x1: x0 + 220, y1: y0 + 50 }, size: 11 });
  assert.deepEqual(readingOrder([s(52, 62), s(311, 62), s(52, 142), s(311, 142)]), [0, 1, 2, 3]);
  // The same grid with a paragraph break between the rows is two columns.
  const p = (x0: number, y0: number) => ({ bbox: { x0, y0, x1: x0 + 220, y1: y0 + 50 }, size: 11 });
  assert.deepEqual(readingOrder([p(52, 62), p(311, 62), p(52, 122), p(311, 122)]), [0, 2, 1, 3]);
});

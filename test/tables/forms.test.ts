/** Check-mark grids of survey forms, and text of a neighbouring column that shares a table's baselines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Word } from '../../src/model/document.js';
import { detectTables } from '../../src/layout/tables/index.js';
import { phrase, page, rowsOf } from './boxes.js';

const LABELS = ['Persons with disabilities', 'Children', 'Women', 'The elderly', 'Migrants'];

/** A form's grid: a bullet and a label, then one mark under each of two column headings. */
function formGrid(x: number, y: number): Word[] {
  const words: Word[] = [];
  words.push(...phrase('Public', x + 260, y), ...phrase('Private', x + 330, y));
  LABELS.forEach((label, i) => {
    const by = y + 20 + i * 18;
    words.push(...phrase('•', x, by), ...phrase(label, x + 18, by), ...phrase('•', x + 270, by), ...phrase('•', x + 340, by));
  });
  return words;
}

test('a grid of check marks beside labels is a table, not a list', () => {
  const words = formGrid(320, 200);
  const found = detectTables(page(words));
  assert.equal(found.length, 1);
  assert.deepEqual(rowsOf(found[0].table), [['', '', 'Public', 'Private'], ...LABELS.map((l) => ['•', l, '•', '•'])]);
});

test('bulleted lists set side by side are still not a table', () => {
  const words: Word[] = [];
  LABELS.forEach((label, i) => {
    const y = 220 + i * 18;
    words.push(...phrase('•', 72, y), ...phrase(label, 90, y), ...phrase('•', 320, y), ...phrase(`${label} again`, 338, y));
  });
  assert.equal(detectTables(page(words)).length, 0);
});

test("text of another column on a table row's baseline stays out of the table", () => {
  const words = formGrid(420, 200);
  // The left column of the page: a short answer list whose lines share two of the grid's baselines.
  const stray = [...phrase('•', 40, 238), ...phrase('Yes', 58, 238), ...phrase('•', 40, 256), ...phrase('No', 58, 256)];
  words.push(...stray);
  const found = detectTables(page(words));
  assert.equal(found.length, 1);
  assert.deepEqual(rowsOf(found[0].table), [['', '', 'Public', 'Private'], ...LABELS.map((l) => ['•', l, '•', '•'])]);
  for (const w of stray) assert.ok(!found[0].wordIndices.includes(words.indexOf(w)), `"${w.text}" at x=${w.bbox.x0} is not in the table`);
});

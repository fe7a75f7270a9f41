import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectTables, mergeContinuedTables } from '../../src/layout/tables/index.js';
import type { Block, Page, Word } from '../../src/model/document.js';
import { page, phrase, phraseRight, rowsOf } from './boxes.js';

/** A borderless table of `rows` (first is the header) starting at `top`, as the table stage finds it. */
function tableBlock(rows: string[][], top: number, number: number): Block {
  const words: Word[] = [];
  rows.forEach((row, r) => {
    const y = top + r * 14;
    words.push(...phrase(row[0], 72, y), ...phraseRight(row[1], 260, y), ...phraseRight(row[2], 340, y));
  });
  const [c] = detectTables(page(words, [], number));
  assert.ok(c, 'fixture table detected');
  return { type: 'table', text: '', bbox: c.bbox, table: c.table };
}

const para = (text: string, y: number): Block => ({ type: 'paragraph', text, bbox: { x0: 72, y0: y, x1: 500, y1: y + 12 } });
const footer = (y: number): Block => ({ type: 'page-footer', text: 'Annual report', bbox: { x0: 72, y0: y, x1: 200, y1: y + 10 }, furniture: true });
const pageOf = (number: number, blocks: Block[]): Page => ({ number, width: 612, height: 792, rotation: 0, source: 'text', blocks });

const header = ['Station', 'Visits', 'Share'];
const first = [header, ['Alder', '1,204', '12.5'], ['Birch', '980', '10.2'], ['Cedar', '1,530', '15.9']];
const second = [header, ['Elm', '1,102', '11.4'], ['Fir', '1,415', '14.7']];

test('a table ending page N and continuing on page N+1 with a repeated header is merged into one', () => {
  const p1 = pageOf(1, [para('Intro text', 80), tableBlock(first, 600, 1), footer(760)]);
  const p2 = pageOf(2, [tableBlock(second, 80, 2), para('After the table', 200)]);
  mergeContinuedTables([p1, p2]);
  const t = p1.blocks.find((b) => b.type === 'table')!.table!;
  assert.deepEqual(rowsOf(t), [...first, ...second.slice(1)]);
  assert.deepEqual(t.pages, [1, 2]);
  assert.deepEqual(p2.blocks.map((b) => b.type), ['paragraph']);
});

test('a continuation without a repeated header keeps all its rows', () => {
  const p1 = pageOf(1, [tableBlock(first, 600, 1)]);
  const p2 = pageOf(2, [tableBlock([['Elm', '1,102', '11.4'], ['Fir', '1,415', '14.7'], ['Gum', '1,003', '10.4']], 80, 2)]);
  mergeContinuedTables([p1, p2]);
  assert.equal(p2.blocks.length, 0);
  assert.equal(p1.blocks[0].table!.rows, 4 + 3);
});

test('tables with different columns, or with text between them, stay apart', () => {
  const other = pageOf(2, [tableBlock([['Code', 'Count', 'Rate'], ['A', '1', '2'], ['B', '3', '4']], 80, 2)]);
  // Different column positions: the second table is a different table.
  const narrow: Block = JSON.parse(JSON.stringify(other.blocks[0]));
  for (const c of narrow.table!.cells) if (c.bbox) { c.bbox.x0 += 150; c.bbox.x1 += 150; }
  const p1 = pageOf(1, [tableBlock(first, 600, 1)]);
  const p2 = pageOf(2, [narrow]);
  mergeContinuedTables([p1, p2]);
  assert.equal(p2.blocks.length, 1);
  // A paragraph after the table on page 1: the table does not run on.
  const q1 = pageOf(1, [tableBlock(first, 500, 1), para('Closing remarks', 700)]);
  const q2 = pageOf(2, [tableBlock(second, 80, 2)]);
  mergeContinuedTables([q1, q2]);
  assert.equal(q2.blocks.length, 1);
  assert.equal(q1.blocks[0].table!.rows, 4);
});

test('a table running over three pages is merged into the first', () => {
  const p1 = pageOf(1, [tableBlock(first, 600, 1)]);
  const p2 = pageOf(2, [tableBlock(second, 80, 2)]);
  const p3 = pageOf(3, [tableBlock([header, ['Gum', '1,003', '10.4'], ['Hazel', '877', '9.1']], 80, 3), para('End', 200)]);
  mergeContinuedTables([p1, p2, p3]);
  const t = p1.blocks[0].table!;
  assert.equal(t.rows, 4 + 2 + 2);
  assert.deepEqual(t.pages, [1, 2, 3]);
  assert.equal(p2.blocks.length, 0);
  assert.deepEqual(p3.blocks.map((b) => b.type), ['paragraph']);
});

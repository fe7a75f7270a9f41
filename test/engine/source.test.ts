// From a page's graphics to what the layout stages get: tables drawn only as filled cell backgrounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellFillRules } from '../../src/pdf/source.js';
import { layoutDocument } from '../../src/layout/index.js';
import type { Region, Rule, SourcePage, Word } from '../../src/model/document.js';
import { words } from './boxes.js';

const fill = (x0: number, y0: number, x1: number, y1: number): Region => ({ kind: 'fill', bbox: { x0, y0, x1, y1 } });

/** A 3 x 3 table whose cells are abutting filled rectangles (as slide exports draw them), no rules. */
function slideTable(): { regions: Region[]; words: Word[] } {
  const xs = [100, 220, 340, 460], ys = [200, 230, 260, 290];
  const text = [['Region', 'Q1', 'Q2'], ['North', '12', '15'], ['South', '9', '11']];
  const regions: Region[] = [];
  const ws: Word[] = [];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) {
    regions.push(fill(xs[c], ys[r], xs[c + 1], ys[r + 1]));
    ws.push(...words(text[r][c], xs[c] + 8, ys[r] + 10));
  }
  return { regions, words: ws };
}

const sourcePage = (regions: Region[], ws: Word[], rules: Rule[] = []): SourcePage =>
  ({ number: 1, width: 612, height: 792, rotation: 0, source: 'text', words: ws, rules, regions });

test('abutting filled cells in a grid become ruling lines, and the layout finds the table', () => {
  const { regions, words: ws } = slideTable();
  const rules = cellFillRules(regions);
  assert.ok(rules.length >= 12);
  assert.ok(rules.some((r) => r.orientation === 'v' && Math.abs(r.x0 - 220) < 0.01), 'a column boundary');
  assert.ok(rules.some((r) => r.orientation === 'h' && Math.abs(r.y0 - 260) < 0.01), 'a row boundary');
  const { pages } = layoutDocument([sourcePage(regions, ws, rules)]);
  const table = pages[0].blocks.find((b) => b.type === 'table');
  assert.ok(table?.table, 'a table block');
  const cell = (r: number, c: number) => table.table!.cells.find((x) => x.row === r && x.col === c)?.text;
  assert.equal(cell(0, 0), 'Region');
  assert.equal(cell(2, 2), '11');
});

test('fills that are not a grid of cells give no rules', () => {
  // Coloured bands one above the other (a page header and a sidebar), overlapping shading, one row.
  assert.deepEqual(cellFillRules([fill(0, 0, 612, 60), fill(0, 60, 612, 700), fill(0, 700, 612, 792), fill(20, 100, 200, 300)]), []);
  assert.deepEqual(cellFillRules([fill(100, 100, 200, 120), fill(200, 100, 300, 120), fill(300, 100, 400, 120), fill(400, 100, 500, 120)]), []);
  // Cell shading inside a ruled table (an inner padded box per cell) is left to the table's rules.
  const { regions } = slideTable();
  const ruled: Rule[] = [{ x0: 100, y0: 200, x1: 460, y1: 200, orientation: 'h', width: 0.5 }];
  assert.deepEqual(cellFillRules(regions, ruled), []);
  assert.deepEqual(cellFillRules([...regions, ...regions.map((r) => fill(r.bbox.x0 + 4, r.bbox.y0 + 2, r.bbox.x1 - 4, r.bbox.y1 - 2))]), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectTables } from '../../src/layout/tables/index.js';
import type { Rule, Word } from '../../src/model/document.js';
import { hRule, page, phrase, phraseRight, rowsOf, vRule, word } from './boxes.js';

/** A ruled grid: horizontal rules at `ys`, vertical rules at `xs`, each cell's text left-aligned in it. */
function grid(xs: number[], ys: number[], texts: string[][], skipV: (row: number, x: number) => boolean = () => false): { words: Word[]; rules: Rule[] } {
  const rules: Rule[] = ys.map((y) => hRule(xs[0], xs[xs.length - 1], y));
  for (let k = 0; k < xs.length; k++) {
    for (let r = 0; r + 1 < ys.length; r++) if (!skipV(r, k)) rules.push(vRule(xs[k], ys[r], ys[r + 1]));
  }
  const words: Word[] = [];
  texts.forEach((row, r) => row.forEach((t, c) => { if (t) words.push(...phrase(t, xs[c] + 4, ys[r] + 14)); }));
  return { words, rules };
}

test('a 3x3 ruled grid becomes a 3x3 table with its text in the right cells', () => {
  const texts = [['Name', 'Age', 'City'], ['Alice', '34', 'Paris'], ['Bob', '27', 'Oslo']];
  const g = grid([50, 150, 250, 350], [100, 120, 140, 160], texts);
  const found = detectTables(page(g.words, g.rules));
  assert.equal(found.length, 1);
  const t = found[0].table;
  assert.equal(t.method, 'ruled');
  assert.deepEqual([t.rows, t.cols], [3, 3]);
  assert.deepEqual(rowsOf(t), texts);
  assert.equal(found[0].wordIndices.length, g.words.length);
  // Cells carry their boxes (for JSON output).
  const bob = t.cells.find((c) => c.text === 'Bob')!;
  assert.deepEqual([bob.row, bob.col], [2, 0]);
  assert.ok(bob.bbox && bob.bbox.x0 >= 49 && bob.bbox.x1 <= 151 && bob.bbox.y0 >= 139 && bob.bbox.y1 <= 161);
});

test('a missing inner rule in the header row makes a cell spanning two columns', () => {
  const texts = [['Region', 'Sales', ''], ['', '2022', '2023'], ['North', '10', '12'], ['South', '7', '9']];
  // Row 0 has no rule between columns 1 and 2; column 0 has no rule between rows 0 and 1.
  const xs = [50, 150, 250, 350], ys = [100, 120, 140, 160, 180];
  const g = grid(xs, ys, texts, (r, k) => r === 0 && k === 2);
  g.rules = g.rules.filter((x) => !(x.orientation === 'h' && x.y0 === 120));
  g.rules.push(hRule(150, 350, 120));
  const [t] = detectTables(page(g.words, g.rules)).map((c) => c.table);
  assert.deepEqual([t.rows, t.cols], [4, 3]);
  const sales = t.cells.find((c) => c.text === 'Sales')!;
  assert.deepEqual([sales.row, sales.col, sales.rowSpan, sales.colSpan], [0, 1, 1, 2]);
  const region = t.cells.find((c) => c.text === 'Region')!;
  assert.deepEqual([region.row, region.col, region.rowSpan, region.colSpan], [0, 0, 2, 1]);
  assert.deepEqual(rowsOf(t).slice(1), [['2022', '2023'], ['North', '10', '12'], ['South', '7', '9']]);
});

test('a borderless numeric table is found from its column alignment, empty cells kept', () => {
  const rows = [
    ['Country', 'Population', 'Area', 'Density'],
    ['France', '68,042', '551,695', '123.3'],
    ['Germany', '84,358', '357,588', '235.9'],
    ['Iceland', '387', '', '3.8'],
    ['Spain', '48,196', '505,990', '95.3'],
    ['Sweden', '10,551', '450,295', '23.4'],
  ];
  const words: Word[] = [];
  const rights = [0, 230, 320, 400];
  rows.forEach((row, r) => row.forEach((t, c) => {
    if (!t) return;
    const y = 200 + r * 14;
    words.push(...(c === 0 ? phrase(t, 72, y) : phraseRight(t, rights[c], y)));
  }));
  words.push(...phrase('The figures above are estimates for the first of January of each year.', 72, 300));
  const found = detectTables(page(words));
  assert.equal(found.length, 1);
  const t = found[0].table;
  assert.equal(t.method, 'borderless');
  assert.deepEqual([t.rows, t.cols], [6, 4]);
  assert.deepEqual(rowsOf(t), rows);
  // The note under the table stays text.
  const note = words.findIndex((w) => w.text === 'estimates');
  assert.ok(!found[0].wordIndices.includes(note));
});

test('a table with only horizontal rules (booktabs) keeps its header and section rows', () => {
  const words: Word[] = [];
  const rules: Rule[] = [hRule(72, 420, 190), hRule(72, 420, 212), hRule(72, 420, 300)];
  words.push(...phrase('Item', 72, 205), ...phraseRight('2022', 330, 205), ...phraseRight('2023', 420, 205));
  const body: [string, string, string][] = [['Revenue', '1,200', '1,350'], ['Costs', '800', '870'], ['Profit', '400', '480']];
  words.push(...phrase('Operating', 72, 228, 10, { bold: true }));
  body.forEach(([a, b, c], i) => {
    const y = 242 + i * 14;
    words.push(...phrase(a, 80, y), ...phraseRight(b, 330, y), ...phraseRight(c, 420, y));
  });
  words.push(...phrase('Net', 80, 290), ...phraseRight('3.1', 330, 290), ...phraseRight('3.4', 420, 290));
  const [t] = detectTables(page(words, rules)).map((c) => c.table);
  assert.ok(t, 'table found');
  assert.deepEqual(rowsOf(t), [['Item', '2022', '2023'], ['Operating', '', ''], ['Revenue', '1,200', '1,350'], ['Costs', '800', '870'], ['Profit', '400', '480'], ['Net', '3.1', '3.4']]);
});

test('a label wrapped over two lines stays one cell', () => {
  const words: Word[] = [];
  const data: [string, string, string][] = [['Alpha', '10', '20'], ['Beta', '11', '21'], ['Gamma', '12', '22'], ['Delta', '13', '23']];
  let y = 200;
  data.forEach(([a, b, c], i) => {
    words.push(...phrase(a, 72, y), ...phraseRight(b, 300, y), ...phraseRight(c, 360, y));
    y += 14;
    if (i === 1) { words.push(...phrase('and its long continuation', 72, y)); y += 14; }
  });
  // Beta's label runs to a second line; wrapping is recognised because the line starts in lower case.
  const [t] = detectTables(page(words)).map((c) => c.table);
  assert.deepEqual(rowsOf(t), [['Alpha', '10', '20'], ['Beta and its long continuation', '11', '21'], ['Gamma', '12', '22'], ['Delta', '13', '23']]);
});

test('two columns of running text are not a table', () => {
  const left = [
    'The committee met on the first day of the month', 'and reviewed the reports submitted by each of the',
    'regional offices, noting that most of them had', 'arrived well before the deadline set last year.',
    'Several members asked for more detail on the', 'figures for the northern region, which had been',
    'revised twice since the previous meeting took place.', 'The chair agreed to circulate a summary.',
  ];
  const right = [
    'After a short break the discussion turned to the', 'budget for the coming year and the proposal to',
    'merge two of the smaller offices into a single', 'unit based in the capital, which several members',
    'opposed on the grounds that travel costs would', 'rise for staff living in the outlying districts.',
    'No decision was taken and the item was deferred', 'until more information becomes available.',
  ];
  const words: Word[] = [];
  left.forEach((t, i) => words.push(...phrase(t, 72, 120 + i * 13)));
  right.forEach((t, i) => words.push(...phrase(t, 320, 120 + i * 13)));
  assert.deepEqual(detectTables(page(words)), []);
});

test('a bulleted list and a numbered list are not tables', () => {
  const words: Word[] = [];
  const items = ['Collect the forms from every office', 'Check the totals against the ledger', 'Send the summary to the board', 'Archive the originals'];
  items.forEach((t, i) => words.push(word('•', 72, 120 + i * 14), ...phrase(t, 90, 120 + i * 14)));
  items.forEach((t, i) => words.push(word(`${i + 1}.`, 72, 220 + i * 14), ...phrase(t, 92, 220 + i * 14)));
  assert.deepEqual(detectTables(page(words)), []);
});

test('a "Table N" caption above the table is reported as the caption, outside the cells', () => {
  const texts = [['Code', 'Label'], ['A1', 'First'], ['B2', 'Second']];
  const g = grid([50, 150, 250], [100, 120, 140, 160], texts);
  const words = [...phrase('Table 4: Codes in use', 50, 90), ...g.words];
  const [c] = detectTables(page(words, g.rules));
  assert.equal(c.caption?.text, 'Table 4: Codes in use');
  assert.deepEqual(rowsOf(c.table), texts);
  const capIdx = words.findIndex((w) => w.text === 'Codes');
  assert.ok(c.caption!.wordIndices.includes(capIdx));
  assert.ok(!c.wordIndices.includes(capIdx));
});

test('a table printed sideways (text at 90 degrees) is read in its own frame', () => {
  // Build an upright borderless table, then turn the page: (x, y) -> (y, W - x), text angle 90.
  const rows = [['Item', 'Qty', 'Price'], ['Pens', '12', '1.50'], ['Ink', '3', '7.25'], ['Paper', '500', '0.02']];
  const upright: Word[] = [];
  rows.forEach((row, r) => row.forEach((t, c) => upright.push(...(c === 0 ? phrase(t, 72, 200 + r * 14) : phraseRight(t, [0, 200, 280][c], 200 + r * 14)))));
  const W = 612;
  const turned = upright.map((w) => ({ ...w, angle: 90, baseline: undefined, bbox: { x0: w.bbox.y0, y0: W - w.bbox.x1, x1: w.bbox.y1, y1: W - w.bbox.x0 } }));
  const [t] = detectTables(page(turned)).map((c) => c.table);
  assert.ok(t, 'table found');
  assert.deepEqual(rowsOf(t), rows);
});

test('words with broken (non-finite) boxes are ignored, not a crash', () => {
  const g = grid([50, 150, 250, 350], [100, 120, 140, 160], [['a', 'b', 'c'], ['1', '2', '3'], ['4', '5', '6']]);
  const bad: Word = { text: 'NaN', bbox: { x0: NaN, y0: NaN, x1: NaN, y1: NaN }, fontSize: 10 };
  const found = detectTables(page([...g.words, bad], g.rules));
  assert.equal(found.length, 1);
  assert.deepEqual(rowsOf(found[0].table), [['a', 'b', 'c'], ['1', '2', '3'], ['4', '5', '6']]);
});

test('pathological pages (graph paper, thousands of strokes, broken rules) finish without a table or a crash', () => {
  const rules: Rule[] = [];
  for (let k = 0; k <= 150; k++) { rules.push(hRule(20, 590, 20 + k * 5)); rules.push(vRule(20 + k * 3.8, 20, 770)); }
  const words: Word[] = [];
  for (let i = 0; i < 3000; i++) words.push(word(String(i % 97), 20 + ((i * 37) % 560), 30 + ((i * 13) % 740)));
  const dense = detectTables(page(words, rules));
  assert.ok(Array.isArray(dense));
  const many: Rule[] = [];
  for (let k = 0; k < 12_000; k++) many.push(hRule(10 + (k % 50), 100 + (k % 400), 10 + (k % 700)));
  many.push({ x0: NaN, y0: 1, x1: 5, y1: 1, orientation: 'h', width: 1 });
  assert.deepEqual(detectTables(page(phrase('a few words of text', 72, 100), many)), []);
});

test('a "Table N" title drawn inside the frame, across the first row, becomes the caption', () => {
  const texts = [['Table 7. Staff by site', '', ''], ['Site', 'Staff', 'Share'], ['Leeds', '12', '40%'], ['York', '18', '60%']];
  const xs = [50, 150, 250, 350], ys = [100, 120, 140, 160, 180];
  const g = grid(xs, ys, texts, (r, k) => r === 0 && (k === 1 || k === 2));
  const [c] = detectTables(page(g.words, g.rules));
  assert.equal(c.caption?.text, 'Table 7. Staff by site');
  assert.deepEqual(rowsOf(c.table), texts.slice(1));
  assert.ok(!c.wordIndices.some((i) => c.caption!.wordIndices.includes(i)));
});

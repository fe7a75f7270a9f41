import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown, renderText, renderJson, toJsonDocument } from '../../src/render/index.js';
import type { Block, DocumentModel, Table } from '../../src/model/document.js';

const bb = { x0: 72, y0: 100, x1: 300, y1: 120 };
const simple: Table = {
  rows: 2, cols: 2, headerRows: 1, method: 'ruled',
  cells: [
    { row: 0, col: 0, rowSpan: 1, colSpan: 1, text: 'Name' }, { row: 0, col: 1, rowSpan: 1, colSpan: 1, text: 'Value' },
    { row: 1, col: 0, rowSpan: 1, colSpan: 1, text: 'a|b' }, { row: 1, col: 1, rowSpan: 1, colSpan: 1, text: '1', bbox: { x0: 1, y0: 2, x1: 3, y1: 4 } },
  ],
};
const spanned: Table = {
  rows: 2, cols: 3, headerRows: 1, method: 'ruled',
  cells: [
    { row: 0, col: 0, rowSpan: 2, colSpan: 1, text: 'Group' }, { row: 0, col: 1, rowSpan: 1, colSpan: 2, text: 'Scores' },
    { row: 1, col: 1, rowSpan: 1, colSpan: 1, text: 'x<y' }, { row: 1, col: 2, rowSpan: 1, colSpan: 1, text: 'B' },
  ],
};

function doc(blocks: Block[][]): DocumentModel {
  return {
    kind: 'pdf', mime: 'application/pdf', pageCount: blocks.length, metadata: { title: 'T' },
    pages: blocks.map((bs, i) => ({ number: i + 1, width: 612, height: 792, rotation: 0, source: 'text', blocks: bs })),
  };
}

const sample = doc([
  [
    { type: 'page-header', text: 'Running Header', bbox: bb, furniture: true },
    { type: 'heading', text: 'Intro_duction', bbox: bb, level: 2 },
    { type: 'paragraph', text: '# not a heading', bbox: bb },
    { type: 'list-item', text: 'one', bbox: bb, ordered: true, marker: '1.', depth: 0 },
    { type: 'list-item', text: 'nested', bbox: bb, ordered: false, marker: '•', depth: 1 },
    { type: 'list-item', text: 'lettered', bbox: bb, ordered: true, marker: 'a)', depth: 0 },
    { type: 'figure', text: 'axis label', bbox: bb },
    { type: 'caption', text: 'Figure 1: A chart.', bbox: bb },
  ],
  [
    { type: 'table', text: '', bbox: bb, table: simple },
    { type: 'table', text: '', bbox: bb, table: spanned },
    { type: 'code', text: 'let x = 1;\nx++;', bbox: bb },
    { type: 'page-number', text: '2', bbox: bb, furniture: true },
  ],
]);

test('markdown: headings, escaped paragraph marker, lists with nesting, figure placeholder, page markers', () => {
  const md = renderMarkdown(sample, { pageMarkers: true });
  assert.equal(md.split('\n\n')[0], '<!-- page 1 -->');
  assert.match(md, /^## Intro\\_duction$/m);
  assert.match(md, /^\\# not a heading$/m);
  assert.match(md, /^1\. one\n    - nested\na\) lettered$/m);
  assert.match(md, /^<!-- image -->$/m);
  assert.match(md, /<!-- page 2 -->/);
  assert.doesNotMatch(md, /Running Header/);
});

test('markdown: a plain table is a pipe table; a table with spans is HTML with colspan/rowspan', () => {
  const md = renderMarkdown(sample);
  assert.match(md, /^\|Name\|Value\|\n\|---\|---\|\n\|a\\\|b\|1\|$/m);
  assert.match(md, /<table><tr><th rowspan="2">Group<\/th><th colspan="2">Scores<\/th><\/tr><tr><td>x&lt;y<\/td><td>B<\/td><\/tr><\/table>/);
  assert.match(md, /```\nlet x = 1;\nx\+\+;\n```/);
});

test('furniture is dropped unless kept; page markers can be turned off', () => {
  const kept = renderMarkdown(sample, { keepFurniture: true, pageMarkers: false });
  assert.match(kept, /Running Header/);
  assert.doesNotMatch(kept, /<!-- page/);
  assert.doesNotMatch(renderText(sample), /Running Header/);
  assert.match(renderText(sample, { keepFurniture: true }), /Running Header/);
});

test('plain text has no markup and tables as tab-separated rows', () => {
  const txt = renderText(sample);
  assert.match(txt, /^Intro_duction$/m);
  assert.match(txt, /^Name\tValue$/m);
  assert.doesNotMatch(txt, /^## /m);
  assert.doesNotMatch(txt, /\|---\|/);
  assert.match(txt, /^1\. one$/m);
});

test('JSON keeps every block with type, bbox, level, furniture and the table grid with spans', () => {
  const j = JSON.parse(renderJson(sample));
  assert.deepEqual(toJsonDocument(sample), j);
  assert.equal(j.pages.length, 2);
  const [p1, p2] = j.pages;
  assert.deepEqual(p1.blocks[0], { type: 'page-header', text: 'Running Header', bbox: bb, furniture: true });
  assert.equal(p1.blocks[1].level, 2);
  assert.deepEqual([p1.blocks[4].ordered, p1.blocks[4].marker, p1.blocks[4].depth], [false, '•', 1]);
  assert.equal(p2.blocks[1].table.cells[1].colSpan, 2);
  assert.equal(p2.blocks[1].table.cells[0].rowSpan, 2);
  assert.deepEqual(p2.blocks[0].table.cells[3].bbox, { x0: 1, y0: 2, x1: 3, y1: 4 });
  assert.equal(p2.blocks[3].furniture, true);
});

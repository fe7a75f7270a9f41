import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from '../../adapters/node/index.js';
import type { Block, Table } from '../../src/model/document.js';
import { rowsOf } from './boxes.js';

// PDFs printed by headless Chromium from the HTML beside them (fixtures/tables/make-fixtures.mjs).
const fixture = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../../fixtures/tables/${name}`, import.meta.url))));

async function tablesOf(name: string, mergeTables = true): Promise<{ tables: Table[]; blocks: Block[]; markdown: string }> {
  const r = await parseDocument(fixture(name), { mergeTables, pageMarkers: false, ocr: 'never' });
  const blocks = r.document.pages.flatMap((p) => p.blocks);
  return { tables: blocks.filter((b) => b.type === 'table').map((b) => b.table!), blocks, markdown: r.markdown };
}

test('bordered table: every cell in place, caption outside, pipe table in Markdown', async () => {
  const { tables, blocks, markdown } = await tablesOf('bordered.pdf');
  assert.equal(tables.length, 1);
  assert.equal(tables[0].method, 'ruled');
  assert.deepEqual(rowsOf(tables[0]), [
    ['Region', 'Q1', 'Q2', 'Q3'],
    ['North', '1,250', '1,310', '1,402'],
    ['South', '980', '1,045', '1,120'],
    ['East', '2,015', '1,990', '2,230'],
    ['Total', '4,245', '4,345', '4,752'],
  ]);
  assert.ok(blocks.some((b) => b.type === 'caption' && b.text === 'Table 1: Revenue by region'));
  assert.match(markdown, /^\|North\|1,250\|1,310\|1,402\|$/m);
  // The paragraphs around it stay text, outside the table.
  assert.match(markdown, /The East region kept its lead/);
  assert.ok(!rowsOf(tables[0]).flat().some((t) => /region kept/.test(t)));
});

test('borderless table: columns from alignment, header row, no text from the paragraphs around it', async () => {
  const { tables } = await tablesOf('borderless.pdf');
  assert.equal(tables.length, 1);
  assert.equal(tables[0].method, 'borderless');
  assert.deepEqual(rowsOf(tables[0]), [
    ['Day', 'Temperature', 'Rainfall', 'Wind', 'Sky'],
    ['Monday', '12.4', '0.0', '14', 'Clear'],
    ['Tuesday', '13.1', '2.5', '22', 'Cloudy'],
    ['Wednesday', '9.8', '11.2', '31', 'Rain'],
    ['Thursday', '10.5', '4.0', '18', 'Showers'],
    ['Friday', '14.9', '0.0', '9', 'Clear'],
  ]);
});

test('merged header: row and column spans, rendered as an HTML table', async () => {
  const { tables, markdown } = await tablesOf('merged-header.pdf');
  assert.equal(tables.length, 1);
  const t = tables[0];
  assert.deepEqual([t.rows, t.cols], [5, 5]);
  const at = (text: string) => t.cells.find((c) => c.text === text)!;
  assert.deepEqual([at('School').row, at('School').col, at('School').rowSpan, at('School').colSpan], [0, 0, 2, 1]);
  assert.deepEqual([at('2022').col, at('2022').colSpan], [1, 2]);
  assert.deepEqual([at('2023').col, at('2023').colSpan], [3, 2]);
  assert.deepEqual(rowsOf(t).slice(1), [['Boys', 'Girls', 'Boys', 'Girls'], ['Primary', '410', '395', '402', '418'], ['Secondary', '288', '301', '295', '310'], ['Vocational', '120', '87', '131', '92']]);
  assert.match(markdown, /<table>.*<(td|th) rowspan="2">School<\/(td|th)><(td|th) colspan="2">2022</s);
});

test('a table spanning two pages is one table by default, two with mergeTables: false', async () => {
  const merged = await tablesOf('two-pages.pdf');
  assert.equal(merged.tables.length, 1);
  const rows = rowsOf(merged.tables[0]);
  assert.deepEqual(rows[0], ['No.', 'Site', 'Households', 'Distance']);
  // 60 data rows, the header once (the repeated header on page 2 is dropped).
  assert.equal(rows.length, 61);
  assert.deepEqual(rows.slice(1).map((r) => r[0]), Array.from({ length: 60 }, (_, i) => String(i + 1)));
  assert.deepEqual(rows[60], ['60', 'Jena 3', String((1000 + 59 * 137) % 9000 + 100), ((59 * 7.3) % 50 + 1).toFixed(1)]);
  assert.deepEqual(merged.tables[0].pages, [1, 2]);

  const apart = await tablesOf('two-pages.pdf', false);
  assert.equal(apart.tables.length, 2);
  assert.equal(apart.tables[0].rows + apart.tables[1].rows, 62);
});

test('two-column running text (the engine fixture) has no table', async () => {
  const r = await parseDocument(new Uint8Array(readFileSync(fileURLToPath(new URL('../../fixtures/pdf/two-column.pdf', import.meta.url)))), { ocr: 'never' });
  assert.equal(r.stats.tables, 0);
});

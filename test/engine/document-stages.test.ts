import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markFurniture } from '../../src/layout/furniture.js';
import { classifyHeadings } from '../../src/layout/headings.js';
import { classifyLists } from '../../src/layout/lists.js';
import { layoutDocument } from '../../src/layout/index.js';
import type { SourcePage } from '../../src/model/document.js';
import { block, column, page, words } from './boxes.js';

test('a header repeated on every page and the page numbers are furniture; body text is not', () => {
  const pages = [1, 2, 3].map((n) => page(n, [
    block('paragraph', 'ACME Quarterly Report', 72, 30, 250, 40),
    block('paragraph', `Body text of page ${n} that is different on every page.`, 72, 100, 540, 140),
    block('paragraph', String(n), 300, 760, 306, 770),
  ]));
  markFurniture(pages);
  for (const p of pages) {
    assert.equal(p.blocks[0].type, 'page-header');
    assert.equal(p.blocks[0].furniture, true);
    assert.equal(p.blocks[1].furniture, undefined);
    assert.equal(p.blocks[2].type, 'page-number');
  }
});

test('text at the top of a single page is not a running header', () => {
  const pages = [page(1, [block('paragraph', 'Introduction to the topic', 72, 30, 250, 40)])];
  markFurniture(pages);
  assert.equal(pages[0].blocks[0].furniture, undefined);
});

test('headings come from size and weight, with levels by size; body text stays a paragraph', () => {
  const sp: SourcePage = {
    number: 1, width: 612, height: 792, rotation: 0, source: 'text', rules: [], regions: [],
    words: [
      ...words('Annual Report', 72, 60, { size: 24, bold: true }),
      ...words('1 Introduction', 72, 120, { size: 14, bold: true }),
      ...column(['Body text explains the topic in a few words.', 'It continues on a second line of text.'], 72, 145),
      ...words('1.1 Scope', 72, 200, { size: 11, bold: true }),
      ...column(['More body text follows the sub-heading here.', 'And it ends on this line of the page.'], 72, 220),
      ...words('2 Results', 72, 280, { size: 14, bold: true }),
      ...column(['The results are described in this paragraph.', 'There is nothing more to say about them.'], 72, 305),
    ],
  };
  const { pages } = layoutDocument([sp]);
  const heads = pages[0].blocks.filter((b) => b.type === 'heading').map((b) => [b.text, b.level]);
  assert.deepEqual(heads, [['Annual Report', 1], ['1 Introduction', 2], ['1.1 Scope', 3], ['2 Results', 2]]);
  assert.equal(pages[0].blocks.filter((b) => b.type === 'paragraph').length, 3);
});

test('a numbered list with a nested bullet list gets markers and depths', () => {
  const blocks = [
    block('paragraph', '1. Download the archive', 90, 100, 300, 110),
    block('paragraph', '2. Unpack it', 90, 115, 300, 125),
    block('paragraph', '• on Linux use tar', 115, 130, 300, 140),
    block('paragraph', '• on Windows use zip', 115, 145, 300, 155),
    block('paragraph', '3. Run it', 90, 160, 300, 170),
    block('paragraph', 'After the list.', 72, 190, 300, 200),
  ];
  classifyLists(blocks);
  assert.deepEqual(blocks.map((b) => [b.type, b.ordered, b.marker, b.depth, b.text]), [
    ['list-item', true, '1.', 0, 'Download the archive'],
    ['list-item', true, '2.', 0, 'Unpack it'],
    ['list-item', false, '•', 1, 'on Linux use tar'],
    ['list-item', false, '•', 1, 'on Windows use zip'],
    ['list-item', true, '3.', 0, 'Run it'],
    ['paragraph', undefined, undefined, undefined, 'After the list.'],
  ]);
});

test('a list continued from the previous page starts at the top level and nests one level at a time', () => {
  // The page opens with the indented sub-items of an item that was on the page before.
  const blocks = [
    block('paragraph', '• staff lawyers only', 115, 100, 300, 110),
    block('paragraph', '• private lawyers only', 115, 115, 300, 125),
    block('paragraph', '23. What is the caseload?', 90, 130, 300, 140),
    block('paragraph', '• at the national level', 140, 145, 300, 155),
    block('paragraph', '• at the local level', 140, 160, 300, 170),
  ];
  classifyLists(blocks);
  assert.deepEqual(blocks.map((b) => b.depth), [0, 0, 0, 1, 1]);
});

test('a run of same-style numbered lines is a list, not a series of headings', () => {
  const blocks = [
    block('paragraph', 'Ordinary body text sets the body size here for the page.', 72, 60, 540, 70),
    block('paragraph', '1. First thing', 72, 100, 300, 110),
    block('paragraph', '2. Second thing', 72, 115, 300, 125),
  ];
  for (const b of blocks.slice(1)) for (const w of b.lines![0].words) w.bold = true;
  classifyHeadings([page(1, blocks)]);
  assert.equal(blocks.filter((b) => b.type === 'heading').length, 0);
});

test('words claimed by nothing still all reach the output exactly once', () => {
  const ws = [...column(['alpha beta gamma', 'delta epsilon'], 72, 100), ...words('zeta', 400, 600)];
  const sp: SourcePage = { number: 1, width: 612, height: 792, rotation: 0, source: 'text', words: ws, rules: [], regions: [] };
  const { pages } = layoutDocument([sp]);
  const text = pages[0].blocks.map((b) => b.text).join(' ');
  assert.deepEqual(text.split(/\s+/).sort(), ['alpha', 'beta', 'delta', 'epsilon', 'gamma', 'zeta']);
});

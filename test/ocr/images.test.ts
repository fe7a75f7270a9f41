// Images through the whole engine (parseDocument with the Node runtime: sharp, the tesseract.js pool,
// the layout stages). Fixtures are made by fixtures/images/make.mjs from the HTML in fixtures/images/src.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument } from '../../src/parse.js';
import { createNodeRuntime } from '../../adapters/node/runtime.js';
import type { ParseOptions, ParseResult } from '../../src/model/options.js';
import type { Block } from '../../src/model/document.js';
import { DocinlineError } from '../../src/errors.js';
import { assertInOrder, flat } from '../helpers/text.js';

const runtime = createNodeRuntime();
after(() => runtime.ocr?.close());

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/images/${name}`, import.meta.url)));
const parse = (name: string, opts: ParseOptions = {}): Promise<ParseResult> => parseDocument(fixture(name), { pageMarkers: false, ...opts }, runtime);
const blocks = (r: ParseResult): Block[] => r.document.pages.flatMap((p) => p.blocks);

const RELEASE_NOTES = [
  'Harbor Release Notes',
  'Version 4.2 ships a faster importer and fixes the export dialog.',
  'Upgrading takes about five minutes and keeps every saved project.',
  'What changed',
  'Imports of large spreadsheets finish three times sooner.',
  'The export dialog remembers the last folder you picked.',
  'Dark mode now follows the system setting.',
  'Known issues',
  'Printing to some network printers still drops the page margins.',
  'A fix is planned for the next update.',
];

async function assertReleaseNotes(r: ParseResult) {
  assert.equal(r.document.kind, 'image');
  assert.equal(r.document.pages[0]!.source, 'ocr');
  assertInOrder(r.text, RELEASE_NOTES);
  // The big title and the section titles are headings, above the body text they introduce.
  const headings = blocks(r).filter((b) => b.type === 'heading').map((b) => flat(b.text));
  assert.deepEqual(headings, ['Harbor Release Notes', 'What changed', 'Known issues']);
  const level = (t: string) => blocks(r).find((b) => flat(b.text) === t)!.level!;
  assert.ok(level('Harbor Release Notes') < level('What changed'));
}

describe('screenshots', () => {
  test('light theme: every line, in reading order, with headings', async () => {
    await assertReleaseNotes(await parse('screenshot-light.png'));
  });

  test('dark theme (light text on dark grey) reads the same', async () => {
    await assertReleaseNotes(await parse('screenshot-dark.png'));
  });

  test('a JPEG stored sideways with an EXIF orientation is read upright, without any OCR turn', async () => {
    const r = await parse('exif-rotated.jpg');
    const p = r.document.pages[0]!;
    assert.equal(p.rotation, 0);
    assert.deepEqual([p.width, p.height], [780, 520]);
    await assertReleaseNotes(r);
  });

  test('WebP and AVIF', async () => {
    await assertReleaseNotes(await parse('screenshot-light.webp'));
    await assertReleaseNotes(await parse('screenshot-light.avif'));
  });

  test('BMP (not readable by sharp) and the first frame of an animated GIF', async () => {
    await assertReleaseNotes(await parse('screenshot-light.bmp'));
    const gif = await parse('animated.gif');
    await assertReleaseNotes(gif);
    assert.equal(gif.document.pageCount, 1);
    assert.match(gif.document.pages[0]!.notes?.join(' ') ?? '', /first of 2 frames/);
  });

  test('transparent PNG: black text on a fully transparent background is flattened onto white', async () => {
    const r = await parse('transparent.png');
    assertInOrder(r.text, ['Black ink on nothing at all.', 'Flatten me onto white paper.']);
  });

  test('word boxes are in the image\'s pixel space', async () => {
    const r = await parse('screenshot-light.png');
    const p = r.document.pages[0]!;
    assert.equal(p.width, 780);
    assert.equal(p.height, 520);
    const title = blocks(r).find((b) => flat(b.text) === 'Harbor Release Notes')!;
    // The title is at the top left, inside the 36 px page margin (CSS: margin 28px 36px).
    assert.ok(title.bbox.x0 > 30 && title.bbox.x0 < 45, `x0 ${title.bbox.x0}`);
    assert.ok(title.bbox.y0 > 20 && title.bbox.y1 < 80, `y ${title.bbox.y0}-${title.bbox.y1}`);
  });
});

describe('scans', () => {
  test('a page scanned sideways is turned upright before reading', async () => {
    const r = await parse('rotated-scan.jpg');
    const p = r.document.pages[0]!;
    assert.equal(p.rotation, 270);
    // The memo is a landscape strip; the file holds it standing on its side.
    assert.ok(p.width > p.height);
    assertInOrder(r.text, [
      'Rotated Memo',
      'The west wing boiler will be serviced on Tuesday morning.',
      'Expect the radiators on the third floor to stay cold until noon.',
      'Please close the windows in meeting rooms before you leave tonight.',
    ]);
  });

  test('every TIFF page is read, in order', async () => {
    const r = await parse('two-pages.tiff');
    assert.equal(r.document.pageCount, 2);
    assert.deepEqual(r.document.pages.map((p) => p.number), [1, 2]);
    assertInOrder(r.text, ['Harbor Release Notes', 'A fix is planned for the next update.', 'Regional sales', 'Dana Silva']);
    const only2 = await parse('two-pages.tiff', { pages: '2' });
    assert.deepEqual(only2.document.pages.map((p) => p.number), [2]);
    assert.ok(!only2.text.includes('Harbor'));
  });
});

describe('table screenshot', () => {
  const HEADER = ['Region', 'Manager', 'Units', 'Revenue'];
  const ROWS = [
    ['North', 'Alice Moreau', '1,204', '48,160'],
    ['South', 'Brian Okafor', '987', '39,480'],
    ['East', 'Chen Wei', '1,530', '61,200'],
    ['West', 'Dana Silva', '742', '29,680'],
  ];

  test('OCR gives the layout stages the cell words and the ruling lines', async () => {
    const { imageToSourcePages } = await import('../../src/ocr/index.js');
    const { resolveParseOptions } = await import('../../src/model/options.js');
    const bytes = fixture('table.png');
    const { pages } = await imageToSourcePages(bytes, { kind: 'image', mime: 'image/png', format: 'png' }, resolveParseOptions({}), runtime);
    const sp = pages[0]!;
    // 6 horizontal rules (top, under the header, between the 4 rows, bottom) and 5 vertical ones.
    assert.equal(sp.rules.filter((r) => r.orientation === 'h').length, 6);
    assert.equal(sp.rules.filter((r) => r.orientation === 'v').length, 5);
    // Every cell's words sit between the right pair of rules.
    const hs = sp.rules.filter((r) => r.orientation === 'h').map((r) => r.y0).sort((a, b) => a - b);
    const vs = sp.rules.filter((r) => r.orientation === 'v').map((r) => r.x0).sort((a, b) => a - b);
    const cellOf = (text: string) => {
      const w = sp.words.find((x) => x.text === text);
      assert.ok(w, `word "${text}" missing: ${sp.words.map((x) => x.text).join(' ')}`);
      const cx = (w.bbox.x0 + w.bbox.x1) / 2, cy = (w.bbox.y0 + w.bbox.y1) / 2;
      return [hs.findIndex((y, i) => cy > y && cy < hs[i + 1]!), vs.findIndex((x, i) => cx > x && cx < vs[i + 1]!)];
    };
    [HEADER, ...ROWS].forEach((row, r) => row.forEach((cell, c) => {
      assert.deepEqual(cellOf(cell.split(' ')[0]!), [r, c], cell);
    }));
    // The rules are erased before OCR, so no "|" words come from the borders.
    assert.ok(!sp.words.some((w) => /^[|_]+$/.test(w.text)));
  });

  test('a screenshot of a table comes out as a table with the right cells', async () => {
    const r = await parse('table.png');
    const tables = blocks(r).filter((b) => b.type === 'table');
    assert.equal(tables.length, 1, `blocks: ${blocks(r).map((b) => b.type + ':' + flat(b.text)).join(' | ')}`);
    const t = tables[0]!.table!;
    assert.equal(t.rows, 5);
    assert.equal(t.cols, 4);
    const grid = Array.from({ length: t.rows }, () => Array<string>(t.cols).fill(''));
    for (const c of t.cells) grid[c.row]![c.col] = flat(c.text);
    assert.deepEqual(grid, [HEADER, ...ROWS]);
    // The title above the table stays text, before the table.
    const title = blocks(r).find((b) => flat(b.text) === 'Regional sales');
    assert.ok(title && title.type !== 'table');
    assert.ok(title.order! < tables[0]!.order!);
  });
});

describe('bad input', () => {
  const rejects = async (name: string, code: string) => {
    await assert.rejects(parse(name), (e: unknown) => {
      assert.ok(e instanceof DocinlineError, String(e));
      assert.equal(e.code, code, e.message);
      return true;
    });
  };

  test('a decompression bomb (100000×100000 declared in a 69-byte PNG) is refused from its header', async () => {
    assert.ok(fixture('bomb.png').length < 200);
    await rejects('bomb.png', 'too_many_pixels');
  });

  test('the pixel limit is the caller\'s', async () => {
    await assert.rejects(parse('screenshot-light.png', { maxPixels: 100_000 }), (e: unknown) => e instanceof DocinlineError && e.code === 'too_many_pixels');
  });

  test('zero-size, corrupt and truncated images are clear errors', async () => {
    await rejects('zero-size.png', 'invalid_document');
    await rejects('corrupt.png', 'invalid_document');
    await rejects('truncated.png', 'truncated_document');
  });

  test('an OCR language that is not installed is an error, not a download', async () => {
    await assert.rejects(parse('transparent.png', { languages: ['klingon'] }), (e: unknown) => e instanceof DocinlineError && e.code === 'ocr_unavailable');
    await assert.rejects(parse('transparent.png', { languages: ['../../etc/passwd'] }), (e: unknown) => e instanceof DocinlineError && e.code === 'ocr_unavailable');
    // and the engine still works afterwards
    assertInOrder((await parse('transparent.png')).text, ['Black ink on nothing at all.']);
  });
});

describe('languages', () => {
  test('a Traditional Chinese screenshot is read with chi_tra, without spaces between characters', async () => {
    const r = await parse('chinese.png');
    assert.match(r.document.pages[0]!.notes?.join(' ') ?? '', /Han script, read with chi_tra/);
    assertInOrder(r.text.replace(/\s+/g, ''), ['營業報告', '本季營收成長百分之十二', '主要來自海外市場', '下一季將擴大台北與高雄的服務據點']);
    assert.ok(r.text.includes('營業報告'));
  });
});

// Scanned PDF pages: rendered with pdf.js + canvas and OCR'd, while pages with a good text layer keep
// it. Fixture: fixtures/scanned/mixed.pdf (scan, text page, scan), made by fixtures/scanned/make.mjs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument } from '../../src/parse.js';
import { createNodeRuntime } from '../../adapters/node/runtime.js';
import type { ParseOptions } from '../../src/model/options.js';
import { assertInOrder, flat } from '../helpers/text.js';

const runtime = createNodeRuntime();
after(() => runtime.ocr?.close());

const bytes = () => new Uint8Array(readFileSync(new URL('../../fixtures/scanned/mixed.pdf', import.meta.url)));
const parse = (opts: ParseOptions = {}) => parseDocument(bytes(), { pageMarkers: false, ...opts }, runtime);

const PAGE1 = [
  'Inspection Report',
  'The inspection of the north warehouse took place on the fourth of March.',
  'All fire doors closed properly and the sprinklers passed the pressure test.',
  'Two emergency lights near the loading bay did not switch on during the power cut drill.',
];
const PAGE2 = ['Page two carries a real text layer.', 'Its words come from the PDF itself, not from OCR.'];
const PAGE3 = ['Follow-up Actions', 'Replace both emergency lights before the end of the month and repeat the drill.', 'The next full inspection is scheduled for September.'];

test('ocr auto: the two scanned pages are OCR\'d, the text page keeps its text layer, order is kept', async () => {
  const r = await parse();
  assert.deepEqual(r.document.pages.map((p) => p.source), ['ocr', 'text', 'ocr']);
  assert.equal(r.stats.ocrPages, 2);
  assertInOrder(r.text, [...PAGE1, ...PAGE2, ...PAGE3]);
  // OCR words are in PDF points, on the same A4 page as the text layer.
  for (const p of r.document.pages) {
    assert.ok(Math.abs(p.width - 595.28) < 1 && Math.abs(p.height - 841.89) < 1, `page ${p.number}: ${p.width}×${p.height}`);
  }
  const title = r.document.pages[0]!.blocks.find((b) => flat(b.text) === 'Inspection Report');
  assert.ok(title, 'title block');
  assert.equal(title.type, 'heading');
  // CSS: 70 px top padding of an A4 page rendered at 96 px/in = 52.5 pt.
  assert.ok(title.bbox.y0 > 40 && title.bbox.y0 < 75, `title top ${title.bbox.y0}`);
});

test('ocr never: scanned pages stay empty and say why', async () => {
  const r = await parse({ ocr: 'never' });
  assert.deepEqual(r.document.pages.map((p) => p.source), ['empty', 'text', 'empty']);
  assert.match(r.document.pages[0]!.notes?.join('; ') ?? '', /no text layer/);
  assertInOrder(r.text, PAGE2);
  assert.ok(!r.text.includes('Inspection'));
});

test('ocr always: the text page is OCR\'d too', async () => {
  const r = await parse({ ocr: 'always', pages: '2' });
  assert.deepEqual(r.document.pages.map((p) => p.source), ['ocr']);
  assertInOrder(r.text, PAGE2);
});
